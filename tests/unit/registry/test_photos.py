"""Product photos: accepted by what their bytes are, refused before decoding when they declare
too many pixels, re-encoded upright without metadata, with a thumbnail; real images made
with Pillow here."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from tradebase.errors import InvalidInput, TooLarge, TradebaseError
from tradebase.registry.photos import (
    THUMBNAIL_SIZE,
    UnsupportedPhoto,
    photo_size_params,
    prepare_photo,
    sniff,
)

LIMITS = {"max_bytes": 5 * 1024 * 1024, "max_pixels": 40_000_000}


def image_bytes(fmt: str, size: tuple[int, int] = (800, 600), mode: str = "RGB",
                **options: object) -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    image.paste((20, 20, 220) if mode == "RGB" else (20, 20, 220, 255),
                (0, 0, size[0] // 2, size[1] // 4))
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG file whose header declares ``width`` x ``height`` pixels (a bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_reencoded_as_jpeg_with_a_thumbnail(fmt: str) -> None:
    photo = prepare_photo(image_bytes(fmt), **LIMITS)
    assert (photo.width, photo.height) == (800, 600)
    assert photo.content_type == "image/jpeg"
    stored, thumb = decoded(photo.data), decoded(photo.thumbnail)
    assert stored.format == thumb.format == "JPEG"
    assert stored.size == (800, 600)
    assert max(thumb.size) == THUMBNAIL_SIZE
    assert thumb.size == (320, 240)


def test_a_transparent_png_is_flattened_on_white() -> None:
    photo = prepare_photo(image_bytes("PNG", mode="RGBA"), **LIMITS)
    stored = decoded(photo.data)
    assert stored.mode == "RGB"


def test_the_type_is_read_from_the_bytes_not_from_a_name() -> None:
    assert sniff(image_bytes("PNG")) == "PNG"
    assert sniff(image_bytes("JPEG")) == "JPEG"
    assert sniff(image_bytes("WEBP")) == "WEBP"
    assert sniff(b"GIF89a....") is None


def test_an_svg_is_refused_with_its_own_code() -> None:
    svg = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
           b'height="10"><script>alert(1)</script></svg>')
    with pytest.raises(UnsupportedPhoto) as refused:
        prepare_photo(svg, **LIMITS)
    assert refused.value.code == "photo.svg"
    assert refused.value.status_code == 415
    assert refused.value.field == "file"
    with pytest.raises(UnsupportedPhoto, match="SVG"):
        prepare_photo(b"  <svg onload='x()'></svg>", **LIMITS)


@pytest.mark.parametrize("data", [
    image_bytes("GIF"), image_bytes("BMP"), image_bytes("TIFF"), b"%PDF-1.4\n%%EOF\n",
    b"<html><script>alert(1)</script></html>",
])
def test_other_files_are_refused(data: bytes) -> None:
    with pytest.raises(UnsupportedPhoto) as refused:
        prepare_photo(data, **LIMITS)
    assert refused.value.code == "photo.type"


def test_a_png_declaring_fifty_thousand_pixels_a_side_is_refused_before_decoding() -> None:
    bomb = png_declaring(50_000, 50_000)
    assert len(bomb) < 200
    with pytest.raises(TooLarge) as refused:
        prepare_photo(bomb, **LIMITS)
    assert refused.value.code == "photo.pixels"
    assert refused.value.params == {"limit": LIMITS["max_pixels"]}


def test_a_photo_over_our_own_pixel_limit_is_refused() -> None:
    with pytest.raises(TooLarge) as refused:
        prepare_photo(image_bytes("PNG", size=(300, 300)), max_bytes=LIMITS["max_bytes"],
                      max_pixels=300 * 299)
    assert refused.value.code == "photo.pixels"


def test_a_truncated_jpeg_is_refused_as_damaged() -> None:
    whole = image_bytes("JPEG", quality=95)
    with pytest.raises(InvalidInput) as refused:
        prepare_photo(whole[: len(whole) // 2], **LIMITS)
    assert refused.value.code == "photo.damaged"
    with pytest.raises(TradebaseError):
        prepare_photo(b"\xff\xd8\xff\xe0garbage", **LIMITS)


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read() -> None:
    data = image_bytes("PNG")
    with pytest.raises(TooLarge) as refused:
        prepare_photo(data, max_bytes=len(data) - 1, max_pixels=LIMITS["max_pixels"])
    assert refused.value.code == "photo.size"
    assert refused.value.params == {"limit": len(data) - 1,
                                    "mb": f"{(len(data) - 1) / 1_048_576:.3g}"}


@pytest.mark.parametrize(("max_bytes", "mb"), [(5 * 1_048_576, "5"), (524_288, "0.5"),
                                               (20 * 1_048_576, "20"), (65_536, "0.0625")])
def test_the_size_limit_is_said_in_megabytes(max_bytes: int, mb: str) -> None:
    assert photo_size_params(max_bytes) == {"limit": max_bytes, "mb": mb}


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        prepare_photo(b"", **LIMITS)
    assert refused.value.code == "photo.empty"


def test_exif_orientation_is_applied_and_every_metadata_dropped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    exif[0x010F] = "SecretCam"  # make
    exif[0x8825] = {2: (59.0, 19.0, 0.0)}  # GPS latitude
    data = image_bytes("JPEG", size=(400, 200), exif=exif.tobytes())
    assert decoded(data).getexif()[0x0112] == 6
    photo = prepare_photo(data, **LIMITS)
    assert (photo.width, photo.height) == (200, 400)  # turned upright
    stored = decoded(photo.data)
    assert stored.size == (200, 400)
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert "icc_profile" not in stored.info
    assert b"SecretCam" not in photo.data
    assert b"SecretCam" not in photo.thumbnail
