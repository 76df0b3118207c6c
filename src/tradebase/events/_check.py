"""The independent checker: every rule a list of meetings breaks, read afresh from the problem.

Deliberately shares no code with the solvers (not even the availability helper), so that a
bug in one cannot hide in the other.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from tradebase.events._schedule_types import GroupMeeting, Meeting, Participant, Problem


def _slots(problem: Problem, p: Participant) -> set[int]:
    mine = set(range(problem.slots)) if p.available is None else set(p.available)
    if problem.rules.sessions and p.sessions is not None:
        in_sessions = {
            s
            for name, first, last in problem.rules.sessions
            if name in p.sessions
            for s in range(first, last + 1)
        }
        mine &= in_sessions
    return {s for s in mine if 0 <= s < problem.slots and s not in problem.rules.breaks}


def _interpreters_fit(needs: list[set[str]], supply: dict[str, int]) -> bool:
    """Whether each meeting can get an interpreter of one of its languages (augmenting paths)."""
    seats = [lang for lang, n in sorted(supply.items()) for _ in range(n)]
    owner: dict[int, int] = {}

    def augment(m: int, seen: set[int]) -> bool:
        for i, lang in enumerate(seats):
            if lang in needs[m] and i not in seen:
                seen.add(i)
                if i not in owner or augment(owner[i], seen):
                    owner[i] = m
                    return True
        return False

    return all(augment(m, set()) for m in range(len(needs)))


def violations(
    problem: Problem, meetings: Sequence[Meeting], groups: Sequence[GroupMeeting] = (),
) -> list[str]:
    out: list[str] = []
    people = {p.id: p for p in problem.participants}
    wanted = {frozenset((r.a, r.b)) for r in problem.requests}
    supply = {lang: n for lang, n in problem.rules.interpreters if n > 0}
    seen_pairs: Counter[frozenset[str]] = Counter()
    per_person: Counter[str] = Counter()
    busy: set[tuple[str, int]] = set()
    tables_taken: set[tuple[int, int]] = set()
    per_slot: Counter[int] = Counter()
    interp_needs: dict[int, list[set[str]]] = defaultdict(list)

    def seat(where: str, slot: int, table: int, members: Sequence[str]) -> None:
        """The rules every meeting keeps, 1:1 or group: its slot and table, its members'
        availability, one meeting a slot each, and their count towards the caps."""
        if not 0 <= slot < problem.slots:
            out.append(f"{where}: slot out of range")
        if not 0 <= table < problem.tables:
            out.append(f"{where}: table out of range")
        if (slot, table) in tables_taken:
            out.append(f"{where}: the table is already taken in that slot")
        tables_taken.add((slot, table))
        per_slot[slot] += 1
        for pid in members:
            if slot not in _slots(problem, people[pid]):
                out.append(f"{where}: {pid} is not available in slot {slot}")
            if (pid, slot) in busy:
                out.append(f"{where}: {pid} already has a meeting in slot {slot}")
            busy.add((pid, slot))
            per_person[pid] += 1

    for i, m in enumerate(meetings):
        where = f"meeting {i} ({m.a}-{m.b}, slot {m.slot}, table {m.table})"
        if m.a not in people or m.b not in people:
            out.append(f"{where}: unknown participant")
            continue
        if m.a == m.b:
            out.append(f"{where}: a participant meets itself")
        pair = frozenset((m.a, m.b))
        if pair not in wanted:
            out.append(f"{where}: the pair was not requested")
        seen_pairs[pair] += 1
        if seen_pairs[pair] == 2:
            out.append(f"{where}: the pair meets more than once")
        seat(where, m.slot, m.table, (m.a, m.b))
        la, lb = people[m.a].languages, people[m.b].languages
        if problem.rules.languages and la and lb and not la & lb:
            interp_needs[m.slot].append(set(la | lb))
    defined = {g.id: g for g in problem.groups}
    held: Counter[str] = Counter()
    for i, g in enumerate(groups):
        where = f"group meeting {i} ({g.group}, slot {g.slot}, table {g.table})"
        if g.group not in defined:
            out.append(f"{where}: no such group")
            continue
        if sorted(g.members) != sorted(defined[g.group].members):
            out.append(f"{where}: not the group's members")
        held[g.group] += 1
        if held[g.group] == 2:
            out.append(f"{where}: the group meets more than once")
        known = [pid for pid in g.members if pid in people]
        out.extend(f"{where}: unknown participant {pid}" for pid in g.members
                   if pid not in people)
        seat(where, g.slot, g.table, known)
        spoken = [set(people[pid].languages) for pid in known if people[pid].languages]
        if problem.rules.languages and len(spoken) >= 2 and not set.intersection(*spoken):
            interp_needs[g.slot].append(set.union(*spoken))
    for s, n in sorted(per_slot.items()):
        if n > problem.tables:
            out.append(f"slot {s}: {n} meetings for {problem.tables} tables")
    for pid, n in sorted(per_person.items()):
        cap = people[pid].max_meetings
        if cap is not None and n > cap:
            out.append(f"{pid}: {n} meetings, more than max_meetings {cap}")
    for s, needs in sorted(interp_needs.items()):
        if not _interpreters_fit(needs, supply):
            out.append(f"slot {s}: not enough interpreters for meetings without a shared language")
    return out
