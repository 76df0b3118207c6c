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

import numpy as np
import numpy.typing as npt

from tradebase.docking.bm25 import Bm25Field
from tradebase.docking.constraints import certification_key, months_within, unit_key
from tradebase.docking.exclusions import split_exclusions
from tradebase.docking.features import ListingFeatures, listing_features
from tradebase.docking.language import detect_language
from tradebase.docking.nomenclature import Nomenclature, Position
from tradebase.docking.reasons import SPLIT_REASON, Reason, english_lines
from tradebase.docking.records import (
    HsProposal,
    Listing,
    MatchOutcome,
    MatchRequest,
    MatchResult,
    RequestAnalysis,
)
from tradebase.docking.text import raw_tokens, without_salutation
from tradebase.docking.vocabulary import (
    LANGUAGES,
    Vocabulary,
    default_vocabulary,
    hs_short_description,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PIVOT_LANGUAGES = frozenset({"de", "fr", "es", "sv", "en"})


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
            "packaging": 0.25,
        }
    )
    implied: float = 0.5
    # The nomenclature pivot (nomenclature.py): listings filed under the HS positions the
    # request's own words reach score ``pivot`` × agreement, and count as that much evidence.
    pivot: float = 0.6
    pivot_evidence: float = 0.8
    pivot_positions: int = 5  # positions used, each at least ``pivot_min`` of the first's score
    pivot_min: float = 0.5
    vector: float = 1.0  # the embeddings' nearest listing adds this much (see ``search``)
    vector_min_similarity: float = 0.8  # below it a neighbour adds neither score nor evidence
    # A neighbour that only the embeddings found counts as evidence only when its HS heading
    # agrees with what the text says (see ``_vector_agreement``); with nothing to agree with,
    # when this share of the close neighbours' similarity lies in its heading.
    vector_consensus: float = 0.5
    vector_consensus_of: int = 10  # the nearest neighbours the consensus is taken over
    vector_disagreeing: float = 0.0  # the evidence share left to a neighbour that disagrees
    vector_text_agreement: float = 0.7  # text evidence that makes a listing's heading agree
    floor_probe: int = 30  # text matches looked at to decide that nothing relevant exists
    floor_margin: int = 10  # extra results ranked so that the floor can drop some
    excluded: float = 0.1  # a listing holding what the request rules out keeps a tenth
    # Below this evidence (see ``MatchResult.evidence``) a listing is not shown: calibrated on
    # the tuning halves of the evaluation sets (eval/tune.py), never on a held-out half.
    evidence_floor: float = 0.3
    secondary_product: float = 0.25  # a product named after "with"/"for" is context, not the ask
    language_confidence: float = 0.45  # below this, read the request's words in every language


@dataclass(frozen=True, slots=True)
class _QueryTerms:
    language: str
    confidence: float
    concepts: dict[str, float]  # concept id → query weight
    words: list[str]
    heads: tuple[str, ...]  # concepts that say what is asked for (for the HS proposal)
    # What the request rules out ("no wicker", "ohne Keramik") and does not also ask for.
    excluded_concepts: tuple[str, ...] = ()
    excluded_words: tuple[str, ...] = ()
    unread: tuple[str, ...] = ()  # words no concept covers, when no product concept is named
    positions: tuple[tuple[int, float], ...] = ()  # HS subheading number, relative pivot score


@dataclass(frozen=True, slots=True)
class _ReasonContext:
    proposal: list[str]  # the HS codes proposed for the request
    concepts: list[tuple[int, str]]  # (term id, concept id) of the request's indexed concepts
    words: list[tuple[int, str]]  # (term id, word) of the request's indexed words, in order
    certifications: list[Reason]  # "FSC ✓" …
    hs_lines: dict[str, Reason]  # HS code → its reason, filled as met


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
        self._native: dict[str, frozenset[str]] | None = None
        self._false: dict[str, frozenset[str]] = {}
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

    def _lexicon(self) -> dict[str, frozenset[str]]:
        """Per language, the words only it writes in the nomenclature (none without one)."""
        if self._native is None:
            nomenclature = self.nomenclature
            self._native = {
                lang: nomenclature.native_words(lang) if nomenclature is not None else frozenset()
                for lang in PIVOT_LANGUAGES
            }
        return self._native

    def _false_friends(self, language: str) -> frozenset[str]:
        """Words of ``language`` spelt like an English term of the vocabulary (cached)."""
        found = self._false.get(language)
        if found is None:
            words = self._lexicon().get(language, frozenset())
            found = self._false[language] = self.vocabulary.english_false_friends(words, language)
        return found

    def _query_terms(self, text: str) -> _QueryTerms:
        text = without_salutation(text)
        detected = detect_language(text, self.vocabulary, self._lexicon())
        confident = detected.confidence >= self.weights.language_confidence
        languages: Collection[str] = {detected.code, "en"} if confident else LANGUAGES
        native = self._false_friends(detected.code) if confident else frozenset()
        exclusions = split_exclusions(text)
        wanted = exclusions.wanted if exclusions else text
        concepts: dict[str, float] = {}
        heads: list[str] = []
        roles = self.vocabulary.concepts_by_role(wanted, languages, native)
        for cid, role in sorted(roles.items()):
            kind = self.vocabulary.kind(cid)
            weight = self.weights.kind_weights.get(kind, 1.0)
            if role == "implied":
                weight *= self.weights.implied  # "armchair" also asks for a chair, less so
            elif role == "secondary" and self.vocabulary.is_product(cid):
                weight *= self.weights.secondary_product  # "… for our shoe factory"
            else:
                heads.append(cid)
            concepts[cid] = weight
        # "Vinylhandschuhe": the modifier is a word of its own in an English listing.
        modifiers = " ".join(self.vocabulary.compound_modifiers(wanted, languages))
        words = sorted(set(raw_tokens(wanted)) | set(raw_tokens(modifiers)))
        unread: tuple[str, ...] = ()
        positions: tuple[tuple[int, float], ...] = ()
        if not any(self.vocabulary.is_product(cid) for cid in concepts):
            # The vocabulary does not know the product: read the words through the nomenclature.
            unread = self._words_no_concept_reads(wanted, words, languages, native)
            positions = self._positions(wanted, detected.code if confident else None)
        if not exclusions:
            return _QueryTerms(detected.code, detected.confidence, concepts, words,
                               tuple(heads), unread=unread, positions=positions)
        refused = " , ".join(exclusions.excluded)
        excluded_concepts = sorted(
            cid
            for cid, role in self.vocabulary.concepts_by_role(refused, languages, native).items()
            if role == "main" and cid not in concepts
        )
        excluded_words = sorted(set(raw_tokens(refused)) - set(words))
        return _QueryTerms(
            detected.code,
            detected.confidence,
            concepts,
            words,
            tuple(heads),
            tuple(excluded_concepts),
            tuple(excluded_words),
            unread,
            positions,
        )

    def _positions(self, text: str, language: str | None) -> tuple[tuple[int, float], ...]:
        """The HS subheadings the request's words reach through the nomenclature, with their
        score relative to the best (Chinese is not in the nomenclature: none). ``None``: the
        language is uncertain ("vinkelslip 125 mm"), so the reading in the pivot language
        that scores best is taken."""
        if self.nomenclature is None or (language is not None and language not in PIVOT_LANGUAGES):
            return ()
        w = self.weights
        found: list[Position] = []
        for lang in [language] if language is not None else sorted(PIVOT_LANGUAGES):
            read = self.nomenclature.positions(text, lang, k=w.pivot_positions)
            if read and (not found or read[0].score > found[0].score):
                found = read
        if not found or found[0].score <= 0:
            return ()
        best = found[0].score
        return tuple(
            (int(p.hs6), p.score / best) for p in found if p.score >= w.pivot_min * best
        )
    def _words_no_concept_reads(
        self,
        text: str,
        words: Sequence[str],
        languages: Collection[str],
        native: Collection[str] = (),
    ) -> tuple[str, ...]:
        """The request's words that no vocabulary term covers: when the request names no
        product the vocabulary knows, they are likely the product ("… kitchen knives")."""
        terms = [hit.term for hit in self.vocabulary.extract(text, languages, native)]
        covered = set(raw_tokens(" ".join(terms)))
        return tuple(
            word for word in words
            if word not in covered and not any(term in word for term in terms if len(term) > 2)
        )

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

    def _add_similar(
        self,
        similar: Sequence[tuple[str, float]],
        hits: BoolArray,
        pivot: FloatArray | None,
        agreeing: Collection[int] | None = None,
    ) -> tuple[FloatArray | None, FloatArray | None]:
        """Fold a second retriever's listings into the pivot column (both add a score that
        the text fields do not carry), and the evidence they add: only for neighbours whose
        HS heading is in ``agreeing`` (None: every heading agrees)."""
        slots = [(self._slot_of.get(sku), sim) for sku, sim in similar]
        found = [(slot, sim) for slot, sim in slots if slot is not None]
        if not found:
            return pivot, None
        w = self.weights
        sims = np.array([sim for _, sim in found])
        low, high = float(sims.min()), float(sims.max())
        rescaled = (sims - low) / (high - low) if high > low else np.ones(len(sims))
        # evidence: only listings close in absolute terms, not merely the nearest of a few
        close = sims >= w.vector_min_similarity
        strength = np.where(close, rescaled, 0.0) * w.vector
        column = pivot.copy() if pivot is not None else np.zeros(self._n_slots)
        index = np.array([slot for slot, _ in found], dtype=np.int64)
        np.maximum.at(column, index, strength / max(w.pivot, 1e-9))
        hits[index] = True
        if agreeing is None:
            vouched = strength
        else:
            headings = self._hs[index] // 100
            vouched = np.where(
                np.isin(headings, list(agreeing)), strength, w.vector_disagreeing * strength
            )
        evidence = np.zeros(self._n_slots)
        np.maximum.at(evidence, index, w.pivot_evidence * vouched / max(w.pivot, 1e-9))
        return column, evidence

    def _vector_agreement(
        self,
        request: MatchRequest,
        query: _QueryTerms,
        similar: Sequence[tuple[str, float]],
        evidence: _Evidence,
    ) -> set[int]:
        """The HS headings (four-digit numbers) a listing found only by the embeddings must
        be filed under to count as evidence: the request's own code, else the headings its
        words reach in the nomenclature, its vocabulary concepts propose and the listings
        that show much of its text are filed under, and the heading holding a clear share of
        the close neighbours. Neighbours scattered over headings nothing in the text points
        to are what a request for a product nobody lists gets."""
        if request.hs_code:
            return {_hs_number(request.hs_code) // 100}
        w = self.weights
        headings = {code // 100 for code, _ in query.positions}
        headings |= {_hs_number(code) // 100 for code in self._hs_candidates(query)}
        strong = evidence.at_least(w.vector_text_agreement)
        headings |= {int(code) // 100 for code in np.unique(self._hs[strong])}
        headings.discard(-1)
        mass: dict[int, float] = {}
        for sku, sim in similar[: w.vector_consensus_of]:
            slot = self._slot_of.get(sku)
            if slot is None or sim < w.vector_min_similarity or self._hs[slot] < 0:
                continue
            heading = int(self._hs[slot]) // 100
            mass[heading] = mass.get(heading, 0.0) + sim
        total = sum(mass.values())
        return headings | {h for h, m in mass.items() if total and m / total >= w.vector_consensus}

    def _pivot_scores(self, query: _QueryTerms, hits: BoolArray) -> FloatArray | None:
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
        query = self._query_terms(request.text)
        concept_scores, word_scores, hits = self._text_scores(query)
        pivot = self._pivot_scores(query, hits)
        evidence = _Evidence(self, query, pivot)
        if similar:
            agreeing = self._vector_agreement(request, query, similar, evidence)
            pivot, vouched = self._add_similar(similar, hits, pivot, agreeing)
            evidence.vouch(vouched)
        if not self._relevant_exists(concept_scores, word_scores, pivot, hits, evidence):
            return MatchOutcome([], True)
        ranked = self._ranked(request, query, concept_scores, word_scores, pivot, hits,
                              top_k + self.weights.floor_margin)
        floor = self.weights.evidence_floor
        kept = [(row, seen) for row in ranked if (seen := evidence.of(row.slot)) >= floor]
        context = self._reason_context(request, query, ranked.proposal)
        results = [
            MatchResult(
                sku=self._skus[row.slot],
                enterprise=self._enterprises[row.slot],
                score=round(row.score, 6),
                reason_codes=(coded := self._reasons(row.slot, request, context, row.made,
                                                     row.needs_split)),
                reasons=english_lines(coded),
                hs_code=self._hs_text[row.slot],
                needs_split=row.needs_split,
                deliverable=row.made,
                evidence=round(seen, 3),
            )
            for row, seen in kept[:top_k]
        ]
        return MatchOutcome(results, False)

    def _relevant_exists(
        self,
        concept_scores: FloatArray,
        word_scores: FloatArray,
        pivot: FloatArray | None,
        hits: BoolArray,
        evidence: _Evidence,
    ) -> bool:
        """Whether one of the best text matches, constraints aside, clears the floor."""
        cand = np.flatnonzero(hits)
        if len(cand) == 0:
            return False
        text = self._mix(concept_scores[cand], word_scores[cand])
        if pivot is not None:
            text = text + self.weights.pivot * pivot[cand]
        probe = self.weights.floor_probe
        best = cand if len(cand) <= probe else cand[np.argpartition(-text, probe)[:probe]]
        return evidence.best(best) >= self.weights.evidence_floor

    def _ranked(
        self,
        request: MatchRequest,
        query: _QueryTerms,
        concept_scores: FloatArray,
        word_scores: FloatArray,
        pivot: FloatArray | None,
        hits: BoolArray,
        top_k: int,
    ) -> _Ranked:
        hits = hits.copy()
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
            return _Ranked([], [])
        hs_bonus, proposal = self._hs_bonus(cand, request, query)
        score = score + hs_bonus
        if pivot is not None:
            score = score + self.weights.pivot * pivot[cand]
        if query.excluded_concepts or query.excluded_words:
            n = self._n_slots
            refused = self._concepts.holding(query.excluded_concepts, n)
            refused |= self._words.holding(query.excluded_words, n)
            score = np.where(refused[cand], score * self.weights.excluded, score)
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
        rows = _Ranked([], proposal)
        for i in order:
            slot = int(cand[i])
            made = int(deliverable[i]) if deliverable is not None and deliverable[i] >= 0 else None
            needs_split = deliverable is not None and (
                made is None or (request.quantity is not None and made < request.quantity)
            )
            rows.append(_Row(slot, float(score[i]), made, needs_split))
        return rows

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
            concepts=[(concept_ids[cid], cid) for cid in ordered],
            words=[(word_ids[word], word) for word in query.words if word in word_ids],
            certifications=[Reason("certified", {"code": cert})
                            for cert in sorted(request.required_certifications)],
            hs_lines={},
        )

    def _hs_line(self, code: str, request: MatchRequest, context: _ReasonContext) -> Reason:
        line = context.hs_lines.get(code)
        if line is None:
            mark = ""
            if request.hs_code and code.startswith(request.hs_code[:4]):
                mark = "confirmed"
            elif any(code.startswith(p) or p.startswith(code) for p in context.proposal):
                mark = "proposed"
            line = Reason("hs", {"code": code, "description": hs_short_description(code),
                                 "mark": mark})
            context.hs_lines[code] = line
        return line

    def _reasons(
        self,
        slot: int,
        request: MatchRequest,
        context: _ReasonContext,
        made: int | None,
        needs_split: bool,
    ) -> tuple[Reason, ...]:
        reasons: list[Reason] = []
        code = self._hs_text[slot]
        if code:
            reasons.append(self._hs_line(code, request, context))
        held = set(self._concepts.forward(slot)[0].tolist())
        matched = [cid for tid, cid in context.concepts if tid in held]
        if matched:
            reasons.append(Reason("concepts", {
                "concepts": matched, "labels": [self.vocabulary.label(c) for c in matched]}))
        else:
            words = set(self._words.forward(slot)[0].tolist())
            shared = [word for tid, word in context.words if tid in words][:5]
            if shared:
                reasons.append(Reason("words", {"words": shared}))
        reasons.extend(context.certifications)
        unit = self._units[slot]
        if request.quantity is not None:
            moq = int(self._moq[slot])
            if moq > 0:
                reasons.append(Reason("moq", {"moq": moq, "unit": unit,
                                              "quantity": request.quantity}))
        if request.max_lead_time_days is not None:
            reasons.append(Reason("lead_time", {"days": int(self._lead[slot]),
                                                "max": request.max_lead_time_days}))
        if request.quantity is not None and request.max_lead_time_days is not None:
            days = request.max_lead_time_days
            if not needs_split:
                reasons.append(Reason("deliverable", {"quantity": request.quantity,
                                                      "unit": unit, "days": days}))
            elif made is None:
                reasons.append(Reason("capacity_unstated"))
            else:
                reasons.append(Reason("partial", {"made": made, "quantity": request.quantity,
                                                  "unit": unit, "days": days}))
        if request.unit and unit_key(request.unit) != unit_key(unit):
            reasons.append(Reason("unit_mismatch", {"unit": unit, "requested": request.unit}))
        destination = request.destination
        if destination:
            exports = self._markets.get(destination.upper())
            if exports is not None and exports[slot]:
                reasons.append(Reason("exports", {"country": destination.upper()}))
        return tuple(reasons)


@dataclass(frozen=True, slots=True)
class _Row:
    """A ranked listing before its reasons are written."""

    slot: int
    score: float
    made: int | None
    needs_split: bool


class _Ranked(list[_Row]):
    """Ranked rows, best first, and the HS codes the ranking used (for the reasons)."""

    def __init__(self, rows: list[_Row], proposal: list[str]) -> None:
        super().__init__(rows)
        self.proposal = proposal


class _Evidence:
    """How much of a request each listing shows (``MatchResult.evidence``): the larger of the
    share of the request's concept weight it holds and the idf-weighted share of its words."""

    def __init__(
        self, index: MatchingIndex, query: _QueryTerms, pivot: FloatArray | None = None
    ) -> None:
        w = index.weights
        n, alive, slots = index._n_alive, index._alive, index._n_slots
        # When the request names no product the vocabulary knows, the words no concept covers
        # are likely the product ("stainless steel kitchen knives" shares only "metal" with a
        # steel chair): they weigh in the concept share as one product the listing lacks.
        concept_total = sum(query.concepts.values())
        if concept_total and query.unread:
            concept_total += w.kind_weights["product"]
        seen = np.zeros(slots)
        if concept_total:
            held = index._concepts.coverage(
                ((cid, weight, weight) for cid, weight in query.concepts.items()),
                n, w.k1, w.b, alive, slots,
            )
            seen = held / concept_total
        words = index._words
        idf: dict[str, float] = {}
        for word in query.words:
            tid = words.term_ids.get(word)
            df = words.df[tid] if tid is not None else 0
            idf[word] = math.log(1.0 + (max(n, 1) - df + 0.5) / (df + 0.5))
        word_total = sum(idf.values())
        if word_total:
            held = words.coverage(((word, 1.0, value) for word, value in idf.items()),
                                  n, w.k1, w.b, alive, slots)
            seen = np.maximum(seen, held / word_total)
        if pivot is not None:
            seen = np.maximum(seen, w.pivot_evidence * pivot)
        self._seen = seen

    def vouch(self, vouched: FloatArray | None) -> None:
        """Add the evidence a second retriever's agreeing neighbours carry."""
        if vouched is not None:
            self._seen = np.maximum(self._seen, vouched)

    def at_least(self, level: float) -> IntArray:
        """The slots showing at least ``level`` of the request (retired slots show nothing)."""
        return np.flatnonzero(self._seen >= level)

    def of(self, slot: int) -> float:
        return float(self._seen[slot])

    def best(self, slots: IntArray) -> float:
        return float(self._seen[slots].max()) if len(slots) else 0.0


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
    "MatchOutcome",
    "MatchRequest",
    "MatchResult",
    "MatchWeights",
    "MatchingIndex",
    "match_listings",
]
