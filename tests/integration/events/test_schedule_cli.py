"""``tradebase schedule FILE.json``: the file contract, defaults, bad input, --keep."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradebase.cli import app
from tradebase.events.scheduler import Meeting, check, problem_from_json

PROBLEM: dict[str, Any] = {
    "slots": 3,
    "tables": 2,
    "participants": [
        {"id": "buyer", "available": [0, 1], "max_meetings": 2},
        {"id": "f1"},
        {"id": "f2", "available": [1, 2]},
        {"id": "f3", "max_meetings": 0},
    ],
    "requests": [
        {"a": "buyer", "b": "f1", "priority": 2},
        {"a": "f1", "b": "buyer", "priority": 5},
        {"a": "buyer", "b": "f2"},
        {"a": "f1", "b": "f2", "priority": 0},
        {"a": "f3", "b": "f1"},
    ],
}


def _run(tmp_path: Path, data: object, *extra: str, raw: str | None = None) -> Any:
    file = tmp_path / "problem.json"
    file.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    return CliRunner().invoke(app, ["schedule", str(file), "--format", "json", *extra])


def _meetings(out: dict[str, Any]) -> list[Meeting]:
    return [Meeting(m["a"], m["b"], m["slot"], m["table"]) for m in out["meetings"]]


def test_file_contract_and_defaults(tmp_path: Path) -> None:
    result = _run(tmp_path, PROBLEM)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"status", "meetings", "upper_bound", "total_priority", "reason"}
    assert all(set(m) == {"a", "b", "slot", "table"} for m in out["meetings"])
    assert check(problem_from_json(PROBLEM), _meetings(out)) == []
    # buyer meets f1 and f2 (its cap), f1 meets f2; f3 may not meet; (f1, buyer) merged at 5.
    assert len(out["meetings"]) == 3
    assert out["total_priority"] == 5 + 1 + 0
    assert out["status"] == "optimal"
    assert out["upper_bound"] == 3
    assert out["reason"] is None
    assert all(0 <= m["table"] < 2 and 0 <= m["slot"] < 3 for m in out["meetings"])


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"requests": [{"a": "buyer", "b": "nobody"}]}, "requests[0].b"),
        ({"participants": [{"id": "buyer", "available": [3]}]}, "participants[0].available[0]"),
        ({"tables": -1}, "tables"),
        ({"slots": -2}, "slots"),
        ({"participants": [{"id": "x", "max_meetings": -1}]}, "participants[0].max_meetings"),
        ({"requests": [{"a": "buyer", "b": "f1", "priority": -3}]}, "requests[0].priority"),
    ],
)
def test_bad_input_exits_1_naming_the_field(
    tmp_path: Path, patch: dict[str, Any], field: str
) -> None:
    result = _run(tmp_path, {**PROBLEM, **patch})
    assert result.exit_code == 1
    assert field in result.stderr
    assert result.stdout == ""


def test_not_json_exits_1(tmp_path: Path) -> None:
    result = _run(tmp_path, None, raw="{not json")
    assert result.exit_code == 1
    assert "not a readable JSON file" in result.stderr


def test_nothing_schedulable_exits_0_with_the_reason(tmp_path: Path) -> None:
    data = {
        "slots": 2, "tables": 1,
        "participants": [{"id": "a", "available": [0]}, {"id": "b", "available": [1]}],
        "requests": [{"a": "a", "b": "b"}],
    }
    result = _run(tmp_path, data)
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["meetings"] == []
    assert out["reason"] == "no requested pair shares an available slot"


def test_keep_reschedules_around_published_meetings(tmp_path: Path) -> None:
    first = json.loads(_run(tmp_path, PROBLEM).stdout)
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps(first), encoding="utf-8")
    # Late change: f2 cancels its meeting with f1, a new request f3-f2 with f3 now allowed one.
    later = json.loads(json.dumps(PROBLEM))
    later["requests"] = [r for r in later["requests"] if {r["a"], r["b"]} != {"f1", "f2"}]
    later["participants"][3]["max_meetings"] = 1
    later["requests"].append({"a": "f3", "b": "f2", "priority": 4})
    result = _run(tmp_path, later, "--keep", str(previous))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert check(problem_from_json(later), _meetings(out)) == []
    kept = [m for m in first["meetings"] if {m["a"], m["b"]} != {"f1", "f2"}]
    assert all(m in out["meetings"] for m in kept)
    assert any({m["a"], m["b"]} == {"f3", "f2"} for m in out["meetings"])


def test_keep_file_with_a_bad_field_exits_1(tmp_path: Path) -> None:
    previous = tmp_path / "previous.json"
    previous.write_text(json.dumps({"meetings": [{"a": "buyer", "b": "f1", "slot": -1,
                                                  "table": 0}]}), encoding="utf-8")
    result = _run(tmp_path, PROBLEM, "--keep", str(previous))
    assert result.exit_code == 1
    assert "meetings[0].slot" in result.stderr


def test_table_format(tmp_path: Path) -> None:
    file = tmp_path / "problem.json"
    file.write_text(json.dumps(PROBLEM), encoding="utf-8")
    result = CliRunner().invoke(app, ["schedule", str(file)])
    assert result.exit_code == 0
    assert "optimal" in result.stdout
    assert "buyer" in result.stdout
