"""The cities a campaign reached, on a map: each distinct city of its events (not cancelled;
a city is its name and its country, case-blind, as ``service.campaign_progress`` counts them)
resolved by the packaged gazetteer (``gazetteer.resolve``; an event's ``geonameid`` is the
organisers' choice among namesakes), and drawn by ``map_svg``. Ambiguous and unknown cities
are said to the organisers with the namesakes to choose from; the public map shows the cities
placed, an ambiguous one marked as uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import organises_event
from tradebase.errors import InvalidInput
from tradebase.events import gazetteer
from tradebase.events.map_svg import MapPoint, campaign_map_svg
from tradebase.events.models import Event
from tradebase.events.schemas import EventKind, EventStatus
from tradebase.events.service import get_event, organiser_bases


@dataclass
class City:
    """A distinct city of the campaign, with the events held there and where it is."""

    city: str
    country: str | None
    resolution: gazetteer.Resolution
    event_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CampaignMap:
    campaign: Event
    cities: list[City]
    organises: bool  # the caller runs the campaign: it is told the namesakes

    @property
    def placed(self) -> list[City]:
        return [c for c in self.cities if c.resolution.place is not None]

    def count(self, match: gazetteer.Match) -> int:
        return sum(1 for c in self.cities if c.resolution.match is match)


def campaign_map(*, session: Session, campaign_id: int) -> CampaignMap:
    """The campaign's cities resolved (whoever sees the campaign; like its progress, it
    counts events the caller may not see, and shows only their cities)."""
    campaign = get_event(session=session, event_id=campaign_id)
    if campaign.kind != EventKind.CAMPAIGN:
        raise InvalidInput(f"event {campaign_id} is not a campaign", field="event_id",
                           code="events.not_a_campaign", params={"event_id": campaign_id})
    children = session.scalars(select(Event).where(
        Event.parent_id == campaign.id, Event.status != EventStatus.CANCELLED.value)
        .order_by(Event.starts_on.is_(None), Event.starts_on, Event.id))
    grouped: dict[tuple[str, str], list[Event]] = {}
    for child in children:
        if child.city.strip():
            grouped.setdefault((child.city.strip().casefold(), child.country or ""),
                               []).append(child)
    cities = []
    for events in grouped.values():
        chosen = next((e.geonameid for e in events if e.geonameid is not None), None)
        first = events[0]
        cities.append(City(city=first.city.strip(), country=first.country,
                           resolution=gazetteer.resolve(first.city, first.country,
                                                        geonameid=chosen),
                           event_ids=[e.id for e in events]))
    cities.sort(key=lambda c: c.city.casefold())
    return CampaignMap(campaign=campaign, cities=cities,
                       organises=organises_event(current_actor(session),
                                                 organiser_bases(campaign)))


def map_svg(found: CampaignMap, *, title: str) -> str:
    """The map of the cities placed (an ambiguous one at its most populous namesake, marked
    uncertain)."""
    points = [MapPoint(label=c.city, latitude=c.resolution.place.latitude,
                       longitude=c.resolution.place.longitude,
                       uncertain=c.resolution.match is gazetteer.Match.AMBIGUOUS)
              for c in found.cities if c.resolution.place is not None]
    return campaign_map_svg(points, title=title)


__all__ = ["CampaignMap", "City", "campaign_map", "map_svg"]
