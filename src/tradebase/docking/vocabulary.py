"""A multilingual product vocabulary keyed to HS headings.

``data/vocabulary.csv`` holds one row per *concept* (a product type such as ``chair``, a material
such as ``rattan``, an attribute such as ``dining``, an audience such as ``women``) with its terms
in English, Chinese, Swedish, German, Spanish and French. Product concepts carry an HS code and
material- or audience-specific refinements (``9401 rattan:940153 metal:940179``). Rows whose
concept is written ``a+b`` are compounds: one term (``Laufschuhe``, ``跑鞋``) standing for several
concepts.

Text in any of the six languages maps to the same language-free concept ids, so a Swedish request
and an English or Chinese listing meet on ``c:rattan c:dining c:chair``; the concepts also propose
an HS code and explain a match in words.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from tradebase.text.folding import cjk_runs, fold, has_cjk, latin_tokens

LANGUAGES: tuple[str, ...] = ("en", "zh", "sv", "de", "es", "fr")
# "packaging": how goods come ("set", "kit", "lot"), said of almost anything: it barely tells
# one product from another.
KINDS: frozenset[str] = frozenset(
    {"product", "part", "material", "attribute", "audience", "packaging"}
)
PRODUCT_KINDS: frozenset[str] = frozenset({"product", "part"})
# Languages that glue nouns into compounds ("Esszimmerstühle", "rottingfåtöljer").
COMPOUNDING_LANGUAGES: frozenset[str] = frozenset({"de", "sv"})
# Endings allowed after a term, so "chairs", "Stühle", "sillas" and "kängorna" still match.
INFLECTIONS: tuple[str, ...] = (
    "arna",
    "erna",
    "orna",
    "ies",
    "es",
    "en",
    "er",
    "ar",
    "or",
    "na",
    "et",
    "s",
    "e",
    "n",
    "a",
)
# Linking letters between the parts of a compound ("vandrings|kängor", "Arbeit|s|schuh").
_LINKS: tuple[str, ...] = ("s", "es", "e", "en", "n", "er")
_MIN_HEAD = 4
_MIN_PRODUCT_HEAD = 3
# A compound's modifier is a word of its own: two letters are a fragment ("Pf|licht").
_MIN_MODIFIER = 3
# Kinds a compound may end in: German and Swedish compounds end in a noun (the thing), and
# attribute or audience terms are mostly adjectives ("matt", "Druck" in "Fingerabdruck").
_HEAD_KINDS: frozenset[str] = PRODUCT_KINDS | {"material"}
# Swedish plurals that replace the final -a ("lykta" → "lyktor", "känga" → "kängor").
_REPLACED_ENDINGS: tuple[tuple[str, str], ...] = (("orna", "a"), ("or", "a"), ("ar", "e"))
# Clauses are read apart; inside one, what follows "with …" / "for …" (an accessory or a
# purpose: "chair with cushion", "outsoles for our shoe factory") does not name the product.
_CLAUSE = re.compile(r"[,;/|\n()\[\]（）［］，、；。:：]+")
_LATIN_MARKER = re.compile(
    r"\b(?:with|including|incl|for|med|till|mit|fur|zum|zur|con|para|avec|pour)\b"
)
_CJK_MARKER = re.compile(r"(?<![灯腰鞋皮丝])带|配(?!件)|含|用于|适用于|适合")


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    kind: str
    label: str  # the first English term, used in explanations
    hs_default: str | None = None
    hs_refinements: tuple[tuple[str, str], ...] = ()  # (qualifier concept id, HS code)

    def hs_code(self, present: Collection[str]) -> str | None:
        """The HS code for this product given the other concepts found beside it."""
        for qualifier, code in self.hs_refinements:
            if qualifier in present:
                return code
        return self.hs_default


@dataclass(frozen=True, slots=True)
class ConceptHit:
    concepts: frozenset[str]
    term: str
    language: str
    main: bool = True  # False when found after "with …" / "for …" in its clause
    implied: bool = False  # added because a narrower concept was found (armchair → chair)


@dataclass
class _LanguageTerms:
    single: dict[str, frozenset[str]] = field(default_factory=dict)
    multi: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = field(default_factory=dict)


class Vocabulary:
    """Concepts and their terms; ``extract`` finds the concepts named in a text."""

    def __init__(self, rows: Iterable[Mapping[str, str]], version: str = "") -> None:
        self.version = version
        self.concepts: dict[str, Concept] = {}
        self.implies: dict[str, frozenset[str]] = {}
        self._names: dict[tuple[str, str], str] = {}  # (concept, language) → its first term
        pending_terms: list[tuple[str, str, frozenset[str]]] = []
        for row in rows:
            ids = frozenset(part.strip() for part in row["concept"].split("+"))
            kind = row["kind"].strip()
            if kind != "compound":
                (cid,) = ids
                if kind not in KINDS:
                    raise ValueError(f"concept {cid}: unknown kind {kind!r}")
                hs_default, refinements = _parse_hs(row.get("hs", "") or "")
                implied = _split_terms(row.get("implies"))
                if implied:
                    self.implies[cid] = frozenset(implied)
                en_terms = _split_terms(row.get("en", ""))
                self.concepts[cid] = Concept(
                    id=cid,
                    kind=kind,
                    label=en_terms[0] if en_terms else cid.replace("_", " "),
                    hs_default=hs_default,
                    hs_refinements=refinements,
                )
            for lang in LANGUAGES:
                written = _split_terms(row.get(lang, ""))
                if written and kind != "compound":
                    self._names[(next(iter(ids)), lang)] = written[0]
                for term in written:
                    pending_terms.append((lang, term, ids))
        self._cjk: dict[str, frozenset[str]] = {}
        self._by_lang: dict[str, _LanguageTerms] = {lang: _LanguageTerms() for lang in LANGUAGES}
        for lang, term, ids in pending_terms:
            unknown = ids - self.concepts.keys()
            if unknown:
                raise ValueError(f"term {term!r} names unknown concepts {sorted(unknown)}")
            folded = fold(term)
            if has_cjk(folded):
                self._cjk[folded] = self._cjk.get(folded, frozenset()) | ids
                continue
            # An all-Latin term in the Chinese column ("eva", "led") is matched as a word.
            target = self._by_lang["en" if lang == "zh" else lang]
            tokens = tuple(latin_tokens(folded))
            if not tokens:
                continue
            if len(tokens) == 1:
                target.single[tokens[0]] = target.single.get(tokens[0], frozenset()) | ids
            else:
                target.multi.setdefault(tokens[0], []).append((tokens, ids))
        for terms in self._by_lang.values():
            for entries in terms.multi.values():
                entries.sort(key=lambda entry: -len(entry[0]))
        for cid, implied_ids in self.implies.items():
            if implied_ids - self.concepts.keys():
                raise ValueError(
                    f"concept {cid} implies unknown {sorted(implied_ids - self.concepts.keys())}"
                )
        self._cjk_max = max((len(term) for term in self._cjk), default=0)
        self._language_terms = {
            lang: frozenset(terms.single) for lang, terms in self._by_lang.items()
        }
        self._merged: dict[frozenset[str], _LanguageTerms] = {}

    # --- matching ------------------------------------------------------------------------------

    def extract(
        self,
        text: str,
        languages: Collection[str] = LANGUAGES,
        native: Collection[str] = (),
    ) -> list[ConceptHit]:
        """The concepts named in ``text``, reading Latin words as ``languages``.

        Chinese terms are always looked for (longest match first, so 鞋垫 is an insole and not a
        shoe); German and Swedish words are also split into compounds when they are not terms.
        Concepts implied by a found one (an armchair is a chair) are added.

        ``native``: folded words of the request's own language that are no term of it in this
        vocabulary; such a word is not read as an English term either (German "Tee" is tea,
        not the English "tee" shirt).
        """
        hits: list[ConceptHit] = []
        blocked = frozenset(native)
        for segment, main in _segments(fold(text)):
            hits.extend(self._extract_segment(segment, languages, main, blocked))
        implied = [
            ConceptHit(self.implies[cid], hit.term, hit.language, hit.main, implied=True)
            for hit in hits
            for cid in hit.concepts
            if cid in self.implies
        ]
        return hits + implied

    def _extract_segment(
        self,
        folded: str,
        languages: Collection[str],
        main: bool,
        blocked: frozenset[str] = frozenset(),
    ) -> list[ConceptHit]:
        hits: list[ConceptHit] = []
        if has_cjk(folded):
            hits.extend(self._extract_cjk(folded, main))
        langs = frozenset(languages) - {"zh"} | {"en"}
        terms = self._terms_for(langs)
        language = "+".join(sorted(langs))
        compounding = [self._by_lang[lang].single for lang in sorted(langs & COMPOUNDING_LANGUAGES)]
        tokens = latin_tokens(folded)
        i = 0
        while i < len(tokens):
            matched = self._match_multi(tokens, i, terms)
            if matched is not None:
                length, ids = matched
                hits.append(ConceptHit(ids, " ".join(tokens[i : i + length]), language, main))
                i += length
                continue
            if tokens[i] in blocked:
                i += 1
                continue
            ids_single = _lookup(tokens[i], terms.single)
            if ids_single is not None:
                hits.append(ConceptHit(ids_single, tokens[i], language, main))
            elif len(tokens[i]) >= 6:
                for own_terms in compounding:
                    parts = self._split_compound(tokens[i], own_terms, depth=0)
                    hits.extend(
                        # The head names the thing; a product named in a modifier is its
                        # context ("Hunde|leine", "Hartschalen|koffer"), as after "for".
                        ConceptHit(ids, tokens[i], language,
                                   main and (n == 0 or not self._names_product(ids)))
                        for n, ids in enumerate(parts)
                    )
                    if parts:
                        break
            i += 1
        return hits

    def concepts_in(self, text: str, languages: Collection[str] = LANGUAGES) -> set[str]:
        found: set[str] = set()
        for hit in self.extract(text, languages):
            found |= hit.concepts
        return found

    def concepts_by_role(
        self,
        text: str,
        languages: Collection[str] = LANGUAGES,
        native: Collection[str] = (),
    ) -> dict[str, str]:
        """Concept → "main" when named in the main part of a clause, "implied" when only
        implied by a narrower one, "secondary" when only after "with …" / "for …"."""
        order = {"main": 2, "implied": 1, "secondary": 0}
        found: dict[str, str] = {}
        for hit in self.extract(text, languages, native):
            role = "secondary" if not hit.main else ("implied" if hit.implied else "main")
            for cid in hit.concepts:
                if cid not in found or order[role] > order[found[cid]]:
                    found[cid] = role
        return found

    def _terms_for(self, langs: frozenset[str]) -> _LanguageTerms:
        merged = self._merged.get(langs)
        if merged is None:
            merged = _LanguageTerms()
            for lang in sorted(langs):
                source = self._by_lang.get(lang)
                if source is None:
                    continue
                for token, ids in source.single.items():
                    merged.single[token] = merged.single.get(token, frozenset()) | ids
                for first, entries in source.multi.items():
                    merged.multi.setdefault(first, []).extend(entries)
            for entries in merged.multi.values():
                entries.sort(key=lambda entry: -len(entry[0]))
            self._merged[langs] = merged
        return merged

    def _extract_cjk(self, folded: str, main: bool) -> list[ConceptHit]:
        hits: list[ConceptHit] = []
        i = 0
        n = len(folded)
        while i < n:
            for length in range(min(self._cjk_max, n - i), 0, -1):
                ids = self._cjk.get(folded[i : i + length])
                if ids is not None:
                    hits.append(ConceptHit(ids, folded[i : i + length], "zh", main))
                    i += length
                    break
            else:
                i += 1
        return hits

    @staticmethod
    def _match_multi(
        tokens: list[str], start: int, terms: _LanguageTerms
    ) -> tuple[int, frozenset[str]] | None:
        entries = terms.multi.get(tokens[start])
        if entries is None and tokens[start][-1:] == "s":
            entries = terms.multi.get(tokens[start][:-1])
        if not entries:
            return None
        for term_tokens, ids in entries:
            end = start + len(term_tokens)
            if end <= len(tokens) and all(
                _inflected(tok, want)
                for tok, want in zip(tokens[start:end], term_tokens, strict=True)
            ):
                return len(term_tokens), ids
        return None

    def _split_compound(
        self, token: str, single: Mapping[str, frozenset[str]], depth: int
    ) -> list[frozenset[str]]:
        """Split a compound at its longest known head, then split what is left before it."""
        if depth > 2:
            return []
        for start in range(_MIN_MODIFIER, len(token) - _MIN_PRODUCT_HEAD + 1):
            head = _lookup(token[start:], single)
            if head is None:
                continue
            if depth == 0 and not any(self.concepts[cid].kind in _HEAD_KINDS for cid in head):
                continue
            is_product = self._names_product(head)
            if len(token) - start < (_MIN_PRODUCT_HEAD if is_product else _MIN_HEAD):
                continue
            found = [head]
            rest = token[:start]
            if len(rest) >= 3:
                ids = _lookup_modifier(rest, single)
                if ids is not None:
                    found.append(ids)
                else:
                    found.extend(self._split_compound(rest, single, depth + 1))
            return found
        return []

    def compound_modifiers(self, text: str, languages: Collection[str]) -> list[str]:
        """The modifiers of the German and Swedish compounds in ``text`` whose head is a
        product, part or material term: "Vinylhandschuhe" → "vinyl", "latexhandskar" →
        "latex". Listings written in English name the modifier as a word of its own ("vinyl
        gloves"), so the request's words field can meet them there."""
        out: list[str] = []
        for lang in sorted(frozenset(languages) & COMPOUNDING_LANGUAGES):
            single = self._by_lang[lang].single
            for token in latin_tokens(fold(text)):
                if len(token) < 7 or _lookup(token, single) is not None:
                    continue
                for start in range(_MIN_MODIFIER, len(token) - _MIN_PRODUCT_HEAD + 1):
                    head = _lookup(token[start:], single)
                    if head is None or not any(
                        self.concepts[cid].kind in _HEAD_KINDS for cid in head
                    ):
                        continue
                    if len(token) - start < (
                        _MIN_PRODUCT_HEAD if self._names_product(head) else _MIN_HEAD
                    ):
                        continue
                    rest = token[:start]
                    out.append(rest)  # with and without a linking letter: "Taschen|schirm"
                    for link in _LINKS:
                        if rest.endswith(link) and len(rest) - len(link) >= _MIN_MODIFIER:
                            out.append(rest[: -len(link)])
                            break
                    break
        return out

    def compound_materials(self, text: str, languages: Collection[str]) -> set[str]:
        """The materials that lead German and Swedish compounds of ``text`` whose head is
        no term ("glas|lock", a glass lid, when "lock" is not one): what a clause that
        rules such a compound out rules out ("Inga glaslock" → glass)."""
        found: set[str] = set()
        for lang in sorted(frozenset(languages) & COMPOUNDING_LANGUAGES):
            single = self._by_lang[lang].single
            for token in latin_tokens(fold(text)):
                if len(token) < 7 or _lookup(token, single) is not None:
                    continue
                for end in range(len(token) - _MIN_HEAD, _MIN_MODIFIER - 1, -1):
                    ids = _lookup_modifier(token[:end], single)
                    if ids is not None:
                        found |= {cid for cid in ids if self.concepts[cid].kind == "material"}
                        break
        return found

    def _names_product(self, ids: Collection[str]) -> bool:
        return any(self.concepts[cid].kind in PRODUCT_KINDS for cid in ids)

    def native_terms(self, lang: str) -> frozenset[str]:
        """Every folded word of ``lang``'s terms, single words and parts of longer ones."""
        terms = self._by_lang.get(lang)
        if terms is None:
            return frozenset()
        words = set(terms.single)
        for entries in terms.multi.values():
            for tokens, _ in entries:
                words.update(tokens)
        return frozenset(words)

    def english_false_friends(self, words: Iterable[str], lang: str) -> frozenset[str]:
        """Of ``words`` (words of ``lang`` for certain), those spelt like an English term that
        no term of ``lang`` reads: German "Tee" (tea) is no English "tee", Swedish "mat"
        (food) no English mat, French "pendant" (during) no pendant lamp."""
        own = self._by_lang.get(lang)
        if lang in {"en", "zh"} or own is None:
            return frozenset()
        english = self._by_lang["en"].single
        return frozenset(w for w in words if w in english and _lookup(w, own.single) is None)

    # --- HS -----------------------------------------------------------------------------------

    def hs_candidates(self, concepts: Iterable[str]) -> list[str]:
        """HS codes the concepts point to, best first: a part (soles, insoles) before the product
        it belongs to, then codes refined by a material or audience before bare defaults."""
        present = set(concepts)
        ranked: list[tuple[int, str]] = []
        for cid in sorted(present):
            concept = self.concepts.get(cid)
            if concept is None or concept.kind not in PRODUCT_KINDS:
                continue
            code = concept.hs_code(present)
            if code is None:
                continue
            rank = (0 if concept.kind == "part" else 2) + (0 if code != concept.hs_default else 1)
            ranked.append((rank, code))
        out: list[str] = []
        for _, code in sorted(ranked, key=lambda item: item[0]):
            if code not in out:
                out.append(code)
        return out

    def all_hs_codes(self) -> set[str]:
        codes: set[str] = set()
        for concept in self.concepts.values():
            if concept.hs_default:
                codes.add(concept.hs_default)
            codes.update(code for _, code in concept.hs_refinements)
        return codes

    def label(self, cid: str) -> str:
        concept = self.concepts.get(cid)
        return concept.label if concept else cid

    def name(self, cid: str, lang: str) -> str:
        """The concept in ``lang`` (its first term there), else its English label."""
        return self._names.get((cid, lang)) or self.label(cid)

    def kind(self, cid: str) -> str:
        concept = self.concepts.get(cid)
        return concept.kind if concept else "attribute"

    def is_product(self, cid: str) -> bool:
        return self.kind(cid) in PRODUCT_KINDS

    def language_terms(self, lang: str) -> frozenset[str]:
        """Single-word terms of one language, for the language detector."""
        return self._language_terms.get(lang, frozenset())


def _split_terms(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _parse_hs(cell: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    parts = cell.split()
    if not parts:
        return None, ()
    default = parts[0]
    refinements: list[tuple[str, str]] = []
    for part in parts[1:]:
        qualifier, _, code = part.partition(":")
        if not code:
            raise ValueError(f"HS refinement {part!r} should read qualifier:code")
        refinements.append((qualifier, code))
    return default, tuple(refinements)


def _inflected(token: str, term: str) -> bool:
    return token == term or (token.startswith(term) and token[len(term) :] in INFLECTIONS)


def _lookup(token: str, single: Mapping[str, frozenset[str]]) -> frozenset[str] | None:
    ids = single.get(token)
    if ids is not None:
        return ids
    for ending in INFLECTIONS:
        if token.endswith(ending) and len(token) - len(ending) >= 3:
            ids = single.get(token[: -len(ending)])
            if ids is not None:
                return ids
    for ending, replacement in _REPLACED_ENDINGS:
        if token.endswith(ending) and len(token) - len(ending) >= 3:
            ids = single.get(token[: -len(ending)] + replacement)
            if ids is not None:
                return ids
    return None


def _segments(folded: str) -> list[tuple[str, bool]]:
    """Split text into clauses, and each clause into its main part and its "with/for" part."""
    out: list[tuple[str, bool]] = []
    for clause in _CLAUSE.split(folded):
        if not clause.strip():
            continue
        cut = len(clause)
        # A marker that opens the clause ("für unsere Hotels suchen wir …") cuts nothing.
        opening = len(clause) - len(clause.lstrip())
        for pattern in (_LATIN_MARKER, _CJK_MARKER):
            found = pattern.search(clause)
            if found is not None and found.start() > opening:
                cut = min(cut, found.start())
        out.append((clause[:cut], True))
        if cut < len(clause):
            out.append((clause[cut:], False))
    return out


def _lookup_modifier(token: str, single: Mapping[str, frozenset[str]]) -> frozenset[str] | None:
    ids = single.get(token)
    if ids is not None:
        return ids
    for link in _LINKS:
        if token.endswith(link) and len(token) - len(link) >= 3:
            ids = single.get(token[: -len(link)])
            if ids is not None:
                return ids
    return None


def vocabulary_text() -> str:
    return resources.files("tradebase.docking").joinpath("data/vocabulary.csv").read_text("utf-8")


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read a vocabulary CSV; without a path, the one shipped with Tradebase (cached)."""
    if path is None:
        return default_vocabulary()
    with path.open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Vocabulary(csv.DictReader(io.StringIO(text)), version=digest)


@cache
def default_vocabulary() -> Vocabulary:
    return Vocabulary(csv.DictReader(io.StringIO(vocabulary_text())), version=vocabulary_version())


@cache
def vocabulary_version() -> str:
    """A short digest of the shipped vocabulary: stored features carry it, so a worker can tell
    features computed with another vocabulary and recompute them."""
    return hashlib.sha256(vocabulary_text().encode("utf-8")).hexdigest()[:12]


@cache
def hs_descriptions() -> dict[str, str]:
    """HS code → its English description, from the register's copy of the nomenclature."""
    path = Path(__file__).resolve().parent.parent / "registry" / "hs" / "harmonized-system.csv"
    out: dict[str, str] = {}
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["section"] != "TOTAL":
                out[row["hscode"]] = row["description"]
    return out


@cache
def hs_short_description(code: str, limit: int = 60) -> str:
    """ "Seats; of rattan" → "seats of rattan", trimmed for a one-line reason."""
    text = hs_descriptions().get(code, "")
    text = text.replace(";", "").replace("  ", " ").strip()
    if text:
        text = text[0].lower() + text[1:]
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",") + "…"
    return text


__all__ = [
    "LANGUAGES",
    "Concept",
    "ConceptHit",
    "Vocabulary",
    "cjk_runs",
    "default_vocabulary",
    "hs_descriptions",
    "hs_short_description",
    "load_vocabulary",
    "vocabulary_version",
]
