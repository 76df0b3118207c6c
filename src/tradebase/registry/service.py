"""Domain functions of the register. Each takes ``session`` keyword-only and never commits:
the caller (web request, CLI command, job) owns the transaction."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Select, delete, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.errors import Conflict, InvalidInput, NotFound, StaleObject
from tradebase.registry import schemas, search
from tradebase.registry.certificates import updated_rows
from tradebase.registry.hs_names import HsName, hs_name
from tradebase.registry.models import (
    Base,
    Designation,
    Enterprise,
    EnterpriseCertification,
    EnterpriseMarket,
    HsCode,
    Industry,
    KeyEnterprise,
    KeyProject,
    Product,
    ProductCertification,
    ProductTitle,
    Region,
    base_regions,
)
from tradebase.registry.versioning import check_version, load_for_update

HS_DIR = Path(__file__).parent / "hs"

M = TypeVar("M")


@dataclass(frozen=True)
class ListFilters:
    """Filters shared by the list endpoints; each one narrows the result, None means any."""

    q: str | None = None
    region: str | None = None
    industry: str | None = None
    hs_code: str | None = None
    certification: str | None = None
    market: str | None = None
    base_id: int | None = None
    enterprise_id: int | None = None


def _page(session: Session, stmt: Select[Any], *, limit: int, offset: int) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(limit).offset(offset)).unique())
    return items, total


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def search_terms(q: str | None) -> list[str]:
    """The terms of a search box as written: words split on spaces, and a run of Chinese
    characters split into single characters, since Chinese writes no spaces. (The lists search
    through ``registry/search.py``, which also stems the words.)"""
    terms: list[str] = []
    for word in (q or "").split()[:12]:
        if len(word) > 1 and all(_is_cjk(char) for char in word):
            terms.extend(dict.fromkeys(word))
        else:
            terms.append(word)
    return list(dict.fromkeys(terms))


def search_patterns(q: str | None) -> list[str]:
    """One LIKE pattern per term; a row must match every term (in any of its fields)."""
    return [_like(term) for term in search_terms(q)]


def _searched(
    session: Session, stmt: Select[Any], kind: str, id_column: Any, q: str | None
) -> Select[Any]:
    """``stmt`` narrowed to the objects whose names or titles match every word of ``q``
    (stemmed, in any order, Chinese without spaces: ``registry/search.py``)."""
    condition = search.matching(session, kind, id_column, q)
    return stmt if condition is None else stmt.where(condition)


def _get(session: Session, model: type[M], ident: object, what: str) -> M:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(f"{what} {ident} does not exist", field="id")
    return obj


def _flush(session: Session, what: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"{what} clashes with existing data: {exc.orig}") from exc
    except StaleDataError as exc:  # the row changed (or went) since it was read
        session.rollback()
        raise StaleObject(
            f"{what} was changed by someone else meanwhile; nothing was saved, try again"
        ) from exc


# --- HS nomenclature ---------------------------------------------------------------------


def load_hs_codes(*, session: Session, path: Path | None = None) -> int:
    """Load the HS nomenclature (chapters, headings, subheadings) if the table is empty.

    Aggregate rows (section ``TOTAL``) are not goods and are skipped. Returns rows added.
    """
    if session.scalar(select(func.count()).select_from(HsCode)):
        return 0
    path = path or HS_DIR / "harmonized-system.csv"
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["section"] == "TOTAL" or row["level"] not in {"2", "4", "6"}:
                continue
            parent = row["parent"] if row["parent"] != "TOTAL" else None
            rows.append(
                {
                    "code": row["hscode"],
                    "level": int(row["level"]),
                    "description": row["description"],
                    "parent_code": parent,
                    "section": row["section"],
                }
            )
    session.execute(insert(HsCode), rows)
    search.index_hs_codes(session.connection())
    return len(rows)


def list_hs_codes(
    *, session: Session, prefix: str | None = None, q: str | None = None, level: int | None = None,
    limit: int = 50, offset: int = 0,
) -> tuple[list[HsCode], int]:
    stmt = select(HsCode).order_by(HsCode.code)
    if prefix:
        stmt = stmt.where(HsCode.code.startswith(prefix))
    if level:
        stmt = stmt.where(HsCode.level == level)
    condition = search.hs_matching(session, q)
    if condition is not None:
        stmt = stmt.where(condition)
    return _page(session, stmt, limit=limit, offset=offset)


def get_hs_code(*, session: Session, code: str) -> HsCode:
    return _get(session, HsCode, code, "HS code")


def hs_descriptions(
    *, session: Session, codes: Iterable[str], language: str = "en"
) -> dict[str, HsName]:
    """The name in ``language`` of each of ``codes`` the register knows: Chinese where the
    project has one, else the register's English description marked as a fallback."""
    wanted = {code for code in codes if code}
    if not wanted:
        return {}
    rows = session.execute(select(HsCode.code, HsCode.description).where(HsCode.code.in_(wanted)))
    names = {row.code: hs_name(row.code, language, english=row.description) for row in rows}
    return {code: name for code, name in names.items() if name is not None}


# --- regions and industries -------------------------------------------------------------


def list_regions(*, session: Session, level: str | None = None) -> list[Region]:
    stmt = select(Region).order_by(Region.code, Region.id)
    if level:
        stmt = stmt.where(Region.level == level)
    return list(session.scalars(stmt))


def get_region(*, session: Session, region_id: int) -> Region:
    return _get(session, Region, region_id, "Region")


def resolve_region(*, session: Session, ref: str) -> Region:
    """A region by id, administrative code or English/Chinese name."""
    region = None
    if ref.isdecimal() and len(ref) <= 9:  # an id (a longer number is no id, maybe a code)
        region = session.get(Region, int(ref))
    if region is None:
        region = session.scalars(
            select(Region).where(
                or_(Region.code == ref, Region.name_en == ref, Region.name_zh == ref)
            )
        ).first()
    if region is None:
        raise InvalidInput(f"unknown region '{ref}'", field="region", code="choice_unknown")
    return region


def region_and_descendants(*, session: Session, region_id: int) -> set[int]:
    """The region and every region below it (a province includes its cities and counties)."""
    found = {region_id}
    frontier = {region_id}
    while frontier:
        children = set(session.scalars(select(Region.id).where(Region.parent_id.in_(frontier))))
        frontier = children - found
        found |= frontier
    return found


def list_industries(*, session: Session) -> list[Industry]:
    return list(session.scalars(select(Industry).order_by(Industry.id)))


def get_industry(*, session: Session, industry_id: int) -> Industry:
    return _get(session, Industry, industry_id, "Industry")


def resolve_industry(*, session: Session, ref: str) -> Industry:
    industry = (session.get(Industry, int(ref))
                if ref.isdecimal() and len(ref) <= 9 else None)  # an id, or a name
    if industry is None:
        industry = session.scalars(
            select(Industry).where(
                or_(Industry.key == ref, Industry.name_en == ref, Industry.name_zh == ref)
            )
        ).first()
    if industry is None:
        raise InvalidInput(f"unknown industry '{ref}'", field="industry",
                           code="choice_unknown")
    return industry


# --- bases and designations --------------------------------------------------------------


def list_bases(
    *, session: Session, filters: ListFilters = ListFilters(), limit: int = 50, offset: int = 0
) -> tuple[list[Base], int]:
    stmt = select(Base).order_by(Base.id)
    stmt = _searched(session, stmt, search.BASE, Base.id, filters.q)
    if filters.region:
        region = resolve_region(session=session, ref=filters.region)
        ids = region_and_descendants(session=session, region_id=region.id)
        stmt = stmt.where(
            exists().where(base_regions.c.base_id == Base.id, base_regions.c.region_id.in_(ids))
        )
    if filters.industry:
        stmt = stmt.where(
            Base.industry_id == resolve_industry(session=session, ref=filters.industry).id
        )
    return _page(session, stmt, limit=limit, offset=offset)


def get_base(*, session: Session, base_id: int) -> Base:
    return _get(session, Base, base_id, "Base")


def get_base_by_key(*, session: Session, key: str) -> Base | None:
    return session.scalars(select(Base).where(Base.key == key)).first()


def _regions(session: Session, ids: Sequence[int]) -> list[Region]:
    regions = []
    for region_id in dict.fromkeys(ids):
        region = session.get(Region, region_id)
        if region is None:
            raise InvalidInput(f"region {region_id} does not exist",
                           field="region_ids", code="choice_missing")
        regions.append(region)
    return regions


def _check_industry(session: Session, industry_id: int | None) -> None:
    if industry_id is not None and session.get(Industry, industry_id) is None:
        raise InvalidInput(f"industry {industry_id} does not exist",
                           field="industry_id", code="choice_missing")


def create_base(*, session: Session, data: schemas.BaseCreate) -> Base:
    authorize(session, Permission.CREATE_BASE)
    _check_industry(session, data.industry_id)
    base = Base(
        key=data.key,
        name_zh=data.name_zh,
        name_en=data.name_en,
        industry_id=data.industry_id,
        description_zh=data.description_zh,
        description_en=data.description_en,
        regions=_regions(session, data.region_ids),
    )
    session.add(base)
    _flush(session, "Base")
    return base


def update_base(
    *, session: Session, base_id: int, data: schemas.BaseUpdate,
    expected_version: int | None = None,
) -> Base:
    """Change a base; ``expected_version`` is the version the change was based on (None: the
    stored one, whatever it is; concurrent changes wait for each other on the row's lock)."""
    base = load_for_update(session, Base, base_id, "Base")
    authorize(session, Permission.MANAGE_BASE, base_id=base.id)
    check_version(base, expected_version, "Base")
    changes = data.model_dump(exclude_unset=True)
    if "industry_id" in changes:
        _check_industry(session, changes["industry_id"])
    if "region_ids" in changes:
        if changes["region_ids"] is None:
            raise InvalidInput("a base needs at least one region", field="region_ids")
        base.regions = _regions(session, changes.pop("region_ids"))
    for name, value in changes.items():
        if name in {"name_zh", "name_en", "description_zh", "description_en"} and value is None:
            raise InvalidInput(f"{name} cannot be null", field=name)
        setattr(base, name, value)
    if not (base.name_zh or base.name_en):
        raise InvalidInput("a base needs a name in Chinese or English", field="name_en",
                           code="name_required")
    _flush(session, "Base")
    return base


def delete_base(
    *, session: Session, base_id: int, expected_version: int | None = None
) -> None:
    authorize(session, Permission.DELETE_BASE, base_id=base_id)
    base = load_for_update(session, Base, base_id, "Base")
    check_version(base, expected_version, "Base")
    session.delete(base)
    _flush(session, "Base")


def list_designations(
    *, session: Session, base_id: int | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Designation], int]:
    stmt = select(Designation).order_by(Designation.base_id, Designation.year, Designation.id)
    if base_id is not None:
        stmt = stmt.where(Designation.base_id == base_id)
    return _page(session, stmt, limit=limit, offset=offset)


def get_designation(*, session: Session, designation_id: int) -> Designation:
    return _get(session, Designation, designation_id, "Designation")


def create_designation(*, session: Session, data: schemas.DesignationCreate) -> Designation:
    get_base(session=session, base_id=data.base_id)
    authorize(session, Permission.MANAGE_BASE, base_id=data.base_id)
    designation = Designation(**data.model_dump())
    session.add(designation)
    _flush(session, "Designation")
    return designation


def update_designation(
    *, session: Session, designation_id: int, data: schemas.DesignationUpdate,
    expected_version: int | None = None,
) -> Designation:
    designation = load_for_update(session, Designation, designation_id, "Designation")
    authorize(session, Permission.MANAGE_BASE, base_id=designation.base_id)
    check_version(designation, expected_version, "Designation")
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None and name != "year":
            raise InvalidInput(f"{name} cannot be null", field=name)
        setattr(designation, name, value)
    _flush(session, "Designation")
    return designation


def delete_designation(
    *, session: Session, designation_id: int, expected_version: int | None = None
) -> None:
    designation = load_for_update(session, Designation, designation_id, "Designation")
    authorize(session, Permission.MANAGE_BASE, base_id=designation.base_id)
    check_version(designation, expected_version, "Designation")
    session.delete(designation)
    _flush(session, "Designation")


def list_key_enterprises(*, session: Session, base_id: int) -> list[KeyEnterprise]:
    stmt = select(KeyEnterprise).where(KeyEnterprise.base_id == base_id).order_by(KeyEnterprise.id)
    return list(session.scalars(stmt))


def list_key_projects(*, session: Session, base_id: int) -> list[KeyProject]:
    stmt = select(KeyProject).where(KeyProject.base_id == base_id).order_by(KeyProject.id)
    return list(session.scalars(stmt))


# --- enterprises --------------------------------------------------------------------------


def _enterprise_filters(session: Session, stmt: Select[Any], filters: ListFilters) -> Select[Any]:
    stmt = _searched(session, stmt, search.ENTERPRISE, Enterprise.id, filters.q)
    if filters.base_id is not None:
        stmt = stmt.where(Enterprise.base_id == filters.base_id)
    if filters.region:
        region = resolve_region(session=session, ref=filters.region)
        ids = region_and_descendants(session=session, region_id=region.id)
        stmt = stmt.where(Enterprise.region_id.in_(ids))
    if filters.industry:
        industry = resolve_industry(session=session, ref=filters.industry)
        stmt = stmt.where(
            Enterprise.base_id.in_(select(Base.id).where(Base.industry_id == industry.id))
        )
    if filters.certification:
        stmt = stmt.where(
            exists().where(
                EnterpriseCertification.enterprise_id == Enterprise.id,
                func.upper(EnterpriseCertification.code) == filters.certification.upper(),
            )
        )
    if filters.market:
        stmt = stmt.where(
            exists().where(
                EnterpriseMarket.enterprise_id == Enterprise.id,
                EnterpriseMarket.country == filters.market.upper(),
            )
        )
    if filters.hs_code:
        stmt = stmt.where(
            exists().where(
                Product.enterprise_id == Enterprise.id,
                Product.hs_code.startswith(_hs_prefix(filters.hs_code)),
            )
        )
    return stmt


def _hs_prefix(code: str) -> str:
    prefix = code.replace(".", "").strip()
    if not prefix.isdecimal() or len(prefix) > 6:
        raise InvalidInput("hs_code filters by a prefix of up to six digits", field="hs_code",
                           code="hs_prefix")
    return prefix


def list_enterprises(
    *, session: Session, filters: ListFilters = ListFilters(), limit: int = 50, offset: int = 0
) -> tuple[list[Enterprise], int]:
    stmt = _enterprise_filters(session, select(Enterprise).order_by(Enterprise.id), filters)
    return _page(session, stmt, limit=limit, offset=offset)


def get_enterprise(*, session: Session, enterprise_id: int) -> Enterprise:
    return _get(session, Enterprise, enterprise_id, "Enterprise")


def find_enterprise_by_name(*, session: Session, name: str) -> Enterprise | None:
    return session.scalars(
        select(Enterprise)
        .where(or_(Enterprise.name_en == name, Enterprise.name_zh == name))
        .order_by(Enterprise.id)
    ).first()


def _check_refs(session: Session, base_id: int | None, region_id: int | None) -> None:
    if base_id is not None and session.get(Base, base_id) is None:
        raise InvalidInput(f"base {base_id} does not exist",
                           field="base_id", code="choice_missing")
    if region_id is not None and session.get(Region, region_id) is None:
        raise InvalidInput(f"region {region_id} does not exist",
                           field="region_id", code="choice_missing")


def _set_enterprise_lists(
    enterprise: Enterprise, certifications: list[str] | None, markets: list[str] | None,
    certificates: list[schemas.CertificateIn] | None = None,
) -> None:
    rows = updated_rows(enterprise.certification_rows, certificates=certificates,
                        codes=certifications, make=lambda code: EnterpriseCertification(code=code))
    if rows is not None:
        enterprise.certification_rows = rows
    if markets is not None:
        enterprise.market_rows = [EnterpriseMarket(country=code) for code in dict.fromkeys(markets)]


def create_enterprise(*, session: Session, data: schemas.EnterpriseCreate) -> Enterprise:
    _check_refs(session, data.base_id, data.region_id)
    authorize(session, Permission.CREATE_ENTERPRISE, base_id=data.base_id)
    fields = data.model_dump(exclude={"certifications", "certificates", "markets"})
    enterprise = Enterprise(**fields)
    _set_enterprise_lists(enterprise, data.certifications, data.markets, data.certificates)
    session.add(enterprise)
    _flush(session, "Enterprise")
    return enterprise


_REQUIRED_TEXT = {
    "name_zh", "name_en", "contact_name", "contact_email", "contact_phone", "website",
    "description_zh", "description_en", "is_sample",
}


def update_enterprise(
    *, session: Session, enterprise_id: int, data: schemas.EnterpriseUpdate,
    expected_version: int | None = None,
) -> Enterprise:
    enterprise = load_for_update(session, Enterprise, enterprise_id, "Enterprise")
    authorize(
        session, Permission.EDIT_ENTERPRISE, base_id=enterprise.base_id, enterprise_id=enterprise.id
    )
    check_version(enterprise, expected_version, "Enterprise")
    changes = data.model_dump(exclude_unset=True)
    _check_refs(session, changes.get("base_id"), changes.get("region_id"))
    if "base_id" in changes and changes["base_id"] != enterprise.base_id:
        # Moving an enterprise between bases is a decision of the administrators of both.
        authorize(session, Permission.DELETE_ENTERPRISE, base_id=enterprise.base_id)
        authorize(session, Permission.CREATE_ENTERPRISE, base_id=changes["base_id"])
    changes.pop("certificates", None)
    _set_enterprise_lists(
        enterprise,
        changes.pop("certifications", None),
        changes.pop("markets", None),
        data.certificates,
    )
    for name, value in changes.items():
        if value is None and name in _REQUIRED_TEXT:
            raise InvalidInput(f"{name} cannot be null", field=name)
        setattr(enterprise, name, value)
    if not (enterprise.name_zh or enterprise.name_en):
        raise InvalidInput("an enterprise needs a name in Chinese or English", field="name_en",
                           code="name_required")
    _flush(session, "Enterprise")
    return enterprise


def delete_enterprise(
    *, session: Session, enterprise_id: int, expected_version: int | None = None
) -> None:
    enterprise = load_for_update(session, Enterprise, enterprise_id, "Enterprise")
    authorize(session, Permission.DELETE_ENTERPRISE, base_id=enterprise.base_id)
    check_version(enterprise, expected_version, "Enterprise")
    session.execute(delete(Product).where(Product.enterprise_id == enterprise.id))
    session.delete(enterprise)
    _flush(session, "Enterprise")


# --- products -------------------------------------------------------------------------------


def list_products(
    *, session: Session, filters: ListFilters = ListFilters(), limit: int = 50, offset: int = 0
) -> tuple[list[Product], int]:
    stmt = select(Product).order_by(Product.id)
    if filters.enterprise_id is not None:
        stmt = stmt.where(Product.enterprise_id == filters.enterprise_id)
    if filters.hs_code:
        stmt = stmt.where(Product.hs_code.startswith(_hs_prefix(filters.hs_code)))
    if filters.certification:
        stmt = stmt.where(
            exists().where(
                ProductCertification.product_id == Product.id,
                func.upper(ProductCertification.code) == filters.certification.upper(),
            )
        )
    stmt = _searched(session, stmt, search.PRODUCT, Product.id, filters.q)
    enterprise_level = ListFilters(
        region=filters.region, industry=filters.industry, market=filters.market,
        base_id=filters.base_id,
    )
    if enterprise_level != ListFilters():
        enterprise_ids = _enterprise_filters(session, select(Enterprise.id), enterprise_level)
        stmt = stmt.where(Product.enterprise_id.in_(enterprise_ids))
    return _page(session, stmt, limit=limit, offset=offset)


def get_product(*, session: Session, product_id: int) -> Product:
    return _get(session, Product, product_id, "Product")


def get_product_by_sku(*, session: Session, sku: str) -> Product | None:
    return session.scalars(select(Product).where(Product.sku == sku)).first()


def _set_product_lists(
    product: Product, titles: dict[str, str] | None, certifications: list[str] | None,
    certificates: list[schemas.CertificateIn] | None = None,
) -> None:
    if titles is not None:
        product.title_rows = [ProductTitle(lang=lang, text=text) for lang, text in titles.items()]
    rows = updated_rows(product.certification_rows, certificates=certificates,
                        codes=certifications, make=lambda code: ProductCertification(code=code))
    if rows is not None:
        product.certification_rows = rows


def _authorize_catalog(session: Session, enterprise: Enterprise) -> None:
    authorize(
        session, Permission.EDIT_ENTERPRISE, base_id=enterprise.base_id, enterprise_id=enterprise.id
    )


def check_can_edit_enterprise(*, session: Session, enterprise: Enterprise) -> None:
    """Raise unless the acting user may edit this enterprise's profile and catalog (an edit
    form is refused before it is shown, not only when it is sent)."""
    _authorize_catalog(session, enterprise)


def check_can_create_enterprise(*, session: Session, base_id: int | None) -> None:
    authorize(session, Permission.CREATE_ENTERPRISE, base_id=base_id)


def create_product(*, session: Session, data: schemas.ProductCreate) -> Product:
    _authorize_catalog(session, get_enterprise(session=session, enterprise_id=data.enterprise_id))
    if get_product_by_sku(session=session, sku=data.sku) is not None:
        raise Conflict(f"sku {data.sku} exists already; skus are unique", field="sku",
                       code="sku_taken", params={"sku": data.sku})
    product = Product(**data.columns())
    _set_product_lists(product, data.titles, data.certifications, data.certificates)
    session.add(product)
    _flush(session, "Product")
    return product


def update_product(
    *, session: Session, product_id: int, data: schemas.ProductUpdate,
    expected_version: int | None = None,
) -> Product:
    """Change a listing; ``expected_version`` as for ``update_base``. The row is locked before
    it is read, so concurrent changes apply one after the other to the committed row."""
    product = load_for_update(session, Product, product_id, "Product")
    _authorize_catalog(session, product.enterprise)
    check_version(product, expected_version, "Product")
    changes = data.model_dump(exclude_unset=True)
    if changes.get("enterprise_id") is not None:
        target = get_enterprise(session=session, enterprise_id=changes["enterprise_id"])
        _authorize_catalog(session, target)
    if "hs_code" in changes or "hs_edition" in changes:
        # The schema read the code; a new edition alone re-reads the code as written.
        written = changes.pop("hs_code", product.hs_code_written)
        changes.update(schemas.hs_columns(written, changes.pop("hs_edition", None)))
    if changes.get("sku") and changes["sku"] != product.sku:
        other = get_product_by_sku(session=session, sku=changes["sku"])
        if other is not None:
            raise Conflict(f"sku {changes['sku']} exists already; skus are unique",
                           field="sku", code="sku_taken", params={"sku": changes["sku"]})
    changes.pop("certificates", None)
    _set_product_lists(product, changes.pop("titles", None), changes.pop("certifications", None),
                       data.certificates)
    for name, value in changes.items():
        if value is None and name in {"sku", "enterprise_id", "title", "unit", "description",
                                      "is_sample"}:
            raise InvalidInput(f"{name} cannot be null", field=name)
        setattr(product, name, value)
    try:
        schemas.check_price_range(product.price_min, product.price_max, product.price_currency)
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        raise InvalidInput(message, field=field) from None
    _flush(session, "Product")
    return product


def delete_product(
    *, session: Session, product_id: int, expected_version: int | None = None
) -> None:
    product = load_for_update(session, Product, product_id, "Product")
    _authorize_catalog(session, product.enterprise)
    check_version(product, expected_version, "Product")
    session.delete(product)
    _flush(session, "Product")
