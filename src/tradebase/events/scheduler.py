"""The 1:1 meeting scheduler of a docking day: plain data in, plain data out (docs/events.md).

Participants have the slots they are available in and a cap on their meetings; requests are
pairs with a priority. A schedule gives each chosen pair a slot and a table such that nobody
has two meetings in a slot, both sides are available, a slot holds at most ``tables``
meetings, a pair meets at most once and nobody passes their cap. It maximises the number of
meetings, then the total priority, and reports a proven upper bound on the number of meetings
(the LP relaxation of the time-indexed model, :mod:`._bound`).

How: the LP relaxation solved by PDLP, its bound proven from the duals, and its pairs and
slots rounded into a schedule and repaired by moving blocking meetings (:mod:`._greedy`);
then, on large events, a seeded ruin-and-recreate search with a round budget, and on small
ones CP-SAT on the exact model, warm-started, with the bound as a cut (:mod:`._cpsat`). When
the rounding already reaches the bound (and priorities are all equal) it stops there.

Optional rules (:class:`Rules`): languages and interpreters, sessions and breaks. Kept
meetings (rescheduling) stay in their slot and table when still valid.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tradebase.events import _greedy, _groups
from tradebase.events._check import violations
from tradebase.events._columns import build_columns
from tradebase.events._instance import Assignment, Instance
from tradebase.events._problem_json import (
    ProblemError,
    group_meetings_from_json,
    meetings_from_json,
    problem_from_json,
)
from tradebase.events._schedule_types import (
    Group,
    GroupLeftOut,
    GroupMeeting,
    Meeting,
    MeetingRequest,
    Participant,
    Problem,
    Rules,
    Schedule,
    effective_slots,
    needs_interpreter,
)

if TYPE_CHECKING:
    from tradebase.events._cpsat import Outcome

__all__ = [
    "Group",
    "GroupLeftOut",
    "GroupMeeting",
    "Meeting",
    "MeetingRequest",
    "Participant",
    "Problem",
    "ProblemError",
    "Rules",
    "Schedule",
    "check",
    "first_fit_schedule",
    "group_meetings_from_json",
    "meetings_from_json",
    "plain_cpsat_schedule",
    "priority_upper_bound",
    "problem_from_json",
    "schedule",
    "schedule_to_json",
]


def default_time_limit(problem: Problem) -> float:
    """What reaches the bench's targets: 10 s for 1,000 requests, 18 s for 4,000, 28 s at most."""
    return min(28.0, 8.0 + len(problem.requests) / 400.0)


@dataclass
class _Built:
    inst: Instance
    reason: str | None
    keep_dropped: list[Meeting] = field(default_factory=list)
    kept_as: dict[int, Meeting] = field(default_factory=dict)
    """A kept meeting as it was published (its a and b in the same order)."""


def _pairs(problem: Problem) -> tuple[list[tuple[str, str]], dict[frozenset[str], int], list[int]]:
    order: list[tuple[str, str]] = []
    index: dict[frozenset[str], int] = {}
    prio: list[int] = []
    for r in problem.requests:
        key = frozenset((r.a, r.b))
        if key in index:
            prio[index[key]] = max(prio[index[key]], r.priority)
        else:
            index[key] = len(order)
            order.append((r.a, r.b))
            prio.append(r.priority)
    return order, index, prio


def _build(problem: Problem, keep: Sequence[Meeting]) -> _Built:
    ids = [p.id for p in problem.participants]
    pos = {pid: i for i, pid in enumerate(ids)}
    people = problem.participants
    slots_of = [effective_slots(problem, p) for p in people]
    cap = [
        min(problem.slots if p.max_meetings is None else p.max_meetings, len(slots_of[i]))
        for i, p in enumerate(people)
    ]
    langs = [lang for lang, n in problem.rules.interpreters if n > 0]
    lang_ix = {lang: i for i, lang in enumerate(langs)}
    order, index, prio = _pairs(problem)
    inst = Instance(
        problem.slots, problem.tables, ids, cap, [], [], prio, [], [], langs,
        [dict(problem.rules.interpreters)[lang] for lang in langs],
    )
    stage = {"shared": False, "caps": False, "language": False}
    for a_id, b_id in order:
        a, b = pos[a_id], pos[b_id]
        inst.pair_a.append(a)
        inst.pair_b.append(b)
        shared = tuple(sorted(slots_of[a] & slots_of[b]))
        interp: tuple[int, ...] | None = None
        if shared:
            stage["shared"] = True
        if shared and needs_interpreter(problem, people[a], people[b]):
            usable = (people[a].languages | people[b].languages) & set(lang_ix)
            interp = tuple(sorted(lang_ix[lang] for lang in usable))
            if not interp:
                shared = ()
        if shared:
            stage["language"] = True
        if shared and min(cap[a], cap[b]) <= 0:
            shared = ()
        if shared:
            stage["caps"] = True
        inst.cand.append(shared)
        inst.interp.append(interp)
    built = _Built(inst, _empty_reason(problem, stage))
    if problem.slots > 0 and problem.tables > 0:
        _fix_kept(built, problem, keep, pos, index)
    return built


def _empty_reason(problem: Problem, stage: dict[str, bool]) -> str | None:
    if problem.slots == 0:
        return "the event has no slots"
    if problem.tables == 0:
        return "the event has no tables"
    if not problem.requests:
        return "there are no meeting requests"
    if not stage["shared"]:
        return "no requested pair shares an available slot"
    if not stage["language"]:
        return "no requested pair that shares a slot shares a language or can have an interpreter"
    if not stage["caps"]:
        return "every requested pair has a participant who may have no meetings (max_meetings 0)"
    return None


def _fix_kept(
    built: _Built, problem: Problem, keep: Sequence[Meeting], pos: dict[str, int],
    index: dict[frozenset[str], int],
) -> None:
    """Keep each previous meeting that is still valid, in the order given; drop the rest."""
    inst = built.inst
    asg = Assignment.empty(inst)
    tables_used: set[tuple[int, int]] = set()
    for m in keep:
        e = index.get(frozenset((m.a, m.b)))
        ok = (
            e is not None and m.a in pos and m.b in pos and e not in inst.fixed
            and 0 <= m.table < inst.tables and (m.slot, m.table) not in tables_used
            and m.slot in inst.cand[e]
        )
        lang = asg.can_place(e, m.slot) if ok and e is not None else None
        if e is None or lang is None:
            built.keep_dropped.append(m)
            continue
        asg.place(e, m.slot, lang)
        inst.fixed[e] = (m.slot, m.table)
        built.kept_as[e] = m
        tables_used.add((m.slot, m.table))


def _objective(inst: Instance, asg: Assignment) -> tuple[int, int]:
    return asg.count(), asg.total_priority()


def _from_outcome(inst: Instance, out: Outcome) -> Assignment:
    asg = Assignment.empty(inst)
    for e, (s, lang) in sorted(out.slot_lang.items()):
        asg.place(e, s, lang)
    return asg


def _tables(built: _Built, asg: Assignment) -> list[Meeting]:
    inst = built.inst
    used: dict[int, set[int]] = {}
    for s, t in inst.fixed.values():
        used.setdefault(s, set()).add(t)
    meetings = []
    for e, s in enumerate(asg.slot_of):
        if s < 0:
            continue
        if e in built.kept_as:
            meetings.append(built.kept_as[e])
            continue
        taken = used.setdefault(s, set())
        table = next(t for t in range(inst.tables) if t not in taken)
        taken.add(table)
        meetings.append(Meeting(inst.ids[inst.pair_a[e]], inst.ids[inst.pair_b[e]], s, table))
    return sorted(meetings, key=lambda m: (m.slot, m.table))


def _result(built: _Built, asg: Assignment, upper: int, proven: bool) -> Schedule:
    meetings = _tables(built, asg)
    upper = max(upper, len(meetings))
    optimal = proven or len(meetings) == upper
    return Schedule(
        "optimal" if optimal else "feasible",
        tuple(meetings),
        upper,
        asg.total_priority(),
        None if meetings else (built.reason or "nothing can be scheduled"),
    )


_ROUNDS_PER_SECOND = 1500
"""The search's round budget per second of the whole limit (not of what is left after the LP,
which depends on the clock): below this machine's pace of 2,000-3,900 rounds a second, so the
budget, not the clock, normally ends it and the same input gives the same schedule."""
_EXACT_COLUMNS = 3000
"""Up to this many (pair, slot) columns, CP-SAT finishes the job and usually proves optimality."""


_pool: ProcessPoolExecutor | None = None


def _needs_isolation() -> bool:
    """OR-Tools and highspy ship the same ``libhighs.so.1`` with different symbols: whichever is
    loaded second fails. So when highspy is already loaded here (the allocation engine), the
    OR-Tools parts run in a spawned process of their own (kept for the next call)."""
    return "highspy" in sys.modules and "ortools" not in sys.modules


def _isolated(fn: Callable[..., Schedule], *args: object, **kwargs: object) -> Schedule:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _pool.submit(fn, *args, **kwargs).result()


def schedule(
    problem: Problem,
    *,
    keep: Sequence[Meeting | GroupMeeting] = (),
    time_limit: float | None = None,
    seed: int = 0,
    exact_up_to: int = _EXACT_COLUMNS,
) -> Schedule:
    """The schedule with the most meetings, then the most priority, found within the limit.

    Group meetings (``problem.groups``) are placed first (:mod:`._groups`); ``upper_bound``
    and ``status`` are about the 1:1 meetings. ``exact_up_to``: the size (pair-slot columns)
    up to which CP-SAT finishes the job; above it, the ruin-and-recreate search does.
    """
    if _needs_isolation():
        return _isolated(_schedule, problem, tuple(keep), time_limit, seed, exact_up_to)
    return _schedule(problem, tuple(keep), time_limit, seed, exact_up_to)


def _schedule(
    problem: Problem, keep: tuple[Meeting | GroupMeeting, ...], time_limit: float | None,
    seed: int, exact_up_to: int,
) -> Schedule:
    pairs_kept = tuple(m for m in keep if isinstance(m, Meeting))
    if not problem.groups:
        return _schedule_pairs(problem, pairs_kept, time_limit, seed, exact_up_to)
    groups_kept = tuple(m for m in keep if isinstance(m, GroupMeeting))
    placement = _groups.place(problem, pairs_kept, groups_kept)
    rest = _groups.pair_problem(problem, placement, pairs_kept)
    inner = _schedule_pairs(rest.problem, rest.keep, time_limit, seed, exact_up_to)
    meetings = tuple(m for m in inner.meetings if not rest.is_placeholder(m))
    # the bound of the 1:1 problem without any group: group meetings only take capacity
    # away, so it bounds the 1:1 meetings of every schedule, whatever slots the groups get
    upper = max(_pair_bound(replace(problem, groups=())), len(meetings))
    return Schedule(
        "optimal" if len(meetings) == upper else "feasible",
        meetings,
        upper,
        inner.total_priority - rest.placeholder_priority * len(placement.placed),
        None if meetings or placement.placed else (inner.reason or "nothing can be scheduled"),
        placement.placed,
        placement.left_out,
    )


def _pair_bound(problem: Problem) -> int:
    from tradebase.events import _bound

    inst = _build(problem, ()).inst
    cols = build_columns(inst)
    return _bound.whole(_bound.lp_bound(inst, cols)[0]) if len(cols) else 0


def _schedule_pairs(
    problem: Problem, keep: tuple[Meeting, ...], time_limit: float | None, seed: int,
    exact_up_to: int,
) -> Schedule:
    from tradebase.events import _bound, _cpsat  # OR-Tools, loaded on first use

    started = time.perf_counter()
    limit = default_time_limit(problem) if time_limit is None else max(0.1, time_limit)
    built = _build(problem, keep)
    inst = built.inst
    cols = build_columns(inst)
    if len(cols) == 0:
        return _result(built, _greedy.start(inst), 0, True)
    lp_value, lp_x = _bound.lp_bound(inst, cols, time_limit=limit / 2)
    upper = _bound.whole(lp_value)
    best = _greedy.repair(_greedy.rounded(inst, cols, lp_x))
    uniform = inst.uniform_priority()
    if best.count() >= upper and uniform:
        return _result(built, best, upper, True)
    remaining = max(0.1, limit - (time.perf_counter() - started))
    if len(cols) > exact_up_to:
        _greedy.ruin_and_recreate(
            best, rounds=int(_ROUNDS_PER_SECOND * limit), seconds=remaining, seed=seed,
            stop_at=upper if uniform else None,
        )
        return _result(built, best, upper, False)
    out = _cpsat.solve(inst, cols, time_limit=remaining, hint=best, upper=upper, seed=seed)
    proven = False
    if out is not None:
        candidate = _from_outcome(inst, out)
        if _objective(inst, candidate) >= _objective(inst, best):
            best = candidate
        proven = out.proven
        if out.count_bound is not None:
            upper = min(upper, max(out.count_bound, best.count()))
    return _result(built, best, upper, proven)


def first_fit_schedule(problem: Problem, *, keep: Sequence[Meeting] = ()) -> Schedule:
    """The baseline: requests in the order given, each in the first slot that fits.

    Its ``upper_bound`` is only the degree bound (no LP), so that it costs what a greedy costs.
    """
    built = _build(problem, keep)
    inst = built.inst
    asg = _greedy.first_fit(inst)
    cols = build_columns(inst)
    degree = sum(min(inst.cap[p], len(cols.by_person[p])) for p in range(len(inst.ids))) // 2
    return _result(built, asg, min(degree, inst.tables * inst.slots), False)


def plain_cpsat_schedule(problem: Problem, *, time_limit: float, seed: int = 0) -> Schedule:
    """The same model in CP-SAT alone: no LP bound, no rounding, no hint (for the bench)."""
    if _needs_isolation():
        return _isolated(plain_cpsat_schedule, problem, time_limit=time_limit, seed=seed)
    from tradebase.events import _cpsat

    built = _build(problem, ())
    inst = built.inst
    cols = build_columns(inst)
    if len(cols) == 0:
        return _result(built, _greedy.start(inst), 0, True)
    out = _cpsat.solve(inst, cols, time_limit=time_limit, seed=seed, deterministic=False)
    asg = _from_outcome(inst, out) if out is not None else Assignment.empty(inst)
    upper = out.count_bound if out is not None and out.count_bound is not None else inst.pairs
    return _result(built, asg, upper, out is not None and out.proven)


def priority_upper_bound(problem: Problem) -> int:
    """A proven bound on the total priority of any schedule (the LP with priorities as weights)."""
    if _needs_isolation():
        return int(_isolated(_priority_bound_schedule, problem).upper_bound)
    return _priority_bound_schedule(problem).upper_bound


def _priority_bound_schedule(problem: Problem) -> Schedule:
    from tradebase.events import _bound

    inst = _build(problem, ()).inst
    cols = build_columns(inst)
    weights = [float(inst.priority[e]) for e in cols.pair]
    value = _bound.lp_bound(inst, cols, weights=weights)[0] if len(cols) else 0.0
    return Schedule("feasible", (), _bound.whole(value), 0, None)


def schedule_to_json(s: Schedule, *, groups: bool = False) -> dict[str, object]:
    """The file contract's output: status, meetings, upper_bound, total_priority, reason; with
    ``groups`` (the problem had group meetings) also group_meetings and groups_left_out."""
    out: dict[str, object] = {
        "status": s.status,
        "meetings": [{"a": m.a, "b": m.b, "slot": m.slot, "table": m.table} for m in s.meetings],
        "upper_bound": s.upper_bound,
        "total_priority": s.total_priority,
        "reason": s.reason,
    }
    if groups:
        out["group_meetings"] = [
            {"group": g.group, "members": list(g.members), "slot": g.slot, "table": g.table}
            for g in s.group_meetings
        ]
        out["groups_left_out"] = [
            {"group": g.group, "reason": g.reason} for g in s.groups_left_out]
    return out


def check(
    problem: Problem, meetings: Sequence[Meeting], groups: Sequence[GroupMeeting] = (),
) -> list[str]:
    """Every rule a schedule (1:1 and group meetings) breaks, as sentences; empty when valid.

    Independent of the solvers (:mod:`._check`): it reads the problem afresh and counts.
    """
    return violations(problem, meetings, groups)
