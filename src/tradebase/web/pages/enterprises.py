"""Enterprise pages: the list, one enterprise with its catalog, the create and edit forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import (
    Permission,
    home_base,
    is_allowed,
    may_create_enterprise,
    may_edit_catalog,
)
from tradebase.docking.responsiveness import responsiveness
from tradebase.registry import indicators, schemas, service
from tradebase.registry.enums import EnterpriseSize
from tradebase.registry.service import ListFilters
from tradebase.web.deps import DbSession
from tradebase.web.i18n import localized, request_language
from tradebase.web.pages import listing, reads
from tradebase.web.pages.bases import region_paths
from tradebase.web.pages.forms import (
    ENTERPRISE_FIELDS,
    Form,
    apply,
    enterprise_form,
    posted_version,
    read_form,
    refreshed,
    ticked,
    validate,
)
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, is_htmx, render
from tradebase.web.pages.vocab import SIZE_LABELS

router = page_router()

ENTERPRISES_PER_PAGE = 25
CATALOG_MAX = 500


async def posted_form(request: Request) -> FormData:
    """The posted form fields (read before the synchronous endpoint runs)."""
    return await request.form()


Posted = Annotated[FormData, Depends(posted_form)]


@router.get("/enterprises", response_class=HTMLResponse)
def enterprise_list(request: Request, db: DbSession) -> HTMLResponse:
    criteria = listing.read_criteria(request)
    context = {
        "criteria": criteria,
        "enterprises": listing.enterprises(
            session=db, criteria=criteria, gettext=gettext_for(request),
            limit=ENTERPRISES_PER_PAGE,
        ),
        "list_path": "/enterprises",
        "bases": service.list_bases(session=db, limit=200)[0],
        "certification_codes": reads.certification_codes(session=db),
        "market_codes": reads.market_codes(session=db),
        "show_base_column": True,
        "can_create": may_create_enterprise(request.state.actor),
    }
    if is_htmx(request) and request.headers.get("hx-target") == "enterprise-list":
        return render(request, "partials/enterprise_list.html", context)
    return render(request, "enterprises.html", context)


def _form_context(request: Request, db: Session) -> dict[str, Any]:
    """The choices of the enterprise form, labelled in the request's language."""
    lang = request_language(request)
    gettext = gettext_for(request)
    paths = region_paths(session=db)
    regions = sorted(
        (
            (region_id, " › ".join(localized(region, "name", lang) for region in path))
            for region_id, path in paths.items()
        ),
        key=lambda option: [r.name_en for r in paths[option[0]]],
    )
    return {
        "base_options": [
            (base.id, localized(base, "name", lang))
            for base in service.list_bases(session=db, limit=200)[0]
        ],
        "region_options": regions,
        "size_options": [(size.value, gettext(SIZE_LABELS[size.value])) for size in EnterpriseSize],
    }


def _render_form(
    request: Request, db: Session, form: Form, *, action: str, enterprise: Any = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "form": form, "action": action, "enterprise": enterprise,
        **_form_context(request, db),
    }
    return render(request, "enterprise_form.html", context, status_code=status_code)


@router.get("/enterprises/new", response_class=HTMLResponse)
def new_enterprise(request: Request, db: DbSession, base_id: int | None = None) -> HTMLResponse:
    actor = current_actor(db)
    if base_id is None:
        base_id = home_base(actor)  # a base administrator adds to their own base
    service.check_can_create_enterprise(session=db, base_id=base_id)
    form = Form(values={"base_id": str(base_id or "")})
    return _render_form(request, db, form, action="/enterprises/new")


@router.post("/enterprises/new", response_class=HTMLResponse)
def create_enterprise(request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    form = read_form(posted, ENTERPRISE_FIELDS)
    form.values["markets"] = ticked(posted, "markets")
    data = validate(schemas.EnterpriseCreate, form, gettext, default_field="name_en")
    created = None
    if data is not None:
        created = apply(
            db, form, gettext, lambda: service.create_enterprise(session=db, data=data),
            default_field="name_en",
        )
    if created is None:
        return _render_form(
            request, db, form, action="/enterprises/new", status_code=form.status_code
        )
    return RedirectResponse(f"/enterprises/{created.id}", status_code=303)


@router.get("/enterprises/{enterprise_id:int}", response_class=HTMLResponse)
def enterprise_page(enterprise_id: int, request: Request, db: DbSession) -> HTMLResponse:
    enterprise = service.get_enterprise(session=db, enterprise_id=enterprise_id)
    products, total = service.list_products(
        session=db, filters=ListFilters(enterprise_id=enterprise.id), limit=CATALOG_MAX
    )
    facts, _ = indicators.list_indicators(session=db, enterprise_id=enterprise.id)
    context = {
        "enterprise": enterprise,
        "region_paths": region_paths(session=db),
        "products": products,
        "product_total": total,
        "hs": service.hs_descriptions(session=db, codes=[p.hs_code or "" for p in products],
                                      language=request_language(request)),
        "facts": facts,
        "answers": responsiveness(session=db, enterprise_id=enterprise.id),
        "can_enquire": is_allowed(request.state.actor, Permission.POST_REQUEST),
        "can_edit": may_edit_catalog(request.state.actor, base_id=enterprise.base_id,
                                     enterprise_id=enterprise.id),
    }
    return render(request, "enterprise.html", context)


@router.get("/enterprises/{enterprise_id:int}/edit", response_class=HTMLResponse)
def edit_enterprise(enterprise_id: int, request: Request, db: DbSession) -> HTMLResponse:
    enterprise = service.get_enterprise(session=db, enterprise_id=enterprise_id)
    service.check_can_edit_enterprise(session=db, enterprise=enterprise)
    return _render_form(
        request, db, enterprise_form(enterprise), action=f"/enterprises/{enterprise.id}/edit",
        enterprise=enterprise,
    )


@router.post("/enterprises/{enterprise_id:int}/edit", response_class=HTMLResponse)
def update_enterprise(
    enterprise_id: int, request: Request, db: DbSession, posted: Posted
) -> Response:
    gettext = gettext_for(request)
    enterprise = service.get_enterprise(session=db, enterprise_id=enterprise_id)
    action = f"/enterprises/{enterprise.id}/edit"
    form = read_form(posted, (*ENTERPRISE_FIELDS, "version"))
    form.values["markets"] = ticked(posted, "markets")
    version = posted_version(posted)
    # The whole form is checked as a new enterprise would be, then applied as an update that
    # leaves what the form does not show (the sample mark) as it was.
    checked = validate(schemas.EnterpriseCreate, form, gettext, default_field="name_en")
    updated = None
    if checked is not None:
        changes = schemas.EnterpriseUpdate.model_validate(checked.model_dump(exclude={"is_sample"}))
        updated = apply(
            db, form, gettext,
            lambda: service.update_enterprise(
                session=db, enterprise_id=enterprise_id, data=changes, expected_version=version
            ),
            default_field="name_en",
        )
    if updated is None:
        if form.stale:  # someone saved first: show what is stored now
            enterprise = service.get_enterprise(session=db, enterprise_id=enterprise_id)
            form = refreshed(form, enterprise_form(enterprise))
        return _render_form(
            request, db, form, action=action, enterprise=enterprise, status_code=form.status_code
        )
    return RedirectResponse(f"/enterprises/{updated.id}", status_code=303)
