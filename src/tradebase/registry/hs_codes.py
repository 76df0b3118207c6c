"""HS codes as catalogs write them: read into the HS 2022 code a listing is matched on.

Catalogs write "9401.53", "9401 53", "9405-41", national codes of 8 or 10 digits
("9405.41.00.10", matched on their first six digits) and codes of older editions of the
Harmonized System. ``read_hs`` keeps the code as written and says which HS 2022 code it
stands for, through the UNSD correlation tables shipped in ``hs/`` (see ``hs/README.md``):

- an HS 2022 subheading is itself;
- an older code that became one HS 2022 code is that code (``hs_renumbered`` when it changed);
- an older code split within one heading is that heading, four digits
  (``hs_confirm_subheading``, listing the candidates);
- an older code split across headings has no HS 2022 code until the enterprise chooses
  one of its candidates (``hs_choose_code``).

The edition asked for is tried first (HS 2022 when none is given), then the others, newest
first; a code read as another edition than asked carries ``hs_older_edition`` or
``hs_newer_edition``. Nothing else is guessed: a code with another number of digits is
``hs_code_form``, a six-digit code of no edition is ``hs_code_unknown``.

Pure: no database, no web; the two CSV files are read once per process.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

HS_DIR = Path(__file__).parent / "hs"
CURRENT_EDITION = 2022
EDITIONS = (2022, 2017, 2012)
"""Editions a code may be read as, newest first."""
MAX_WRITTEN = 40
"""The longest code as written that is kept (the ``hs_code_written`` column)."""

_SEPARATORS = re.compile(r"[.\s\-]+")
_FORM = re.compile(r"[0-9]{6}(?:[0-9]{2}){0,2}")
# Comtrade's names of the editions (H4 = HS 2012, H5 = HS 2017, H6 = HS 2022).
_EDITION_NAMES = {"H4": 2012, "H5": 2017, "H6": 2022}

MESSAGES: dict[str, str] = {
    "hs_code_form": ("'{written}' is not an HS code: write six digits such as 940153 or "
                     "9401.53, or a national code of 8 or 10 digits"),
    "hs_code_unknown": "HS code {written} is not a subheading of HS 2022, HS 2017 or HS 2012",
    "hs_edition_form": "'{written}' is not an HS edition: write 2022, 2017 or 2012",
    "hs_older_edition": "{code} is not an HS {asked} subheading; read as HS {edition}",
    "hs_newer_edition": "{code} is not an HS {asked} subheading; read as HS {edition}",
    "hs_renumbered": "HS {edition} code {code} is HS 2022 code {hs2022}",
    "hs_confirm_subheading": ("HS {edition} code {code} was split into {candidates} in HS "
                              "2022: matched on heading {heading}; confirm the subheading"),
    "hs_choose_code": ("HS {edition} code {code} became {candidates} in HS 2022, under "
                       "different headings: choose one; it is not matched on an HS code "
                       "until then"),
}
"""English message of each error and note code; ``{name}`` takes a parameter."""


def message(code: str, params: Mapping[str, str]) -> str:
    """The English message of an error or note code with its parameters."""
    return MESSAGES[code].format(**params)


class HsCodeError(ValueError):
    """A code (or an edition) that cannot be read; ``code`` says why, ``params`` fill it."""

    def __init__(self, error_code: str, /, **params: str) -> None:
        self.code = error_code
        self.params = params
        self.template = MESSAGES[error_code]
        super().__init__(message(error_code, params))


@dataclass(frozen=True)
class HsNote:
    """Something to tell the enterprise about how a code was read (a warning, not an error)."""

    code: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return message(self.code, self.params)


@dataclass(frozen=True)
class HsReading:
    """A code as written and what it stands for in HS 2022."""

    written: str
    """The code as the catalog wrote it (surrounding spaces removed)."""
    edition: int
    """The edition the code was read as."""
    hs2022: str | None
    """The HS 2022 code used for matching: six digits, a four-digit heading, or None."""
    candidates: tuple[str, ...] = ()
    """The HS 2022 subheadings an older code was split into (empty when it maps to one)."""
    notes: tuple[HsNote, ...] = ()


@dataclass(frozen=True)
class HsTables:
    subheadings: frozenset[str]
    """The HS 2022 subheadings (six digits)."""
    older: Mapping[int, Mapping[str, tuple[str, ...]]]
    """Edition -> old code -> the HS 2022 codes it corresponds to, sorted."""


@lru_cache(maxsize=1)
def hs_tables() -> HsTables:
    """The HS 2022 subheadings and the correlation tables, read once from the package."""
    with (HS_DIR / "harmonized-system.csv").open(encoding="utf-8-sig", newline="") as handle:
        subheadings = frozenset(
            row["hscode"] for row in csv.DictReader(handle)
            if row["level"] == "6" and row["section"] != "TOTAL"
        )
    older: dict[int, dict[str, set[str]]] = {edition: {} for edition in EDITIONS[1:]}
    with (HS_DIR / "hs2022-correlations.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["hs2022"] in subheadings:  # leaves out the aggregate 999999
                older[int(row["old_edition"])].setdefault(row["old_code"], set()).add(
                    row["hs2022"])
    return HsTables(
        subheadings=subheadings,
        older={edition: {code: tuple(sorted(new)) for code, new in codes.items()}
               for edition, codes in older.items()},
    )


def read_edition(value: int | str | None) -> int | None:
    """An edition as written ("2017", "HS 2017", "H5") as a year; None when not given."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if value in EDITIONS:
            return value
        raise HsCodeError("hs_edition_form", written=str(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().upper().replace(" ", "")
    if not text:
        return None
    if text in _EDITION_NAMES:
        return _EDITION_NAMES[text]
    year = text.removeprefix("HS")
    if year.isascii() and year.isdigit() and int(year) in EDITIONS:
        return int(year)
    raise HsCodeError("hs_edition_form", written=str(value).strip())


def read_hs(written: str, edition: int | str | None = None) -> HsReading:
    """What ``written`` stands for in HS 2022, reading it as ``edition`` first (HS 2022 when
    None). Raises ``HsCodeError`` (``hs_code_form``, ``hs_code_unknown``, ``hs_edition_form``).
    """
    text = written.strip()
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if len(text) > MAX_WRITTEN or not _FORM.fullmatch(digits):
        raise HsCodeError("hs_code_form", written=text)
    asked = read_edition(edition) or CURRENT_EDITION
    read_as, hs2022, candidates, notes = _resolve(digits[:6], asked)
    if read_as is None:
        raise HsCodeError("hs_code_unknown", written=text, code=digits[:6])
    return HsReading(written=text, edition=read_as, hs2022=hs2022, candidates=candidates,
                     notes=notes)


_Resolved = tuple[int | None, str | None, tuple[str, ...], tuple[HsNote, ...]]


@cache
def _resolve(code: str, asked: int) -> _Resolved:
    """(edition read as, HS 2022 code, candidates, notes) of a six-digit code; the edition is
    None when no edition has the code. Cached: a few thousand codes at most."""
    tables = hs_tables()
    for edition in (asked, *(other for other in EDITIONS if other != asked)):
        if edition == CURRENT_EDITION:
            targets: tuple[str, ...] = (code,) if code in tables.subheadings else ()
        else:
            targets = tables.older[edition].get(code, ())
        if targets:
            break
    else:
        return None, None, (), ()
    notes: list[HsNote] = []
    if edition != asked:
        kind = "hs_older_edition" if edition < asked else "hs_newer_edition"
        notes.append(HsNote(kind, {"code": code, "asked": str(asked), "edition": str(edition)}))
    about = {"code": code, "edition": str(edition)}
    if len(targets) == 1:
        if targets[0] != code:
            notes.append(HsNote("hs_renumbered", {**about, "hs2022": targets[0]}))
        return edition, targets[0], (), tuple(notes)
    listed = ", ".join(targets)
    headings = {target[:4] for target in targets}
    if len(headings) == 1:
        heading = headings.pop()
        notes.append(HsNote("hs_confirm_subheading",
                            {**about, "heading": heading, "candidates": listed}))
        return edition, heading, targets, tuple(notes)
    notes.append(HsNote("hs_choose_code", {**about, "candidates": listed}))
    return edition, None, targets, tuple(notes)
