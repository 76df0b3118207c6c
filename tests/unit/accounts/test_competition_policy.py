"""The competition rules of accounts/policy.py: conflicts of interest (own enterprise by
affiliation or membership, declared entries and enterprises), sealed scores, the ranking and
the judges' comments by judging status."""

from __future__ import annotations

import pytest

from tradebase.accounts.policy import (
    ANONYMOUS,
    SYSTEM,
    Actor,
    JudgeSeat,
    judge_conflict,
    may_declare_conflict,
    may_read_judge_comments,
    may_read_ranking,
    may_read_sealed_scores,
)
from tradebase.accounts.roles import Role

BASES = frozenset({7})
SEAT = JudgeSeat(user_id=5, affiliation_id=40, member_of=frozenset({41}),
                 conflict_entries=frozenset({900}), conflict_enterprises=frozenset({42}))
JUDGE = Actor(label="judge", role=Role.OFFICER, user_id=5)
OTHER_JUDGE = Actor(label="other", role=Role.OFFICER, user_id=6)
ORGANISER = Actor(label="bureau", role=Role.BASE_ADMIN, user_id=1, base_ids=BASES)
STRANGER = Actor(label="bureau", role=Role.BASE_ADMIN, user_id=2, base_ids=frozenset({8}))
ADMIN = Actor(label="admin", role=Role.ADMIN, user_id=3)


@pytest.mark.parametrize(("entry_id", "enterprise_id", "reason"), [
    (1, 40, "own_enterprise"),  # its affiliation
    (1, 41, "own_enterprise"),  # an enterprise its user belongs to
    (900, None, "declared_entry"),
    (1, 42, "declared_enterprise"),
    (1, 43, None),
    (1, None, None),  # a person's entry without an enterprise
])
def test_conflicts(entry_id: int, enterprise_id: int | None, reason: str | None) -> None:
    assert judge_conflict(SEAT, entry_id=entry_id, entry_enterprise_id=enterprise_id) == reason


def test_scores_are_sealed_while_open() -> None:
    assert may_read_sealed_scores(JUDGE, "open", BASES, seat=SEAT)
    for actor in (OTHER_JUDGE, ORGANISER, ADMIN, ANONYMOUS):
        assert not may_read_sealed_scores(actor, "open", BASES, seat=SEAT)
    assert may_read_sealed_scores(SYSTEM, "open", BASES)
    for status in ("closed", "published"):
        assert may_read_sealed_scores(ORGANISER, status, BASES, seat=SEAT)
        assert may_read_sealed_scores(ADMIN, status, BASES, seat=SEAT)
        assert not may_read_sealed_scores(STRANGER, status, BASES, seat=SEAT)
        assert not may_read_sealed_scores(OTHER_JUDGE, status, BASES, seat=SEAT)


def test_ranking_and_comments() -> None:
    assert not may_read_ranking(ORGANISER, "open", BASES)
    assert may_read_ranking(ORGANISER, "closed", BASES)
    assert not may_read_ranking(ANONYMOUS, "closed", BASES)
    assert may_read_ranking(ANONYMOUS, "published", BASES)
    assert not may_read_judge_comments(ANONYMOUS, "published", False, BASES, seat=SEAT)
    assert may_read_judge_comments(ANONYMOUS, "published", True, BASES, seat=SEAT)
    assert may_read_judge_comments(ORGANISER, "closed", False, BASES, seat=SEAT)
    assert not may_read_judge_comments(ORGANISER, "open", False, BASES, seat=SEAT)


def test_who_declares_a_conflict() -> None:
    assert may_declare_conflict(JUDGE, SEAT, BASES)
    assert may_declare_conflict(ORGANISER, SEAT, BASES)
    assert not may_declare_conflict(OTHER_JUDGE, SEAT, BASES)
    assert not may_declare_conflict(STRANGER, SEAT, BASES)
