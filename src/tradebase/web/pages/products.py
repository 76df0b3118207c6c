"""The create and edit forms of catalog listings."""

from __future__ import annotations

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.registry import schemas, service
from tradebase.registry.hs_codes import HsCodeError, read_hs
from tradebase.registry.models import Enterprise, Product
from tradebase.registry.numbers import format_file_size
from tradebase.registry.photos import photo_size_params
from tradebase.web.deps import DbSession
from tradebase.web.i18n import request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import (
    PRODUCT_FIELDS,
    Form,
    apply,
    posted_version,
    product_form,
    read_form,
    refreshed,
    upload_refused,
    validate,
)
from tradebase.web.pages.messages import Gettext, say
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()


def _render_form(
    request: Request, form: Form, *, action: str, enterprise: Enterprise,
    product_id: int | None = None, status_code: int = 200, hs_notes: list[str] | None = None,
    product: Product | None = None, photo_form: Form | None = None,
) -> HTMLResponse:
    context = {
        "form": form, "action": action, "enterprise": enterprise, "product_id": product_id,
        "hs_notes": hs_notes or [], "product": product, "photo_form": photo_form or Form(),
        "upload_refusal_said": photo_form is not None and "file" in photo_form.errors,
        "photo_max_size": format_file_size(request.app.state.settings.photo_max_bytes,
                                           request_language(request)),
    }
    return render(request, "product_form.html", context, status_code=status_code)


def _hs_notes(product: Product, gettext: Gettext) -> list[str]:
    """What to check about the stored HS code (a subheading to confirm or to choose)."""
    if not product.hs_code_written:
        return []
    try:
        reading = read_hs(product.hs_code_written, product.hs_edition)
    except HsCodeError:
        return []
    return [say(note.code, note.params, gettext) for note in reading.notes]


def _catalog_url(enterprise_id: int, product_id: int) -> str:
    return f"/enterprises/{enterprise_id}#product-{product_id}"


@router.get("/products/new", response_class=HTMLResponse)
def new_product(enterprise_id: int, request: Request, db: DbSession) -> HTMLResponse:
    enterprise = service.get_enterprise(session=db, enterprise_id=enterprise_id)
    service.check_can_edit_enterprise(session=db, enterprise=enterprise)
    form = Form(values={"unit": "pcs"})
    return _render_form(
        request, form, action=f"/products/new?enterprise_id={enterprise.id}", enterprise=enterprise
    )


@router.post("/products/new", response_class=HTMLResponse)
def create_product(
    enterprise_id: int, request: Request, db: DbSession, posted: Posted
) -> Response:
    gettext = gettext_for(request)
    enterprise = service.get_enterprise(session=db, enterprise_id=enterprise_id)
    action = f"/products/new?enterprise_id={enterprise.id}"
    form = read_form(posted, PRODUCT_FIELDS)
    data = validate(
        schemas.ProductCreate, form, gettext, default_field="title",
        extra={"enterprise_id": enterprise.id},
    )
    created = None
    if data is not None:
        created = apply(
            db, form, gettext, lambda: service.create_product(session=db, data=data),
            default_field="sku",
        )
    if created is None:
        return _render_form(
            request, form, action=action, enterprise=enterprise, status_code=form.status_code
        )
    return RedirectResponse(_catalog_url(enterprise.id, created.id), status_code=303)


def render_edit_page(request: Request, product: Product, *, photo_form: Form | None = None,
                     status_code: int = 200) -> HTMLResponse:
    """The edit page of ``product`` with its stored values (and the photo form's refusal)."""
    return _render_form(
        request, product_form(product), action=f"/products/{product.id}/edit",
        enterprise=product.enterprise, product_id=product.id,
        hs_notes=_hs_notes(product, gettext_for(request)), product=product,
        photo_form=photo_form, status_code=status_code,
    )


@router.get("/products/{product_id:int}/edit", response_class=HTMLResponse)
def edit_product(product_id: int, request: Request, db: DbSession) -> HTMLResponse:
    product = service.get_product(session=db, product_id=product_id)
    service.check_can_edit_enterprise(session=db, enterprise=product.enterprise)
    photo_form = Form()
    if upload_refused(request):  # a photo past the body limit, sent back by web/limits.py
        limit = request.app.state.settings.photo_max_bytes
        photo_form.errors["file"] = say("photo.size", photo_size_params(limit),
                                        gettext_for(request))
    return render_edit_page(request, product, photo_form=photo_form)


@router.post("/products/{product_id:int}/edit", response_class=HTMLResponse)
def update_product(product_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    product = service.get_product(session=db, product_id=product_id)
    enterprise = product.enterprise
    action = f"/products/{product.id}/edit"
    form = read_form(posted, (*PRODUCT_FIELDS, "version"))
    version = posted_version(posted)
    checked = validate(
        schemas.ProductCreate, form, gettext, default_field="title",
        extra={"enterprise_id": enterprise.id},
    )
    updated = None
    if checked is not None:
        # Titles in languages the form does not show are kept.
        kept = {lang: text for lang, text in product.titles.items() if lang != "zh"}
        changes = schemas.ProductUpdate.model_validate(
            checked.model_dump(exclude={"is_sample"}) | {"titles": kept | checked.titles}
        )
        updated = apply(
            db, form, gettext,
            lambda: service.update_product(
                session=db, product_id=product_id, data=changes, expected_version=version
            ),
            default_field="sku",
        )
    if updated is None:
        if form.stale:  # someone saved first: show what is stored now
            product = service.get_product(session=db, product_id=product_id)
            form = refreshed(form, product_form(product))
            enterprise = product.enterprise
        return _render_form(
            request, form, action=action, enterprise=enterprise, product_id=product_id,
            status_code=form.status_code,
            product=service.get_product(session=db, product_id=product_id),
        )
    return RedirectResponse(_catalog_url(enterprise.id, updated.id), status_code=303)
