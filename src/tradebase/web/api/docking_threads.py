"""REST endpoints of an enquiry's thread: reading it (which leaves read receipts), writing a
message with or without files, and downloading a message's file. Thin: parse, call
``docking.threads``, shape."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from tradebase.docking import threads
from tradebase.docking.thread_schemas import MessageAttachmentOut, MessageIn, MessageOut
from tradebase.errors import InvalidInput
from tradebase.web.api.docking_rfq import attachment_response, file_storage
from tradebase.web.deps import DbSession, IdPath
from tradebase.web.errors import validation_message

router = APIRouter(prefix="/api/v1/docking", tags=["docking"])

API_FILES = "/api/v1/docking/enquiries/{enquiry}/messages/{message}/attachments/{attachment}"


def message_out(message: threads.ThreadMessage, files: str = API_FILES) -> MessageOut:
    """``message`` as the API (or a page, with its own ``files`` links) shows it."""
    return MessageOut(
        id=message.id, enquiry_id=message.enquiry_id, side=message.side,
        text=message.text, created_at=message.created_at, author=message.author,
        mine=message.mine, read=message.read_at is not None, read_at=message.read_at,
        attachments=[MessageAttachmentOut(
            id=a.id, filename=a.filename, content_type=a.content_type, size=a.size,
            url=files.format(enquiry=message.enquiry_id, message=message.id, attachment=a.id),
        ) for a in message.attachments],
    )


async def uploads_of(request: Request, field: str = "file") -> list[threads.Upload]:
    """The files of a multipart form's ``field``, each read up to one byte past the
    attachment limit (the service refuses what is larger)."""
    limit = request.app.state.settings.attachment_max_bytes
    form = await request.form()
    found: list[threads.Upload] = []
    for item in form.getlist(field):
        if isinstance(item, UploadFile) and (item.filename or item.size):
            found.append(threads.Upload(item.filename or "", await item.read(limit + 1)))
    return found


async def message_body(request: Request) -> tuple[str, list[threads.Upload]]:
    """A message as a multipart form (``text`` and any number of ``file``) or as JSON
    (``{"text": …}``)."""
    kind = request.headers.get("content-type", "")
    if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        text = form.get("text")
        return (text if isinstance(text, str) else ""), await uploads_of(request)
    try:
        data = MessageIn.model_validate_json(await request.body() or b"{}")
    except ValidationError as exc:
        message, field = validation_message(list(exc.errors()))
        raise InvalidInput(f"{field}: {message}" if field else message,
                           field=field or "text") from exc
    return data.text, []


MessageBody = Annotated[tuple[str, list[threads.Upload]], Depends(message_body)]


@router.get("/enquiries/{enquiry_id}/messages", response_model=list[MessageOut])
def list_messages(enquiry_id: IdPath, db: DbSession) -> object:
    """The enquiry's thread, oldest first, for whoever may read the enquiry. Reading it
    marks the other side's messages read for the caller (their authors see ``read_at``)."""
    threads.mark_read(session=db, enquiry_id=enquiry_id)
    return [message_out(m) for m in threads.list_messages(session=db, enquiry_id=enquiry_id)]


@router.post("/enquiries/{enquiry_id}/messages", response_model=MessageOut, status_code=201)
def post_message(
    enquiry_id: IdPath, request: Request, db: DbSession, body: MessageBody
) -> object:
    """Write in the thread for your side (the buyer or the enterprise): JSON ``{"text"}``,
    or a multipart form with ``text`` and up to five ``file`` parts (PDF, PNG, JPEG, XLSX or
    CSV, checked by content). The other side is notified."""
    text, files = body
    posted = threads.post_message(
        session=db, storage=file_storage(request), enquiry_id=enquiry_id, text=text,
        attachments=files, max_bytes=request.app.state.settings.attachment_max_bytes)
    shown = next(m for m in threads.list_messages(session=db, enquiry_id=enquiry_id)
                 if m.id == posted.id)
    return message_out(shown)


@router.get("/enquiries/{enquiry_id}/messages/{message_id}/attachments/{attachment_id}")
def get_attachment(
    enquiry_id: IdPath, message_id: IdPath, attachment_id: IdPath, request: Request,
    db: DbSession,
) -> Response:
    """A message's file, for whoever may read the thread (downloaded, never shown inline)."""
    attachment, data = threads.get_attachment(
        session=db, storage=file_storage(request), enquiry_id=enquiry_id,
        message_id=message_id, attachment_id=attachment_id)
    return attachment_response(attachment.filename, attachment.content_type, data)
