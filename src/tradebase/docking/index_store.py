"""The matching index of one process, kept fresh from ``listing_features``.

Each web worker (and each CLI command) holds one ``ListingIndex``. Before a match it reads the
*horizon* (``sync.change_horizon``: every transaction below it has finished): on first use it
loads every live features row; later it reads only the rows written by transactions at or
above the horizon it held, and applies those whose change number it has not applied yet
(``upsert_features`` or ``remove``). Reading by transaction rather than by change number is
what keeps a refresh a consistent prefix although writers take numbers in one order and
commit in another (``sync.py`` explains why). The database is the only source of truth, so
every worker answers the same after an edit commits.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from tradebase.docking import vector_store
from tradebase.docking.engine import MatchingIndex
from tradebase.docking.features import ListingFeatures, listing_features
from tradebase.docking.models import ListingFeatureRow
from tradebase.docking.sync import change_horizon, listings_for
from tradebase.docking.vocabulary import Vocabulary, default_vocabulary


@dataclass
class RefreshReport:
    full_load: bool = False
    applied: int = 0
    removed: int = 0
    recomputed: int = 0  # rows stored with another vocabulary version, recomputed in memory


@dataclass
class ListingIndex:
    """A ``MatchingIndex``, the horizon of ``listing_features`` it reflects, and the change
    number of each product's row it applied."""

    vocabulary: Vocabulary = field(default_factory=default_vocabulary)
    index: MatchingIndex | None = None
    version: int = -1  # the highest change number applied
    horizon: int = 0  # every writer below this had finished when the rows were last read
    skus: dict[int, str] = field(default_factory=dict)  # product id -> sku indexed
    applied: dict[int, int] = field(default_factory=dict)  # product id -> change number
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # The second retriever (TRADEBASE_EMBEDDING_BACKEND; off by default): set on first use.
    _vectors: vector_store.ListingVectors | None = field(default=None, repr=False)
    _vectors_checked: bool = field(default=False, repr=False)

    def similar(self, connection: Connection, text: str, k: int = 50) -> list[tuple[str, float]]:
        """The ``k`` listings nearest ``text`` by sentence embeddings, as (sku, similarity);
        empty when the embedding backend is off."""
        if not self._vectors_checked:
            encoder = vector_store.default_encoder()
            self._vectors = vector_store.ListingVectors(encoder) if encoder is not None else None
            self._vectors_checked = True
        if self._vectors is None or not text.strip():
            return []
        return [(hit.sku, hit.score) for hit in self._vectors.search(connection, text, k)]

    def refresh(self, connection: Connection) -> RefreshReport:
        """Catch up with the database: a full load on first use, then only newer rows."""
        with self._lock:
            report = RefreshReport()
            horizon = change_horizon(connection)  # before the rows, never after
            if self.index is None:
                self._load(connection, report)
            else:
                self._apply_since(connection, report)
            self.horizon = max(self.horizon, horizon)
            return report

    def current(self, connection: Connection) -> MatchingIndex:
        """The index, refreshed first."""
        self.refresh(connection)
        assert self.index is not None
        return self.index

    def _features(
        self, connection: Connection, rows: list[tuple[int, bytes, str]], report: RefreshReport
    ) -> list[tuple[int, ListingFeatures]]:
        stale = [pid for pid, _, vocab in rows if vocab != self.vocabulary.version]
        fresh = listings_for(connection, stale) if stale else {}
        report.recomputed += len(fresh)
        out: list[tuple[int, ListingFeatures]] = []
        for pid, blob, vocab in rows:
            if vocab == self.vocabulary.version:
                out.append((pid, ListingFeatures.from_bytes(blob)))
            elif pid in fresh:
                out.append((pid, listing_features(fresh[pid][1], self.vocabulary)))
        return out

    def _load(self, connection: Connection, report: RefreshReport) -> None:
        report.full_load = True
        rows = connection.execute(
            select(ListingFeatureRow.product_id, ListingFeatureRow.features,
                   ListingFeatureRow.vocabulary_version, ListingFeatureRow.version)
            .where(ListingFeatureRow.deleted.is_(False))
            .order_by(ListingFeatureRow.product_id)
        ).all()
        loaded = self._features(
            connection, [(r.product_id, bytes(r.features), r.vocabulary_version) for r in rows],
            report,
        )
        self.index = MatchingIndex.from_features(
            (features for _, features in loaded), self.vocabulary
        )
        self.skus = {pid: features.sku for pid, features in loaded}
        self.applied = {r.product_id: r.version for r in rows}
        self.version = max((r.version for r in rows), default=self.version)
        report.applied = len(loaded)

    def _apply_since(self, connection: Connection, report: RefreshReport) -> None:
        assert self.index is not None
        rows = connection.execute(
            select(ListingFeatureRow.product_id, ListingFeatureRow.sku,
                   ListingFeatureRow.features, ListingFeatureRow.vocabulary_version,
                   ListingFeatureRow.version, ListingFeatureRow.deleted)
            .where(ListingFeatureRow.txid >= self.horizon)
            .order_by(ListingFeatureRow.version, ListingFeatureRow.product_id)
        ).all()
        # Rows of transactions that were running at the last refresh come again: skip the
        # ones already applied (a row's change number changes with every write).
        rows = [r for r in rows if self.applied.get(r.product_id) != r.version]
        for row in rows:
            self.applied[row.product_id] = row.version
        # Removals first: a sku may move from a deleted product to a new one in one version.
        for row in rows:
            old = self.skus.get(row.product_id)
            if old is not None and (row.deleted or old != row.sku):
                self.index.remove(old)
                del self.skus[row.product_id]
                report.removed += 1
        live = [(r.product_id, bytes(r.features), r.vocabulary_version)
                for r in rows if not r.deleted]
        for pid, features in self._features(connection, live, report):
            self.index.upsert_features(features)
            self.skus[pid] = features.sku
            report.applied += 1
        self.version = max((r.version for r in rows), default=self.version)
