"""Fast schedules: the first-fit baseline, the LP-guided rounding and its repair.

``first_fit`` is the baseline of the bench (what a self-scheduling tool amounts to: requests in
the order they came, each in the first slot both sides are free). ``rounded`` places the pairs
in the order of their LP values (the relaxation's own choice of pairs and slots), then fills in
what is left by priority and scarcity; ``repair`` inserts pairs still out by moving one or two
meetings that block them to another slot. Both start from the kept meetings.
"""

from __future__ import annotations

import random

from tradebase.events._columns import Columns
from tradebase.events._instance import Assignment, Instance


def start(inst: Instance) -> Assignment:
    """The kept meetings, already checked valid and mutually compatible by the caller."""
    asg = Assignment.empty(inst)
    for e, (s, _table) in sorted(inst.fixed.items()):
        lang = asg.free_language(e, s)
        asg.place(e, s, -1 if lang is None else lang)
    return asg


def first_fit(inst: Instance) -> Assignment:
    asg = start(inst)
    for e in range(inst.pairs):
        if asg.slot_of[e] >= 0:
            continue
        for s in inst.cand[e]:
            lang = asg.can_place(e, s)
            if lang is not None:
                asg.place(e, s, lang)
                break
    return asg


def _scarcity_order(inst: Instance) -> list[int]:
    return sorted(
        range(inst.pairs),
        key=lambda e: (-inst.priority[e], len(inst.cand[e]),
                       inst.cap[inst.pair_a[e]] + inst.cap[inst.pair_b[e]], e),
    )


def rounded(inst: Instance, cols: Columns, lp_values: list[float]) -> Assignment:
    asg = start(inst)
    ranked = sorted(
        (c for c in range(len(cols)) if lp_values[c] > 1e-6),
        key=lambda c: (-round(lp_values[c], 6), -inst.priority[cols.pair[c]], c),
    )
    for c in ranked:
        e, s = cols.pair[c], cols.slot[c]
        if asg.slot_of[e] < 0:
            lang = asg.can_place(e, s)
            if lang is not None:
                asg.place(e, s, lang)
    _fill(asg, _scarcity_order(inst))
    return asg


def _fill(asg: Assignment, order: list[int]) -> int:
    inst = asg.inst
    added = 0
    for e in order:
        if asg.slot_of[e] >= 0:
            continue
        best: tuple[int, int, int] | None = None
        for s in inst.cand[e]:
            lang = asg.can_place(e, s)
            if lang is not None and (best is None or asg.load[s] < best[0]):
                best = (asg.load[s], s, lang)
        if best is not None:
            asg.place(e, best[1], best[2])
            added += 1
    return added


def _relocate(asg: Assignment, f: int, avoid: int) -> tuple[int, int] | None:
    """Move scheduled pair f to a slot other than ``avoid`` where it fits; its old place."""
    inst = asg.inst
    if f in inst.fixed:
        return None
    old_lang = asg.interp_of.get(f, -1)
    old = asg.remove(f)
    for s in inst.cand[f]:
        if s != avoid and s != old:
            lang = asg.can_place(f, s)
            if lang is not None:
                asg.place(f, s, lang)
                return old, old_lang
    asg.place(f, old, old_lang)
    return None


def _insert(asg: Assignment, e: int) -> bool:
    inst = asg.inst
    a, b = inst.pair_a[e], inst.pair_b[e]
    if asg.deg[a] >= inst.cap[a] or asg.deg[b] >= inst.cap[b]:
        return False
    for s in inst.cand[e]:
        lang = asg.can_place(e, s)
        if lang is not None:
            asg.place(e, s, lang)
            return True
    for s in inst.cand[e]:
        if asg.load[s] >= inst.tables:
            continue
        blockers = sorted({f for f in (asg.busy[a].get(s), asg.busy[b].get(s)) if f is not None})
        if not blockers or any(f in inst.fixed for f in blockers):
            continue
        moved: list[tuple[int, int, int]] = []
        for f in blockers:
            back = _relocate(asg, f, s)
            if back is None:
                break
            moved.append((f, *back))
        if len(moved) == len(blockers):
            lang = asg.can_place(e, s)
            if lang is not None:
                asg.place(e, s, lang)
                return True
        for f, old, old_lang in reversed(moved):
            asg.remove(f)
            asg.place(f, old, old_lang)
    return False


def repair(asg: Assignment, *, rounds: int = 3) -> Assignment:
    """Insert left-out pairs by moving what blocks them, until a round adds nothing."""
    inst = asg.inst
    order = _scarcity_order(inst)
    for _ in range(rounds):
        added = 0
        for e in order:
            if asg.slot_of[e] < 0 and inst.cand[e] and _insert(asg, e):
                added += 1
        if not added:
            break
    return asg


def _neighbourhood(
    asg: Assignment, rng: random.Random, people: list[int], live: list[int]
) -> set[int]:
    """Whom to free: mostly both sides of a left-out pair that could still gain a meeting (one
    side under its cap), sometimes with a random third; else one to three at random."""
    inst = asg.inst
    if rng.random() < 0.8:
        for _ in range(12):
            e = live[rng.randrange(len(live))]
            a, b = inst.pair_a[e], inst.pair_b[e]
            if asg.slot_of[e] < 0 and (asg.deg[a] < inst.cap[a] or asg.deg[b] < inst.cap[b]):
                chosen = {a, b}
                if rng.random() < 0.5:
                    chosen.add(rng.choice(people))
                return chosen
    return {rng.choice(people) for _ in range(rng.randint(1, 3))}


def ruin_and_recreate(
    asg: Assignment, *, rounds: int, seconds: float, seed: int = 0, stop_at: int | None = None
) -> int:
    """Large-neighbourhood search: unschedule the meetings of a few participants, insert again.

    Each round picks one to three participants at random (seeded), removes their meetings that
    are not kept, re-inserts the pairs that touch them (by priority, ties in random order) with
    :func:`_insert`'s moves, and keeps the result when it is no worse (meetings, then
    priority), so the search also walks across plateaus. It stops after ``rounds`` rounds,
    which makes it deterministic, or at the ``seconds`` safety stop on a slow machine, or
    when it has ``stop_at`` meetings (the bound). Returns the rounds it ran.
    """
    import time

    inst = asg.inst
    rng = random.Random(seed)  # noqa: S311 - a seeded search, not a secret
    touching: list[list[int]] = [[] for _ in inst.ids]
    for e in range(inst.pairs):
        if inst.cand[e]:
            touching[inst.pair_a[e]].append(e)
            touching[inst.pair_b[e]].append(e)
    people = [p for p in range(len(inst.ids)) if touching[p]]
    live = [e for e in range(inst.pairs) if inst.cand[e] and e not in inst.fixed]
    if not people or not live:
        return 0
    done = 0
    deadline = time.perf_counter() + seconds
    count, prio = asg.count(), asg.total_priority()
    asg.journal = []
    for done in range(1, rounds + 1):
        if (stop_at is not None and count >= stop_at) or (
            done % 16 == 0 and time.perf_counter() >= deadline
        ):
            break
        chosen = _neighbourhood(asg, rng, people, live)
        pairs = sorted({e for p in chosen for e in touching[p]})
        delta_n = delta_p = 0
        for e in pairs:
            if asg.slot_of[e] >= 0 and e not in inst.fixed:
                asg.remove(e)
                delta_n -= 1
                delta_p -= inst.priority[e]
        rng.shuffle(pairs)
        pairs.sort(key=lambda e: -inst.priority[e])
        for e in pairs:
            if asg.slot_of[e] < 0 and _insert(asg, e):
                delta_n += 1
                delta_p += inst.priority[e]
        if (delta_n, delta_p) >= (0, 0):
            count, prio = count + delta_n, prio + delta_p
            asg.journal.clear()
        else:
            asg.undo(0)
    asg.journal = None
    return done
