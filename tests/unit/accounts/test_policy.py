"""The object-level rules, checked over every role and every permission."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tradebase.accounts.policy import (
    ANONYMOUS,
    READ_PERMISSIONS,
    Actor,
    EventParty,
    Permission,
    RequestParties,
    acts_for_buyer,
    acts_for_enterprise,
    is_allowed,
    may_ask_group_meeting,
    may_edit_lead,
    may_post_message,
    may_read_meeting_note,
    may_read_sealed_quotes,
    may_read_thread,
    may_record_lead,
    may_record_meeting_outcome,
    may_register,
    may_see_enquiry,
    may_see_event,
    may_see_event_totals,
    may_see_group_meeting,
    may_see_lead,
    may_see_meeting_outcome,
    may_see_meeting_request,
    may_see_message_author,
    may_see_registration,
    may_see_request,
    may_view_round,
    meeting_side,
    system_actor,
    thread_side,
    transfer_bases,
)
from tradebase.accounts.roles import Role

OWN_BASE, OTHER_BASE = 1, 2
OWN_ENTERPRISE, OTHER_ENTERPRISE = 10, 20

ACTORS = {
    "anonymous": ANONYMOUS,
    "admin": Actor(label="a", role=Role.ADMIN, user_id=1),
    "base_admin": Actor(label="b", role=Role.BASE_ADMIN, user_id=2,
                        base_ids=frozenset({OWN_BASE})),
    "enterprise": Actor(label="e", role=Role.ENTERPRISE, user_id=3,
                        enterprise_ids=frozenset({OWN_ENTERPRISE})),
    "buyer": Actor(label="u", role=Role.BUYER, user_id=4, organisation="X"),
    "officer": Actor(label="o", role=Role.OFFICER, user_id=5),
    "supplier": Actor(label="s", role=Role.SUPPLIER, user_id=6, organisation="Foam Co"),
}

# (permission, base, enterprise) -> actors allowed. Everything not listed is denied.
RULES: dict[tuple[Permission, int | None, int | None], set[str]] = {
    (Permission.CREATE_BASE, None, None): {"admin"},
    (Permission.DELETE_BASE, OWN_BASE, None): {"admin"},
    (Permission.MANAGE_BASE, OWN_BASE, None): {"admin", "base_admin"},
    (Permission.MANAGE_BASE, OTHER_BASE, None): {"admin"},
    (Permission.CREATE_ENTERPRISE, OWN_BASE, None): {"admin", "base_admin"},
    (Permission.CREATE_ENTERPRISE, OTHER_BASE, None): {"admin"},
    (Permission.CREATE_ENTERPRISE, None, None): {"admin"},
    (Permission.EDIT_ENTERPRISE, OWN_BASE, OWN_ENTERPRISE): {"admin", "base_admin", "enterprise"},
    (Permission.EDIT_ENTERPRISE, OTHER_BASE, OWN_ENTERPRISE): {"admin", "enterprise"},
    (Permission.EDIT_ENTERPRISE, OWN_BASE, OTHER_ENTERPRISE): {"admin", "base_admin"},
    (Permission.EDIT_ENTERPRISE, OTHER_BASE, OTHER_ENTERPRISE): {"admin"},
    (Permission.DELETE_ENTERPRISE, OWN_BASE, OWN_ENTERPRISE): {"admin", "base_admin"},
    (Permission.DELETE_ENTERPRISE, OTHER_BASE, OTHER_ENTERPRISE): {"admin"},
    (Permission.VIEW_AUDIT, None, None): {"admin", "base_admin"},
    (Permission.VIEW_AUDIT, OWN_BASE, None): {"admin", "base_admin"},
    (Permission.VIEW_AUDIT, OTHER_BASE, None): {"admin"},
    (Permission.MANAGE_USERS, None, None): {"admin"},
    (Permission.IMPORT_DATA, OWN_BASE, None): {"admin", "base_admin"},
    (Permission.IMPORT_DATA, OTHER_BASE, None): {"admin"},
    (Permission.MATCH_LISTINGS, None, None): {"admin", "base_admin", "enterprise", "buyer",
                                              "officer", "supplier"},
    (Permission.POST_REQUEST, None, None): {"admin", "buyer"},
    (Permission.OFFER_CAPACITY, OWN_BASE, OWN_ENTERPRISE): {"admin", "base_admin", "enterprise"},
    (Permission.OFFER_CAPACITY, OWN_BASE, OTHER_ENTERPRISE): {"admin", "base_admin"},
    (Permission.OFFER_CAPACITY, OTHER_BASE, OTHER_ENTERPRISE): {"admin"},
    (Permission.SEARCH_CAPACITY, None, None): {"admin", "base_admin", "buyer", "officer"},
    (Permission.VIEW_DOCKING_DASHBOARD, OWN_BASE, None): {"admin", "base_admin", "officer"},
    (Permission.VIEW_DOCKING_DASHBOARD, OTHER_BASE, None): {"admin", "officer"},
    (Permission.MANAGE_PROCUREMENT, OWN_BASE, None): {"admin", "base_admin"},
    (Permission.MANAGE_PROCUREMENT, OTHER_BASE, None): {"admin"},
    (Permission.DECLARE_NEED, OWN_BASE, OWN_ENTERPRISE): {"admin", "base_admin", "enterprise"},
    (Permission.DECLARE_NEED, OWN_BASE, OTHER_ENTERPRISE): {"admin", "base_admin"},
    (Permission.DECLARE_NEED, OTHER_BASE, OTHER_ENTERPRISE): {"admin"},
    # a supplier quotes in any round (as its own organisation); a base administrator only
    # on a supplier's behalf in its bases' rounds
    (Permission.QUOTE_IN_ROUND, OWN_BASE, None): {"admin", "base_admin", "supplier"},
    (Permission.QUOTE_IN_ROUND, OTHER_BASE, None): {"admin", "supplier"},
    # events: a base's administrators organise its events
    (Permission.ORGANISE_EVENT, OWN_BASE, None): {"admin", "base_admin"},
    (Permission.ORGANISE_EVENT, OTHER_BASE, None): {"admin"},
    # a lead met at a fair recorded as a docking request for the enterprise that met it
    (Permission.RECORD_MET_REQUEST, OWN_BASE, OWN_ENTERPRISE): {"admin", "base_admin",
                                                                 "enterprise"},
    (Permission.RECORD_MET_REQUEST, OWN_BASE, OTHER_ENTERPRISE): {"admin", "base_admin"},
    (Permission.RECORD_MET_REQUEST, OTHER_BASE, OTHER_ENTERPRISE): {"admin"},
    # analytics: anyone signed in reads rates, schemes and runs; administrators keep the
    # rates, officers define schemes, officers and base administrators run them
    (Permission.READ_ANALYTICS, None, None): {"admin", "base_admin", "enterprise", "buyer",
                                              "officer", "supplier"},
    (Permission.MANAGE_RATES, None, None): {"admin"},
    (Permission.DEFINE_SCHEME, None, None): {"admin", "officer"},
    (Permission.RUN_SCHEME, None, None): {"admin", "base_admin", "officer"},
}


def test_every_permission_has_rules() -> None:
    assert {permission for permission, _, _ in RULES} == set(Permission)


@pytest.mark.parametrize(("permission", "base_id", "enterprise_id"), list(RULES))
@pytest.mark.parametrize("who", list(ACTORS))
def test_rule(who: str, permission: Permission, base_id: int | None,
              enterprise_id: int | None) -> None:
    expected = who in RULES[(permission, base_id, enterprise_id)]
    allowed = is_allowed(ACTORS[who], permission, base_id=base_id, enterprise_id=enterprise_id)
    assert allowed is expected


@pytest.mark.parametrize("permission", [p for p in Permission if p not in READ_PERMISSIONS])
def test_read_only_tokens_change_nothing(permission: Permission) -> None:
    admin = Actor(label="a", role=Role.ADMIN, user_id=1, scopes=frozenset({"read"}))
    assert not is_allowed(admin, permission, base_id=OWN_BASE, enterprise_id=OWN_ENTERPRISE)


def test_the_command_line_operator_may_do_everything() -> None:
    cli = system_actor()
    assert all(is_allowed(cli, permission) for permission in Permission)


# A request of buyer 4 (organisation "X") sent to OWN_ENTERPRISE, of OWN_BASE.
SENT = RequestParties(buyer_id=4, organisation="X", enterprise_ids=frozenset({OWN_ENTERPRISE}),
                      base_ids=frozenset({OWN_BASE}))
NOT_SENT = RequestParties(buyer_id=4, organisation="X")
OTHER_BUYER = Actor(label="v", role=Role.BUYER, user_id=6, organisation="Y")
COLLEAGUE = Actor(label="w", role=Role.BUYER, user_id=7, organisation="X")
OTHER_ENTERPRISE_MEMBER = Actor(label="f", role=Role.ENTERPRISE, user_id=8,
                                enterprise_ids=frozenset({OTHER_ENTERPRISE}))
OTHER_BASE_ADMIN = Actor(label="c", role=Role.BASE_ADMIN, user_id=9,
                         base_ids=frozenset({OTHER_BASE}))


@pytest.mark.parametrize(("actor", "parties", "expected"), [
    (ACTORS["buyer"], SENT, True),
    (COLLEAGUE, SENT, True),
    (ACTORS["enterprise"], SENT, True),
    (ACTORS["base_admin"], SENT, True),
    (ACTORS["admin"], SENT, True),
    (ACTORS["buyer"], NOT_SENT, True),
    (ACTORS["enterprise"], NOT_SENT, False),  # a shortlist is not sent
    (ACTORS["base_admin"], NOT_SENT, False),
    (OTHER_BUYER, SENT, False),
    (OTHER_ENTERPRISE_MEMBER, SENT, False),
    (OTHER_BASE_ADMIN, SENT, False),
    (ACTORS["officer"], SENT, False),
    (ANONYMOUS, SENT, False),
])
def test_who_sees_a_request(actor: Actor, parties: RequestParties, expected: bool) -> None:
    assert may_see_request(actor, parties) is expected


# One enquiry of SENT's request: to OWN_ENTERPRISE (of OWN_BASE), or to a competitor.
@pytest.mark.parametrize(("actor", "enterprise_id", "base_id", "sent", "expected"), [
    (ACTORS["buyer"], OWN_ENTERPRISE, OWN_BASE, True, True),
    (ACTORS["buyer"], OTHER_ENTERPRISE, OTHER_BASE, True, True),  # the buyer sees every quote
    (ACTORS["buyer"], OTHER_ENTERPRISE, OTHER_BASE, False, True),  # and its shortlist
    (COLLEAGUE, OTHER_ENTERPRISE, OTHER_BASE, True, True),
    (ACTORS["admin"], OTHER_ENTERPRISE, OTHER_BASE, False, True),
    (ACTORS["enterprise"], OWN_ENTERPRISE, OWN_BASE, True, True),
    (ACTORS["enterprise"], OWN_ENTERPRISE, OWN_BASE, False, False),  # not sent yet
    (ACTORS["enterprise"], OTHER_ENTERPRISE, OTHER_BASE, True, False),  # a competitor's quote
    (ACTORS["enterprise"], OTHER_ENTERPRISE, OWN_BASE, True, False),  # a neighbour's, too
    (ACTORS["base_admin"], OWN_ENTERPRISE, OWN_BASE, True, True),
    (ACTORS["base_admin"], OTHER_ENTERPRISE, OWN_BASE, True, True),  # any of its base
    (ACTORS["base_admin"], OTHER_ENTERPRISE, OTHER_BASE, True, False),  # not another base's
    (OTHER_BUYER, OWN_ENTERPRISE, OWN_BASE, True, False),
    (ACTORS["officer"], OWN_ENTERPRISE, OWN_BASE, True, False),
    (ANONYMOUS, OWN_ENTERPRISE, OWN_BASE, True, False),
])
def test_who_sees_an_enquiry_and_its_quote(
    actor: Actor, enterprise_id: int, base_id: int, sent: bool, expected: bool
) -> None:
    assert may_see_enquiry(actor, SENT, enterprise_id=enterprise_id, base_id=base_id,
                           sent=sent) is expected


def test_who_acts_on_a_request() -> None:
    assert acts_for_buyer(ACTORS["buyer"], SENT)
    assert acts_for_buyer(COLLEAGUE, SENT)
    assert not acts_for_buyer(OTHER_BUYER, SENT)
    assert not acts_for_buyer(ACTORS["enterprise"], SENT)
    assert not acts_for_buyer(ACTORS["admin"], SENT)  # administrators see, they do not act
    assert acts_for_enterprise(ACTORS["enterprise"], OWN_ENTERPRISE)
    assert not acts_for_enterprise(ACTORS["enterprise"], OTHER_ENTERPRISE)
    assert not acts_for_enterprise(ACTORS["base_admin"], OWN_ENTERPRISE)
    assert acts_for_buyer(system_actor(), SENT)
    assert acts_for_enterprise(system_actor(), 1)


# An enquiry of SENT to OWN_ENTERPRISE: who writes in its thread (side), who reads it.
THREAD = {
    "admin": (None, True), "base_admin": (None, True), "enterprise": ("enterprise", True),
    "buyer": ("buyer", True), "officer": (None, False), "anonymous": (None, False),
}


@pytest.mark.parametrize("who", sorted(THREAD))
def test_who_reads_and_writes_an_enquiry_thread(who: str) -> None:
    actor = ACTORS[who]
    side, reads = THREAD[who]
    where = {"enterprise_id": OWN_ENTERPRISE, "base_id": OWN_BASE, "sent": True}
    assert thread_side(actor, SENT, OWN_ENTERPRISE) == side
    assert may_read_thread(actor, SENT, **where) is reads
    assert may_post_message(actor, SENT, suspended=False, **where) is (side is not None)
    assert not may_post_message(actor, SENT, suspended=False,
                                **(where | {"sent": False})) or who == "buyer"
    # the other side reads the side's name only; its own side and administrators the author
    for author_side in ("buyer", "enterprise"):
        assert may_see_message_author(actor, SENT, enterprise_id=OWN_ENTERPRISE,
                                      author_side=author_side) is (
            who == "admin" or side == author_side)


def test_thread_refusals() -> None:
    where = {"enterprise_id": OWN_ENTERPRISE, "base_id": OWN_BASE, "sent": True}
    assert not may_post_message(ACTORS["buyer"], SENT, suspended=True, **where)
    assert may_post_message(ACTORS["enterprise"], SENT, suspended=True, **where)  # buyers only
    assert may_post_message(COLLEAGUE, SENT, suspended=False, **where)
    assert not may_read_thread(OTHER_BUYER, SENT, **where)
    competitor = {"enterprise_id": OTHER_ENTERPRISE, "base_id": OTHER_BASE, "sent": True}
    assert not may_read_thread(ACTORS["enterprise"], SENT, **competitor)
    assert not may_post_message(ACTORS["enterprise"], SENT, suspended=False, **competitor)
    read_only = Actor(label="r", role=Role.BUYER, user_id=4, organisation="X",
                      scopes=frozenset({"read"}))
    assert may_read_thread(read_only, SENT, **where)
    assert not may_post_message(read_only, SENT, suspended=False, **where)
    assert thread_side(system_actor(), SENT, OWN_ENTERPRISE) is None  # oversees, no party


# (round's base, the bases of the actor's enterprises) -> actors who may view the round
ROUND_VIEWERS = {
    # a round is a call for suppliers' quotes: every supplier sees every round
    (OWN_BASE, frozenset({OWN_BASE})): {"admin", "base_admin", "enterprise", "officer",
                                        "supplier"},
    (OTHER_BASE, frozenset({OWN_BASE})): {"admin", "officer", "supplier"},
}


@pytest.mark.parametrize(("base_id", "member_bases"), list(ROUND_VIEWERS))
@pytest.mark.parametrize("who", list(ACTORS))
def test_round_viewers(who: str, base_id: int, member_bases: frozenset[int]) -> None:
    expected = who in ROUND_VIEWERS[(base_id, member_bases)]
    assert may_view_round(ACTORS[who], base_id, member_bases) is expected


@pytest.mark.parametrize("who", list(ACTORS))
def test_quotes_are_sealed_while_the_round_is_open(who: str) -> None:
    actor = ACTORS[who]
    assert not may_read_sealed_quotes(actor, OWN_BASE, "open")
    for status in ("closed", "published"):
        assert may_read_sealed_quotes(actor, OWN_BASE, status) is (who in {"admin", "base_admin"})
        assert may_read_sealed_quotes(actor, OTHER_BASE, status) is (who == "admin")
    assert may_read_sealed_quotes(system_actor(), OWN_BASE, "open")


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", frozenset()), ("admin", None), ("base_admin", frozenset({OWN_BASE})),
    ("enterprise", frozenset()), ("buyer", frozenset()), ("officer", frozenset()),
])
def test_whose_rows_an_actor_imports_and_exports(who: str, expected: frozenset[int] | None
                                                 ) -> None:
    assert transfer_bases(ACTORS[who]) == expected
    # built from IMPORT_DATA: the bases are exactly those the permission holds on
    for base in (OWN_BASE, OTHER_BASE):
        allowed = is_allowed(ACTORS[who], Permission.IMPORT_DATA, base_id=base)
        assert allowed == (expected is None or base in expected)
    assert transfer_bases(system_actor()) is None
    read_only = Actor(label="r", role=Role.BASE_ADMIN, base_ids=frozenset({OWN_BASE}),
                      scopes=frozenset({"read"}))
    assert transfer_bases(read_only) == frozenset()


@pytest.mark.parametrize("who", list(ACTORS))
def test_a_quote_is_its_own_suppliers_while_the_round_is_open(who: str) -> None:
    """Foam Co's quote: while open only Foam Co's members read it (not the base
    administrator who may have entered it on its behalf); once closed its managers too."""
    actor = ACTORS[who]
    assert may_read_sealed_quotes(actor, OWN_BASE, "open", supplier="foam co") is (
        who == "supplier")
    assert not may_read_sealed_quotes(actor, OWN_BASE, "open", supplier="Other Resins")
    assert may_read_sealed_quotes(actor, OWN_BASE, "closed", supplier="Foam Co") is (
        who in {"admin", "base_admin", "supplier"})
    nameless = Actor(label="n", role=Role.SUPPLIER, user_id=7, organisation="")
    assert not may_read_sealed_quotes(nameless, OWN_BASE, "open", supplier="")


# --- events: an event of OWN_BASE; the buyer's organisation "X" asks OWN_ENTERPRISE ---------

WORKS = EventParty(kind="enterprise", enterprise_id=OWN_ENTERPRISE)
RIVAL_WORKS = EventParty(kind="enterprise", enterprise_id=OTHER_ENTERPRISE)
SHOPPER = EventParty(kind="buyer", organisation="X", user_id=4)
ORGANISERS = frozenset({OWN_BASE})


@pytest.mark.parametrize(("who", "published", "expected"), [
    ("anonymous", True, True), ("anonymous", False, False), ("buyer", False, False),
    ("enterprise", False, False), ("base_admin", False, True), ("admin", False, True),
    ("officer", False, False),
])
def test_who_sees_an_event(who: str, published: bool, expected: bool) -> None:
    assert may_see_event(ACTORS[who], published=published,
                         organiser_base_ids=ORGANISERS) is expected


@pytest.mark.parametrize("who", list(ACTORS))
def test_who_registers_and_sees_a_registration(who: str) -> None:
    actor = ACTORS[who]
    registers_works = may_register(actor, WORKS, enterprise_base_id=OWN_BASE,
                                   organiser_base_ids=ORGANISERS)
    assert registers_works is (who in {"admin", "base_admin", "enterprise"})
    assert may_register(actor, SHOPPER, enterprise_base_id=None,
                        organiser_base_ids=ORGANISERS) is (who in {"admin", "buyer"})
    assert may_see_registration(actor, WORKS, ORGANISERS) is (
        who in {"admin", "base_admin", "enterprise"})
    assert may_see_registration(actor, RIVAL_WORKS, frozenset({OTHER_BASE})) is (
        who == "admin")


@pytest.mark.parametrize("who", list(ACTORS))
def test_meeting_sides_and_private_notes(who: str) -> None:
    actor = ACTORS[who]
    side = {"buyer": "requester", "enterprise": "recipient"}.get(who)
    assert meeting_side(actor, SHOPPER, WORKS) == side
    assert may_see_meeting_request(actor, SHOPPER, WORKS, ORGANISERS) is (
        who in {"admin", "base_admin", "buyer", "enterprise"})
    assert may_see_meeting_request(actor, SHOPPER, RIVAL_WORKS, frozenset({OTHER_BASE})) is (
        who in {"admin", "buyer"})
    # each side reads its own note; organisers and administrators read neither
    assert may_read_meeting_note(actor, "requester", SHOPPER, WORKS) is (who == "buyer")
    assert may_read_meeting_note(actor, "recipient", SHOPPER, WORKS) is (who == "enterprise")
    colleague = Actor(label="c", role=Role.BUYER, user_id=99, organisation="X")
    assert meeting_side(colleague, SHOPPER, WORKS) == "requester"


@pytest.mark.parametrize("who", list(ACTORS))
def test_who_sees_and_records_a_meeting_outcome(who: str) -> None:
    """A meeting's outcome: its two sides and the organisers; another pair's is not theirs."""
    actor = ACTORS[who]
    sides_and_staff = who in {"admin", "base_admin", "buyer", "enterprise"}
    assert may_see_meeting_outcome(actor, SHOPPER, WORKS, ORGANISERS) is sides_and_staff
    assert may_record_meeting_outcome(actor, SHOPPER, WORKS, ORGANISERS) is sides_and_staff
    # the enterprise's member is no side of the buyer's meeting with a rival works
    assert may_see_meeting_outcome(actor, SHOPPER, RIVAL_WORKS, ORGANISERS) is (
        who in {"admin", "base_admin", "buyer"})
    assert may_see_meeting_outcome(actor, SHOPPER, RIVAL_WORKS, frozenset({OTHER_BASE})) is (
        who in {"admin", "buyer"})
    reader = Actor(label="r", role=Role.BUYER, user_id=4, organisation="X",
                   scopes=frozenset({"read"}))
    assert may_see_meeting_outcome(reader, SHOPPER, WORKS, ORGANISERS)
    assert not may_record_meeting_outcome(reader, SHOPPER, WORKS, ORGANISERS)


@pytest.mark.parametrize("who", list(ACTORS))
def test_who_reads_an_events_totals(who: str) -> None:
    """Totals: the organisers always; everyone once the event and its totals are published."""
    actor = ACTORS[who]
    staff = who in {"admin", "base_admin"}
    for published, outcomes_published in ((True, True), (True, False), (False, True)):
        assert may_see_event_totals(actor, published=published,
                                    outcomes_published=outcomes_published,
                                    organiser_base_ids=ORGANISERS) is (
            staff or (published and outcomes_published))


@pytest.mark.parametrize("who", list(ACTORS))
def test_who_sees_and_records_a_lead(who: str) -> None:
    """A lead is the organisers' and its collecting exhibitor's: not another exhibitor, not a
    buyer, not an officer."""
    actor = ACTORS[who]
    assert may_see_lead(actor, WORKS, ORGANISERS) is (who in {"admin", "base_admin",
                                                               "enterprise"})
    assert may_see_lead(actor, RIVAL_WORKS, ORGANISERS) is (who in {"admin", "base_admin"})
    assert may_see_lead(actor, RIVAL_WORKS, frozenset({OTHER_BASE})) is (who == "admin")
    assert may_record_lead(actor, WORKS, ORGANISERS) is may_see_lead(actor, WORKS, ORGANISERS)
    read_only = replace(actor, scopes=frozenset({"read"}))
    assert not may_record_lead(read_only, WORKS, ORGANISERS) or read_only.is_system


@pytest.mark.parametrize("who", list(ACTORS))
def test_who_asks_for_and_sees_a_group_meeting(who: str) -> None:
    """A split's group meeting: asked by the split request's buyer (its organisation) or the
    event's organisers; seen by the organisers, draft or not, and by its members once
    published; another factory does not learn of it. Editing a lead follows recording it."""
    actor = ACTORS[who]
    split = RequestParties(buyer_id=4, organisation="X")
    assert may_ask_group_meeting(actor, split, ORGANISERS) is (
        who in {"admin", "base_admin", "buyer"})
    assert may_ask_group_meeting(actor, split, frozenset({OTHER_BASE})) is (
        who in {"admin", "buyer"})
    members = [SHOPPER, WORKS]
    assert may_see_group_meeting(actor, members, ORGANISERS, published=True) is (
        who in {"admin", "base_admin", "buyer", "enterprise"})
    assert may_see_group_meeting(actor, members, ORGANISERS, published=False) is (
        who in {"admin", "base_admin"})
    assert may_see_group_meeting(actor, [SHOPPER, RIVAL_WORKS], ORGANISERS,
                                 published=True) is (who in {"admin", "base_admin", "buyer"})
    read_only = replace(actor, scopes=frozenset({"read"}))
    assert not may_ask_group_meeting(read_only, split, ORGANISERS)
    assert may_edit_lead(actor, WORKS, ORGANISERS) is may_record_lead(actor, WORKS, ORGANISERS)
