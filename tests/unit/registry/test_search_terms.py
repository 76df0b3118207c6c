"""How the search box splits what is typed into terms."""

from __future__ import annotations

from tradebase.registry.service import search_terms


def test_words_are_split_on_spaces() -> None:
    assert search_terms("rattan  dining chair") == ["rattan", "dining", "chair"]


def test_chinese_is_split_into_characters() -> None:
    assert search_terms("藤椅") == ["藤", "椅"]
    assert search_terms("藤 椅子") == ["藤", "椅", "子"]


def test_mixed_and_empty() -> None:
    assert search_terms("FSC 藤椅") == ["FSC", "藤", "椅"]
    assert search_terms("") == []
    assert search_terms(None) == []
