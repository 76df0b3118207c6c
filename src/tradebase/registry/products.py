"""Products: an enterprise's catalog listings. Each function takes ``session`` keyword-only
and never commits."""

from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from tradebase.errors import Conflict, InvalidInput
from tradebase.registry import schemas, search
from tradebase.registry.certificates import updated_rows
from tradebase.registry.enterprises import (
    authorize_catalog,
    enterprise_filters,
    get_enterprise,
    hs_prefix,
)
from tradebase.registry.models import Enterprise, Product, ProductCertification, ProductTitle
from tradebase.registry.records import NO_FILTERS, ListFilters, flush, get_one, page, searched
from tradebase.registry.versioning import check_version, load_for_update


def list_products(
    *, session: Session, filters: ListFilters = NO_FILTERS, limit: int = 50, offset: int = 0
) -> tuple[list[Product], int]:
    stmt = select(Product).order_by(Product.id)
    if filters.enterprise_id is not None:
        stmt = stmt.where(Product.enterprise_id == filters.enterprise_id)
    if filters.hs_code:
        stmt = stmt.where(Product.hs_code.startswith(hs_prefix(filters.hs_code)))
    if filters.certification:
        stmt = stmt.where(
            exists().where(
                ProductCertification.product_id == Product.id,
                func.upper(ProductCertification.code) == filters.certification.upper(),
            )
        )
    stmt = searched(session, stmt, search.PRODUCT, Product.id, filters.q)
    enterprise_level = ListFilters(
        region=filters.region, industry=filters.industry, market=filters.market,
        base_id=filters.base_id,
    )
    if enterprise_level != ListFilters():
        enterprise_ids = enterprise_filters(session, select(Enterprise.id), enterprise_level)
        stmt = stmt.where(Product.enterprise_id.in_(enterprise_ids))
    return page(session, stmt, limit=limit, offset=offset)


def get_product(*, session: Session, product_id: int) -> Product:
    return get_one(session, Product, product_id, "Product")


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



def create_product(*, session: Session, data: schemas.ProductCreate) -> Product:
    authorize_catalog(session, get_enterprise(session=session, enterprise_id=data.enterprise_id))
    if get_product_by_sku(session=session, sku=data.sku) is not None:
        raise Conflict(f"sku {data.sku} exists already; skus are unique", field="sku",
                       code="sku_taken", params={"sku": data.sku})
    product = Product(**data.columns())
    _set_product_lists(product, data.titles, data.certifications, data.certificates)
    session.add(product)
    flush(session, "Product")
    return product


def update_product(
    *, session: Session, product_id: int, data: schemas.ProductUpdate,
    expected_version: int | None = None,
) -> Product:
    """Change a listing; ``expected_version`` as for ``update_base``. The row is locked before
    it is read, so concurrent changes apply one after the other to the committed row."""
    product = load_for_update(session, Product, product_id, "Product")
    authorize_catalog(session, product.enterprise)
    check_version(product, expected_version, "Product")
    changes = data.model_dump(exclude_unset=True)
    if changes.get("enterprise_id") is not None:
        target = get_enterprise(session=session, enterprise_id=changes["enterprise_id"])
        authorize_catalog(session, target)
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
    flush(session, "Product")
    return product


def delete_product(
    *, session: Session, product_id: int, expected_version: int | None = None
) -> None:
    product = load_for_update(session, Product, product_id, "Product")
    authorize_catalog(session, product.enterprise)
    check_version(product, expected_version, "Product")
    session.delete(product)
    flush(session, "Product")
