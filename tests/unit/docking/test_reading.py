"""A buyer's request read field by field, in each of the six languages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_compact_decimal, format_decimal
from hypothesis import given
from hypothesis import strategies as st

from tradebase.docking.places import find_destination
from tradebase.docking.reading import read_request
from tradebase.figures import Money

TODAY = date(2026, 12, 2)
BABEL_LOCALES = {"en": "en", "zh": "zh_Hans_CN", "sv": "sv", "de": "de", "es": "es", "fr": "fr"}


def test_the_issue_example() -> None:
    text = "Wir brauchen 5.000 Stühle mit ISO 9001, Lieferung nach Hamburg innerhalb von 60 Tagen"
    reading = read_request(text, today=TODAY)
    assert reading.language == "de"
    assert reading.quantity == 5000
    assert reading.certifications == ("ISO9001",)
    assert reading.destination == "DE"
    assert reading.max_lead_time_days == 60


def test_spans_say_what_was_read_where() -> None:
    text = "We need 2,000 pcs to Sweden within 60 days, target price 3 USD"
    reading = read_request(text, today=TODAY)
    fields = {span.field: span.text for span in reading.spans}
    assert fields == {
        "quantity": "2,000 pcs",
        "destination": "Sweden",
        "lead_time": "60 days",
        "target_price": "3 USD",
    }
    for span in reading.spans:
        assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("text", "quantity", "unit"),
    [
        ("We need 2,000 pcs of rattan chairs", 2000, "pcs"),
        ("2k pieces, size M", 2000, "pcs"),
        ("Wir brauchen 2.000 Stück", 2000, "pcs"),
        ("3 000 Paar Schuhe", 3000, "pairs"),
        ("Vi söker 2 000 st stolar", 2000, "pcs"),
        ("Behöver 1,5 milj. st", 1_500_000, "pcs"),
        ("Buscamos 3.000 pares de zapatos", 3000, "pairs"),
        ("500 unidades de mesas", 500, "pcs"),
        ("Nous cherchons 1 500 pièces", 1500, "pcs"),
        ("2\u202f000 paires de chaussures", 2000, "pairs"),
        ("需要2万件T恤", 20000, "pcs"),
        ("采购1.5万双袜子", 15000, "pairs"),
        ("两万套餐具", 20000, "sets"),
        ("5000 kg cotton", 5000, "kg"),
        ("Table 140 cm, quantity: 250", 250, None),
        ("800 tables ISO 9001 EN 71, 120x60 cm", 800, None),  # ISO 9001 is not 9001 tables
        ("300 chaises, prix cible 2 000 €, avant le 15.03.2027", 300, None),
        ("万向轮 3000个", 3000, "pcs"),
    ],
)
def test_quantity(text: str, quantity: int, unit: str | None) -> None:
    reading = read_request(text, today=TODAY)
    assert (reading.quantity, reading.unit) == (quantity, unit)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("chairs for Sweden", "SE"),
        ("stolar till Sverige", "SE"),
        ("Stühle in die Schweiz", "CH"),
        ("Lieferung nach Deutschland", "DE"),
        ("Lieferung nach Hamburg", "DE"),
        ("sillas en España", "ES"),
        ("envío a México", "MX"),
        ("chaises au Québec", "CA"),
        ("livraison en France", "FR"),
        ("到沙特", "SA"),
        ("出口沙特", "SA"),
        ("发往美国", "US"),
        ("from China to the USA", "US"),
        ("shipping to UK", "GB"),
        ("Holland", "NL"),
        ("livraison aux EAU", "AE"),
        ("ship to Jeddah", "SA"),
        ("运往利雅得", "SA"),
        ("cotton jersey T-shirts to Turkey", "TR"),
    ],
)
def test_destination(text: str, country: str) -> None:
    assert read_request(text, today=TODAY).destination == country


@pytest.mark.parametrize(
    "text",
    [
        "cotton jersey T-shirts",
        "us and them",
        "turkey roasting pans",
        "万向轮",
        "made in China",
        "Gobelets en verre, verres à eau",  # water, not the Emirates (EAU)
        "pantalones bermudas de algodón",  # shorts
        "sauce chili en bouteille",  # a pepper, not Chile
    ],
)
def test_no_destination(text: str) -> None:
    assert find_destination(text) is None


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("chairs, FSC，BSCI", ("FSC", "BSCI")),
        ("Stühle mit ISO 9001 und Oeko-Tex", ("ISO9001", "OEKO-TEX")),
        ("sillas con certificado FSC y BSCI", ("FSC", "BSCI")),
        ("chaises certifiées FSC, ce que nous voulons", ("FSC",)),
        ("stolar med FSC / ISO 14001", ("FSC", "ISO14001")),
        ("需要BSCI、SEDEX验厂，产品CE认证", ("BSCI", "SEDEX", "CE")),
    ],
)
def test_certifications(text: str, codes: tuple[str, ...]) -> None:
    assert read_request(text, today=TODAY).certifications == codes


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("delivery within 60 days", 60),
        ("lead time 6 weeks", 42),
        ("innerhalb von 60 Tagen", 60),
        ("Lieferung in 4 Wochen", 28),
        ("entrega en 45 días", 45),
        ("dentro de 2 meses", 60),
        ("sous 6 semaines", 42),
        ("livraison dans les 30 jours", 30),
        ("inom 8 veckor", 56),
        ("leverans inom 30 dagar", 30),
        ("60天内交货", 60),
        ("两个月内", 60),
        ("交期30天", 30),
        ("by 15 March 2027", 103),
        ("before March 15, 2027", 103),
        ("bis 15.03.2027", 103),
        ("bis zum 15. März 2027", 103),
        ("avant le 1er mars", 89),
        ("antes del 15 de marzo de 2027", 103),
        ("senast 15 mars 2027", 103),
        ("2027年3月15日前交货", 103),
        ("delivery by 2026-12-12", 10),
        ("lead time: 4-6 weeks", 42),  # a range is read as its upper end
        ("Lieferzeit 30 bis 45 Tage", 45),
        ("交期30-45天", 45),
    ],
)
def test_lead_time(text: str, days: int) -> None:
    assert read_request(text, today=TODAY).max_lead_time_days == days


def test_a_range_is_neither_quantity_nor_two_lead_times() -> None:
    reading = read_request("Lieferzeit 30 bis 45 Tage", "de", today=TODAY)
    assert reading.quantity is None
    assert reading.max_lead_time_days == 45


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("one 40HQ container of bamboo boards, FSC", "en"),  # a container size
        ("Basketskor med högt skaft, storlek 40-47", "sv"),  # sizes
        ("Dricksglas utan fot, tjock botten, 30 cl", "sv"),  # a volume
        ("Gartenmöbel-Set aus Polyrattan, Tisch mit 4 Stühlen", "de"),  # a detail of the set
        ("男士羊毛西装两件套", "zh"),  # a two-piece suit
        ("Made in 2027, HS 940153", "en"),  # a year and an HS code
    ],
)
def test_what_is_not_a_quantity(text: str, lang: str) -> None:
    assert read_request(text, lang, today=TODAY).quantity is None


def test_payment_terms_are_not_a_lead_time() -> None:
    reading = read_request("500 pcs, payment within 30 days", "en", today=TODAY)
    assert reading.max_lead_time_days is None


@pytest.mark.parametrize(
    ("text", "money"),
    [
        ("target price 3 USD", Money(Decimal(3), "USD")),
        ("Zielpreis 2,50 €", Money(Decimal("2.50"), "EUR")),
        ("precio objetivo 12 dólares", Money(Decimal(12), "USD")),
        ("prix cible 2,50 €", Money(Decimal("2.50"), "EUR")),
        ("målpris 30 kr", Money(Decimal(30), "SEK")),
        ("目标价25元", Money(Decimal(25), "CNY")),
        ("order value €50,000, target price $3.20", Money(Decimal("3.20"), "USD")),
    ],
)
def test_target_price(text: str, money: Money) -> None:
    assert read_request(text, today=TODAY).target_price == money


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("We need chairs for our restaurant", "en"),
        ("Wir brauchen Stühle für unser Restaurant", "de"),
        ("Vi behöver stolar till vår restaurang", "sv"),
        ("Necesitamos sillas para nuestro restaurante", "es"),
        ("Nous avons besoin de chaises pour notre restaurant", "fr"),
        ("我们需要餐厅椅子", "zh"),
    ],
)
def test_language_is_detected(text: str, lang: str) -> None:
    assert read_request(text, today=TODAY).language == lang


TEMPLATES: dict[str, tuple[str, str, int]] = {
    # language: (sentence, destination, lead time in days)
    "en": ("We need {n} pcs of chairs, delivered to Sweden within 60 days", "SE", 60),
    "de": (
        "Wir brauchen {n} Stück Stühle, Lieferung nach Schweden innerhalb von 60 Tagen",
        "SE",
        60,
    ),
    "sv": ("Vi söker {n} st stolar till Tyskland inom 8 veckor", "DE", 56),
    "es": ("Buscamos {n} unidades de sillas para Francia en 45 días", "FR", 45),
    "fr": ("Nous cherchons {n} pièces de chaises pour l'Espagne sous 6 semaines", "ES", 42),
    "zh": ("需要{n}件椅子，出口沙特，60天内交货", "SA", 60),
}


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(sorted(TEMPLATES)))
def test_a_quantity_round_trips_through_a_sentence(number: int, lang: str) -> None:
    template, country, days = TEMPLATES[lang]
    text = template.format(n=format_decimal(number, locale=BABEL_LOCALES[lang]))
    reading = read_request(text, lang, today=TODAY)
    assert reading.quantity == number
    assert reading.destination == country
    assert reading.max_lead_time_days == days


UNIT_WORDS = {"en": "pcs", "de": "Stück", "sv": "st", "es": "unidades", "fr": "pièces", "zh": "件"}


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=3, max_value=9),
    st.sampled_from(sorted(UNIT_WORDS)),
)
def test_a_scaled_quantity_round_trips_through_a_sentence(
    mantissa: int, exponent: int, lang: str
) -> None:
    number = mantissa * 10**exponent
    written = format_compact_decimal(number, locale=BABEL_LOCALES[lang], fraction_digits=2)
    separator = "" if lang == "zh" else " "
    text = f"{written}{separator}{UNIT_WORDS[lang]}"
    reading = read_request(text, lang, today=TODAY)
    assert reading.quantity == number


def test_batch_matching_fills_only_the_fields_a_file_leaves_empty() -> None:
    from tradebase.docking.reading import fill_from_text
    from tradebase.docking.records import MatchRequest

    text = "5.000 Gartenstühle, ISO 9001, nach Hamburg innerhalb von 60 Tagen"
    filled = fill_from_text(MatchRequest(text=text))
    assert (filled.quantity, filled.destination, filled.max_lead_time_days) == (5000, "DE", 60)
    assert filled.required_certifications == frozenset({"ISO9001"})
    given = fill_from_text(MatchRequest(text=text, quantity=200, destination="AT",
                                        required_certifications=frozenset({"FSC"}),
                                        max_lead_time_days=90))
    assert (given.quantity, given.destination, given.max_lead_time_days) == (200, "AT", 90)
    assert given.required_certifications == frozenset({"FSC"})
