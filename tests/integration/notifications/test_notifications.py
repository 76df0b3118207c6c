"""Notifications end to end: ``notify`` writes inbox rows and mails only those who want the
kind, the docking steps tell the other side, and the inbox and account pages in en and zh."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase.accounts import service as accounts
from tradebase.accounts.guard import set_actor
from tradebase.accounts.mail import MemoryMailSender
from tradebase.accounts.models import User
from tradebase.accounts.policy import SYSTEM, Actor
from tradebase.accounts.roles import Role
from tradebase.errors import NotFound
from tradebase.notifications import service as notifications
from tradebase.notifications.channels import MailChannel, Message, Recipient, use_channels
from tradebase.notifications.kinds import Kind
from tradebase.notifications.models import Notification
from tradebase.registry.models import Enterprise, Product

PARAMS = {"enterprise_zh": "安溪藤编", "enterprise_en": "Anxi Rattan", "text": "rattan chairs",
          "enquiry_id": 1, "request_id": 1}


def _render(message: Message, recipient: Recipient) -> tuple[str, str]:
    return message.kind, message.link


def _user(session: Session, email: str, **extra: Any) -> User:
    return accounts.create_user(session=session, email=email, password="long enough pass 1",
                                role=Role.BUYER, organisation="Notify Test AB", **extra)


def _as(session: Session, user: User) -> None:
    set_actor(session, Actor(label=user.email, role=Role(user.role), user_id=user.id))


def _inbox(session: Session, user_id: int) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.id)))


def test_notify_fills_the_inbox_and_mails_only_who_wants_it(session: Session) -> None:
    keen, quiet, gone = (_user(session, f"{name}@notify.example") for name in
                         ("keen", "quiet", "gone"))
    gone.is_active = False
    _as(session, quiet)
    notifications.set_mail_preferences(session=session, mailed=[])  # no mail of any kind
    set_actor(session, SYSTEM)
    backend = MemoryMailSender()
    use_channels(session, [MailChannel(backend, _render)])

    told = notifications.notify(session=session, user_ids=[keen.id, quiet.id, gone.id, None],
                                kind=Kind.ENQUIRY_RECEIVED, params=PARAMS, link="/docking")
    assert told == 2
    assert [n.kind for n in _inbox(session, keen.id)] == ["enquiry_received"]
    assert len(_inbox(session, quiet.id)) == 1
    assert _inbox(session, gone.id) == []
    assert _inbox(session, keen.id)[0].params == PARAMS  # data, not a sentence
    assert backend.outbox == []  # nothing leaves before the commit
    session.commit()
    assert [mail["to"] for mail in backend.outbox] == ["keen@notify.example"]


def test_a_kind_off_by_default_is_mailed_once_chosen(session: Session) -> None:
    user = _user(session, "chooser@notify.example")
    backend = MemoryMailSender()
    use_channels(session, [MailChannel(backend, _render)])
    notifications.notify(session=session, user_ids=[user.id], kind=Kind.REQUEST_MATCHED,
                         params=PARAMS)
    _as(session, user)
    chosen = notifications.set_mail_preferences(session=session,
                                                mailed=[Kind.REQUEST_MATCHED.value])
    assert chosen[Kind.REQUEST_MATCHED]
    assert not chosen[Kind.ENQUIRY_RECEIVED]
    notifications.notify(session=session, user_ids=[user.id], kind=Kind.REQUEST_MATCHED,
                         params=PARAMS)
    session.commit()
    assert len(backend.outbox) == 1
    assert len(_inbox(session, user.id)) == 2


def test_marking_read_is_ones_own_business(session: Session) -> None:
    owner, other = _user(session, "owner@notify.example"), _user(session, "other@notify.example")
    notifications.notify(session=session, user_ids=[owner.id], kind=Kind.ORDER_STATUS,
                         params={"order_id": 1, "status": "shipped"})
    note = _inbox(session, owner.id)[0]
    _as(session, other)
    with pytest.raises(NotFound):
        notifications.mark_read(session=session, notification_id=note.id)
    _as(session, owner)
    assert notifications.unread_count(session=session, user_id=owner.id) == 1
    assert notifications.mark_read(session=session, notification_id=note.id).read_at
    assert notifications.unread_count(session=session, user_id=owner.id) == 0


def _sku(session: Session) -> str:
    _anxi, first = anxi_and_member_enterprise(session)
    sku = session.scalars(select(Product.sku).where(Product.enterprise_id == first.id)
                          .order_by(Product.id)).first()
    assert sku is not None
    return sku


def _kinds(session: Session, email: str) -> list[str]:
    user = session.scalars(select(User).where(User.email == email)).one()
    session.expire_all()
    return [n.kind for n in _inbox(session, user.id)]


def test_each_docking_step_tells_the_other_side_once(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    buyer, works = auth(tokens["buyer"]), auth(tokens["enterprise"])
    outbox = client.app.state.mailer.outbox  # type: ignore[attr-defined]
    posted = client.post("/api/v1/docking/requests", headers=buyer,
                         json={"text": "rattan dining chairs", "quantity": 500})
    assert posted.status_code == 201, posted.text
    rid = posted.json()["id"]
    sent = client.post(f"/api/v1/docking/requests/{rid}/enquiries", headers=buyer,
                       json={"sku": _sku(session), "send": True})
    assert sent.status_code == 201, sent.text
    eid = sent.json()["id"]
    assert client.post(f"/api/v1/docking/enquiries/{eid}/send", headers=buyer).status_code == 200
    assert _kinds(session, "enterprise@example.com") == ["enquiry_received"]  # sent once
    assert [m["to"] for m in outbox] == ["enterprise@example.com"]
    assert f"/docking/enquiries/{eid}" in outbox[0]["body"]

    quote = {"price": 27.5, "currency": "EUR", "lead_time_days": 45}
    assert client.post(f"/api/v1/docking/enquiries/{eid}/answer", headers=works,
                       json=quote).status_code == 200
    assert _kinds(session, "buyer@example.com") == ["enquiry_answered"]
    proposed = client.post(f"/api/v1/docking/enquiries/{eid}/intentions", headers=buyer,
                           json={"quantity": 500, "value": 10000, "currency": "EUR"})
    assert proposed.status_code == 201
    assert _kinds(session, "enterprise@example.com")[-1] == "intention_proposed"
    accepted = client.post(f"/api/v1/docking/intentions/{proposed.json()['id']}/accept",
                           headers=works)
    order_id = accepted.json()["order"]["id"]
    assert client.patch(f"/api/v1/docking/orders/{order_id}", headers=works,
                        json={"status": "in_production"}).status_code == 200
    assert _kinds(session, "buyer@example.com") == ["enquiry_answered", "order_status"]
    assert "order_status" not in _kinds(session, "enterprise@example.com")  # it moved it
    assert len(outbox) == 4


def test_the_inbox_page_in_english_and_chinese(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    works = auth(tokens["enterprise"])
    member = session.scalars(select(User).where(User.email == "enterprise@example.com")).one()
    notifications.notify(session=session, user_ids=[member.id], kind=Kind.ENQUIRY_RECEIVED,
                         params=PARAMS, link="/docking/enquiries/1")
    session.flush()
    note = _inbox(session, member.id)[-1]

    client.cookies.set("lang", "en")
    english = client.get("/inbox", headers=works)
    assert english.status_code == 200
    assert "Anxi Rattan received an enquiry: “rattan chairs”" in english.text
    assert 'id="unread-count"' in english.text
    client.cookies.set("lang", "zh")
    chinese = client.get("/inbox", headers=works)
    assert "安溪藤编 收到一条询盘：“rattan chairs”" in chinese.text
    assert "收件箱" in chinese.text
    assert "1 条未读" in chinese.text

    opened = client.post(f"/inbox/{note.id}/read", headers=works, follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == "/docking/enquiries/1"
    assert 'id="unread-count"' not in client.get("/inbox", headers=works).text
    assert client.post("/inbox/read-all", headers=works,
                       follow_redirects=False).status_code == 303
    others = client.post(f"/inbox/{note.id}/read", headers=auth(tokens["buyer"]),
                         follow_redirects=False)
    assert others.status_code == 404


def test_the_account_page_chooses_the_mails(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    works = auth(tokens["enterprise"])
    page = client.get("/account", headers=works)
    assert 'value="enquiry_received" checked' in page.text
    saved = client.post("/account/notifications", headers=works,
                        data={"mail": ["order_status"]}, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get("/account", headers=works)
    assert 'value="enquiry_received" checked' not in page.text
    assert 'value="order_status" checked' in page.text
    client.cookies.set("lang", "zh")
    assert "订单状态变化" in client.get("/account", headers=works).text


def test_the_enterprise_page_shows_how_it_answers(
    client: TestClient, session: Session
) -> None:
    _anxi, member = anxi_and_member_enterprise(session)
    nobody = session.scalars(select(Enterprise).where(Enterprise.id != member.id)
                             .order_by(Enterprise.id)).first()
    assert nobody is not None
    client.cookies.set("lang", "en")
    page = client.get(f"/enterprises/{member.id}")
    assert 'id="responsiveness"' in page.text
    assert 'id="no-active-user"' not in page.text
    client.cookies.set("lang", "zh")
    lonely = client.get(f"/enterprises/{nobody.id}")
    assert 'id="no-active-user"' in lonely.text
    assert "本企业无人会在 Tradebase 上答复" in lonely.text
