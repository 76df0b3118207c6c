"""Security headers, rate limits and CSRF tokens of the web layer."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradebase.errors import RateLimited
from tradebase.settings import Settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline scripts anywhere
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SESSION_COOKIE = "tb_session"
CSRF_COOKIE = "tb_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def security_headers(*, https: bool) -> list[tuple[str, str]]:
    """The headers every response carries, whatever produced it (a route, an error handler,
    the last-resort 500 handler)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if https:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def add_security_headers(response: Response, *, https: bool) -> Response:
    """Set the security headers on ``response`` where it has not set them itself."""
    for name, value in security_headers(https=https):
        response.headers.setdefault(name, value)
    return response


class SecurityHeaders:
    """Add the security headers to every response start message. A plain ASGI middleware,
    so that it sees every response (also those error handlers and other middleware send)
    and lets exceptions pass untouched to the handlers outside it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in security_headers(https=scope.get("scheme") == "https")
        ]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [
                    *message.get("headers", []),
                    *(item for item in extra if item[0] not in present),
                ]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)


class RateLimiter:
    """Fixed-window counters, in process memory or shared through Redis between workers."""

    def __init__(self, settings: Settings) -> None:
        self._storage = storage_from_string(settings.redis_url or "memory://")
        self._limiter = FixedWindowRateLimiter(self._storage)
        self.namespace = settings.rate_limit_namespace
        self.login: RateLimitItem = parse(settings.login_limit)
        self.api: RateLimitItem = parse(settings.api_limit)

    def hit(self, item: RateLimitItem, *keys: str) -> None:
        """Count one attempt; raise RateLimited when the window is full."""
        if not self._limiter.hit(item, self.namespace, *keys):
            stats = self._limiter.get_window_stats(item, self.namespace, *keys)
            retry = max(1, int(stats.reset_time - time.time()) + 1)
            raise RateLimited("too many requests; slow down and try again later",
                              retry_after=retry)

    def reset(self) -> None:
        self._storage.reset()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _sign(secret: str, nonce: str, session_token: str) -> str:
    bound = hashlib.sha256(session_token.encode()).hexdigest()
    mac = hmac.new(secret.encode(), f"{nonce}|{bound}".encode(), hashlib.sha256).hexdigest()
    return f"{nonce}.{mac}"


def new_csrf_token(secret: str, session_token: str = "") -> str:
    """A CSRF token bound to the login session (or to no session, before login)."""
    return _sign(secret, secrets.token_urlsafe(16), session_token)


def csrf_token_valid(secret: str, token: str | None, session_token: str = "") -> bool:
    if not token or "." not in token:
        return False
    nonce = token.split(".", 1)[0]
    return hmac.compare_digest(_sign(secret, nonce, session_token), token)


class RejectNulBytes:
    """Refuse text holding NUL characters before it reaches a database that cannot store them
    (PostgreSQL text never holds 0x00): in the path, the query string, and JSON or form
    bodies. Multipart uploads are checked by their own readers."""

    TEXT_BODIES = (b"application/json", b"application/x-www-form-urlencoded")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").lower()
        if "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query:
            await self._refuse(scope, receive, send, "query")
            return
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"").lower()
        if not content_type.startswith(self.TEXT_BODIES):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        lowered = body.lower()
        if b"\x00" in body or b"\\u0000" in lowered or b"%00" in lowered:
            await self._refuse(scope, receive, send, "body")
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, where: str) -> None:
        response = JSONResponse(
            {"error": {"message": "text may not contain NUL characters", "field": where}}, 422
        )
        await response(scope, receive, send)
