"""The matching engine: buyers' requests in any language against every catalog listing.

Pure: plain data in (``Listing``, ``MatchRequest``), plain data out (``MatchResult``); no session,
no web, no globals besides the cached vocabulary.

A listing is indexed in two BM25 fields that share one set of document slots:

* **concepts** — the language-free concept ids the multilingual vocabulary finds in its titles
  (weight 1) and description (weight ½). A Swedish request "rottingstolar till matsal" and an
  English listing "Natural rattan dining chair" meet here on ``rattan``, ``dining``, ``chair``.
  Query concepts are weighted by kind: the product type counts most, so a rattan *table* does not
  outrank an iron *chair* for "rattan chair".
* **words** — plain BM25 over folded words and Chinese character bigrams of titles (counted
  twice) and description; it carries model names, cognates ("Rattan", "LED") and words the
  vocabulary lacks.

The score of a listing is a linear mix of the two fields (each divided by its best value for the
query), an HS bonus (the request's confirmed code, else the codes its concepts propose) and a small
bonus when the enterprise already exports to the destination. Hard constraints then filter
exactly (see ``constraints``); a listing short only of capacity stays in the list, flagged
``needs_split``, its score scaled down by the share of the order it cannot make.

Edits are incremental: ``upsert`` appends a slot and retires the old one; statistics (document
frequencies, total length, live count) are kept exact, and ties are broken by sku, so an index
edited step by step returns exactly what a fresh ``build`` of the same listings returns.

Scoring: a term's BM25 weights over its live postings (idf, length normalisation against the
current average length) are computed once and kept until the next edit — every edit moves the
statistics, so it bumps a stamp that empties the cache; weights are never stale and always the
expression a fresh build evaluates. A request sums its terms' cached weights per field in one
``bincount``, marks the slots they touch, clears those failing a hard constraint over whole
columns, and only then gathers and mixes the surviving candidates.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import numpy.typing as npt

from tradebase.docking.constraints import certification_key, months_within, unit_key
from tradebase.docking.features import ListingFeatures, listing_features
from tradebase.docking.language import detect_language
from tradebase.docking.records import (
    HsProposal,
    Listing,
    MatchRequest,
    MatchResult,
    RequestAnalysis,
)
from tradebase.docking.text import raw_tokens
from tradebase.docking.vocabulary import (
    LANGUAGES,
    Vocabulary,
    default_vocabulary,
    hs_short_description,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

SPLIT_REASON = "needs a split over several factories (capacity docking)"


@dataclass(frozen=True, slots=True)
class MatchWeights:
    """The knobs of the ranking, tuned on the tuning half of the evaluation set only."""

    concepts: float = 1.0
    words: float = 0.35
    hs_requested: float = 0.5
    hs_proposed: float = 0.25
    market: float = 0.05
    split_penalty: float = 0.3  # a listing that can make none of the order loses 30 %
    k1: float = 1.2
    b: float = 0.5
    kind_weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "product": 2.0,
            "part": 2.0,
            "material": 1.0,
            "attribute": 1.0,
            "audience": 0.8,
        }
    )
    implied: float = 0.5
    secondary_product: float = 0.25  # a product named after "with"/"for" is context, not the ask
    language_confidence: float = 0.45  # below this, read the request's words in every language


class _Field:
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


@dataclass(frozen=True, slots=True)
class _QueryTerms:
    language: str
    confidence: float
    concepts: dict[str, float]  # concept id → query weight
    words: list[str]
    heads: tuple[str, ...]  # concepts that say what is asked for (for the HS proposal)


@dataclass(frozen=True, slots=True)
class _ReasonContext:
    proposal: list[str]  # the HS codes proposed for the request
    concepts: list[tuple[int, str]]  # (term id, label) of the request's indexed concepts, in order
    words: list[tuple[int, str]]  # (term id, word) of the request's indexed words, in order
    certifications: list[str]  # "FSC ✓" …
    hs_lines: dict[str, str]  # HS code → its reason line, filled as met


class MatchingIndex:
    """All listings, indexed for ``match``; edited with ``upsert`` and ``remove``."""

    # Retired slots are dropped once there are this many and they are a third of all slots.
    compact_min_dead = 1024

    def __init__(
        self, vocabulary: Vocabulary | None = None, weights: MatchWeights | None = None
    ) -> None:
        self.vocabulary = vocabulary or default_vocabulary()
        self.weights = weights or MatchWeights()
        self._concepts = _Field()
        self._words = _Field()
        self._n_slots = 0
        self._n_alive = 0
        self._stamp = 0  # changes with every edit: cached term weights of another stamp are stale
        self._capacity = 0
        self._slot_of: dict[str, int] = {}
        self._skus: list[str] = []
        self._enterprises: list[str] = []
        self._units: list[str] = []
        self._hs_text: list[str | None] = []
        self._alive: BoolArray = np.zeros(0, dtype=bool)
        self._moq: IntArray = np.zeros(0, dtype=np.int64)
        self._cap: IntArray = np.zeros(0, dtype=np.int64)
        self._lead: IntArray = np.zeros(0, dtype=np.int64)
        self._hs: IntArray = np.zeros(0, dtype=np.int64)
        self._certs: dict[str, BoolArray] = {}
        self._markets: dict[str, BoolArray] = {}
        self._resize(64)

    # --- building --------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        listings: Iterable[Listing],
        vocabulary: Vocabulary | None = None,
        weights: MatchWeights | None = None,
    ) -> MatchingIndex:
        vocab = vocabulary or default_vocabulary()
        return cls.from_features(
            (listing_features(item, vocab) for item in listings), vocab, weights
        )

    @classmethod
    def from_features(
        cls,
        rows: Iterable[ListingFeatures | bytes],
        vocabulary: Vocabulary | None = None,
        weights: MatchWeights | None = None,
    ) -> MatchingIndex:
        """An index from stored per-listing features (later rows win for a repeated sku).

        Rows are read one at a time into flat arrays, so a million stored rows never exist as
        Python objects all at once."""
        index = cls(vocabulary, weights)
        index._bulk_load(rows)
        return index

    def _bulk_load(self, rows: Iterable[ListingFeatures | bytes]) -> None:
        columns = {
            "concepts": (self._concepts, array("i"), array("f"), array("q")),
            "words": (self._words, array("i"), array("f"), array("q")),
        }
        moq, cap, lead, hs = array("q"), array("q"), array("q"), array("q")
        skus: list[str] = []
        enterprises: list[str] = []
        units: list[str] = []
        hs_text: list[str | None] = []
        flags: dict[str, dict[str, list[int]]] = {"certs": {}, "markets": {}}
        shared: dict[str, str] = {}  # one string object per distinct enterprise, unit, code
        latest: dict[str, int] = {}
        superseded: list[int] = []
        for slot, row in enumerate(rows):
            item = ListingFeatures.from_bytes(row) if isinstance(row, bytes) else row
            previous = latest.get(item.sku)
            if previous is not None:
                superseded.append(previous)
            latest[item.sku] = slot
            for attr, (field_, ids, tfs, lengths) in columns.items():
                pairs: tuple[tuple[str, float], ...] = getattr(item, attr)
                lengths.append(len(pairs))
                for term, tf in pairs:
                    ids.append(field_.term_id(term))
                    tfs.append(tf)
            skus.append(item.sku)
            enterprises.append(shared.setdefault(item.enterprise, item.enterprise))
            units.append(shared.setdefault(item.unit, item.unit))
            hs_text.append(shared.setdefault(item.hs_code, item.hs_code) if item.hs_code else None)
            moq.append(item.moq if item.moq is not None else 0)
            cap.append(item.monthly_capacity if item.monthly_capacity is not None else -1)
            lead.append(item.lead_time_days if item.lead_time_days is not None else -1)
            hs.append(_hs_number(item.hs_code))
            for cert in item.certifications:
                flags["certs"].setdefault(certification_key(cert), []).append(slot)
            for market in item.markets:
                flags["markets"].setdefault(market.upper(), []).append(slot)
        n = len(skus)
        self._resize(max(64, n + n // 4))
        for field_, ids, tfs, lengths in columns.values():
            field_.bulk(
                np.frombuffer(ids, dtype=np.int32).copy(),
                np.frombuffer(tfs, dtype=np.float32).copy(),
                np.frombuffer(lengths, dtype=np.int64).copy(),
            )
        for column, values in (
            (self._moq, moq),
            (self._cap, cap),
            (self._lead, lead),
            (self._hs, hs),
        ):
            column[:n] = np.frombuffer(values, dtype=np.int64)
        self._alive[:n] = True
        for name, target in (("certs", self._certs), ("markets", self._markets)):
            for key, slots in flags[name].items():
                flag = np.zeros(self._capacity, dtype=bool)
                flag[slots] = True
                target[key] = flag
        self._skus, self._enterprises, self._units, self._hs_text = (
            skus,
            enterprises,
            units,
            hs_text,
        )
        self._slot_of = latest
        self._n_slots = n
        self._n_alive = n
        self._stamp += 1
        for slot in superseded:
            self._retire(slot)
        self._compact_if_worth_it()

    def _resize(self, capacity: int) -> None:
        if capacity <= self._capacity:
            return

        def grow(old: npt.NDArray[np.generic], fill: object) -> npt.NDArray[np.generic]:
            new = np.full(capacity, fill, dtype=old.dtype)
            new[: len(old)] = old
            return new

        self._alive = grow(self._alive, False)  # type: ignore[assignment]
        self._moq = grow(self._moq, 0)  # type: ignore[assignment]
        self._cap = grow(self._cap, -1)  # type: ignore[assignment]
        self._lead = grow(self._lead, -1)  # type: ignore[assignment]
        self._hs = grow(self._hs, -1)  # type: ignore[assignment]
        self._certs = {key: grow(col, False) for key, col in self._certs.items()}  # type: ignore[misc]
        self._markets = {key: grow(col, False) for key, col in self._markets.items()}  # type: ignore[misc]
        self._concepts.resize(capacity)
        self._words.resize(capacity)
        self._capacity = capacity

    def _flag(self, columns: dict[str, BoolArray], key: str, slot: int) -> None:
        column = columns.get(key)
        if column is None:
            column = np.zeros(self._capacity, dtype=bool)
            columns[key] = column
        column[slot] = True

    def _set_meta(self, slot: int, row: ListingFeatures) -> None:
        if slot == len(self._skus):
            self._skus.append(row.sku)
            self._enterprises.append(row.enterprise)
            self._units.append(row.unit)
            self._hs_text.append(row.hs_code)
        else:
            self._skus[slot] = row.sku
            self._enterprises[slot] = row.enterprise
            self._units[slot] = row.unit
            self._hs_text[slot] = row.hs_code
        self._slot_of[row.sku] = slot
        self._alive[slot] = True
        self._moq[slot] = row.moq if row.moq is not None else 0
        self._cap[slot] = row.monthly_capacity if row.monthly_capacity is not None else -1
        self._lead[slot] = row.lead_time_days if row.lead_time_days is not None else -1
        self._hs[slot] = _hs_number(row.hs_code)
        for cert in row.certifications:
            self._flag(self._certs, certification_key(cert), slot)
        for market in row.markets:
            self._flag(self._markets, market.upper(), slot)

    # --- editing ---------------------------------------------------------------------------------

    def upsert(self, listing: Listing) -> None:
        """Add a listing, or replace the one with the same sku."""
        self.upsert_features(listing_features(listing, self.vocabulary))

    def upsert_features(self, row: ListingFeatures) -> None:
        self.remove(row.sku)
        slot = self._n_slots
        if slot >= self._capacity:
            self._resize(self._capacity * 2)
        self._set_meta(slot, row)
        self._concepts.add(slot, row.concepts)
        self._words.add(slot, row.words)
        self._n_slots += 1
        self._n_alive += 1
        self._stamp += 1

    def remove(self, sku: str) -> bool:
        """Take a listing out; False when the sku is not indexed."""
        slot = self._slot_of.pop(sku, None)
        if slot is None:
            return False
        self._retire(slot)
        self._compact_if_worth_it()
        return True

    def _retire(self, slot: int) -> None:
        self._alive[slot] = False
        self._concepts.remove(slot)
        self._words.remove(slot)
        for column in (*self._certs.values(), *self._markets.values()):
            column[slot] = False
        self._n_alive -= 1
        self._stamp += 1

    def _compact_if_worth_it(self) -> None:
        dead = self._n_slots - self._n_alive
        if dead >= self.compact_min_dead and dead > self._n_slots // 3:
            self._compact()

    def _compact(self) -> None:
        """Drop retired slots: renumber live ones, rebuild postings from the forward index."""
        live = np.flatnonzero(self._alive[: self._n_slots])
        for field_ in (self._concepts, self._words):
            parts = [field_.forward(int(slot)) for slot in live]
            lengths = np.array([len(ids) for ids, _ in parts], dtype=np.int64)
            ids = (
                np.concatenate([ids for ids, _ in parts]) if parts else np.zeros(0, dtype=np.int32)
            )
            tfs = (
                np.concatenate([tfs for _, tfs in parts])
                if parts
                else np.zeros(0, dtype=np.float32)
            )
            field_.bulk(ids.astype(np.int32), tfs.astype(np.float32), lengths)
        self._skus = [self._skus[slot] for slot in live]
        self._enterprises = [self._enterprises[slot] for slot in live]
        self._units = [self._units[slot] for slot in live]
        self._hs_text = [self._hs_text[slot] for slot in live]
        n = len(live)
        for name in ("_moq", "_cap", "_lead", "_hs", "_alive"):
            column = getattr(self, name)
            moved = column[live]
            column[:n] = moved
            column[n:] = {"_moq": 0, "_cap": -1, "_lead": -1, "_hs": -1, "_alive": False}[name]
        for columns in (self._certs, self._markets):
            for key, column in columns.items():
                moved_flags = column[live]
                column[:] = False
                column[:n] = moved_flags
                columns[key] = column
        self._slot_of = {sku: slot for slot, sku in enumerate(self._skus)}
        self._n_slots = n
        self._stamp += 1

    # --- reading ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n_alive

    def __contains__(self, sku: object) -> bool:
        return sku in self._slot_of

    def skus(self) -> list[str]:
        return sorted(self._slot_of)

    def statistics(self) -> dict[str, object]:
        """What BM25 depends on, for tests that compare an edited index with a rebuilt one."""
        out: dict[str, object] = {"live": self._n_alive}
        for name, field_ in (("concepts", self._concepts), ("words", self._words)):
            out[f"{name}.total_len"] = field_.total_len
            out[f"{name}.df"] = {
                term: field_.df[tid] for term, tid in field_.term_ids.items() if field_.df[tid]
            }
        return out

    # --- matching --------------------------------------------------------------------------------

    def _query_terms(self, text: str) -> _QueryTerms:
        detected = detect_language(text, self.vocabulary)
        languages: Collection[str] = (
            {detected.code, "en"}
            if detected.confidence >= self.weights.language_confidence
            else LANGUAGES
        )
        concepts: dict[str, float] = {}
        heads: list[str] = []
        for cid, role in sorted(self.vocabulary.concepts_by_role(text, languages).items()):
            kind = self.vocabulary.kind(cid)
            weight = self.weights.kind_weights.get(kind, 1.0)
            if role == "implied":
                weight *= self.weights.implied  # "armchair" also asks for a chair, less so
            elif role == "secondary" and self.vocabulary.is_product(cid):
                weight *= self.weights.secondary_product  # "… for our shoe factory"
            else:
                heads.append(cid)
            concepts[cid] = weight
        words = sorted(set(raw_tokens(text)))
        return _QueryTerms(detected.code, detected.confidence, concepts, words, tuple(heads))

    def analyse(self, text: str) -> RequestAnalysis:
        """The request's language, the concepts read in it and the HS code proposed."""
        query = self._query_terms(text)
        return RequestAnalysis(
            language=query.language,
            language_confidence=round(query.confidence, 3),
            concepts=tuple(query.concepts),
            hs=self._propose_hs(query),
        )

    def _text_scores(self, query: _QueryTerms) -> tuple[FloatArray, FloatArray, BoolArray]:
        """Each field's BM25 score of every slot (0 for retired slots and non-matching ones),
        and which slots share a term with the request (the live slots with a positive score)."""
        n = self._n_slots
        w = self.weights
        alive = self._alive
        concept_scores, concept_docs = self._concepts.score(
            query.concepts.items(), self._n_alive, w.k1, w.b, alive, self._stamp, n
        )
        word_scores, word_docs = self._words.score(
            ((t, 1.0) for t in query.words), self._n_alive, w.k1, w.b, alive, self._stamp, n
        )
        hits = np.zeros(n, dtype=bool)
        for docs in (*concept_docs, *word_docs):
            hits[docs] = True
        return concept_scores, word_scores, hits

    def _candidates(self, query: _QueryTerms) -> tuple[IntArray, FloatArray]:
        """Live slots with a positive text score, and their mixed text score."""
        concept_scores, word_scores, hits = self._text_scores(query)
        cand = np.flatnonzero(hits)
        return cand, self._mix(concept_scores[cand], word_scores[cand])

    def _propose_hs(self, query: _QueryTerms) -> HsProposal:
        candidates = self._hs_candidates(query)
        votes: dict[str, float] = {}
        if self._n_alive and (query.concepts or query.words):
            cand, text = self._candidates(query)
            for i in np.argsort(-text, kind="stable")[:10].tolist():
                code = self._hs_text[int(cand[i])]
                if code:
                    votes[code] = votes.get(code, 0.0) + float(text[i])
        if candidates:
            lead = candidates[0]
            if len(lead) < 6:
                # The vocabulary knows the heading only: let the catalog's listings pick the
                # subheading among those they are filed under.
                agreeing = {code: vote for code, vote in votes.items() if code[:4] == lead[:4]}
                if agreeing:
                    best = max(agreeing.items(), key=lambda item: (item[1], item[0]))[0]
                    return HsProposal(
                        best, hs_short_description(best), "catalog", tuple(candidates)
                    )
            return HsProposal(lead, hs_short_description(lead), "vocabulary", tuple(candidates))
        if votes:
            best = max(votes.items(), key=lambda item: (item[1], item[0]))[0]
            return HsProposal(best, hs_short_description(best), "catalog", ())
        return HsProposal(None, "", "none", ())

    def _hs_candidates(self, query: _QueryTerms) -> list[str]:
        return self.vocabulary.hs_candidates(query.heads) or self.vocabulary.hs_candidates(
            query.concepts
        )

    def _mix(
        self,
        concept_scores: FloatArray,
        word_scores: FloatArray,
        c_max: float | None = None,
        w_max: float | None = None,
    ) -> FloatArray:
        """``concepts × c/c_max + words × w/w_max``; the maxima default to those of the given
        scores (a caller that mixes a subset passes the maxima over every candidate)."""
        if c_max is None:
            c_max = float(concept_scores.max()) if len(concept_scores) else 0.0
        if w_max is None:
            w_max = float(word_scores.max()) if len(word_scores) else 0.0
        mixed = np.zeros(len(concept_scores))
        if c_max > 0:
            mixed += (self.weights.concepts / c_max) * concept_scores
        if w_max > 0:
            mixed += (self.weights.words / w_max) * word_scores
        return mixed

    def match(self, request: MatchRequest, top_k: int = 10) -> list[MatchResult]:
        """The ``top_k`` best listings for the request that pass every hard constraint."""
        if top_k <= 0 or self._n_alive == 0:
            return []
        query = self._query_terms(request.text)
        concept_scores, word_scores, hits = self._text_scores(query)
        # Live slots sharing a term and passing the hard constraints: the rules read whole
        # columns, cheaper than gathering them at ~1 in 6 slots.
        self._passing_mask(hits, request)
        cand = np.flatnonzero(hits)
        # Each field is divided by its best value over every candidate, passing or not (retired
        # slots score 0, so the maximum over all slots is that one).
        score = self._mix(
            concept_scores[cand],
            word_scores[cand],
            float(concept_scores.max()),
            float(word_scores.max()),
        )
        if len(cand) == 0:
            return []
        hs_bonus, proposal = self._hs_bonus(cand, request, query)
        score = score + hs_bonus
        if request.destination:
            exports = self._markets.get(request.destination.upper())
            if exports is not None:
                score = score + self.weights.market * exports[cand]
        deliverable: IntArray | None = None
        if request.quantity is not None and request.max_lead_time_days is not None:
            months = months_within(request.max_lead_time_days)
            cap = self._cap[cand]
            deliverable = np.where(cap >= 0, cap * months, -1)
            short = np.flatnonzero(deliverable < request.quantity)
            if len(short):
                short_made = deliverable[short]
                share = np.clip(np.maximum(short_made, 0) / max(request.quantity, 1), 0.0, 1.0)
                score[short] = score[short] * (1.0 - self.weights.split_penalty * (1.0 - share))
        if len(cand) > top_k:
            kth = np.partition(score, len(score) - top_k)[len(score) - top_k]
            keep = score >= kth
            cand, score = cand[keep], score[keep]
            if deliverable is not None:
                deliverable = deliverable[keep]
        order = sorted(
            range(len(cand)), key=lambda i: (-float(score[i]), self._skus[int(cand[i])])
        )[:top_k]
        context = self._reason_context(request, query, proposal)
        results: list[MatchResult] = []
        for i in order:
            slot = int(cand[i])
            made = int(deliverable[i]) if deliverable is not None and deliverable[i] >= 0 else None
            needs_split = deliverable is not None and (
                made is None or (request.quantity is not None and made < request.quantity)
            )
            results.append(
                MatchResult(
                    sku=self._skus[slot],
                    enterprise=self._enterprises[slot],
                    score=round(float(score[i]), 6),
                    reasons=self._reasons(slot, request, context, made, needs_split),
                    hs_code=self._hs_text[slot],
                    needs_split=needs_split,
                    deliverable=made,
                )
            )
        return results

    def _passing_mask(self, mask: BoolArray, request: MatchRequest) -> None:
        """Clear in ``mask`` (one flag per slot) the slots that fail a hard constraint
        (capacity is not one): the rules of ``constraints.check_listing``, over whole columns."""
        n = len(mask)
        for code in sorted(request.required_certifications):
            column = self._certs.get(certification_key(code))
            if column is None:
                mask[:] = False
                return
            mask &= column[:n]
        if request.quantity is not None:
            mask &= self._moq[:n] <= request.quantity
        max_lead = request.max_lead_time_days
        if max_lead is not None:
            if max_lead < 0:
                mask[:] = False
                return
            # An unstated lead time (-1) reads as the largest unsigned number: it never passes.
            mask &= self._lead.view(np.uint64)[:n] <= np.uint64(max_lead)

    def _hs_bonus(
        self, cand: IntArray, request: MatchRequest, query: _QueryTerms
    ) -> tuple[FloatArray, list[str]]:
        hs = self._hs[cand]
        bonus = np.zeros(len(cand))
        if request.hs_code:
            bonus += self.weights.hs_requested * _hs_agreement(hs, request.hs_code)
            return bonus, [request.hs_code]
        proposal = self._hs_candidates(query)
        if proposal:
            best = np.zeros(len(cand))
            for code in proposal:
                best = np.maximum(best, _hs_agreement(hs, code))
            bonus += self.weights.hs_proposed * best
        return bonus, proposal

    def _reason_context(
        self, request: MatchRequest, query: _QueryTerms, proposal: list[str]
    ) -> _ReasonContext:
        """What the reasons of every result of one request share, worked out once."""
        concept_ids = self._concepts.term_ids
        ordered = sorted(
            (cid for cid in query.concepts if cid in concept_ids),
            key=lambda cid: (not self.vocabulary.is_product(cid), cid),
        )
        word_ids = self._words.term_ids
        return _ReasonContext(
            proposal=proposal,
            concepts=[(concept_ids[cid], self.vocabulary.label(cid)) for cid in ordered],
            words=[(word_ids[word], word) for word in query.words if word in word_ids],
            certifications=[f"{cert} ✓" for cert in sorted(request.required_certifications)],
            hs_lines={},
        )

    def _hs_line(self, code: str, request: MatchRequest, context: _ReasonContext) -> str:
        line = context.hs_lines.get(code)
        if line is None:
            line = f"HS {code} {hs_short_description(code)}".rstrip()
            if request.hs_code and code.startswith(request.hs_code[:4]):
                line += " ✓"
            elif any(code.startswith(p) or p.startswith(code) for p in context.proposal):
                line += " (as proposed)"
            context.hs_lines[code] = line
        return line

    def _reasons(
        self,
        slot: int,
        request: MatchRequest,
        context: _ReasonContext,
        made: int | None,
        needs_split: bool,
    ) -> tuple[str, ...]:
        reasons: list[str] = []
        code = self._hs_text[slot]
        if code:
            reasons.append(self._hs_line(code, request, context))
        held = set(self._concepts.forward(slot)[0].tolist())
        matched = [label for tid, label in context.concepts if tid in held]
        if matched:
            reasons.append("matches " + ", ".join(matched))
        else:
            words = set(self._words.forward(slot)[0].tolist())
            shared = [word for tid, word in context.words if tid in words][:5]
            if shared:
                reasons.append("words " + ", ".join(shared))
        reasons.extend(context.certifications)
        unit = self._units[slot]
        if request.quantity is not None:
            moq = int(self._moq[slot])
            if moq > 0:
                reasons.append(f"MOQ {moq:,} {unit} ≤ {request.quantity:,} ✓")
        if request.max_lead_time_days is not None:
            reasons.append(
                f"lead time {int(self._lead[slot])} days ≤ {request.max_lead_time_days} ✓"
            )
        if request.quantity is not None and request.max_lead_time_days is not None:
            days = request.max_lead_time_days
            if not needs_split:
                reasons.append(f"{request.quantity:,} {unit} within {days} days ✓")
            elif made is None:
                reasons.append(f"monthly capacity not stated: {SPLIT_REASON}")
            else:
                reasons.append(
                    f"can make {made:,} of {request.quantity:,} {unit} within {days} days: "
                    f"{SPLIT_REASON}"
                )
        if request.unit and unit_key(request.unit) != unit_key(unit):
            reasons.append(f"listed in {unit}, requested in {request.unit}: check the quantity")
        destination = request.destination
        if destination:
            exports = self._markets.get(destination.upper())
            if exports is not None and exports[slot]:
                reasons.append(f"exports to {destination.upper()} already")
        return tuple(reasons)


def _hs_number(code: str | None) -> int:
    if not code:
        return -1
    digits = "".join(ch for ch in code if ch.isdigit())[:6]
    if len(digits) < 4:
        return -1
    return int(digits.ljust(6, "0"))


def _hs_agreement(hs: IntArray, code: str) -> FloatArray:
    """1 for the same subheading (or heading, when ``code`` is a heading), ½ for the same
    heading only, 0 otherwise (``hs`` holds six-digit numbers, -1 when unknown)."""
    digits = "".join(ch for ch in code if ch.isdigit())
    if len(digits) >= 6:
        target = int(digits[:6])
        low = target - target % 100
        same_heading = (hs >= low) & (hs < low + 100)
        return np.where(hs == target, 1.0, np.where(same_heading, 0.5, 0.0))
    if len(digits) >= 4:
        low = int(digits[:4]) * 100
        return np.where((hs >= low) & (hs < low + 100), 1.0, 0.0)
    return np.zeros(len(hs))


def match_listings(
    listings: Iterable[Listing], request: MatchRequest, top_k: int = 10
) -> list[MatchResult]:
    """One-shot convenience: build an index over ``listings`` and match one request."""
    return MatchingIndex.build(listings).match(request, top_k)


__all__ = [
    "SPLIT_REASON",
    "Listing",
    "MatchRequest",
    "MatchResult",
    "MatchWeights",
    "MatchingIndex",
    "match_listings",
]
