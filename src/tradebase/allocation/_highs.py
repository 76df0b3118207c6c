"""A small column/row builder over HiGHS shared by the allocation engines.

Models are assembled from numpy blocks and handed to HiGHS in one ``passModel`` call: building
400,000 columns one ``addVar`` at a time would cost more than solving them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

INF = float(highspy.kHighsInf)

SolveStatus = Literal["optimal", "feasible", "infeasible", "no_solution"]


@dataclass(frozen=True, slots=True)
class SolveResult:
    """What one HiGHS run produced, in solver-neutral terms."""

    status: SolveStatus
    values: FloatArray
    objective: float
    bound: float
    gap: float
    seconds: float


class ModelBuilder:
    """Collects columns, rows and coefficients, then solves as LP or MIP."""

    def __init__(self) -> None:
        self._cost: list[FloatArray] = []
        self._lower: list[FloatArray] = []
        self._upper: list[FloatArray] = []
        self._integer: list[npt.NDArray[np.bool_]] = []
        self._row_lower: list[FloatArray] = []
        self._row_upper: list[FloatArray] = []
        self._entry_rows: list[IntArray] = []
        self._entry_cols: list[IntArray] = []
        self._entry_vals: list[FloatArray] = []
        self.num_cols = 0
        self.num_rows = 0

    def add_cols(
        self,
        cost: npt.ArrayLike,
        lower: npt.ArrayLike,
        upper: npt.ArrayLike,
        *,
        integer: bool,
    ) -> IntArray:
        """Add a block of columns and return their indices."""
        cost_a = np.asarray(cost, dtype=np.float64).ravel()
        n = cost_a.size
        self._cost.append(cost_a)
        self._lower.append(np.broadcast_to(np.asarray(lower, dtype=np.float64), (n,)).copy())
        self._upper.append(np.broadcast_to(np.asarray(upper, dtype=np.float64), (n,)).copy())
        self._integer.append(np.full(n, integer, dtype=np.bool_))
        idx = np.arange(self.num_cols, self.num_cols + n, dtype=np.int64)
        self.num_cols += n
        return idx

    def add_rows(self, lower: npt.ArrayLike, upper: npt.ArrayLike) -> IntArray:
        """Add a block of rows ``lower <= a.x <= upper`` and return their indices."""
        lo = np.asarray(lower, dtype=np.float64).ravel()
        up = np.broadcast_to(np.asarray(upper, dtype=np.float64), lo.shape).copy()
        self._row_lower.append(lo)
        self._row_upper.append(up)
        idx = np.arange(self.num_rows, self.num_rows + lo.size, dtype=np.int64)
        self.num_rows += lo.size
        return idx

    def add_entries(self, rows: npt.ArrayLike, cols: npt.ArrayLike, vals: npt.ArrayLike) -> None:
        """Add coefficients (broadcast ``vals`` against ``rows``)."""
        r = np.asarray(rows, dtype=np.int64).ravel()
        c = np.asarray(cols, dtype=np.int64).ravel()
        v = np.broadcast_to(np.asarray(vals, dtype=np.float64), r.shape).copy()
        self._entry_rows.append(r)
        self._entry_cols.append(c)
        self._entry_vals.append(v)

    def _concat_f(self, blocks: list[FloatArray]) -> FloatArray:
        return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float64)

    def to_lp(self, *, relax: bool) -> highspy.HighsLp:
        """Return the model as a ``HighsLp`` (column-wise); ``relax`` drops integrality."""
        lp = highspy.HighsLp()
        lp.num_col_ = self.num_cols
        lp.num_row_ = self.num_rows
        lp.col_cost_ = self._concat_f(self._cost)
        lp.col_lower_ = self._concat_f(self._lower)
        lp.col_upper_ = self._concat_f(self._upper)
        lp.row_lower_ = self._concat_f(self._row_lower)
        lp.row_upper_ = self._concat_f(self._row_upper)
        if self._entry_rows:
            rows = np.concatenate(self._entry_rows)
            cols = np.concatenate(self._entry_cols)
            vals = np.concatenate(self._entry_vals)
        else:
            rows = np.zeros(0, dtype=np.int64)
            cols = np.zeros(0, dtype=np.int64)
            vals = np.zeros(0, dtype=np.float64)
        order = np.argsort(cols, kind="stable")
        counts = np.bincount(cols, minlength=self.num_cols)
        start = np.zeros(self.num_cols + 1, dtype=np.int32)
        np.cumsum(counts, out=start[1:])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_ = self.num_cols
        lp.a_matrix_.num_row_ = self.num_rows
        lp.a_matrix_.start_ = start
        lp.a_matrix_.index_ = rows[order].astype(np.int32)
        lp.a_matrix_.value_ = vals[order]
        integer = np.concatenate(self._integer) if self._integer else np.zeros(0, np.bool_)
        if not relax and integer.any():
            kinds = [highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger]
            lp.integrality_ = [kinds[int(flag)] for flag in integer]
        return lp

    def fix(self, cols: IntArray, values: FloatArray) -> None:
        """Fix columns to values (lower = upper), e.g. the binaries of a MIP plan."""
        lower = np.concatenate(self._lower) if self._lower else np.zeros(0)
        upper = np.concatenate(self._upper) if self._upper else np.zeros(0)
        lower[cols] = values
        upper[cols] = values
        self._lower, self._upper = [lower], [upper]

    @property
    def has_integers(self) -> bool:
        return any(block.any() for block in self._integer)

    def solve(
        self,
        *,
        relax: bool,
        time_limit: float,
        mip_rel_gap: float,
        threads: int | None = None,
        start: FloatArray | None = None,
        external_bound: float | None = None,
        stop_gap: float = 0.0,
        options: dict[str, bool | int | float | str] | None = None,
    ) -> SolveResult:
        """Solve with HiGHS; ``relax`` solves the LP relaxation with dual simplex.

        ``external_bound`` is a lower bound on the optimum known from elsewhere (e.g. a
        Lagrangian bound of a bigger model whose restriction this is): the MIP is interrupted as
        soon as its incumbent is within ``stop_gap`` of it (relative, HiGHS's definition), since
        HiGHS's own dual bound may never get there. ``options`` are extra HiGHS options.
        """
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", max(0.01, float(time_limit)))
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        if threads is not None:
            h.setOptionValue("threads", int(threads))
        for name, value in (options or {}).items():
            h.setOptionValue(name, value)
        is_mip = not relax and self.has_integers
        if not is_mip:
            h.setOptionValue("solver", "simplex")
        h.passModel(self.to_lp(relax=relax))
        if is_mip and external_bound is not None and math.isfinite(external_bound):
            _stop_at_bound(h, external_bound, stop_gap)
        if start is not None and is_mip:
            solution = highspy.HighsSolution()
            solution.col_value = list(start)
            solution.value_valid = True
            h.setSolution(solution)
        h.run()
        model_status = h.getModelStatus()
        info = h.getInfo()
        seconds = float(h.getRunTime())
        has_solution = info.primal_solution_status == highspy.kSolutionStatusFeasible
        values = (
            np.asarray(h.getSolution().col_value, dtype=np.float64)
            if has_solution
            else np.zeros(self.num_cols, dtype=np.float64)
        )
        ms = highspy.HighsModelStatus
        if model_status == ms.kOptimal:
            objective = float(info.objective_function_value)
            bound = float(info.mip_dual_bound) if is_mip else objective
            gap = max(0.0, float(info.mip_gap)) if is_mip else 0.0
            return SolveResult("optimal", values, objective, bound, gap, seconds)
        if model_status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
            return SolveResult("infeasible", values, INF, INF, INF, seconds)
        if has_solution:
            objective = float(info.objective_function_value)
            bound = float(info.mip_dual_bound) if is_mip else -INF
            gap = float(info.mip_gap) if is_mip else INF
            return SolveResult("feasible", values, objective, bound, gap, seconds)
        return SolveResult("no_solution", values, INF, -INF, INF, seconds)


def _stop_at_bound(h: highspy.Highs, bound: float, gap: float) -> None:
    """Interrupt ``h``'s MIP once its incumbent is proven within ``gap`` of ``bound``."""

    def check(event: highspy.highs.HighsCallbackEvent) -> None:
        primal = float(event.data_out.mip_primal_bound)
        if math.isfinite(primal) and relative_gap(primal, bound) <= gap:
            event.interrupt()

    h.cbMipInterrupt.subscribe(check)


def relative_gap(objective: float, bound: float) -> float:
    """HiGHS's definition: (primal - dual) / |primal|, 0 when both are zero."""
    if objective == bound:
        return 0.0
    denom = abs(objective)
    if denom == 0.0:
        return INF
    return max(0.0, (objective - bound) / denom)
