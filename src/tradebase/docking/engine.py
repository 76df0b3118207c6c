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

This module holds the index and the order of a search; the parts that change on their own sit
beside it: ``query`` (reading the request), ``evidence`` (the evidence floor and what the
embeddings add), ``ranking`` (constraints, mixing, the top rows), ``reasons`` (every reason
line's text) and ``weights`` (``MatchWeights``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from tradebase.docking.bm25 import Bm25Field, BoolArray, FloatArray, IntArray
from tradebase.docking.constraints import certification_key
from tradebase.docking.evidence import Evidence, add_similar, relevant_exists, vector_agreement
from tradebase.docking.explain import listing_reasons, reason_context
from tradebase.docking.features import ListingFeatures, listing_features
from tradebase.docking.nomenclature import Nomenclature
from tradebase.docking.query import QueryReader, QueryTerms, WordsRead
from tradebase.docking.ranking import hs_number, mix, rank_candidates
from tradebase.docking.reasons import SPLIT_REASON, english_lines
from tradebase.docking.records import (
    HsProposal,
    Listing,
    MatchOutcome,
    MatchRequest,
    MatchResult,
    RequestAnalysis,
)
from tradebase.docking.vocabulary import Vocabulary, default_vocabulary, hs_short_description
from tradebase.docking.weights import MatchWeights


class MatchingIndex:
    """All listings, indexed for ``match``; edited with ``upsert`` and ``remove``."""

    # Retired slots are dropped once there are this many and they are a third of all slots.
    compact_min_dead = 1024

    def __init__(
        self,
        vocabulary: Vocabulary | None = None,
        weights: MatchWeights | None = None,
        nomenclature: Nomenclature | bool | None = True,
    ) -> None:
        self.vocabulary = vocabulary or default_vocabulary()
        self.weights = weights or MatchWeights()
        # True: the shipped nomenclature (loaded once per process); None/False: no pivot.
        self.nomenclature: Nomenclature | None = (
            Nomenclature.load() if nomenclature is True else (nomenclature or None)
        )
        self._reader = QueryReader(self.vocabulary, self.weights, self.nomenclature)
        self._hs_order_stamp = -1
        self._hs_order: IntArray = np.zeros(0, dtype=np.int64)
        self._hs_sorted: IntArray = np.zeros(0, dtype=np.int64)
        self._concepts = Bm25Field()
        self._words = Bm25Field()
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
        nomenclature: Nomenclature | bool | None = True,
    ) -> MatchingIndex:
        vocab = vocabulary or default_vocabulary()
        return cls.from_features(
            (listing_features(item, vocab) for item in listings), vocab, weights, nomenclature
        )

    @classmethod
    def from_features(
        cls,
        rows: Iterable[ListingFeatures | bytes],
        vocabulary: Vocabulary | None = None,
        weights: MatchWeights | None = None,
        nomenclature: Nomenclature | bool | None = True,
    ) -> MatchingIndex:
        """An index from stored per-listing features (later rows win for a repeated sku).

        Rows are read one at a time into flat arrays, so a million stored rows never exist as
        Python objects all at once."""
        index = cls(vocabulary, weights, nomenclature)
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
            hs.append(hs_number(item.hs_code))
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
        self._hs[slot] = hs_number(row.hs_code)
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

    def analyse(self, text: str) -> RequestAnalysis:
        """The request's language, the concepts read in it and the HS code proposed."""
        query = self._reader.read(text)
        return RequestAnalysis(
            language=query.language,
            language_confidence=round(query.confidence, 3),
            concepts=tuple(query.concepts),
            hs=self._propose_hs(query),
        )

    def words_read(self, text: str) -> WordsRead:
        """The words of a request's text read as concepts (``QueryReader.words_read``)."""
        return self._reader.words_read(text)

    def _text_scores(self, query: QueryTerms) -> tuple[FloatArray, FloatArray, BoolArray]:
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


    def _pivot_scores(self, query: QueryTerms, hits: BoolArray) -> FloatArray | None:
        """Each slot's agreement with the request's HS positions (1 same subheading, ½ same
        heading, times the position's relative score); marks those slots in ``hits``."""
        if not query.positions:
            return None
        n = self._n_slots
        if self._hs_order_stamp != self._stamp:
            hs = self._hs[:n]
            self._hs_order = np.argsort(hs, kind="stable")
            self._hs_sorted = hs[self._hs_order]
            self._hs_order_stamp = self._stamp
        agreement = np.zeros(n)
        for share, width in ((0.5, 100), (1.0, 1)):
            for code, relative in query.positions:
                low = code - code % 100 if width == 100 else code
                start, end = np.searchsorted(self._hs_sorted, [low, low + width])
                if end > start:
                    slots = self._hs_order[start:end]
                    np.maximum.at(agreement, slots, share * relative)
        agreement[~self._alive[:n]] = 0.0
        hits |= agreement > 0
        return agreement

    def _candidates(self, query: QueryTerms) -> tuple[IntArray, FloatArray]:
        """Live slots with a positive text score, and their mixed text score."""
        concept_scores, word_scores, hits = self._text_scores(query)
        cand = np.flatnonzero(hits)
        return cand, mix(self.weights, concept_scores[cand], word_scores[cand])

    def _propose_hs(self, query: QueryTerms) -> HsProposal:
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

    def _hs_candidates(self, query: QueryTerms) -> list[str]:
        return self.vocabulary.hs_candidates(query.heads) or self.vocabulary.hs_candidates(
            query.concepts
        )

    def match(self, request: MatchRequest, top_k: int = 10) -> list[MatchResult]:
        """The ``top_k`` best listings for the request that pass every hard constraint."""
        return self.search(request, top_k).results

    def search(
        self,
        request: MatchRequest,
        top_k: int = 10,
        similar: Sequence[tuple[str, float]] = (),
    ) -> MatchOutcome:
        """``match``, and whether any listing at all shows what the request asks for.

        ``similar``: a second retriever's nearest listings (sku, cosine similarity), best
        first — the sentence embeddings of ``embedding.py``; they become candidates and add
        ``vector`` × their similarity rescaled over the list (1 the nearest, 0 the last)."""
        if top_k <= 0 or self._n_alive == 0:
            return MatchOutcome([], self._n_alive == 0)
        query = self._reader.read(request.text)
        concept_scores, word_scores, hits = self._text_scores(query)
        pivot = self._pivot_scores(query, hits)
        evidence = Evidence(self, query, pivot)
        if similar:
            agreeing = vector_agreement(self, request, query, similar, evidence)
            pivot, vouched = add_similar(self, similar, hits, pivot, agreeing)
            evidence.vouch(vouched)
        # Live slots sharing a term (retired and other slots score 0 in both fields, so the
        # maxima that ``mix`` divides by are those over every slot).
        cand = np.flatnonzero(hits)
        text = mix(self.weights, concept_scores[cand], word_scores[cand])
        if not relevant_exists(self, cand, text, pivot, evidence):
            return MatchOutcome([], True)
        ranked = rank_candidates(self, request, query, cand, text, pivot,
                                 top_k + self.weights.floor_margin)
        floor = self.weights.evidence_floor
        shown = evidence.at(np.array([row.slot for row in ranked], dtype=np.int64))
        kept = [(row, float(seen)) for row, seen in zip(ranked, shown, strict=True)
                if seen >= floor]
        context = reason_context(self, request, query, ranked.proposal)
        results = [
            MatchResult(
                sku=self._skus[row.slot],
                enterprise=self._enterprises[row.slot],
                score=round(row.score, 6),
                reason_codes=(coded := listing_reasons(
                    self, row.slot, request, context, row.made, row.needs_split
                )),
                reasons=english_lines(coded),
                hs_code=self._hs_text[row.slot],
                needs_split=row.needs_split,
                deliverable=row.made,
                evidence=round(seen, 3),
            )
            for row, seen in kept[:top_k]
        ]
        return MatchOutcome(results, False)



def match_listings(
    listings: Iterable[Listing], request: MatchRequest, top_k: int = 10
) -> list[MatchResult]:
    """One-shot convenience: build an index over ``listings`` and match one request."""
    return MatchingIndex.build(listings).match(request, top_k)


__all__ = [
    "SPLIT_REASON",
    "Listing",
    "MatchOutcome",
    "MatchRequest",
    "MatchResult",
    "MatchWeights",
    "MatchingIndex",
    "match_listings",
]
