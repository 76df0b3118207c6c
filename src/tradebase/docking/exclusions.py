"""What a request rules out: "metal only, no wicker", "ohne Keramik", "不要塑料的".

``split_exclusions(text)`` cuts a request into the part that says what is wanted and the
clauses that say what is not. A clause starts at a marker of negation and runs to the clause's
end (a comma, a semicolon, a full stop, their full-width forms) or to a word that turns back to
what is wanted ("but", "aber", "sondern", "mais", "pero", "men", "但", "而是"). Suffixes of
freedom ("lead-free", "bleifrei", "blyfri", "无铅" is not read: 无 starts too many products
such as 无纺布, non-woven fabric) exclude the word they are attached to.

What is *not* an exclusion: "non-slip", "non-woven" and other "non-" compounds (a property,
not a refusal), "no." as a number sign, 非洲 (Africa) and 非常 (very).

Pure: text in, text out; the engine reads the excluded clauses with the same vocabulary and
tokens as the rest of the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tradebase.text.folding import fold

# Markers of negation in the six request languages, as folded words (lower case, no accents).
_MARKERS = (
    # en
    "not", "no", "without", "excluding", "except", "never", "nor",
    # de
    "kein", "keine", "keinen", "keinem", "keiner", "keines", "ohne", "nicht", "weder",
    # sv
    "inte", "ej", "utan", "ingen", "inget", "inga", "aldrig",
    # es ("no" above); "nada de", "ni"
    "sin", "nada", "ni", "excepto", "salvo",
    # fr
    "sans", "pas", "aucun", "aucune", "sauf", "hors",
)
_MARKER_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted(_MARKERS, key=len, reverse=True)) + r")(?![\w-])"
)
# Chinese markers: 不要 / 不是 / 不含 / 不用 / 非 (but not 非洲, 非常, 非凡), 除了 … (之外).
_ZH_MARKER_RE = re.compile(r"不要|不是|不含|不用|不需要|除了|非(?![洲常凡])")
# Where a clause ends, and words that turn back to what is wanted.
# A dash between spaces ("no glass lids – we want steel") ends a clause as a comma does; a
# hyphen inside a word ("non-stick") does not.
_CLAUSE_END = re.compile(r"[,;.!?()\[\]\n，；。！？（）、]|\s[–—-]\s")
_TURN = re.compile(
    r"(?<![\w-])(?:but|only|aber|sondern|nur|mais|seulement|pero|sino|solo|solamente|men|bara|endast)"
    r"(?![\w-])|但|而是|只要|只"
)
# "lead-free", "bleifrei", "blyfri", "libre de plomo" is a marker phrase handled below.
_FREE_SUFFIX = re.compile(r"(\w+?)-?(?:free|frei(?:e|er|es|en|em)?|fri|fritt|fria)(?![\w])")
_FREE_OF = re.compile(
    r"(?<![\w-])(?:free of|libre de|libres de|exempt de|exempte de|frei von)(?![\w-])"
)
# "no." / "nr." as a number sign, "non-slip", and "no" followed by a digit ("no 5").
_NOT_A_MARKER = re.compile(r"(?<![\w-])(?:no|nr)\.\s*\d|(?<![\w-])no\s+\d")


@dataclass(frozen=True, slots=True)
class Exclusions:
    """``wanted``: the request without its excluded clauses (folded); ``excluded``: the
    excluded clauses' words, one string per clause, marker words removed."""

    wanted: str
    excluded: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.excluded)


def split_exclusions(text: str) -> Exclusions:
    """The wanted part of ``text`` and the clauses it rules out (see the module docstring)."""
    folded = fold(text)
    spans: list[tuple[int, int, int]] = []  # (clause start, body start, end)
    masked = _NOT_A_MARKER.sub(lambda m: " " * len(m.group(0)), folded)
    for pattern in (_MARKER_RE, _ZH_MARKER_RE, _FREE_OF):
        for found in pattern.finditer(masked):
            end = _clause_end(masked, found.end())
            spans.append((found.start(), found.end(), end))
    excluded: list[str] = []
    keep = list(folded)
    covered = -1
    for start, body, end in sorted(spans):
        if start < covered:
            continue  # "sin plástico ni mimbre": "ni" continues the clause already read
        covered = end
        clause = folded[body:end].strip()
        clause = _MARKER_RE.sub(" ", clause)
        clause = _ZH_MARKER_RE.sub(" ", clause).strip(" 的了")
        if clause.strip():
            excluded.append(" ".join(clause.split()))
        for i in range(start, end):
            keep[i] = " "
    wanted = "".join(keep)
    for found in _FREE_SUFFIX.finditer(wanted):
        excluded.append(found.group(1))
    wanted = _FREE_SUFFIX.sub(" ", wanted)
    return Exclusions(" ".join(wanted.split()), tuple(dict.fromkeys(excluded)))


def _clause_end(text: str, start: int) -> int:
    """The end of the excluded clause whose body starts at ``start``.

    Chinese names the refused kind before 的 and the wanted product after it ("不要塑料的椅子":
    chairs, not plastic ones); 非 refuses the word right after it ("非陶瓷杯子": cups that are
    not ceramic), most material words being two characters."""
    end = len(text)
    if start and text[start - 1] == "非":
        return min(end, start + 2)
    if (start >= 2 and text[start - 2 : start] in {"不要", "不是", "不含", "不用"}) or (
        start >= 3 and text[start - 3 : start] == "不需要"
    ):
        de = text.find("的", start)
        if de != -1:
            end = de + 1
    for pattern in (_CLAUSE_END, _TURN):
        found = pattern.search(text, start)
        if found is not None:
            end = min(end, found.start())
    return end


__all__ = ["Exclusions", "split_exclusions"]
