"""Names of HS codes in the language of a page: Chinese where the project has written one,
English otherwise, marked as such.

The English names are the nomenclature's (``hs/harmonized-system.csv``, ``hs/sections.csv``);
the Chinese ones are the project's own list ``hs/hs-names-zh.csv`` (``code, name_zh, status``;
sections by roman numeral), written from the published names of China's customs tariff and
reviewed in the repository (see ``hs/README.md``). A code without a Chinese name is given in
English with ``fallback`` set, so that a page can say "（英文）" beside it: the name of a
heading is never passed off as the name of one of its subheadings.

Pure: no database, no web; the files are read once per process.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HS_DIR = Path(__file__).parent / "hs"
NAMES_ZH = HS_DIR / "hs-names-zh.csv"
REVIEW_STATUSES = frozenset({"unreviewed", "reviewed"})
"""``unreviewed``: written by the project, not yet checked; ``reviewed``: read and corrected
against the official Chinese tariff wording (who reviewed, and how, is in hs/README.md's review
section: the first review was a model's reading, not a person's with the printed tariff)."""
RESERVED_CHAPTERS = frozenset({"77"})
"""Chapters the Harmonized System keeps for future use: named in Chinese, not in the data."""


@dataclass(frozen=True)
class HsName:
    """The name of an HS code as a page shows it."""

    code: str
    text: str
    language: str
    """The language ``text`` is written in."""
    fallback: bool
    """True when ``text`` is not in the language asked for (English in its place)."""


@dataclass(frozen=True)
class ChineseName:
    code: str
    name: str
    status: str


class HsNamesError(ValueError):
    """The Chinese names file is malformed (a duplicate code, an empty name, a bad status)."""


@cache
def english_names() -> Mapping[str, str]:
    """Code (sections by roman numeral) -> its English description, from the nomenclature."""
    names: dict[str, str] = {}
    with (HS_DIR / "sections.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip()
            names[row["section"]] = name[:1].upper() + name[1:]  # the file has "live animals"
    with (HS_DIR / "harmonized-system.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["section"] != "TOTAL":
                names[row["hscode"]] = row["description"]
    return names


def read_chinese_names(path: Path) -> dict[str, ChineseName]:
    """The Chinese names file at ``path``, checked; raises ``HsNamesError``."""
    names: dict[str, ChineseName] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            code = (row.get("code") or "").strip()
            name = (row.get("name_zh") or "").strip()
            status = (row.get("status") or "").strip()
            if not code or not name:
                raise HsNamesError(f"line {line}: a code and a Chinese name are required")
            if status not in REVIEW_STATUSES:
                raise HsNamesError(f"line {line}: status {status!r} is not one of "
                                   f"{', '.join(sorted(REVIEW_STATUSES))}")
            if code in names:
                raise HsNamesError(f"line {line}: {code} is named twice")
            names[code] = ChineseName(code=code, name=name, status=status)
    return names


@cache
def chinese_names() -> Mapping[str, ChineseName]:
    """Code -> its Chinese name, from the package's ``hs-names-zh.csv``."""
    return read_chinese_names(NAMES_ZH)


def hs_name(code: str, language: str, *, english: str | None = None) -> HsName | None:
    """The name of ``code`` in ``language``: the Chinese name when ``language`` is ``zh`` and
    there is one, else the English description marked as a fallback (unless English was asked
    for). ``english`` is the description the caller already holds (the register's table);
    without it the nomenclature's is used. None when the code has no name at all."""
    if language == "zh":
        found = chinese_names().get(code)
        if found is not None:
            return HsName(code=code, text=found.name, language="zh", fallback=False)
    text = english if english is not None else english_names().get(code)
    if not text:
        return None
    return HsName(code=code, text=text, language="en", fallback=language != "en")
