"""``tradebase analytics rank`` prints the contract of issue 12 exactly; ``rates import``
is all-or-nothing with every bad row; ``rates list`` prints what is in force."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradebase.analytics.demo import SAMPLE_SCHEME_FILE, sample_scheme
from tradebase.cli import app


def test_rank_a_scheme_file_and_the_stored_sample(cli_database: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["demo"]).exit_code == 0
    done = runner.invoke(app, ["analytics", "rank", str(SAMPLE_SCHEME_FILE), "--format", "json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert set(out) == {"scheme", "version", "ranking"}
    canonical = json.dumps(sample_scheme(), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False)
    assert out["version"] == hashlib.sha256(canonical.encode()).hexdigest()
    rows = {row["base"]: row for row in out["ranking"]}
    assert set(rows) == {"anxi", "liaoning_textiles", "putian_quanzhou_footwear",
                         "xuzhou_glass", "zigong_lanterns"}
    anxi = rows["anxi"]
    assert set(anxi) == {"base_id", "base", "score", "rank", "breakdown", "missing", "passes"}
    assert anxi["passes"]
    assert anxi["missing"] == ["export_value"]
    assert sum(anxi["breakdown"].values()) == pytest.approx(anxi["score"])
    assert [row["rank"] for row in out["ranking"]] == sorted(r["rank"] for r in out["ranking"])

    stored = runner.invoke(app, ["analytics", "rank", "--scheme", sample_scheme()["name"]])
    assert stored.exit_code == 0, stored.output
    assert json.loads(stored.stdout)["version"] == 1
    assert json.loads(stored.stdout)["ranking"] == out["ranking"]

    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "missing": "exclude", "indicators": '
                   '[{"metric": "output_value", "weight": 1}]}', encoding="utf-8")
    refused = runner.invoke(app, ["analytics", "rank", str(bad)])
    assert refused.exit_code == 1
    assert "bad.json" in refused.stderr
    assert "indicators[0].normalise" in refused.stderr
    unknown = runner.invoke(app, ["analytics", "rank", "--scheme", "nothing"])
    assert unknown.exit_code == 1


def test_rates_import_and_list(cli_database: str, tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "rates.csv"
    good.write_text("granularity,period,currency,per_usd\nyear,2026,CNY,7.1\n", encoding="utf-8")
    done = runner.invoke(app, ["analytics", "rates", "import", str(good)])
    assert done.exit_code == 0, done.output
    assert "1 rates added" in done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("granularity,period,currency,per_usd\nyear,2027,CNY,7\nyear,2027,EU,x\n",
                   encoding="utf-8")
    refused = runner.invoke(app, ["analytics", "rates", "import", str(bad)])
    assert refused.exit_code == 1
    assert "line 3, column currency" in refused.stderr
    assert "line 3, column per_usd" in refused.stderr
    listed = runner.invoke(app, ["analytics", "rates", "list", "--kept"])
    assert listed.stdout.splitlines() == ["granularity,period,currency,per_usd,source",
                                          "year,2026,CNY,7.1,administrator"]
    cny = runner.invoke(app, ["analytics", "rates", "list", "--currency", "CNY", "--year",
                              "2023"]).stdout.splitlines()
    assert "year,2023,CNY,7.0809,default" in cny
