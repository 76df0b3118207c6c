"""The proven upper bound on the number of meetings: the LP relaxation of the time-indexed model.

Every schedule is a 0/1 point of the polytope of :mod:`._columns`' rows, so the LP optimum
(PDLP, the bound read from its duals) bounds the number of meetings, rounded down. It is
at least as tight as the degree bound (each participant ``min(max_meetings, |available|)``,
``tables x slots`` in all, a pair only when both share a slot) because those are sums of its
rows, and tighter wherever a participant's counterparts crowd into the same few slots.
"""

from __future__ import annotations

import math

import numpy as np
from ortools.linear_solver.python import model_builder_helper as mbh

from tradebase.events._columns import Columns
from tradebase.events._instance import Instance

_EPS = 1e-6


def _rows(inst: Instance, cols: Columns) -> tuple[list[list[int]], list[float], list[float]]:
    rows: list[list[int]] = []
    lower: list[float] = []
    upper: list[float] = []

    def row(members: list[int], low: float, high: float) -> None:
        rows.append(members)
        lower.append(low)
        upper.append(high)

    for e, members in enumerate(cols.by_pair):
        if members and (len(members) > 1 or e in inst.fixed):
            row(members, 1.0 if e in inst.fixed else 0.0, 1.0)
    for members in cols.by_person_slot.values():
        if len(members) > 1:
            row(members, 0.0, 1.0)
    for p, members in enumerate(cols.by_person):
        if members and inst.cap[p] < len(members):
            row(members, 0.0, float(inst.cap[p]))
    for members in cols.by_slot:
        if len(members) > inst.tables:
            row(members, 0.0, float(inst.tables))
    for (_, lang), members in cols.by_slot_lang.items():
        if len(members) > inst.interp_cap[lang]:
            row(members, 0.0, float(inst.interp_cap[lang]))
    return rows, lower, upper


def dual_bound(
    rows: list[list[int]], lower: list[float], upper: list[float], weights: np.ndarray,
    duals: np.ndarray,
) -> float:
    """Weak duality: for ANY row multipliers u, a bound on max w.x over l <= Ax <= h, 0 <= x <= 1.

    ``sum_r (u_r+ h_r - u_r- l_r) + sum_c max(0, w_c - (A'u)_c)``. So the bound is proven
    whatever the accuracy of the LP solver that proposed u (PDLP is a first-order method).
    """
    lo, hi = np.asarray(lower), np.asarray(upper)
    best = math.inf
    for sign in (1.0, -1.0):
        u = sign * duals
        u = np.where(lo > 0, u, np.maximum(u, 0.0))  # a row with l = 0 only bounds from above
        reduced = weights.copy()
        for r, members in enumerate(rows):
            if u[r] != 0.0:
                reduced[members] -= u[r]
        value = float(np.where(u > 0, u * hi, u * lo).sum() + np.maximum(reduced, 0.0).sum())
        best = min(best, value)
    return best


def lp_bound(
    inst: Instance, cols: Columns, *, weights: list[float] | None = None,
    time_limit: float = 60.0,
) -> tuple[float, list[float]]:
    """A proven bound on ``sum weights[col] * x`` (count when None) and near-optimal LP values.

    PDLP (OR-Tools' first-order LP solver) solves the relaxation; the bound is taken from its
    duals by :func:`dual_bound`, never from its primal objective.
    """
    n = len(cols)
    if n == 0:
        return 0.0, []
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    rows, lower, upper = _rows(inst, cols)
    model = mbh.ModelBuilderHelper()
    # The helper's stubs spell the array types wrongly (ndarray[float64, ...]).
    model.add_var_array_with_bounds(
        np.zeros(n), np.ones(n), np.zeros(n, dtype=bool), ""  # type: ignore[arg-type]
    )
    for r, members in enumerate(rows):
        ct = model.add_linear_constraint()
        model.set_constraint_lower_bound(ct, lower[r])
        model.set_constraint_upper_bound(ct, upper[r])
        for c in members:
            model.add_term_to_constraint(ct, c, 1.0)
    model.set_objective_coefficients(list(range(n)), [float(v) for v in w])
    model.set_maximize(True)
    solver = mbh.ModelSolverHelper("pdlp")
    solver.set_time_limit_in_seconds(max(0.1, time_limit))
    solver.set_solver_specific_parameters(
        "termination_criteria { simple_optimality_criteria {"
        " eps_optimal_absolute: 1e-7 eps_optimal_relative: 1e-7 } }"
        " num_threads: 1"
    )
    solver.solve(model)
    degree = sum(min(inst.cap[p], len(cols.by_person[p])) for p in range(len(inst.ids)))
    fallback = float(min(degree // 2, inst.tables * inst.slots, inst.pairs))
    if not solver.has_solution() or len(rows) == 0:
        return (fallback if weights is None else float(w.sum())), [0.0] * n
    bound = dual_bound(rows, lower, upper, w, np.asarray(solver.dual_values()))
    if weights is None:
        bound = min(bound, fallback)
    return bound, [float(v) for v in solver.variable_values()]


def whole(value: float) -> int:
    """A bound on a whole number from an LP value (a hair of slack for rounding error)."""
    return math.floor(value + _EPS)
