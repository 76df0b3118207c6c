"""Read functions the pages need beyond ``registry.service`` and ``registry.indicators``.

Each answers one question for many subjects in one query, so that list pages stay at a fixed
number of statements however many rows they show. They follow the service conventions
(``session`` keyword-only, no commit) and belong in the register's service layer; they live
here only until its owner moves them.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tradebase.registry.models import (
    Enterprise,
    EnterpriseCertification,
    EnterpriseMarket,
    IndicatorFact,
    Product,
    ProductCertification,
)


def facts_of_bases(
    *, session: Session, base_ids: Collection[int]
) -> dict[int, list[IndicatorFact]]:
    """The indicator facts of each base in ``base_ids``."""
    found: dict[int, list[IndicatorFact]] = {base_id: [] for base_id in base_ids}
    if not found:
        return found
    stmt = select(IndicatorFact).where(IndicatorFact.base_id.in_(found)).order_by(IndicatorFact.id)
    for fact in session.scalars(stmt):
        if fact.base_id is not None:
            found[fact.base_id].append(fact)
    return found


def sample_series_of_base(
    *, session: Session, base_id: int, metric: str
) -> list[tuple[Enterprise, list[IndicatorFact]]]:
    """Dated sample facts of ``metric`` of each sample enterprise of the base, by period."""
    stmt = (
        select(IndicatorFact, Enterprise)
        .join(Enterprise, IndicatorFact.enterprise_id == Enterprise.id)
        .where(
            Enterprise.base_id == base_id,
            Enterprise.is_sample.is_(True),
            IndicatorFact.is_sample.is_(True),
            IndicatorFact.metric == metric,
            IndicatorFact.year.is_not(None),
        )
        .order_by(Enterprise.id, IndicatorFact.year, IndicatorFact.month, IndicatorFact.id)
    )
    grouped: dict[int, tuple[Enterprise, list[IndicatorFact]]] = {}
    for fact, enterprise in session.execute(stmt).unique():
        grouped.setdefault(enterprise.id, (enterprise, []))[1].append(fact)
    return list(grouped.values())


def product_counts(*, session: Session, enterprise_ids: Collection[int]) -> dict[int, int]:
    """How many catalog listings each enterprise has."""
    if not enterprise_ids:
        return {}
    stmt = (
        select(Product.enterprise_id, func.count())
        .where(Product.enterprise_id.in_(enterprise_ids))
        .group_by(Product.enterprise_id)
    )
    counts: dict[int, int] = {}
    for enterprise_id, count in session.execute(stmt):
        counts[enterprise_id] = count
    return counts


def certification_codes(*, session: Session, base_id: int | None = None) -> list[str]:
    """Every certification held by an enterprise or a listing (of one base, if given)."""
    enterprise_stmt = select(EnterpriseCertification.code).distinct()
    product_stmt = (
        select(ProductCertification.code)
        .join(Product, Product.id == ProductCertification.product_id)
        .distinct()
    )
    if base_id is not None:
        enterprise_stmt = enterprise_stmt.join(
            Enterprise, Enterprise.id == EnterpriseCertification.enterprise_id
        ).where(Enterprise.base_id == base_id)
        product_stmt = product_stmt.join(Enterprise, Enterprise.id == Product.enterprise_id).where(
            Enterprise.base_id == base_id
        )
    codes = set(session.scalars(enterprise_stmt)) | set(session.scalars(product_stmt))
    return sorted(codes, key=str.upper)


def market_codes(*, session: Session, base_id: int | None = None) -> list[str]:
    """Every export market of an enterprise (of one base, if given)."""
    stmt = select(EnterpriseMarket.country).distinct()
    if base_id is not None:
        stmt = stmt.join(Enterprise, Enterprise.id == EnterpriseMarket.enterprise_id).where(
            Enterprise.base_id == base_id
        )
    return sorted(set(session.scalars(stmt)))
