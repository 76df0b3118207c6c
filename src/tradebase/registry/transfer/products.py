"""Products files: one row per sku; enterprises named in the file are created when unknown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission, is_allowed
from tradebase.registry import schemas, service
from tradebase.registry.certificates import replace_codes
from tradebase.registry.hs_codes import read_hs
from tradebase.registry.models import (
    Enterprise,
    EnterpriseMarket,
    Product,
    ProductCertification,
    ProductTitle,
)
from tradebase.registry.transfer.checking import (
    BATCH_SIZE,
    COUNTRIES,
    EVERYTHING,
    Errors,
    ImportSummary,
    Kind,
    Progress,
    Refs,
    Scope,
    cell_value,
    chunks,
    is_chinese,
    joined,
    load_enterprise_refs,
    reason_of,
    validate,
)
from tradebase.registry.transfer.files import Cell, Row, Table
from tradebase.registry.transfer.writing import (
    Repeats,
    Written,
    check_rows,
    set_changed,
    write_rows,
)

_PRODUCT_FIELDS = {  # column -> field of schemas.ProductCreate filled straight from the cell
    "sku": "sku", "title": "title", "description": "description", "hs_code": "hs_code",
    "hs_edition": "hs_edition", "unit": "unit", "moq": "moq",
    "monthly_capacity": "monthly_capacity", "lead_time_days": "lead_time_days",
    "price_min": "price_min", "price_max": "price_max", "price_currency": "price_currency",
    "certifications": "certifications",
}
_SKU_HINT = ("a sku starts with a letter or digit and holds only letters, digits and . _ / - "
             "(at most 80 characters)")
TITLE_PREFIX = "title_"
_NOT_YET_CREATED = 2**31 - 1


@dataclass
class _ProductPlan:
    new_enterprises: dict[str, list[str]] = field(default_factory=dict)
    """Name of each enterprise to create -> its markets."""
    markets: dict[int, set[str]] = field(default_factory=dict)
    """Existing enterprise id -> markets to merge in."""
    rows: list[tuple[schemas.ProductCreate, str | None, Product | None]] = field(
        default_factory=list
    )
    """(checked product, name of a new enterprise or None, the stored product if known)."""


class ProductColumns:
    kind: Kind = Kind.PRODUCTS
    columns: tuple[str, ...] = (
        "sku", "enterprise", "title", "description", "hs_code", "hs_edition", "unit", "moq",
        "monthly_capacity", "lead_time_days", "price_min", "price_max", "price_currency",
        "certifications", "markets",
    )
    required: tuple[tuple[str, ...], ...] = (("sku",), ("enterprise",), ("title",))

    def __init__(self, *, default_edition: int | None = None) -> None:
        self.default_edition = default_edition
        """The HS edition of the codes of rows with an empty ``hs_edition`` (``--hs-edition``);
        None reads them as HS 2022 first, then as the older editions."""

    def accepts(self, column: str) -> bool:
        if column in self.columns:
            return True
        lang = column.removeprefix(TITLE_PREFIX)
        return column.startswith(TITLE_PREFIX) and schemas.LANG_PATTERN.fullmatch(lang) is not None

    @staticmethod
    def _column(loc: tuple[int | str, ...]) -> str | None:
        if not loc:
            return None
        if loc[0] == "titles":
            return f"{TITLE_PREFIX}{loc[1]}" if len(loc) > 1 else "title"
        if loc[0] == "enterprise_id":
            return "enterprise"
        return str(loc[0])

    def load(self, *, session: Session, table: Table, errors: Errors,
             progress: Progress | None, scope: Scope) -> _ProductPlan:
        plan = _ProductPlan()
        known = _Enterprises(session, scope)
        stored = self._stored(session, [row.cells.get("sku", "") for row in table.rows])
        title_columns = [c for c in table.columns if c.startswith(TITLE_PREFIX)]
        seen: Repeats[str] = Repeats()
        check_rows(table, progress,
                   lambda row: self._check(row, plan, known, stored, title_columns, seen, errors))
        return plan

    @staticmethod
    def _stored(session: Session, skus: list[str]) -> dict[str, Product]:
        """The stored products of the file, locked in sku order until the import ends (the
        same order for every import and edit, so that two of them cannot deadlock): a
        concurrent edit waits, and the rows are read as that edit left them."""
        wanted = sorted({sku for sku in skus if sku})
        found: dict[str, Product] = {}
        for chunk in chunks(wanted):
            stmt = select(Product).where(Product.sku.in_(chunk)).order_by(Product.sku)
            # version: a version_id_col on Product is bumped by the ORM flush of _set_product.
            for product in session.scalars(stmt.with_for_update(of=Product)):
                found[product.sku] = product
        return found

    def _check(
        self, row: Row, plan: _ProductPlan, known: _Enterprises, stored: dict[str, Product],
        title_columns: list[str], seen: Repeats[str], errors: Errors,
    ) -> None:
        line, cells = row.line, row.cells
        sku = cells["sku"]
        earlier = seen.earlier(sku)
        if earlier is not None:  # reported, and the row's other cells still checked
            errors.add(line, "sku", f"sku {sku} appears already on line {earlier}")
        elif sku:
            seen.add(sku, line)
        product = stored.get(sku)
        if product is not None and not known.may_edit(product.enterprise_id, line, "sku",
                                                      errors):
            return  # another enterprise's product: not the actor's to change

        enterprise_id, new_name = self._enterprise(row, plan, known, errors)
        markets: list[str] = []
        if cells.get("markets"):
            try:
                markets = COUNTRIES.validate_python(cells["markets"])
            except ValidationError as exc:
                for error in exc.errors():
                    errors.add(line, "markets", reason_of(error))

        data: dict[str, Any] = {} if product is None else _product_fields(product)
        for column, name in _PRODUCT_FIELDS.items():
            if column in cells:
                data[name] = cell_value(row, column, schemas.ProductCreate, name)
        if cells.get("hs_code") and not cells.get("hs_edition"):
            data["hs_edition"] = self.default_edition
        titles = dict(data.get("titles", {}))
        for column in title_columns:
            lang = column.removeprefix(TITLE_PREFIX)
            titles.pop(lang, None)
            if cells[column]:
                titles[lang] = cells[column]
        data["titles"] = titles
        # A new enterprise has no id before writing; a stand-in id is used while checking.
        data["enterprise_id"] = enterprise_id if enterprise_id is not None else _NOT_YET_CREATED
        checked = validate(schemas.ProductCreate, data, line=line, errors=errors,
                            column_of=self._column, hints={"sku": _SKU_HINT})
        if checked is None:
            return
        if checked.hs_code:
            for note in read_hs(checked.hs_code, checked.hs_edition).notes:
                errors.warn(line, "hs_code", note.code, note.params)
        if new_name is not None:
            plan.new_enterprises[new_name] = sorted({*plan.new_enterprises[new_name], *markets})
        elif enterprise_id is not None and markets:
            plan.markets.setdefault(enterprise_id, set()).update(markets)
        plan.rows.append((checked, new_name, product))

    @staticmethod
    def _enterprise(
        row: Row, plan: _ProductPlan, known: _Enterprises, errors: Errors
    ) -> tuple[int | None, str | None]:
        """(id of the existing enterprise, or None and the name of one to create)."""
        name = row.cells["enterprise"]
        if not name:
            errors.add(row.line, "enterprise", "must not be empty")
            return None, None
        try:
            found = known.refs.find(name)
        except ValueError as exc:
            errors.add(row.line, "enterprise", str(exc))
            return None, None
        if found is not None:
            if not known.may_edit(found, row.line, "enterprise", errors):
                return None, None
            return found, None
        if not known.may_create:
            # A misspelt name is an error of its row, not a new enterprise nor a refusal.
            known.scope.unknown_enterprise(name, None, line=row.line, column="enterprise",
                                           errors=errors)
            return None, None
        if name not in plan.new_enterprises:
            try:
                schemas.EnterpriseCreate.model_validate(_enterprise_name(name))
            except ValidationError as exc:
                errors.add(row.line, "enterprise", reason_of(exc.errors()[0]))
                return None, None
            plan.new_enterprises[name] = []
        return None, name

    def write(self, *, session: Session, plan: _ProductPlan,
              progress: Progress | None) -> ImportSummary:
        summary = ImportSummary(Kind.PRODUCTS)
        self._authorize(session, plan)
        created: dict[str, int] = {}
        for name, markets in plan.new_enterprises.items():
            enterprise = service.create_enterprise(
                session=session,
                data=schemas.EnterpriseCreate(**_enterprise_name(name), markets=markets),
            )
            created[name] = enterprise.id
            summary.enterprises_created.append(enterprise.id)
        _merge_markets(session, plan.markets)


        def write(planned: tuple[schemas.ProductCreate, str | None, Product | None]
                  ) -> tuple[Written, bool]:
            checked, new_name, product = planned
            if new_name is not None:
                checked = checked.model_copy(update={"enterprise_id": created[new_name]})
            if product is None:
                product = _new_product(checked)
                session.add(product)
                return product, True
            _set_product(product, checked)
            return product, False

        return write_rows(session, summary, plan.rows, progress, write)

    @staticmethod
    def _authorize(session: Session, plan: _ProductPlan) -> None:
        """The actor may edit the catalog of every enterprise the file touches (new ones are
        checked when they are created); checked once per enterprise, before anything is
        written."""
        ids = set(plan.markets)
        for checked, new_name, product in plan.rows:
            if new_name is None:
                ids.add(checked.enterprise_id)
            if product is not None:
                ids.add(product.enterprise_id)
        for chunk in chunks(sorted(ids)):
            for ident, base_id in session.execute(
                select(Enterprise.id, Enterprise.base_id).where(Enterprise.id.in_(chunk))
            ):
                authorize(session, Permission.EDIT_ENTERPRISE, base_id=base_id,
                          enterprise_id=ident)

    def export(self, *, session: Session, scope: Scope = EVERYTHING
               ) -> tuple[list[str], Iterator[list[Cell]]]:
        enterprises = load_enterprise_refs(session, by_id=False)
        names: dict[int, str] = {}
        for ident, name_en, name_zh in session.execute(
            select(Enterprise.id, Enterprise.name_en, Enterprise.name_zh)
        ):
            # Names only: the import takes no ids here, so a shared name is written as it is
            # (and reported as ambiguous on import) rather than as an id.
            found = enterprises.ref_for(ident, name_en, name_zh)
            names[ident] = found if found != str(ident) else (name_en or name_zh)
        markets = _grouped(session, EnterpriseMarket.enterprise_id, EnterpriseMarket.country)
        certifications = _grouped(
            session, ProductCertification.product_id, ProductCertification.code
        )
        titles: dict[int, dict[str, str]] = {}
        for product_id, lang, text in session.execute(
            select(ProductTitle.product_id, ProductTitle.lang, ProductTitle.text)
        ):
            titles.setdefault(product_id, {})[lang] = text
        langs = sorted({lang for by_lang in titles.values() for lang in by_lang})
        columns = [*self.columns[:3], *(f"{TITLE_PREFIX}{lang}" for lang in langs),
                   *self.columns[3:]]

        def rows() -> Iterator[list[Cell]]:
            stmt = select(
                Product.id, Product.sku, Product.enterprise_id, Product.title,
                Product.description, Product.hs_code_written, Product.hs_edition, Product.unit,
                Product.moq, Product.monthly_capacity, Product.lead_time_days,
                Product.price_min, Product.price_max, Product.price_currency,
            ).order_by(Product.id)
            if scope.exported is not None:
                stmt = stmt.join(Enterprise, Enterprise.id == Product.enterprise_id).where(
                    Enterprise.base_id.in_(sorted(scope.exported)))
            # The code as written and the edition it was read as: importing them again
            # gives the same HS 2022 code and candidates.
            for (ident, sku, enterprise_id, title, description, hs_code, hs_edition, unit, moq,
                 capacity, lead_time, price_min, price_max, currency) in session.execute(
                     stmt.execution_options(yield_per=BATCH_SIZE)):
                own = titles.get(ident, {})
                yield [
                    sku, names.get(enterprise_id, str(enterprise_id)), title,
                    *(own.get(lang, "") for lang in langs),
                    description, hs_code, hs_edition, unit, moq, capacity, lead_time,
                    price_min, price_max, currency,
                    joined(certifications.get(ident, [])),
                    joined(markets.get(enterprise_id, [])),
                ]

        return columns, rows()


class _Enterprises:
    """The enterprises a products file may name: every one (by name), or from a base's
    page those of that base; and whether the actor may change each one's catalog."""

    def __init__(self, session: Session, scope: Scope) -> None:
        self.scope = scope
        self.refs = Refs("enterprise", by_id=False)
        self.known: dict[int, tuple[int | None, str]] = {}
        stmt = select(Enterprise.id, Enterprise.base_id, Enterprise.name_en, Enterprise.name_zh)
        for ident, base_id, name_en, name_zh in session.execute(stmt.order_by(Enterprise.id)):
            self.known[ident] = (base_id, name_en or name_zh)
            if scope.base_id is None or base_id == scope.base_id:
                self.refs.add(ident, name_en, name_zh)
        # New enterprises are created without a base: only by whoever may do that, and never
        # from a base's page (there an unknown name is a misspelling to report).
        self.may_create = scope.base_id is None and is_allowed(
            scope.actor, Permission.CREATE_ENTERPRISE)

    def may_edit(self, enterprise_id: int, line: int, column: str, errors: Errors) -> bool:
        base_id, name = self.known.get(enterprise_id, (None, str(enterprise_id)))
        return self.scope.check(Permission.EDIT_ENTERPRISE, base_id, line=line, column=column,
                                errors=errors, enterprise_id=enterprise_id, enterprise=name)


def _enterprise_name(name: str) -> dict[str, str]:
    return {"name_zh": name} if is_chinese(name) else {"name_en": name}


def _product_fields(product: Product) -> dict[str, Any]:
    return {
        "sku": product.sku, "enterprise_id": product.enterprise_id, "title": product.title,
        "titles": product.titles, "description": product.description,
        "hs_code": product.hs_code_written, "hs_edition": product.hs_edition,
        "unit": product.unit, "moq": product.moq,
        "monthly_capacity": product.monthly_capacity, "lead_time_days": product.lead_time_days,
        "price_min": product.price_min, "price_max": product.price_max,
        "price_currency": product.price_currency,
        "certifications": product.certifications, "is_sample": product.is_sample,
    }


def _new_product(checked: schemas.ProductCreate) -> Product:
    return Product(
        **checked.columns(),
        title_rows=[ProductTitle(lang=lang, text=text) for lang, text in checked.titles.items()],
        certification_rows=[ProductCertification(code=code) for code in checked.certifications],
    )


def _set_product(product: Product, checked: schemas.ProductCreate) -> None:
    """Bring a stored product to ``checked``, touching only what changed (so that an
    unchanged row writes nothing)."""
    set_changed(product, checked.columns())
    if product.titles != checked.titles:
        product.title_rows = [ProductTitle(lang=lang, text=text)
                              for lang, text in checked.titles.items()]
    if product.certifications != checked.certifications:
        product.certification_rows = replace_codes(
            product.certification_rows, checked.certifications,
            lambda code: ProductCertification(code=code))


def _merge_markets(session: Session, markets: dict[int, set[str]]) -> None:
    """Add the markets a products file names to its enterprises (never removes one)."""
    ids = sorted(markets)
    for chunk in chunks(ids):
        for enterprise in session.scalars(select(Enterprise).where(Enterprise.id.in_(chunk))):
            for country in sorted(markets[enterprise.id] - set(enterprise.markets)):
                enterprise.market_rows.append(EnterpriseMarket(country=country))
    session.flush()


def _grouped(session: Session, key: Any, value: Any) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for ident, item in session.execute(select(key, value).order_by(key, value)):
        grouped.setdefault(ident, []).append(item)
    return grouped
