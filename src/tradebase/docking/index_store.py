"""The matching index of one process, kept fresh from ``listing_features``.

Each web worker (and each CLI command) holds one ``ListingIndex``. Before a match it reads the
``listings`` counter: on first use it loads every live features row; later it applies only the
rows whose version is newer than the one it has seen (``upsert_features`` or ``remove``). The
database is the only source of truth, so every worker answers the same after an edit commits.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from tradebase.docking.engine import MatchingIndex
from tradebase.docking.features import ListingFeatures, listing_features
from tradebase.docking.models import ListingFeatureRow
from tradebase.docking.sync import current_version, listings_for
from tradebase.docking.vocabulary import Vocabulary, default_vocabulary


@dataclass
class RefreshReport:
    full_load: bool = False
    applied: int = 0
    removed: int = 0
    recomputed: int = 0  # rows stored with another vocabulary version, recomputed in memory


@dataclass
class ListingIndex:
    """A ``MatchingIndex`` and the version of ``listing_features`` it reflects."""

    vocabulary: Vocabulary = field(default_factory=default_vocabulary)
    index: MatchingIndex | None = None
    version: int = -1
    skus: dict[int, str] = field(default_factory=dict)  # product id -> sku indexed
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refresh(self, connection: Connection) -> RefreshReport:
        """Catch up with the database: a full load on first use, then only newer rows."""
        with self._lock:
            report = RefreshReport()
            latest = current_version(connection)
            if self.index is None:
                self._load(connection, report)
                self.version = max(self.version, latest)
                return report
            if latest <= self.version:
                return report
            self._apply_since(connection, report)
            self.version = max(self.version, latest)
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
        self.version = max((r.version for r in rows), default=self.version)
        report.applied = len(loaded)

    def _apply_since(self, connection: Connection, report: RefreshReport) -> None:
        assert self.index is not None
        rows = connection.execute(
            select(ListingFeatureRow.product_id, ListingFeatureRow.sku,
                   ListingFeatureRow.features, ListingFeatureRow.vocabulary_version,
                   ListingFeatureRow.version, ListingFeatureRow.deleted)
            .where(ListingFeatureRow.version > self.version)
            .order_by(ListingFeatureRow.version, ListingFeatureRow.product_id)
        ).all()
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
