"""An enquiry's thread (issue 9): buyer and factory write to each other with checked files,
read receipts, the other side notified once; a competitor never reads it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import REQUEST_TEXT, build_catalog, token_for
from tradebase.accounts.models import User
from tradebase.accounts.roles import Role
from tradebase.docking.models import EnquiryMessage, MessageRead, Suspension
from tradebase.notifications.models import Notification
from tradebase.storage import MemoryStorage

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def world(client: TestClient, session: Session) -> dict[str, Any]:
    catalog = build_catalog(session)
    client.app.state.storage = MemoryStorage()  # type: ignore[attr-defined]
    people = {
        "buyer": ("thread-buyer@example.com", Role.BUYER, {"organisation": "Velo Import GmbH"}),
        "A": ("thread-a1@example.com", Role.ENTERPRISE, {"enterprise_ids": [catalog.works["A"]]}),
        "A2": ("thread-a2@example.com", Role.ENTERPRISE,
               {"enterprise_ids": [catalog.works["A"]]}),
        "B": ("thread-b@example.com", Role.ENTERPRISE, {"enterprise_ids": [catalog.works["B"]]}),
        "bureau": ("thread-bureau@example.com", Role.BASE_ADMIN,
                   {"base_ids": [catalog.base_id]}),
    }
    world: dict[str, Any] = {"catalog": catalog, "ids": {}}
    for name, (email, role, extra) in people.items():
        world[name] = auth(token_for(session, email, role, **extra))
        world["ids"][name] = session.scalars(select(User.id).where(User.email == email)).one()
    made = client.post("/api/v1/docking/requests", headers=world["buyer"], json={
        "text": REQUEST_TEXT, "quantity": 200, "certifications": ["EN14781"],
        "max_lead_time_days": 60, "destination": "DE"})
    assert made.status_code == 201, made.text
    world["request_id"] = made.json()["id"]
    sent = client.post(f"/api/v1/docking/requests/{world['request_id']}/enquiries",
                       headers=world["buyer"], json={"sku": "RFQ-A-1", "send": True})
    assert sent.status_code == 201, sent.text
    world["enquiry_id"] = sent.json()["id"]
    world["url"] = f"/api/v1/docking/enquiries/{world['enquiry_id']}/messages"
    return world


def _messages(session: Session, enquiry_id: int) -> int:
    return session.scalar(select(func.count()).select_from(EnquiryMessage)
                          .where(EnquiryMessage.enquiry_id == enquiry_id)) or 0


def _told(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.kind == "message_received")) or 0


def test_buyer_and_factory_exchange_messages_with_read_receipts(
    client: TestClient, world: dict[str, Any]
) -> None:
    url = world["url"]
    first = client.post(url, headers=world["buyer"], json={"text": "  Can you send a sample?\r\n"})
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["side"], body["text"], body["mine"], body["read"]) == (
        "buyer", "Can you send a sample?", True, False)
    assert body["author"] == "thread-buyer@example.com"  # its own side sees who wrote it
    # the factory opens the thread: it reads the side, not the buyer's account
    seen = client.get(url, headers=world["A"])
    assert seen.status_code == 200
    assert [(m["side"], m["author"], m["mine"]) for m in seen.json()] == [
        ("buyer", None, False)]
    assert "thread-buyer@example.com" not in seen.text
    # ... and the buyer sees "read" with its time
    mine = client.get(url, headers=world["buyer"]).json()
    assert mine[0]["read"] is True
    assert mine[0]["read_at"] is not None
    # the factory answers with a drawing (multipart)
    answer = client.post(url, headers=world["A"], data={"text": "Drawing attached."},
                         files={"file": ("drawing.pdf", PDF, "application/pdf")})
    assert answer.status_code == 201, answer.text
    assert answer.json()["side"] == "enterprise"
    [file] = answer.json()["attachments"]
    assert file["filename"] == "drawing.pdf"
    assert file["content_type"] == "application/pdf"
    # not read yet by the buyer: the factory's colleague sees the author, unread
    colleague = client.get(url, headers=world["A2"]).json()
    assert [m["text"] for m in colleague] == ["Can you send a sample?", "Drawing attached."]
    assert colleague[1]["author"] == "thread-a1@example.com"
    assert colleague[1]["read"] is False  # a colleague's opening is no read receipt
    download = client.get(file["url"], headers=world["buyer"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert client.get(url, headers=world["A"]).json()[1]["read"] is False  # a download is not
    client.get(url, headers=world["buyer"])  # the buyer opens the thread
    assert client.get(url, headers=world["A"]).json()[1]["read"] is True


def test_reading_twice_keeps_the_first_read_time(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    client.post(world["url"], headers=world["buyer"], json={"text": "hello"})
    client.get(world["url"], headers=world["A"])
    first = client.get(world["url"], headers=world["buyer"]).json()[0]["read_at"]
    client.get(world["url"], headers=world["A"])
    client.get(world["url"], headers=world["A2"])
    assert client.get(world["url"], headers=world["buyer"]).json()[0]["read_at"] == first
    rows = session.scalar(select(func.count()).select_from(MessageRead)) or 0
    assert rows == 2  # one per reader of the other side: A and A2; the buyer none


def test_each_message_notifies_the_other_side_once(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    ids = world["ids"]
    client.post(world["url"], headers=world["buyer"], json={"text": "first question"})
    assert (_told(session, ids["A"]), _told(session, ids["A2"]), _told(session, ids["buyer"]),
            _told(session, ids["B"]), _told(session, ids["bureau"])) == (1, 1, 0, 0, 0)
    client.post(world["url"], headers=world["A"], json={"text": "an answer"})
    assert (_told(session, ids["A"]), _told(session, ids["A2"]),
            _told(session, ids["buyer"])) == (1, 1, 1)
    note = session.scalars(select(Notification).where(
        Notification.user_id == ids["buyer"], Notification.kind == "message_received")).one()
    assert note.params["text"] == "an answer"
    assert note.link == f"/docking/enquiries/{world['enquiry_id']}#thread"
    inbox = client.get("/inbox", headers=world["buyer"])
    assert "an answer" in inbox.text


def test_files_are_checked_and_bad_messages_refused(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    url = world["url"]
    cases = [
        ({"files": {"file": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")}},
         415, "rfq.attachment_type"),
        ({"files": {"file": ("drawing.pdf", b"MZ not a pdf", "application/pdf")}},
         415, "rfq.attachment_content"),
        ({"json": {"text": "   "}}, 422, "thread.empty"),
        ({"json": {"text": "x" * 5001}}, 422, "thread.text_long"),
        ({"data": {"text": "nul \x00 inside"},
          "files": {"file": ("a.csv", b"a,b\n", "text/csv")}}, 422, "thread.text_nul"),
        ({"data": {"text": "six files"},
          "files": [("file", (f"f{i}.csv", b"a\n", "text/csv")) for i in range(6)]},
         422, "thread.too_many_files"),
    ]
    for kwargs, status, code in cases:
        refused = client.post(url, headers=world["buyer"], **kwargs)
        assert refused.status_code == status, (code, refused.text)
        assert refused.json()["error"]["code"] == code
    client.app.state.settings.attachment_max_bytes = 10  # type: ignore[attr-defined]
    big = client.post(url, headers=world["buyer"],
                      files={"file": ("big.csv", b"a,b\n" * 10, "text/csv")})
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "rfq.attachment_size"
    assert _messages(session, world["enquiry_id"]) == 0  # nothing half-written
    only_file = client.post(url, headers=world["buyer"],
                            files={"file": ("a.csv", b"a,b\n", "text/csv")})
    assert only_file.status_code == 201
    assert only_file.json()["text"] == ""


def test_competitors_and_strangers_never_read_the_thread(
    client: TestClient, world: dict[str, Any]
) -> None:
    url = world["url"]
    client.post(url, headers=world["buyer"], json={"text": "secret terms for A"})
    for who in ("B",):  # an enterprise the enquiry did not go to: it does not exist
        assert client.get(url, headers=world[who]).status_code == 404
        assert client.post(url, headers=world[who], json={"text": "x"}).status_code == 404
    page = client.get(f"/docking/enquiries/{world['enquiry_id']}", headers=world["B"])
    assert page.status_code == 404
    assert "secret terms for A" not in page.text
    assert client.get(url).status_code == 401
    # the base administrator oversees: reads, writes nothing, leaves no read receipt
    assert client.get(url, headers=world["bureau"]).status_code == 200
    refused = client.post(url, headers=world["bureau"], json={"text": "x"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "thread.may_not_post"
    assert client.get(url, headers=world["buyer"]).json()[0]["read"] is False


def test_a_closed_request_keeps_its_thread_but_a_suspended_buyer_is_refused(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    url, rid = world["url"], world["request_id"]
    assert client.post(f"/api/v1/docking/requests/{rid}/close",
                       headers=world["buyer"]).status_code == 200
    assert client.post(url, headers=world["A"], json={"text": "still here"}).status_code == 201
    session.add(Suspension(user_id=world["ids"]["buyer"], reason="spam"))
    session.flush()
    suspended = client.post(url, headers=world["buyer"], json={"text": "hi"})
    assert suspended.status_code == 403
    assert suspended.json()["error"]["code"] == "rfq.suspended"


def test_a_withdrawn_request_closes_the_thread(client: TestClient, world: dict[str, Any]) -> None:
    rid = world["request_id"]
    assert client.post(f"/api/v1/docking/requests/{rid}/withdraw",
                       headers=world["buyer"]).status_code == 200
    closed = client.post(world["url"], headers=world["A"], json={"text": "too late"})
    assert closed.status_code == 409
    assert closed.json()["error"]["code"] == "thread.withdrawn"
    assert client.get(world["url"], headers=world["A"]).status_code == 200  # still readable


def test_the_page_shows_the_thread_and_keeps_what_was_typed(
    client: TestClient, world: dict[str, Any]
) -> None:
    page_url = f"/docking/enquiries/{world['enquiry_id']}"
    client.post(world["url"], headers=world["buyer"], json={"text": "Sample first, please."})
    page = client.get(page_url, headers=world["A"])
    assert page.status_code == 200
    assert "Sample first, please." in page.text
    assert 'id="message-form"' in page.text
    too_long = "y" * 5001
    refused = client.post(f"{page_url}/messages", headers=world["A"],
                          data={"text": too_long})
    assert refused.status_code == 422
    assert too_long in refused.text
    assert 'id="error-text"' in refused.text
    bad_file = client.post(f"{page_url}/messages", headers=world["A"], data={"text": "see"},
                           files={"file": ("x.exe", b"MZ", "application/octet-stream")})
    assert bad_file.status_code == 415
    assert 'id="error-file"' in bad_file.text
    assert ">see</textarea>" in bad_file.text
    sent = client.post(f"{page_url}/messages", headers=world["A"], data={"text": "OK, sent."},
                       files={"file": ("photo.png", b"\x89PNG\r\n\x1a\n....", "image/png")},
                       follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"].endswith("#thread")
    buyer_page = client.get(page_url, headers=world["buyer"])
    assert "OK, sent." in buyer_page.text
    assert "photo.png" in buyer_page.text
    assert "read-receipt" in buyer_page.text  # its own message was read by the factory
    client.cookies.set("lang", "zh")
    zh = client.get(page_url, headers=world["buyer"])
    assert "留言" in zh.text


def test_the_form_posted_through_htmx_gets_the_thread_alone(
    client: TestClient, world: dict[str, Any]
) -> None:
    action = f"/docking/enquiries/{world['enquiry_id']}/messages"
    htmx = world["buyer"] | {"HX-Request": "true", "HX-Target": "thread"}
    refused = client.post(action, headers=htmx, data={"text": " "})
    assert refused.status_code == 422
    assert refused.text.lstrip().startswith(("{#", "<section", "\n"))  # no whole page
    assert "<html" not in refused.text
    assert 'id="error-text"' in refused.text
    sent = client.post(action, headers=htmx, data={"text": "via htmx"})
    assert sent.status_code == 200
    assert "<html" not in sent.text
    assert "via htmx" in sent.text
    assert 'id="error-text"' not in sent.text


def test_an_anonymous_buyer_stays_anonymous_in_the_thread(
    client: TestClient, session: Session, world: dict[str, Any]
) -> None:
    rid = world["request_id"]
    assert client.patch(f"/api/v1/docking/requests/{rid}", headers=world["buyer"],
                        json={"anonymous_until_accepted": True}).status_code == 200
    client.post(world["url"], headers=world["buyer"], json={"text": "who am I?"})
    for seen in (client.get(world["url"], headers=world["A"]).text,
                 client.get(f"/docking/enquiries/{world['enquiry_id']}", headers=world["A"]).text,
                 client.get("/inbox", headers=world["A"]).text):
        assert "who am I?" in seen
        assert "Velo Import GmbH" not in seen
        assert "thread-buyer@example.com" not in seen
