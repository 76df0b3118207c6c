"""Every error leaves the API as ``{"error": {"message", "field", "code", "params"}}``, in one
place. ``code`` and ``params`` are what the pages say in the user's language
(``web/pages/messages.py``): a domain error's own, a schema's ``PydanticCustomError`` code, or
Pydantic's error type with its context."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from dataclasses import field as _field
from decimal import Decimal
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradebase.errors import ImportRejected, RateLimited, StaleObject, TradebaseError
from tradebase.web.api.versioning import stale_details
from tradebase.web.security import add_security_headers

log = logging.getLogger("tradebase.web")

DATABASE_UNAVAILABLE = "the database is unavailable; try again in a moment"
INTERNAL_ERROR = "something went wrong on our side; the error has been logged"

# Errors that say "the database cannot be reached or is too busy right now", not "this request
# is wrong": a refused or dropped connection, a pool with no free connection in time, SQLite's
# "database is locked". They are temporary, so the caller is told when to retry (503).
UNAVAILABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
)


def error_body(
    message: str, field: str | None = None, *, code: str = "error",
    params: dict[str, Any] | None = None, **extra: Any,
) -> dict[str, Any]:
    return {"error": {"message": message, "field": field, "code": code,
                      "params": dict(params or {}), **extra}}


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


@dataclass(frozen=True)
class FieldError:
    """One validation error as a code and its parameters, against the field it is about."""

    field: str | None
    code: str
    params: dict[str, str | int | float] = _field(default_factory=dict)
    message: str = ""
    """The English text (the API's ``message``)."""


def _params(ctx: Any) -> dict[str, str | int | float]:
    """The JSON-safe values of a Pydantic error's context (not its exception objects)."""
    found: dict[str, str | int | float] = {}
    for key, value in (ctx or {}).items():
        if isinstance(value, bool):
            found[key] = int(value)
        elif isinstance(value, str | int | float):
            found[key] = value
        elif isinstance(value, Decimal):
            found[key] = str(value)
    return found


def field_errors(errors: list[Any]) -> list[FieldError]:
    """Pydantic's errors as coded field errors. A model-level error names its field in its
    parameters (``field``), or, from older schemas, as the prefix of its message."""
    found: list[FieldError] = []
    for error in errors:
        params = _params(error.get("ctx"))
        message, name = _split_named(error, _field_of(error.get("loc", ())))
        named = params.pop("field", None)
        if isinstance(named, str) and named:
            name = named
        found.append(FieldError(name, str(error.get("type", "value_error")), params, message))
    return found


def _split_named(error: Any, field: str | None) -> tuple[str, str | None]:
    message = str(error.get("msg", "invalid input")).removeprefix("Value error, ")
    if ": " in message and re.fullmatch(r"[A-Za-z_][\w.\[\]]*", message.split(": ", 1)[0]):
        named, message = message.split(": ", 1)
        field = f"{field}.{named}" if field and not field.endswith(named) else named
    return message, field


def validation_message(errors: list[Any]) -> tuple[str, str | None]:
    """The first validation error as (message, field), with model-level errors that name their
    field ("currency: ...") split apart."""
    first = field_errors(errors[:1])[0]
    return first.message, first.field


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def _render(request: Request, status_code: int, message: str) -> Response:
    """The HTML error page that the pages package installs."""
    response: Response = request.app.state.render_error(request, status_code, message)
    return response


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database is (for now) out of reach."""
    if isinstance(exc, UNAVAILABLE):
        return True
    return isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated


def _error(request: Request, status_code: int, message: str,
           headers: dict[str, str] | None = None) -> Response:
    """The error page for a page, the JSON envelope for the API."""
    if _wants_html(request) and hasattr(request.app.state, "render_error"):
        response = _render(request, status_code, message)
        response.headers.update(headers or {})
        return response
    code = {503: "database_unavailable", 500: "internal_error"}.get(status_code, "error")
    return JSONResponse(error_body(message, code=code), status_code, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TradebaseError)
    async def _domain(request: Request, exc: TradebaseError) -> Response:
        extra: dict[str, Any] = {}
        if isinstance(exc, ImportRejected):
            extra["rows"] = [
                {"line": e.line, "column": e.column, "reason": e.reason,
                 **({"code": e.code, "params": e.params} if e.code else {})}
                for e in exc.errors
            ]
            extra["rows_refused"] = exc.bad_rows
            if exc.rows_read is not None:
                extra["rows_read"] = exc.rows_read
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        if isinstance(exc, StaleObject):  # 409/412: the object as stored now, and its ETag
            more, headers = stale_details(exc)
            extra.update(more)
        if exc.status_code == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        extra.update(code=exc.code, params=exc.params)  # what the pages say in words
        if _wants_html(request) and hasattr(request.app.state, "render_error"):
            request.state.error = exc  # the page says it in the user's words, by its code
            return _render(request, exc.status_code, exc.message)
        return JSONResponse(
            error_body(exc.message, exc.field, **extra), exc.status_code, headers=headers
        )

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        # An ORM update or delete found the row at another version than it read (the row
        # changed, or went, in between): a 409 the caller can retry, never a 500.
        return await _domain(request, StaleObject(
            "the object was changed by someone else meanwhile; nothing was saved, try again"
        ))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        coded = field_errors(errors)
        details = [
            {"field": _field_of(e.get("loc", ())), "message": str(e.get("msg", "")),
             "code": c.code, "params": c.params}
            for e, c in zip(errors, coded, strict=True)
        ]
        first = coded[0]
        return JSONResponse(error_body(first.message, first.field, code=first.code,
                                       params=first.params, details=details), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_html(request) and hasattr(request.app.state, "render_error"):
            return _render(request, exc.status_code, str(exc.detail))
        return JSONResponse(
            error_body(str(exc.detail), code="http_error", params={"status": exc.status_code}),
            exc.status_code, headers=getattr(exc, "headers", None)
        )

    async def _unavailable(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path,
                    exc.__class__.__name__)
        retry = str(request.app.state.settings.outage_retry_after)
        return _error(request, 503, DATABASE_UNAVAILABLE, {"Retry-After": retry})

    for kind in (*UNAVAILABLE, sa_exc.DBAPIError):
        app.add_exception_handler(kind, _dbapi_handler(_unavailable))

    @app.exception_handler(Exception)
    async def _last_resort(request: Request, exc: Exception) -> Response:
        # Runs in Starlette's ServerErrorMiddleware, outside every other middleware, so the
        # security headers are set here; the server still logs the traceback (re-raised).
        if database_unavailable(exc):
            response = await _unavailable(request, exc)
        else:
            try:
                response = _error(request, 500, INTERNAL_ERROR)
            except Exception:  # the error page itself failed: fall back to the envelope
                log.exception("the error page failed")
                response = JSONResponse(error_body(INTERNAL_ERROR, code="internal_error"), 500)
        return add_security_headers(response, https=request.url.scheme == "https")


def _dbapi_handler(unavailable: Any) -> Any:
    """A handler for database errors: 503 when the database is out of reach; anything else is
    a defect, re-raised to the last-resort 500 handler (which logs it)."""

    async def handle(request: Request, exc: Exception) -> Response:
        if database_unavailable(exc):
            response: Response = await unavailable(request, exc)
            return response
        raise exc

    return handle
