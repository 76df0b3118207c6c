"""Log in (with the code step of two-factor sign-in), log out, reset a forgotten password,
and the audit log page. The account page (sessions, tokens, password) is ``account_page``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import Query
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts import audit_log, two_factor
from tradebase.accounts import service as accounts
from tradebase.accounts.models import User
from tradebase.errors import InvalidInput, NotFound, RateLimited
from tradebase.web.auth import csrf_binding
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_
from tradebase.web.pages import account_page, audit_labels
from tradebase.web.pages.account_mails import CatalogAccountWording
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render
from tradebase.web.security import SESSION_COOKIE, client_address

router = page_router()
router.include_router(account_page.router)
CHALLENGE_COOKIE = "tb_2fa"  # the password step was passed: a signed, short-lived proof


def _next(target: str | None) -> str:
    from tradebase.web.pages import safe_next

    return safe_next(target) if target else "/my"  # after signing in: the role's own home


def _text(posted: Posted, name: str) -> str:
    value = posted.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", {"next": _next(next), "email": "", "problem": ""})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, db: DbSession, posted: Posted) -> Response:
    """Check the password; on success start a session in a secure, HTTP-only cookie."""
    gettext = gettext_for(request)
    email, password = _text(posted, "email").lower(), str(posted.get("password") or "")
    target = _next(_text(posted, "next"))
    settings = request.app.state.settings
    limiter = request.app.state.rate_limiter
    try:
        limiter.hit(limiter.login, "ip", client_address(request))
        limiter.hit(limiter.login, "email", email)
    except RateLimited:
        problem = gettext(N_("Too many attempts. Wait a minute and try again."))
        return render(request, "login.html", {"next": target, "email": email,
                                              "problem": problem}, status_code=429)
    result = accounts.authenticate(session=db, email=email, password=password, settings=settings)
    if result.user is None:
        # Rendered, not raised, so that the failed-login count is committed.
        problem = gettext(N_("Wrong e-mail or password."))
        status = 401
        if result.retry_after:
            problem = gettext(N_("Too many failed logins. Try again in a few minutes."))
            status = 429
        elif result.reason == "disabled":
            problem = gettext(N_("This account is disabled."))
        return render(request, "login.html", {"next": target, "email": email,
                                              "problem": problem}, status_code=status)
    if result.second_factor:
        # The password was right; the sign-in completes at the code step.
        challenge = two_factor.issue_challenge(
            user=result.user, settings=settings, binding=csrf_binding(request)
        )
        response = RedirectResponse(f"/login/two-factor?next={quote(target, safe='')}", 303)
        response.set_cookie(
            CHALLENGE_COOKIE, challenge, max_age=two_factor.CHALLENGE_MINUTES * 60,
            httponly=True, secure=settings.cookie_secure, samesite="strict", path="/login",
        )
        return response
    if result.user.email_verified_at is None:  # signed up, not verified: nothing else
        target = "/signup/verify"
    return _signed_in(request, db, result.user, RedirectResponse(target, status_code=303))


def _signed_in(request: Request, db: DbSession, user: User, response: Response) -> Response:
    """Start a login session for ``user`` and put it in a secure, HTTP-only cookie."""
    settings = request.app.state.settings
    token, _csrf = accounts.start_session(
        session=db, user=user, settings=settings,
        user_agent=request.headers.get("user-agent", ""),
    )
    response.set_cookie(
        SESSION_COOKIE, token, max_age=settings.session_hours * 3600, httponly=True,
        secure=settings.cookie_secure, samesite="lax", path="/",
    )
    response.delete_cookie(CHALLENGE_COOKIE, path="/login")
    return response


def _challenged(request: Request, db: DbSession) -> User | None:
    token = request.cookies.get(CHALLENGE_COOKIE, "")
    try:
        return two_factor.challenged_user(
            session=db, token=token, settings=request.app.state.settings,
            binding=csrf_binding(request),
        )
    except NotFound:
        return None


def _code_page(
    request: Request, db: DbSession, user: User, target: str, problem: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    enrolment = None
    if not two_factor.is_enrolled(user):
        enrolment = two_factor.begin_enrolment(
            session=db, user=user, settings=request.app.state.settings
        )
    return render(request, "login_two_factor.html", {
        "next": target, "problem": problem, "enrolment": enrolment,
        "action": "/login/two-factor",
    }, status_code=status_code)


@router.get("/login/two-factor", response_class=HTMLResponse)
def code_form(request: Request, db: DbSession, next: str | None = None) -> Response:
    """The second step of a sign-in: a code of the authenticator app, or enrolment in it when
    the user's role requires a second factor that is not set up yet."""
    user = _challenged(request, db)
    if user is None:
        return RedirectResponse(f"/login?next={quote(_next(next), safe='')}", status_code=303)
    return _code_page(request, db, user, _next(next))


@router.post("/login/two-factor", response_class=HTMLResponse)
def code_step(request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    target = _next(_text(posted, "next"))
    user = _challenged(request, db)
    if user is None:
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    settings = request.app.state.settings
    limiter = request.app.state.rate_limiter
    try:
        limiter.hit(limiter.login, "ip", client_address(request))
        limiter.hit(limiter.login, "email", user.email)
    except RateLimited:
        return _code_page(request, db, user, target, status_code=429,
                          problem=gettext(N_("Too many attempts. Wait a minute and try again.")))
    code = _text(posted, "code")
    if two_factor.is_enrolled(user):
        result = two_factor.verify_second_factor(
            session=db, user=user, code=code, settings=settings
        )
        codes: list[str] = []
    else:
        result, codes = two_factor.complete_enrolment_sign_in(
            session=db, user=user, code=code, settings=settings
        )
    if result.user is None:
        if result.retry_after:
            problem = gettext(N_("Too many failed logins. Try again in a few minutes."))
            return _code_page(request, db, user, target, problem, status_code=429)
        problem = gettext(N_("This code is not right. Enter the current code of your app."))
        return _code_page(request, db, user, target, problem, status_code=401)
    if codes:
        page = render(request, "two_factor_codes.html", {"codes": codes, "next": target})
        return _signed_in(request, db, result.user, page)
    return _signed_in(request, db, result.user, RedirectResponse(target, status_code=303))


@router.post("/logout")
def logout(request: Request, db: DbSession) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(session=db, token=token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/password-reset", response_class=HTMLResponse)
def reset_request_form(request: Request) -> HTMLResponse:
    return render(request, "password_reset.html", {"sent": False, "email": ""})


@router.post("/password-reset", response_class=HTMLResponse)
def reset_request(request: Request, db: DbSession, posted: Posted) -> HTMLResponse:
    """Mail a reset link if the account exists; the page says the same either way."""
    limiter = request.app.state.rate_limiter
    limiter.hit(limiter.login, "reset", client_address(request))
    accounts.request_password_reset(
        session=db, email=_text(posted, "email"), mailer=request.app.state.mailer,
        settings=request.app.state.settings, wording=CatalogAccountWording(request),
    )
    return render(request, "password_reset.html", {"sent": True, "email": ""})


@router.get("/password-reset/{token}", response_class=HTMLResponse)
def reset_form(token: str, request: Request) -> HTMLResponse:
    return render(request, "password_reset_confirm.html", {"token": token, "problem": ""})


@router.post("/password-reset/{token}", response_class=HTMLResponse)
def reset(token: str, request: Request, db: DbSession, posted: Posted) -> Response:
    gettext = gettext_for(request)
    password = str(posted.get("password") or "")
    if password != str(posted.get("password_again") or ""):
        problem = gettext(N_("The two passwords differ."))
        return render(request, "password_reset_confirm.html",
                      {"token": token, "problem": problem}, status_code=422)
    try:
        accounts.reset_password(
            session=db, token=token, new_password=password, mailer=request.app.state.mailer,
            wording=CatalogAccountWording(request),
        )
    except InvalidInput as exc:
        return render(request, "password_reset_confirm.html",
                      {"token": token, "problem": exc.message}, status_code=422)
    return RedirectResponse("/login?reset=1", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    db: DbSession,
    entity: Annotated[str | None, Query(max_length=60)] = None,
    entity_id: Annotated[str | None, Query(max_length=100)] = None,
    actor: Annotated[str | None, Query(max_length=254)] = None,
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The audit log for administrators (base administrators see their bases), filtered by
    table, object, who and period (``until`` is the last day shown)."""
    size = 50
    filters = audit_log.AuditFilters(
        entity=entity or None, entity_id=entity_id or None, actor=actor or None,
        since=_day_start(since), until=_day_start(until + timedelta(days=1)) if until else None,
    )
    entries, total = audit_log.list_entries(
        session=db, filters=filters, limit=size, offset=(page - 1) * size
    )
    query = {key: value for key, value in {
        "entity": entity, "entity_id": entity_id, "actor": actor,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }.items() if value}
    gettext = gettext_for(request)
    rows = [{
        "entry": e, "action": audit_labels.action_label(e.action, gettext),
        "table": audit_labels.table_label(e.entity, gettext),
        "before": audit_labels.field_rows(e.before, gettext),
        "after": audit_labels.field_rows(e.after, gettext),
    } for e in entries]
    return render(request, "audit.html", {
        "entries": entries, "rows": rows, "total": total, "page": page,
        "pages": max(1, -(-total // size)), "filters": query, "query": urlencode(query),
        "table_options": audit_labels.table_options(gettext),
    })


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None
