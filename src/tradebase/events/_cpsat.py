"""The time-indexed model in OR-Tools CP-SAT: exact search, with a hint and a proven cut.

One Boolean per column of :mod:`._columns`. The objective is lexicographic in one integer
sum: each meeting is worth ``W + priority`` with ``W`` above every achievable total priority,
so one more meeting always beats any priority gain. ``upper`` (the LP bound) becomes the cut
``meetings <= upper``, which lets CP-SAT stop the moment it reaches it. Seeded and on at most
two workers; with ``deterministic`` the limit is CP-SAT's deterministic time, so the same
input gives the same schedule on any machine load.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from tradebase.events._columns import Columns
from tradebase.events._instance import Assignment, Instance


@dataclass(frozen=True)
class Outcome:
    slot_lang: dict[int, tuple[int, int]]
    """Scheduled pair -> (slot, interpreter language or -1)."""
    proven: bool
    count_bound: int | None
    """CP-SAT's own proven bound on the number of meetings, when it has one."""


def solve(
    inst: Instance,
    cols: Columns,
    *,
    time_limit: float,
    hint: Assignment | None = None,
    upper: int | None = None,
    seed: int = 0,
    workers: int = 2,
    deterministic: bool = True,
) -> Outcome | None:
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(len(cols))]
    for e, members in enumerate(cols.by_pair):
        if not members:
            continue
        if e in inst.fixed:
            model.add_exactly_one(x[c] for c in members)
        elif len(members) > 1:
            model.add_at_most_one(x[c] for c in members)
    for members in cols.by_person_slot.values():
        if len(members) > 1:
            model.add_at_most_one(x[c] for c in members)
    for p, members in enumerate(cols.by_person):
        if members and inst.cap[p] < len(members):
            model.add(sum(x[c] for c in members) <= inst.cap[p])
    for members in cols.by_slot:
        if len(members) > inst.tables:
            model.add(sum(x[c] for c in members) <= inst.tables)
    for (_, lang), members in cols.by_slot_lang.items():
        if len(members) > inst.interp_cap[lang]:
            model.add(sum(x[c] for c in members) <= inst.interp_cap[lang])
    uniform = inst.uniform_priority()
    if uniform:
        model.maximize(sum(x))
    else:
        weight = sum(inst.priority[e] for e in range(inst.pairs) if cols.by_pair[e]) + 1
        model.maximize(sum((weight + inst.priority[cols.pair[c]]) * x[c] for c in range(len(x))))
    if upper is not None:
        model.add(sum(x) <= upper)
    if hint is not None:
        for c in range(len(cols)):
            e = cols.pair[c]
            on = hint.slot_of[e] == cols.slot[c] and hint.interp_of.get(e, -1) == cols.lang[c]
            model.add_hint(x[c], on)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = seed
    params.num_workers = max(1, min(2, workers))
    if deterministic:
        params.interleave_search = params.num_workers > 1
        params.max_deterministic_time = max(0.05, time_limit)
        params.max_time_in_seconds = max(1.0, 4 * time_limit)
    else:
        params.max_time_in_seconds = max(0.05, time_limit)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    chosen = {cols.pair[c]: (cols.slot[c], cols.lang[c])
              for c in range(len(x)) if solver.boolean_value(x[c])}
    bound: int | None = None
    if uniform:
        bound = int(solver.best_objective_bound + 1e-6)
    else:
        bound = int(solver.best_objective_bound // weight)
    return Outcome(chosen, status == cp_model.OPTIMAL, bound)
