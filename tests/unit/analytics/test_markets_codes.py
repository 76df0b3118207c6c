"""The pure parts of a base's exports by market: partners' codes for the map's shapes, and
the table's sorting."""

from __future__ import annotations

from tradebase.analytics.markets import Market, country_codes, sorted_markets
from tradebase.web.pages.markets import market_name


def test_alpha3_partners_map_to_world_atlas_numeric_ids_and_alpha2() -> None:
    assert country_codes("USA") == ("840", "US")
    assert country_codes("DEU") == ("276", "DE")
    assert country_codes("AUS") == ("036", "AU")  # world-atlas keeps the leading zero
    assert country_codes("XXA") == (None, None)  # an area no country stands for: table only


def test_names_follow_the_readers_language_and_unknown_codes_stay_codes() -> None:
    assert market_name("USA", "en") == "United States"
    assert market_name("USA", "zh") == "美国"
    assert market_name("DEU", "de") == "Deutschland"
    assert market_name("XXA", "zh") == "XXA"


def test_the_table_sorts_by_value_or_by_name_in_the_readers_language() -> None:
    rows = [Market("DEU", "276", "DE", 5.0, 0.5), Market("USA", "840", "US", 3.0, 0.3),
            Market("AUS", "036", "AU", 2.0, 0.2)]
    names = {"DEU": "德国", "USA": "美国", "AUS": "澳大利亚"}
    by_value = sorted_markets(rows, key="value", descending=True, names=names)
    assert [m.partner for m in by_value] == ["DEU", "USA", "AUS"]
    by_name = sorted_markets(rows, key="country", descending=False,
                             names={"DEU": "Germany", "USA": "United States",
                                    "AUS": "Australia"})
    assert [m.partner for m in by_name] == ["AUS", "DEU", "USA"]
