"""The 1:1 meeting scheduler of a docking day at the sizes of issue 11 (docs/events.md).

Run from the repository root: ``python -m bench.bench_events`` (``--quick``: the two smaller
sizes, without the 300 s CP-SAT runs). Each case is generated from a seed: every participant
available in 40-90 % of the slots, caps of 4-12 meetings, requests between distinct random
pairs, tables for everyone (availability and caps bind) except the priority case (60 tables,
priorities 1-5: tables bind and priority decides). For each it prints meetings, total
priority, the proven upper bound, the gap and the time of the scheduler, next to a greedy
first-fit baseline and plain CP-SAT on the same model (no bound, no rounding, no hint) given
the scheduler's time and 300 s, and meetings per participant beside b2match's 1.5-1.7. Every
schedule is checked by the independent checker.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from tradebase.events.scheduler import (
    MeetingRequest,
    Participant,
    Problem,
    Schedule,
    check,
    first_fit_schedule,
    plain_cpsat_schedule,
    priority_upper_bound,
    schedule,
)


@dataclass(frozen=True)
class Case:
    name: str
    participants: int
    requests: int
    slots: int
    tables: int | None = None
    priorities: tuple[int, int] = (1, 1)
    seed: int = 11


CASES = (
    Case("200 x 1,000 x 12", 200, 1000, 12),
    Case("600 x 4,000 x 12", 600, 4000, 12),
    Case("600 x 4,000 x 12, 60 tables, priorities 1-5", 600, 4000, 12, 60, (1, 5)),
    Case("2,000 x 20,000 x 16", 2000, 20000, 16),
)


def generate(case: Case) -> Problem:
    rng = random.Random(case.seed)
    s = case.slots
    people = []
    for i in range(case.participants):
        k = rng.randint(math.ceil(0.4 * s), math.floor(0.9 * s))
        people.append(Participant(f"p{i}", frozenset(rng.sample(range(s), k)), rng.randint(4, 12)))
    pairs: set[tuple[int, int]] = set()
    requests = []
    while len(requests) < case.requests:
        a, b = rng.sample(range(case.participants), 2)
        if (a, b) in pairs or (b, a) in pairs:
            continue
        pairs.add((a, b))
        requests.append(MeetingRequest(f"p{a}", f"p{b}", rng.randint(*case.priorities)))
    tables = case.tables if case.tables is not None else case.participants // 2
    return Problem(s, tables, tuple(people), tuple(requests))


def _timed(solve: Callable[[], Schedule]) -> tuple[Schedule, float]:
    started = time.perf_counter()
    result = solve()
    return result, time.perf_counter() - started


def _line(label: str, problem: Problem, bound: int, result: Schedule, seconds: float) -> None:
    bad = check(problem, result.meetings)
    n = len(result.meetings)
    share = n / bound if bound else 1.0
    per = 2 * n / len(problem.participants)
    print(
        f"  {label:<20} {n:>7,} meetings  priority {result.total_priority:>8,}  "
        f"{100 * share:7.3f} % of bound  gap {100 * (1 - share):6.3f} %  "
        f"{seconds:6.1f} s  {per:5.2f} per participant"
        + (f"  INVALID: {bad[0]}" if bad else ""),
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    cases = CASES[:2] if args.quick else CASES
    print("b2match's published figure: 1.5-1.7 meetings per participant", flush=True)
    for case in cases:
        problem = generate(case)
        print(f"{case.name} (tables {problem.tables})", flush=True)
        ours, ours_s = _timed(lambda p=problem: schedule(p))  # type: ignore[misc]
        bound = ours.upper_bound
        note = ""
        if case.priorities[0] != case.priorities[1]:
            note = f"; total priority at most {priority_upper_bound(problem):,}"
        print(
            f"  upper bound {bound:,} meetings{note}; scheduler status {ours.status}", flush=True
        )
        _line("scheduler", problem, bound, ours, ours_s)
        result, seconds = _timed(lambda p=problem: first_fit_schedule(p))  # type: ignore[misc]
        _line("greedy first-fit", problem, bound, result, seconds)
        limits = [ours_s] if args.quick else [ours_s, 300.0]
        for limit in limits:
            result, seconds = _timed(
                lambda p=problem, t=limit: plain_cpsat_schedule(p, time_limit=t)  # type: ignore[misc]
            )
            _line(f"plain CP-SAT {limit:.0f} s", problem, bound, result, seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
