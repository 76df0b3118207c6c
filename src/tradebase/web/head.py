"""``HEAD`` answered wherever ``GET`` is (RFC 9110 §9.3.2).

FastAPI routes answer only the methods they declare, so ``HEAD /`` was 405. This pure ASGI
middleware runs a ``HEAD`` request as ``GET`` and sends the response's status and headers
(``Content-Length`` included) without its body. The OpenAPI document keeps listing ``GET``
only.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """Answer ``HEAD`` like ``GET``, body dropped."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
