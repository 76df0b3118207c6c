"""The signed-in user's own account: its login sessions and API tokens (each revocable), its
password, and setting up two-factor sign-in."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts import service as accounts
from tradebase.accounts import two_factor
from tradebase.accounts.models import User
from tradebase.accounts.policy import Actor, interface_languages, needs_second_factor
from tradebase.accounts.roles import Role
from tradebase.errors import InvalidInput, NotFound, RateLimited, Unauthenticated
from tradebase.web.deps import CurrentActor, DbSession
from tradebase.web.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGE_NAMES, N_
from tradebase.web.pages.account_mails import CatalogAccountWording
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.forms import Form
from tradebase.web.pages.inbox import mail_choices
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render
from tradebase.web.security import SESSION_COOKIE

router = page_router()

PASSWORD_FIELDS = ("current_password", "password", "password_again")
_DONE = {
    "session": N_("The session was ended."),
    "token": N_("The API token was revoked."),
    "password": N_("Your password was changed. Every other session and every API token was "
                   "ended."),
    "notifications": N_("Your choice of mails was saved."),
    "language": N_("Your language was saved."),
}


def _user(db: DbSession, actor: Actor) -> User:
    if actor.user_id is None:
        raise Unauthenticated("log in to see your account")
    user = db.get(User, actor.user_id)
    if user is None:
        raise Unauthenticated("log in to see your account")
    return user


def _text(posted: Posted, name: str) -> str:
    value = posted.get(name)
    return value.strip() if isinstance(value, str) else ""


def _id(posted: Posted, name: str) -> int:
    value = _text(posted, name)
    if not value.isdecimal() or len(value) > 12:
        raise NotFound(f"no {name} {value!r}", field=name)
    return int(value)


def _account_page(
    request: Request, db: DbSession, actor: Actor, *, password_form: Form | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    user = _user(db, actor)
    gettext = gettext_for(request)
    done = _DONE.get(request.query_params.get("done", ""))
    settings = request.app.state.settings
    context: dict[str, Any] = {
        "user": user,
        "sessions": accounts.list_sessions(session=db, user_id=user.id),
        "tokens": accounts.list_tokens(session=db, user_id=user.id),
        "current_session_id": getattr(request.state, "session_id", None),
        "current_token_id": getattr(request.state, "token_id", None),
        "enrolled": two_factor.is_enrolled(user),
        "required": needs_second_factor(Role(user.role), enrolled=False,
                                        required_roles=settings.second_factor_roles),
        "codes_left": two_factor.recovery_codes_left(session=db, user=user),
        "password_form": password_form or Form(),
        "done": gettext(done) if done else "",
        "mail_choices": mail_choices(db=db, user_id=user.id, gettext=gettext),
        "language_choices": [(code, LANGUAGE_NAMES[code])
                             for code in interface_languages(Role(user.role))],
    }
    return render(request, "account.html", context, status_code=status_code)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, db: DbSession, actor: CurrentActor) -> HTMLResponse:
    """Your sessions and API tokens, your password and your two-factor sign-in."""
    return _account_page(request, db, actor)


@router.post("/account/language")
def choose_language(request: Request, db: DbSession, actor: CurrentActor,
                    posted: Posted) -> Response:
    """The language of your pages and mails ("" = your browser's). This browser follows it at
    once: its language switch, which comes first, is set to it (or cleared)."""
    user = accounts.set_language(session=db, user=_user(db, actor),
                                 language=_text(posted, "language"))
    response = RedirectResponse("/account?done=language#language", status_code=303)
    if user.language:
        response.set_cookie(COOKIE, user.language, max_age=COOKIE_MAX_AGE, path="/",
                            samesite="lax", httponly=True)
    else:
        response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/account/sessions/revoke")
def revoke_session(request: Request, db: DbSession, actor: CurrentActor,
                   posted: Posted) -> Response:
    """End one of your login sessions (ending the current one logs you out)."""
    _user(db, actor)
    session_id = _id(posted, "session_id")
    accounts.revoke_session(session=db, session_id=session_id)
    if session_id == getattr(request.state, "session_id", None):
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    return RedirectResponse("/account?done=session", status_code=303)


@router.post("/account/tokens/revoke")
def revoke_token(request: Request, db: DbSession, actor: CurrentActor,
                 posted: Posted) -> Response:
    """Revoke one of your API tokens."""
    _user(db, actor)
    accounts.revoke_token(session=db, token_id=_id(posted, "token_id"))
    return RedirectResponse("/account?done=token", status_code=303)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, db: DbSession, actor: CurrentActor,
                    posted: Posted) -> Response:
    """Change your password: every other session, every reset link and every API token end."""
    user = _user(db, actor)
    gettext = gettext_for(request)
    form = Form(values=dict.fromkeys(PASSWORD_FIELDS, ""))
    limiter = request.app.state.rate_limiter
    try:
        limiter.hit(limiter.login, "password", str(user.id))
    except RateLimited:
        form.errors["current_password"] = gettext(
            N_("Too many attempts. Wait a minute and try again."))
        return _account_page(request, db, actor, password_form=form, status_code=429)
    new_password = str(posted.get("password") or "")
    if new_password != str(posted.get("password_again") or ""):
        form.errors["password_again"] = gettext(N_("The two passwords differ."))
        return _account_page(request, db, actor, password_form=form, status_code=422)
    try:
        accounts.change_password(
            session=db, user_id=user.id, current_password=str(posted.get("current_password")
                                                              or ""),
            new_password=new_password, keep_session_id=getattr(request.state, "session_id", None),
            mailer=request.app.state.mailer, wording=CatalogAccountWording(request),
        )
    except InvalidInput as exc:
        if exc.field == "current_password":
            form.errors["current_password"] = gettext(N_("The current password is wrong."))
        else:
            form.errors["password"] = gettext(N_(
                "Choose at least 10 characters, with more than three different ones."))
        return _account_page(request, db, actor, password_form=form, status_code=422)
    return RedirectResponse("/account?done=password", status_code=303)


@router.get("/account/two-factor", response_class=HTMLResponse)
def two_factor_form(request: Request, db: DbSession, actor: CurrentActor) -> Response:
    """Set up two-factor sign-in: the secret for the authenticator app, and a code to confirm."""
    user = _user(db, actor)
    if two_factor.is_enrolled(user):
        return RedirectResponse("/account", status_code=303)
    return _enrol_page(request, db, user)


def _enrol_page(request: Request, db: DbSession, user: User, problem: str = "",
                status_code: int = 200) -> HTMLResponse:
    enrolment = two_factor.begin_enrolment(
        session=db, user=user, settings=request.app.state.settings
    )
    return render(request, "login_two_factor.html", {
        "next": "/account", "problem": problem, "enrolment": enrolment,
        "action": "/account/two-factor",
    }, status_code=status_code)


@router.post("/account/two-factor", response_class=HTMLResponse)
def two_factor_confirm(request: Request, db: DbSession, actor: CurrentActor,
                       posted: Posted) -> Response:
    user = _user(db, actor)
    gettext = gettext_for(request)
    if two_factor.is_enrolled(user):
        return RedirectResponse("/account", status_code=303)
    try:
        codes = two_factor.confirm_enrolment(session=db, user=user, code=_text(posted, "code"))
    except InvalidInput:
        problem = gettext(N_("This code is not right. Enter the current code of your app."))
        return _enrol_page(request, db, user, problem, status_code=422)
    return render(request, "two_factor_codes.html", {"codes": codes, "next": "/account"})
