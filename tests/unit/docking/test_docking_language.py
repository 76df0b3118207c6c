from __future__ import annotations

import pytest

from tradebase.docking import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vi söker rottingstolar till matsal, ca 500 st", "sv"),
        ("Wir suchen Esszimmerstühle aus Rattan mit Armlehnen", "de"),
        ("Buscamos sillas de comedor de ratán para restaurante", "es"),
        ("Nous recherchons des chaises de salle à manger en rotin", "fr"),
        ("求购藤编餐椅，用于餐厅", "zh"),
        ("Looking for rattan dining chairs for a restaurant group", "en"),
        ("löparskor herr", "sv"),
        ("Laufschuhe Herren", "de"),
    ],
)
def test_detects_the_request_language(text: str, expected: str) -> None:
    assert detect_language(text).code == expected


def test_confidence_is_a_share() -> None:
    detected = detect_language("rattan")
    assert 0.0 <= detected.confidence <= 1.0
