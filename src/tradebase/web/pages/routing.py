"""The page router: errors of HTML pages become HTML pages, in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from tradebase.errors import TradebaseError
from tradebase.registry.schemas import MAX_INT
from tradebase.web.auth import verify_form_csrf
from tradebase.web.errors import field_errors
from tradebase.web.i18n import N_
from tradebase.web.pages.messages import say, say_error
from tradebase.web.pages.templating import gettext_for, render

_TITLES = {
    401: N_("Please log in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    422: N_("This request is not valid"),
    503: N_("Service unavailable"),
}
_MESSAGES = {
    503: N_("Tradebase cannot reach its database right now. Please try again in a moment."),
}
_DEFAULT_TITLE = N_("Something went wrong")


def render_error(request: Request, status_code: int, _detail: str) -> Response:
    """The HTML error page (``app.state.render_error``). Its message is the domain error's,
    said by its code; ``_detail`` (English, from Starlette or a handler) is never shown: an
    error page without a domain error says its title alone."""
    gettext = gettext_for(request)
    message = gettext(_MESSAGES[status_code]) if status_code in _MESSAGES else ""
    error = getattr(request.state, "error", None)
    if isinstance(error, TradebaseError):
        message = say_error(error, gettext)
    return _error_page(request, status_code, message)


def _error_page(request: Request, status_code: int, message: str) -> Response:
    title = gettext_for(request)(_TITLES.get(status_code, _DEFAULT_TITLE))
    return render(
        request, "error.html", {"status_code": status_code, "title": title, "message": message},
        status_code=status_code,
    )


def _int_path_params(route: APIRoute) -> tuple[str, ...]:
    """The path parameters of ``route`` declared as ``int`` (ids, in every page)."""
    return tuple(
        param.name for param in route.dependant.path_params if param.field_info.annotation is int
    )


def _out_of_range(request: Request, names: tuple[str, ...]) -> bool:
    """A page id no row can have: no database integer is that large, so no such page."""
    for name in names:
        value = request.path_params.get(name)
        try:
            number = int(value) if value is not None else 1
        except (TypeError, ValueError):
            continue  # not a number: request validation answers with 422
        if not 1 <= number <= MAX_INT:
            return True
    return False


class PageRoute(APIRoute):
    """A route whose invalid parameters answer with the HTML error page, and whose ids that
    no row can have (out of the databases' integer range) answer with the 404 page. (Domain
    errors and HTTP errors of pages are rendered as HTML by the app-wide handlers in
    ``web/errors.py``; only request validation answers API clients in JSON there.)"""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        int_params = _int_path_params(self)

        async def handle(request: Request) -> Response:
            if int_params and _out_of_range(request, int_params):
                return render_error(request, 404, "Not Found")
            try:
                return await handler(request)
            except RequestValidationError as exc:
                gettext = gettext_for(request)  # a link's parameter, not a form's field
                message = " ".join(
                    say(e.code, e.params, gettext, field=(e.field or "").split(".")[-1])
                    for e in field_errors(list(exc.errors())))
                return _error_page(request, 422, message)

        return handle


def page_router() -> APIRouter:
    """A router for HTML pages, left out of the OpenAPI document. Every form it receives
    must carry this browser's CSRF token (``web/auth.verify_form_csrf``)."""
    return APIRouter(
        route_class=PageRoute, include_in_schema=False, dependencies=[Depends(verify_form_csrf)]
    )
