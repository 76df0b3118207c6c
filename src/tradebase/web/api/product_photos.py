"""REST endpoints of a listing's photos: add one (multipart), delete one. The photos are
listed in the listing's own output (``ProductOut.photos``) and served by the pages' route
``/products/{id}/photos/{photo_id}`` (``web/pages/product_page.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile

from tradebase.registry import photos, schemas
from tradebase.web.api.docking_rfq import file_storage
from tradebase.web.deps import DbSession, IdPath

router = APIRouter(prefix="/api/v1", tags=["products"])


@router.post("/products/{product_id}/photos", response_model=schemas.PhotoOut, status_code=201)
def add_photo(
    product_id: IdPath, request: Request, db: DbSession,
    file: Annotated[UploadFile, File(description="A JPEG, PNG or WebP photo")],
) -> object:
    """Add a photo to the listing (who may edit the listing): checked by its content,
    re-encoded as JPEG without metadata, with a thumbnail."""
    settings = request.app.state.settings
    photo = photos.add_photo(
        session=db, storage=file_storage(request), product_id=product_id,
        data=file.file.read(settings.photo_max_bytes + 1), max_bytes=settings.photo_max_bytes,
        max_pixels=settings.photo_max_pixels, max_count=settings.photos_per_product,
    )
    return schemas.photo_out(photo)


@router.delete("/products/{product_id}/photos/{photo_id}", status_code=204)
def delete_photo(product_id: IdPath, photo_id: IdPath, request: Request, db: DbSession
                 ) -> Response:
    photos.delete_photo(session=db, storage=file_storage(request), product_id=product_id,
                        photo_id=photo_id)
    return Response(status_code=204)
