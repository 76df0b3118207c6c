"""The competition ranking against hand-computed cases (weights, scales, ties shared and
broken, missing scores, per-category criteria) and Hypothesis properties (the order of judges,
entries and scores, and the judges' labels, never change the result)."""

from __future__ import annotations

from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradebase.events.ranking import (
    CategoryRanking,
    Criterion,
    Entry,
    Score,
    rank,
    ranking_to_json,
)

J = frozenset({10, 11})
# c1 weighs 3 on 0–10, c2 weighs 1 on 0–100
CRITERIA = [Criterion(1, 3.0, 10.0), Criterion(2, 1.0, 100.0)]


def _scores(entry: int, c1: tuple[float, float], c2: tuple[float, float]) -> list[Score]:
    return [Score(10, entry, 1, c1[0]), Score(11, entry, 1, c1[1]),
            Score(10, entry, 2, c2[0]), Score(11, entry, 2, c2[1])]


# 1: c1 mean 7 (0.7), c2 mean 60 (0.6): 100 × (3×0.7 + 0.6) / 4 = 67.5
# 2: c1 mean 9 (0.9), c2 0: 100 × 2.7 / 4 = 67.5 — tied with 1
# 3: full marks: 100;  4: c1 5, c2 40: 100 × (1.5 + 0.4) / 4 = 47.5
SCORES = [*_scores(1, (8, 6), (50, 70)), *_scores(2, (9, 9), (0, 0)),
          *_scores(3, (10, 10), (100, 100)), *_scores(4, (5, 5), (40, 40))]
ENTRIES = [Entry(e, 1, J) for e in (1, 2, 3, 4)]


def _ranks(result: list[CategoryRanking], category: int = 0) -> list[tuple[int, int, float]]:
    return [(r.entry_id, r.rank, r.total) for r in result[category].ranked]


def test_weights_and_scales_and_a_shared_rank() -> None:
    result = rank(CRITERIA, ENTRIES, SCORES)
    assert _ranks(result) == [(3, 1, 100.0), (1, 2, 67.5), (2, 2, 67.5), (4, 4, 47.5)]
    (tie,) = result[0].ties
    assert (tie.entry_ids, tie.total, tie.broken_by) == ((1, 2), 67.5, None)
    assert "share rank 2" in tie.reason
    assert "no tie-break" in tie.reason
    assert result[0].ranked[1].criteria == {1: 7.0, 2: 60.0}


def test_the_heaviest_criterion_breaks_the_tie() -> None:
    result = rank(CRITERIA, ENTRIES, SCORES, tie_break="heaviest_criterion")
    assert _ranks(result) == [(3, 1, 100.0), (2, 2, 67.5), (1, 3, 67.5), (4, 4, 47.5)]
    (tie,) = result[0].ties
    assert (tie.entry_ids, tie.broken_by) == ((1, 2), 1)
    assert "heaviest criterion" in tie.reason


def test_equal_on_every_criterion_still_shares() -> None:
    scores = [*SCORES, *_scores(5, (8, 6), (50, 70))]  # a twin of entry 1
    result = rank(CRITERIA, [*ENTRIES, Entry(5, 1, J)], scores,
                  tie_break="heaviest_criterion")
    assert _ranks(result) == [(3, 1, 100.0), (2, 2, 67.5), (1, 3, 67.5), (5, 3, 67.5),
                              (4, 5, 47.5)]
    (tie,) = result[0].ties
    assert tie.entry_ids == (1, 2, 5)
    assert tie.broken_by == 1
    assert "[[1, 5]]" in tie.reason


def test_missing_scores_are_flagged_not_ranked() -> None:
    partial = [s for s in _scores(6, (9, 9), (90, 90)) if (s.judge_id, s.criterion_id)
               != (11, 2)]
    result = rank(CRITERIA, [*ENTRIES, Entry(6, 1, J), Entry(7, 1, frozenset())],
                  [*SCORES, *partial])
    assert [r.entry_id for r in result[0].ranked] == [3, 1, 2, 4]
    flagged = {i.entry_id: i for i in result[0].incomplete}
    assert flagged[6].missing == ((11, 2),)
    assert "1 score(s) missing" in flagged[6].reason
    assert flagged[7].missing == ()
    assert "no score" in flagged[7].reason


def test_criteria_per_category_and_a_category_without_criteria() -> None:
    criteria = [Criterion(1, 1.0, 10.0), Criterion(3, 1.0, 10.0, category_id=2)]
    entries = [Entry(1, 1, frozenset({10})), Entry(2, 2, frozenset({10}))]
    scores = [Score(10, 1, 1, 5), Score(10, 2, 1, 5), Score(10, 2, 3, 10)]
    one, two = rank(criteria, entries, scores)
    assert (one.ranked[0].total, two.ranked[0].total) == (50.0, 75.0)
    lonely = rank([Criterion(3, 1.0, 10.0, category_id=2)], [Entry(1, 1, frozenset())], [])
    assert lonely[0].incomplete[0].reason == "the category has no criteria"


def test_json_and_a_bad_tie_break() -> None:
    out = ranking_to_json(rank(CRITERIA, ENTRIES, SCORES))
    ranked = out[0]["ranked"]
    assert isinstance(ranked, list)
    assert ranked[0] == {"entry_id": 3, "rank": 1, "total": 100.0,
                                   "criteria": {"1": 10.0, "2": 100.0}}
    with pytest.raises(ValueError, match="tie_break"):
        rank(CRITERIA, ENTRIES, SCORES, tie_break="coin")


@st.composite
def _competitions(draw: st.DrawFn) -> tuple[list[Criterion], list[Entry], list[Score]]:
    criteria = [Criterion(c, draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
                          draw(st.sampled_from([5.0, 10.0, 100.0])),
                          draw(st.sampled_from([None, None, 1, 2])))
                for c in range(1, draw(st.integers(1, 3)) + 1)]
    judges = list(range(1, draw(st.integers(1, 4)) + 1))
    entries = [Entry(e, draw(st.sampled_from([1, 2])),
                     frozenset(draw(st.sets(st.sampled_from(judges), min_size=1))))
               for e in range(1, draw(st.integers(1, 7)) + 1)]
    scores = [Score(j, e.id, c.id, draw(st.sampled_from([0.0, 2.5, 5.0, 0.1, 1 / 3])))
              for e in entries for j in sorted(e.judges) for c in criteria
              if c.category_id in (None, e.category_id) and draw(st.integers(0, 9)) > 0]
    return criteria, entries, scores


def _canonical(result: list[CategoryRanking]) -> list[object]:
    """The result with the judges' labels left out (the incomplete entries by id only)."""
    return [(c.category_id, c.ranked, c.ties, sorted(i.entry_id for i in c.incomplete))
            for c in result]


@settings(max_examples=150, deadline=None)
@given(_competitions(), st.randoms(use_true_random=False),
       st.sampled_from(["none", "heaviest_criterion"]))
def test_order_and_judge_labels_do_not_matter(
        case: tuple[list[Criterion], list[Entry], list[Score]], random: Random,
        tie_break: str) -> None:
    criteria, entries, scores = case
    expected = _canonical(rank(criteria, entries, scores, tie_break=tie_break))
    labels = list(range(1, 5))
    random.shuffle(labels)
    relabel = dict(zip(range(1, 5), [label + 100 for label in labels], strict=True))
    moved_entries = [Entry(e.id, e.category_id, frozenset(relabel[j] for j in e.judges))
                     for e in entries]
    moved_scores = [Score(relabel[s.judge_id], s.entry_id, s.criterion_id, s.value)
                    for s in scores]
    moved_criteria = list(criteria)
    random.shuffle(moved_entries)
    random.shuffle(moved_scores)
    random.shuffle(moved_criteria)
    assert _canonical(rank(moved_criteria, moved_entries, moved_scores,
                           tie_break=tie_break)) == expected
