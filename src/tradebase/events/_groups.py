"""Group meetings: placed first, then the 1:1 problem around them (private to ``scheduler.py``).

A group (one buyer with the factories that share its split order) takes one table in one
slot, a slot of each member and one meeting of each member's cap. Groups are few and are
appointments the organiser wants held, so they are placed before the 1:1 meetings, each in
the shared slot where its members' requested counterparts are least available (where a group
costs the fewest 1:1 meetings), keeping published meetings where they are. The 1:1 problem is
then the same problem with those slots taken out of the members' availability, their caps
lowered, and each group's table held by a placeholder meeting fixed in its slot (so every
solver sees the table and interpreter it uses without knowing about groups).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tradebase.events._schedule_types import (
    Group,
    GroupLeftOut,
    GroupMeeting,
    Meeting,
    MeetingRequest,
    Participant,
    Problem,
    effective_slots,
)

_PLACEHOLDER = "\x00group"
"""Prefix of the placeholder participants' ids (a NUL never comes from the file contract:
``problem_from_json`` reads ids as JSON strings, and no caller builds ids with NUL)."""


@dataclass
class _State:
    problem: Problem
    slots_of: dict[str, frozenset[int]]
    cap: dict[str, int]
    busy: set[tuple[str, int]]
    deg: Counter[str]
    tables_used: dict[int, set[int]]
    interp_used: Counter[tuple[int, str]]
    interpreter_of: dict[str, str]
    """The interpreter language each placed group uses (absent: none)."""
    languages: dict[str, frozenset[str]]
    """The languages each participant speaks (read once, not per group and slot)."""

    def interpreter(self, group: Group, s: int) -> str | bool | None:
        """The interpreter language the group needs in slot s; None if it needs none;
        False if it needs one and none is free."""
        rules = self.problem.rules
        spoken = [self.languages[m] for m in group.members if self.languages[m]]
        if not rules.languages or len(spoken) < 2 or frozenset.intersection(*spoken):
            return None
        heard = frozenset.union(*spoken)
        free = [
            (n - self.interp_used[(s, lang)], lang)
            for lang, n in rules.interpreters
            if lang in heard and n - self.interp_used[(s, lang)] > 0
        ]
        return max(free)[1] if free else False

    def free_table(self, s: int) -> int | None:
        used = self.tables_used.get(s, set())
        return next((t for t in range(self.problem.tables) if t not in used), None)

    def take(self, group: Group, s: int, table: int, lang: str | None) -> GroupMeeting:
        for m in group.members:
            self.busy.add((m, s))
            self.deg[m] += 1
        self.tables_used.setdefault(s, set()).add(table)
        if lang is not None:
            self.interp_used[(s, lang)] += 1
            self.interpreter_of[group.id] = lang
        return GroupMeeting(group.id, group.members, s, table)


def _state(problem: Problem, kept_pairs: Sequence[Meeting]) -> _State:
    slots_of = {p.id: effective_slots(problem, p) for p in problem.participants}
    cap = {
        p.id: problem.slots if p.max_meetings is None else p.max_meetings
        for p in problem.participants
    }
    state = _State(problem, slots_of, cap, set(), Counter(), {}, Counter(), {},
                   {p.id: p.languages for p in problem.participants})
    wanted = {frozenset((r.a, r.b)) for r in problem.requests}
    for m in kept_pairs:  # published 1:1 meetings that may stay come first
        if (frozenset((m.a, m.b)) in wanted and m.a in slots_of and m.b in slots_of
                and m.slot in slots_of[m.a] & slots_of[m.b] and 0 <= m.table < problem.tables):
            state.busy.update({(m.a, m.slot), (m.b, m.slot)})
            state.deg.update((m.a, m.b))
            state.tables_used.setdefault(m.slot, set()).add(m.table)
    return state


@dataclass(frozen=True)
class Placement:
    placed: tuple[GroupMeeting, ...]
    left_out: tuple[GroupLeftOut, ...]
    interpreter_of: dict[str, str]


def place(
    problem: Problem, kept_pairs: Sequence[Meeting], kept_groups: Sequence[GroupMeeting],
) -> Placement:
    """Each group's slot and table (published ones kept when still valid), and those left out."""
    state = _state(problem, kept_pairs)
    groups = {g.id: g for g in problem.groups}
    placed: dict[str, GroupMeeting] = {}
    for k in kept_groups:
        g = groups.get(k.group)
        if g is None or k.group in placed or set(k.members) != set(g.members):
            continue
        if _fits(state, g, k.slot) and k.table not in state.tables_used.get(k.slot, set()) \
                and 0 <= k.table < problem.tables:
            lang = state.interpreter(g, k.slot)
            if lang is not False:
                placed[g.id] = state.take(g, k.slot, k.table,
                                            lang if isinstance(lang, str) else None)
    demand = _demand(problem, state.slots_of)
    left: list[GroupLeftOut] = []
    for g in sorted(problem.groups, key=lambda g: (-g.priority, -len(g.members), g.id)):
        if g.id in placed:
            continue
        shared = frozenset.intersection(*(state.slots_of[m] for m in g.members))
        if not shared:
            left.append(_left_out(g, "no_shared_slot"))
            continue
        if any(state.deg[m] >= state.cap[m] for m in g.members):
            left.append(_left_out(g, "member_cap"))
            continue
        options = []
        for s in sorted(shared):
            table = state.free_table(s) if _fits(state, g, s) else None
            lang = state.interpreter(g, s) if table is not None else False
            if table is not None and lang is not False:
                cost = sum(demand[m][s] for m in g.members)
                options.append((cost, len(state.tables_used.get(s, ())), s, table, lang))
        if not options:
            needs = any(state.interpreter(g, s) is False for s in shared)
            left.append(_left_out(g, "no_interpreter" if needs else "no_free_slot"))
            continue
        _, _, s, table, lang = min(options, key=lambda o: o[:3])
        placed[g.id] = state.take(g, s, table, lang if isinstance(lang, str) else None)
    order = {g.id: i for i, g in enumerate(problem.groups)}
    return Placement(tuple(sorted(placed.values(), key=lambda m: order[m.group])), tuple(left),
                     state.interpreter_of)


LEFT_OUT = {
    "no_shared_slot": "its members share no available slot",
    "member_cap": "a member has reached its max_meetings",
    "no_interpreter": "no interpreter is free in the slots its members share",
    "no_free_slot": "no slot its members share has every member free and a table free",
}
"""Why a group is left out: its code and the sentence the file contract prints."""


def _left_out(g: Group, code: str) -> GroupLeftOut:
    return GroupLeftOut(g.id, LEFT_OUT[code], code)


def _fits(state: _State, g: Group, s: int) -> bool:
    return all(
        s in state.slots_of[m] and (m, s) not in state.busy and state.deg[m] < state.cap[m]
        for m in g.members
    )


def _demand(problem: Problem, slots_of: dict[str, frozenset[int]]) -> dict[str, Counter[int]]:
    """demand[p][s]: how many of p's requested counterparts could meet p in slot s."""
    out: dict[str, Counter[int]] = {pid: Counter() for pid in slots_of}
    for r in {frozenset((r.a, r.b)) for r in problem.requests}:
        a, b = sorted(r)
        for s in slots_of[a] & slots_of[b]:
            out[a][s] += 1
            out[b][s] += 1
    return out


@dataclass(frozen=True)
class PairProblem:
    """The 1:1 problem left once the groups are placed."""

    problem: Problem
    keep: tuple[Meeting, ...]
    """The placeholders (first, so they always stay) and the published 1:1 meetings."""
    placeholder_priority: int

    @staticmethod
    def is_placeholder(m: Meeting) -> bool:
        return m.a.startswith(_PLACEHOLDER)


def pair_problem(
    problem: Problem, placement: Placement, kept_pairs: Sequence[Meeting],
) -> PairProblem:
    taken: dict[str, set[int]] = {}
    for gm in placement.placed:
        for m in gm.members:
            taken.setdefault(m, set()).add(gm.slot)
    people: list[Participant] = []
    for p in problem.participants:
        if p.id not in taken:
            people.append(p)
            continue
        cap = problem.slots if p.max_meetings is None else p.max_meetings
        people.append(replace(
            p, available=effective_slots(problem, p) - taken[p.id],
            max_meetings=max(0, cap - len(taken[p.id]))))
    prio = max((r.priority for r in problem.requests), default=1)
    requests = list(problem.requests)
    keep: list[Meeting] = []
    for i, gm in enumerate(placement.placed):
        a, b = f"{_PLACEHOLDER}{i}a", f"{_PLACEHOLDER}{i}b"
        lang = placement.interpreter_of.get(gm.group)
        # with an interpreter, the placeholders speak no common language and only one of
        # them speaks the interpreter's, so the 1:1 solvers count that interpreter as used
        speaks_a = frozenset() if lang is None else frozenset({lang})
        speaks_b = frozenset() if lang is None else frozenset({"\x00none"})
        people += [Participant(a, frozenset({gm.slot}), 1, speaks_a),
                   Participant(b, frozenset({gm.slot}), 1, speaks_b)]
        requests.append(MeetingRequest(a, b, prio))
        keep.append(Meeting(a, b, gm.slot, gm.table))
    pairs = replace(problem, participants=tuple(people), requests=tuple(requests), groups=())
    return PairProblem(pairs, (*keep, *kept_pairs), prio)
