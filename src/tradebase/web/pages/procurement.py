"""Pages of group procurement rounds: the list (and the form to open one), a round with its
pooled lots, the forms for needs and (sealed) quotes, closing, publishing and the award.

Thin like the API: read the form, call ``allocation.rounds``, redirect or render. The round
page shows what ``rounds.round_view`` returns, so a quote's prices cannot reach a page while
the round is open but its own supplier's. A supplier's member enters its own quote; a base
administrator chooses the supplier it enters one for. Once published, only the award shows.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import Role
from tradebase.allocation import round_schemas as rs
from tradebase.allocation import rounds
from tradebase.registry.models import Base, Enterprise
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, localized, request_language
from tradebase.web.pages import award_words
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, line_records, read_form, validate
from tradebase.web.pages.messages import add_messages, say
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

ROUND_FIELDS = ("base_id", "title", "currency", "opens_on", "closes_on", "materials")
NEED_FIELDS = ("enterprise_id", "material", "specification", "quantity", "delivery_month",
               "tolerance_percent")
QUOTE_FIELDS = ("supplier", "material", "price_breaks", "capacity", "splittable")
CLOSE_FIELDS = ("confirm_early",)

add_messages({
    "round.currency": N_("Use a currency code of three letters such as CNY or EUR."),
    "round.currency_mismatch": N_("Quotes of this round are in %(currency)s."),
    "round.date_past": N_("The date must not be in the past."),
    "round.closes_before_opening": N_("The closing date must be after the opening date "
                                      "(%(opens_on)s)."),
    "round.close_early": N_("The round closes on %(closes_on)s: tick the box to close it "
                            "early."),
    "round.supplier_not_yours": N_("You quote for %(organisation)s only."),
    "round.supplier_unknown": N_("%(supplier)s is not a supplier organisation with an account "
                                 "on the platform."),
    "round.quoted_already": N_("%(supplier)s has already quoted for %(material)s."),
})


def _materials(text: str) -> list[dict[str, Any]]:
    """One material a line: ``name; unit; pack size; tier thresholds separated by spaces``."""
    found = line_records(text, ("name", "unit", "pack_size", "published_tiers"))
    for item in found:
        if "published_tiers" in item:
            item["published_tiers"] = item["published_tiers"].replace(",", " ").split()
    return found


def _price_breaks(text: str) -> list[dict[str, str]] | None:
    """``0:10; 1000:8`` — minimum quantity and unit price of each tier; None when a tier is
    not written so."""
    tiers = []
    for part in text.replace(",", ";").split(";"):
        if not part.strip():
            continue
        quantity, _, price = part.partition(":")
        if not price.strip():
            return None
        tiers.append({"min_quantity": quantity.strip(), "unit_price": price.strip()})
    return tiers


def _base_options(db: DbSession, base_ids: frozenset[int], lang: str) -> list[tuple[str, str]]:
    bases = [b for b in (db.get(Base, i) for i in sorted(base_ids)) if b is not None]
    return [(str(b.id), localized(b, "name", lang)) for b in bases]


def _home(request: Request, db: DbSession, form: Form, status_code: int = 200) -> HTMLResponse:
    actor = request.state.actor
    context = {
        "rounds": rounds.list_rounds(session=db),
        "base_ids": sorted(actor.base_ids) if actor.role is Role.BASE_ADMIN else [],
        "base_options": _base_options(db, actor.base_ids, request_language(request)),
        "can_open": actor.can_write and actor.role in (Role.BASE_ADMIN, Role.ADMIN),
        "form": form,
    }
    return render(request, "procurement.html", context, status_code=status_code)


@router.get("/procurement", response_class=HTMLResponse)
def procurement_home(request: Request, db: DbSession) -> HTMLResponse:
    return _home(request, db, Form())


@router.post("/procurement/rounds", response_class=HTMLResponse)
def open_round(request: Request, db: DbSession, posted: Posted) -> Response:
    """The form that opens a round: every wrong field beside it, with what was typed."""
    gettext = gettext_for(request)
    form = read_form(posted, ROUND_FIELDS)
    typed = Form(values={k: v for k, v in form.values.items() if k != "materials"})
    data = validate(rs.RoundCreate, typed, gettext, default_field="title", omit_empty=True,
                    extra={"materials": _materials(form.value("materials"))})
    form.errors.update(typed.errors)
    made = None
    if data is not None:
        made = apply(db, form, gettext, lambda: rounds.open_round(session=db, data=data),
                     default_field="title")
    if made is None:
        return _home(request, db, form, status_code=form.status_code)
    return RedirectResponse(f"/procurement/rounds/{made.id}", status_code=303)


def _round_page(request: Request, db: DbSession, round_id: int, *, need_form: Form | None = None,
                quote_form: Form | None = None, close_form: Form | None = None,
                status_code: int = 200) -> HTMLResponse:
    view = rounds.round_view(session=db, round_id=round_id)
    actor = request.state.actor
    manages = actor.can_write and (actor.role is Role.ADMIN or (
        actor.role is Role.BASE_ADMIN and view.base_id in actor.base_ids))
    supplier = actor.role is Role.SUPPLIER and bool(actor.organisation.strip())
    quotes_here = view.status == "open" and actor.can_write and (manages or supplier)
    supplier_options: list[tuple[str, str]] = []
    if quotes_here and manages:
        supplier_options = [(n, n) for n in rounds.supplier_organisations(
            session=db, base_id=view.base_id)]
    members = []
    if actor.can_write and actor.role is Role.ENTERPRISE:
        members = [e for e in (db.get(Enterprise, i) for i in sorted(actor.enterprise_ids))
                   if e is not None and e.base_id == view.base_id]
    award = None
    why: list[str] = []
    explained: list[str] = []
    if view.status != "open" and (view.status == "published" or manages):
        award = rounds.round_award(session=db, round_id=round_id)
        lang, gettext = request_language(request), gettext_for(request)
        currency = str(award.result.get("currency") or view.currency)
        why = [award_words.award_reason(a, currency, lang, gettext)
               for a in award.result.get("awards", [])]
        explained = award_words.explanation(
            award.result, {lot.material: lot.unit for lot in view.lots}, lang, gettext)
    context = {"round": view, "manages": manages, "members": members, "award": award,
               "award_why": why, "award_explained": explained,
               "material_units": {lot.material: lot.unit for lot in view.lots},
               "supplier": supplier, "quotes_here": quotes_here,
               "supplier_options": supplier_options,
               "early": view.status == "open" and rs.today() < view.closes_on,
               "need_form": need_form or Form(),
               "quote_form": quote_form or Form(values={"splittable": "on"}),
               "close_form": close_form or Form(),
               "material_options": [(lot.material, lot.material) for lot in view.lots],
               "member_options": [(str(e.id), localized(e, "name", request_language(request)))
                                  for e in members]}
    return render(request, "procurement_round.html", context, status_code=status_code)


@router.get("/procurement/rounds/{round_id:int}", response_class=HTMLResponse)
def round_page(round_id: int, request: Request, db: DbSession) -> HTMLResponse:
    return _round_page(request, db, round_id)


def _back(round_id: int) -> RedirectResponse:
    return RedirectResponse(f"/procurement/rounds/{round_id}", status_code=303)


@router.post("/procurement/rounds/{round_id:int}/needs", response_class=HTMLResponse)
def declare_need(round_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """An enterprise's need: every wrong field beside it, with what was typed."""
    gettext = gettext_for(request)
    form = read_form(posted, NEED_FIELDS)
    typed = Form(values={k: v for k, v in form.values.items() if k != "tolerance_percent"})
    extra: dict[str, Any] = {}
    percent = form.value("tolerance_percent")
    if percent:
        try:
            extra["tolerance"] = float(percent) / 100
        except ValueError:
            form.errors["tolerance_percent"] = say("round.percent", {}, gettext)
    data = validate(rs.NeedCreate, typed, gettext, default_field="quantity", omit_empty=True,
                    extra=extra)
    form.errors.update({"tolerance_percent" if k == "tolerance" else k: v
                        for k, v in typed.errors.items()})
    done = None
    if data is not None and not form.errors:
        done = apply(db, form, gettext, lambda: rounds.declare_need(
            session=db, round_id=round_id, data=data), default_field="quantity")
    if done is None:
        return _round_page(request, db, round_id, need_form=form, status_code=form.status_code)
    return _back(round_id)


@router.post("/procurement/rounds/{round_id:int}/quotes", response_class=HTMLResponse)
def add_quote(round_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """A supplier's sealed quote: every wrong field beside it, with what was typed."""
    gettext = gettext_for(request)
    form = read_form(posted, QUOTE_FIELDS)
    typed = Form(values={k: v for k, v in form.values.items()
                         if k not in {"price_breaks", "splittable"}})
    breaks = _price_breaks(form.value("price_breaks"))
    if breaks is None:
        form.errors["price_breaks"] = say("round.price_breaks_form", {}, gettext)
    data = validate(rs.QuoteCreate, typed, gettext, default_field="supplier", omit_empty=True,
                    extra={"price_breaks": breaks or [],
                           "splittable": form.value("splittable") == "on"})
    for name, message in typed.errors.items():
        form.errors.setdefault(name, message)
    if request.state.actor.role is not Role.SUPPLIER and not form.value("supplier").strip():
        form.errors.setdefault("supplier", say("blank", {}, gettext))  # on whose behalf
    done = None
    if data is not None and not form.errors:
        done = apply(db, form, gettext, lambda: rounds.add_quote(
            session=db, round_id=round_id, data=data), default_field="supplier")
    if done is None:
        return _round_page(request, db, round_id, quote_form=form, status_code=form.status_code)
    return _back(round_id)


@router.post("/procurement/rounds/{round_id:int}/close", response_class=HTMLResponse)
def close_round(round_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """Close and award; before the closing date only with the early close confirmed."""
    gettext = gettext_for(request)
    form = read_form(posted, CLOSE_FIELDS)
    limit = float(request.app.state.settings.solver_time_limit)
    done = apply(db, form, gettext, lambda: rounds.close_round(
        session=db, round_id=round_id, time_limit=limit,
        confirm_early=form.value("confirm_early") == "on"), default_field="confirm_early")
    if done is None:
        if not form.problem and form.status_code == 422:
            form.status_code = 409  # the round is not closed: it is the round's state
        return _round_page(request, db, round_id, close_form=form, status_code=form.status_code)
    return _back(round_id)


@router.post("/procurement/rounds/{round_id:int}/publish", response_class=HTMLResponse)
def publish_round(round_id: int, db: DbSession) -> Response:
    rounds.publish_round(session=db, round_id=round_id)
    return _back(round_id)
