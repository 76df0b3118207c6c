"""The page router: errors of HTML pages become HTML pages, in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from tradebase.web.auth import verify_form_csrf
from tradebase.web.i18n import N_
from tradebase.web.pages.messages import translate_message
from tradebase.web.pages.templating import gettext_for, render

_TITLES = {
    401: N_("Please log in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    422: N_("This request is not valid"),
}
_DEFAULT_TITLE = N_("Something went wrong")


def render_error(request: Request, status_code: int, detail: str) -> Response:
    """The HTML error page (``app.state.render_error``)."""
    gettext = gettext_for(request)
    title = gettext(_TITLES.get(status_code, _DEFAULT_TITLE))
    message = "" if detail in {"Not Found", title} else translate_message(detail, gettext)
    return render(
        request, "error.html", {"status_code": status_code, "title": title, "message": message},
        status_code=status_code,
    )


class PageRoute(APIRoute):
    """A route whose invalid parameters answer with the HTML error page. (Domain errors and
    HTTP errors of pages are rendered as HTML by the app-wide handlers in ``web/errors.py``;
    only request validation answers API clients in JSON there.)"""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                errors = list(exc.errors())
                detail = ", ".join(
                    f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
                    for e in errors
                )
                return render_error(request, 422, detail)

        return handle


def page_router() -> APIRouter:
    """A router for HTML pages, left out of the OpenAPI document. Every form it receives
    must carry this browser's CSRF token (``web/auth.verify_form_csrf``)."""
    return APIRouter(
        route_class=PageRoute, include_in_schema=False, dependencies=[Depends(verify_form_csrf)]
    )
