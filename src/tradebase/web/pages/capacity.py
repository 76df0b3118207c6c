"""Capacity offers: enterprises post free capacity by month; buyers search it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import Permission, is_allowed
from tradebase.docking import schemas, service
from tradebase.registry import service as registry
from tradebase.registry.models import Enterprise
from tradebase.web.deps import DbSession
from tradebase.web.errors import validation_message
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import render

router = page_router()

FIELDS = ("enterprise_id", "hs_code", "product", "month", "free_capacity", "unit", "note")
Month = Annotated[str | None, Query(pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$")]


def _own_enterprises(db: DbSession) -> list[Enterprise]:
    actor = current_actor(db)
    return [
        registry.get_enterprise(session=db, enterprise_id=ident)
        for ident in sorted(actor.enterprise_ids)
    ]


def _page(
    request: Request, db: DbSession, *, hs_code: str | None = None, month_from: str | None = None,
    month_to: str | None = None, values: dict[str, str] | None = None, problem: str = "",
    field: str | None = None, status_code: int = 200,
) -> HTMLResponse:
    offers = service.search_capacity(
        session=db, hs_code=hs_code or None, month_from=month_from or None,
        month_to=month_to or None,
    )
    return render(request, "capacity.html", {
        "offers": offers, "hs_code": hs_code or "", "month_from": month_from or "",
        "month_to": month_to or "", "own": _own_enterprises(db), "values": values or {},
        "problem": problem, "field": field,
        "can_enquire": is_allowed(request.state.actor, Permission.POST_REQUEST),
    }, status_code=status_code)


@router.get("/capacity", response_class=HTMLResponse)
def capacity(
    request: Request, db: DbSession,
    hs_code: Annotated[str | None, Query(pattern=r"^\d{0,6}$")] = None,
    month_from: Month = None, month_to: Month = None,
) -> HTMLResponse:
    """Search free capacity (buyers, officers, administrators); an enterprise sees its own
    offers and posts new ones."""
    return _page(request, db, hs_code=hs_code, month_from=month_from, month_to=month_to)


@router.post("/capacity", response_class=HTMLResponse)
def offer_capacity(request: Request, db: DbSession, posted: Posted) -> Response:
    values = {name: str(posted.get(name) or "").strip() for name in FIELDS}
    data = {name: value for name, value in values.items() if value}
    try:
        offer = schemas.CapacityOfferCreate.model_validate(data)
    except ValidationError as exc:
        message, field = validation_message(list(exc.errors()))
        return _page(request, db, values=values, problem=message, field=field, status_code=422)
    service.create_capacity_offer(session=db, data=offer)
    return RedirectResponse("/capacity", status_code=303)
