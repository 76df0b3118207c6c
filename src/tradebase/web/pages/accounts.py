"""Log in, log out, reset a forgotten password, and the audit log page."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.accounts import audit
from tradebase.accounts import service as accounts
from tradebase.errors import InvalidInput, RateLimited
from tradebase.web.deps import DbSession
from tradebase.web.i18n import N_
from tradebase.web.pages.enterprises import Posted
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render
from tradebase.web.security import SESSION_COOKIE, client_address

router = page_router()


def _next(target: str | None) -> str:
    from tradebase.web.pages import safe_next

    return safe_next(target)


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
        elif result.message == "this account is disabled":
            problem = gettext(N_("This account is disabled."))
        return render(request, "login.html", {"next": target, "email": email,
                                              "problem": problem}, status_code=status)
    token, _csrf = accounts.start_session(session=db, user=result.user, settings=settings)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=settings.session_hours * 3600, httponly=True,
        secure=settings.cookie_secure, samesite="lax", path="/",
    )
    return response


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
        settings=request.app.state.settings,
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
        accounts.reset_password(session=db, token=token, new_password=password)
    except InvalidInput as exc:
        return render(request, "password_reset_confirm.html",
                      {"token": token, "problem": exc.message}, status_code=422)
    return RedirectResponse("/login?reset=1", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    db: DbSession,
    entity: Annotated[str | None, Query(max_length=60)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The audit log for administrators (base administrators see their bases)."""
    size = 50
    entries, total = audit.list_entries(
        session=db, entity=entity or None, limit=size, offset=(page - 1) * size
    )
    return render(request, "audit.html", {
        "entries": entries, "total": total, "page": page, "pages": max(1, -(-total // size)),
        "entity": entity or "",
    })
