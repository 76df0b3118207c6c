"""Local search over set-ups for the plain docking model: a plan polished by LP re-optimisation.

With the set-ups fixed (which factory makes which order), what is left of the exact model is a
transportation LP with integral data: open pairs have ``moq <= q <= cap``, closed ones ``q = 0``.
Its simplex vertices are integral, so every LP solve is a plan. Starting from an open set (e.g.
the LP relaxation's support), the search closes open pairs and opens closed ones, one at a time,
re-solving the LP hot (HiGHS keeps its basis after a bound change) and keeping a move when the
total (LP value plus set-ups of the open pairs) drops. Moves are tried in order of their promise:
open pairs making little of what they could (their set-up is spread over few units), closed pairs
whose reduced cost times capacity beats their set-up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from tradebase.allocation._highs import INF, FloatArray, IntArray

BoolArray = npt.NDArray[np.bool_]


@dataclass
class PolishResult:
    quantities: IntArray  # per pair (0 for closed pairs); integral
    cost: float  # LP value plus set-ups of the pairs used
    moves: int  # moves kept
    tried: int  # moves tried


def polish_setups(
    order_ix: IntArray,
    factory_ix: IntArray,
    cost: FloatArray,
    setup: FloatArray,
    cap: IntArray,
    moq: IntArray,
    quantity: FloatArray,
    horizon: FloatArray,
    coupled: BoolArray,
    *,
    candidates: BoolArray,
    open_pairs: BoolArray,
    deadline: float,
    good_enough: float = -INF,
    max_rounds: int = 4,
) -> PolishResult | None:
    """Improve the plan given by ``open_pairs`` (a subset of ``candidates``) by local moves.

    ``order_ix`` are local order indices (0..len(quantity)-1), ``factory_ix`` global factory
    indices into ``horizon``/``coupled``. Returns None when the starting open set has no
    feasible plan (or the LP fails). The search stops once the total is at most ``good_enough``
    (e.g. proven within the target gap of a lower bound).
    """
    cols = np.nonzero(candidates)[0]
    n = cols.size
    if n == 0:
        return None
    n_orders = quantity.size
    lo_open = np.maximum(moq[cols], 1).astype(np.float64)
    up_open = cap[cols].astype(np.float64)
    is_open = open_pairs[cols].copy()
    fac = factory_ix[cols]
    coupled_cols = np.nonzero(coupled[fac])[0]
    facs, inverse = np.unique(fac[coupled_cols], return_inverse=True)
    row2 = np.full(n, -1, dtype=np.int64)
    row2[coupled_cols] = n_orders + inverse
    has2 = row2 >= 0
    counts = 1 + has2.astype(np.int64)
    starts = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=starts[1:])
    index = np.empty(int(counts.sum()), dtype=np.int32)
    index[starts[:-1]] = order_ix[cols]
    index[starts[:-1][has2] + 1] = row2[has2]

    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = n_orders + facs.size
    lp.col_cost_ = cost[cols].astype(np.float64)
    lp.col_lower_ = np.where(is_open, lo_open, 0.0)
    lp.col_upper_ = np.where(is_open, up_open, 0.0)
    lp.row_lower_ = np.concatenate([quantity, np.full(facs.size, -INF)])
    lp.row_upper_ = np.concatenate([quantity, horizon[facs]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = lp.num_row_
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = np.ones(index.size)
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("simplex_strategy", 1)
    h.passModel(lp)
    col_setup = setup[cols].astype(np.float64)

    def solve(cutoff: float = INF) -> float:
        """The LP's value, or INF when it is infeasible or (dual simplex) proven above
        ``cutoff``: a move that cannot pay is rejected without solving to the end."""
        left = deadline - time.perf_counter()
        h.setOptionValue("time_limit", max(0.01, left))
        h.setOptionValue("objective_bound", cutoff)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return INF
        return float(h.getInfo().objective_function_value)

    lp_value = solve()
    if lp_value == INF:
        return None
    total = lp_value + float(col_setup[is_open].sum())
    best_x = np.asarray(h.getSolution().col_value, dtype=np.float64)
    moves = tried = 0
    eps = 1e-9 * max(1.0, abs(total))

    def set_open(js: list[int], open_it: bool) -> None:
        for j in js:
            if open_it:
                h.changeColBounds(int(j), float(lo_open[j]), float(up_open[j]))
            else:
                h.changeColBounds(int(j), 0.0, 0.0)

    def try_move(close: list[int], open_: list[int]) -> bool:
        """Close ``close`` and open ``open_`` together; keep the move when the total drops."""
        nonlocal total, best_x, moves, tried
        tried += 1
        set_open(close, False)
        set_open(open_, True)
        setups = (
            float(col_setup[is_open].sum())
            - float(col_setup[close].sum())
            + float(col_setup[open_].sum())
        )
        value = solve(cutoff=total - eps - setups)
        new_total = value + setups
        if value < INF and new_total < total - eps:
            is_open[close] = False
            is_open[open_] = True
            total = float(new_total)
            best_x = np.asarray(h.getSolution().col_value, dtype=np.float64)
            moves += 1
            return True
        set_open(open_, False)  # undo
        set_open(close, True)
        return False

    def stop() -> bool:
        return time.perf_counter() >= deadline or total <= good_enough

    for _ in range(max_rounds):
        improved = False
        # close: open pairs by the share of their capacity they use (set-up per unit)
        x = best_x
        fill = np.where(up_open > 0, x / np.maximum(up_open, 1.0), 1.0)
        waste = col_setup * (1.0 - fill)
        closing = np.nonzero(is_open & (fill < 1.0 - 1e-9) & (col_setup > 0))[0]
        for j in closing[np.argsort(-waste[closing], kind="stable")].tolist():
            if stop():
                break
            if is_open[j] and try_move([j], []):
                improved = True
        # open: closed pairs whose reduced cost over their capacity beats their set-up
        solve()  # the basis of the last kept state (undone moves left it elsewhere)
        reduced = np.asarray(h.getSolution().col_dual, dtype=np.float64)
        gain = -reduced * up_open - col_setup
        opening = np.nonzero(~is_open & (gain > 0))[0]
        for j in opening[np.argsort(-gain[opening], kind="stable")].tolist():
            if stop():
                break
            if try_move([], [j]):
                improved = True
        if not improved or stop():
            break
    qty = np.zeros(order_ix.size, dtype=np.int64)
    qty[cols] = np.round(best_x).astype(np.int64)
    used = qty > 0
    plan_cost = float(cost @ qty + setup[used].sum())
    return PolishResult(qty, plan_cost, moves, tried)
