"""Text normalisation shared by docking's vocabulary, language detector and BM25 fields and
the register's search text.

Everything here is a pure function of its input: the same text gives the same tokens in every
worker, so derived features can be stored and recomputed anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Letters that NFKD does not split into a base letter and a combining mark.
_SPECIAL_FOLDS = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ð": "d", "þ": "th"})
_LATIN_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

# Function words of the six request languages; raw BM25 skips them (they only add noise).
STOPWORDS: frozenset[str] = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "we",
        "our",
        "us",
        "you",
        "your",
        "need",
        "needs",
        "looking",
        "seeking",
        "want",
        "wanted",
        "require",
        "required",
        "please",
        "per",
        "pcs",
        "pieces",
        "about",
        "around",
        "approx",
        "via",
        "into",
        "och",
        "att",
        "en",
        "ett",
        "for",
        "med",
        "av",
        "till",
        "som",
        "vi",
        "behover",
        "soker",
        "har",
        "ar",
        "det",
        "den",
        "de",
        "pa",
        "om",
        "inom",
        "fran",
        "st",
        "styck",
        "ca",
        "cirka",
        "eller",
        "utan",
        "und",
        "der",
        "die",
        "das",
        "ein",
        "eine",
        "einen",
        "fur",
        "mit",
        "von",
        "zu",
        "im",
        "wir",
        "suchen",
        "benotigen",
        "brauchen",
        "bitte",
        "ist",
        "sind",
        "auf",
        "bei",
        "als",
        "oder",
        "ab",
        "stuck",
        "stk",
        "ca",
        "etwa",
        "nach",
        "y",
        "de",
        "del",
        "la",
        "las",
        "el",
        "los",
        "un",
        "una",
        "unos",
        "unas",
        "para",
        "con",
        "en",
        "por",
        "que",
        "buscamos",
        "necesitamos",
        "se",
        "al",
        "o",
        "sin",
        "unidades",
        "uds",
        "aprox",
        "et",
        "le",
        "les",
        "des",
        "du",
        "un",
        "une",
        "pour",
        "avec",
        "en",
        "au",
        "aux",
        "nous",
        "recherchons",
        "cherchons",
        "besoin",
        "sur",
        "par",
        "ou",
        "sans",
        "environ",
        "pieces",
    ]
)


def fold(text: str) -> str:
    """Case-fold and strip diacritics so "Stühle", "stuhle" and "STÜHLE" are the same string."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold().translate(_SPECIAL_FOLDS)
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among the letters of ``text`` (0 when it has no letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK.match(ch)) / len(letters)


def latin_tokens(folded: str) -> list[str]:
    """Word tokens of folded text; CJK characters act as separators."""
    return [tok.replace("’", "'") for tok in _LATIN_TOKEN.findall(folded)]


def cjk_runs(folded: str) -> list[str]:
    return _CJK_RUN.findall(folded)


def _cjk_bigrams(run: str) -> Iterator[str]:
    if len(run) == 1:
        yield run
        return
    for i in range(len(run) - 1):
        yield run[i : i + 2]


def _stem(token: str) -> str:
    """A deliberately light stem: English/Romance plural endings only."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def raw_tokens(text: str) -> list[str]:
    """Tokens for the plain BM25 field: folded words (no numbers, no stop words) and CJK bigrams.

    The same function feeds the BM25 baseline in the evaluation, so the baseline and the engine's
    lexical field see identical tokens.
    """
    folded = fold(text)
    out: list[str] = []
    for tok in latin_tokens(folded):
        if len(tok) < 2 or tok.isdigit() or tok in STOPWORDS:
            continue
        if tok[0].isdigit() and not any(ch.isalpha() for ch in tok[1:3]):
            continue  # sizes and quantities such as "56x60" or "2000pcs" carry no product meaning
        out.append(_stem(tok))
    for run in cjk_runs(folded):
        out.extend(_cjk_bigrams(run))
    return out


# Greetings and closings of a letter in the six request languages: "Sehr geehrte Damen und
# Herren" asks for nothing made for women or men, "Mesdames, Messieurs" neither.
_SALUTATION = re.compile(
    r"(?<!\w)(?:"
    r"dear\s+(?:sirs?(?:\s*(?:or|/)\s*madam)?|madam|all|team)|to\s+whom\s+it\s+may\s+concern"
    r"|(?:best|kind|warm)\s+regards|hello|hi"
    r"|sehr\s+geehrte[rn]?\s+damen\s+und\s+herren|sehr\s+geehrte[rn]?(?:\s+(?:frau|herr))?"
    r"|meine\s+damen\s+und\s+herren|damen\s+und\s+herren"
    r"|mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en|(?:viele|liebe|beste)\s+gr(?:ü|ue)(?:ß|ss)e"
    r"|guten\s+tag|hallo"
    r"|mesdames(?:\s*,?\s*messieurs)?|madame\s*,?\s*monsieur|messieurs|bonjour|cordialement"
    r"|estimad[oa]s?(?:\s+se(?:ñ|n)or(?:es|as?)?)?|muy\s+se(?:ñ|n)ores\s+m[ií]os|hola"
    r"|(?:un\s+)?(?:cordial\s+)?saludos?|atentamente"
    r"|(?:med\s+)?v(?:ä|a)nliga\s+h(?:ä|a)lsningar|hejsan|hej|mvh"
    r")(?!\w)|您好|你好|此致敬礼|此致|敬礼",
    re.IGNORECASE,
)


def without_salutation(text: str) -> str:
    """``text`` without the greetings and closings of a letter, each replaced by a comma."""
    return _SALUTATION.sub(",", text)
