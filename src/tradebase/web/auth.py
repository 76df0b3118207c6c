"""Who is calling: a bearer token, a session cookie, or the anonymous public; and CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from sqlalchemy.orm import Session

from tradebase.accounts import service as accounts
from tradebase.accounts.policy import ANONYMOUS, Actor
from tradebase.errors import Forbidden, InvalidInput, Unauthenticated
from tradebase.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    client_address,
    csrf_token_valid,
    new_csrf_token,
)

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def resolve_actor(request: Request, session: Session) -> Actor:
    """The actor of a request. A bearer token that is wrong is an error, not the public.

    The credential is looked up, and its ``last_used_at`` touched when due, in a short
    transaction of its own that ends before the request's transaction (``session``) begins:
    so no request holds a lock on a token's or session's row while it runs, and on SQLite
    the request's snapshot is never older than that write."""
    request.state.auth = None
    request.state.session_id = None
    request.state.token_id = None
    header = request.headers.get("authorization", "")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not header and not cookie:
        return ANONYMOUS
    with request.app.state.session_factory() as lookup:
        actor = _resolve_credential(request, lookup, header, cookie)
        lookup.commit()
    return actor


def _resolve_credential(
    request: Request, lookup: Session, header: str, cookie: str | None
) -> Actor:
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("send 'Authorization: Bearer TOKEN'")
        found = accounts.resolve_token(session=lookup, token=token.strip())
        if found is None:
            raise Unauthenticated("the API token is invalid, expired or revoked")
        user, row = found
        actor = accounts.actor_for(user, row.scope_list)
        accounts.touch_credential(session=lookup, row=row)
        request.state.auth = "token"
        request.state.token_id = row.id
        return actor
    if cookie:
        found_session = accounts.resolve_session(session=lookup, token=cookie)
        if found_session is not None:
            user, login = found_session
            actor = accounts.actor_for(user)
            accounts.touch_credential(session=lookup, row=login)
            request.state.auth = "cookie"
            request.state.session_id = login.id
            return actor
    return ANONYMOUS


def csrf_binding(request: Request) -> str:
    """What a CSRF token is bound to: the login session, or the pre-login cookie."""
    fresh: str = getattr(request.state, "new_csrf_cookie", "")
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(CSRF_COOKIE) or fresh


def csrf_token(request: Request) -> str:
    """A CSRF token for the forms of this page."""
    return new_csrf_token(request.app.state.settings.secret_key, csrf_binding(request))


def check_csrf_header(request: Request) -> None:
    """API calls authenticated by the session cookie must carry the CSRF header."""
    if request.method in UNSAFE and getattr(request.state, "auth", None) == "cookie":
        token = request.headers.get(CSRF_HEADER)
        if not csrf_token_valid(request.app.state.settings.secret_key, token,
                                csrf_binding(request)):
            raise Forbidden("missing or invalid CSRF token", field=CSRF_HEADER)


async def verify_form_csrf(request: Request) -> None:
    """Dependency of every HTML form route: the form must carry this browser's token."""
    if request.method not in UNSAFE:
        return
    if request.headers.get("authorization"):
        return  # a bearer token is never sent by a browser on its own: no forgery possible
    form = await request.form()
    if any(isinstance(value, str) and "\x00" in value for value in form.values()):
        raise InvalidInput("text may not contain NUL characters")
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    if not csrf_token_valid(request.app.state.settings.secret_key, token, csrf_binding(request)):
        raise Forbidden("this form has expired or did not come from Tradebase; reload the page",
                        field=CSRF_FIELD)


def install_csrf_cookie(app: FastAPI) -> None:
    """Give every browser a random pre-login cookie that anonymous forms' tokens bind to."""

    @app.middleware("http")
    async def _csrf_cookie(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        fresh = None
        if CSRF_COOKIE not in request.cookies:
            fresh = secrets.token_urlsafe(16)
            request.state.new_csrf_cookie = fresh
        response = await call_next(request)
        if fresh is not None:
            response.set_cookie(
                CSRF_COOKIE, fresh, httponly=True, samesite="strict",
                secure=request.app.state.settings.cookie_secure,
            )
        return response


def rate_limit_key(request: Request, actor: Actor) -> str:
    return f"user:{actor.user_id}" if actor.user_id is not None else (
        f"ip:{client_address(request)}"
    )
