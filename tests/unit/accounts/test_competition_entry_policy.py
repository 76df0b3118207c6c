"""The entrants' rules of accounts/policy.py: who submits an entry (an enterprise's member for
its enterprise, a signed-in person as itself, the organisers anyone; never an officer or a
read-only token), whose entry it is, who sees it, and who edits or withdraws it until when."""

from __future__ import annotations

import pytest

from tradebase.accounts.policy import (
    ANONYMOUS,
    Actor,
    EntryOwner,
    JudgeSeat,
    judge_conflict,
    may_change_entry,
    may_see_entry,
    may_submit_entry,
    owns_entry,
)
from tradebase.accounts.roles import Role

BASES = frozenset({7})
MEMBER = Actor(label="works", role=Role.ENTERPRISE, user_id=10, enterprise_ids=frozenset({40}))
COLLEAGUE = Actor(label="works2", role=Role.ENTERPRISE, user_id=11,
                  enterprise_ids=frozenset({40}))
DESIGNER = Actor(label="designer", role=Role.BUYER, user_id=12, organisation="Studio")
OFFICER = Actor(label="officer", role=Role.OFFICER, user_id=13)
ORGANISER = Actor(label="bureau", role=Role.BASE_ADMIN, user_id=1, base_ids=BASES)
READ_ONLY = Actor(label="token", role=Role.ENTERPRISE, user_id=10,
                  enterprise_ids=frozenset({40}), scopes=frozenset({"read"}))
WORKS_ENTRY = EntryOwner(kind="enterprise", submitted_by=10, enterprise_id=40)
PERSON_ENTRY = EntryOwner(kind="person", submitted_by=12)


@pytest.mark.parametrize(("actor", "kind", "enterprise_id", "allowed"), [
    (MEMBER, "enterprise", 40, True),
    (MEMBER, "enterprise", 41, False),  # not its enterprise
    (MEMBER, "person", None, True),
    (DESIGNER, "person", None, True),
    (DESIGNER, "person", 40, False),  # names an enterprise it does not belong to
    (OFFICER, "person", None, False),  # officers change nothing
    (READ_ONLY, "enterprise", 40, False),
    (ANONYMOUS, "person", None, False),
    (ORGANISER, "enterprise", 99, True),
])
def test_who_submits(actor: Actor, kind: str, enterprise_id: int | None, allowed: bool) -> None:
    assert may_submit_entry(actor, kind=kind, enterprise_id=enterprise_id,
                            organiser_base_ids=BASES) is allowed


def test_whose_entry_and_who_sees_it() -> None:
    assert owns_entry(MEMBER, WORKS_ENTRY)
    assert owns_entry(COLLEAGUE, WORKS_ENTRY)  # every member answers for its enterprise's
    assert not owns_entry(DESIGNER, WORKS_ENTRY)
    assert owns_entry(DESIGNER, PERSON_ENTRY)
    assert not owns_entry(MEMBER, PERSON_ENTRY)
    assert not may_see_entry(DESIGNER, WORKS_ENTRY, BASES, published=False, assigned=False)
    assert may_see_entry(OFFICER, WORKS_ENTRY, BASES, published=False, assigned=True)
    assert may_see_entry(ORGANISER, WORKS_ENTRY, BASES, published=False, assigned=False)
    assert may_see_entry(ANONYMOUS, WORKS_ENTRY, BASES, published=True, assigned=False)


@pytest.mark.parametrize(("actor", "judging_open", "started", "allowed"), [
    (COLLEAGUE, True, False, True),
    (COLLEAGUE, True, True, False),  # judging started: entrants no longer change it
    (ORGANISER, True, True, True),
    (ORGANISER, False, False, False),  # judging closed: nobody
    (DESIGNER, True, False, False),
    (READ_ONLY, True, False, False),
])
def test_who_changes(actor: Actor, judging_open: bool, started: bool, allowed: bool) -> None:
    assert may_change_entry(actor, WORKS_ENTRY, BASES, judging_open=judging_open,
                            judging_started=started) is allowed


def test_a_judge_never_scores_what_it_submitted() -> None:
    seat = JudgeSeat(user_id=12)
    assert judge_conflict(seat, entry_id=1, entry_enterprise_id=None,
                          entry_submitted_by=12) == "own_entry"
    assert judge_conflict(seat, entry_id=1, entry_enterprise_id=None,
                          entry_submitted_by=10) is None
