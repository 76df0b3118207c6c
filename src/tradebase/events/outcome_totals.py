"""An event's totals: meetings scheduled and held, what they produced, the intentions signed
(companies, quantity by unit, value by currency) and how many became contracts and orders;
the organisers publish them, and then they are the organising bases' indicator facts with the
event as their source (``docking_intention_*``, ``registry/metrics.py``), linked to the event
by ``EventFact`` (``counted``). A figure published elsewhere (the demo's docking day, from its
article) is linked the same way as ``published``: the one fact, not a second copy.

Who reads the totals is ``policy.may_see_event_totals``: the organisers always, everyone once
the event and its totals are published. The totals show no meeting's details.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize, current_actor
from tradebase.accounts.policy import Permission, may_see_event, may_see_event_totals
from tradebase.errors import NotFound
from tradebase.events import scheduling
from tradebase.events.models import Event, EventBase, EventMeeting
from tradebase.events.outcome_models import EventFact, MeetingOutcome
from tradebase.events.outcome_schemas import FollowUpStage, OutcomeResult
from tradebase.events.outcomes import follow_up_of
from tradebase.events.service import get_event, organised_event, organiser_bases
from tradebase.registry import indicators, schemas
from tradebase.registry.models import IndicatorFact, Source

COUNTED, PUBLISHED = "counted", "published"


@dataclass
class Totals:
    event: Event
    meetings_scheduled: int = 0
    meetings_held: int = 0  # meetings with an outcome recorded
    results: dict[str, int] = field(default_factory=dict)
    intentions: int = 0
    companies: int = 0
    quantity: dict[str, int] = field(default_factory=dict)  # by unit
    value: dict[str, float] = field(default_factory=dict)  # by currency
    contracts: int = 0  # went on to a contract (or further)
    orders: int = 0  # went on to an order
    figures: list[EventFact] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.event.outcomes_published


def count(session: Session, event: Event) -> Totals:
    """The event's totals from what is stored (no permission check: callers check)."""
    totals = Totals(event=event)
    totals.meetings_scheduled = session.scalar(
        select(func.count()).select_from(EventMeeting)
        .where(EventMeeting.event_id == event.id,
               EventMeeting.status == scheduling.PUBLISHED)) or 0
    outcomes = list(session.scalars(
        select(MeetingOutcome).join(EventMeeting, EventMeeting.id == MeetingOutcome.meeting_id)
        .where(MeetingOutcome.event_id == event.id,
               EventMeeting.status == scheduling.PUBLISHED)))
    totals.meetings_held = len(outcomes)
    totals.results = dict(Counter(o.result for o in outcomes))
    companies: set[int] = set()
    for outcome in outcomes:
        intention = outcome.intention
        if outcome.result == OutcomeResult.INTENTION and intention is not None:
            totals.intentions += 1
            companies.add(intention.enquiry.enterprise_id)
            totals.quantity[intention.unit] = (totals.quantity.get(intention.unit, 0)
                                               + intention.quantity)
            totals.value[intention.currency] = (totals.value.get(intention.currency, 0.0)
                                                + intention.value)
        stage = follow_up_of(outcome)
        totals.contracts += stage in (FollowUpStage.CONTRACT, FollowUpStage.ORDER)
        totals.orders += stage is FollowUpStage.ORDER
    totals.companies = len(companies)
    totals.figures = list(session.scalars(
        select(EventFact).where(EventFact.event_id == event.id)
        .order_by(EventFact.basis, EventFact.fact_id)))
    return totals


def _may_read(session: Session, event: Event) -> bool:
    return may_see_event_totals(current_actor(session), published=event.published,
                                outcomes_published=event.outcomes_published,
                                organiser_base_ids=organiser_bases(event))


def visible_totals(*, session: Session, event_id: int) -> Totals | None:
    """The event's totals if the caller may read them, else None (the event's page)."""
    event = get_event(session=session, event_id=event_id)
    return count(session, event) if _may_read(session, event) else None


def event_totals(*, session: Session, event_id: int) -> Totals:
    """The event's totals, for its organisers, and for everyone once published."""
    event = get_event(session=session, event_id=event_id)
    if not _may_read(session, event):
        raise NotFound(f"the outcome of event {event_id} is not published",
                       code="events.outcome_unpublished")
    return count(session, event)


def _event_source(session: Session, event: Event) -> Source:
    """The event as the source of its counted facts: one ``sources`` row per event (id
    ``event-<id>``, its title and its English title, publisher Tradebase, the event's
    date)."""
    ident = f"event-{event.id}"
    source = session.get(Source, ident)
    if source is None:
        source = Source(id=ident, title=event.title_zh or event.title_en,
                        publisher="Tradebase", published_on=event.ends_on or event.starts_on,
                        language="zh" if event.title_zh else "en")
        session.add(source)
    source.title_en = event.title_en  # English pages name the event in English
    session.flush()
    return source


def _counted_facts(totals: Totals, base_id: int, source: Source
                   ) -> list[schemas.IndicatorCreate]:
    event = totals.event
    day = event.starts_on
    note = (f"counted from the {totals.meetings_held} meeting outcomes recorded at event "
            f"{event.id} ({totals.meetings_scheduled} meetings scheduled)")
    quote = (f"{totals.intentions} cooperation intentions signed by {totals.companies} "
             f"companies; {totals.contracts} became contracts, {totals.orders} orders")

    def fact(metric: str, value: float, *, unit: str | None = None,
             currency: str | None = None) -> schemas.IndicatorCreate:
        return schemas.IndicatorCreate(
            base_id=base_id, metric=metric, value=value, unit=unit, currency=currency,
            year=day.year if day else None, month=day.month if day else None,
            source=schemas.Source(id=source.id, quote=quote), note=note)

    facts = [fact("docking_intention_companies", totals.companies, unit="companies")]
    facts += [fact("docking_intention_quantity", quantity, unit=unit)
              for unit, quantity in sorted(totals.quantity.items())]
    facts += [fact("docking_intention_value", value, currency=currency)
              for currency, value in sorted(totals.value.items())]
    return facts


def publish(*, session: Session, event_id: int) -> Totals:
    """The organisers publish the event's totals: the public reads them from now on, and
    they become the indicator facts of each organising base, the event as their source.
    Publishing again replaces the counted facts (never the published figures)."""
    event = organised_event(session, event_id, lock=True)
    totals = count(session, event)
    old = [link.fact_id for link in totals.figures if link.basis == COUNTED]
    if old:
        session.execute(delete(EventFact).where(EventFact.fact_id.in_(old)))
        for fact_id in old:
            stale = session.get(IndicatorFact, fact_id)
            if stale is not None:
                session.delete(stale)
        session.flush()
    source = _event_source(session, event)
    for base_id in event.base_ids:
        for data in _counted_facts(totals, base_id, source):
            made = indicators.create_indicator(session=session, data=data)
            session.add(EventFact(fact_id=made.id, event_id=event.id, basis=COUNTED))
    event.outcomes_published = True
    session.flush()
    session.expire(event, ["outcomes_published"])
    return count(session, event)


def link_published_figure(*, session: Session, event: Event, fact: IndicatorFact) -> EventFact:
    """Make an existing fact (a figure the press or the organisers published) the event's
    outcome, as it stands: linked, not copied."""
    link = session.get(EventFact, fact.id)
    if link is None:
        link = EventFact(fact_id=fact.id, event_id=event.id, basis=PUBLISHED)
        session.add(link)
        session.flush()
    return link


def base_events(*, session: Session, base_id: int) -> list[Totals]:
    """The events a base organises, latest first, each with its totals, for the base's
    docking dashboard (its readers: ``Permission.VIEW_DOCKING_DASHBOARD``): an event the
    caller may not see, or whose totals it may not read yet, is left out."""
    authorize(session, Permission.VIEW_DOCKING_DASHBOARD, base_id=base_id)
    actor = current_actor(session)
    events = session.scalars(
        select(Event).join(EventBase, EventBase.event_id == Event.id)
        .where(EventBase.base_id == base_id)
        .order_by(Event.starts_on.desc().nulls_last(), Event.id.desc()))
    shown = []
    for event in events:
        bases = organiser_bases(event)
        if may_see_event(actor, published=event.published, organiser_base_ids=bases) and (
                may_see_event_totals(actor, published=event.published,
                                     outcomes_published=event.outcomes_published,
                                     organiser_base_ids=bases)):
            totals = count(session, event)
            if totals.meetings_scheduled or totals.meetings_held or totals.figures:
                shown.append(totals)
    return shown
