"""Uploaded files: refused unless they are small enough and really what they claim to be."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fastapi import Request, UploadFile

from tradebase.errors import InvalidInput, TradebaseError
from tradebase.registry.transfer import decode_text


class TooLarge(TradebaseError):
    status_code = 413


class UnsupportedType(TradebaseError):
    status_code = 415


ALLOWED = {".csv": "csv", ".xlsx": "xlsx"}
XLSX_MAGIC = b"PK\x03\x04"


def check_length(request: Request) -> None:
    """Refuse a body announced as too large before reading it."""
    limit = request.app.state.settings.upload_max_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise TooLarge(f"the file is larger than {limit // (1024 * 1024)} MB", field="file")


async def read_upload(request: Request, upload: UploadFile) -> tuple[str, bytes]:
    """The (format, bytes) of an uploaded import file, checked for size and type.

    The name's extension must be .csv or .xlsx, and the content must match it: an XLSX file
    is a zip holding a spreadsheet; a CSV file is text in UTF-8 or GB18030 without NUL bytes.
    """
    limit: int = request.app.state.settings.upload_max_bytes
    name = Path(upload.filename or "").name
    fmt = ALLOWED.get(Path(name).suffix.lower())
    if fmt is None:
        raise UnsupportedType("upload a .csv or .xlsx file", field="file")
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"the file is larger than {limit // (1024 * 1024)} MB", field="file")
    if not data:
        raise InvalidInput("the file is empty", field="file")
    if fmt == "xlsx":
        if not data.startswith(XLSX_MAGIC):
            raise UnsupportedType(f"{name} is not an XLSX workbook", field="file")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise UnsupportedType(f"{name} is not an XLSX workbook", field="file") from exc
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise UnsupportedType(f"{name} is not an XLSX workbook", field="file")
    else:
        if b"\x00" in data or data.startswith(XLSX_MAGIC):
            raise UnsupportedType(f"{name} is not a text CSV file", field="file")
        decode_text(data, name)  # raises ImportRejected naming the file if not UTF-8/GB18030
    return fmt, data
