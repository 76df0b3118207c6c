"""An enquiry's thread: the messages between the buyer and the enterprise an enquiry went to,
with checked attachments and read receipts, so that samples, drawings and terms are settled
in one place.

Who reads and who writes is ``accounts/policy.py`` (``may_read_thread``: exactly who may read
the enquiry; ``may_post_message``: one of its two sides, a suspended buyer not). A thread the
actor may not read is not found, like its enquiry. Services take ``session`` keyword-only and
never commit.

Decisions:

- **Read receipts are rows** (``docking_message_reads``: message, reader, first read time),
  written when a user of the other side opens the thread (``mark_read``). A per-side "last
  read message id" would be one row per side, but it keeps one time only: every earlier
  message would show the time of the latest opening, not its own. One row per message and
  reader is the simplest design that gives each message the time it was first read; it is
  written once (``ON CONFLICT DO NOTHING``, so two tabs opening the thread at once are
  fine), never updated, and not audited (bookkeeping, like the notifications).
- **When a thread is open**: once the enquiry was sent (a shortlisted one is not the
  enterprise's yet) and until the buyer withdraws the request or a moderator hides it. A
  closed, awarded or declined one keeps its thread: samples, drawings and terms are settled
  after the quotes, and a declined quote may be talked over.
- **A message** is text of at most ``MAX_TEXT`` characters (no NUL), files, or both; an empty
  one is refused. Files pass the same checks as a request's attachments
  (``attachments.check_file``: PDF, PNG, JPEG, XLSX or CSV by their first bytes, at most
  ``TRADEBASE_ATTACHMENT_MAX_BYTES`` each), at most ``MAX_FILES`` per message.
- **Who wrote it**: the side always; the author's account only to the author's own side and
  platform administrators (``may_see_message_author``), so that an anonymous buyer stays
  anonymous and a factory's staff are not listed to buyers.
- **Notifications**: each message tells the other side once (``Kind.MESSAGE_RECEIVED``): the
  enterprise's members for a buyer's message, the request's buyer for the enterprise's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, false, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.models import User
from tradebase.accounts.policy import (
    RequestParties,
    may_post_message,
    may_see_message_author,
    thread_side,
)
from tradebase.docking import rfq_rules, service
from tradebase.docking.attachments import check_file
from tradebase.docking.models import (
    BuyerRequest,
    Enquiry,
    EnquiryMessage,
    MessageAttachment,
    MessageRead,
)
from tradebase.docking.notices import snippet
from tradebase.docking.schemas import EnquiryStatus
from tradebase.docking.terms import RequestStatus
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound
from tradebase.notifications.kinds import Kind
from tradebase.notifications.service import enterprise_members, notify
from tradebase.settings import get_settings
from tradebase.storage import Storage

MAX_TEXT = 5000
"""The longest message, in characters."""
MAX_FILES = 5
"""The most files one message carries."""
BUYER, ENTERPRISE = "buyer", "enterprise"


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as it was sent: its name and its bytes, not yet checked."""

    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ThreadMessage:
    """One message as its reader may see it: ``author`` is the author's e-mail only when
    ``may_see_message_author``; ``read_at`` is when the other side first opened it."""

    id: int
    enquiry_id: int
    side: str
    text: str
    created_at: datetime
    author: str | None
    mine: bool
    read_at: datetime | None
    attachments: tuple[MessageAttachment, ...]


@dataclass(frozen=True, slots=True)
class _Thread:
    enquiry: Enquiry
    parties: RequestParties


def _now() -> datetime:
    return datetime.now(UTC)


def _thread(session: Session, enquiry_id: int) -> _Thread:
    """The enquiry, if the actor may read it (``may_read_thread`` is ``may_see_enquiry``,
    which ``get_enquiry`` applies); else not found."""
    enquiry = service.get_enquiry(session=session, enquiry_id=enquiry_id)
    return _Thread(enquiry, service._parties(session, enquiry.request))


def _sent(enquiry: Enquiry) -> bool:
    return enquiry.status != EnquiryStatus.SHORTLISTED


def closed_reason(enquiry: Enquiry) -> str | None:
    """Why no message can be written in the enquiry's thread any more (an error code), or
    None while it is open."""
    if not _sent(enquiry):
        return "thread.not_sent"
    if enquiry.request.hidden_at is not None:
        return "rfq.hidden"
    if enquiry.request.status == RequestStatus.WITHDRAWN:
        return "thread.withdrawn"
    return None


def may_post(*, session: Session, enquiry: Enquiry) -> bool:
    """Whether the actor may write in the thread now (for the page to show its form)."""
    actor = current_actor(session)
    parties = service._parties(session, enquiry.request)
    return closed_reason(enquiry) is None and may_post_message(
        actor, parties, enterprise_id=enquiry.enterprise_id,
        base_id=enquiry.enterprise.base_id, sent=_sent(enquiry),
        suspended=rfq_rules.is_suspended(session, actor.user_id))


def check_text(text: str) -> str:
    """The message's text as kept: line ends made ``\\n``, blank edges trimmed; refused when
    it holds NUL or is longer than ``MAX_TEXT``."""
    if "\x00" in text:
        raise InvalidInput("text: the message holds a NUL character", field="text",
                           code="thread.text_nul")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"text: a message holds at most {MAX_TEXT} characters",
                           field="text", code="thread.text_long", params={"limit": MAX_TEXT})
    return text


def post_message(
    *, session: Session, storage: Storage, enquiry_id: int, text: str,
    attachments: Sequence[Upload] = (), max_bytes: int | None = None,
) -> EnquiryMessage:
    """The actor writes in the enquiry's thread for its side; the other side is told."""
    thread = _thread(session, enquiry_id)
    enquiry, actor = thread.enquiry, current_actor(session)
    side = thread_side(actor, thread.parties, enquiry.enterprise_id)
    suspended = rfq_rules.is_suspended(session, actor.user_id)
    if not may_post_message(actor, thread.parties, enterprise_id=enquiry.enterprise_id,
                            base_id=enquiry.enterprise.base_id, sent=_sent(enquiry),
                            suspended=suspended) or side is None:
        if side == BUYER and suspended:
            raise Forbidden("your account is suspended from posting requests and enquiries",
                            code="rfq.suspended")
        raise Forbidden("only the buyer and the enterprise of this enquiry write in its thread",
                        code="thread.may_not_post")
    reason = closed_reason(enquiry)
    if reason is not None:
        raise Conflict(f"enquiry {enquiry.id}: its thread is closed ({reason})", code=reason,
                       params={"id": enquiry.id})
    text = check_text(text)
    if not text and not attachments:
        raise InvalidInput("text: write a message or attach a file", field="text",
                           code="thread.empty")
    if len(attachments) > MAX_FILES:
        raise InvalidInput(f"a message carries at most {MAX_FILES} files", field="file",
                           code="thread.too_many_files", params={"limit": MAX_FILES})
    limit = get_settings().attachment_max_bytes if max_bytes is None else max_bytes
    checked = [(check_file(upload.filename, upload.data, max_bytes=limit), upload.data)
               for upload in attachments]
    message = EnquiryMessage(enquiry_id=enquiry.id, author_id=actor.user_id, side=side,
                             text=text, created_at=_now())
    for file, _data in checked:
        message.attachments.append(MessageAttachment(
            filename=file.name, content_type=file.content_type, size=file.size,
            key=f"messages/{enquiry.id}/{uuid.uuid4().hex}{file.suffix}"))
    session.add(message)
    session.flush()
    for attachment, (_file, data) in zip(message.attachments, checked, strict=True):
        storage.put(attachment.key, data)
    message_posted(session=session, enquiry=enquiry, message=message)
    return message


def message_posted(*, session: Session, enquiry: Enquiry, message: EnquiryMessage) -> None:
    """Tell the other side of the thread, once: the enterprise's members of a buyer's
    message, the request's buyer of the enterprise's (never the author)."""
    receivers = (enterprise_members(session=session, enterprise_ids=[enquiry.enterprise_id])
                 if message.side == BUYER else [enquiry.request.buyer_id])
    author = message.author_id
    notify(session=session, user_ids=[uid for uid in receivers if uid != author],
           kind=Kind.MESSAGE_RECEIVED,
           params={"enquiry_id": enquiry.id, "request_id": enquiry.request_id,
                   "message_id": message.id, "side": message.side,
                   "text": snippet(message.text), "files": len(message.attachments),
                   "enterprise_id": enquiry.enterprise_id,
                   "enterprise_zh": enquiry.enterprise.name_zh,
                   "enterprise_en": enquiry.enterprise.name_en},
           link=f"/docking/enquiries/{enquiry.id}#thread")


def list_messages(*, session: Session, enquiry_id: int) -> list[ThreadMessage]:
    """The thread, oldest first, as the actor may see it, with each message's read receipt
    (the first time someone of the other side opened the thread after it was written)."""
    thread = _thread(session, enquiry_id)
    enquiry, actor = thread.enquiry, current_actor(session)
    messages = list(session.scalars(select(EnquiryMessage).where(
        EnquiryMessage.enquiry_id == enquiry.id).order_by(EnquiryMessage.id)))
    ids = [m.id for m in messages]
    read: dict[int, datetime] = {}
    authors: dict[int, str] = {}
    if ids:
        read = {mid: rfq_rules.aware(at) for mid, at in session.execute(
            select(MessageRead.message_id, func.min(MessageRead.read_at))
            .where(MessageRead.message_id.in_(ids)).group_by(MessageRead.message_id))}
        wanted = {m.author_id for m in messages if m.author_id is not None}
        if wanted:
            authors = {row.id: row.email for row in session.execute(
                select(User.id, User.email).where(User.id.in_(wanted)))}
    shown = {side: may_see_message_author(actor, thread.parties,
                                          enterprise_id=enquiry.enterprise_id, author_side=side)
             for side in (BUYER, ENTERPRISE)}
    return [
        ThreadMessage(
            id=m.id, enquiry_id=m.enquiry_id, side=m.side, text=m.text,
            created_at=rfq_rules.aware(m.created_at),
            author=authors.get(m.author_id) if m.author_id is not None and shown[m.side]
            else None,
            mine=m.author_id is not None and m.author_id == actor.user_id,
            read_at=read.get(m.id), attachments=tuple(m.attachments),
        )
        for m in messages
    ]


def mark_read(*, session: Session, enquiry_id: int) -> int:
    """The actor opened the thread: each message of the other side it had not read yet
    gets its read receipt. Those who only oversee the enquiry leave none. Returns how many
    messages were newly read."""
    thread = _thread(session, enquiry_id)
    actor = current_actor(session)
    side = thread_side(actor, thread.parties, thread.enquiry.enterprise_id)
    if side is None or actor.user_id is None:
        return 0
    already = select(MessageRead.message_id).where(MessageRead.user_id == actor.user_id)
    unread = list(session.scalars(select(EnquiryMessage.id).where(
        EnquiryMessage.enquiry_id == thread.enquiry.id, EnquiryMessage.side != side,
        EnquiryMessage.id.not_in(already))))
    if not unread:
        return 0
    now = _now()
    rows = [{"message_id": mid, "user_id": actor.user_id, "read_at": now} for mid in unread]
    table = cast(Table, MessageRead.__table__)
    dialect = session.get_bind().dialect.name
    stmt: Any
    if dialect == "postgresql":
        stmt = postgresql_insert(table).values(rows).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(table).values(rows).on_conflict_do_nothing()
    else:  # another database: a plain insert (a concurrent opening fails, to be retried)
        stmt = insert(table).values(rows)
    session.execute(stmt)
    return len(unread)


def unread_counts(*, session: Session, enquiries: Sequence[Enquiry]) -> dict[int, int]:
    """How many messages of the other side the actor has not read, per enquiry of a list it
    was shown (the enquiries it speaks for, ``thread_side``; those it only oversees have
    no count). One grouped query for the whole list."""
    actor = current_actor(session)
    sides: dict[str, list[int]] = {BUYER: [], ENTERPRISE: []}
    for enquiry in enquiries:
        request = enquiry.request
        side = thread_side(actor, RequestParties(request.buyer_id, request.organisation),
                           enquiry.enterprise_id)
        if side is not None:
            sides[side].append(enquiry.id)
    reading = [and_(EnquiryMessage.enquiry_id.in_(ids), EnquiryMessage.side != side)
               for side, ids in sides.items() if ids]
    return _count_unread(session, actor.user_id, EnquiryMessage.enquiry_id, reading)


def unread_by_request(*, session: Session, requests: Sequence[BuyerRequest]) -> dict[int, int]:
    """How many factory messages the actor, as the buyer side, has not read in all the
    enquiries of each request of its list. One grouped query."""
    actor = current_actor(session)
    ids = [r.id for r in requests
           if thread_side(actor, RequestParties(r.buyer_id, r.organisation), 0) == BUYER]
    reading = [and_(Enquiry.request_id.in_(ids), EnquiryMessage.side != BUYER)] if ids else []
    return _count_unread(session, actor.user_id, Enquiry.request_id, reading)


def _count_unread(session: Session, user_id: int | None, key: Any,
                  reading: list[ColumnElement[bool]]) -> dict[int, int]:
    if user_id is None or not reading:
        return {}
    read = and_(MessageRead.message_id == EnquiryMessage.id, MessageRead.user_id == user_id)
    stmt = (select(key, func.count(EnquiryMessage.id))
            .join(Enquiry, Enquiry.id == EnquiryMessage.enquiry_id)
            .outerjoin(MessageRead, read)
            .where(or_(false(), *reading), MessageRead.message_id.is_(None))
            .group_by(key))
    return {int(row[0]): int(row[1]) for row in session.execute(stmt)}


def get_attachment(
    *, session: Session, storage: Storage, enquiry_id: int, message_id: int,
    attachment_id: int,
) -> tuple[MessageAttachment, bytes]:
    """A file of a message, for whoever may read the thread."""
    thread = _thread(session, enquiry_id)
    attachment = session.get(MessageAttachment, attachment_id)
    if (attachment is None or attachment.message_id != message_id
            or attachment.message.enquiry_id != thread.enquiry.id):
        raise NotFound(f"Attachment {attachment_id} not found")
    return attachment, storage.get(attachment.key)


__all__ = [
    "MAX_FILES", "MAX_TEXT", "ThreadMessage", "Upload", "check_text", "closed_reason",
    "get_attachment", "list_messages", "mark_read", "may_post", "message_posted",
    "post_message", "unread_by_request", "unread_counts",
]
