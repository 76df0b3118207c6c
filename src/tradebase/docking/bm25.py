"""One BM25 field of the matching engine: postings per term, document lengths, a forward
index for removals, and per-term weights cached until the next edit.

Pure numpy; ``engine.MatchingIndex`` keeps two of them (concepts and words) over one set of
document slots.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Bm25Field:
    """One BM25 field: postings per term, document lengths, and a forward index for removals."""

    # Postings whose weights are kept between requests (8 bytes each, 12 when the term has
    # retired slots): about 190 MB at most.
    cache_limit = 16_000_000

    def __init__(self) -> None:
        self.terms: list[str] = []
        self.term_ids: dict[str, int] = {}
        self.df: list[int] = []
        # Postings of bulk-built slots as CSR (one array for all terms: a million long-tail terms
        # such as model codes must not cost an array object each); terms that got later slots
        # keep a merged copy in ``merged``; additions not yet read wait in ``pend_*``.
        self.base_docs: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self.base_tfs: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self.base_ptr: IntArray = np.zeros(1, dtype=np.int64)
        self.merged: dict[int, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]] = {}
        self.pend_docs: dict[int, list[int]] = {}
        self.pend_tfs: dict[int, list[float]] = {}
        self.doc_len: FloatArray = np.zeros(0)
        self.total_len = 0.0
        # Forward index: the base block (bulk-built slots) as CSR, later slots one by one.
        self.fwd_ids: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self.fwd_tfs: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self.fwd_offsets: IntArray = np.zeros(1, dtype=np.int64)
        self.fwd_extra: dict[int, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]] = {}
        # Per-term BM25 weights of live postings, for the statistics of ``stamp`` (see ``score``).
        self.weights_cache: dict[tuple[int, float], tuple[npt.NDArray[np.int32], FloatArray]] = {}
        self.cached_postings = 0
        self.stamp = -1

    def term_id(self, term: str) -> int:
        tid = self.term_ids.get(term)
        if tid is None:
            tid = len(self.terms)
            self.term_ids[term] = tid
            self.terms.append(term)
            self.df.append(0)
        return tid

    def resize(self, capacity: int) -> None:
        grown = np.zeros(capacity)
        grown[: len(self.doc_len)] = self.doc_len
        self.doc_len = grown

    def bulk(
        self,
        ids: npt.NDArray[np.int32],
        tfs: npt.NDArray[np.float32],
        lengths: IntArray,
    ) -> None:
        """Replace all postings by those of slots 0..len(lengths)-1 (ids already mapped)."""
        n_docs = len(lengths)
        n_terms = len(self.terms)
        slots = np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
        order = np.argsort(ids, kind="stable")
        sorted_docs = slots[order]
        sorted_tfs = tfs[order]
        counts = np.bincount(ids, minlength=n_terms)
        bounds = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        self.base_docs = sorted_docs
        self.base_tfs = sorted_tfs
        self.base_ptr = bounds
        self.merged = {}
        self.pend_docs = {}
        self.pend_tfs = {}
        self.df = [int(count) for count in counts]
        lens = np.bincount(slots, weights=tfs, minlength=n_docs) if n_docs else np.zeros(0)
        self.doc_len[:] = 0.0
        self.doc_len[:n_docs] = lens
        self.total_len = float(lens.sum())
        self.fwd_ids = ids
        self.fwd_tfs = tfs
        self.fwd_offsets = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.fwd_offsets[1:])
        self.fwd_extra = {}

    def add(self, slot: int, terms: Sequence[tuple[str, float]]) -> None:
        ids = np.array([self.term_id(term) for term, _ in terms], dtype=np.int32)
        tfs = np.array([tf for _, tf in terms], dtype=np.float32)
        for tid, tf in zip(ids.tolist(), tfs.tolist(), strict=True):
            self.pend_docs.setdefault(tid, []).append(slot)
            self.pend_tfs.setdefault(tid, []).append(tf)
            self.df[tid] += 1
        length = float(tfs.sum(dtype=np.float64))
        self.doc_len[slot] = length
        self.total_len += length
        self.fwd_extra[slot] = (ids, tfs)

    def forward(self, slot: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        extra = self.fwd_extra.get(slot)
        if extra is not None:
            return extra
        start, end = int(self.fwd_offsets[slot]), int(self.fwd_offsets[slot + 1])
        return self.fwd_ids[start:end], self.fwd_tfs[start:end]

    def remove(self, slot: int) -> None:
        ids, _ = self.forward(slot)
        for tid in ids.tolist():
            self.df[tid] -= 1
        self.total_len -= float(self.doc_len[slot])
        self.doc_len[slot] = 0.0

    def postings(self, tid: int) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        """A term's slots, in increasing order (bulk slots come sorted, later slots are
        appended as they are numbered), and their term frequencies."""
        merged = self.merged.get(tid)
        if merged is not None:
            docs, tfs = merged
        elif tid + 1 < len(self.base_ptr):
            start, end = int(self.base_ptr[tid]), int(self.base_ptr[tid + 1])
            docs, tfs = self.base_docs[start:end], self.base_tfs[start:end]
        else:
            docs, tfs = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        pending = self.pend_docs.pop(tid, None)
        if pending is not None:
            pending_tfs = self.pend_tfs.pop(tid)
            docs = np.concatenate([docs, np.array(pending, dtype=np.int32)])
            tfs = np.concatenate([tfs, np.array(pending_tfs, dtype=np.float32)])
            self.merged[tid] = (docs, tfs)
        return docs, tfs

    def term_weights(
        self,
        tid: int,
        weight: float,
        n_alive: int,
        k1: float,
        b: float,
        alive: BoolArray,
    ) -> tuple[npt.NDArray[np.int32], FloatArray]:
        """The live documents of a term and their BM25 weight for a query weight ``weight``.

        Computed exactly as a fresh index would (same expression, same statistics); the caller
        clears the cache whenever the statistics move (any edit), so it never serves stale
        weights."""
        key = (tid, weight)
        hit = self.weights_cache.get(key)
        if hit is not None:
            return hit
        df = self.df[tid]
        avgdl = self.total_len / n_alive if self.total_len > 0 else 1.0
        docs, tfs32 = self.postings(tid)
        live = alive[docs]
        if not live.all():
            docs, tfs32 = docs[live], tfs32[live]
        idf = math.log(1.0 + (n_alive - df + 0.5) / (df + 0.5))
        tf = tfs32.astype(np.float64)
        norm = k1 * (1.0 - b + b * (self.doc_len[docs] / avgdl))
        weights: FloatArray = (weight * idf * (k1 + 1.0)) * tf / (tf + norm)
        if self.cached_postings + len(docs) > self.cache_limit:
            self.weights_cache.clear()
            self.cached_postings = 0
        self.weights_cache[key] = (docs, weights)
        self.cached_postings += len(docs)
        return docs, weights

    def score(
        self,
        query: Iterable[tuple[str, float]],
        n_alive: int,
        k1: float,
        b: float,
        alive: BoolArray,
        stamp: int,
        n_slots: int,
    ) -> tuple[FloatArray, list[npt.NDArray[np.int32]]]:
        """The BM25 score of every slot for ``query`` (term, weight), retired slots scoring 0,
        and the live postings read (one array of slots per term found).

        ``stamp`` names the index statistics (it changes with every edit); cached term weights
        of another stamp are dropped first. The postings of all terms are summed in one
        ``bincount``, term after term, so each slot's sum is added up in query order."""
        if stamp != self.stamp:
            self.weights_cache.clear()
            self.cached_postings = 0
            self.stamp = stamp
        docs: list[npt.NDArray[np.int32]] = []
        weights: list[FloatArray] = []
        if n_alive:
            for term, weight in query:
                tid = self.term_ids.get(term)
                if tid is None or self.df[tid] <= 0:
                    continue
                term_docs, term_weights = self.term_weights(tid, weight, n_alive, k1, b, alive)
                docs.append(term_docs)
                weights.append(term_weights)
        if not docs:
            return np.zeros(n_slots), docs
        if len(docs) == 1:
            summed = np.bincount(docs[0], weights[0], minlength=n_slots)
        else:
            summed = np.bincount(np.concatenate(docs), np.concatenate(weights), minlength=n_slots)
        return cast(FloatArray, summed), docs

    def holders(
        self,
        query: Iterable[tuple[str, float, float]],
        n_alive: int,
        k1: float,
        b: float,
        alive: BoolArray,
    ) -> list[tuple[npt.NDArray[np.int32], float]]:
        """The live postings (slots in increasing order) and ``share`` of each query term
        (term, query weight as passed to ``score``, share) found, in query order; terms of
        share 0 are left out. Reads the cached postings of ``score``."""
        found: list[tuple[npt.NDArray[np.int32], float]] = []
        if n_alive:
            for term, weight, share in query:
                tid = self.term_ids.get(term)
                if tid is None or self.df[tid] <= 0 or share == 0:
                    continue
                term_docs, _ = self.term_weights(tid, weight, n_alive, k1, b, alive)
                found.append((term_docs, share))
        return found

    def holding(self, terms: Iterable[str], n_slots: int) -> BoolArray:
        """Which slots hold any of ``terms`` (retired slots included: callers mask them)."""
        held = np.zeros(n_slots, dtype=bool)
        for term in terms:
            tid = self.term_ids.get(term)
            if tid is not None and self.df[tid] > 0:
                docs, _ = self.postings(tid)
                held[docs[docs < n_slots]] = True
        return held


__all__ = ["Bm25Field"]
