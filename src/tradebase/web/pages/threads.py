"""The thread on the enquiry page: what it shows (``thread_context``), downloading a
message's file, and the words of the threads' coded errors.

Thin like the API: the messages come from ``docking.threads`` as their reader may see them;
the posting form is handled with the enquiry page's other forms (``pages/docking.py``).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from tradebase.docking import threads
from tradebase.docking.models import Enquiry
from tradebase.web.api.docking_rfq import attachment_response, file_storage
from tradebase.web.api.docking_threads import message_out
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_
from tradebase.web.pages.forms import Form, upload_refused
from tradebase.web.pages.messages import add_messages, say
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for

router = page_router()

PAGE_FILES = "/docking/enquiries/{enquiry}/messages/{message}/attachments/{attachment}"

add_messages({
    "thread.empty": N_("Write a message or attach a file."),
    "thread.text_long": N_("A message holds at most %(limit)s characters."),
    "thread.text_nul": N_("The message holds a character that cannot be stored."),
    "thread.too_many_files": N_("A message carries at most %(limit)s files."),
    "thread.may_not_post": N_(
        "Only the buyer and the enterprise of this enquiry write in its thread."),
    "thread.not_sent": N_("The enquiry has not been sent yet: its thread opens when it is."),
    "thread.withdrawn": N_("The buyer withdrew this request: its thread is closed."),
    "upload.files_size": N_(
        "The files are too large to send: at most %(each)s a file and %(total)s together. "
        "Nothing was sent; choose fewer or smaller files."),
}, sizes={"upload.files_size": ("each", "total")})


def file_limits(request: Request) -> dict[str, Any]:
    """What the attachment forms' file inputs tell the browser (``static/js/upload-limit.js``)
    so that a file past the limit is said beside its input before anything is sent, and
    what was typed stays: the limit of one file, of a form's files together (the request
    body limit of ``web/limits.py``) and the two messages in the page's language."""
    settings = request.app.state.settings
    gettext = gettext_for(request)
    each, total = settings.attachment_max_bytes, settings.upload_max_bytes
    return {
        "data-max-bytes": each, "data-max-total": total,
        "data-too-large": say("rfq.attachment_size", {"limit": each}, gettext),
        "data-too-large-total": say("upload.files_size", {"each": each, "total": total},
                                    gettext),
    }


def refused_upload(request: Request, form: Form, code: str) -> Form:
    """``form`` with the refusal ``code`` beside its file input when the page was reached
    back from it past the request body limit (``web/limits.py`` never let the app read it);
    the page then says it there, not at its top."""
    if upload_refused(request):
        settings = request.app.state.settings
        params = {"limit": settings.attachment_max_bytes,
                  "each": settings.attachment_max_bytes, "total": settings.upload_max_bytes}
        form.errors["file"] = say(code, params, gettext_for(request))
    return form


def thread_context(request: Request, db: DbSession, enquiry: Enquiry,
                   form: Form | None = None) -> dict[str, Any]:
    """The enquiry page's thread: its messages oldest first, whether the viewer may write,
    why it may not any more, and the message form (with what was typed after an error, and
    the limits its file input tells the browser)."""
    messages = threads.list_messages(session=db, enquiry_id=enquiry.id)
    return {
        "thread": [message_out(m, PAGE_FILES) for m in messages],
        "may_write": threads.may_post(session=db, enquiry=enquiry),
        "thread_closed": threads.closed_reason(enquiry),
        "message_form": form or Form(),
        "max_files": threads.MAX_FILES,
        "upload_refusal_said": form is not None and "file" in form.errors,
        "file_limits": file_limits(request),
    }


def page_uploads(posted: FormData, limit: int) -> list[threads.Upload]:
    """The files chosen in the message form, each read up to one byte past ``limit`` (an
    empty file input sends a nameless, empty part: not a file)."""
    found: list[threads.Upload] = []
    for item in posted.getlist("file"):
        if isinstance(item, UploadFile) and (item.filename or item.size):
            found.append(threads.Upload(item.filename or "", item.file.read(limit + 1)))
    return found


@router.get("/docking/enquiries/{enquiry_id:int}/messages/{message_id:int}"
            "/attachments/{attachment_id:int}")
def download(enquiry_id: int, message_id: int, attachment_id: int, request: Request,
             db: DbSession) -> Response:
    """A message's file, for whoever may read the thread (downloaded, never shown inline)."""
    attachment, data = threads.get_attachment(
        session=db, storage=file_storage(request), enquiry_id=enquiry_id,
        message_id=message_id, attachment_id=attachment_id)
    return attachment_response(attachment.filename, attachment.content_type, data)
