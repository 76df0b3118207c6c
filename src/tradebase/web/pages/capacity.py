"""Capacity offers: enterprises post free capacity by month; buyers search it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import Permission, is_allowed
from tradebase.docking import schemas, service
from tradebase.registry import service as registry
from tradebase.registry.models import Enterprise
from tradebase.web.deps import DbSession
from tradebase.web.i18n import localized, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, read_form, validate
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

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
    month_to: str | None = None, form: Form | None = None, status_code: int = 200,
) -> HTMLResponse:
    offers = service.search_capacity(
        session=db, hs_code=hs_code or None, month_from=month_from or None,
        month_to=month_to or None,
    )
    lang = request_language(request)
    return render(request, "capacity.html", {
        "offers": offers, "hs_code": hs_code or "", "month_from": month_from or "",
        "month_to": month_to or "", "form": form or Form(values={"unit": "pcs"}),
        "own_options": [(str(e.id), localized(e, "name", lang)) for e in _own_enterprises(db)],
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
    """An enterprise's free capacity: every wrong field beside it, with what was typed."""
    gettext = gettext_for(request)
    form = read_form(posted, FIELDS)
    offer = validate(schemas.CapacityOfferCreate, form, gettext, default_field="product",
                     omit_empty=True)
    done = None
    if offer is not None:
        done = apply(db, form, gettext, lambda: service.create_capacity_offer(
            session=db, data=offer), default_field="product")
    if done is None:
        return _page(request, db, form=form, status_code=form.status_code)
    return RedirectResponse("/capacity", status_code=303)
