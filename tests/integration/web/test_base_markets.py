"""A base's "Exports by market" (issue 12, dashboards): the world map's data and its table on
the base page, sortable, by year, new and lost markets, the CSV/XLSX export, and who sees it
(``policy.may_read_trade``: a base's trade is commercial)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tradebase.analytics.trade_models import TradeRecord
from tradebase.registry.models import Base


def _section(html: str) -> str:
    return html.split('id="exports-by-market"', 1)[1].split("</section>", 1)[0]


def _partners(html: str) -> list[str]:
    table = _section(html).split('id="markets-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-partner="([A-Z]{3})">', table)


def _base_rows(session: Session, base: Base, year: int) -> dict[str, float]:
    rows: dict[str, float] = {}
    for partner, value in session.execute(
            select(TradeRecord.partner, TradeRecord.value).where(
                TradeRecord.reporter == f"base:{base.id}", TradeRecord.year == year)):
        rows[partner] = rows.get(partner, 0.0) + value
    return rows


def test_the_section_shows_the_latest_years_markets_as_map_data_and_table(
    speak: Callable[[str], TestClient], anxi: Base, session: Session, tokens: dict[str, str],
) -> None:
    html = speak("en").get(f"/bases/{anxi.id}", headers=auth(tokens["officer"])).text
    section = _section(html)
    assert "Sample data" in section  # the demo's flows are made up, and say so
    expected = _base_rows(session, anxi, 2023)
    assert expected, "the demo writes sample flows for Anxi"
    partners = _partners(html)
    assert sorted(partners) == sorted(expected)
    assert partners == sorted(expected, key=lambda p: (expected[p], p), reverse=True)
    assert "United States" in section
    assert "Value (2023)" in section
    assert "US dollars" in section
    data = json.loads(html.split('id="markets-map-data">', 1)[1].split("</script>", 1)[0])
    by_id = {entry["id"]: entry for entry in data["values"]}
    # ISO numeric, as world-atlas keys it
    assert by_id["840"]["value"] == pytest.approx(expected["USA"])
    assert data["atlas"] == "/static/vendor/countries-110m.json"
    assert 'id="markets-year"' in section  # 2019-2023: a year selector
    assert 'class="data stacked"' in section
    assert 'data-label="Share"' in section


def test_zh_names_sorting_years_and_new_and_lost_markets(
    speak: Callable[[str], TestClient], anxi: Base, session: Session, tokens: dict[str, str],
) -> None:
    zh = speak("zh").get(f"/bases/{anxi.id}?markets_sort=country&markets_order=asc",
                         headers=auth(tokens["admin"])).text
    section = _section(zh)
    assert "按市场的出口" in section
    assert "美国" in section
    assert "示例数据" in section
    years = {2022: _base_rows(session, anxi, 2022), 2021: _base_rows(session, anxi, 2021)}
    en = speak("en")
    for year, rows in years.items():
        html = en.get(f"/bases/{anxi.id}?markets_year={year}",
                      headers=auth(tokens["admin"])).text
        assert sorted(_partners(html)) == sorted(rows)
        before = set(_base_rows(session, anxi, year - 1))
        changes = _section(html).split('id="market-changes"', 1)[1]
        new = set(re.findall(r'<li data-partner="([A-Z]{3})">', changes.split("<h3>", 2)[1]))
        lost = set(re.findall(r'<li data-partner="([A-Z]{3})">', changes.split("<h3>", 2)[2]))
        assert new == set(rows) - before
        assert lost == before - set(rows)
    unknown = en.get(f"/bases/{anxi.id}?markets_year=1990", headers=auth(tokens["admin"]))
    assert unknown.status_code == 200
    assert "the latest year is shown" in unknown.text
    malformed = en.get(f"/bases/{anxi.id}?markets_year=20x3", headers=auth(tokens["admin"]))
    assert malformed.status_code == 200
    assert "the latest year is shown" in malformed.text
    refused = en.get(f"/bases/{anxi.id}/markets/export?markets_year=1990",
                     headers=auth(tokens["admin"]))
    assert refused.status_code == 422
    assert "1990" in refused.text


def test_the_table_exports_as_csv_and_xlsx(
    client: TestClient, anxi: Base, session: Session, tokens: dict[str, str],
) -> None:
    expected = _base_rows(session, anxi, 2022)
    response = client.get(f"/bases/{anxi.id}/markets/export?format=csv&markets_year=2022",
                          headers=auth(tokens["base_admin"]))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["partner"]: float(row["value"]) for row in rows} == pytest.approx(expected)
    assert {row["year"] for row in rows} == {"2022"}
    assert rows[0]["sample"] == "sample"
    xlsx = client.get(f"/bases/{anxi.id}/markets/export?format=xlsx",
                      headers=auth(tokens["base_admin"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("partner", "country", "year", "value")
    assert {row[2] for row in values[1:]} == {2023}


def test_only_readers_of_the_bases_trade_see_the_section(
    client: TestClient, anxi: Base, session: Session, tokens: dict[str, str],
) -> None:
    other = session.scalars(select(Base).where(Base.id != anxi.id).order_by(Base.id)).first()
    assert other is not None
    for who, shown in (("admin", True), ("officer", True), ("base_admin", True),
                       ("enterprise", False), ("buyer", False), ("supplier", False)):
        html = client.get(f"/bases/{anxi.id}", headers=auth(tokens[who])).text
        assert ('id="exports-by-market"' in html) is shown, who
        assert ("chartjs-chart-geo" in html) is shown, who
    anonymous = client.get(f"/bases/{anxi.id}").text
    assert 'id="exports-by-market"' not in anonymous
    assert "markets-map-data" not in anonymous
    # a base administrator reads its own bases' trade only
    html = client.get(f"/bases/{other.id}", headers=auth(tokens["base_admin"])).text
    assert 'id="exports-by-market"' not in html
    assert client.get(f"/bases/{anxi.id}/markets/export").status_code == 401
    assert client.get(f"/bases/{anxi.id}/markets/export",
                      headers=auth(tokens["buyer"])).status_code == 403
    assert client.get(f"/bases/{other.id}/markets/export",
                      headers=auth(tokens["base_admin"])).status_code == 403
