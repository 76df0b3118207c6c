"""Keep ``listing_features`` in step with the catalog, in the transaction that changes it.

One session listener (installed by ``models.load_all_models``, like the audit log, so that the
register never imports docking) watches products, their titles and certifications, and their
enterprises' names, certifications and markets. After a flush that touches any of them it
recomputes the features of every affected product and writes them, stamped with a *change
number* (``version``) and the writing transaction (``txid``), or marks the rows of deleted
products ``deleted``. So an import, a form or an API call is all-or-nothing with its index
rows, and every worker catches up by reading the rows it has not seen (``index_store.py``).

Change numbers never make one writer wait for another
-------------------------------------------------------
Writers to different products share no row. On PostgreSQL the change number comes from a
sequence (``listing_changes``: ``nextval`` takes no lock that lasts, and is never rolled
back) and ``txid`` is the writer's transaction id (``pg_current_xact_id()``, 64-bit, never
wraps). Numbers are therefore taken in one order and committed in another: an import may
take number 7, then a PATCH number 8 and commit at once, then the import commit an hour
later. A reader that jumped to "everything up to 8" would miss 7 for ever, so readers do not
follow numbers but transactions, with the *horizon* of a snapshot (``change_horizon``):

- ``pg_snapshot_xmin(pg_current_snapshot())`` is the oldest transaction still running; every
  transaction with a smaller id has committed or aborted, and a snapshot taken afterwards
  sees all of its rows;
- a reader reads the horizon ``H`` first, then the rows with ``txid >= H_previous``, then
  holds ``H``. A row that it did not read has a last writer older than ``H_previous``, which
  had finished before the previous refresh read its rows: so the reader's index is always
  exactly some committed state of the table — a consistent prefix of the transactions,
  never a later transaction's rows without an earlier one's.

While a long transaction runs (a 100,000-row import), the horizon stays at its id, so each
refresh reads again the (few) rows committed since it began; the reader skips the ones whose
change number it already applied. When it commits, the next refresh reads its rows once.

On SQLite there is one writer at a time by design (the database lock): the change number is
the ``listings`` counter of ``index_versions``, bumped by the writer under that lock, so
writers commit in number order and the horizon is simply the counter plus one (``txid`` is
the change number). There a PATCH during an import waits for the import's commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy import text as sql
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, UOWTransaction

from tradebase.docking import vector_store
from tradebase.docking.features import listing_features
from tradebase.docking.models import (
    LISTING_CHANGES,
    LISTINGS_COUNTER,
    IndexVersion,
    ListingFeatureRow,
)
from tradebase.docking.records import Listing
from tradebase.docking.vocabulary import Vocabulary, default_vocabulary
from tradebase.registry.models import (
    Enterprise,
    EnterpriseCertification,
    EnterpriseMarket,
    Product,
    ProductCertification,
    ProductTitle,
)

_VERSION_KEY = "tradebase.docking.index_version"
_CHUNK = 500
_ENTERPRISE_COLUMNS = {"name_en", "name_zh"}


def _chunks(items: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


# --- reading listings from the register -------------------------------------------------------


def listings_for(
    connection: Connection, product_ids: Iterable[int]
) -> dict[int, tuple[int, Listing]]:
    """product id -> (enterprise id, the product as the matching engine sees it), for the
    products that exist. Certifications are the product's and its enterprise's that are valid
    today."""
    wanted = sorted(set(product_ids))
    today = datetime.now(UTC).date()
    found: dict[int, tuple[int, Listing]] = {}
    for chunk in _chunks(wanted):
        products = connection.execute(
            select(
                Product.id, Product.sku, Product.enterprise_id, Product.title,
                Product.description, Product.hs_code, Product.unit, Product.moq,
                Product.monthly_capacity, Product.lead_time_days,
                Enterprise.name_en, Enterprise.name_zh,
            ).join(Enterprise, Enterprise.id == Product.enterprise_id).where(Product.id.in_(chunk))
        ).all()
        if not products:
            continue
        enterprise_ids = sorted({row.enterprise_id for row in products})
        titles: dict[int, dict[str, str]] = {}
        for pid, lang, text in connection.execute(
            select(ProductTitle.product_id, ProductTitle.lang, ProductTitle.text)
            .where(ProductTitle.product_id.in_(chunk))
        ):
            titles.setdefault(pid, {})[lang] = text
        certs: dict[int, set[str]] = {}
        for pid, code in connection.execute(
            select(ProductCertification.product_id, ProductCertification.code)
            .where(ProductCertification.product_id.in_(chunk), ProductCertification.valid_on(today))
        ):
            certs.setdefault(pid, set()).add(code)
        enterprise_certs: dict[int, set[str]] = {}
        for eid, code in connection.execute(
            select(EnterpriseCertification.enterprise_id, EnterpriseCertification.code)
            .where(EnterpriseCertification.enterprise_id.in_(enterprise_ids),
                   EnterpriseCertification.valid_on(today))
        ):
            enterprise_certs.setdefault(eid, set()).add(code)
        markets: dict[int, set[str]] = {}
        for eid, country in connection.execute(
            select(EnterpriseMarket.enterprise_id, EnterpriseMarket.country)
            .where(EnterpriseMarket.enterprise_id.in_(enterprise_ids))
        ):
            markets.setdefault(eid, set()).add(country)
        for row in products:
            found[row.id] = (row.enterprise_id, Listing(
                sku=row.sku,
                enterprise=row.name_en or row.name_zh,
                title=row.title,
                titles=titles.get(row.id, {}),
                description=row.description or "",
                hs_code=row.hs_code,
                unit=row.unit or "pcs",
                moq=row.moq,
                monthly_capacity=row.monthly_capacity,
                lead_time_days=row.lead_time_days,
                certifications=frozenset(
                    certs.get(row.id, set()) | enterprise_certs.get(row.enterprise_id, set())
                ),
                markets=frozenset(markets.get(row.enterprise_id, set())),
            ))
    return found


# --- change numbers and the horizon ----------------------------------------------------------


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def next_change(connection: Connection) -> tuple[int, int]:
    """(change number, transaction) of the rows a flush writes (see the module docstring)."""
    if _postgres(connection):
        row = connection.execute(sql(
            f"SELECT nextval('{LISTING_CHANGES}'), pg_current_xact_id()::text::bigint"
        )).one()
        return int(row[0]), int(row[1])
    result = connection.execute(
        update(IndexVersion)
        .where(IndexVersion.name == LISTINGS_COUNTER)
        .values(version=IndexVersion.version + 1)
    )
    if result.rowcount == 0:  # a database created before the migration added the row
        connection.execute(insert(IndexVersion).values(name=LISTINGS_COUNTER, version=1))
        return 1, 1
    version = int(connection.execute(
        select(IndexVersion.version).where(IndexVersion.name == LISTINGS_COUNTER)
    ).scalar_one())
    return version, version


def change_horizon(connection: Connection) -> int:
    """Every ``txid`` below this belongs to a transaction that has finished, whose rows any
    read after this call sees; read it before the rows (module docstring)."""
    if _postgres(connection):
        return int(connection.execute(
            sql("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        ).scalar_one())
    counter = connection.execute(
        select(IndexVersion.version).where(IndexVersion.name == LISTINGS_COUNTER)
    ).scalar()
    return int(counter or 0) + 1


def current_version(connection: Connection) -> int:
    """The highest change number this transaction sees written."""
    version = connection.execute(select(func.max(ListingFeatureRow.version))).scalar()
    return int(version or 0)


def _flush_change(session: Session) -> tuple[int, int]:
    """The change of this flush's rows: taken in ``before_flush``, or now when only the flush
    itself revealed a change."""
    change = session.info.pop(_VERSION_KEY, None)
    if change is None:
        change = next_change(session.connection())
    return change  # type: ignore[no-any-return]


# --- writing features ------------------------------------------------------------------------


def write_features(
    connection: Connection,
    product_ids: Iterable[int],
    *,
    change: tuple[int, int],
    vocabulary: Vocabulary | None = None,
) -> int:
    """Recompute and store the features of ``product_ids`` with ``change`` (number,
    transaction); rows of products that no longer exist are marked deleted. Returns how many
    rows were written."""
    version, txid = change
    vocab = vocabulary or default_vocabulary()
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    listings = listings_for(connection, ids)
    vector_store.write_vectors(connection, listings, encoder=vector_store.default_encoder())
    rows: list[dict[str, Any]] = []
    for pid, (enterprise_id, listing) in listings.items():
        features = listing_features(listing, vocab)
        rows.append({
            "product_id": pid, "enterprise_id": enterprise_id, "sku": listing.sku,
            "features": features.to_bytes(), "vocabulary_version": vocab.version,
            "version": version, "txid": txid, "deleted": False,
        })
    for chunk in _chunks(sorted(listings)):
        connection.execute(delete(ListingFeatureRow).where(ListingFeatureRow.product_id.in_(chunk)))
    if rows:
        connection.execute(insert(ListingFeatureRow), rows)
    gone = sorted(set(ids) - set(listings))
    for chunk in _chunks(gone):
        connection.execute(
            update(ListingFeatureRow)
            .where(ListingFeatureRow.product_id.in_(chunk), ListingFeatureRow.deleted.is_(False))
            .values(deleted=True, version=version, txid=txid)
        )
    return len(rows) + len(gone)


def rebuild_features(session: Session, *, vocabulary: Vocabulary | None = None) -> int:
    """Recompute every product's features (after a vocabulary change, say), with one new
    version, and mark rows of products that are gone deleted. Returns the products written."""
    connection = session.connection()
    change = next_change(connection)
    product_ids = list(connection.execute(select(Product.id)).scalars())
    written = write_features(connection, product_ids, change=change, vocabulary=vocabulary)
    stale = list(connection.execute(
        select(ListingFeatureRow.product_id).where(
            ListingFeatureRow.deleted.is_(False),
            ListingFeatureRow.product_id.not_in(select(Product.id)),
        )
    ).scalars())
    for chunk in _chunks(stale):
        connection.execute(
            update(ListingFeatureRow).where(ListingFeatureRow.product_id.in_(chunk))
            .values(deleted=True, version=change[0], txid=change[1])
        )
    return written


# --- the listener ----------------------------------------------------------------------------

_WATCHED = (Product, ProductTitle, ProductCertification, Enterprise, EnterpriseCertification,
            EnterpriseMarket)


def _touches_listings(session: Session) -> bool:
    return any(isinstance(obj, _WATCHED)
               for obj in (*session.new, *session.dirty, *session.deleted))


def _before_flush(session: Session, _context: UOWTransaction, _instances: Any) -> None:
    if _touches_listings(session) and _VERSION_KEY not in session.info:
        session.info[_VERSION_KEY] = next_change(session.connection())


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    product_ids: set[int] = set()
    enterprise_ids: set[int] = set()
    deleted_enterprises: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Product) and obj.id is not None:
            product_ids.add(obj.id)
        elif isinstance(obj, ProductTitle | ProductCertification) and obj.product_id is not None:
            product_ids.add(obj.product_id)
        elif isinstance(obj, EnterpriseCertification | EnterpriseMarket):
            enterprise_ids.add(obj.enterprise_id)
        elif isinstance(obj, Enterprise):
            if obj in session.deleted:
                deleted_enterprises.add(obj.id)
            elif obj in session.dirty and _renamed(obj):
                enterprise_ids.add(obj.id)
    enterprise_ids -= deleted_enterprises
    if not (product_ids or enterprise_ids or deleted_enterprises):
        session.info.pop(_VERSION_KEY, None)
        return
    connection = session.connection()
    change = _flush_change(session)
    for chunk in _chunks(sorted(enterprise_ids)):
        product_ids.update(connection.execute(
            select(Product.id).where(Product.enterprise_id.in_(chunk))
        ).scalars())
    write_features(connection, product_ids, change=change)
    for chunk in _chunks(sorted(deleted_enterprises)):
        connection.execute(
            update(ListingFeatureRow)
            .where(ListingFeatureRow.enterprise_id.in_(chunk),
                   ListingFeatureRow.deleted.is_(False))
            .values(deleted=True, version=change[0], txid=change[1])
        )


def _renamed(enterprise: Enterprise) -> bool:
    from sqlalchemy import inspect

    state = inspect(enterprise)
    return any(state.attrs[name].history.has_changes() for name in _ENTERPRISE_COLUMNS)


def _after_soft_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_VERSION_KEY, None)  # a failed flush's version was rolled back with it


def install() -> None:
    """Listen to every session (idempotent)."""
    from sqlalchemy import event

    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("after_soft_rollback", _after_soft_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
