"""Uploaded files: refused unless they are small enough and really what they claim to be.

The body itself is bounded while it streams in (``web/limits.py``); here the uploaded file is
copied, still bounded, into a private temporary folder that is removed whatever happens, and
imported there. Everything that reads the file runs in a worker thread, never on the event
loop.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tradebase.errors import InvalidInput, TooLarge, TradebaseError
from tradebase.registry.transfer import ImportSummary, Limits, import_file

__all__ = ["ALLOWED", "TooLarge", "UnsupportedType", "copy_upload", "import_upload",
           "upload_format"]


class UnsupportedType(TradebaseError):
    status_code = 415


ALLOWED = {".csv": "csv", ".xlsx": "xlsx"}
XLSX_MAGIC = b"PK\x03\x04"
_CHUNK = 256 * 1024


def upload_format(upload: UploadFile) -> str:
    """The format an upload claims by its name's extension: .csv or .xlsx (415 otherwise)."""
    fmt = ALLOWED.get(Path(Path(upload.filename or "").name).suffix.lower())
    if fmt is None:
        raise UnsupportedType("upload a .csv or .xlsx file", field="file")
    return fmt


def copy_upload(upload: UploadFile, path: Path, *, fmt: str, limit: int | None) -> None:
    """Copy an upload to ``path`` within ``limit`` bytes, refusing an empty file and content
    that is not what ``fmt`` (csv: text, also for TSV; xlsx: a zip archive) claims."""
    name = path.name
    size = 0
    head = b""
    with path.open("wb") as out:
        upload.file.seek(0)
        while chunk := upload.file.read(_CHUNK):
            size += len(chunk)
            if limit is not None and size > limit:
                raise TooLarge(f"the file is larger than the limit of "
                               f"{limit / (1024 * 1024):g} MB "
                               f"(TRADEBASE_UPLOAD_MAX_BYTES={limit})", field="file")
            if fmt == "csv" and b"\x00" in chunk:
                raise UnsupportedType(f"{name} is not a text CSV file", field="file")
            head = head or chunk[:4]
            out.write(chunk)
    if not size:
        raise InvalidInput("the file is empty", field="file", code="file_empty")
    if fmt == "xlsx" and not head.startswith(XLSX_MAGIC):
        raise UnsupportedType(f"{name} is not an XLSX workbook", field="file")
    if fmt == "csv" and head.startswith(XLSX_MAGIC):
        raise UnsupportedType(f"{name} is not a text CSV file", field="file")


def import_upload(*, session: Session, kind: str, upload: UploadFile, fmt: str,
                  limits: Limits, base_id: int | None = None) -> ImportSummary:
    """Import an uploaded file (blocking: call it in a worker thread).

    The content must match the extension: an XLSX file is a zip archive (the reader checks the
    workbook inside); a CSV file is text without NUL bytes (the reader checks its encoding)."""
    name = Path(upload.filename or "").name or f"upload.{fmt}"
    with tempfile.TemporaryDirectory(prefix="tradebase-upload-") as folder:
        path = Path(folder) / name
        copy_upload(upload, path, fmt=fmt, limit=limits.max_bytes)
        return import_file(session=session, kind=kind, path=path, fmt=fmt, limits=limits,
                           base_id=base_id)
