"""Group meetings (one buyer with the factories of a split order at one table), placed before
the 1:1 meetings: checked by the independent checker, the 1:1 part optimal around them
(brute force), the bound valid whatever slots the groups get, published ones kept."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.unit.events.test_scheduler import brute_force, problems
from tradebase.cli import app
from tradebase.events.scheduler import (
    Group,
    GroupMeeting,
    Meeting,
    MeetingRequest,
    Participant,
    Problem,
    ProblemError,
    Rules,
    check,
    problem_from_json,
    schedule,
    schedule_to_json,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _optimum_around(problem: Problem, groups: tuple[GroupMeeting, ...]) -> tuple[int, int]:
    """The best (1:1 meetings, priority) with these group meetings held where they are."""
    prio: dict[frozenset[str], int] = {}
    first: dict[frozenset[str], tuple[str, str]] = {}
    for r in problem.requests:
        key = frozenset((r.a, r.b))
        prio[key] = max(prio.get(key, 0), r.priority)
        first.setdefault(key, (r.a, r.b))
    keys = list(prio)
    taken = {(g.slot, g.table) for g in groups}
    best = (0, 0)
    for choice in itertools.product(range(-1, problem.slots), repeat=len(keys)):
        meetings: list[Meeting] = []
        for key, s in zip(keys, choice, strict=True):
            if s >= 0:
                table = next(t for t in itertools.count() if (s, t) not in taken
                             and all(m.slot != s or m.table != t for m in meetings))
                meetings.append(Meeting(*first[key], s, table))
        score = (len(meetings), sum(prio[frozenset((m.a, m.b))] for m in meetings))
        if score > best and not check(problem, meetings, groups):
            best = score
    return best


@st.composite
def with_groups(draw: st.DrawFn) -> Problem:
    problem = draw(problems(rules=draw(st.booleans())))
    ids = [p.id for p in problem.participants]
    groups = []
    for i in range(draw(st.integers(1, 2))):
        members = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=3, unique=True))
        groups.append(Group(f"g{i}", tuple(members), draw(st.integers(0, 3))))
    return Problem(problem.slots, problem.tables, problem.participants, problem.requests,
                   problem.rules, tuple(groups))


@SETTINGS
@given(with_groups())
def test_groups_first_then_the_best_one_to_one_schedule_around_them(problem: Problem) -> None:
    result = schedule(problem, time_limit=20)
    assert check(problem, result.meetings, result.group_meetings) == []
    placed = {g.group for g in result.group_meetings}
    left = {g.group for g in result.groups_left_out}
    assert placed | left == {g.id for g in problem.groups}
    assert not placed & left
    assert (len(result.meetings), result.total_priority) == _optimum_around(
        problem, result.group_meetings)
    without = Problem(problem.slots, problem.tables, problem.participants, problem.requests,
                      problem.rules)
    assert result.upper_bound >= brute_force(without)[0] >= len(result.meetings)


def _fair() -> Problem:
    people = tuple(Participant(pid) for pid in ("buyer", "f1", "f2", "f3", "other"))
    requests = (MeetingRequest("buyer", "f3"), MeetingRequest("f1", "other"),
                MeetingRequest("f2", "other"), MeetingRequest("buyer", "other"))
    return Problem(3, 1, people, requests, Rules(), (Group("order-7", ("buyer", "f1", "f2")),))


def test_a_group_takes_a_table_and_a_slot_of_each_member() -> None:
    problem = _fair()
    result = schedule(problem)
    assert len(result.group_meetings) == 1
    group = result.group_meetings[0]
    assert (group.group, group.members) == ("order-7", ("buyer", "f1", "f2"))
    assert check(problem, result.meetings, result.group_meetings) == []
    # one table: the group's slot holds nothing else; the two other slots one meeting each
    assert all(m.slot != group.slot for m in result.meetings)
    assert len(result.meetings) == 2
    assert result.upper_bound == 3
    assert result.status == "feasible"
    out = schedule_to_json(result, groups=True)
    assert out["group_meetings"] == [{"group": "order-7", "members": ["buyer", "f1", "f2"],
                                      "slot": group.slot, "table": 0}]
    assert "group_meetings" not in schedule_to_json(result)


def test_rescheduling_keeps_a_published_group_meeting() -> None:
    problem = _fair()
    first = schedule(problem)
    moved = GroupMeeting("order-7", ("buyer", "f1", "f2"), 2, 0)
    again = schedule(problem, keep=(moved,))
    assert again.group_meetings == (moved,)
    assert check(problem, again.meetings, again.group_meetings) == []
    assert len(again.meetings) == len(first.meetings)


def test_a_group_left_out_says_why() -> None:
    people = (Participant("buyer", frozenset({0})), Participant("f1", frozenset({1})),
              Participant("f2"))
    problem = Problem(2, 2, people, (), Rules(), (Group("g", ("buyer", "f1", "f2")),))
    result = schedule(problem)
    assert result.group_meetings == ()
    assert [(g.group, g.reason) for g in result.groups_left_out] == [
        ("g", "its members share no available slot")]
    assert result.reason is not None


def test_a_group_without_a_common_language_needs_an_interpreter() -> None:
    people = (Participant("buyer", languages=frozenset({"de"})),
              Participant("f1", languages=frozenset({"zh"})),
              Participant("f2", languages=frozenset({"zh", "en"})))
    group = (Group("g", ("buyer", "f1", "f2")),)
    none = Problem(1, 2, people, (), Rules(True, (("de", 0),)), group)
    assert [g.reason for g in schedule(none).groups_left_out] == [
        "no interpreter is free in the slots its members share"]
    one = Problem(1, 2, people, (MeetingRequest("buyer", "f2"),), Rules(True, (("de", 1),)),
                  group)
    result = schedule(one)
    assert len(result.group_meetings) == 1
    assert result.meetings == ()  # buyer is in the group; the interpreter is taken anyway
    assert check(one, result.meetings, result.group_meetings) == []


def test_groups_in_the_file_contract(tmp_path: Path) -> None:
    data = {"slots": 3, "tables": 1,
            "participants": [{"id": pid} for pid in ("buyer", "f1", "f2", "f3", "other")],
            "requests": [{"a": "buyer", "b": "f3"}, {"a": "f1", "b": "other"}],
            "groups": [{"id": "order-7", "members": ["buyer", "f1", "f2"], "priority": 2}]}
    assert problem_from_json(data).groups == (Group("order-7", ("buyer", "f1", "f2"), 2),)
    for patch, field in [
        ({"groups": [{"id": "g", "members": ["buyer", "nobody"]}]}, "groups[0].members[1]"),
        ({"groups": [{"id": "g", "members": ["buyer"]}]}, "groups[0].members"),
        ({"groups": [{"id": "g", "members": ["buyer", "buyer"]}]}, "groups[0].members[1]"),
        ({"groups": [{"id": "g", "members": ["buyer", "f1"]},
                     {"id": "g", "members": ["f2", "f1"]}]}, "groups[1].id"),
        ({"groups": [{"members": ["buyer", "f1"]}]}, "groups[0].id"),
    ]:
        with pytest.raises(ProblemError) as caught:
            problem_from_json({**data, **patch})
        assert caught.value.field == field
    path = tmp_path / "fair.json"
    path.write_text(json.dumps(data))
    runner = CliRunner()
    first = runner.invoke(app, ["schedule", str(path), "--format", "json"])
    assert first.exit_code == 0, first.output
    out = json.loads(first.output)
    assert [g["group"] for g in out["group_meetings"]] == ["order-7"]
    assert out["groups_left_out"] == []
    previous = tmp_path / "previous.json"
    previous.write_text(first.output)
    again = runner.invoke(app, ["schedule", str(path), "--format", "json", "--keep",
                                str(previous)])
    assert json.loads(again.output)["group_meetings"] == out["group_meetings"]
    table = runner.invoke(app, ["schedule", str(path)])
    assert "order-7" in table.output
    assert "group meetings" in table.output
