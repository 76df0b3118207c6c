"""Files past the request body limit on the two attachment forms (issue 9): the app never reads
them, so ``web/limits.py`` sends the browser back to the page it came from, and the page says
the refusal beside the form's file input in the reader's language, with the limit as a size
("32 kB", never bytes) — as the product photo form does. What the user typed is kept by the
browser: each file input names its limits and their messages for ``upload-limit.js``, which
refuses such a file before sending anything."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import REQUEST_TEXT, build_catalog, token_for
from tradebase.accounts.roles import Role
from tradebase.docking.models import EnquiryMessage, RequestAttachment
from tradebase.storage import MemoryStorage
from tradebase.web.limits import FORM_ALLOWANCE

EACH = 32 * 1024
BODY = 64 * 1024
HUGE = {"file": ("huge.pdf", b"%PDF-1.4\n" + bytes(BODY + FORM_ALLOWANCE + 1), "application/pdf")}


@pytest.fixture
def world(app_factory: Any, session: Session) -> Iterator[dict[str, Any]]:
    """A buyer's request with an enquiry sent to a factory, on an app whose request body
    limit is 64 kB and whose attachment limit is 32 kB."""
    catalog = build_catalog(session)
    buyer = auth(token_for(session, "limit-buyer@example.com", Role.BUYER,
                           organisation="Velo Import GmbH"))
    factory = auth(token_for(session, "limit-a@example.com", Role.ENTERPRISE,
                             enterprise_ids=[catalog.works["A"]]))
    app = app_factory(upload_max_bytes=BODY, attachment_max_bytes=EACH)
    with TestClient(app, base_url="https://testserver") as client:
        client.app.state.storage = MemoryStorage()  # type: ignore[attr-defined]
        made = client.post("/api/v1/docking/requests", headers=buyer, json={
            "text": REQUEST_TEXT, "quantity": 200, "destination": "DE"})
        assert made.status_code == 201, made.text
        request_id = made.json()["id"]
        sent = client.post(f"/api/v1/docking/requests/{request_id}/enquiries", headers=buyer,
                           json={"sku": "RFQ-A-1", "send": True})
        assert sent.status_code == 201, sent.text
        yield {"client": client, "buyer": buyer, "factory": factory,
               "request_id": request_id, "enquiry_id": sent.json()["id"]}


def _beside_the_file(html: str) -> str:
    found = re.search(r'<p class="error" id="error-file">([^<]*)</p>', html)
    assert found, html[:3000]
    assert 'aria-describedby="error-file"' in html
    assert 'href="#field-file"' in html  # the summary links the input
    assert 'id="upload-refused"' not in html  # said once, beside the field
    return found.group(1)


def _count(session: Session, model: Any, column: Any, value: int) -> int:
    return session.scalar(select(func.count()).select_from(model).where(column == value)) or 0


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", "文件超过 32 kB 的上限。"),
    ("en", "The file is larger than the limit of 32 kB."),
])
def test_a_request_file_past_the_body_limit_comes_back_beside_the_file_input(
    lang: str, said: str, world: dict[str, Any], session: Session,
) -> None:
    client, request_id = world["client"], world["request_id"]
    page = f"https://testserver/docking/requests/{request_id}"
    headers = world["buyer"] | {"Accept-Language": lang, "Referer": page}
    sent = client.post(f"/docking/requests/{request_id}/attachments", headers=headers,
                       files=HUGE, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/docking/requests/{request_id}?upload_refused=1"
    back = client.get(sent.headers["location"], headers=headers)
    assert back.status_code == 200
    assert _beside_the_file(back.text) == said
    assert f'action="/docking/requests/{request_id}/attachments#attachments"' in back.text
    assert _count(session, RequestAttachment, RequestAttachment.request_id, request_id) == 0
    # Without the mark the page says nothing, and the input names its limits for the browser.
    plain = client.get(f"/docking/requests/{request_id}", headers=headers).text
    assert 'id="error-file"' not in plain
    assert f'data-max-bytes="{EACH}"' in plain
    assert f'data-max-total="{BODY}"' in plain
    assert f'data-too-large="{said}"' in plain


@pytest.mark.parametrize(("lang", "said"), [
    ("zh", "文件太大，无法发送：每个文件不超过 32 kB，合计不超过 64 kB。没有发送任何内容；"
           "请选择更少或更小的文件。"),
    ("en", "The files are too large to send: at most 32 kB a file and 64 kB together. "
           "Nothing was sent; choose fewer or smaller files."),
])
def test_message_files_past_the_body_limit_come_back_beside_the_file_input(
    lang: str, said: str, world: dict[str, Any], session: Session,
) -> None:
    client, enquiry_id = world["client"], world["enquiry_id"]
    page = f"https://testserver/docking/enquiries/{enquiry_id}"
    headers = world["factory"] | {"Accept-Language": lang, "Referer": page}
    sent = client.post(f"/docking/enquiries/{enquiry_id}/messages", headers=headers,
                       data={"text": "Drawings attached"}, files=HUGE, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/docking/enquiries/{enquiry_id}?upload_refused=1"
    back = client.get(sent.headers["location"], headers=headers)
    assert back.status_code == 200
    assert _beside_the_file(back.text) == said
    # An htmx post that was sent back swaps the thread out of the whole page, not the page.
    assert 'hx-select="#thread"' in back.text
    assert f'action="/docking/enquiries/{enquiry_id}/messages#thread"' in back.text
    assert _count(session, EnquiryMessage, EnquiryMessage.enquiry_id, enquiry_id) == 0


def test_a_message_file_refused_inside_the_app_keeps_the_text_and_says_the_size(
    world: dict[str, Any], session: Session,
) -> None:
    """Past the attachment limit but within the body limit the app reads the form: the
    thread comes back with the text as typed and the limit as a size in German."""
    client, enquiry_id = world["client"], world["enquiry_id"]
    big = {"file": ("big.csv", b"a,b\n" * (EACH // 4 + 1), "text/csv")}
    refused = client.post(f"/docking/enquiries/{enquiry_id}/messages",
                          headers=world["buyer"] | {"Accept-Language": "de"},
                          data={"text": "Zeichnungen anbei"}, files=big)
    assert refused.status_code == 413
    assert ">Zeichnungen anbei</textarea>" in refused.text
    found = re.search(r'<p class="error" id="error-file">([^<]*)</p>', refused.text)
    assert found
    assert found.group(1) == "Die Datei ist größer als die Grenze von 32 kB."
    assert _count(session, EnquiryMessage, EnquiryMessage.enquiry_id, enquiry_id) == 0
