"""Checks on the demo data files in src/tradebase/registry/demo/ (plain json and csv only).

bases.json holds the reference bases with the figures published in the five articles of
demo/sources/ (each figure cites one, with its sentence);
enterprises.json holds fictitious sample enterprises and products.
See src/tradebase/registry/demo/README.md.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
DEMO = REPO / "src" / "tradebase" / "registry" / "demo"
HS_CANDIDATES = [
    REPO / "src" / "tradebase" / "registry" / "hs" / "harmonized-system.csv",
    SHARED / "data" / "hs" / "harmonized-system.csv",
]
ARTICLES = DEMO / "sources"
ARTICLE_IDS = {
    "000_5b35a5ebd794a189": ("anxi", "en"),
    "001_3388ec278a7de759": ("liaoning_textiles", "en"),
    "002_820f995f7a0f82cf": ("putian_quanzhou_footwear", "en"),
    "003_93c45358806676ea": ("xuzhou_glass", "sv"),
    "004_e8f15583c4f9aee7": ("zigong_lanterns", "en"),
}

REGION_LEVELS = {"province", "city", "county"}
DESIGNATION_LEVELS = {"national", "provincial", "municipal"}
QUALIFIERS = {None, "more_than", "nearly", "about"}
CURRENCIES = {"CNY", "USD"}
SIZES = {"micro", "small", "medium", "large"}
SIZE_BOUNDS = {"micro": (1, 19), "small": (20, 299), "medium": (300, 999), "large": (1000, 10**6)}
PRODUCT_UNITS = {"pcs", "pairs", "sets", "m", "kg"}
CERTIFICATIONS = {
    "FSC",
    "ISO9001",
    "BSCI",
    "CE",
    "LFGB",
    "FDA",
    "SGS",
    "ISO14001",
    "OEKO-TEX",
    "GRS",
    "SEDEX",
    "CCC",
    "EN71",
    "UL",
    "REACH",
}
ENTERPRISE_METRICS = {"output_value", "export_value", "employees"}
FACT_FIELDS = {
    "metric", "value", "currency", "unit", "year", "month", "qualifier", "source", "quote", "note",
}
SOURCE_FIELDS = {"id", "title", "publisher", "date", "language", "url"}
MIN_ENTERPRISES_PER_BASE = {
    "anxi": 8,
    "putian_quanzhou_footwear": 8,
    "liaoning_textiles": 7,
    "xuzhou_glass": 7,
    "zigong_lanterns": 6,
}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
KEY = re.compile(r"^[a-z][a-z0-9_-]*$")
SKU = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
ALPHA2 = re.compile(r"^[A-Z]{2}$")


@cache
def bases_doc() -> dict[str, Any]:
    return json.loads((DEMO / "bases.json").read_text(encoding="utf-8"))


@cache
def enterprises() -> list[dict[str, Any]]:
    return json.loads((DEMO / "enterprises.json").read_text(encoding="utf-8"))


def base(key: str) -> dict[str, Any]:
    return next(b for b in bases_doc()["bases"] if b["key"] == key)


def facts(base_key: str, metric: str) -> list[dict[str, Any]]:
    return [f for f in base(base_key)["indicators"] if f["metric"] == metric]


def only_fact(base_key: str, metric: str) -> dict[str, Any]:
    found = facts(base_key, metric)
    assert len(found) == 1, f"{base_key}: expected one {metric} fact, found {len(found)}"
    return found[0]


def first_existing(paths: list[Path]) -> Path | None:
    return next((p for p in paths if p.is_file()), None)


def pick(record: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(record[name] for name in names)


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def all_products() -> list[dict[str, Any]]:
    return [p for e in enterprises() for p in e["products"]]


# ------------------------------------------------------------------ bases.json


def test_bases_top_level_structure() -> None:
    doc = bases_doc()
    assert set(doc) == {"sources", "regions", "industries", "bases"}


def article(source_id: str) -> str:
    return normalise_space((ARTICLES / f"{source_id}.txt").read_text(encoding="utf-8"))


def test_the_sources_are_the_five_articles_shipped_with_their_note() -> None:
    listed = {s["id"]: s for s in bases_doc()["sources"]}
    assert set(listed) == set(ARTICLE_IDS)
    assert {p.stem for p in ARTICLES.glob("*.txt")} == set(ARTICLE_IDS)
    assert "not named" in (ARTICLES / "README.md").read_text(encoding="utf-8")
    for ident, source in listed.items():
        assert set(source) == SOURCE_FIELDS, ident
        assert source["language"] == ARTICLE_IDS[ident][1], ident
        assert source["url"] is None, ident  # no address is known for any of them
        if source["title"] is not None:  # as published: its first lines
            assert normalise_space(source["title"]) in article(ident)[:300], ident
        if source["date"] is not None:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["date"]), ident
    # what the articles do not say stays unknown
    assert [listed[i]["title"] for i in sorted(listed)][3:] == [None, None]
    assert [listed[i]["date"] for i in sorted(listed)] == [
        "2021-07-23", "2020-10-14", "2022-06-16", None, None]
    assert [listed[i]["publisher"] for i in sorted(listed)] == [
        None, None, "China News Service", None, None]


def test_shipped_articles_are_the_published_ones() -> None:
    if not (SHARED / "sources").is_dir():
        pytest.skip("../shared/sources not found next to the repository")
    for ident in ARTICLE_IDS:
        shipped = (ARTICLES / f"{ident}.txt").read_bytes()
        assert shipped == (SHARED / "sources" / f"{ident}.txt").read_bytes(), ident


def test_regions_form_a_hierarchy_with_real_codes() -> None:
    regions = {r["key"]: r for r in bases_doc()["regions"]}
    assert len(regions) == len(bases_doc()["regions"]), "duplicate region keys"
    expected_codes = {
        "fujian": "350000",
        "quanzhou": "350500",
        "anxi": "350524",
        "putian": "350300",
        "liaoning": "210000",
        "jiangsu": "320000",
        "xuzhou": "320300",
        "sichuan": "510000",
        "zigong": "510300",
    }
    for key, code in expected_codes.items():
        assert regions[key]["code"] == code
    parent_level = {"city": "province", "county": "city"}
    for r in regions.values():
        assert KEY.match(r["key"])
        assert re.fullmatch(r"\d{6}", r["code"])
        assert r["name_zh"]
        assert r["name_en"]
        assert r["level"] in REGION_LEVELS
        if r["level"] == "province":
            assert r["parent"] is None
        else:
            assert regions[r["parent"]]["level"] == parent_level[r["level"]]
    assert regions["anxi"]["parent"] == "quanzhou"
    assert regions["quanzhou"]["parent"] == "fujian"


def test_bases_reference_known_industries_and_regions() -> None:
    doc = bases_doc()
    industries = {i["key"] for i in doc["industries"]}
    regions = {r["key"] for r in doc["regions"]}
    assert all(i["name_zh"] and i["name_en"] for i in doc["industries"])
    keys = [b["key"] for b in doc["bases"]]
    assert sorted(keys) == sorted(MIN_ENTERPRISES_PER_BASE)
    for b in doc["bases"]:
        assert b["industry"] in industries
        assert b["regions"]
        assert set(b["regions"]) <= regions
        for field in ("name_zh", "name_en", "description_zh", "description_en"):
            assert isinstance(b[field], str), (b["key"], field)
            assert b[field], (b["key"], field)
    assert base("putian_quanzhou_footwear")["regions"] == ["putian", "quanzhou"]


def test_designations_are_well_formed() -> None:
    for b in bases_doc()["bases"]:
        for d in b["designations"]:
            assert SNAKE.match(d["kind"]), d
            assert d["level"] in DESIGNATION_LEVELS, d
            for field in ("title_zh", "title_en", "issuing_body_zh", "issuing_body_en"):
                assert isinstance(d[field], str), (d, field)
                assert d[field], (d, field)
            assert d["year"] is None or isinstance(d["year"], int), d
    anxi = {d["kind"]: d for d in base("anxi")["designations"]}
    mofcom = anxi["foreign_trade_transformation_upgrading_base"]
    assert (mofcom["year"], mofcom["issuing_body_en"]) == (2021, "Ministry of Commerce")


def test_base_indicator_facts_are_well_formed() -> None:
    for b in bases_doc()["bases"]:
        seen = set()
        for f in b["indicators"]:
            where = (b["key"], f["metric"])
            assert set(f) == FACT_FIELDS, where
            assert SNAKE.match(f["metric"]), where
            assert type(f["value"]) in (int, float), where
            assert f["qualifier"] in QUALIFIERS, where
            assert f["year"] is None or isinstance(f["year"], int), where
            assert f["month"] is None or (f["year"] is not None and 1 <= f["month"] <= 12), where
            assert isinstance(f["quote"], str), where
            assert f["quote"], where
            assert f["source"] in ARTICLE_IDS, where
            assert f["note"] is None or isinstance(f["note"], str), where
            assert f["note"] != "", where
            identity = (f["metric"], f["year"], f["month"], f["note"])
            assert identity not in seen, f"duplicate fact {where}"
            seen.add(identity)


def test_money_facts_have_currency_and_other_facts_a_unit() -> None:
    every_fact = [f for b in bases_doc()["bases"] for f in b["indicators"]]
    every_fact += [f for e in enterprises() for f in e["indicators"]]
    for f in every_fact:
        if f["currency"] is not None:
            assert f["currency"] in CURRENCIES, f
            assert f["unit"] is None, f
        else:
            assert isinstance(f["unit"], str), f
            assert f["unit"], f
        if f["unit"] == "%":
            assert 0 <= f["value"] <= 100, f


def test_every_quote_is_a_sentence_of_its_article() -> None:
    for b in bases_doc()["bases"]:
        for f in b["indicators"]:
            where = (b["key"], f["metric"])
            assert ARTICLE_IDS[f["source"]][0] == b["key"], where
            quote = normalise_space(f["quote"])
            assert quote in article(f["source"]), (*where, quote)
            assert quote[0].isupper() or quote[0].isdigit(), where  # a whole sentence
            assert quote.endswith("."), where
            assert not re.search(r"[*_`#]", quote), where  # text, no markdown


def test_where_the_brief_and_an_article_differ_the_article_wins() -> None:
    growth = only_fact("zigong_lanterns", "growth_rate")
    assert growth["qualifier"] == "nearly"  # the brief says "about"
    assert "nearly 70%" in growth["quote"]
    visitors = only_fact("zigong_lanterns", "visitors")
    assert (visitors["value"], visitors["qualifier"]) == (4e8, "more_than")  # brief: none
    assert "exceeded 400 million" in visitors["quote"]
    assert only_fact("xuzhou_glass", "years_of_history")["qualifier"] == "more_than"
    assert "mer än 40 år" in only_fact("xuzhou_glass", "years_of_history")["quote"]


def test_a_year_known_only_from_the_post_date_is_not_a_period() -> None:
    # The footwear docking event: "June 15" in the dateline, 2022 only as the article's date.
    for metric in ("docking_intention_companies", "docking_intention_quantity",
                   "docking_intention_value"):
        fact = only_fact("putian_quanzhou_footwear", metric)
        assert (fact["year"], fact["month"]) == (None, None), metric
    # Anxi's 2020 is in the sentence itself.
    assert "In 2020" in only_fact("anxi", "output_value")["quote"]
    dated = [(b["key"], f["metric"]) for b in bases_doc()["bases"] for f in b["indicators"]
             if f["year"] is not None]
    assert {key for key, _ in dated} == {"anxi"}


def test_anxi_published_figures() -> None:
    money = ("value", "currency", "unit", "year", "qualifier")
    counted = ("value", "unit", "currency", "year", "qualifier")
    assert pick(only_fact("anxi", "output_value"), *money) == (2.0e10, "CNY", None, 2020, None)
    assert pick(only_fact("anxi", "import_export_value"), *money) == (
        1.7e9,
        "CNY",
        None,
        2020,
        None,
    )
    firms = only_fact("anxi", "enterprises")
    assert pick(firms, *counted) == (2200, "enterprises", None, None, "more_than")
    assert pick(only_fact("anxi", "employees"), "value", "currency", "year") == (150000, None, None)
    countries = only_fact("anxi", "destination_countries")
    assert pick(countries, "value", "qualifier", "year") == (60, "more_than", None)


def test_footwear_docking_event_facts() -> None:
    key = "putian_quanzhou_footwear"
    fields = ("value", "unit", "currency", "qualifier", "year", "month")
    companies = only_fact(key, "docking_intention_companies")
    assert pick(companies, *fields) == (6, "companies", None, None, None, None)
    quantity = only_fact(key, "docking_intention_quantity")
    assert pick(quantity, *fields) == (6.5e6, "pairs", None, "more_than", None, None)
    value = only_fact(key, "docking_intention_value")
    assert pick(value, *fields) == (3.0e8, None, "CNY", "about", None, None)


def test_other_bases_key_figures() -> None:
    fields = ("value", "currency", "unit", "qualifier", "year")
    xuzhou = only_fact("xuzhou_glass", "output_value")
    assert pick(xuzhou, *fields) == (5.4e10, "CNY", None, "nearly", None)
    exports = only_fact("zigong_lanterns", "export_value")
    assert pick(exports, *fields) == (2.0e7, "USD", None, "more_than", None)
    growth = only_fact("zigong_lanterns", "growth_rate")
    assert pick(growth, *fields) == (70, None, "%", "nearly", None)
    share = only_fact("liaoning_textiles", "exporter_coverage_share")
    assert pick(share, *fields) == (80, None, "%", None, None)


def test_key_lists_point_to_sample_enterprises_and_say_so() -> None:
    sample_keys = {e["key"] for e in enterprises()}
    for b in bases_doc()["bases"]:
        for entry in b["key_enterprises"]:
            assert "(sample entries)" in entry["list_title_en"], entry
            assert entry["enterprise"] is None or entry["enterprise"] in sample_keys, entry
            assert entry["name_en"].endswith("(sample)"), entry
        for entry in b["key_projects"]:
            assert "(sample entries)" in entry["list_title_en"], entry
            assert "sample" in entry["name_en"], entry


def test_every_metric_is_documented_in_the_readme() -> None:
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    used = {f["metric"] for b in bases_doc()["bases"] for f in b["indicators"]}
    used |= {f["metric"] for e in enterprises() for f in e["indicators"]}
    missing = sorted(m for m in used if f"`{m}`" not in readme)
    assert not missing, f"metrics missing from README.md: {missing}"


# ------------------------------------------------------------------ enterprises.json


def test_enterprise_counts() -> None:
    assert len(enterprises()) >= 30
    assert len(all_products()) >= 300
    per_base = Counter(e["base"] for e in enterprises())
    for key, minimum in MIN_ENTERPRISES_PER_BASE.items():
        assert per_base[key] >= minimum, key
    footwear = [e for e in enterprises() if e["base"] == "putian_quanzhou_footwear"]
    footwear_regions = Counter(e["region"] for e in footwear)
    assert footwear_regions["putian"] >= 1
    assert footwear_regions["quanzhou"] >= 1


def test_enterprises_are_well_formed_and_clearly_samples() -> None:
    regions_by_base = {b["key"]: set(b["regions"]) for b in bases_doc()["bases"]}
    keys = [e["key"] for e in enterprises()]
    assert len(keys) == len(set(keys))
    for e in enterprises():
        where = e["key"]
        assert KEY.match(e["key"]), where
        assert e["name_en"].endswith("(sample)"), where
        assert e["name_zh"].endswith("（示例）"), where
        assert e["region"] in regions_by_base[e["base"]], where
        assert e["size"] in SIZES, where
        low, high = SIZE_BOUNDS[e["size"]]
        assert isinstance(e["employees"], int), where
        assert low <= e["employees"] <= high, where
        assert isinstance(e["founded"], int), where
        assert 1949 <= e["founded"] <= 2024, where
        assert set(e["certifications"]) <= CERTIFICATIONS, where
        assert e["markets"], where
        assert all(ALPHA2.match(m) for m in e["markets"]), where
        assert e["contact"]["name"], where
        assert e["contact"]["email"].endswith("@example.com"), where
        assert e["contact"]["phone"].startswith("+86 "), where
        assert e["website"] is None, where
        assert e["description_en"], where
        assert e["description_zh"], where
        assert 8 <= len(e["products"]) <= 12, where


def test_products_are_well_formed() -> None:
    for e in enterprises():
        for p in e["products"]:
            where = (e["key"], p["sku"])
            assert SKU.match(p["sku"]), where
            assert p["title"], where
            assert p["titles"]["zh"], where
            assert p["description"], where
            assert p["unit"] in PRODUCT_UNITS, where
            for field in ("moq", "monthly_capacity", "lead_time_days"):
                assert isinstance(p[field], int), (where, field)
                assert p[field] > 0, (where, field)
            assert p["moq"] <= p["monthly_capacity"], where
            assert set(p["certifications"]) <= set(e["certifications"]), where


def test_skus_and_titles_are_unique() -> None:
    skus = Counter(p["sku"] for p in all_products())
    assert [s for s, n in skus.items() if n > 1] == []
    titles = Counter(p["title"] for p in all_products())
    assert [t for t, n in titles.items() if n > 1] == []


def test_hs_codes_are_level_six_subheadings() -> None:
    hs_path = first_existing(HS_CANDIDATES)
    if hs_path is None:
        pytest.skip("harmonized-system.csv not found (shipped copy or ../shared/data/hs/)")
    with hs_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # Level-6 rows of the TOTAL section (999999) are aggregates, not goods.
    subheadings = {r["hscode"] for r in rows if r["level"] == "6" and r["section"] != "TOTAL"}
    products = all_products()
    unknown = sorted(
        {(p["sku"], p["hs_code"]) for p in products if p["hs_code"] not in subheadings}
    )
    assert not unknown, f"hs_code not a level-6 HS 2022 subheading: {unknown}"


def test_enterprise_indicator_series() -> None:
    for e in enterprises():
        by_year: dict[int, dict[str, float]] = {}
        for f in e["indicators"]:
            assert f["metric"] in ENTERPRISE_METRICS, (e["key"], f)
            assert f["qualifier"] in QUALIFIERS, (e["key"], f)
            assert f["month"] is None, (e["key"], f)
            assert isinstance(f["year"], int), (e["key"], f)
            year = by_year.setdefault(f["year"], {})
            assert f["metric"] not in year, f"{e['key']}: two {f['metric']} values for {f['year']}"
            year[f["metric"]] = f["value"]
        assert 3 <= len(by_year) <= 5, e["key"]
        for year, values in by_year.items():
            assert set(values) == ENTERPRISE_METRICS, (e["key"], year)
            assert 0 < values["export_value"] <= values["output_value"], (e["key"], year)
        assert by_year[max(by_year)]["employees"] == e["employees"], e["key"]
