"""Certification codes in buyers' and suppliers' text: "ISO 9001", "Oeko-Tex", "FSC，BSCI".

Lists are split on ``, ; ，；、 /`` and on the spaces between known codes ("FSC BSCI" is two
codes, "ISO 9001" one), and known codes are written one way (``ISO9001``, ``OEKO-TEX``).
Two codes are the same certification when their ``certification_key`` is ("ISO 9001" =
"ISO9001", "Oeko-Tex" = "OEKOTEX"), which is how the docking constraints compare them.

Pure: no database, no web.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
LIST_SEPARATORS = re.compile(r"[,;，；、/]")

# (code as we write it, pattern, case-sensitive). Codes that are also common words or syllables
# ("CE" in French, "reach", "wrap", "UL") are read in capitals only.
_TABLE: tuple[tuple[str, str, bool], ...] = (
    ("ISO{0}", r"ISO[\s\-]?(\d{4,5})(?:[:\-]\d{4})?", False),
    ("OEKO-TEX", r"[OÖ]e?ko[\s\-]?Tex(?:[\s\-]?(?:Standard\s)?100)?", False),
    ("SA8000", r"SA[\s\-]?8000", False),
    ("EN71", r"EN[\s\-]?71(?:-\d(?:[,/]\d)*)?", False),
    ("FSC", r"FSC(?:[\s\-]?CoC)?", False),
    ("PEFC", r"PEFC", False),
    ("BSCI", r"(?:amfori[\s\-])?BSCI", False),
    ("SEDEX", r"SEDEX", False),
    ("SMETA", r"SMETA", False),
    ("LFGB", r"LFGB", False),
    ("FDA", r"FDA", False),
    ("RoHS", r"RoHS", False),
    ("REACH", r"REACH", True),
    ("CE", r"CE", True),
    ("UL", r"UL", True),
    ("GS", r"GS", True),
    ("WRAP", r"WRAP", True),
    ("GRS", r"GRS", False),
    ("RCS", r"RCS", True),
    ("GOTS", r"GOTS", False),
    ("BRC", r"BRCGS|BRC", True),
    ("HACCP", r"HACCP", False),
    ("GMP", r"GMP", True),
    ("CCC", r"CCC", True),
    ("ETL", r"ETL", True),
    ("CPSIA", r"CPSIA", False),
    ("FAIRTRADE", r"Fair[\s\-]?trade", False),
    ("HALAL", r"Halal", False),
    ("KOSHER", r"Kosher", False),
)
_EDGE_BEFORE = r"(?<![0-9A-Za-z\u00c0-\u024f])"
_EDGE_AFTER = r"(?![0-9A-Za-z\u00c0-\u024f])"
_COMPILED = tuple(
    (
        code,
        re.compile(
            _EDGE_BEFORE + f"(?:{pattern})" + _EDGE_AFTER, 0 if case_sensitive else re.IGNORECASE
        ),
    )
    for code, pattern, case_sensitive in _TABLE
)
KNOWN_CERTIFICATIONS: tuple[str, ...] = tuple(code for code, _, _ in _TABLE if "{" not in code)


@dataclass(frozen=True, slots=True)
class CertificationMention:
    code: str  # as we write it: "ISO9001", "OEKO-TEX"
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


def certification_key(code: str) -> str:
    """What two spellings of one certification share: capitals and digits only."""
    return _NOT_ALNUM.sub("", code.upper())


def find_certifications(text: str) -> list[CertificationMention]:
    """The known certification codes in free text, in order, none overlapping another."""
    found: list[CertificationMention] = []
    for code, pattern in _COMPILED:
        for match in pattern.finditer(text):
            written = code.format(*match.groups()) if match.groups() else code
            found.append(CertificationMention(written, match.start(), match.end()))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[CertificationMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def normalise_certification(code: str) -> str:
    """A known code written our way ("iso 9001" → "ISO9001"); anything else as given."""
    stripped = code.strip()
    mentions = find_certifications(stripped)
    if len(mentions) == 1 and mentions[0].span == (0, len(stripped)):
        return mentions[0].code
    return stripped


def split_list(text: str) -> list[str]:
    """The items of a list typed in one cell: "SE;DE", "SE, DE", "瑞典、德国"."""
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def split_certifications(text: str) -> list[str]:
    """The certification codes of a typed list ("FSC，BSCI", "FSC BSCI; ISO 9001"), known codes
    normalised, each once, in the order given."""
    codes: list[str] = []
    for part in split_list(text):
        mentions = find_certifications(part)
        gaps = [part[a.end : b.start] for a, b in itertools.pairwise(mentions)]
        covers = (
            bool(mentions)
            and mentions[0].start == 0
            and mentions[-1].end == len(part)
            and all(not gap.strip() for gap in gaps)
        )
        for code in [m.code for m in mentions] if covers else [part]:
            if certification_key(code) not in {certification_key(c) for c in codes}:
                codes.append(code)
    return codes
