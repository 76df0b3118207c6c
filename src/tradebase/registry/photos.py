"""Photos of catalog listings: checked by what their bytes are (never by their name),
refused before decoding when they declare too many pixels, re-encoded with Pillow (so that
nothing of the uploaded file but its pixels is ever served: no metadata, no EXIF, no script),
with a thumbnail; both kept in a ``Storage`` (``tradebase/storage.py``).

``prepare_photo`` is plain bytes in, plain bytes out; ``add_photo``, ``delete_photo`` and
``photo_file`` are the services around it. Who may add or delete a photo is who may edit the
listing (``Permission.EDIT_ENTERPRISE`` of ``accounts/policy.py``); whoever may see the
listing may see its photos (the catalog is public).

A photo's files are written when its row is flushed, and deleted only after the transaction
that deleted the row committed: a transaction rolled back leaves an unreferenced file behind,
never a row without its file.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from tradebase.errors import Conflict, InvalidInput, NotFound, TooLarge, TradebaseError
from tradebase.registry import service
from tradebase.registry.models import Product, ProductPhoto
from tradebase.storage import Storage

THUMBNAIL_SIZE = 320
"""The longest side of a thumbnail, in pixels."""
CONTENT_TYPE = "image/jpeg"
"""What every stored photo is, whatever it was uploaded as."""
_QUALITY = 85


class UnsupportedPhoto(TradebaseError):
    """A file that is not a JPEG, PNG or WebP image (415)."""

    status_code = 415


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo as it will be stored: re-encoded, with its thumbnail."""

    data: bytes
    thumbnail: bytes
    width: int
    height: int
    content_type: str = CONTENT_TYPE


def sniff(data: bytes) -> str | None:
    """The format of ``data`` by its first bytes: ``JPEG``, ``PNG``, ``WEBP``, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def photo_size_params(max_bytes: int) -> dict[str, str | int | float]:
    """The parameters of a ``photo.size`` refusal: the limit in bytes, and in megabytes as
    people read it (``5``, ``0.5``)."""
    return {"limit": max_bytes, "mb": f"{max_bytes / 1_048_576:.3g}"}


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def _refuse_type(data: bytes) -> UnsupportedPhoto:
    if _looks_like_svg(data):
        return UnsupportedPhoto("SVG images are not accepted: upload a JPEG, PNG or WebP "
                                "photo", field="file", code="photo.svg")
    return UnsupportedPhoto("upload a JPEG, PNG or WebP photo", field="file", code="photo.type")


def _damaged() -> InvalidInput:
    return InvalidInput("the photo is damaged or incomplete", field="file", code="photo.damaged")


def _too_many_pixels(max_pixels: int) -> TooLarge:
    return TooLarge(f"the photo has more than {max_pixels} pixels", field="file",
                    code="photo.pixels", params={"limit": max_pixels})


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=_QUALITY, optimize=True)
    return out.getvalue()


def _flattened(image: Image.Image) -> Image.Image:
    """``image`` in RGB on a white background, as a new image without metadata."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    clean = Image.new("RGB", image.size)
    clean.paste(image.convert("RGB"))
    return clean


def prepare_photo(data: bytes, *, max_bytes: int, max_pixels: int) -> PreparedPhoto:
    """``data`` checked and re-encoded as a JPEG turned upright (EXIF orientation applied,
    every metadata dropped), with a thumbnail of at most ``THUMBNAIL_SIZE`` pixels a side.

    Refused: an empty file (422 ``photo.empty``), one over ``max_bytes`` (413
    ``photo.size``), anything but JPEG, PNG or WebP by content (415 ``photo.svg`` for SVG,
    ``photo.type`` otherwise), one declaring more than ``max_pixels`` pixels (413
    ``photo.pixels``, read from its header before any pixel is decoded) and one that does
    not decode whole (422 ``photo.damaged``)."""
    if not data:
        raise InvalidInput("the file is empty", field="file", code="photo.empty")
    if len(data) > max_bytes:
        raise TooLarge(f"the photo is larger than the limit of {max_bytes} bytes",
                       field="file", code="photo.size", params=photo_size_params(max_bytes))
    kind = sniff(data)
    if kind is None:
        raise _refuse_type(data)
    with warnings.catch_warnings():
        # Pillow warns past its own pixel limit and raises past twice that: either is a
        # refusal here, as is anything past ours.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[kind]) as image:  # reads the header
                width, height = image.size
                if width < 1 or height < 1:
                    raise _damaged()
                if width * height > max_pixels:
                    raise _too_many_pixels(max_pixels)
                image.load()
                upright = ImageOps.exif_transpose(image)
                photo = _flattened(upright)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(max_pixels) from None
        except UnidentifiedImageError:
            raise _refuse_type(data) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _damaged() from None
    thumb = photo.copy()
    thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    return PreparedPhoto(data=_encode(photo), thumbnail=_encode(thumb),
                         width=photo.width, height=photo.height)


# --- the services -----------------------------------------------------------------------


def _editable_product(session: Session, product_id: int) -> Product:
    product = service.get_product(session=session, product_id=product_id)
    service.check_can_edit_enterprise(session=session, enterprise=product.enterprise)
    return product


def add_photo(
    *, session: Session, storage: Storage, product_id: int, data: bytes, max_bytes: int,
    max_pixels: int, max_count: int,
) -> ProductPhoto:
    """Add a photo to a listing, after the last one (for whoever may edit the listing)."""
    product = _editable_product(session, product_id)
    if len(product.photos) >= max_count:
        raise Conflict(f"a listing holds at most {max_count} photos", field="file",
                       code="photo.count", params={"limit": max_count})
    prepared = prepare_photo(data, max_bytes=max_bytes, max_pixels=max_pixels)
    stem = f"products/{product.id}/{uuid.uuid4().hex}"
    photo = ProductPhoto(
        key=f"{stem}.jpg", thumb_key=f"{stem}-thumb.jpg", content_type=prepared.content_type,
        width=prepared.width, height=prepared.height,
        position=max((p.position for p in product.photos), default=0) + 1,
    )
    product.photos.append(photo)
    session.flush()
    storage.put(photo.key, prepared.data)
    storage.put(photo.thumb_key, prepared.thumbnail)
    return photo


def _photo_of(product: Product, photo_id: int) -> ProductPhoto:
    photo = next((p for p in product.photos if p.id == photo_id), None)
    if photo is None:
        raise NotFound(f"Photo {photo_id} not found")
    return photo


_PENDING = "tradebase.photo_files_to_delete"


def _delete_after_commit(session: Session, storage: Storage, keys: tuple[str, ...]) -> None:
    """Delete ``keys`` from ``storage`` once the session's transaction commits; forget them
    when it rolls back (the rows stay, so must their files)."""
    pending: list[tuple[Storage, str]] = session.info.setdefault(_PENDING, [])
    pending.extend((storage, key) for key in keys)
    if not event.contains(session, "after_commit", _remove_pending):
        event.listen(session, "after_commit", _remove_pending)
        event.listen(session, "after_rollback", _forget_pending)


def _remove_pending(session: Session) -> None:
    for storage, key in session.info.pop(_PENDING, []):
        storage.delete(key)


def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def delete_photo(*, session: Session, storage: Storage, product_id: int, photo_id: int) -> None:
    """Remove a photo of a listing; its files go once the removal is committed."""
    product = _editable_product(session, product_id)
    photo = _photo_of(product, photo_id)
    keys = (photo.key, photo.thumb_key)
    product.photos.remove(photo)
    session.flush()

    _delete_after_commit(session, storage, keys)


def photo_file(
    *, session: Session, storage: Storage, product_id: int, photo_id: int, thumbnail: bool,
) -> tuple[str, bytes]:
    """The content type and bytes of a photo of a listing (or of its thumbnail)."""
    product = service.get_product(session=session, product_id=product_id)
    photo = _photo_of(product, photo_id)
    return photo.content_type, storage.get(photo.thumb_key if thumbnail else photo.key)


__all__ = [
    "CONTENT_TYPE",
    "THUMBNAIL_SIZE",
    "PreparedPhoto",
    "UnsupportedPhoto",
    "add_photo",
    "delete_photo",
    "photo_file",
    "photo_size_params",
    "prepare_photo",
    "sniff",
]
