"""The request body size limit, enforced while the body streams in.

A pure ASGI middleware, outermost in the stack: it runs before any other middleware buffers a
body, before the form parser spools an upload to disk and before authentication, so that an
anonymous caller cannot make the server read (or store) more than the limit. A body announced
as too large (``Content-Length``) is refused without reading a byte of it; a body sent in
chunks is counted as it arrives and refused at the first chunk past the limit, the app being
told the body ended in error so it stops reading.

A page form (any path outside ``/api/``) posted from a page of this site is answered with a
redirect back to that page, marked ``?upload_refused=1``, so that the page says the refusal
beside its file field in the reader's language (the JSON envelope is for API callers; a
browser would show it raw). The redirect carries no fragment, so the browser keeps the form
action's (``#photos``) and lands on the form again.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradebase.web.security import CONTENT_SECURITY_POLICY

FORM_ALLOWANCE = 64 * 1024
"""What a multipart form may add around the file itself (boundaries, part headers)."""
REFUSED_PARAM = "upload_refused"
"""The query parameter that tells a page its form's upload was refused as too large."""

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
        back = _page_to_return_to(scope)
        if back is not None:
            await _send(scope, send, 303, b"", [(b"location", back.encode("latin-1"))])
            return
        limit = self.upload_max_bytes
        megabytes = f"{limit / (1024 * 1024):g} MB"
        body = json.dumps({"error": {
            "message": f"the request is larger than the upload limit of {megabytes} "
                       f"(TRADEBASE_UPLOAD_MAX_BYTES={limit}, plus {FORM_ALLOWANCE // 1024} KB "
                       "for the form around the file)",
            "field": "file",
        }}).encode()
        await _send(scope, send, 413, body, [(b"content-type", b"application/json")])


async def _send(scope: Scope, send: Send, status: int, body: bytes,
                headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *_HEADERS]
    if scope.get("scheme") == "https":
        headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _page_to_return_to(scope: Scope) -> str | None:
    """For a page form posted from a page of this site (its ``Referer`` on this host), that
    page's path and query with ``upload_refused=1``; else None (an API call, or no page of
    ours to go back to)."""
    if scope["path"].startswith("/api/"):
        return None
    headers = dict(scope.get("headers", []))
    referer = urlsplit(headers.get(b"referer", b"").decode("latin-1"))
    host = headers.get(b"host", b"").decode("latin-1")
    if not host or referer.netloc != host or referer.scheme not in ("http", "https"):
        return None
    query = [(k, v) for k, v in parse_qsl(referer.query, keep_blank_values=True)
             if k != REFUSED_PARAM]
    query.append((REFUSED_PARAM, "1"))
    path = "/" + referer.path.lstrip("/\\")  # never "//elsewhere": a path of this site
    return str(urlunsplit(("", "", path, urlencode(query), "")))
