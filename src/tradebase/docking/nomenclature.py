"""The nomenclature pivot: from a buyer's own words to HS 2022 six-digit subheadings.

The hand-written vocabulary knows ~200 concepts; the EU Combined Nomenclature (``data/cn2026.csv``,
see ``data/cn2026.md``) names every HS position in German, French, Spanish, Swedish and English.
Each HS 2022 subheading becomes one BM25 document per language, made of

* its heading's text, its own text and every CN8 row under it, in that language ("Other" and
  "Of rattan" rows are read under their parent simply by sharing its document);
* the same in English, plus the HS 2022 English description (English words are common in
  requests written in any language);
* optionally the everyday names of the vocabulary's products filed under that code or its
  heading ("stolar", "Stühle", "chair" are not customs words: the CN says "Sittmöbler",
  "Sitzmöbel", "Seats").

``Nomenclature.positions(text, lang)`` scores a request against the documents of its language
and returns the best subheadings. Words go through ``stemming.words`` (folding, filler removal)
and a light stemmer of the language; a German or Swedish word the nomenclature does not know is
split at its longest known tail (*trädgårdsstolar* → *stol*, weight 1, and *trädgård*, ½).

Scoring is plain BM25 written with numpy rather than ``bm25s``: ``bm25s`` is a dev dependency
only (the baseline that eval and bench measure against), the corpus is small (5,612 documents per
language) and fixed, and a query needs per-term weights (compound heads 1, modifiers ½), which a
compressed-sparse layout of precomputed term weights gives in a few numpy operations: well under
a millisecond per request.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from tradebase.docking.vocabulary import PRODUCT_KINDS, hs_descriptions, vocabulary_text
from tradebase.text.folding import fold, latin_tokens
from tradebase.text.stemming import (
    COMPOUNDING,
    HEAD_LAST,
    HEADLESS,
    LANGUAGES,
    STEMMERS,
    compound_tails,
    phrases,
    split_compound,
    stem_en,
    words,
)

K1 = 1.2
B = 0.75  # documents are long when the CN splits a subheading finely, not because they ramble
# A compound's parts count half in a document, its modifier a quarter: "Handschuhe" are barely
# shoes, "saxsprintar" (cotter pins) barely scissors.
SPLIT_PART_WEIGHT = 0.5
# The everyday-names field's weight beside the customs wording; its length is the number of
# products filed under a code, not verbosity, so it has no length normalisation.
EVERYDAY_WEIGHT = 1.5
MODIFIER_WEIGHT = 0.45  # a request word other than the head of its first noun phrase
_MIN_SPLIT_LENGTH = 7
_WORD = re.compile(r"[^\W\d_]+")


_Tf = dict[str, float]  # term frequencies of one document (compound parts count ½)


@dataclass(frozen=True, slots=True)
class Position:
    """One HS 2022 subheading proposed for a request."""

    hs6: str
    heading: str
    score: float
    description: str


@dataclass(frozen=True, slots=True)
class _LanguageIndex:
    """BM25 weights of one language in compressed-sparse form: term → slice of postings."""

    slices: dict[str, tuple[int, int]]
    docs: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    known: frozenset[str]  # stems of whole words of the language itself, for compound splitting
    tails: dict[str, tuple[str, ...]]  # German and Swedish: known compounds by their tails


class Nomenclature:
    """BM25 documents per HS subheading and language; ``positions`` ranks them for a request."""

    def __init__(
        self,
        codes: Sequence[str],
        descriptions: Mapping[str, Sequence[str]],
        indexes: Mapping[str, _LanguageIndex],
        lexicon: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.codes: tuple[str, ...] = tuple(codes)
        self._descriptions = descriptions
        self._indexes = indexes
        self._codes_array = np.array(self.codes)
        self._lexicon = lexicon or {}

    def native_words(self, lang: str) -> frozenset[str]:
        """Folded words the nomenclature writes in ``lang`` and never in English: words of that
        language for certain ("tee", "stuhle", "sarten"), a signal for the language detector
        and against reading them as English terms. Empty for English and unknown languages."""
        if lang == "en":
            return frozenset()
        return self._lexicon.get(lang, frozenset()) - self._lexicon.get("en", frozenset())

    @classmethod
    def load(cls, *, everyday_names: bool = True) -> Nomenclature:
        """The nomenclature shipped in ``docking/data/cn2026.csv`` (read once per process).

        ``everyday_names`` adds the vocabulary's product terms to the positions they are filed
        under; without it only the customs wording is used.
        """
        return _shipped(everyday_names)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Mapping[str, str]],
        *,
        hs_english: Mapping[str, str] | None = None,
        everyday: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    ) -> Nomenclature:
        """Build from CN rows (``level, code, parent, en, de, fr, es, sv``).

        ``hs_english`` maps HS codes to their HS 2022 English description; ``everyday`` maps an
        HS code (4 or 6 digits) to everyday names per language.
        """
        documents = _Documents.collect(rows, hs_english or {}, everyday or {})
        english = _english_counts(documents.texts("en"))
        indexes = {lang: _build_index(documents.texts(lang), lang, english) for lang in LANGUAGES}
        descriptions = {lang: documents.descriptions(lang) for lang in LANGUAGES}
        return cls(documents.codes, descriptions, indexes, documents.lexicon())

    def query_terms(self, text: str, lang: str) -> dict[str, float]:
        """The request's stems known to the nomenclature, with their weight.

        The head of the first noun phrase that names something known (the last word in
        English, German and Swedish, the first in French and Spanish) weighs 1, every other
        word ``MODIFIER_WEIGHT``: "couteaux de cuisine en acier" asks for knives, not steel.
        """
        lang = _language(lang)
        split = phrases(text, lang)
        read = [[self._word_terms(word, lang) for word in phrase] for phrase in split]
        head: tuple[int, int] | None = None
        own_words = self._indexes[lang].known
        # German writes its nouns with a capital: in "Fliesen matt" the head is "Fliesen",
        # not the adjective after it.
        nouns = (
            {fold(word) for word in _WORD.findall(text) if word[:1].isupper()}
            if lang == "de"
            else set()
        )
        for p, phrase in enumerate(read):
            known = [w for w, parts in enumerate(phrase) if parts and split[p][w] not in HEADLESS]
            # An English word in a German request ("Damenjeans High Waist") is no head when a
            # word of the request's own language is known.
            native = [w for w in known if any(term in own_words for term, _ in read[p][w])]
            candidates = native or known
            capitalised = [w for w in candidates if split[p][w] in nouns]
            candidates = capitalised or candidates
            if candidates:
                head = (p, candidates[-1] if lang in HEAD_LAST else candidates[0])
                break
        terms: dict[str, float] = {}
        for p, phrase in enumerate(read):
            for w, parts in enumerate(phrase):
                factor = 1.0 if (p, w) == head else MODIFIER_WEIGHT
                for term, weight in parts:
                    terms[term] = max(terms.get(term, 0.0), weight * factor)
        return terms

    def _word_terms(self, word: str, lang: str) -> list[tuple[str, float]]:
        index = self._indexes[lang]
        found = {STEMMERS[lang](word), stem_en(word)} & index.slices.keys()
        if found:
            return [(term, 1.0 / len(found)) for term in sorted(found)]
        if lang in COMPOUNDING and len(word) >= _MIN_SPLIT_LENGTH:
            return split_compound(word, lang, index.known, index.tails)
        return []

    def positions(self, text: str, lang: str, k: int = 10) -> list[Position]:
        """The ``k`` HS subheadings whose wording in ``lang`` (and English) best fits ``text``.

        Languages other than de, fr, es, sv and en are read as English. Only positions sharing
        at least one stem with the request are returned, best first (ties by code).
        """
        lang = _language(lang)
        index = self._indexes[lang]
        terms = self.query_terms(text, lang)
        if not terms or k <= 0:
            return []
        scores = np.zeros(len(self.codes), dtype=np.float32)
        for term, weight in terms.items():
            start, end = index.slices[term]
            scores[index.docs[start:end]] += index.weights[start:end] * np.float32(weight)
        hits = np.flatnonzero(scores)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        ranked = sorted(hits.tolist(), key=lambda doc: (-float(scores[doc]), self.codes[doc]))
        descriptions = self._descriptions[lang]
        return [
            Position(
                hs6=self.codes[doc],
                heading=self.codes[doc][:4],
                score=float(scores[doc]),
                description=descriptions[doc],
            )
            for doc in ranked
        ]


def hs_agreement(hs_code: str | None, positions: Sequence[Position]) -> float:
    """How well a listing's HS code agrees with a request's positions, in [0, 1].

    The best of, over the positions: its score relative to the first position's, times 1 when
    the listing is filed under that subheading and ½ when only under its heading.
    """
    if not hs_code or not positions or positions[0].score <= 0:
        return 0.0
    code = "".join(ch for ch in hs_code if ch.isdigit())
    best = positions[0].score
    agreement = 0.0
    for position in positions:
        if code[:6] == position.hs6:
            share = 1.0
        elif code[:4] == position.heading:
            share = 0.5
        else:
            continue
        agreement = max(agreement, share * position.score / best)
    return agreement


def _language(lang: str) -> str:
    return lang if lang in STEMMERS else "en"


@dataclass(frozen=True, slots=True)
class _Texts:
    own: list[str]  # in the document's language
    english: list[str]
    names: list[str]  # everyday names in the document's language
    names_en: list[str]


@dataclass
class _Documents:
    """The texts of each HS subheading, gathered from CN rows, by language."""

    codes: list[str]
    own: dict[str, list[Mapping[str, str]]]  # hs6 → its subheading row and CN8 rows
    headings: dict[str, Mapping[str, str]]
    hs_english: Mapping[str, str]
    everyday: Mapping[str, Mapping[str, Sequence[str]]]

    @classmethod
    def collect(
        cls,
        rows: Iterable[Mapping[str, str]],
        hs_english: Mapping[str, str],
        everyday: Mapping[str, Mapping[str, Sequence[str]]],
    ) -> _Documents:
        own: dict[str, list[Mapping[str, str]]] = defaultdict(list)
        headings: dict[str, Mapping[str, str]] = {}
        for row in rows:
            level = row["level"]
            if level == "heading":
                headings[row["code"]] = row
            elif level == "subheading":
                own[row["code"]].insert(0, row)
            elif level == "cn8":
                own[row["code"][:6]].append(row)
        return cls(sorted(own), dict(own), headings, hs_english, everyday)

    def texts(self, lang: str) -> list[_Texts]:
        """Per subheading, its texts in ``lang`` and in English."""
        out: list[_Texts] = []
        for code in self.codes:
            rows = list(self.own[code])
            heading = self.headings.get(code[:4])
            if heading is not None:
                rows.insert(0, heading)
            english = [row["en"] for row in rows]
            if code in self.hs_english:
                english.append(self.hs_english[code])
            names: list[str] = []
            names_en: list[str] = []
            for key in (code, code[:4]):
                names.extend(self.everyday.get(key, {}).get(lang, ()))
                names_en.extend(self.everyday.get(key, {}).get("en", ()))
            if lang == "en":
                out.append(_Texts([], english, [], names_en))
            else:
                out.append(_Texts([row[lang] for row in rows], english, names, names_en))
        return out

    def lexicon(self) -> dict[str, frozenset[str]]:
        """Per language, every folded word of its nomenclature text (English: of the English
        text and the HS descriptions)."""
        rows = [*self.headings.values(), *(row for own in self.own.values() for row in own)]
        out: dict[str, frozenset[str]] = {}
        for lang in LANGUAGES:
            texts = [row[lang] for row in rows]
            if lang == "en":
                texts.extend(self.hs_english.values())
            out[lang] = frozenset(word for text in set(texts) for word in latin_tokens(fold(text)))
        return out

    def descriptions(self, lang: str) -> list[str]:
        """ "Heading: own text" in ``lang`` for each subheading (the heading alone when equal)."""
        out: list[str] = []
        for code in self.codes:
            rows = self.own[code]
            own = rows[0][lang] if rows[0]["level"] == "subheading" or len(rows) == 1 else ""
            heading = self.headings.get(code[:4])
            head = heading[lang] if heading is not None else ""
            if not head or head == own:
                out.append(own or self.hs_english.get(code, ""))
            elif not own:
                out.append(head)
            else:
                out.append(f"{head}: {own}")
        return out


class _Counts:
    """Stem counts of texts, each distinct text read once (headings recur in every subheading)."""

    def __init__(self, lang: str, known: frozenset[str] = frozenset()) -> None:
        self.lang = lang
        self.known = known
        self._cache: dict[str, _Tf] = {}
        self._stems: dict[str, str] = {}
        self._splits: dict[str, list[tuple[str, float]]] = {}

    def of(self, text: str) -> _Tf:
        counts = self._cache.get(text)
        if counts is None:
            counts = {}
            for word in words(text, self.lang):
                stem = self.stem(word)
                counts[stem] = counts.get(stem, 0.0) + 1.0
                if self.known and len(word) >= _MIN_SPLIT_LENGTH:
                    for part, weight in self._parts(word):
                        counts[part] = counts.get(part, 0.0) + SPLIT_PART_WEIGHT * weight
            self._cache[text] = counts
        return counts

    def stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = STEMMERS[self.lang](word)
        return stem

    def _parts(self, word: str) -> list[tuple[str, float]]:
        parts = self._splits.get(word)
        if parts is None:
            parts = self._splits[word] = split_compound(word, self.lang, self.known)
        return parts

    def total(self, texts: Iterable[str]) -> _Tf:
        out: _Tf = {}
        for text in texts:
            _add(out, self.of(text))
        return out


def _add(into: _Tf, other: _Tf) -> None:
    for term, count in other.items():
        into[term] = into.get(term, 0.0) + count


def _english_counts(texts: list[_Texts]) -> list[_Tf]:
    counts = _Counts("en")
    return [counts.total(doc.english) for doc in texts]


def _build_index(texts: list[_Texts], lang: str, english: list[_Tf]) -> _LanguageIndex:
    plain = _Counts(lang)
    known = frozenset(term for doc in texts for text in doc.own for term in plain.of(text))
    own = _Counts(lang, known) if lang in COMPOUNDING else plain
    names = _Counts(lang)
    names_en = _Counts("en")
    counts: list[_Tf] = []
    everyday: list[_Tf] = []
    for doc, english_tf in zip(texts, english, strict=True):
        tf = own.total(doc.own)
        _add(tf, english_tf)
        counts.append(tf)
        named = names.total(doc.names)
        _add(named, names_en.total(doc.names_en))
        everyday.append(named)
    # A word of the request is split against the language's own words and everyday names alike
    # ("Solarlaternen" → "Laterne" even though the CN says "Laternen" nowhere).
    known |= frozenset(term for tf in everyday for term in tf)
    if lang == "en":  # English documents hold their words in the English part
        known |= frozenset(term for tf in english for term in tf)
    fields = [_weights(counts), _weights(everyday, EVERYDAY_WEIGHT, b=0.0)]
    return _merge(fields, known, len(texts), lang)


_Postings = tuple[list[str], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]


def _weights(counts: list[_Tf], scale: float = 1.0, b: float | None = None) -> _Postings:
    """BM25 weights of one field: (terms, term index, doc, weight) per posting."""
    term_ids: dict[str, int] = {}
    docs: list[int] = []
    terms: list[int] = []
    tfs: list[float] = []
    for doc, tf in enumerate(counts):
        for term, count in tf.items():
            if count > 0:
                docs.append(doc)
                terms.append(term_ids.setdefault(term, len(term_ids)))
                tfs.append(count)
    doc_array = np.array(docs, dtype=np.int64)
    term_array = np.array(terms, dtype=np.int64)
    tf_array = np.array(tfs, dtype=np.float64)
    lengths = np.bincount(doc_array, weights=tf_array, minlength=len(counts))
    b = B if b is None else b
    average = float(lengths.sum() / max(np.count_nonzero(lengths), 1)) or 1.0
    norm = K1 * (1.0 - b + b * lengths / average)
    df = np.bincount(term_array, minlength=len(term_ids)).astype(np.float64)
    idf = np.log(1.0 + (len(counts) - df + 0.5) / (df + 0.5))
    weights = scale * idf[term_array] * tf_array * (K1 + 1.0) / (tf_array + norm[doc_array])
    return list(term_ids), term_array, doc_array, weights


def _merge(
    fields: Sequence[_Postings], known: frozenset[str], total: int, lang: str
) -> _LanguageIndex:
    """Add the fields' weights per (term, document), laid out term by term."""
    vocabulary = sorted({term for field in fields for term in field[0]})
    position = {term: i for i, term in enumerate(vocabulary)}
    keys: list[npt.NDArray[np.int64]] = []
    weights: list[npt.NDArray[np.float64]] = []
    for names, term_array, doc_array, weight in fields:
        remap = np.array([position[term] for term in names], dtype=np.int64)
        if len(term_array):
            keys.append(remap[term_array] * total + doc_array)
            weights.append(weight)
    unique, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    summed = np.bincount(inverse, weights=np.concatenate(weights))
    term_of = unique // total
    ends = np.cumsum(np.bincount(term_of, minlength=len(vocabulary)))
    slices = {
        term: (int(ends[i - 1]) if i else 0, int(ends[i])) for i, term in enumerate(vocabulary)
    }
    return _LanguageIndex(
        slices=slices,
        docs=(unique % total).astype(np.int32),
        weights=summed.astype(np.float32),
        known=known,
        tails=compound_tails(known) if lang in COMPOUNDING else {},
    )


def everyday_names() -> dict[str, dict[str, list[str]]]:
    """HS code → language → the vocabulary's terms for the products filed under it."""
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in csv.DictReader(io.StringIO(vocabulary_text())):
        code = (row.get("hs") or "").split()[:1]
        if row["kind"] not in PRODUCT_KINDS or not code:
            continue
        for lang in LANGUAGES:
            out[code[0]][lang].extend(
                term.strip() for term in (row.get(lang) or "").split(";") if term.strip()
            )
    return {code: dict(by_lang) for code, by_lang in out.items()}


def cn_text() -> str:
    return resources.files("tradebase.docking").joinpath("data/cn2026.csv").read_text("utf-8")


@cache
def _shipped(with_everyday_names: bool) -> Nomenclature:
    return Nomenclature.from_rows(
        csv.DictReader(io.StringIO(cn_text())),
        hs_english=hs_descriptions(),
        everyday=everyday_names() if with_everyday_names else None,
    )


__all__ = ["Nomenclature", "Position", "cn_text", "everyday_names", "hs_agreement"]
