"""The ranking of a competition (pure: plain data in, plain data out).

Per entry and criterion, the mean of the scores of the judges who scored it, each score
divided by the criterion's maximum (so a 0–10 criterion and a 0–100 one weigh only by their
weights); the entry's total is the weighted mean of those over the criteria that apply to its
category (the competition's own and its category's), times 100. Scores are not normalised per
judge: judges score only the entries assigned to them, so a judge's own mean and spread
depend on which entries it drew, and rescaling it would move entries for reasons that are
not theirs. Arithmetic is exact (fractions), so the order of judges or entries never changes
a total, a rank or a tie.

Per category, entries are ordered by total; equal totals share a rank ("1, 2, 2, 4"). With
``tie_break="heaviest_criterion"`` a tie is broken by the higher mean on the heaviest criterion
(then the next heaviest, …); entries equal on all of them still share the rank. Every tie and
how it was (or was not) broken is in the result as a reason. An entry with a score missing —
an expected judge who has not scored one of its criteria, or no score at all — is listed as
incomplete with what is missing, and is not ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

TIE_BREAKS = ("none", "heaviest_criterion")


@dataclass(frozen=True)
class Criterion:
    id: int
    weight: float  # > 0
    max_score: float  # > 0
    category_id: int | None = None  # None: the whole competition's


@dataclass(frozen=True)
class Entry:
    id: int
    category_id: int
    judges: frozenset[int]  # the judges expected to score it (assigned, not in conflict)


@dataclass(frozen=True)
class Score:
    judge_id: int
    entry_id: int
    criterion_id: int
    value: float


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    rank: int
    total: float  # 0–100
    criteria: dict[int, float]  # criterion -> mean of the judges' scores, on its own scale


@dataclass(frozen=True)
class Tie:
    entry_ids: tuple[int, ...]
    total: float
    broken_by: int | None  # the criterion that separated them; None: they share a rank
    reason: str


@dataclass(frozen=True)
class Incomplete:
    entry_id: int
    missing: tuple[tuple[int, int], ...]  # (judge, criterion) pairs without a score
    reason: str


@dataclass(frozen=True)
class CategoryRanking:
    category_id: int
    ranked: tuple[Ranked, ...]
    ties: tuple[Tie, ...]
    incomplete: tuple[Incomplete, ...]


def applicable(criteria: Iterable[Criterion], category_id: int) -> list[Criterion]:
    """The criteria an entry of the category is judged on."""
    return sorted((c for c in criteria if c.category_id in (None, category_id)),
                  key=lambda c: c.id)


def _heaviest_first(criteria: Sequence[Criterion]) -> list[Criterion]:
    return sorted(criteria, key=lambda c: (-Fraction(c.weight), c.id))


def _as_float(value: Fraction) -> float:
    return round(float(value), 6)


def rank(criteria: Sequence[Criterion], entries: Sequence[Entry], scores: Iterable[Score],
         *, tie_break: str = "none") -> list[CategoryRanking]:
    """The ranking of each category that has entries, in category order."""
    if tie_break not in TIE_BREAKS:
        raise ValueError(f"tie_break must be one of {TIE_BREAKS}, not {tie_break!r}")
    given: dict[tuple[int, int], dict[int, Fraction]] = {}
    for score in scores:
        given.setdefault((score.entry_id, score.criterion_id), {})[score.judge_id] = (
            Fraction(score.value))
    by_category: dict[int, list[Entry]] = {}
    for entry in entries:
        by_category.setdefault(entry.category_id, []).append(entry)
    return [_rank_category(category_id, applicable(criteria, category_id),
                           sorted(members, key=lambda e: e.id), given, tie_break)
            for category_id, members in sorted(by_category.items())]


def _rank_category(category_id: int, criteria: list[Criterion], entries: list[Entry],
                   given: dict[tuple[int, int], dict[int, Fraction]], tie_break: str
                   ) -> CategoryRanking:
    incomplete: list[Incomplete] = []
    totals: dict[int, Fraction] = {}
    means: dict[int, dict[int, Fraction]] = {}
    for entry in entries:
        missing = tuple(sorted((judge, c.id) for c in criteria for judge in entry.judges
                               if judge not in given.get((entry.id, c.id), {})))
        empty = [c.id for c in criteria if not given.get((entry.id, c.id))]
        if not criteria:
            incomplete.append(Incomplete(entry.id, (), "the category has no criteria"))
            continue
        if missing or empty:
            reason = (f"{len(missing)} score(s) missing" if missing
                      else f"no score on criteria {empty}")
            incomplete.append(Incomplete(entry.id, missing, reason))
            continue
        means[entry.id] = {c.id: sum(given[(entry.id, c.id)].values(), Fraction(0))
                           / len(given[(entry.id, c.id)]) for c in criteria}
        weight = sum((Fraction(c.weight) for c in criteria), Fraction(0))
        totals[entry.id] = 100 * sum(
            (Fraction(c.weight) * means[entry.id][c.id] / Fraction(c.max_score)
             for c in criteria), Fraction(0)) / weight
    order = sorted(totals, key=lambda e: (-totals[e], e))
    ranked: list[Ranked] = []
    ties: list[Tie] = []
    position = 0
    while position < len(order):
        group = [e for e in order[position:] if totals[e] == totals[order[position]]]
        if len(group) == 1:
            ranks = {group[0]: position + 1}
        else:
            ranks, group_ties = _break(group, totals[group[0]], position + 1,
                                       criteria if tie_break != "none" else [], means)
            ties.extend(group_ties)
        for entry_id in sorted(group, key=lambda e: (ranks[e], e)):
            ranked.append(Ranked(entry_id, ranks[entry_id], _as_float(totals[entry_id]),
                                 {c: _as_float(m) for c, m in means[entry_id].items()}))
        position += len(group)
    return CategoryRanking(category_id, tuple(ranked), tuple(ties), tuple(incomplete))


def _break(group: list[int], total: Fraction, first: int, criteria: list[Criterion],
           means: dict[int, dict[int, Fraction]]) -> tuple[dict[int, int], list[Tie]]:
    """Ranks for entries of equal total from ``first`` on, and the ties as reasons."""
    shown = _as_float(total)
    keys = [c.id for c in _heaviest_first(criteria)]
    if not keys:
        return dict.fromkeys(group, first), [Tie(
            tuple(sorted(group)), shown, None,
            f"equal totals ({shown}): they share rank {first}, no tie-break is set")]

    def key(entry_id: int) -> tuple[Fraction, ...]:
        return tuple(-means[entry_id][c] for c in keys)

    ordered = sorted(group, key=lambda e: (key(e), e))
    ranks: dict[int, int] = {}
    for index, entry_id in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        same = previous is not None and key(previous) == key(entry_id)
        ranks[entry_id] = ranks[previous] if same and previous is not None else first + index
    if len(set(ranks.values())) == 1:
        return ranks, [Tie(tuple(sorted(group)), shown, None,
                           f"equal totals ({shown}) and equal on every criterion: they share "
                           f"rank {first}")]
    separating = next(c for c in keys if len({means[e][c] for e in group}) > 1)
    still = [sorted(e for e in group if ranks[e] == r) for r in sorted(set(ranks.values()))]
    shared = [g for g in still if len(g) > 1]
    reason = (f"equal totals ({shown}): broken by the higher mean on the heaviest "
              f"criterion that differs ({separating})")
    if shared:
        reason += f"; still equal and sharing a rank: {shared}"
    return ranks, [Tie(tuple(sorted(group)), shown, separating, reason)]


def ranking_to_json(result: Sequence[CategoryRanking]) -> list[dict[str, object]]:
    """Plain JSON of a ranking (criterion keys as strings)."""
    return [{
        "category_id": c.category_id,
        "ranked": [{"entry_id": r.entry_id, "rank": r.rank, "total": r.total,
                    "criteria": {str(k): v for k, v in sorted(r.criteria.items())}}
                   for r in c.ranked],
        "ties": [{"entry_ids": list(t.entry_ids), "total": t.total, "broken_by": t.broken_by,
                  "reason": t.reason} for t in c.ties],
        "incomplete": [{"entry_id": i.entry_id, "missing": [list(m) for m in i.missing],
                        "reason": i.reason} for i in c.incomplete],
    } for c in result]


__all__ = ["TIE_BREAKS", "CategoryRanking", "Criterion", "Entry", "Incomplete", "Ranked",
           "Score", "Tie", "applicable", "rank", "ranking_to_json"]
