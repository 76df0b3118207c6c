"""A request's file on its page (issue 10): a wrong file — none, empty, of a type not accepted,
not what its name says, too large, one too many — comes back as the request page with the
message beside the file input in the page's language (a buyer's six), and nothing is stored;
a good file is attached; someone who may not change the request gets the error page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import build_catalog, post_request, token_for
from tradebase.accounts.roles import Role
from tradebase.docking.models import RequestAttachment
from tradebase.web.i18n import get_translations
from tradebase.web.pages.messages import MESSAGES

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LANGS = ["zh", "en", "de", "es", "fr", "sv"]
Upload = dict[str, tuple[str, bytes, str]]


def _error_beside_the_file(html: str) -> str:
    found = re.search(r'<p class="error" id="error-file">([^<]*)</p>', html)
    assert found, html[:3000]
    assert 'href="#field-file"' in html  # the summary at the top links the input
    assert 'id="field-file"' in html
    assert 'aria-invalid="true"' in html
    return found.group(1)


def _said(lang: str, code: str, **params: object) -> str:
    return str(escape(get_translations(lang).gettext(MESSAGES[code]) % params))


@pytest.fixture
def posted(session: Session) -> tuple[int, dict[str, str], dict[str, str]]:
    """A buyer's open request; the headers of its buyer and of a factory."""
    catalog = build_catalog(session)
    buyer = auth(token_for(session, "files-buyer@example.com", Role.BUYER,
                           organisation="Velo Import GmbH"))
    factory = auth(token_for(session, "files-a@example.com", Role.ENTERPRISE,
                             enterprise_ids=[catalog.works["A"]]))
    made = post_request(session, catalog)
    session.flush()
    return made.id, buyer, factory


def _count(session: Session, request_id: int) -> int:
    return session.scalar(select(func.count()).select_from(RequestAttachment).where(
        RequestAttachment.request_id == request_id)) or 0


WRONG: dict[str, tuple[Upload, int, str, dict[str, object]]] = {
    "none": ({}, 422, "rfq.attachment_missing", {}),
    "empty": ({"file": ("spec.pdf", b"", "application/pdf")}, 422, "rfq.attachment_empty", {}),
    "type": ({"file": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")}, 415,
             "rfq.attachment_type", {}),
    "content": ({"file": ("spec.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")}, 415,
                "rfq.attachment_content", {"name": "spec.pdf"}),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", list(WRONG))
def test_a_wrong_file_is_said_beside_the_input_and_nothing_is_stored(
    kind: str, lang: str, client: TestClient, session: Session,
    posted: tuple[int, dict[str, str], dict[str, str]], speak: Callable[[str], TestClient],
) -> None:
    request_id, buyer, _ = posted
    files, status, code, params = WRONG[kind]
    if not files:  # no file part at all: a form with its token only
        files = {"other": ("", b"", "application/octet-stream")}
    answer = speak(lang).post(f"/docking/requests/{request_id}/attachments", headers=buyer,
                              files=files, follow_redirects=False)
    assert answer.status_code == status, answer.text[:2000]
    assert _error_beside_the_file(answer.text) == _said(lang, code, **params)
    assert 'id="request-summary"' in answer.text  # the request page itself, not an error page
    assert _count(session, request_id) == 0


@pytest.mark.parametrize("lang", ["zh", "de"])
def test_a_file_past_the_limit_and_one_too_many(
    lang: str, client: TestClient, session: Session,
    posted: tuple[int, dict[str, str], dict[str, str]], speak: Callable[[str], TestClient],
) -> None:
    request_id, buyer, _ = posted
    url = f"/docking/requests/{request_id}/attachments"
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"attachment_max_bytes": 100, "attachments_per_request": 1})
    big = speak(lang).post(url, headers=buyer,
                           files={"file": ("big.csv", b"a,b\n" * 40, "text/csv")})
    assert big.status_code == 413
    assert _error_beside_the_file(big.text) == {"zh": "文件超过 0.1 kB 的上限。",
                                                "de": "Die Datei ist größer als die Grenze "
                                                      "von 0,1 kB."}[lang]
    assert _count(session, request_id) == 0
    first = client.post(url, headers=buyer, files={"file": ("spec.pdf", PDF, "application/pdf")},
                        follow_redirects=False)
    assert first.status_code == 303
    second = speak(lang).post(url, headers=buyer,
                              files={"file": ("more.pdf", PDF, "application/pdf")})
    assert second.status_code == 422
    assert _error_beside_the_file(second.text) == _said(lang, "rfq.attachment_count", limit=1)
    assert _count(session, request_id) == 1


def test_a_good_file_is_attached_and_listed(
    client: TestClient, session: Session, posted: tuple[int, dict[str, str], dict[str, str]],
) -> None:
    request_id, buyer, factory = posted
    url = f"/docking/requests/{request_id}/attachments"
    added = client.post(url, headers=buyer, files={"file": ("spec.pdf", PDF, "application/pdf")},
                        follow_redirects=False)
    assert added.status_code == 303
    assert added.headers["location"] == f"/docking/requests/{request_id}#attachments"
    assert _count(session, request_id) == 1
    page = client.get(f"/docking/requests/{request_id}", headers=buyer).text
    assert "spec.pdf" in page
    assert 'id="error-file"' not in page
    # A factory may not add a file to another's request: the error page, no form shown.
    refused = client.post(url, headers=factory,
                          files={"file": ("x.pdf", PDF, "application/pdf")})
    assert refused.status_code in (403, 404)
    assert 'id="attachment-form"' not in refused.text
    assert _count(session, request_id) == 1
