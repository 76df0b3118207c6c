"""The inbox: one's notifications worded in one's language, marking them read, choosing
which of them are mailed; and the same words for mail (``mail_renderer``).

A notification stores a kind and plain parameters (``notifications/``); the sentence is made
here, when it is read, so it follows the reader's language and the catalog."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from tradebase.notifications import service as notifications
from tradebase.notifications.channels import Message, Recipient, Render
from tradebase.notifications.kinds import Kind
from tradebase.registry.numbers import format_number
from tradebase.settings import Settings
from tradebase.web.deps import CurrentActor, DbSession, IdPath
from tradebase.web.i18n import (
    N_,
    STAFF_LANGUAGES,
    fallback_order,
    get_translations,
    request_language,
    user_language,
)
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.rfq_labels import ORDER_STATUSES
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render

router = page_router()

Gettext = Callable[[str], str]

# What happened, by kind; ``%(name)s`` takes the notification's parameters.
SENTENCES: dict[str, str] = {
    Kind.ENQUIRY_RECEIVED: N_("%(enterprise)s received an enquiry: “%(text)s”"),
    Kind.INTENTION_PROPOSED: N_("A cooperation intention with %(enterprise)s waits for your "
                                "acceptance: %(quantity)s %(unit)s, %(value)s %(currency)s"),
    Kind.ORDER_STATUS: N_("The order %(order_id)s with %(enterprise)s is now: %(status)s"),
    Kind.REQUEST_MATCHED: N_("A new request fits the catalog of %(enterprise)s: “%(text)s”"),
    Kind.ENQUIRY_UNANSWERED: N_("An enquiry to %(enterprise)s has waited %(days)s days for "
                                "an answer: “%(text)s”"),
    Kind.CERTIFICATE_EXPIRING: N_("The certification %(code)s of %(enterprise)s expires on "
                                  "%(valid_until)s"),
    Kind.MEETING_REQUESTED: N_("%(requester)s asks %(recipient)s for a meeting"),
    Kind.MEETING_WITHDRAWN: N_("%(requester)s withdrew its meeting request to %(recipient)s"),
    Kind.MEETING_UNANSWERED: N_("The meeting request of %(requester)s to %(recipient)s has "
                                "waited %(days)s days for an answer"),
    Kind.EVENT_TOMORROW: N_("%(title)s starts tomorrow"),
    Kind.MEETING_CANCELLED: N_("%(title)s: the meeting with %(counterpart)s at %(start)s is "
                               "cancelled"),
}
_SCHEDULED = {
    False: N_("%(title)s: a meeting with %(counterpart)s at %(start)s, table %(table)s"),
    True: N_("%(title)s: the meeting with %(counterpart)s moved to %(start)s, table %(table)s"),
}
_WITHDRAWN_WITH = {
    "cancelled": N_("%(party)s cancelled its registration: the meeting request between "
                    "%(requester)s and %(recipient)s is withdrawn"),
    "declined": N_("The registration of %(party)s was declined: the meeting request between "
                   "%(requester)s and %(recipient)s is withdrawn"),
}
_REGISTRATION_DECISIONS = {
    "approved": N_("%(title)s: the registration of %(party)s is approved"),
    "waitlisted": N_("%(title)s: the event is full; the registration of %(party)s is on the "
                     "waiting list"),
    "declined": N_("%(title)s: the registration of %(party)s was declined"),
}
_MEETING_ANSWERS = {
    "accepted": N_("%(recipient)s accepted the meeting with %(requester)s"),
    "declined": N_("%(recipient)s declined the meeting with %(requester)s"),
}
_ANSWERS = {
    "answered": N_("%(enterprise)s answered your request %(request_id)s"),
    "quoted": N_("%(enterprise)s quoted %(price)s %(currency)s on your request "
                 "%(request_id)s"),
    "declined": N_("%(enterprise)s declined your request %(request_id)s"),
}
_CHANGES = {
    "edited": N_("The buyer edited its request %(request_id)s to %(enterprise)s: “%(text)s”"),
    "closed": N_("The buyer closed its request %(request_id)s to %(enterprise)s: no more "
                 "quotes"),
    "withdrawn": N_("The buyer withdrew its request %(request_id)s to %(enterprise)s"),
    "awarded": N_("The request %(request_id)s that %(enterprise)s quoted on went to another "
                  "factory"),
}
_ACCEPTED = N_("The buyer accepted the quote of %(enterprise)s on request %(request_id)s: "
               "%(price)s %(currency)s")
# A message in an enquiry's thread, by the side that wrote it (never naming the buyer, who
# may be anonymous to the factory).
_MESSAGES = {
    "buyer": N_("The buyer wrote to %(enterprise)s about enquiry %(enquiry_id)s: “%(text)s”"),
    "enterprise": N_("%(enterprise)s wrote about enquiry %(enquiry_id)s: “%(text)s”"),
}
_MESSAGE_FILES = N_("%(enterprise)s: new files in the thread of enquiry %(enquiry_id)s")
_LISTING_CERTIFICATE = N_("The certification %(code)s of listing %(sku)s (%(enterprise)s) "
                          "expires on %(valid_until)s")
_UNKNOWN = N_("Something happened on Tradebase")
# The choices of the account page: which kinds are mailed.
KIND_LABELS: dict[str, str] = {
    Kind.ENQUIRY_RECEIVED: N_("Enquiries sent to my enterprise"),
    Kind.ENQUIRY_ANSWERED: N_("Answers and quotes to my requests"),
    Kind.INTENTION_PROPOSED: N_("Cooperation intentions waiting for me"),
    Kind.ORDER_STATUS: N_("Order status changes"),
    Kind.REQUEST_MATCHED: N_("Open requests that fit my catalog"),
    Kind.ENQUIRY_UNANSWERED: N_("Reminders of enquiries still unanswered"),
    Kind.CERTIFICATE_EXPIRING: N_("Certifications about to expire"),
    Kind.REQUEST_CHANGED: N_("Requests to my enterprise edited, closed or withdrawn"),
    Kind.QUOTE_ACCEPTED: N_("Quotes of my enterprise accepted"),
    Kind.MESSAGE_RECEIVED: N_("Messages in the threads of my enquiries"),
    Kind.MEETING_REQUESTED: N_("Meeting requests to me at events"),
    Kind.MEETING_ANSWERED: N_("Answers to my meeting requests"),
    Kind.MEETING_WITHDRAWN: N_("Meeting requests to me withdrawn"),
    Kind.MEETING_UNANSWERED: N_("Reminders of meeting requests still unanswered"),
    Kind.EVENT_TOMORROW: N_("Reminders the day before an event"),
    Kind.MEETING_SCHEDULED: N_("My meetings scheduled or moved at events"),
    Kind.MEETING_CANCELLED: N_("My scheduled meetings cancelled"),
    Kind.REGISTRATION_DECIDED: N_("Decisions on my event registrations"),
}
_MAIL_SUBJECT = N_("Tradebase: %(what)s")
_MAIL_FOOTER = N_("Open it on Tradebase: %(url)s\nChoose which mails you get on your account "
                  "page: %(account)s")
_DONE = {"read": N_("Every notification is marked read.")}


# Parameters stored in several languages (``<name>_zh``, ``<name>_en``): said in the reader's;
# an older row that has only ``<name>`` keeps it.
_IN_LANGUAGES = ("enterprise", "title", "requester", "recipient", "counterpart", "party")


def _figure(value: Any, lang: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return format_number(value, lang, compact=False)


def describe(kind: str, params: Mapping[str, Any], lang: str, gettext: Gettext) -> str:
    """The sentence of a notification in ``lang``."""
    values = {name: _figure(value, lang) for name, value in params.items()}
    for name in _IN_LANGUAGES:  # "enterprise" from enterprise_zh, enterprise_en, …
        found = [params.get(f"{name}_{code}") or "" for code in fallback_order(lang)]
        first = next((text for text in found if text), "")
        if first or name in ("enterprise", "title"):
            values[name] = str(first)
    if kind == Kind.ENQUIRY_ANSWERED:
        status = params.get("status")
        which = "declined" if status == "declined" else (
            "quoted" if params.get("price") is not None else "answered")
        template = _ANSWERS[which]
    elif kind == Kind.MESSAGE_RECEIVED:
        template = (_MESSAGES.get(str(params.get("side")), _UNKNOWN) if params.get("text")
                    else _MESSAGE_FILES)
    elif kind == Kind.CERTIFICATE_EXPIRING and params.get("sku"):
        template = _LISTING_CERTIFICATE
    elif kind == Kind.REQUEST_CHANGED:
        template = _CHANGES.get(str(params.get("change")), _UNKNOWN)
    elif kind == Kind.QUOTE_ACCEPTED:
        template = _ACCEPTED
    elif kind == Kind.MEETING_SCHEDULED:
        template = _SCHEDULED[bool(params.get("moved"))]
    elif kind == Kind.MEETING_ANSWERED:
        template = _MEETING_ANSWERS.get(str(params.get("status")), _UNKNOWN)
    elif kind == Kind.MEETING_WITHDRAWN and params.get("cause"):
        template = _WITHDRAWN_WITH.get(str(params.get("cause")), _UNKNOWN)
    elif kind == Kind.REGISTRATION_DECIDED:
        template = _REGISTRATION_DECISIONS.get(str(params.get("status")), _UNKNOWN)
    else:
        template = SENTENCES.get(kind, _UNKNOWN)
    if kind == Kind.ORDER_STATUS:
        label = ORDER_STATUSES.get(str(params.get("status")))
        values["status"] = gettext(label) if label else values.get("status", "")
    try:
        return gettext(template) % values
    except (KeyError, TypeError, ValueError):  # a parameter missing from an old row
        return gettext(_UNKNOWN)


def mail_renderer(settings: Settings) -> Render:
    """Mail in the recipient's own language (a buyer's may be de, es, fr or sv); to a user who
    chose none, in the platform's default language and then in the other of zh and en, so that
    whoever opens it can read it."""
    first = settings.default_language if settings.default_language in STAFF_LANGUAGES else "zh"
    both = [first, *(code for code in STAFF_LANGUAGES if code != first)]

    def languages(recipient: Recipient) -> list[str]:
        if not recipient.language:
            return both
        return [user_language(recipient.role, recipient.language, first)]

    def render_mail(message: Message, recipient: Recipient) -> tuple[str, str]:
        parts: list[str] = []
        subject = ""
        for lang in languages(recipient):
            gettext = get_translations(lang).gettext
            sentence = describe(message.kind, message.params, lang, gettext)
            if not subject:
                subject = gettext(_MAIL_SUBJECT) % {"what": sentence}
            parts.append(sentence + "\n\n" + gettext(_MAIL_FOOTER) % {
                "url": settings.base_url.rstrip("/") + (message.link or "/inbox"),
                "account": settings.base_url.rstrip("/") + "/account#notifications"})
        return subject[:200], "\n\n---\n\n".join(parts) + "\n"

    return render_mail


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, db: DbSession, actor: CurrentActor) -> HTMLResponse:
    """Your notifications, newest first, unread ones marked."""
    rows = notifications.inbox(session=db)
    lang = request_language(request)
    gettext = gettext_for(request)
    done = _DONE.get(request.query_params.get("done", ""))
    items = [{"row": row, "text": describe(row.kind, row.params or {}, lang, gettext)}
             for row in rows]
    return render(request, "inbox.html", {
        "items": items, "done": gettext(done) if done else "",
        "unread": sum(1 for row in rows if row.read_at is None),
    })


@router.post("/inbox/{notification_id:int}/read")
def open_notification(notification_id: IdPath, db: DbSession, actor: CurrentActor,
                      posted: Posted) -> Response:
    """Mark one notification read and go to what it is about."""
    note = notifications.mark_read(session=db, notification_id=notification_id)
    target = note.link if note.link.startswith("/") and not note.link.startswith("//") else "/"
    return RedirectResponse(target or "/inbox", status_code=303)


@router.post("/inbox/read-all")
def read_all(db: DbSession, actor: CurrentActor, posted: Posted) -> Response:
    """Mark every notification read."""
    notifications.mark_all_read(session=db)
    return RedirectResponse("/inbox?done=read", status_code=303)


@router.post("/account/notifications")
def choose_mails(db: DbSession, actor: CurrentActor, posted: Posted) -> Response:
    """Which kinds of notification you also get by mail (the inbox gets every kind)."""
    notifications.set_mail_preferences(
        session=db, mailed=[str(value) for value in posted.getlist("mail")])
    return RedirectResponse("/account?done=notifications#notifications", status_code=303)


def mail_choices(*, db: Session, user_id: int, gettext: Gettext) -> list[dict[str, Any]]:
    """The account page's checkboxes: each kind, its label, whether it is mailed."""
    chosen = notifications.mail_preferences(session=db, user_id=user_id)
    return [{"kind": kind.value, "label": gettext(KIND_LABELS[kind]), "mailed": mailed}
            for kind, mailed in chosen.items()]
