"""The ranking engine against hand-computed cases: each normalisation, ties, both missing
rules, thresholds, growth, per employee, value selection by year, and scheme files refused
with what and where."""

from __future__ import annotations

import json

import pytest

from tradebase.analytics.ranking import Fact, Subject, average_ranks, normalise, rank_bases
from tradebase.analytics.scheme_file import Normalise, Scheme, parse_scheme, scheme_digest
from tradebase.errors import InvalidInput

A, B, C = Subject(1, "a"), Subject(2, "b"), Subject(3, "c")
_ids = iter(range(1, 10_000))


def fact(base: int, metric: str, value: float, year: int | None = 2023,
         currency: str | None = None, comparable: float | None = None) -> Fact:
    return Fact(next(_ids), base, metric, value, currency, year,
                value if comparable is None else comparable)


def scheme(*indicators: dict[str, object], missing: str = "zero_flagged",
           year: int | None = None) -> Scheme:
    data: dict[str, object] = {"name": "t", "missing": missing, "indicators": list(indicators)}
    if year is not None:
        data["year"] = year
    return parse_scheme(data)


def test_minmax() -> None:
    assert normalise({1: 10, 2: 20, 3: 40}, Normalise.MINMAX) == {1: 0, 2: 1 / 3, 3: 1}
    assert normalise({1: 5, 2: 5}, Normalise.MINMAX) == {1: 1, 2: 1}


def test_zscore_uses_the_population_standard_deviation() -> None:
    # mean 20, population variance ((−10)² + 0 + 10²) / 3 = 66.67, σ = 8.165
    got = normalise({1: 10, 2: 20, 3: 30}, Normalise.ZSCORE)
    assert got[1] == pytest.approx(-10 / (200 / 3) ** 0.5)
    assert got[2] == 0
    assert normalise({1: 3, 2: 3}, Normalise.ZSCORE) == {1: 0, 2: 0}


def test_rank_with_average_ranks_for_ties() -> None:
    values = {1: 50, 2: 30, 3: 30, 4: 10}
    assert average_ranks(values) == {1: 1, 2: 2.5, 3: 2.5, 4: 4}
    # (n − r) / (n − 1), n = 4
    assert normalise(values, Normalise.RANK) == {1: 1, 2: 0.5, 3: 0.5, 4: 0}
    assert normalise({7: 1}, Normalise.RANK) == {7: 1}


def test_score_is_the_weighted_mean_and_the_breakdown_adds_up() -> None:
    s = scheme({"metric": "output_value", "weight": 3, "normalise": "minmax"},
               {"metric": "employees", "weight": 1, "normalise": "minmax"})
    facts = [fact(1, "output_value", 100), fact(2, "output_value", 200),
             fact(3, "output_value", 300), fact(1, "employees", 30), fact(2, "employees", 20),
             fact(3, "employees", 10)]
    result = rank_bases(s, [A, B, C], facts)
    rows = {r.base: r for r in result.ranked}
    # a: 3·0 + 1·1 = 1/4; b: 3·0.5 + 1·0.5 = 2/4; c: 3·1 + 0 = 3/4
    assert [(r.base, r.score, r.rank) for r in result.ranked] == [
        ("c", 0.75, 1), ("b", 0.5, 2), ("a", 0.25, 3)]
    assert rows["b"].breakdown == {"output_value": 0.375, "employees": 0.125}
    assert all(r.passes and r.missing == [] for r in result.ranked)


def test_missing_zero_flagged_counts_zero_and_lists_it() -> None:
    s = scheme({"metric": "output_value", "weight": 1, "normalise": "minmax"},
               {"metric": "employees", "weight": 1, "normalise": "minmax"})
    facts = [fact(1, "output_value", 100), fact(2, "output_value", 200),
             fact(3, "output_value", 300), fact(1, "employees", 10), fact(2, "employees", 20)]
    result = rank_bases(s, [A, B, C], facts)
    rows = {r.base: r for r in result.ranked}
    # employees normalised over a and b only: a 0, b 1; c's counts 0
    assert rows["c"].missing == ["employees"]
    assert rows["c"].score == 0.5
    assert rows["b"].score == 0.75
    assert rows["a"].score == 0
    assert rows["c"].breakdown == {"output_value": 0.5, "employees": 0}
    assert result.excluded == []


def test_missing_exclude_leaves_the_base_out_before_normalising() -> None:
    s = scheme({"metric": "output_value", "weight": 1, "normalise": "minmax"},
               {"metric": "employees", "weight": 1, "normalise": "minmax"}, missing="exclude")
    facts = [fact(1, "output_value", 100), fact(2, "output_value", 200),
             fact(3, "output_value", 300), fact(1, "employees", 10), fact(2, "employees", 20)]
    result = rank_bases(s, [A, B, C], facts)
    # c is left out, so output value is normalised over a (100) and b (200) only
    assert [(r.base, r.score) for r in result.ranked] == [("b", 1.0), ("a", 0.0)]
    assert [(r.base, r.missing) for r in result.excluded] == [("c", ["employees"])]


def test_equal_scores_share_a_rank() -> None:
    s = scheme({"metric": "enterprises", "weight": 1, "normalise": "rank"})
    facts = [fact(1, "enterprises", 5), fact(2, "enterprises", 9), fact(3, "enterprises", 9)]
    result = rank_bases(s, [A, B, C], facts)
    assert [(r.base, r.rank, r.score) for r in result.ranked] == [
        ("b", 1, 0.75), ("c", 1, 0.75), ("a", 3, 0.0)]


def test_thresholds_fail_below_min_or_missing() -> None:
    s = scheme({"metric": "output_value", "weight": 1, "normalise": "minmax", "min": 1e9},
               {"metric": "employees", "weight": 1, "normalise": "minmax"})
    facts = [fact(1, "output_value", 2e9), fact(2, "output_value", 5e8), fact(3, "employees", 1)]
    rows = {r.base: r for r in rank_bases(s, [A, B, C], facts).ranked}
    assert (rows["a"].passes, rows["b"].passes, rows["c"].passes) == (True, False, False)


def test_money_is_compared_by_its_comparable_value() -> None:
    s = scheme({"metric": "export_value", "weight": 1, "normalise": "minmax", "min": 700})
    facts = [fact(1, "export_value", 100, currency="USD", comparable=708.09),
             fact(2, "export_value", 650, currency="CNY")]
    rows = {r.base: r for r in rank_bases(s, [A, B], facts).ranked}
    assert rows["a"].score == 1
    assert rows["a"].passes
    assert not rows["b"].passes


def test_value_selection_by_year_latest_dated_and_undated() -> None:
    facts = [fact(1, "employees", 10, year=2021), fact(1, "employees", 20, year=2023),
             fact(1, "employees", 99, year=None), fact(2, "employees", 7, year=None)]
    latest = rank_bases(scheme({"metric": "employees", "weight": 1, "normalise": "minmax"}),
                        [A, B], facts)
    values = {r.base: r.values["employees"] for r in latest.ranked}
    assert values["a"] is not None
    assert values["a"].value == 20
    assert values["b"] is not None
    assert values["b"].value == 7
    assert values["b"].undated
    assert [r.undated for r in latest.ranked] == [[], ["employees"]]
    of_2021 = rank_bases(scheme({"metric": "employees", "weight": 1, "normalise": "minmax"},
                                year=2021), [A, B], facts)
    rows = {r.base: r for r in of_2021.ranked}
    assert rows["a"].values["employees"] is not None
    assert rows["b"].missing == ["employees"]  # an undated fact is not the year's


def test_growth_is_the_latest_year_over_the_one_before() -> None:
    s = scheme({"metric": "export_value", "weight": 1, "normalise": "minmax",
                "transform": "growth"})
    facts = [fact(1, "export_value", 100, 2022, "USD", 672.9),
             fact(1, "export_value", 150, 2023, "USD", 1062.135),
             fact(2, "export_value", 100, 2021, "CNY"), fact(2, "export_value", 120, 2023, "CNY")]
    rows = {r.base: r for r in rank_bases(s, [A, B], facts).ranked}
    value = rows["a"].values["export_value"]
    assert value is not None
    assert value.value == pytest.approx(0.5)
    assert rows["b"].missing == ["export_value"]  # 2022 is a gap: no growth


def test_per_employee_divides_by_the_same_periods_employees() -> None:
    s = scheme({"metric": "output_value", "weight": 1, "normalise": "minmax",
                "transform": "per_employee"},
               {"metric": "output_value", "weight": 1, "normalise": "minmax"})
    facts = [fact(1, "output_value", 1000, 2023), fact(1, "employees", 10, 2023),
             fact(1, "employees", 50, 2022),
             fact(2, "output_value", 600, 2023), fact(2, "employees", 3, 2022)]
    rows = {r.base: r for r in rank_bases(s, [A, B], facts).ranked}
    value = rows["a"].values["output_value:per_employee"]
    assert value is not None
    assert value.value == 100
    assert rows["b"].missing == ["output_value:per_employee"]  # no 2023 employees
    assert set(rows["a"].breakdown) == {"output_value:per_employee", "output_value:level"}


def test_bad_scheme_files_say_what_and_where() -> None:
    cases = [
        ({"missing": "exclude", "indicators": []}, "name"),
        ({"name": "x", "missing": "drop", "indicators": [{}]}, "missing"),
        ({"name": "x", "missing": "exclude", "indicators": [
            {"metric": "output_value", "weight": 1, "normalise": "mean"}]},
         "indicators[0].normalise"),
        ({"name": "x", "missing": "exclude", "indicators": [
            {"metric": "output_value", "weight": 1, "normalise": "rank"},
            {"metric": "turnover", "weight": 1, "normalise": "rank"}]}, "indicators[1].metric"),
        ({"name": "x", "missing": "exclude", "indicators": [
            {"metric": "output_value", "weight": "2", "normalise": "rank"}]},
         "indicators[0].weight"),
        ({"name": "x", "year": "2023", "missing": "exclude", "indicators": [
            {"metric": "output_value", "weight": 1, "normalise": "rank"}]}, "year"),
        ({"name": "x", "missing": "exclude", "indicators": [
            {"metric": "output_value", "weight": 1, "normalise": "rank"},
            {"metric": "output_value", "weight": 1, "normalise": "minmax"}]}, "indicators[1]"),
    ]
    for data, where in cases:
        with pytest.raises(InvalidInput) as caught:
            parse_scheme(data)
        assert caught.value.field == where, data
        assert caught.value.code == "analytics.scheme_invalid"


def test_a_file_schemes_version_is_the_sha256_of_its_canonical_json() -> None:
    one = json.loads('{"name": "x", "missing": "exclude", "indicators": []}')
    two = json.loads('{"indicators":[],"missing":"exclude","name":"x"}')
    assert scheme_digest(one) == scheme_digest(two)
    assert len(scheme_digest(one)) == 64
