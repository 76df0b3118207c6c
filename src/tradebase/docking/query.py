"""Reading a buyer's request into the terms the matching engine scores: its language, the
vocabulary concepts it names (weighted by kind and role), its words, what it rules out and,
when the vocabulary does not know the product, the HS positions its words reach through the
nomenclature. Pure: the vocabulary and nomenclature in, ``QueryTerms`` out."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from tradebase.docking.exclusions import split_exclusions
from tradebase.docking.language import detect_language
from tradebase.docking.nomenclature import Nomenclature, Position
from tradebase.docking.vocabulary import LANGUAGES, Vocabulary
from tradebase.docking.weights import MatchWeights
from tradebase.text.folding import fold, raw_tokens, without_salutation

PIVOT_LANGUAGES = frozenset({"de", "fr", "es", "sv", "en"})


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """A request as the engine scores it (``QueryReader.read``)."""

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
class WordRead:
    """A word (or words) of a request's text as written that names concepts of the
    vocabulary, and whether the request rules it out ("ohne Keramik")."""

    written: str
    concepts: tuple[str, ...]
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class WordsRead:
    """What a request's text names, as the matching read it (``QueryReader.words_read``):
    its words that are concepts, in the order they stand, and, when none of them is a
    product, the HS subheadings its words reach through the nomenclature, best first."""

    language: str
    words: tuple[WordRead, ...]
    positions: tuple[str, ...] = ()


class QueryReader:
    """Reads requests for one index: its vocabulary, weights and nomenclature, and the words
    per language the detector and the false-friend check use (worked out once)."""

    def __init__(
        self, vocabulary: Vocabulary, weights: MatchWeights, nomenclature: Nomenclature | None
    ) -> None:
        self.vocabulary = vocabulary
        self.weights = weights
        self.nomenclature = nomenclature
        self._native: dict[str, frozenset[str]] | None = None
        self._false: dict[str, frozenset[str]] = {}

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

    def read(self, text: str) -> QueryTerms:
        """The terms of a request's text, as every part of the matching reads them."""
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
            return QueryTerms(detected.code, detected.confidence, concepts, words,
                               tuple(heads), unread=unread, positions=positions)
        refused = " , ".join(exclusions.excluded)
        roles = self.vocabulary.concepts_by_role(refused, languages, native)
        ruled_out = {cid for cid, role in roles.items() if role == "main"}
        if not ruled_out:  # "Inga glaslock": a compound the vocabulary cannot split
            ruled_out = self.vocabulary.compound_materials(refused, languages)
        excluded_concepts = sorted(cid for cid in ruled_out if cid not in concepts)
        excluded_words = sorted(set(raw_tokens(refused)) - set(words))
        return QueryTerms(
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

    def words_read(self, text: str) -> WordsRead:
        """The words of ``text`` the matching reads as concepts, read as ``read`` reads them
        (the same language, false friends and exclusions); a concept only implied by a
        narrower one (an armchair is a chair) is not a word of its own."""
        query = self.read(text)
        text = without_salutation(text)
        confident = query.confidence >= self.weights.language_confidence
        languages: Collection[str] = {query.language, "en"} if confident else LANGUAGES
        native = self._false_friends(query.language) if confident else frozenset()
        exclusions = split_exclusions(text)
        parts = [(exclusions.wanted if exclusions else text, False)]
        if exclusions:
            parts.append((" , ".join(exclusions.excluded), True))
        words: dict[tuple[str, bool], list[str]] = {}
        for part, excluded in parts:
            for hit in self.vocabulary.extract(part, languages, native):
                if hit.implied:
                    continue
                found = words.setdefault((hit.term, excluded and hit.main), [])
                found.extend(cid for cid in sorted(hit.concepts) if cid not in found)
        positions = tuple(f"{number:06d}" for number, _ in query.positions)
        return WordsRead(query.language, tuple(
            WordRead(_as_written(text, written), tuple(concepts), excluded)
            for (written, excluded), concepts in words.items()), positions)

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


_WORD = re.compile(r"\w+")


def _as_written(text: str, term: str) -> str:
    """``term`` (folded, as the vocabulary matched it: "gartenstuhle") as ``text`` writes it
    ("Gartenstühle"); the term itself when the text does not show it word for word."""
    size = term.count(" ") + 1
    words = list(_WORD.finditer(text))
    for i in range(len(words) - size + 1):
        span = text[words[i].start():words[i + size - 1].end()]
        if fold(span) == term or " ".join(fold(w.group()) for w in words[i:i + size]) == term:
            return span
    return term
