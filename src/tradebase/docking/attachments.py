"""Files attached to a request (drawings, specification sheets, price lists): checked for
size and for type by their first bytes, whatever their name claims, and kept in a
``Storage`` (``tradebase/storage.py``) under a key the service chooses. ``check_file`` is
the one check of every attached file; the files of a thread's messages pass it too
(``threads.py``).

The bytes are written when the row is flushed; a transaction rolled back afterwards leaves
an unreferenced file behind, never a row without its file.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy.orm import Session

from tradebase.docking import service
from tradebase.docking.models import BuyerRequest, RequestAttachment
from tradebase.docking.rfq import changeable_request
from tradebase.errors import Conflict, InvalidInput, NotFound, TooLarge, TradebaseError
from tradebase.storage import Storage


class UnsupportedAttachment(TradebaseError):
    status_code = 415


def _is_csv(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return False
    try:
        data[:65536].decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # a cut multi-byte character at the end is fine
        return exc.start >= min(len(data), 65536) - 3
    return True


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# extension -> (content type, the check of the file's bytes)
TYPES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    ".pdf": ("application/pdf", lambda data: data.startswith(b"%PDF-")),
    ".png": ("image/png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda data: data.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda data: data.startswith(b"\xff\xd8\xff")),
    ".xlsx": (_XLSX, lambda data: data.startswith(b"PK\x03\x04")),
    ".csv": ("text/csv", _is_csv),
}


def attachment_type(filename: str, data: bytes) -> str:
    """The content type of an attachment, when its name and its first bytes agree on one of
    PDF, PNG, JPEG, XLSX or CSV (415 otherwise)."""
    suffix = PurePath(filename).suffix.lower()
    kind = TYPES.get(suffix)
    if kind is None:
        raise UnsupportedAttachment(
            "attach a PDF, PNG, JPEG, XLSX or CSV file", field="file",
            code="rfq.attachment_type", params={"name": filename})
    content_type, check = kind
    if not check(data):
        raise UnsupportedAttachment(
            f"{filename} is not really a {suffix[1:].upper()} file", field="file",
            code="rfq.attachment_content", params={"name": filename})
    return content_type


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A file that passed ``check_file``: its cleaned name, its type and its size."""

    name: str
    content_type: str
    size: int

    @property
    def suffix(self) -> str:
        return PurePath(self.name).suffix.lower()


def check_file(filename: str, data: bytes, *, max_bytes: int) -> CheckedFile:
    """The checks every attached file passes, whatever it is attached to (a request, a
    message): not empty, at most ``max_bytes``, and of an allowed type by its first bytes
    (``attachment_type``). The name keeps its last part only, at most 200 characters."""
    name = PurePath(filename.replace("\\", "/")).name[-200:] or "attachment"
    if not data:
        raise InvalidInput("the file is empty", field="file", code="rfq.attachment_empty")
    if len(data) > max_bytes:
        raise TooLarge(f"the file is larger than the limit of {max_bytes} bytes", field="file",
                       code="rfq.attachment_size", params={"limit": max_bytes})
    return CheckedFile(name=name, content_type=attachment_type(name, data), size=len(data))


def add_attachment(
    *, session: Session, storage: Storage, request_id: int, filename: str, data: bytes,
    max_bytes: int, max_count: int,
) -> RequestAttachment:
    """Attach a file to the buyer's open request."""
    request = changeable_request(session, request_id)
    if len(request.attachments) >= max_count:
        raise Conflict(f"a request holds at most {max_count} files", field="file",
                       code="rfq.attachment_count", params={"limit": max_count})
    checked = check_file(filename, data, max_bytes=max_bytes)
    key = f"requests/{request.id}/{uuid.uuid4().hex}{checked.suffix}"
    attachment = RequestAttachment(filename=checked.name, content_type=checked.content_type,
                                   size=checked.size, key=key)
    request.attachments.append(attachment)
    session.flush()
    storage.put(key, data)
    return attachment


def get_attachment(
    *, session: Session, storage: Storage, request_id: int, attachment_id: int,
) -> tuple[RequestAttachment, bytes]:
    """A file of a request, for whoever may see the request."""
    request: BuyerRequest = service.get_request(session=session, request_id=request_id)
    attachment = next((a for a in request.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise NotFound(f"Attachment {attachment_id} not found")
    return attachment, storage.get(attachment.key)


__all__ = ["TYPES", "CheckedFile", "UnsupportedAttachment", "add_attachment",
           "attachment_type", "check_file", "get_attachment"]
