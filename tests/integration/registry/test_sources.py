"""Cited sources: found or created from what a fact says, refused when it contradicts the
stored one (API and import, with line and column), listed by the API, shown on the pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tradebase.errors import Conflict, ImportRejected, InvalidInput, RowError
from tradebase.registry import indicators, schemas
from tradebase.registry.models import Base, IndicatorFact, Source
from tradebase.registry.transfer import export_file, import_file

ARTICLES = {"000_5b35a5ebd794a189", "001_3388ec278a7de759", "002_820f995f7a0f82cf",
            "003_93c45358806676ea", "004_e8f15583c4f9aee7"}
HEADER = ("base,metric,value,currency,unit,year,source_title,source_url,source_quote,"
          "source_publisher,source_date,source_language")


def _base(session: Session, key: str = "sources-test") -> Base:
    base = Base(key=key, name_zh="来源测试基地", name_en="Sources test base")
    session.add(base)
    session.flush()
    return base


def _fact(session: Session, base: Base, metric: str = "employees",
          **source: object) -> IndicatorFact:
    return indicators.create_indicator(session=session, data=schemas.IndicatorCreate(
        base_id=base.id, metric=metric, value=100, unit="persons",
        source=schemas.Source.model_validate(source)))


def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "facts.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Source)) or 0


# --- the service ----------------------------------------------------------------------------


def test_a_citation_names_one_source_however_many_facts_cite_it(session: Session) -> None:
    base = _base(session)
    before = _count(session)
    first = _fact(session, base, title="Bulletin", url="https://example.org/b",
                  publisher="County bureau", date="2021-07-23", language="zh", quote="甲")
    second = _fact(session, base, metric="enterprises", url="https://example.org/b", quote="乙")
    third = _fact(session, base, metric="colleges", title="Bulletin",
                  publisher="County bureau")
    assert first.source_id == second.source_id == third.source_id
    assert _count(session) == before + 1
    assert first.source is not None
    assert (first.source.published_on, first.source.language) == (date(2021, 7, 23), "zh")
    assert (first.source_quote, second.source_quote) == ("甲", "乙")  # quotes are the facts'
    untitled = _fact(session, base, metric="visitors", language="sv")
    again = _fact(session, base, metric="cities_shown", language="sv")
    assert untitled.source_id == again.source_id != first.source_id
    assert _fact(session, base, metric="key_projects").source_id \
        is None  # a fact that names no source cites none


def test_a_citation_that_contradicts_its_source_is_refused(session: Session) -> None:
    base = _base(session)
    _fact(session, base, url="https://example.org/c", date="2020-10-14", language="en")
    with pytest.raises(Conflict) as caught:
        _fact(session, base, metric="enterprises", url="https://example.org/c",
              date="2020-10-15")
    assert (caught.value.field, caught.value.code) == ("source.date", "source.conflict")
    assert caught.value.params["stored"] == "2020-10-14"
    with pytest.raises(InvalidInput) as unknown:
        _fact(session, base, metric="colleges", id="no-such-source")
    assert unknown.value.field == "source.id"


@pytest.mark.parametrize(("field", "value"), [
    ("url", "javascript:alert(1)"), ("url", "example.org/no-scheme"), ("language", "English!"),
    ("title", "x" * 301), ("publisher", "p" * 201), ("id", "../../etc"), ("date", "23/07/2021"),
])
def test_hostile_citations_are_invalid(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        schemas.Source.model_validate({field: value})


# --- import and export ------------------------------------------------------------------------


def test_import_creates_a_source_once_and_export_writes_it_back(
    session: Session, tmp_path: Path,
) -> None:
    base = _base(session)
    before = _count(session)
    path = _write(tmp_path, [
        f"{base.key},employees,120,,persons,2021,Annual report,https://example.org/ar,"
        "共有员工120人,County bureau,2022-03-01,zh",
        f"{base.key},enterprises,12,,enterprises,2021,,https://example.org/ar,,,,",
        f"{base.key},colleges,2,,colleges,2021,,,,,,de",
    ])
    summary = import_file(session=session, kind="indicators", path=path)
    assert summary.created == 3
    assert _count(session) == before + 2  # the report, and an untitled German source
    facts = [session.get(IndicatorFact, ident) for ident in summary.ids]
    assert facts[0] is not None
    assert facts[1] is not None
    assert facts[0].source_id == facts[1].source_id

    out = tmp_path / "out.csv"
    export_file(session=session, kind="indicators", path=out)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",note,source_publisher,source_date,source_language")
    assert any(line.startswith(f"{base.key},,employees,120") and
               line.endswith(",County bureau,2022-03-01,zh") for line in lines)
    demo = [line for line in lines if "2022-06-16" in line]
    assert demo  # the footwear articles' date, with its publisher and language
    assert all(line.endswith(",China News Service,2022-06-16,en") for line in demo)


def test_bad_source_cells_are_reported_with_line_and_column(
    session: Session, tmp_path: Path,
) -> None:
    base = _base(session)
    _fact(session, base, metric="visitors", url="https://example.org/stored",
          date="2020-01-01", language="en")
    before = _count(session)
    path = _write(tmp_path, [
        f"{base.key},employees,1,,persons,2020,,https://example.org/stored,,,2020-01-02,",
        f"{base.key},enterprises,1,,enterprises,2020,New,https://example.org/new,,,,en",
        f"{base.key},colleges,1,,colleges,2020,,https://example.org/new,,,,zh",
        f"{base.key},cities_shown,1,,cities,2020,,javascript:alert(1),,,,",
        f"{base.key},key_projects,1,,projects,2020,T,,,,July 2020,english",
    ])
    with pytest.raises(ImportRejected) as caught:
        import_file(session=session, kind="indicators", path=path)
    errors = caught.value.errors
    assert [(e.line, e.column) for e in errors] == [
        (2, "source_date"), (4, "source_language"), (5, "source_url"),
        (6, "source_date"), (6, "source_language")]
    assert "2020-01-01" in errors[0].reason
    assert errors[1] == RowError(4, "source_language", "line 3 cites this source with 'en', "
                                                        "not 'zh'")
    assert _count(session) == before  # nothing was written


# --- the API and the pages --------------------------------------------------------------------


def test_the_api_lists_the_demo_articles(client: TestClient) -> None:
    listed = client.get("/api/v1/sources", params={"limit": 100}).json()
    by_id = {item["id"]: item for item in listed["items"]}
    assert set(by_id) >= ARTICLES
    footwear = client.get("/api/v1/sources/002_820f995f7a0f82cf").json()
    assert footwear == by_id["002_820f995f7a0f82cf"]
    assert (footwear["publisher"], footwear["date"], footwear["language"], footwear["url"]) == (
        "China News Service", "2022-06-16", "en", "")
    assert footwear["facts"] == 7
    assert by_id["003_93c45358806676ea"]["title"] == ""  # none given: not invented
    assert client.get("/api/v1/sources/nothing-here").status_code == 404
    assert client.get("/api/v1/sources/..%2f..").status_code in (404, 422)


def test_an_indicator_cites_a_source_by_id(client: TestClient, tokens: dict[str, str]) -> None:
    bases = client.get("/api/v1/bases").json()["items"]
    anxi = next(b for b in bases if b["key"] == "anxi")
    fact = {"base_id": anxi["id"], "metric": "colleges", "value": 3, "unit": "colleges",
            "source": {"id": "000_5b35a5ebd794a189", "quote": "a sentence"}}
    created = client.post("/api/v1/indicators", json=fact, headers=auth(tokens["admin"]))
    assert created.status_code == 201, created.text
    source = created.json()["source"]
    assert (source["title"][:20], source["date"], source["language"]) == (
        "Anxi Rattan Iron Pro", "2021-07-23", "en")
    clash = {**fact, "metric": "visitors", "unit": "visitors",
             "source": {"id": "000_5b35a5ebd794a189", "language": "zh"}}
    refused = client.post("/api/v1/indicators", json=clash, headers=auth(tokens["admin"]))
    assert refused.status_code == 409
    assert refused.json()["error"]["field"] == "source.language"


def test_the_base_page_cites_each_figure_to_its_article(client: TestClient) -> None:
    bases = client.get("/api/v1/bases").json()["items"]
    xuzhou = next(b for b in bases if b["key"] == "xuzhou_glass")
    zh = client.get(f"/bases/{xuzhou['id']}", headers={"Accept-Language": "zh"}).text
    assert 'id="source-003_93c45358806676ea"' in zh
    assert 'href="#source-003_93c45358806676ea"' in zh
    assert "瑞典语" in zh  # the article's language by name
    assert 'lang="sv"' in zh
    assert "Det finns 252 registrerade företag" in zh
    en = client.get(f"/bases/{xuzhou['id']}", headers={"Accept-Language": "en"}).text
    assert "Swedish" in en
    assert "Untitled article" in en
    assert "Tradebase product brief" not in en
    footwear = next(b for b in bases if b["key"] == "putian_quanzhou_footwear")
    row = client.get(f"/bases/{footwear['id']}", headers={"Accept-Language": "en"}).text
    row = row.split('data-metric="docking_intention_value"', 1)[1].split("</tr>", 1)[0]
    assert "undated as published" in row  # the year is the article's, not the figure's
    assert "source dated 2022-06-16" in row
    assert "exceeded 6.5 million pairs" in row


def test_quotes_render_as_text(session: Session, client: TestClient) -> None:
    base = _base(session, "quote-test")
    fact = _fact(session, base, title="<b>Report</b>", language="en")
    fact.source_quote = "**bold** <script>alert(1)</script>"
    session.flush()
    page = client.get(f"/bases/{base.id}", headers={"Accept-Language": "en"}).text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Report&lt;/b&gt;" in page
