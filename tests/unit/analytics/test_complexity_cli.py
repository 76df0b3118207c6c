"""``tradebase analytics complexity FILE --source ... --year Y``: the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from tradebase.analytics.complexity import economic_complexity
from tradebase.analytics.trade_files import read_trade_file
from tradebase.cli import app

FIXTURES = Path(__file__).parents[2] / "fixtures" / "trade"
BACI = FIXTURES / "BACI_HS17_Y2022_V202401.csv"


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, ["analytics", "complexity", *args])


def test_baci_file_prints_the_contract() -> None:
    result = _run(str(BACI), "--source", "baci", "--year", "2022")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"year", "places", "products", "rca"}
    assert out["year"] == 2022
    assert [p["id"] for p in out["places"]] == [156, 276, 752, 842]
    assert all(set(p) == {"id", "diversity", "eci", "hhi"} for p in out["places"])
    assert [p["id"] for p in out["products"]] == ["010121", "090111", "610910", "870323"]
    assert all(set(p) == {"id", "ubiquity", "pci"} for p in out["products"])
    # China: 160.5 to the US, 310.25 to Germany (thousand USD).
    china = out["places"][0]
    assert china["hhi"] == pytest.approx((160.5 / 470.75) ** 2 + (310.25 / 470.75) ** 2)
    # RCA of China in 090111: (50 / 470.75) / (59.5 / 1940.75).
    rca = {(r["place"], r["product"]): r["rca"] for r in out["rca"]}
    assert rca[(156, "090111")] == pytest.approx((50 / 470.75) / (59.5 / 1940.75))
    assert all(value > 0 for value in rca.values())
    assert (156, "870323") not in rca
    # Every pair with RCA > 0 and nothing else; diversity counts RCA >= 1.
    data = read_trade_file(BACI, "baci", 2022)
    engine = economic_complexity(data.exports)
    assert len(rca) == int((engine.rca > 0).sum())
    assert [p["diversity"] for p in out["places"]] == engine.diversity.tolist()
    assert [p["eci"] for p in out["places"]] == pytest.approx(engine.eci.tolist())
    assert np.mean([p["eci"] for p in out["places"]]) == pytest.approx(0.0, abs=1e-12)
    assert "HS edition: HS17" in result.stderr


def test_comtrade_and_tradebase_files() -> None:
    comtrade = _run(str(FIXTURES / "comtrade_2022.tsv"), "--source", "comtrade",
                    "--year", "2022", "--hs-edition", "HS17")
    assert comtrade.exit_code == 0, comtrade.output
    assert [p["id"] for p in json.loads(comtrade.stdout)["places"]] == [156, 276, 842]
    assert "3 rows of aggregate codes" in comtrade.stderr
    assert "re-exports kept apart: 7000" in comtrade.stderr
    own = _run(str(FIXTURES / "tradebase_trade.csv"), "--source", "tradebase",
               "--year", "2023")
    assert own.exit_code == 0, own.output
    out = json.loads(own.stdout)
    assert [p["id"] for p in out["places"]] == ["base:anxi", "base:dehua", "base:jinjiang"]
    assert "not unique" in own.stderr


def test_a_malformed_file_exits_1_naming_rows_and_columns() -> None:
    result = _run(str(FIXTURES / "BACI_HS17_Y2022_bad.csv"), "--source", "baci",
                  "--year", "2022")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "line 3, column v: 'abc' is not a number" in result.stderr
    assert "line 5, column i: 'x' is not a whole number" in result.stderr


def test_a_year_without_exports_and_an_unknown_source() -> None:
    missing_year = _run(str(BACI), "--source", "baci", "--year", "2019")
    assert missing_year.exit_code == 1
    assert "no exports for 2019 (years in the file: 2022)" in " ".join(missing_year.stderr.split())
    unknown = _run(str(BACI), "--source", "oec", "--year", "2022")
    assert unknown.exit_code == 2
    assert "'oec' is not one of baci, comtrade, tradebase" in unknown.stderr


def test_one_place_has_no_eci_and_says_why(tmp_path: Path) -> None:
    file = tmp_path / "one.csv"
    file.write_text("t,i,j,k,v,q\n2022,4,8,10121,1.5,NA\n2022,4,12,20110,2,1\n",
                    encoding="utf-8")
    result = _run(str(file), "--source", "BACI", "--year", "2022")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["places"] == [{"id": 4, "diversity": 2, "eci": None,
                              "hhi": pytest.approx((1.5 / 3.5) ** 2 + (2 / 3.5) ** 2)}]
    assert [p["pci"] for p in out["products"]] == [None, None]
    assert "no ECI or PCI" in result.stderr
