"""Chinese names of HS codes (issue 10): every section and chapter, the headings of the demo's
products, English in their place marked as such, and a names file that parses."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tradebase.docking.vocabulary import default_vocabulary
from tradebase.registry.hs_names import (
    HS_DIR,
    NAMES_ZH,
    RESERVED_CHAPTERS,
    REVIEW_STATUSES,
    HsNamesError,
    chinese_names,
    english_names,
    hs_name,
    read_chinese_names,
)

DEMO_DIR = HS_DIR.parent / "demo"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _demo_codes() -> set[str]:
    data = json.loads((DEMO_DIR / "enterprises.json").read_text(encoding="utf-8"))
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            code = node.get("hs_code")
            if isinstance(code, str) and code:
                found.add(re.sub(r"\D", "", code)[:6])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return found


def test_every_section_and_chapter_has_a_chinese_name() -> None:
    names = chinese_names()
    sections = [code for code in english_names() if not code.isdigit()]
    assert len(sections) == 21
    assert (sections[0], sections[-1]) == ("I", "XXI")
    assert [code for code in sections if code not in names] == []
    chapters = [f"{number:02d}" for number in range(1, 98)]
    assert [code for code in chapters if code not in names] == []
    assert all(CJK.search(names[code].name) for code in (*sections, *chapters))
    assert names["XX"].name == "杂项制品"
    assert names["94"].name.startswith("家具；寝具")
    assert "保留" in names["77"].name  # chapter 77 is reserved for future use


def test_every_heading_of_a_demo_product_has_a_chinese_name() -> None:
    codes = _demo_codes()
    assert len(codes) > 50  # the demo's products were found
    headings = {code[:4] for code in codes}
    assert sorted(heading for heading in headings if heading not in chinese_names()) == []


def test_every_heading_the_docking_vocabulary_names_has_a_chinese_name() -> None:
    headings = {
        code[:4] for concept in default_vocabulary().concepts.values()
        for code in (concept.hs_default, *(code for _, code in concept.hs_refinements)) if code
    }
    assert headings
    assert sorted(heading for heading in headings if heading not in chinese_names()) == []


def test_the_names_file_is_unique_known_and_reviewed_row_by_row() -> None:
    with NAMES_ZH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["code", "name_zh", "status"]
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    known = english_names()
    assert sorted(set(codes) - set(known) - RESERVED_CHAPTERS) == []
    assert RESERVED_CHAPTERS.isdisjoint(known)
    assert {row["status"] for row in rows} <= REVIEW_STATUSES
    assert all(row["name_zh"].strip() == row["name_zh"] and CJK.search(row["name_zh"])
               for row in rows)


def test_a_named_code_is_given_in_chinese_and_english_when_asked() -> None:
    zh = hs_name("9401", "zh")
    assert zh is not None
    assert (zh.language, zh.fallback) == ("zh", False)
    assert zh.text.startswith("坐具")
    en = hs_name("9401", "en")
    assert en is not None
    assert (en.language, en.fallback) == ("en", False)
    assert en.text.startswith("Seats")
    section = hs_name("I", "en")
    assert section is not None
    assert section.text == "Live animals; animal products"


def test_an_unnamed_code_falls_back_to_english_marked_not_to_its_heading() -> None:
    assert "940161" not in chinese_names()  # upholstered wooden seats: not named yet
    name = hs_name("940161", "zh")
    assert name is not None
    assert (name.language, name.fallback) == ("en", True)
    assert name.text == english_names()["940161"]
    held = hs_name("940161", "zh", english="Seats; wooden, upholstered")
    assert held is not None
    assert (held.text, held.fallback) == ("Seats; wooden, upholstered", True)
    other = hs_name("940161", "de")  # no German names at all: English, marked
    assert other is not None
    assert other.fallback


def test_an_unknown_code_has_no_name() -> None:
    assert hs_name("999998", "zh") is None
    assert hs_name("", "en") is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("code,name_zh,status\n01,活动物,unreviewed\n01,活动物,unreviewed\n", "named twice"),
        ("code,name_zh,status\n01,,unreviewed\n", "required"),
        ("code,name_zh,status\n01,活动物,approved\n", "status"),
        ("code,name_zh,status\n01,活动物\n", "status"),
    ],
)
def test_a_malformed_names_file_is_refused_with_its_line(
    tmp_path: Path, text: str, reason: str,
) -> None:
    path = tmp_path / "names.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HsNamesError, match=reason):
        read_chinese_names(path)


def test_a_huge_names_file_is_read_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    rows = "".join(f"{number:06d},名{number},unreviewed\n" for number in range(200_000))
    path.write_text("code,name_zh,status\n" + rows, encoding="utf-8")
    assert len(read_chinese_names(path)) == 200_000
