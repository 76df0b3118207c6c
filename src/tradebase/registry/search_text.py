"""The words of the register's search box and of what it searches, normalised alike.

Pure functions (no database): the same normalisation runs on a listing when it is written and
on the search text when it is read, so "chairs", "Chair" and "chair" meet on one token, and
the database's full-text index (FTS5 on SQLite, a GIN index on PostgreSQL) only has to find
tokens, never to stem them.

- Latin words are folded (case, diacritics: ``text.folding.fold``) and stemmed with the
  light stemmers of the matching engine (``text.stemming``): a stored text by the stemmer
  of its language, English for names, SKUs and HS descriptions; English also loses
  ``-ing``/``-ed`` and a final ``-e`` ("carved", "carving", "carve" → "carv"). A searched word
  is tried with every language's stemmer, so "Stühle" and "chaises" find their listings too,
  and each stem matches as a prefix of a stored word or of its tail (as the substring search
  did: "lant" still finds lanterns while typing, "chair" an armchair).
- Chinese is written without spaces and Debian's PostgreSQL has no Chinese parser, so the
  application cuts it: a stored text becomes its characters, and a searched run of characters
  requires each of them ("藤椅" finds "藤编扶手餐椅"). Character bigrams, as the matching
  engine ranks with, would lose that listing: a search box filters (every term must match),
  it does not rank, and a Chinese word in a query need not be adjacent in a title.
- A term is built only from letters, digits and CJK characters, so the search text never
  reaches the index's query syntax: quotes, ``*``, ``NEAR``, ``-``, ``:``, parentheses and NUL
  are separators, as spaces are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from tradebase.text.folding import STOPWORDS, cjk_runs, fold, latin_tokens
from tradebase.text.stemming import LANGUAGES, STEMMERS, stem_en

MAX_TERMS = 12
MAX_TOKEN = 40
_VOWELS = frozenset("aeiouy")
_MIN_HEAD = 3
_MIN_TAIL = 3


def _inflection(token: str) -> str:
    """English inflections on top of the plural stem: -ing, -ed, a doubled consonant, a
    final -e ("knitted" → "knit", "folding" → "fold", "tables" → "table" → "tabl")."""
    for suffix in ("ing", "ed"):
        head = token[: -len(suffix)]
        if token.endswith(suffix) and len(head) >= 3 and _VOWELS & set(head):
            token = head
            if len(token) >= 4 and token[-1] == token[-2] and token[-1] not in "lsz" + "aeiou":
                token = token[:-1]
            break
    if len(token) > 4 and token.endswith("e"):
        token = token[:-1]
    return token


def stem(token: str, lang: str) -> str:
    """The stem a folded Latin token is stored and searched under, in language ``lang``."""
    if token.isdigit():
        return token
    if lang in STEMMERS and lang != "en":
        return STEMMERS[lang](token)
    return _inflection(stem_en(token))


def _words(folded: str) -> Iterator[str]:
    for token in latin_tokens(folded):
        head, _, tail = token.partition("'")  # "men's" → men, "d'acier" → acier
        for part in (head, tail):
            if part and (part is head or len(part) > 1):
                yield part[:MAX_TOKEN]


def _tails(token: str) -> Iterator[str]:
    """The ends of a word that a search may name on its own: compounds ("armchair",
    "teapot", "Gartenstühle") are found by their last part, as the substring search found
    them. A tail keeps three letters before it and has at least three itself."""
    for start in range(_MIN_HEAD, len(token) - _MIN_TAIL + 1):
        yield token[start:]


def document_tokens(fields: Iterable[tuple[str, str | None]]) -> str:
    """The stored tokens of an object's searchable ``(language, text)`` fields, space-separated
    and each once (what the full-text index reads)."""
    tokens: dict[str, None] = {}
    for lang, text in fields:
        if not text:
            continue
        folded = fold(text)
        for word in _words(folded):
            stemmed = stem(word, lang)
            tokens[stemmed] = None
            tokens.update(dict.fromkeys(_tails(stemmed)))
        for run in cjk_runs(folded):
            tokens.update(dict.fromkeys(run))
    return " ".join(tokens)


@dataclass(frozen=True)
class Term:
    """One word of the search box: the object matches when one of ``stems`` begins one of
    its tokens (``prefix``) or, for a Chinese character, is one of them."""

    stems: tuple[str, ...]
    prefix: bool = True


def _alternatives(word: str) -> tuple[str, ...]:
    """The stems of a searched word in every language, without those that a shorter one
    already finds as a prefix."""
    stems = sorted({stem(word, lang) for lang in LANGUAGES}, key=lambda s: (len(s), s))
    kept: list[str] = []
    for candidate in stems:
        if not any(candidate.startswith(shorter) for shorter in kept):
            kept.append(candidate)
    return tuple(kept)


def query_terms(q: str | None) -> list[Term]:
    """The terms of a search text; an object must match all of them (in any of its fields).

    Function words ("the", "and", "für") are left out unless the text has nothing else. At
    most ``MAX_TERMS`` terms are kept, and each word is cut at ``MAX_TOKEN`` characters."""
    folded = fold((q or "")[:2000])
    words = list(dict.fromkeys(_words(folded)))
    meaningful = [word for word in words if word not in STOPWORDS] or words
    terms = [Term(_alternatives(word)) for word in meaningful]
    for run in cjk_runs(folded):
        terms.extend(Term((char,), prefix=False) for char in dict.fromkeys(run))
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def fts5_query(terms: Iterable[Term]) -> str:
    """An FTS5 MATCH expression requiring every term: ``("chair"*) AND ("藤")``."""
    groups = []
    for term in terms:
        star = "*" if term.prefix else ""
        groups.append("(" + " OR ".join(f'"{s}"{star}' for s in term.stems) + ")")
    return " AND ".join(groups)


def tsquery(terms: Iterable[Term]) -> str:
    """A PostgreSQL tsquery requiring every term: ``('chair':*) & ('藤')``."""
    groups = []
    for term in terms:
        star = ":*" if term.prefix else ""
        groups.append("(" + " | ".join(f"'{s}'{star}" for s in term.stems) + ")")
    return " & ".join(groups)


__all__ = ["MAX_TERMS", "Term", "document_tokens", "fts5_query", "query_terms", "stem", "tsquery"]
