"""The trade formats' cells (countries, currencies, flows, HS editions) and who may import
or read whose trade records (accounts/policy.py)."""

from __future__ import annotations

import pytest

from tradebase.accounts.policy import (
    SYSTEM,
    Actor,
    TradeReporter,
    may_import_trade,
    may_import_trade_somewhere,
    may_read_trade,
)
from tradebase.accounts.roles import Role
from tradebase.analytics import trade_formats as fmt


@pytest.mark.parametrize(("written", "alpha3"), [
    ("CHN", "CHN"), ("cn", "CHN"), ("156", "CHN"), ("490", "TWN"), ("158", "TWN"),
    ("842", "USA"), ("840", "USA"), ("251", "FRA"), ("699", "IND"), ("757", "CHE"),
    ("579", "NOR"), ("899", "XNS"), ("837", "XBK"), (" DEU ", "DEU"),
])
def test_countries(written: str, alpha3: str) -> None:
    assert fmt.country(written) == alpha3


@pytest.mark.parametrize("written", ["", "ZZ", "XYZ", "1234", "China", "0"])
def test_unknown_countries(written: str) -> None:
    with pytest.raises(fmt.FormatError) as caught:
        fmt.country(written)
    assert caught.value.code == "trade_country_unknown"


def test_world_and_eu_are_aggregates_not_countries() -> None:
    assert sorted(fmt.AGGREGATE_PARTNERS) == [0, 97]
    assert all(code in fmt.SPECIAL_PARTNERS or len(code) == 3
               for code in fmt.NUMERIC_SPECIALS.values())


def test_flows_and_currencies() -> None:
    assert [fmt.flow(w) for w in ("export", "Re-Export", "re import", "IMPORT")] == [
        "export", "re_export", "re_import", "import"]
    assert fmt.currency("usd") == "USD"
    with pytest.raises(fmt.FormatError):
        fmt.flow("sell")
    with pytest.raises(fmt.FormatError):
        fmt.currency("RMB")


@pytest.mark.parametrize(("name", "given", "edition"), [
    ("BACI_HS17_Y2022_V202401.csv", None, 2017), ("BACI_HS12_Y2015_V202401.csv", None, 2012),
    ("baci_hs22_y2023_v202501.csv", None, 2022), ("flows.csv", 2017, 2017),
    ("BACI_HS17_Y2022_V202401.csv", 2022, 2022),
])
def test_baci_edition(name: str, given: int | None, edition: int) -> None:
    assert fmt.baci_edition(name, given) == edition


@pytest.mark.parametrize(("name", "code"), [
    ("flows.csv", "trade_baci_edition"), ("BACI_HS92_Y2000_V202401.csv",
                                          "trade_hs_edition_unsupported"),
    ("BACI_HS07_Y2010_V202401.csv", "trade_hs_edition_unsupported"),
])
def test_baci_edition_refused(name: str, code: str) -> None:
    with pytest.raises(fmt.FormatError) as caught:
        fmt.baci_edition(name, None)
    assert caught.value.code == code


def test_comtrade_classification() -> None:
    assert [fmt.comtrade_edition(c, 2022) for c in ("H4", "H5", "H6", "")] == [
        2012, 2017, 2022, 2022]
    with pytest.raises(fmt.FormatError):
        fmt.comtrade_edition("H3", 2022)


def test_hs_codes_map_to_hs2022() -> None:
    assert fmt.hs("940153", 2022)[:2] == (2022, "940153")
    assert fmt.hs("9401.53.00.10", 2022)[:2] == (2022, "940153")


ANXI, OTHER = 1, 2
BASE_ADMIN = Actor(label="ba", role=Role.BASE_ADMIN, user_id=1, base_ids=frozenset({ANXI}))
READ_ONLY_ADMIN = Actor(label="ba", role=Role.BASE_ADMIN, user_id=1,
                        base_ids=frozenset({ANXI}), scopes=frozenset({"read"}))
ADMIN = Actor(label="admin", role=Role.ADMIN, user_id=2)
OFFICER = Actor(label="officer", role=Role.OFFICER, user_id=3)
MEMBER = Actor(label="member", role=Role.ENTERPRISE, user_id=4, enterprise_ids=frozenset({7}))
BUYER = Actor(label="buyer", role=Role.BUYER, user_id=5)

OWN_BASE = TradeReporter("base", base_id=ANXI)
OWN_ENTERPRISE = TradeReporter("enterprise", base_id=ANXI, enterprise_id=7)
OTHER_BASE = TradeReporter("base", base_id=OTHER)
COUNTRY = TradeReporter("country")


@pytest.mark.parametrize(("actor", "reporter", "allowed"), [
    (SYSTEM, COUNTRY, True), (ADMIN, COUNTRY, True), (ADMIN, OTHER_BASE, True),
    (BASE_ADMIN, OWN_BASE, True), (BASE_ADMIN, OWN_ENTERPRISE, True),
    (BASE_ADMIN, OTHER_BASE, False), (BASE_ADMIN, COUNTRY, False),
    (READ_ONLY_ADMIN, OWN_BASE, False), (OFFICER, OWN_BASE, False),
    (MEMBER, OWN_ENTERPRISE, False), (BUYER, COUNTRY, False),
])
def test_who_imports_trade(actor: Actor, reporter: TradeReporter, allowed: bool) -> None:
    assert may_import_trade(actor, reporter) is allowed


def test_who_imports_trade_somewhere() -> None:
    assert [may_import_trade_somewhere(a) for a in (ADMIN, BASE_ADMIN, OFFICER, MEMBER)] == [
        True, True, False, False]


@pytest.mark.parametrize(("actor", "reporter", "allowed"), [
    (ADMIN, OTHER_BASE, True), (OFFICER, OTHER_BASE, True), (BASE_ADMIN, OWN_BASE, True),
    (BASE_ADMIN, OWN_ENTERPRISE, True), (BASE_ADMIN, OTHER_BASE, False),
    (BASE_ADMIN, COUNTRY, True), (MEMBER, OWN_ENTERPRISE, True), (MEMBER, OWN_BASE, False),
    (MEMBER, TradeReporter("enterprise", base_id=ANXI, enterprise_id=8), False),
    (MEMBER, COUNTRY, True), (BUYER, COUNTRY, False), (Actor(label="anonymous"), COUNTRY, False),
])
def test_who_reads_trade(actor: Actor, reporter: TradeReporter, allowed: bool) -> None:
    assert may_read_trade(actor, reporter) is allowed
