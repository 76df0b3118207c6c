"""Pages of group procurement rounds: the list (and the form to open one), a round with its
pooled lots, the forms for needs and (sealed) quotes, closing, publishing and the award.

Thin like the API: read the form, call ``allocation.rounds``, redirect or render. The round
page shows what ``rounds.round_view`` returns, so a quote's prices cannot reach a page while
the round is open.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import Role
from tradebase.allocation import round_schemas as rs
from tradebase.allocation import rounds
from tradebase.errors import InvalidInput
from tradebase.registry.models import Enterprise
from tradebase.web.deps import DbSession
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import checked, posted_fields
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import render

router = page_router()


def _materials(text: str) -> list[dict[str, Any]]:
    """One material a line: ``name; unit; pack size; tier thresholds separated by spaces``."""
    found: list[dict[str, Any]] = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(";")]
        if not parts[0]:
            continue
        item: dict[str, Any] = {"name": parts[0]}
        if len(parts) > 1 and parts[1]:
            item["unit"] = parts[1]
        if len(parts) > 2 and parts[2]:
            item["pack_size"] = parts[2]
        if len(parts) > 3 and parts[3]:
            item["published_tiers"] = parts[3].replace(",", " ").split()
        found.append(item)
    return found


def _price_breaks(text: str) -> list[dict[str, str]]:
    """``0:10; 1000:8`` — minimum quantity and unit price of each tier."""
    tiers = []
    for part in text.replace(",", ";").split(";"):
        if not part.strip():
            continue
        quantity, _, price = part.partition(":")
        if not price.strip():
            raise InvalidInput("price_breaks: write each tier as quantity:price, e.g. 0:10; 1000:8",
                               field="price_breaks")
        tiers.append({"min_quantity": quantity.strip(), "unit_price": price.strip()})
    return tiers


@router.get("/procurement", response_class=HTMLResponse)
def procurement_home(request: Request, db: DbSession) -> HTMLResponse:
    actor = request.state.actor
    context = {
        "rounds": rounds.list_rounds(session=db),
        "base_ids": sorted(actor.base_ids) if actor.role is Role.BASE_ADMIN else [],
        "can_open": actor.can_write and actor.role in (Role.BASE_ADMIN, Role.ADMIN),
    }
    return render(request, "procurement.html", context)


@router.post("/procurement/rounds", response_class=HTMLResponse)
def open_round(db: DbSession, posted: Posted) -> Response:
    data = posted_fields(posted, ("base_id", "title", "closes_on"))
    data["materials"] = _materials(str(posted.get("materials") or ""))
    made = rounds.open_round(session=db, data=checked(rs.RoundCreate, data))
    return RedirectResponse(f"/procurement/rounds/{made.id}", status_code=303)


@router.get("/procurement/rounds/{round_id:int}", response_class=HTMLResponse)
def round_page(round_id: int, request: Request, db: DbSession) -> HTMLResponse:
    view = rounds.round_view(session=db, round_id=round_id)
    actor = request.state.actor
    manages = actor.can_write and (actor.role is Role.ADMIN or (
        actor.role is Role.BASE_ADMIN and view.base_id in actor.base_ids))
    members = []
    if actor.can_write and actor.role is Role.ENTERPRISE:
        members = [e for e in (db.get(Enterprise, i) for i in sorted(actor.enterprise_ids))
                   if e is not None and e.base_id == view.base_id]
    award = None
    if view.status != "open" and (view.status == "published" or manages):
        award = rounds.round_award(session=db, round_id=round_id)
    context = {"round": view, "manages": manages, "members": members, "award": award}
    return render(request, "procurement_round.html", context)


def _back(round_id: int) -> RedirectResponse:
    return RedirectResponse(f"/procurement/rounds/{round_id}", status_code=303)


@router.post("/procurement/rounds/{round_id:int}/needs", response_class=HTMLResponse)
def declare_need(round_id: int, db: DbSession, posted: Posted) -> Response:
    data = posted_fields(posted, ("enterprise_id", "material", "specification", "quantity",
                            "delivery_month"))
    percent = str(posted.get("tolerance_percent") or "").strip()
    if percent:
        try:
            data["tolerance"] = float(percent) / 100
        except ValueError as exc:
            raise InvalidInput("tolerance_percent: must be a number",
                               field="tolerance_percent") from exc
    rounds.declare_need(session=db, round_id=round_id, data=checked(rs.NeedCreate, data))
    return _back(round_id)


@router.post("/procurement/rounds/{round_id:int}/quotes", response_class=HTMLResponse)
def add_quote(round_id: int, db: DbSession, posted: Posted) -> Response:
    data = posted_fields(posted, ("supplier", "material", "capacity"))
    data["price_breaks"] = _price_breaks(str(posted.get("price_breaks") or ""))
    data["splittable"] = posted.get("splittable") == "on"
    rounds.add_quote(session=db, round_id=round_id, data=checked(rs.QuoteCreate, data))
    return _back(round_id)


@router.post("/procurement/rounds/{round_id:int}/close", response_class=HTMLResponse)
def close_round(round_id: int, request: Request, db: DbSession) -> Response:
    limit = float(request.app.state.settings.solver_time_limit)
    rounds.close_round(session=db, round_id=round_id, time_limit=limit)
    return _back(round_id)


@router.post("/procurement/rounds/{round_id:int}/publish", response_class=HTMLResponse)
def publish_round(round_id: int, db: DbSession) -> Response:
    rounds.publish_round(session=db, round_id=round_id)
    return _back(round_id)
