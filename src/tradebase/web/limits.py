"""The request body size limit, enforced while the body streams in.

A pure ASGI middleware, outermost in the stack: it runs before any other middleware buffers a
body, before the form parser spools an upload to disk and before authentication, so that an
anonymous caller cannot make the server read (or store) more than the limit. A body announced
as too large (``Content-Length``) is refused without reading a byte of it; a body sent in
chunks is counted as it arrives and refused at the first chunk past the limit, the app being
told the body ended in error so it stops reading.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradebase.web.security import CONTENT_SECURITY_POLICY

FORM_ALLOWANCE = 64 * 1024
"""What a multipart form may add around the file itself (boundaries, part headers)."""

# The headers of every other answer (web/security.py); this answer never reaches that layer.
_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class BodyTooLarge(Exception):
    """Raised into the app from ``receive`` when the body passes the limit."""


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` (``upload_max_bytes`` plus the form's
    allowance) with 413 and the JSON error envelope, ``field`` being ``file``."""

    def __init__(self, app: ASGIApp, *, upload_max_bytes: int) -> None:
        self.app = app
        self.upload_max_bytes = upload_max_bytes
        self.max_bytes = upload_max_bytes + FORM_ALLOWANCE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # whatever the app answers to the broken body, ours is the answer
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        limit = self.upload_max_bytes
        megabytes = f"{limit / (1024 * 1024):g} MB"
        body = json.dumps({"error": {
            "message": f"the request is larger than the upload limit of {megabytes} "
                       f"(TRADEBASE_UPLOAD_MAX_BYTES={limit}, plus {FORM_ALLOWANCE // 1024} KB "
                       "for the form around the file)",
            "field": "file",
        }}).encode()
        headers = [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"), *_HEADERS,
        ]
        if scope.get("scheme") == "https":
            headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
