"""Every error leaves the API as ``{"error": {"message": ..., "field": ...}}``, in one place."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradebase.errors import ImportRejected, RateLimited, TradebaseError


def error_body(message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"message": message, "field": field, **extra}}


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def validation_message(errors: list[Any]) -> tuple[str, str | None]:
    """The first validation error as (message, field), with model-level errors that name their
    field ("currency: ...") split apart."""
    first = errors[0]
    field = _field_of(first.get("loc", ()))
    message = str(first.get("msg", "invalid input")).removeprefix("Value error, ")
    if ": " in message and re.fullmatch(r"[A-Za-z_][\w.\[\]]*", message.split(": ", 1)[0]):
        named, message = message.split(": ", 1)
        field = f"{field}.{named}" if field and not field.endswith(named) else named
    return message, field


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _render(request: Request, status_code: int, message: str) -> Response:
    """The HTML error page that the pages package installs."""
    response: Response = request.app.state.render_error(request, status_code, message)
    return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TradebaseError)
    async def _domain(request: Request, exc: TradebaseError) -> Response:
        extra: dict[str, Any] = {}
        if isinstance(exc, ImportRejected):
            extra["rows"] = [
                {"line": e.line, "column": e.column, "reason": e.reason} for e in exc.errors
            ]
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        if exc.status_code == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        if _wants_html(request) and hasattr(request.app.state, "render_error"):
            return _render(request, exc.status_code, exc.message)
        return JSONResponse(
            error_body(exc.message, exc.field, **extra), exc.status_code, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        message, field = validation_message(errors)
        details = [
            {"field": _field_of(e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in errors
        ]
        return JSONResponse(error_body(message, field, details=details), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_html(request) and hasattr(request.app.state, "render_error"):
            return _render(request, exc.status_code, str(exc.detail))
        return JSONResponse(
            error_body(str(exc.detail)), exc.status_code, headers=getattr(exc, "headers", None)
        )
