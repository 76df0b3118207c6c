"""Listing vectors in the database, and the vector index of one process kept fresh from them.

Writing: ``sync.write_features`` hands the listings it has just read to ``write_vectors``, in
the same transaction, so a vector is computed once per edit (not per request) and commits or
rolls back with its features row. A listing whose passage text (``embedding.passage_text``)
and model are unchanged is not encoded again: changing a MOQ or a certification costs no
encoding. A model change (another ``Encoder.name``) recomputes on the next edit, or for every
listing with ``rebuild_vectors`` (``tradebase index rebuild``'s companion).

Reading: a vector row has no change number of its own; it is written in the transaction that
writes the product's features row, so ``ListingVectors`` follows ``listing_features`` with the
same horizon as ``index_store.ListingIndex`` (``sync.py`` explains why reading by transaction
gives a consistent prefix) and reads the vector rows of the products whose features changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from tradebase.docking.embedding import (
    Encoder,
    VectorHit,
    VectorIndex,
    encoder_for,
    passage_hash,
    passage_text,
    quantise,
    retrieve,
)
from tradebase.docking.models import ListingFeatureRow, ListingVectorRow
from tradebase.docking.records import Listing
from tradebase.registry.models import Product
from tradebase.settings import get_settings

ENCODE_BATCH = 32
_CHUNK = 500


def _chunks(items: Sequence[int], size: int = _CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@lru_cache(maxsize=4)
def _encoder(backend: str, threads: int) -> Encoder | None:
    return encoder_for(backend, threads=threads)


def default_encoder() -> Encoder | None:
    """The process's encoder, as ``TRADEBASE_EMBEDDING_BACKEND`` names it (None: off)."""
    settings = get_settings()
    return _encoder(settings.embedding_backend, settings.embedding_threads)


# --- writing ---------------------------------------------------------------------------------


def write_vectors(
    connection: Connection,
    listings: Mapping[int, tuple[int, Listing]],
    *,
    encoder: Encoder | None,
    force: bool = False,
) -> list[int]:
    """Store the vectors of ``listings`` (product id -> (enterprise id, listing), as
    ``sync.listings_for`` returns them) whose passage or model changed, or all with ``force``.
    Returns the product ids encoded. Rows of deleted products go with them (foreign key)."""
    if encoder is None or not listings:
        return []
    passages = {pid: passage_text(listing) for pid, (_, listing) in listings.items()}
    hashes = {pid: passage_hash(text) for pid, text in passages.items()}
    stale = sorted(passages)
    if not force:
        current: set[int] = set()
        for chunk in _chunks(stale):
            for pid, model, stored in connection.execute(
                select(ListingVectorRow.product_id, ListingVectorRow.model,
                       ListingVectorRow.passage_hash)
                .where(ListingVectorRow.product_id.in_(chunk))
            ):
                if model == encoder.name and stored == hashes[pid]:
                    current.add(pid)
        stale = [pid for pid in stale if pid not in current]
    now = datetime.now(UTC)
    for batch in _chunks(stale, ENCODE_BATCH):
        vectors = encoder.encode([passages[pid] for pid in batch], "passage")
        q, scale = quantise(vectors)
        connection.execute(delete(ListingVectorRow).where(ListingVectorRow.product_id.in_(batch)))
        connection.execute(insert(ListingVectorRow), [
            {"product_id": pid, "model": encoder.name, "dim": encoder.dim,
             "vector": q[i].tobytes(), "scale": float(scale[i]), "passage_hash": hashes[pid],
             "updated_at": now}
            for i, pid in enumerate(batch)
        ])
    return stale


def rebuild_vectors(session: Session, *, encoder: Encoder | None = None,
                    force: bool = False) -> int:
    """Encode every product whose stored vector is missing, of another model or of an older
    text (all of them with ``force``), and give their features rows a new change number so
    that every worker reads the new vectors. Returns the products encoded."""
    from tradebase.docking.sync import listings_for, next_change

    chosen = encoder if encoder is not None else default_encoder()
    connection = session.connection()
    product_ids = sorted(connection.execute(select(Product.id)).scalars())
    change: tuple[int, int] | None = None
    encoded = 0
    for chunk in _chunks(product_ids):
        written = write_vectors(connection, listings_for(connection, chunk), encoder=chosen,
                                force=force)
        if not written:
            continue
        encoded += len(written)
        change = change or next_change(connection)
        connection.execute(
            update(ListingFeatureRow)
            .where(ListingFeatureRow.product_id.in_(written),
                   ListingFeatureRow.deleted.is_(False))
            .values(version=change[0], txid=change[1])
        )
    return encoded


# --- reading ---------------------------------------------------------------------------------


@dataclass
class VectorRefresh:
    full_load: bool = False
    applied: int = 0
    removed: int = 0
    missing: int = 0  # live listings without a vector of this model (rebuild_vectors fixes)


@dataclass
class ListingVectors:
    """A ``VectorIndex`` of the listings' stored vectors for one encoder, and the horizon of
    ``listing_features`` it reflects."""

    encoder: Encoder
    index: VectorIndex | None = None
    horizon: int = 0
    skus: dict[int, str] = field(default_factory=dict)  # product id -> sku indexed
    applied: dict[int, int] = field(default_factory=dict)  # product id -> change number
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refresh(self, connection: Connection) -> VectorRefresh:
        from tradebase.docking.sync import change_horizon

        with self._lock:
            report = VectorRefresh()
            horizon = change_horizon(connection)  # before the rows, never after
            if self.index is None:
                report.full_load = True
                self.index = VectorIndex(self.encoder.dim)
                rows = connection.execute(
                    select(ListingFeatureRow.product_id, ListingFeatureRow.sku,
                           ListingFeatureRow.version, ListingFeatureRow.deleted)
                    .where(ListingFeatureRow.deleted.is_(False))
                ).all()
            else:
                rows = [r for r in connection.execute(
                    select(ListingFeatureRow.product_id, ListingFeatureRow.sku,
                           ListingFeatureRow.version, ListingFeatureRow.deleted)
                    .where(ListingFeatureRow.txid >= self.horizon)
                ).all() if self.applied.get(r.product_id) != r.version]
            self._apply(connection, rows, report)
            self.horizon = max(self.horizon, horizon)
            return report

    def _apply(self, connection: Connection, rows: Sequence[Row[int, str, int, bool]],
               report: VectorRefresh) -> None:
        assert self.index is not None
        live: dict[int, str] = {}
        for pid, sku, version, deleted in rows:
            self.applied[pid] = version
            old = self.skus.get(pid)
            if old is not None and (deleted or old != sku):
                report.removed += self.index.remove([old])
                del self.skus[pid]
            if not deleted:
                live[pid] = sku
        for chunk in _chunks(sorted(live)):
            found = connection.execute(
                select(ListingVectorRow.product_id, ListingVectorRow.vector,
                       ListingVectorRow.scale)
                .where(ListingVectorRow.product_id.in_(chunk),
                       ListingVectorRow.model == self.encoder.name,
                       ListingVectorRow.dim == self.encoder.dim)
            ).all()
            with_vector = {r.product_id for r in found}
            for pid in chunk:  # a vector of another model no longer answers
                if pid not in with_vector and pid in self.skus:
                    report.removed += self.index.remove([self.skus.pop(pid)])
            report.missing += len(chunk) - len(found)
            if not found:
                continue
            q = np.frombuffer(b"".join(bytes(r.vector) for r in found), dtype=np.int8)
            scale = np.array([r.scale for r in found], dtype=np.float32)
            self.index.upsert([live[r.product_id] for r in found],
                              q.reshape(len(found), self.encoder.dim), scale)
            self.skus.update({r.product_id: live[r.product_id] for r in found})
            report.applied += len(found)

    def search(self, connection: Connection, text: str, k: int = 50) -> list[VectorHit]:
        """Refresh, then the ``k`` listings nearest ``text`` (one query encoding)."""
        self.refresh(connection)
        assert self.index is not None
        return retrieve(self.index, self.encoder, text, k)

