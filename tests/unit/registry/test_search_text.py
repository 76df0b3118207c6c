"""The normalisation the register's search shares between what it stores and what is typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradebase.registry.search_text import (
    MAX_TERMS,
    Term,
    document_tokens,
    fts5_query,
    query_terms,
    stem,
    tsquery,
)


def _stored(text: str, lang: str = "en") -> set[str]:
    return set(document_tokens([(lang, text)]).split())


def _finds(query: str, text: str, lang: str = "en") -> bool:
    tokens = _stored(text, lang)
    return all(
        any(token.startswith(s) if term.prefix else token == s
            for s in term.stems for token in tokens)
        for term in query_terms(query)
    )


@pytest.mark.parametrize(("searched", "stored"), [
    ("chairs", "Rattan dining chair"),
    ("chair", "Rattan dining chairs"),
    ("lanterns", "Red silk lantern"),
    ("knives", "Kitchen knife"),
    ("shelves", "Bamboo shelf"),
    ("boxes", "Tea box"),
    ("candies", "Candy jar"),
    ("carved", "Hand-carving of wood"),
    ("knitted", "Knitting yarn"),
    ("folding", "Folded table"),
    ("chair", "Peacock armchair"),
    ("Stühle", "Gartenstuhl", ),
    ("lanterns red", "Red lantern"),
    ("藤椅", "藤编扶手餐椅"),
    ("灯笼 red", "Red silk lantern 红色丝绸灯笼"),
    ("AX-1001", "ax-1001"),
])
def test_a_search_finds_its_plurals_inflections_and_any_order(searched: str, stored: str) -> None:
    assert _finds(searched, stored)


@pytest.mark.parametrize(("searched", "stored"), [
    ("chair", "Rattan dining table"),
    ("藤椅", "藤编花篮"),
    ("lantern blue", "Red lantern"),
    ("led", "Recycled cotton"),  # inside a word is no longer a hit
])
def test_a_search_does_not_find_what_lacks_a_word(searched: str, stored: str) -> None:
    assert not _finds(searched, stored)


def test_stems_are_consistent_between_singular_and_plural() -> None:
    for singular, plural in [("chair", "chairs"), ("table", "tables"), ("box", "boxes"),
                             ("glass", "glasses"), ("lantern", "lanterns")]:
        assert stem(plural, "en") == stem(singular, "en")
    assert stem("stuhle", "de") == stem("stuhl", "de")
    assert stem("2024", "en") == "2024"


def test_function_words_are_dropped_unless_nothing_else_is_left() -> None:
    assert [t.stems for t in query_terms("the chairs and tables")] == [("chair",), ("tabl",)]
    assert query_terms("the") == [Term(("the",))]


@pytest.mark.parametrize("hostile", [
    '"chair', 'chair"*', "chair*", "NEAR(chair lantern)", "-chair", "chair:", "(chair)",
    "chair OR lantern", "chair AND NOT lantern", "chair\x00", "'chair' & !lantern",
    "chair:* | lantern", "^chair", "chair + lantern", "{chair}", "chair\\",
])
def test_query_syntax_is_only_separators(hostile: str) -> None:
    """Operators of FTS5 and tsquery are never passed on: "NEAR", "OR" are words like any."""
    words = {s for term in query_terms(hostile) for s in term.stems}
    assert words <= {"chair", "near", "lant", "or", "not"}
    assert "chair" in words


def test_a_long_text_keeps_a_bounded_query() -> None:
    terms = query_terms(" ".join(f"word{i}" for i in range(10_000)) + "x" * 100_000)
    assert len(terms) == MAX_TERMS
    assert query_terms("\x00\x00 ()*:") == []


@given(st.text(max_size=300))
def test_any_text_gives_a_well_formed_query(text: str) -> None:
    terms = query_terms(text)
    assert len(terms) <= MAX_TERMS
    for term in terms:
        assert term.stems
        for s in term.stems:
            assert s.isalnum()
            assert s == s.lower()
    expected = " AND ".join(
        "(" + " OR ".join(f'"{s}"' + ("*" if t.prefix else "") for s in t.stems) + ")"
        for t in terms
    )
    assert fts5_query(terms) == expected
    assert tsquery(terms).count("'") == 2 * sum(len(t.stems) for t in terms)
