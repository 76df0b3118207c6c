"""REST endpoints of exhibitions and campaigns' maps: the delegation and its booths, leads
collected at a fair (turned into docking requests or kept as contacts), and the cities a
campaign reached (as data and as an SVG map). Thin: parse, call the service, shape."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from tradebase.events import delegation, leads, reach
from tradebase.events.abroad_schemas import (
    Booth,
    CityOut,
    ExhibitorOut,
    LeadCounts,
    LeadCreate,
    LeadOut,
    LeadStatus,
    MapOut,
    PlaceOut,
    ShownProduct,
)
from tradebase.events.gazetteer import Match, Place
from tradebase.events.models import Lead
from tradebase.web.api.docking import listing_index
from tradebase.web.api.versioning import IfMatch, expected_version, tagged
from tradebase.web.deps import DbSession, IdPath
from tradebase.web.i18n import localized, request_language

router = APIRouter(prefix="/api/v1/events", tags=["events"])

SVG = "image/svg+xml"


def exhibitor_out(found: delegation.Exhibitor) -> ExhibitorOut:
    r = found.registration
    return ExhibitorOut(registration_id=r.id, enterprise_id=r.enterprise_id, name=r.name,
                        hall=r.hall, booth=r.booth, version=r.version,
                        products=[ShownProduct(id=p.id, sku=p.sku, title=p.title)
                                  for p in found.products])


def lead_out(lead: Lead) -> LeadOut:
    return LeadOut(id=lead.id, event_id=lead.event_id, registration_id=lead.registration_id,
                   collected_by=lead.registration.name, buyer_name=lead.buyer_name,
                   organisation=lead.organisation, country=lead.country, contact=lead.contact,
                   wants=lead.wants, quantity=lead.quantity, unit=lead.unit,
                   status=LeadStatus(lead.status), docking_request_id=lead.docking_request_id,
                   created_at=lead.created_at, version=lead.version)


def place_out(place: Place) -> PlaceOut:
    return PlaceOut(geonameid=place.geonameid, name=place.name, country=place.country,
                    admin1=place.admin1, latitude=place.latitude, longitude=place.longitude,
                    population=place.population)


# --- the delegation ------------------------------------------------------------------------


@router.get("/{event_id}/delegation", response_model=list[ExhibitorOut])
def list_delegation(event_id: IdPath, db: DbSession) -> object:
    """An exhibition's exhibitors (approved enterprises) with hall, booth and products
    shown: whoever sees the event."""
    return [exhibitor_out(e) for e in delegation.delegation(session=db, event_id=event_id)]


@router.put("/registrations/{registration_id}/booth", response_model=ExhibitorOut)
def set_booth(registration_id: IdPath, data: Booth, db: DbSession, response: Response,
              if_match: IfMatch = None) -> object:
    """The organisers place an exhibitor: hall, booth, the products of its catalog shown."""
    found = delegation.set_booth(session=db, registration_id=registration_id, data=data,
                                 expected_version=expected_version(if_match))
    return tagged(response, exhibitor_out(found))


# --- leads ---------------------------------------------------------------------------------


@router.get("/{event_id}/leads", response_model=list[LeadOut])
def list_leads(event_id: IdPath, db: DbSession) -> object:
    """The organisers: every lead of the fair; an exhibitor: the leads it collected."""
    return [lead_out(lead) for lead in leads.list_leads(session=db, event_id=event_id)]


@router.get("/{event_id}/leads/counts", response_model=LeadCounts)
def count_leads(event_id: IdPath, db: DbSession) -> object:
    """How many leads the caller sees, how many became docking requests or contacts."""
    counted = leads.lead_counts(leads.list_leads(session=db, event_id=event_id))
    return LeadCounts(leads=counted.leads, requests=counted.requests,
                      contacts=counted.contacts, waiting=counted.waiting)


@router.post("/{event_id}/leads", response_model=LeadOut, status_code=201)
def record_lead(event_id: IdPath, data: LeadCreate, db: DbSession) -> object:
    """A buyer met at the fair by an exhibitor: the organisers or that exhibitor record it."""
    return lead_out(leads.record_lead(session=db, event_id=event_id, data=data))


@router.get("/leads/{lead_id}", response_model=LeadOut)
def get_lead(lead_id: IdPath, db: DbSession, response: Response) -> object:
    return tagged(response, lead_out(leads.get_lead(session=db, lead_id=lead_id)))


@router.post("/leads/{lead_id}/request", response_model=LeadOut)
def lead_to_request(lead_id: IdPath, request: Request, db: DbSession,
                    if_match: IfMatch = None) -> object:
    """The lead becomes a docking request of the buyer's organisation, sent to the exhibitor
    that met it (``docking_request_id``)."""
    return lead_out(leads.to_request(session=db, index=listing_index(request), lead_id=lead_id,
                                     expected_version=expected_version(if_match)))


@router.post("/leads/{lead_id}/contact", response_model=LeadOut)
def lead_to_contact(lead_id: IdPath, db: DbSession, if_match: IfMatch = None) -> object:
    """The lead stays a buyer contact of the exhibitor."""
    return lead_out(leads.keep_as_contact(session=db, lead_id=lead_id,
                                          expected_version=expected_version(if_match)))


# --- a campaign's map ----------------------------------------------------------------------


@router.get("/{event_id}/map", response_model=MapOut)
def campaign_map(event_id: IdPath, db: DbSession) -> object:
    """The campaign's cities and where the gazetteer puts them (``match``: found, chosen,
    ambiguous, unknown). The namesakes of an ambiguous city are listed for its organisers
    (to choose one: PATCH the event's ``geonameid``); for others ``candidates`` is empty."""
    found = reach.campaign_map(session=db, campaign_id=event_id)
    cities = [CityOut(city=c.city, country=c.country, match=c.resolution.match,
                      place=place_out(c.resolution.place) if c.resolution.place else None,
                      candidates=[place_out(p) for p in c.resolution.candidates]
                      if found.organises else [],
                      event_ids=c.event_ids) for c in found.cities]
    return MapOut(campaign_id=found.campaign.id, cities=cities, placed=len(found.placed),
                  ambiguous=found.count(Match.AMBIGUOUS), unknown=found.count(Match.UNKNOWN))


@router.get("/{event_id}/map.svg", response_class=Response,
            responses={200: {"content": {SVG: {}}}})
def campaign_map_svg(event_id: IdPath, request: Request, db: DbSession) -> Response:
    """The map of the cities reached as SVG (equirectangular, drawn on the server)."""
    found = reach.campaign_map(session=db, campaign_id=event_id)
    title = localized(found.campaign, "title", request_language(request))
    return Response(reach.map_svg(found, title=title), media_type=SVG)
