"""An exhibition's delegation: the enterprises a base sends to a fair (at home or abroad) —
its approved enterprise registrations —, each with its hall and booth and the products of its
own catalog it shows there. The organisers set booths; whoever sees the event sees the
delegation (what an exhibition publishes: names, booths, products shown — not attendees,
slots or leads).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.errors import InvalidInput, NotFound
from tradebase.events.abroad_schemas import Booth
from tradebase.events.models import Event, Registration
from tradebase.events.registrations import get_registration
from tradebase.events.schemas import EventKind, PartyKind, RegistrationStatus
from tradebase.events.service import get_event, organised_event
from tradebase.registry.models import Product
from tradebase.registry.versioning import check_version, load_for_update

# the kinds of event that send a delegation of exhibitors
EXHIBITING = (EventKind.EXHIBITION.value, EventKind.FESTIVAL.value)


@dataclass(frozen=True)
class Exhibitor:
    registration: Registration
    products: list[Product]


def check_exhibiting(event: Event) -> None:
    """An exhibition or a festival abroad; any other event has no delegation (not found)."""
    if event.kind not in EXHIBITING:
        raise NotFound(f"event {event.id} is not an exhibition: it has no delegation",
                       code="events.not_an_exhibition", params={"event_id": event.id})


def _shown(session: Session, registrations: list[Registration]) -> dict[int, Product]:
    wanted = {pid for r in registrations for pid in (r.products_shown or [])}
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(wanted)))}


def delegation(*, session: Session, event_id: int) -> list[Exhibitor]:
    """The exhibitors of an exhibition (approved enterprise registrations), by hall, booth
    and name, each with the products it shows (those still in its catalog)."""
    event = get_event(session=session, event_id=event_id)
    check_exhibiting(event)
    rows = list(session.scalars(select(Registration).where(
        Registration.event_id == event.id,
        Registration.kind == PartyKind.ENTERPRISE.value,
        Registration.status == RegistrationStatus.APPROVED.value)))
    products = _shown(session, rows)
    rows.sort(key=lambda r: (r.hall == "", r.hall, r.booth == "", r.booth, r.name.casefold()))
    return [Exhibitor(r, [products[p] for p in (r.products_shown or [])
                          if p in products and products[p].enterprise_id == r.enterprise_id])
            for r in rows]


def set_booth(*, session: Session, registration_id: int, data: Booth,
              expected_version: int | None = None) -> Exhibitor:
    """The organisers place an exhibitor: hall, booth and the products it shows, each of its
    own catalog (another enterprise's product is a 422 naming it)."""
    registration = get_registration(session=session, registration_id=registration_id)
    event = organised_event(session, registration.event_id)
    check_exhibiting(event)
    if registration.kind != PartyKind.ENTERPRISE.value:
        raise InvalidInput("only an enterprise of the delegation has a booth",
                           field="registration_id", code="events.not_an_exhibitor")
    registration = load_for_update(session, Registration, registration.id, "Registration")
    check_version(registration, expected_version, "Registration")
    ids = list(dict.fromkeys(data.products_shown))
    own = set(session.scalars(select(Product.id).where(
        Product.id.in_(ids), Product.enterprise_id == registration.enterprise_id)))
    for position, product_id in enumerate(ids):
        if product_id not in own:
            raise InvalidInput(f"product {product_id} is not in this exhibitor's catalog",
                               field=f"products_shown[{position}]",
                               code="events.not_its_product", params={"product_id": product_id})
    registration.hall = data.hall.strip()
    registration.booth = data.booth.strip()
    registration.products_shown = ids
    session.flush()
    return Exhibitor(registration, _product_list(session, ids))


def _product_list(session: Session, ids: list[int]) -> list[Product]:
    found = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


__all__ = ["EXHIBITING", "Exhibitor", "check_exhibiting", "delegation", "set_booth"]
