"""Sign-up and onboarding pages: sign up (with consent to the privacy notice), prove the
e-mail address by its link, ask to join or register an enterprise, the base administrators'
list of requests to decide, and the administrators' invitations.

Every form goes through the form flow (``forms.py``); several wrong fields found by the
service (``onboarding.InvalidInputs``) are all shown at once.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TypeVar

from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts import onboarding
from tradebase.accounts.models import JoinRequest, User
from tradebase.accounts.policy import Actor, may_invite
from tradebase.accounts.roles import Role
from tradebase.errors import Forbidden, InvalidInput, RateLimited, Unauthenticated
from tradebase.registry.models import Base, Enterprise
from tradebase.web.deps import CurrentActor, DbSession
from tradebase.web.i18n import N_
from tradebase.web.pages.account_mails import CatalogAccountWording
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form, apply, read_form
from tradebase.web.pages.messages import Gettext, add_messages, say_error
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render
from tradebase.web.security import client_address

router = page_router()
R = TypeVar("R")

SIGNUP_FIELDS = ("role", "email", "password", "password_again", "organisation", "consent")
JOIN_FIELDS = ("kind", "enterprise_id", "base_id", "name", "credit_code")
INVITE_FIELDS = ("email",)
_SECRET = {"password", "password_again"}

add_messages({
    "password_weak": N_("Choose at least 10 characters, with more than three different ones."),
    "passwords_differ": N_("The two passwords differ."),
    "consent_needed": N_("Agree to the privacy notice to sign up."),
    "link_expired": N_("This link is invalid, used or expired. Ask for a new one."),
    "unverified": N_("Confirm your e-mail address first: open the link we sent you."),
    "join_member": N_("You are a member of this enterprise already."),
    "join_pending": N_("You have asked this already; a base administrator will decide."),
    "join_decided": N_("This request was decided already."),
    "user_exists": N_("An account with this address exists already."),
    "credit_code.length": N_("A unified social credit code has 18 characters."),
    "credit_code.alphabet": N_(
        "Use digits and capital letters other than I, O, S, V and Z."),
    "credit_code.organisation_check": N_(
        "Characters 9 to 17 are not a valid organisation code: check the code."),
    "credit_code.check": N_("The last character does not match: check the code."),
})


_VERIFY_SUBJECT = N_("Tradebase: confirm your e-mail address")
_VERIFY_BODY = N_(
    "Welcome to Tradebase. To confirm that this address is yours, open this link within "
    "%(hours)s hours:\n\n%(link)s\n\nUntil then your account can do nothing. If you did "
    "not sign up, ignore this message.")
_EXISTS_SUBJECT = N_("Tradebase: you have an account already")
_EXISTS_BODY = N_(
    "Someone (perhaps you) tried to sign up to Tradebase with this address, which has an "
    "account already. Log in at %(login)s or choose a new password at %(reset)s.\n\n"
    "If it was not you, ignore this message.")


class CatalogWording:
    """The sign-up mails in the language of the page they were asked for from."""

    def __init__(self, gettext: Gettext) -> None:
        self.gettext = gettext

    def verification(self, *, link: str, hours: int) -> tuple[str, str]:
        return (self.gettext(_VERIFY_SUBJECT),
                self.gettext(_VERIFY_BODY) % {"link": link, "hours": hours})

    def account_exists(self, *, login: str, reset: str) -> tuple[str, str]:
        return (self.gettext(_EXISTS_SUBJECT),
                self.gettext(_EXISTS_BODY) % {"login": login, "reset": reset})


def network(address: str) -> str:
    """The network of a client address (an IPv4 /24, an IPv6 /64): a script that changes
    address within its network is still counted as one."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _limit(request: Request, kind: str, *keys: str) -> None:
    """Count a sign-up step against the login limit per network and per each of ``keys``."""
    limiter = request.app.state.rate_limiter
    limiter.hit(limiter.login, f"{kind}-net", network(client_address(request)))
    for key in keys:
        limiter.hit(limiter.login, kind, key)


def _attempt(db: Session, form: Form, gettext: Gettext, action: Callable[[], R], *,
             default_field: str) -> R | None:
    """``forms.apply``, with every error of a service that found several at once."""
    many: list[InvalidInput] = []

    def run() -> R:
        try:
            return action()
        except onboarding.InvalidInputs as exc:
            many.extend(exc.errors)
            raise

    result = apply(db, form, gettext, run, default_field=default_field)
    for error in many:
        form.errors.setdefault(error.field or default_field, say_error(error, gettext))
    return result


def _user(db: Session, actor: Actor) -> User:
    user = db.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise Unauthenticated("log in first")
    return user


# --- signing up ------------------------------------------------------------------------------


def _signup_page(request: Request, form: Form, status_code: int = 200) -> HTMLResponse:
    gettext = gettext_for(request)
    return render(request, "signup.html", {
        "form": form, "privacy_version": onboarding.PRIVACY_VERSION,
        "role_options": [("buyer", gettext(N_("A buyer"))),
                         ("enterprise", gettext(N_("An enterprise")))],
    }, status_code=status_code)


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request) -> HTMLResponse:
    return _signup_page(request, Form(values={"role": "buyer"}))


@router.post("/signup", response_class=HTMLResponse)
def signup(request: Request, db: DbSession, posted: Posted) -> Response:
    """Sign up; the page then says to open the mailed link, whether or not the address had
    an account (which gets a mail saying so instead)."""
    gettext = gettext_for(request)
    form = read_form(posted, SIGNUP_FIELDS)
    password = str(posted.get("password") or "")
    for name in _SECRET:
        form.values[name] = ""  # a secret is never sent back
    try:
        _limit(request, "signup", form.value("email").lower())
    except RateLimited:
        form.errors["email"] = gettext(N_("Too many attempts. Wait a minute and try again."))
        return _signup_page(request, form, status_code=429)
    if password != str(posted.get("password_again") or ""):
        form.errors["password_again"] = gettext(N_("The two passwords differ."))
    role = Role.BUYER if form.value("role") == "buyer" else (
        Role.ENTERPRISE if form.value("role") == "enterprise" else Role.ADMIN)
    done = _attempt(db, form, gettext, lambda: onboarding.sign_up(
        session=db, email=form.value("email"), password=password, role=role,
        organisation=form.value("organisation"), consent=form.value("consent") == "on",
        mailer=request.app.state.mailer, settings=request.app.state.settings,
        wording=CatalogWording(gettext),
    ) or True, default_field="email")
    if form.errors or done is None:
        if not form.errors:
            form.errors["email"] = gettext(N_("This value is not valid."))
        return _signup_page(request, form, status_code=form.status_code)
    return render(request, "signup_sent.html", {"email": form.value("email")})


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request) -> HTMLResponse:
    return render(request, "privacy.html", {"version": onboarding.PRIVACY_VERSION})


@router.get("/signup/verify", response_class=HTMLResponse)
def verify_pending(request: Request, db: DbSession, actor: CurrentActor) -> Response:
    """What an unverified account sees: open the link, or have it sent again."""
    user = _user(db, actor)
    if user.email_verified_at is not None:
        return RedirectResponse("/my", status_code=303)
    return render(request, "signup_verify.html", {
        "email": user.email, "sent": bool(request.query_params.get("sent")), "problem": ""})


@router.post("/signup/verify", response_class=HTMLResponse)
def resend(request: Request, db: DbSession, actor: CurrentActor) -> Response:
    user = _user(db, actor)
    if user.email_verified_at is not None:
        return RedirectResponse("/my", status_code=303)
    try:
        _limit(request, "verify", user.email)
    except RateLimited:
        problem = gettext_for(request)(N_("Too many attempts. Wait a minute and try again."))
        return render(request, "signup_verify.html", {"email": user.email, "sent": False,
                                                      "problem": problem}, status_code=429)
    onboarding.send_verification(session=db, user=user, mailer=request.app.state.mailer,
                                 settings=request.app.state.settings,
                                 wording=CatalogWording(gettext_for(request)))
    return RedirectResponse("/signup/verify?sent=1", status_code=303)


@router.get("/signup/verify/{token}", response_class=HTMLResponse)
def verify_form(token: str, request: Request) -> HTMLResponse:
    """A button, not the link itself, confirms: a mail scanner that opens links does not
    use up the token."""
    return render(request, "signup_confirm.html", {"token": token, "problem": ""})


@router.post("/signup/verify/{token}", response_class=HTMLResponse)
def verify(token: str, request: Request, db: DbSession) -> Response:
    try:
        onboarding.verify_email(session=db, token=token)
    except InvalidInput as exc:
        return render(request, "signup_confirm.html", {
            "token": token, "problem": say_error(exc, gettext_for(request))}, status_code=422)
    return RedirectResponse("/login?verified=1", status_code=303)


# --- joining an enterprise --------------------------------------------------------------------


def _join_page(request: Request, db: Session, form: Form, status_code: int = 200
               ) -> HTMLResponse:
    bases = db.scalars(select(Base).order_by(Base.id)).all()
    enterprises = db.scalars(select(Enterprise).where(Enterprise.base_id.is_not(None))
                             .order_by(Enterprise.base_id, Enterprise.id)).all()
    return render(request, "signup_join.html", {
        "form": form, "bases": bases, "enterprises": enterprises,
        "by_id": {enterprise.id: enterprise for enterprise in enterprises},
        "mine": onboarding.my_requests(session=db),
    }, status_code=status_code)


def _enterprise_user(db: Session, actor: Actor) -> User:
    user = _user(db, actor)
    if not actor.verified:
        raise Forbidden("verify your e-mail address first", code="unverified")
    if actor.role is not Role.ENTERPRISE:
        raise Forbidden("only an enterprise user asks to join an enterprise")
    return user


@router.get("/signup/enterprise", response_class=HTMLResponse)
def join_form(request: Request, db: DbSession, actor: CurrentActor) -> HTMLResponse:
    _enterprise_user(db, actor)
    return _join_page(request, db, Form(values={"kind": "join"}))


def _id(text: str) -> int | None:
    return int(text) if text.isdecimal() and len(text) <= 9 else None


@router.post("/signup/enterprise", response_class=HTMLResponse)
def join(request: Request, db: DbSession, actor: CurrentActor, posted: Posted) -> Response:
    """Ask to join an enterprise of a base, or to register a new one there."""
    _enterprise_user(db, actor)
    gettext = gettext_for(request)
    form = read_form(posted, JOIN_FIELDS)
    joining = form.value("kind") != "new"
    enterprise_id = _id(form.value("enterprise_id")) if joining else None
    if joining and enterprise_id is None:
        form.errors["enterprise_id"] = gettext(N_("Choose one of the listed values."))
        return _join_page(request, db, form, status_code=422)
    _attempt(db, form, gettext, lambda: onboarding.ask_to_join(
        session=db, base_id=_id(form.value("base_id")), enterprise_id=enterprise_id,
        name=form.value("name"), code=form.value("credit_code"),
    ), default_field="enterprise_id" if joining else "name")
    if form.errors or form.problem:
        return _join_page(request, db, form, status_code=form.status_code)
    return RedirectResponse("/signup/enterprise?asked=1", status_code=303)


@router.get("/signup/requests", response_class=HTMLResponse)
def requests_page(request: Request, db: DbSession, actor: CurrentActor) -> HTMLResponse:
    """The requests to join (or register) an enterprise in the actor's bases."""
    if not actor.is_authenticated:
        raise Unauthenticated("log in first")
    if actor.role not in (Role.ADMIN, Role.BASE_ADMIN) or not actor.verified:
        raise Forbidden("only base administrators decide requests to join")
    rows = onboarding.pending_requests(session=db)
    users = {user.id: user for user in db.scalars(
        select(User).where(User.id.in_({row.user_id for row in rows})))}
    enterprises = {e.id: e for e in db.scalars(select(Enterprise).where(
        Enterprise.id.in_({row.enterprise_id for row in rows if row.enterprise_id})))}
    bases = {b.id: b for b in db.scalars(select(Base).where(
        Base.id.in_({row.base_id for row in rows})))}
    return render(request, "signup_requests.html", {
        "rows": rows, "users": users, "enterprises": enterprises, "bases": bases,
        "done": request.query_params.get("done", ""),
    })


def _decide(db: Session, actor: Actor, request_id: int, approve: bool) -> Response:
    if not actor.is_authenticated:
        raise Unauthenticated("log in first")
    row: JoinRequest = onboarding.decide(session=db, request_id=request_id, approve=approve)
    return RedirectResponse(f"/signup/requests?done={row.status}", status_code=303)


@router.post("/signup/requests/{join_id:int}/approve")
def approve(join_id: int, db: DbSession, actor: CurrentActor) -> Response:
    return _decide(db, actor, join_id, True)


@router.post("/signup/requests/{join_id:int}/refuse")
def refuse(join_id: int, db: DbSession, actor: CurrentActor) -> Response:
    return _decide(db, actor, join_id, False)


# --- invitations ------------------------------------------------------------------------------


def _invite_page(request: Request, db: Session, form: Form, chosen: set[int],
                 status_code: int = 200) -> HTMLResponse:
    return render(request, "signup_invite.html", {
        "form": form, "bases": db.scalars(select(Base).order_by(Base.id)).all(),
        "chosen": chosen, "sent": request.query_params.get("sent", ""),
    }, status_code=status_code)


@router.get("/invitations/new", response_class=HTMLResponse)
def invite_form(request: Request, db: DbSession, actor: CurrentActor) -> HTMLResponse:
    if not actor.is_authenticated:
        raise Unauthenticated("log in first")
    if not may_invite(actor):
        raise Forbidden("only an administrator invites")
    return _invite_page(request, db, Form(), set())


@router.post("/invitations", response_class=HTMLResponse)
def invite(request: Request, db: DbSession, actor: CurrentActor, posted: Posted) -> Response:
    """Invite a base administrator of the chosen bases by e-mail."""
    gettext = gettext_for(request)
    form = read_form(posted, INVITE_FIELDS)
    chosen = {int(v) for v in posted.getlist("base_ids")
              if isinstance(v, str) and v.isdecimal() and len(v) <= 9}
    _attempt(db, form, gettext, lambda: onboarding.invite_base_admin(
        session=db, email=form.value("email"), base_ids=sorted(chosen),
        mailer=request.app.state.mailer, settings=request.app.state.settings,
        wording=CatalogAccountWording(request),
    ), default_field="email")
    if form.errors or form.problem:
        return _invite_page(request, db, form, chosen, status_code=form.status_code)
    return RedirectResponse(f"/invitations/new?sent={form.value('email')}", status_code=303)


@router.get("/invitations/{token}", response_class=HTMLResponse)
def invitation_form(token: str, request: Request) -> HTMLResponse:
    return render(request, "signup_invitation.html", {"token": token, "form": Form()})


@router.post("/invitations/{token}", response_class=HTMLResponse)
def accept(token: str, request: Request, db: DbSession, posted: Posted) -> Response:
    """Set the invited administrator's password (the link is used up)."""
    gettext = gettext_for(request)
    form = Form()
    password = str(posted.get("password") or "")
    if password != str(posted.get("password_again") or ""):
        form.errors["password_again"] = gettext(N_("The two passwords differ."))
    else:
        apply(db, form, gettext, lambda: onboarding.accept_invitation(
            session=db, token=token, password=password), default_field="password")
    if form.errors:
        return render(request, "signup_invitation.html", {"token": token, "form": form},
                      status_code=422)
    return RedirectResponse("/login?verified=1", status_code=303)
