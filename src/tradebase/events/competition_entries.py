"""Entries of a competition: submitted by enterprises (their members) and people (designers,
pattern makers: signed-in users) before the entry deadline (the event's registration
deadline, in its time zone), edited or withdrawn by their own side until judging starts (the
first score any judge gives), edited or deleted by the organisers while judging is open.

Who may do what is in ``accounts/policy.py`` (``may_submit_entry``, ``may_see_entry``,
``may_change_entry``). An entry's entrant (its enterprise, the person) does not change: a
new entrant is a new entry. An edit that moves an entry to another category withdraws the
scores of judges it is no longer assigned to, as a declared conflict does.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import (
    EntryOwner,
    may_change_entry,
    may_see_entry,
    may_submit_entry,
    organises_event,
    owns_entry,
)
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from tradebase.events import competition_schemas as cs
from tradebase.events.competition_models import Competition, CompetitionEntry
from tradebase.events.competitions import (
    _category,
    _stored_state,
    _while_open,
    all_entries,
    assigned_entries,
    competition_event,
    drop_unassigned_scores,
    judge_of,
    state,
)
from tradebase.events.models import Event
from tradebase.events.service import organiser_bases
from tradebase.registry.models import Enterprise


def owner(entry: CompetitionEntry) -> EntryOwner:
    """The entry's side as plain data for the policy."""
    return EntryOwner(kind=entry.kind, submitted_by=entry.submitted_by,
                      enterprise_id=entry.enterprise_id)


def event_today(event: Event, now: datetime | None = None) -> date:
    """Today in the event's time zone (a deadline is a day there)."""
    zone = ZoneInfo(event.timezone or "UTC")
    return (now or datetime.now(zone)).astimezone(zone).date()


def deadline_passed(event: Event, now: datetime | None = None) -> bool:
    deadline = event.registration_deadline
    return deadline is not None and event_today(event, now) > deadline


def entrants_may_change(current: Competition) -> bool:
    """Entrants edit and withdraw their entries while judging is open and has not started."""
    return current.status == cs.JudgingStatus.OPEN.value and current.judging_started_at is None


def add_entry(session: Session, event_id: int, data: cs.EntryIn) -> CompetitionEntry:
    """An entry, by the organisers (any, at any time judging is open) or by an entrant before
    the deadline: an enterprise's member for its enterprise, a person as itself."""
    event = competition_event(session, event_id)
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to enter a competition")
    person = data.person_name.strip()
    kind = "person" if person else "enterprise"
    bases = organiser_bases(event)
    if not may_submit_entry(actor, kind=kind, enterprise_id=data.enterprise_id,
                            organiser_base_ids=bases):
        if data.enterprise_id is not None and actor.can_write:
            raise Forbidden(f"you are not a member of enterprise {data.enterprise_id}",
                            field="enterprise_id", code="competition.not_member",
                            params={"enterprise_id": data.enterprise_id})
        raise Forbidden(f"you may not enter competition {event_id}",
                        code="competition.may_not_enter")
    organiser = organises_event(actor, bases)
    _while_open(session, event)
    if not organiser and deadline_passed(event):
        raise Conflict(f"the entries of competition {event_id} closed on "
                       f"{event.registration_deadline}", field="title",
                       code="competition.deadline_passed",
                       params={"deadline": str(event.registration_deadline)})
    _category(session, event, data.category_id, "category_id")
    if data.enterprise_id is not None and session.get(Enterprise, data.enterprise_id) is None:
        raise InvalidInput(f"no enterprise has the id {data.enterprise_id}",
                           field="enterprise_id", code="competition.unknown_enterprise",
                           params={"enterprise_id": data.enterprise_id})
    entry = CompetitionEntry(
        event_id=event.id, category_id=data.category_id, kind=kind,
        enterprise_id=data.enterprise_id, person_name=person,
        person_role=data.person_role.strip(), title=data.title.strip(),
        description=data.description, submitted_by=actor.user_id)
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, event_id: int) -> list[CompetitionEntry]:
    """The entries the caller sees: every entry once the results are published; before that
    the organisers every entry, a judge its assigned ones, an entrant its own."""
    event = competition_event(session, event_id)
    actor = current_actor(session)
    every = all_entries(session, event)
    published = state(session, event).status == cs.JudgingStatus.PUBLISHED.value
    judge = judge_of(session, event)
    assigned = set(assigned_entries(session, judge, every)) if judge is not None else set()
    bases = organiser_bases(event)
    return [e for e in every if may_see_entry(actor, owner(e), bases, published=published,
                                              assigned=e.id in assigned)]


def get_entry(session: Session, event_id: int, entry_id: int) -> CompetitionEntry:
    """The entry, if the caller sees it; else not found."""
    found = next((e for e in entries(session, event_id) if e.id == entry_id), None)
    if found is None:
        raise NotFound(f"entry {entry_id} of competition {event_id} not found")
    return found


def may_change(session: Session, entry: CompetitionEntry) -> bool:
    """Whether the caller may edit or withdraw the entry now (for a page's buttons)."""
    event = competition_event(session, entry.event_id)
    current = state(session, event)
    return may_change_entry(current_actor(session), owner(entry), organiser_bases(event),
                            judging_open=current.status == cs.JudgingStatus.OPEN.value,
                            judging_started=current.judging_started_at is not None)


def changeable(session: Session, event_id: int, entry_id: int) -> CompetitionEntry:
    """The entry, if the caller may edit or withdraw it now; else why not."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to change an entry")
    entry = get_entry(session, event_id, entry_id)
    event = competition_event(session, event_id)
    bases = organiser_bases(event)
    if not (organises_event(actor, bases) or owns_entry(actor, owner(entry))):
        raise Forbidden(f"entry {entry_id} is not yours to change",
                        code="competition.not_your_entry")
    current = _while_open(session, event)
    if not may_change(session, entry):
        if current.judging_started_at is not None and actor.can_write:
            raise Conflict(f"judging of competition {event_id} has started: entries no longer "
                           "change", field="title", code="competition.judging_started")
        raise Forbidden("this API token is read-only")
    return entry


def update_entry(session: Session, event_id: int, entry_id: int, data: cs.EntryUpdate
                 ) -> CompetitionEntry:
    """Change an entry's category, title, description or its person's name and role."""
    entry = changeable(session, event_id, entry_id)
    event = competition_event(session, event_id)
    moved = data.category_id is not None and data.category_id != entry.category_id
    if data.category_id is not None:
        _category(session, event, data.category_id, "category_id")
        entry.category_id = data.category_id
    if data.title is not None:
        if not data.title.strip():
            raise InvalidInput("an entry needs a title", field="title",
                               code="competition.entry_title")
        entry.title = data.title.strip()
    if data.description is not None:
        entry.description = data.description
    if data.person_role is not None:
        entry.person_role = data.person_role.strip()
    if data.person_name is not None:
        if entry.kind == "person" and not data.person_name.strip():
            raise InvalidInput("an entry by a person needs the person's name",
                               field="person_name", code="competition.person_name")
        entry.person_name = data.person_name.strip()
    session.flush()
    if moved:
        drop_unassigned_scores(session, event)
    return entry


def withdraw_entry(session: Session, event_id: int, entry_id: int) -> None:
    """The entrant withdraws its entry (the organisers delete one): its scores go with it."""
    entry = changeable(session, event_id, entry_id)
    _stored_state(session, competition_event(session, event_id))
    session.delete(entry)
    session.flush()


__all__ = ["add_entry", "changeable", "deadline_passed", "entrants_may_change", "entries",
           "event_today", "get_entry", "may_change", "owner", "update_entry", "withdraw_entry"]
