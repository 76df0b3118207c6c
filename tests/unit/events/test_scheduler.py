"""The meeting scheduler against brute force, the independent checker, the rules and --keep."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradebase.events.scheduler import (
    Meeting,
    MeetingRequest,
    Participant,
    Problem,
    ProblemError,
    Rules,
    check,
    problem_from_json,
    schedule,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw: st.DrawFn, *, rules: bool = False) -> Problem:
    slots = draw(st.integers(1, 3))
    n = draw(st.integers(2, 6))
    people = []
    langs = ["zh", "en", "de"]
    for i in range(n):
        available = draw(st.none() | st.frozensets(st.integers(0, slots - 1)))
        cap = draw(st.none() | st.integers(0, 3))
        spoken: frozenset[str] = frozenset()
        if rules:
            spoken = frozenset(draw(st.lists(st.sampled_from(langs), max_size=2)))
        people.append(Participant(f"p{i}", available, cap, spoken))
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=8))
    requests = tuple(
        MeetingRequest(f"p{a}", f"p{b}", draw(st.integers(0, 4))) for a, b in chosen
    )
    tables = draw(st.integers(1, 3))
    rule = Rules()
    if rules:
        interp = tuple((lang, draw(st.integers(0, 1))) for lang in langs)
        breaks = draw(st.frozensets(st.integers(0, slots - 1), max_size=1))
        rule = Rules(True, interp, (), breaks)
    return Problem(slots, tables, tuple(people), requests, rule)


def brute_force(problem: Problem) -> tuple[int, int]:
    """The best (meetings, priority) over every assignment of pairs to slots (or none)."""
    prio: dict[frozenset[str], int] = {}
    first: dict[frozenset[str], tuple[str, str]] = {}
    for r in problem.requests:
        key = frozenset((r.a, r.b))
        prio[key] = max(prio.get(key, 0), r.priority)
        first.setdefault(key, (r.a, r.b))
    keys = list(prio)
    best = (0, 0)
    for choice in itertools.product(range(-1, problem.slots), repeat=len(keys)):
        per_slot: dict[int, int] = {}
        meetings = []
        for key, s in zip(keys, choice, strict=True):
            if s >= 0:
                table = per_slot.get(s, 0)
                per_slot[s] = table + 1
                meetings.append(Meeting(*first[key], s, table))
        score = (len(meetings), sum(prio[frozenset((m.a, m.b))] for m in meetings))
        if score > best and not check(problem, meetings):
            best = score
    return best


@SETTINGS
@given(problems())
def test_optimal_against_brute_force(problem: Problem) -> None:
    result = schedule(problem, time_limit=20)
    assert check(problem, result.meetings) == []
    got = (len(result.meetings), result.total_priority)
    assert got == brute_force(problem)
    assert result.upper_bound >= len(result.meetings)
    assert (result.status == "optimal") == (len(result.meetings) == result.upper_bound) or (
        result.status == "optimal"
    )
    assert (result.reason is None) == bool(result.meetings)


@SETTINGS
@given(problems(rules=True))
def test_rules_against_brute_force(problem: Problem) -> None:
    result = schedule(problem, time_limit=20)
    assert check(problem, result.meetings) == []
    assert (len(result.meetings), result.total_priority) == brute_force(problem)


@SETTINGS
@given(problems(), st.data())
def test_rescheduling_keeps_every_still_valid_meeting(
    problem: Problem, data: st.DataObject
) -> None:
    first = schedule(problem, time_limit=20)
    # Late changes: some requests cancelled, some participants gone, one new request.
    cancelled = data.draw(st.sets(st.integers(0, max(0, len(problem.requests) - 1))))
    requests = [r for i, r in enumerate(problem.requests) if i not in cancelled]
    ids = [p.id for p in problem.participants]
    a, b = data.draw(st.sampled_from(list(itertools.permutations(ids, 2))))
    requests.append(MeetingRequest(a, b, 3))
    later = Problem(problem.slots, problem.tables, problem.participants, tuple(requests))
    again = schedule(later, keep=first.meetings, time_limit=20)
    assert check(later, again.meetings) == []
    wanted = {frozenset((r.a, r.b)) for r in requests}
    still_valid = [m for m in first.meetings if frozenset((m.a, m.b)) in wanted]
    # Each still-requested meeting was valid before and nothing else changed: all stay put.
    assert set(still_valid) <= set(again.meetings)


@SETTINGS
@given(problems(rules=True), st.data())
def test_search_keeps_kept_meetings_and_stays_valid(problem: Problem, data: st.DataObject) -> None:
    """The path of large events (ruin and recreate instead of CP-SAT), on small ones."""
    first = schedule(problem, time_limit=0.5, exact_up_to=0)
    assert check(problem, first.meetings) == []
    assert len(first.meetings) <= first.upper_bound
    dropped = data.draw(st.sets(st.integers(0, max(0, len(problem.requests) - 1))))
    requests = tuple(r for i, r in enumerate(problem.requests) if i not in dropped)
    later = Problem(problem.slots, problem.tables, problem.participants, requests, problem.rules)
    again = schedule(later, keep=first.meetings, time_limit=0.5, exact_up_to=0)
    assert check(later, again.meetings) == []
    wanted = {frozenset((r.a, r.b)) for r in requests}
    assert {m for m in first.meetings if frozenset((m.a, m.b)) in wanted} <= set(again.meetings)


def test_same_input_same_schedule() -> None:
    people = tuple(
        Participant(f"p{i}", frozenset(range(i % 3, 6)), 2 + i % 3) for i in range(12)
    )
    requests = tuple(
        MeetingRequest(f"p{i}", f"p{j}", (i * j) % 4)
        for i in range(12) for j in range(i + 1, 12) if (i + j) % 3 == 0
    )
    problem = Problem(6, 3, people, requests)
    for exact_up_to in (0, 3000):
        runs = {schedule(problem, exact_up_to=exact_up_to, time_limit=1) for _ in range(2)}
        assert len(runs) == 1
        assert check(problem, next(iter(runs)).meetings) == []


def test_pair_both_ways_is_one_pair_with_the_larger_priority() -> None:
    problem = problem_from_json({
        "slots": 2, "tables": 1,
        "participants": [{"id": "a"}, {"id": "b"}],
        "requests": [{"a": "a", "b": "b", "priority": 2}, {"a": "b", "b": "a", "priority": 5}],
    })
    result = schedule(problem)
    assert len(result.meetings) == 1
    assert result.total_priority == 5
    assert result.status == "optimal"
    assert result.upper_bound == 1


def test_tables_bind_and_priority_decides() -> None:
    people = tuple(Participant(f"p{i}") for i in range(4))
    requests = (MeetingRequest("p0", "p1", 1), MeetingRequest("p2", "p3", 4))
    result = schedule(Problem(1, 1, people, requests))
    assert [(m.a, m.b) for m in result.meetings] == [("p2", "p3")]
    assert result.upper_bound == 1
    assert result.status == "optimal"


def test_languages_need_an_interpreter_and_interpreters_are_limited() -> None:
    people = (
        Participant("buyer-de", languages=frozenset({"de"})),
        Participant("f1", languages=frozenset({"zh"})),
        Participant("f2", languages=frozenset({"zh", "de"})),
        Participant("buyer-es", languages=frozenset({"es"})),
    )
    requests = (
        MeetingRequest("buyer-de", "f1"), MeetingRequest("buyer-de", "f2"),
        MeetingRequest("buyer-es", "f1"),
    )
    none = Problem(2, 4, people, requests, Rules(languages=True))
    result = schedule(none)
    assert {(m.a, m.b) for m in result.meetings} == {("buyer-de", "f2")}
    one = Problem(1, 4, people, requests, Rules(languages=True, interpreters=(("zh", 1),)))
    result = schedule(one)
    assert check(one, result.meetings) == []
    assert len(result.meetings) == 2  # one slot: de-f2 without, and one of the others with zh
    broken = [Meeting("buyer-de", "f1", 0, 0), Meeting("buyer-es", "f2", 0, 1)]
    assert any("interpreter" in v for v in check(none, broken))


def test_sessions_and_breaks() -> None:
    rules = Rules(sessions=(("morning", 0, 1), ("afternoon", 2, 3)), breaks=frozenset({1}))
    people = (
        Participant("a", sessions=frozenset({"morning"})),
        Participant("b"),
        Participant("c", sessions=frozenset({"afternoon"})),
    )
    requests = (MeetingRequest("a", "b"), MeetingRequest("a", "c"), MeetingRequest("b", "c"))
    problem = Problem(4, 2, people, requests, rules)
    result = schedule(problem)
    assert check(problem, result.meetings) == []
    slots = {(m.a, m.b): m.slot for m in result.meetings}
    assert slots[("a", "b")] == 0
    assert ("a", "c") not in slots
    assert slots[("b", "c")] in {2, 3}
    assert check(problem, [Meeting("a", "b", 1, 0)])  # a break


def test_empty_schedule_says_why() -> None:
    people = (Participant("a", frozenset({0})), Participant("b", frozenset({1})))
    result = schedule(Problem(2, 1, people, (MeetingRequest("a", "b"),)))
    assert result.meetings == ()
    assert result.reason == "no requested pair shares an available slot"
    assert result.status == "optimal"
    assert result.upper_bound == 0


def test_checker_finds_each_kind_of_violation() -> None:
    people = (Participant("a", frozenset({0}), 1), Participant("b"), Participant("c"))
    problem = Problem(2, 1, people, (MeetingRequest("a", "b"), MeetingRequest("b", "c")))
    cases = {
        "not available": [Meeting("a", "b", 1, 0)],
        "not requested": [Meeting("a", "c", 0, 0)],
        "already has a meeting": [Meeting("a", "b", 0, 0), Meeting("b", "c", 0, 0)],
        "more than once": [Meeting("a", "b", 0, 0), Meeting("b", "a", 0, 0)],
        "table out of range": [Meeting("b", "c", 0, 1)],
        "slot out of range": [Meeting("b", "c", 2, 0)],
    }
    for words, meetings in cases.items():
        assert any(words in v for v in check(problem, meetings)), words


def test_bad_input_names_the_field() -> None:
    base = {"slots": 2, "tables": 1, "participants": [{"id": "a"}, {"id": "b"}],
            "requests": [{"a": "a", "b": "b"}]}
    cases = [
        ({"requests": [{"a": "a", "b": "zz"}]}, "requests[0].b"),
        (
            {"participants": [{"id": "a", "available": [2]}, {"id": "b"}]},
            "participants[0].available[0]",
        ),
        ({"tables": -1}, "tables"),
        (
            {"participants": [{"id": "a", "max_meetings": -2}, {"id": "b"}]},
            "participants[0].max_meetings",
        ),
        ({"requests": [{"a": "a", "b": "b", "priority": -1}]}, "requests[0].priority"),
        ({"slots": "3"}, "slots"),
    ]
    for patch, field in cases:
        with pytest.raises(ProblemError) as caught:
            problem_from_json({**base, **patch})
        assert caught.value.field == field


def test_rule_keys_of_the_file() -> None:
    data = {
        "slots": 4, "tables": 2,
        "sessions": {"morning": [0, 1], "afternoon": [2, 3]}, "breaks": [1],
        "interpreters": {"de": 1},
        "participants": [
            {"id": "buyer", "languages": ["de"], "sessions": ["afternoon"]},
            {"id": "f1", "languages": ["zh"]},
        ],
        "requests": [{"a": "buyer", "b": "f1"}],
    }
    problem = problem_from_json(data)
    assert problem.rules == Rules(
        True, (("de", 1),), (("afternoon", 2, 3), ("morning", 0, 1)), frozenset({1})
    )
    result = schedule(problem)
    assert check(problem, result.meetings) == []
    assert [m.slot for m in result.meetings] in ([2], [3])
    for patch, field in [
        ({"participants": [{"id": "x", "sessions": ["evening"]}]}, "participants[0].sessions[0]"),
        ({"sessions": {"morning": [3, 1]}}, "sessions.morning"),
        ({"breaks": [9]}, "breaks[0]"),
        ({"interpreters": {"de": -1}}, "interpreters.de"),
        ({"groups": [{"members": ["buyer", "f1"]}]}, "groups[0].id"),
    ]:
        with pytest.raises(ProblemError) as caught:
            problem_from_json({**data, **patch})
        assert caught.value.field == field
