"""Certifications a buyer can trust: issuer, number, validity dates and a certificate file.

A certification row (of an enterprise or of one of its listings) satisfies a buyer's
requirement only while it is valid (``CertificateDetails.is_valid_on``); the matching index
reads only valid ones (``docking/sync.py``). Two things happen when time passes without any
edit, both driven by ``tradebase reminders send`` (one idempotent daily command):

- ``apply_lapses`` refreshes the index rows of the listings whose certification lapsed since
  the last run, once per certification (``lapse_indexed``);
- ``expiring`` lists the certifications that lapse within a number of days, so that the
  enterprise is reminded (the reminder's key names the row and its ``valid_until``, so a
  renewed certificate is reminded again before its own expiry, and an unchanged one never
  twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tradebase.registry.models import (
    CertificateDetails,
    Enterprise,
    EnterpriseCertification,
    Product,
    ProductCertification,
)

Row = TypeVar("Row", bound=CertificateDetails)

DETAIL_FIELDS = ("issuer", "number", "valid_from", "valid_until")


def replace_codes(rows: Sequence[Row], codes: Iterable[str], make: Callable[[str], Row]
                  ) -> list[Row]:
    """The rows for ``codes``: a code already held keeps its row, and with it its issuer,
    number, dates and file (setting a list of codes must not erase certificates)."""
    held = {row.code: row for row in rows}  # type: ignore[attr-defined]
    return [held.get(code) or make(code) for code in dict.fromkeys(codes)]


def replace_certificates(rows: Sequence[Row], certificates: Iterable[Any],
                         make: Callable[[str], Row]) -> list[Row]:
    """The rows for ``certificates`` (objects with ``code`` and the detail fields): a code
    already held keeps its row (and its file) with the new details."""
    held = {row.code: row for row in rows}  # type: ignore[attr-defined]
    result: list[Row] = []
    for certificate in certificates:
        row = held.get(certificate.code) or make(certificate.code)
        for name in DETAIL_FIELDS:
            if getattr(row, name) != getattr(certificate, name):
                setattr(row, name, getattr(certificate, name))
        if row.valid_until is None or row.valid_until >= datetime.now(UTC).date():
            row.lapse_indexed = False  # renewed: its next lapse reaches the index again
        result.append(row)
    return result


def updated_rows(rows: Sequence[Row], *, certificates: Iterable[Any] | None,
                 codes: Iterable[str] | None, make: Callable[[str], Row]) -> list[Row] | None:
    """The rows after an edit that gave ``certificates`` (with details; they win) or plain
    ``codes``, or None when it gave neither (the rows stay as they are)."""
    if certificates is not None:
        return replace_certificates(rows, certificates, make)
    if codes is not None:
        return replace_codes(rows, codes, make)
    return None


@dataclass(frozen=True, slots=True)
class ExpiringCertificate:
    """A certification that lapses soon (or has lapsed), and whose enterprise to remind."""

    enterprise_id: int
    enterprise: str
    code: str
    valid_until: date
    product_sku: str | None = None  # None: a certification of the enterprise itself

    @property
    def reminder_key(self) -> str:
        """Names this certificate and its expiry date: sent once, again after a renewal."""
        holder = f"product:{self.product_sku}" if self.product_sku else "enterprise"
        return (f"certificate-expiry:{self.enterprise_id}:{holder}:{self.code}:"
                f"{self.valid_until.isoformat()}")


def _date(value: date | None) -> date:
    assert value is not None  # selected by a range on valid_until
    return value


def expiring(session: Session, *, today: date, within_days: int) -> list[ExpiringCertificate]:
    """Certifications whose ``valid_until`` lies between ``today`` and ``within_days`` later,
    enterprise ones first, then listings', in date order."""
    last = today + timedelta(days=within_days)
    found = [
        ExpiringCertificate(enterprise_id=row.enterprise_id, enterprise=name_en or name_zh,
                            code=row.code, valid_until=_date(row.valid_until))
        for row, name_en, name_zh in session.execute(
            select(EnterpriseCertification, Enterprise.name_en, Enterprise.name_zh)
            .join(Enterprise, Enterprise.id == EnterpriseCertification.enterprise_id)
            .where(EnterpriseCertification.valid_until.between(today, last))
            .order_by(EnterpriseCertification.valid_until, EnterpriseCertification.enterprise_id)
        )
    ]
    found += [
        ExpiringCertificate(enterprise_id=enterprise_id, enterprise=name_en or name_zh,
                            code=row.code, valid_until=_date(row.valid_until),
                            product_sku=sku)
        for row, sku, enterprise_id, name_en, name_zh in session.execute(
            select(ProductCertification, Product.sku, Product.enterprise_id, Enterprise.name_en,
                   Enterprise.name_zh)
            .join(Product, Product.id == ProductCertification.product_id)
            .join(Enterprise, Enterprise.id == Product.enterprise_id)
            .where(ProductCertification.valid_until.between(today, last))
            .order_by(ProductCertification.valid_until, Product.sku)
        )
    ]
    return found


def apply_lapses(session: Session, *, today: date) -> int:
    """Refresh the matching index of every listing whose certification (or its enterprise's)
    lapsed before ``today`` and was not applied yet; returns how many listings. Safe to run
    any number of times: each lapse is applied once."""
    from tradebase.docking.sync import next_change, write_features  # docking reads registry

    connection = session.connection()
    enterprise_ids = set(connection.execute(
        select(EnterpriseCertification.enterprise_id)
        .where(EnterpriseCertification.valid_until < today,
               EnterpriseCertification.lapse_indexed.is_(False))
    ).scalars())
    product_ids = set(connection.execute(
        select(ProductCertification.product_id).where(
            ProductCertification.valid_until < today,
            ProductCertification.lapse_indexed.is_(False))
    ).scalars())
    if enterprise_ids:
        product_ids.update(connection.execute(
            select(Product.id).where(Product.enterprise_id.in_(sorted(enterprise_ids)))
        ).scalars())
    if not product_ids:
        return 0
    write_features(connection, product_ids, change=next_change(connection))
    for model in (EnterpriseCertification, ProductCertification):
        connection.execute(update(model).where(model.valid_until < today,
                                               model.lapse_indexed.is_(False))
                           .values(lapse_indexed=True))
    return len(product_ids)
