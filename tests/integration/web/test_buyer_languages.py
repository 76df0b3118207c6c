"""Buyers read their pages and mails in de, es, fr and sv too; factories and administrators in
zh and en. Every message a buyer's page or mail uses is translated in the buyers' catalogs."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts import service as accounts
from tradebase.accounts.models import User
from tradebase.errors import InvalidInput
from tradebase.notifications.channels import Message, Recipient
from tradebase.notifications.kinds import Kind
from tradebase.registry.models import Product
from tradebase.registry.numbers import format_figure, format_number
from tradebase.settings import Settings
from tradebase.web.i18n import CATALOG_DIR, get_translations
from tradebase.web.pages.inbox import mail_renderer

BUYER_LANGS = ["de", "es", "fr", "sv"]
PAGES = Path(__file__).resolve().parents[3] / "src/tradebase/web"
# The templates and page modules whose messages a buyer reads: its pages (requests, matches,
# quotes, enquiries and their threads, intentions and orders, products, sign-in, account,
# inbox, the events a buyer registers for and meets at), the top bar and error pages, the
# form flow's messages, terms and reasons, its mails, and signing up (the form, the privacy
# notice and consent, the mailed link and its pages).
BUYER_TEMPLATES = (
    "account.html", "docking.html", "docking_enquiry.html", "docking_quotes.html",
    "docking_request.html", "docking_request_edit.html", "enquire.html", "error.html",
    "home.html", "inbox.html", "layout.html", "login.html", "macros.html",
    "password_reset.html", "password_reset_confirm.html", "product.html", "workspace.html",
    "partials/request_terms.html", "partials/thread.html",
    "signup.html", "signup_sent.html", "signup_verify.html", "signup_confirm.html",
    "privacy.html",
    # events: the public event page and list, registration, my agenda (page, printable, its
    # rows), meeting requests, the outcomes form
    "event.html", "events.html", "event_register.html", "event_registration_edit.html",
    "event_agenda.html", "registration_agenda.html", "_agenda.html", "agenda_print.html",
    "print_layout.html", "event_meetings.html", "event_outcomes.html",
)
BUYER_MODULES = (
    "messages.py", "rfq_labels.py", "reasons.py", "inbox.py", "threads.py", "product_page.py",
    "accounts.py", "account_page.py", "routing.py", "signup.py", "account_mails.py",
    "events.py", "event_register.py", "event_registration.py", "event_meetings.py",
    "event_outcomes.py", "event_agenda.py",
)
_JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def buyer_messages() -> set[str]:
    found: set[str] = set()
    files = [("jinja2", PAGES / "templates" / name, _JINJA) for name in BUYER_TEMPLATES]
    files += [("python", PAGES / "pages" / name, {}) for name in BUYER_MODULES]
    for method, path, options in files:
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=DEFAULT_KEYWORDS, options=options
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _as(token: str, lang: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


@pytest.mark.parametrize("lang", BUYER_LANGS)
def test_every_message_of_a_buyer_page_is_translated(lang: str) -> None:
    wanted = buyer_messages()
    assert len(wanted) > 400
    with (CATALOG_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    translated = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and all(strings) and not message.fuzzy:
            translated.add(message.id if isinstance(message.id, str) else message.id[0])
    assert sorted(wanted - translated) == []
    assert [(m.id, errors) for m, errors in catalog.check()] == []


def _english_left(html: str, english: set[str]) -> list[str]:
    text = unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html,
                                                   flags=re.S)))
    text = re.sub(r"\s+", " ", text)
    return sorted(phrase for phrase in english if f" {phrase} " in f" {text} ")


@pytest.mark.parametrize("lang", BUYER_LANGS)
def test_a_buyers_pages_hold_no_english_message(
    client: TestClient, tokens: dict[str, str], session: Session, lang: str
) -> None:
    """Render what a buyer reads in ``lang`` and look for the English of its messages (those
    of two words or more without parameters, which no language writes the same)."""
    english = _english_messages()
    created = client.post("/api/v1/docking/requests", headers=_as(tokens["buyer"], lang),
                          json={"text": "oak chairs for a café", "quantity": 200})
    assert created.status_code in (200, 201), created.text
    request_id = created.json()["id"]
    product_id = session.scalar(select(Product.id).order_by(Product.id).limit(1))
    pages = ["/my", "/docking", f"/docking/requests/{request_id}",
             f"/docking/requests/{request_id}/edit", f"/docking/requests/{request_id}/quotes",
             "/account", "/inbox", f"/products/{product_id}", "/docking/requests/999999",
             "/events"]
    for page in pages:
        response = client.get(page, headers=_as(tokens["buyer"], lang))
        assert response.headers["content-language"] == lang, page
        assert _english_left(response.text, english) == [], page
    for page in ("/login", "/password-reset"):
        response = client.get(page, headers={"Accept-Language": lang})
        assert _english_left(response.text, english) == [], page


def _english_messages() -> set[str]:
    return {m for m in buyer_messages() if " " in m and "%(" not in m and len(m) > 8}


@pytest.mark.parametrize("lang", BUYER_LANGS)
def test_a_buyer_signs_up_in_its_language(client: TestClient, lang: str) -> None:
    """Every step a buyer goes through to sign up, and the mail with its link, in ``lang``."""
    from tests.conftest import csrf_token_of

    english = _english_messages()
    gettext = get_translations(lang).gettext
    client.headers["Accept-Language"] = lang
    for page in ("/signup", "/privacy", "/signup/verify/not-a-token"):
        response = client.get(page)
        assert response.headers["content-language"] == lang, page
        assert _english_left(response.text, english) == [], page
    form = {"role": "buyer", "email": f"neu-{lang}@example.com", "password": "a",
            "password_again": "b", "organisation": "Velo Import GmbH"}
    wrong = client.post("/signup", data={**form, "csrf_token": csrf_token_of(client, "/signup")})
    assert wrong.status_code == 422
    assert _english_left(wrong.text, english) == []
    assert gettext("Agree to the privacy notice to sign up.") in wrong.text
    password = "a-long-new-password-1"
    sent = client.post("/signup", data={**form, "password": password, "password_again": password,
                                        "consent": "on",
                                        "csrf_token": csrf_token_of(client, "/signup")})
    assert sent.status_code == 200, sent.text[:500]
    assert _english_left(sent.text, english) == []
    mail = client.app.state.mailer.outbox[-1]  # type: ignore[attr-defined]
    assert mail["subject"] == gettext("Tradebase: confirm your e-mail address")
    assert "Welcome" not in mail["body"]
    link = re.search(r"https?://\S+(/signup/verify/\S+)", mail["body"])
    assert link is not None
    confirm = client.get(link.group(1))
    assert _english_left(confirm.text, english) == []
    signed_in = client.post("/login", data={"email": form["email"], "password": password,
                                            "csrf_token": csrf_token_of(client)},
                            follow_redirects=False)
    assert signed_in.headers["location"] == "/signup/verify"
    waiting = client.get("/signup/verify")
    assert waiting.headers["content-language"] == lang
    assert _english_left(waiting.text, english) == []
    again = client.post("/signup/verify", data={"csrf_token": csrf_token_of(client,
                                                                            "/signup/verify")})
    assert _english_left(again.text, english) == []
    assert client.app.state.mailer.outbox[-1]["subject"] == mail["subject"]  # type: ignore[attr-defined]


def test_a_german_browser_gets_a_german_buyer_page(client: TestClient,
                                                   tokens: dict[str, str]) -> None:
    page = client.get("/docking", headers=_as(tokens["buyer"], "de-DE,de;q=0.9,en;q=0.5"))
    assert page.headers["content-language"] == "de"
    assert '<html lang="de">' in page.text
    assert "Vermittlung von Angebot und Nachfrage" in page.text
    for code in ("zh", "en", "de", "es", "fr", "sv"):  # the switch offers a buyer all six
        assert f'href="/lang/{code}?' in page.text or f'lang="{code}">' in page.text


def test_a_visitor_reads_the_login_in_german_but_the_register_in_english(
    client: TestClient
) -> None:
    assert client.get("/login", headers={"Accept-Language": "de"}).headers[
        "content-language"] == "de"
    home = client.get("/bases", headers={"Accept-Language": "de, zh;q=0.2"})
    assert home.headers["content-language"] == "zh-Hans"


@pytest.mark.parametrize("role", ["enterprise", "base_admin", "admin", "officer"])
def test_factories_and_administrators_keep_chinese_or_english(
    client: TestClient, tokens: dict[str, str], role: str
) -> None:
    page = client.get("/my", headers=_as(tokens[role], "de-DE,de;q=0.9,en;q=0.5"))
    assert page.headers["content-language"] == "en"
    assert 'href="/lang/de' not in page.text  # the switch offers zh and en only
    client.cookies.set("lang", "fr")  # a switch made as a visitor does not carry over
    page = client.get("/my", headers=_as(tokens[role], "zh-CN"))
    assert page.headers["content-language"] == "zh-Hans"


def _buyer(session: Session) -> User:
    user = session.scalar(select(User).where(User.email == "buyer@example.com"))
    assert user is not None
    return user


def test_the_buyers_setting_overrides_the_browser(
    client: TestClient, tokens: dict[str, str], session: Session
) -> None:
    accounts.set_language(session=session, user=_buyer(session), language="de")
    session.commit()
    page = client.get("/docking", headers=_as(tokens["buyer"], "fr-FR,fr;q=0.9"))
    assert page.headers["content-language"] == "de"
    account = client.get("/account", headers=_as(tokens["buyer"], "fr")).text
    assert '<option value="de" lang="de" selected>Deutsch</option>' in account
    accounts.set_language(session=session, user=_buyer(session), language="")
    session.commit()
    page = client.get("/docking", headers=_as(tokens["buyer"], "fr-FR,fr;q=0.9"))
    assert page.headers["content-language"] == "fr"


def test_only_a_language_of_ones_role_may_be_chosen(session: Session) -> None:
    member = session.scalar(select(User).where(User.email == "enterprise@example.com"))
    assert member is not None
    with pytest.raises(InvalidInput):
        accounts.set_language(session=session, user=member, language="de")
    with pytest.raises(InvalidInput):
        accounts.set_language(session=session, user=_buyer(session), language="x" * 5000)
    assert accounts.set_language(session=session, user=member, language="EN").language == "en"


def test_the_account_form_saves_the_language_and_sets_this_browser(
    client: TestClient, tokens: dict[str, str]
) -> None:
    from tests.conftest import PASSWORD, csrf_token_of

    token = csrf_token_of(client)
    signed_in = client.post("/login", data={"email": "buyer@example.com", "password": PASSWORD,
                                            "csrf_token": token}, follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text
    token = csrf_token_of(client, "/account")
    saved = client.post("/account/language", data={"language": "de", "csrf_token": token},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert client.cookies.get("lang") == "de"
    page = client.get(saved.headers["location"])
    assert page.headers["content-language"] == "de"
    assert "Ihre Sprache wurde gespeichert." in page.text
    token = csrf_token_of(client, "/account")
    client.post("/account/language", data={"language": "", "csrf_token": token})


def test_a_mail_to_a_german_buyer_is_german() -> None:
    render = mail_renderer(Settings(base_url="https://tradebase.example"))
    message = Message(kind=Kind.ENQUIRY_ANSWERED.value, link="/docking/requests/3",
                      params={"enterprise_zh": "安溪藤编", "enterprise_en": "Anxi Rattan",
                              "request_id": 3, "price": 2000, "currency": "EUR",
                              "status": "answered"})
    subject, body = render(message, Recipient(user_id=1, email="b@example.com", role="buyer",
                                              language="de"))
    assert subject == ("Tradebase: Anxi Rattan hat auf Ihre Anfrage 3 2.000 EUR angeboten")
    assert "Auf Tradebase öffnen: https://tradebase.example/docking/requests/3" in body
    assert "quoted" not in body
    assert "报价" not in body
    # A factory member who chose German (it may not) reads the platform's default.
    _subject, body = render(message, Recipient(user_id=2, email="f@example.com",
                                               role="enterprise", language="de"))
    assert "报价" in body
    assert "Anfrage" not in body


def test_figures_in_the_buyers_languages() -> None:
    assert format_number(2000, "de") == "2.000"
    assert format_number(1234.5, "de") == "1.234,5"
    assert format_number(2000, "fr") == "2\u202f000"
    assert format_number(6_500_000, "sv") == "6,5 miljoner"
    assert format_figure(2e10, lang="de", currency="CNY", qualifier="about") == (
        "etwa 20 Milliarden Yuan")
    assert format_figure(2e10, lang="fr", currency="EUR") == "20 milliards d’euros" or (
        format_figure(2e10, lang="fr", currency="EUR") == "20 milliards de euros")
    assert format_number(2000, "ja") == "2,000"  # any other language is written as English


def test_account_mails_are_in_the_readers_language(
    client: TestClient, session: Session,
) -> None:
    """A reset mail in the account's own language; without one, in the page's; the mail
    that says the password changed likewise."""
    from tests.conftest import csrf_token_of

    mailer = client.app.state.mailer  # type: ignore[attr-defined]
    accounts.set_language(session=session, user=_buyer(session), language="de")
    session.commit()
    client.headers["Accept-Language"] = "fr"
    token = csrf_token_of(client, "/password-reset")
    asked = client.post("/password-reset", data={"email": "buyer@example.com",
                                                 "csrf_token": token})
    assert asked.status_code == 200
    mail = mailer.outbox[-1]
    assert mail["subject"] == "Tradebase: Passwort zurücksetzen"
    assert "innerhalb von" in mail["body"]
    link = next(line for line in mail["body"].splitlines() if "/password-reset/" in line)
    accounts.set_language(session=session, user=_buyer(session), language="")
    session.commit()
    confirmed = client.post("/api/v1/auth/password-reset/confirm", json={
        "token": link.rsplit("/", 1)[1], "password": "a brand new passphrase"})
    assert confirmed.status_code == 204
    assert mailer.outbox[-1]["subject"] == "Tradebase : votre mot de passe a été modifié"
    client.headers["Accept-Language"] = "zh-CN"
    token = csrf_token_of(client, "/password-reset")
    client.post("/password-reset", data={"email": "enterprise@example.com", "csrf_token": token})
    assert mailer.outbox[-1]["subject"] == "Tradebase：重置密码"
