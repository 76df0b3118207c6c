"""The page of one catalog listing (titles in every language it has, description, photos,
price range, MOQ, capacity, lead time, certifications with their validity, HS code as
written, the enterprise), its photos as files, and adding or removing photos from its edit
page. Thin: the checks and the storage are ``registry/photos.py``'s.
"""

from __future__ import annotations

from datetime import UTC, datetime

from babel import Locale
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts.policy import Permission, is_allowed
from tradebase.registry import photos, service
from tradebase.registry.models import Product
from tradebase.web.api.docking_rfq import file_storage
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_, request_language
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply
from tradebase.web.pages.messages import add_messages, say, say_error
from tradebase.web.pages.products import render_edit_page
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

add_messages({
    "photo.empty": N_("Choose a photo to upload."),
    "photo.size": N_("The photo is larger than the limit of %(limit)s."),
    "photo.svg": N_("SVG images are not accepted: upload a JPEG, PNG or WebP photo."),
    "photo.type": N_("Upload a JPEG, PNG or WebP photo."),
    "photo.pixels": N_("The photo has more than %(limit)s pixels: make it smaller."),
    "photo.damaged": N_("The photo is damaged or incomplete."),
    "photo.count": N_("A product holds at most %(limit)s photos."),
    "enquiry.other_listing": N_("Choose one of this enterprise's products."),
}, sizes={"photo.size": ("limit",)})

# Photos are never changed in place (a new photo is a new id), so a browser may keep them.
PHOTO_CACHE = "public, max-age=86400"


def titles_shown(product: Product, lang: str) -> list[tuple[str, str]]:
    """(language name, title) of each title of the listing, the page language's first; the
    listing's own title (language unsaid) after it, then the others."""
    names = Locale.parse(lang).languages
    own = product.titles
    shown = [(names.get(lang, lang), own[lang])] if lang in own else []
    shown.append(("", product.title))
    shown += [(names.get(tag, tag), text) for tag, text in sorted(own.items()) if tag != lang]
    unique: dict[str, str] = {}
    for name, text in shown:
        unique.setdefault(text, name)
    return [(name, text) for text, name in unique.items()]


@router.get("/products/{product_id:int}", response_class=HTMLResponse)
def product_page(product_id: int, request: Request, db: DbSession) -> HTMLResponse:
    product = service.get_product(session=db, product_id=product_id)
    lang = request_language(request)
    actor = request.state.actor
    today = datetime.now(UTC).date()
    context = {
        "product": product, "titles": titles_shown(product, lang),
        "certificates": [(row, row.is_valid_on(today)) for row in product.certification_rows],
        "can_edit": is_allowed(actor, Permission.EDIT_ENTERPRISE,
                               base_id=product.enterprise.base_id,
                               enterprise_id=product.enterprise_id),
        "can_enquire": is_allowed(actor, Permission.POST_REQUEST),
        "signed_in": actor.is_authenticated,
    }
    return render(request, "product.html", context)


def _photo_response(content_type: str, data: bytes) -> Response:
    return Response(data, media_type=content_type, headers={
        "Content-Disposition": "inline",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": PHOTO_CACHE,
    })


@router.get("/products/{product_id:int}/photos/{photo_id:int}")
def photo(product_id: int, photo_id: int, request: Request, db: DbSession) -> Response:
    return _photo_response(*photos.photo_file(
        session=db, storage=file_storage(request), product_id=product_id, photo_id=photo_id,
        thumbnail=False))


@router.get("/products/{product_id:int}/photos/{photo_id:int}/thumb")
def thumbnail(product_id: int, photo_id: int, request: Request, db: DbSession) -> Response:
    return _photo_response(*photos.photo_file(
        session=db, storage=file_storage(request), product_id=product_id, photo_id=photo_id,
        thumbnail=True))


def _to_photos(product_id: int) -> RedirectResponse:
    return RedirectResponse(f"/products/{product_id}/edit#photos", status_code=303)


@router.post("/products/{product_id:int}/photos", response_class=HTMLResponse)
def upload_photo(product_id: int, request: Request, db: DbSession, posted: Posted) -> Response:
    """Add a photo (multipart form); a refused file is said beside the file input of the
    edit page, in the page's language."""
    settings = request.app.state.settings
    gettext = gettext_for(request)
    product = service.get_product(session=db, product_id=product_id)
    service.check_can_edit_enterprise(session=db, enterprise=product.enterprise)
    form = Form()
    upload = posted.get("file")
    done = None
    if not isinstance(upload, UploadFile) or not (upload.filename or upload.size):
        form.errors["file"] = say("photo.empty", {}, gettext)
    else:
        try:
            done = apply(db, form, gettext, lambda: photos.add_photo(
                session=db, storage=file_storage(request), product_id=product_id,
                data=upload.file.read(settings.photo_max_bytes + 1),
                max_bytes=settings.photo_max_bytes, max_pixels=settings.photo_max_pixels,
                max_count=settings.photos_per_product), default_field="file")
        except photos.UnsupportedPhoto as exc:  # not a photo: beside the file input too
            db.rollback()
            form.errors["file"] = say_error(exc, gettext)
            form.status_code = exc.status_code
    if done is None:
        product = service.get_product(session=db, product_id=product_id)
        return render_edit_page(request, product, photo_form=form,
                                status_code=form.status_code)
    return _to_photos(product_id)


@router.post("/products/{product_id:int}/photos/{photo_id:int}/delete",
             response_class=HTMLResponse)
def remove_photo(product_id: int, photo_id: int, request: Request, db: DbSession,
                 posted: Posted) -> Response:
    photos.delete_photo(session=db, storage=file_storage(request), product_id=product_id,
                        photo_id=photo_id)
    return _to_photos(product_id)
