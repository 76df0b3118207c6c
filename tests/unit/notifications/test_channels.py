"""The channels of a notification with a recording mail backend, and the words of each kind
in English and Chinese (no database: a session on an empty in-memory SQLite)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tradebase.accounts.mail import MemoryMailSender
from tradebase.models import load_all_models
from tradebase.notifications.channels import (
    INBOX,
    InboxChannel,
    MailChannel,
    Message,
    Recipient,
    channels_of,
    use_channels,
)
from tradebase.notifications.kinds import Kind
from tradebase.notifications.models import Notification
from tradebase.settings import Settings
from tradebase.web.i18n import get_translations
from tradebase.web.pages.inbox import describe, mail_renderer

MESSAGE = Message(kind=Kind.ENQUIRY_RECEIVED.value,
                  params={"enterprise_zh": "安溪藤编", "enterprise_en": "Anxi Rattan",
                          "text": "rattan chairs", "enquiry_id": 7},
                  link="/docking/enquiries/7")
WHO = Recipient(user_id=1, email="works@example.com")


@pytest.fixture
def session() -> Iterator[Session]:
    load_all_models()  # installs the after-commit delivery
    engine = create_engine("sqlite://")
    with Session(engine) as db:
        yield db
    engine.dispose()


def _render(message: Message, recipient: Recipient) -> tuple[str, str]:
    return f"subject {message.kind}", f"body {message.link}"


def test_mail_is_handed_to_the_backend_only_after_the_commit(session: Session) -> None:
    backend = MemoryMailSender()
    MailChannel(backend, _render).deliver(session=session, recipient=WHO, message=MESSAGE)
    assert backend.outbox == []
    session.commit()
    assert backend.outbox == [{"to": "works@example.com", "subject": "subject enquiry_received",
                               "body": "body /docking/enquiries/7"}]
    session.commit()  # delivered once, not at every later commit
    assert len(backend.outbox) == 1


def test_a_rolled_back_transaction_mails_nobody(session: Session) -> None:
    backend = MemoryMailSender()
    MailChannel(backend, _render).deliver(session=session, recipient=WHO, message=MESSAGE)
    session.rollback()
    session.commit()
    assert backend.outbox == []


def test_a_failing_backend_does_not_stop_the_other_deliveries(session: Session) -> None:
    class Broken:
        def send(self, *, to: str, subject: str, body: str) -> None:
            raise OSError("smtp down")

    backend = MemoryMailSender()
    MailChannel(Broken(), _render).deliver(session=session, recipient=WHO, message=MESSAGE)
    MailChannel(backend, _render).deliver(session=session, recipient=WHO, message=MESSAGE)
    session.commit()
    assert len(backend.outbox) == 1


def test_the_inbox_adds_a_row_with_the_kind_and_params_not_a_sentence(session: Session) -> None:
    InboxChannel().deliver(session=session, recipient=WHO, message=MESSAGE)
    rows = [obj for obj in session.new if isinstance(obj, Notification)]
    assert len(rows) == 1
    assert (rows[0].user_id, rows[0].kind, rows[0].link) == (1, "enquiry_received",
                                                            "/docking/enquiries/7")
    assert rows[0].params["enterprise_en"] == "Anxi Rattan"


def test_the_inbox_is_always_first_and_never_twice(session: Session) -> None:
    assert [c.name for c in channels_of(session)] == [INBOX]
    use_channels(session, [InboxChannel(), MailChannel(MemoryMailSender(), _render)])
    assert [c.name for c in channels_of(session)] == [INBOX, "mail"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Anxi Rattan received an enquiry: “rattan chairs”"),
    ("zh", "安溪藤编 收到一条询盘：“rattan chairs”"),
])
def test_a_notification_is_worded_in_the_readers_language(lang: str, expected: str) -> None:
    gettext = get_translations(lang).gettext
    assert describe(MESSAGE.kind, MESSAGE.params, lang, gettext) == expected


def test_order_status_and_quotes_are_worded_too() -> None:
    zh = get_translations("zh").gettext
    order = {"order_id": 3, "status": "in_production", "enterprise_en": "Anxi Rattan"}
    assert describe("order_status", order, "zh", zh).endswith("生产中")
    quote = {"request_id": 2, "status": "answered", "price": 27.5, "currency": "EUR",
             "enterprise_en": "Anxi Rattan"}
    assert describe("enquiry_answered", quote, "en", str) == (
        "Anxi Rattan quoted 27.5 EUR on your request 2")


def test_an_old_row_missing_a_parameter_still_reads() -> None:
    assert describe("order_status", {}, "en", str) == "Something happened on Tradebase"
    assert describe("no_such_kind", {}, "en", str) == "Something happened on Tradebase"


def test_a_mail_carries_both_languages_and_the_link() -> None:
    settings = Settings(default_language="zh", base_url="https://tradebase.example")
    subject, body = mail_renderer(settings)(MESSAGE, WHO)
    assert subject == "Tradebase：安溪藤编 收到一条询盘：“rattan chairs”"
    assert "Anxi Rattan received an enquiry" in body
    assert "https://tradebase.example/docking/enquiries/7" in body
