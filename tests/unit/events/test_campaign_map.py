"""The pure parts of a campaign's map: the gazetteer's resolution of a city (found, ambiguous,
unknown, chosen) and the SVG drawing (every dot inside the view, labels escaped)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from tradebase.events import gazetteer
from tradebase.events.gazetteer import Match
from tradebase.events.map_svg import MapPoint, campaign_map_svg, view_of

SVG = "{http://www.w3.org/2000/svg}"


def test_a_city_is_found_by_its_name_or_an_alternate_one() -> None:
    hamburg = gazetteer.resolve("Hamburg", "DE")
    assert hamburg.match is Match.FOUND
    assert hamburg.place is not None
    assert (round(hamburg.place.latitude), round(hamburg.place.longitude)) == (54, 10)
    assert gazetteer.resolve("汉堡", "de").place == hamburg.place  # Chinese, lower-case code
    assert gazetteer.resolve("  HAMBURG ", "DE").place == hamburg.place
    sao_paulo = gazetteer.resolve("Sao Paulo", "BR").place
    assert sao_paulo is not None
    assert sao_paulo.name == "São Paulo"


def test_a_namesake_far_more_populous_is_the_city_meant() -> None:
    frankfurt = gazetteer.resolve("Frankfurt", "DE")  # am Main, not (Oder)
    assert frankfurt.match is Match.FOUND
    assert frankfurt.place is not None
    assert frankfurt.place.name == "Frankfurt am Main"
    london = gazetteer.resolve("London")  # England's, 20 times Ontario's
    assert london.place is not None
    assert london.place.country == "GB"


def test_ambiguous_cities_list_their_namesakes_most_populous_first() -> None:
    columbus = gazetteer.resolve("Columbus", "US")
    assert columbus.match is Match.AMBIGUOUS
    assert columbus.place == columbus.candidates[0]
    populations = [p.population for p in columbus.candidates]
    assert populations == sorted(populations, reverse=True)
    assert {"OH", "GA"} <= {p.admin1 for p in columbus.candidates}
    springfield = gazetteer.resolve("Springfield")  # no country: every namesake
    assert springfield.match is Match.AMBIGUOUS


def test_unknown_and_chosen() -> None:
    assert gazetteer.resolve("Atlantisburg", "DE").match is Match.UNKNOWN
    assert gazetteer.resolve("", "DE").match is Match.UNKNOWN
    assert gazetteer.resolve("Hamburg", "FR").match is Match.UNKNOWN  # not in that country
    georgia = next(p for p in gazetteer.resolve("Columbus", "US").candidates
                   if p.admin1 == "GA")
    chosen = gazetteer.resolve("Columbus", "US", geonameid=georgia.geonameid)
    assert (chosen.match, chosen.place) == (Match.CHOSEN, georgia)
    # an id the gazetteer does not have falls back on the name
    assert gazetteer.resolve("Hamburg", "DE", geonameid=999_999_999).match is Match.FOUND


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


points = st.lists(st.builds(MapPoint, label=st.text(max_size=20),
                            latitude=st.floats(-90, 90), longitude=st.floats(-180, 180),
                            uncertain=st.booleans()), max_size=12)


@given(points)
def test_every_dot_is_inside_the_view(found: list[MapPoint]) -> None:
    root = _parse(campaign_map_svg(found, title="Lanterns <&> abroad"))
    _, _, width, height = (float(v) for v in root.attrib["viewBox"].split())
    assert width >= height > 0
    dots = root.findall(f".//{SVG}circle")
    assert len(dots) == len(found)
    for dot in dots:
        assert 0 <= float(dot.attrib["cx"]) <= width
        assert 0 <= float(dot.attrib["cy"]) <= height
    labels = root.findall(f".//{SVG}text[@class='label']")
    assert len(labels) == len(found)
    assert root.attrib["aria-label"] == "Lanterns <&> abroad"


def test_labels_are_escaped_and_cleaned() -> None:
    svg = campaign_map_svg([MapPoint("Ham<burg> & \x01Co", 53.5, 10.0)], title="t\x00")
    root = _parse(svg)
    label = root.find(f".//{SVG}text[@class='label']")
    assert label is not None
    assert label.text == "Ham<burg> & Co"


def test_the_view_fits_the_points() -> None:
    europe = [MapPoint("Hamburg", 53.55, 9.99), MapPoint("Lyon", 45.76, 4.84)]
    view = view_of(europe)
    assert (view.west, view.east, view.south, view.north) == (-30, 45, 30, 75)  # Europe
    assert (view_of([]).west, view_of([]).east) == (-180, 180)
    world = view_of([MapPoint("Auckland", -36.85, 174.76), MapPoint("Columbus", 39.96, -83)])
    assert world.west <= -83
    assert world.east >= 174.76
