"""HTML pages (Jinja2 + HTMX). ``install`` adds their routes and the HTML error page.

Pages are thin like the API: read the request, call the register's services, render a
template in the user's language (``web/i18n.py``). Templates live in ``web/templates/``,
their own CSS and JS in ``web/static/``; the browser libraries (htmx, Chart.js) are copied
into ``web/static/vendor/`` by the build from ``node_modules``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from tradebase.web.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from tradebase.web.pages import (
    accounts,
    base_transfer,
    bases,
    capacity,
    competition,
    competition_judging,
    competition_manage,
    docking,
    docking_rfq,
    enquire,
    enterprises,
    event_abroad,
    event_agenda,
    event_meetings,
    event_outcomes,
    event_register,
    event_registration,
    event_schedule,
    event_settings,
    events,
    inbox,
    markets,
    procurement,
    product_page,
    products,
    search,
    signup,
    threads,
    workspace,
)
from tradebase.web.pages.routing import page_router, render_error

language_router = page_router()


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page (no open redirects)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target:
        return "/"
    return target


@language_router.get("/lang/{code}")
def switch_language(code: str, request: Request, next: str | None = None) -> Response:
    """Remember ``code`` as the interface language and go back to the page the user was on."""
    if code not in LANGUAGES:
        return render_error(request, 404, f"unknown language '{code}'")
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE, code, max_age=COOKIE_MAX_AGE, path="/", samesite="lax", httponly=True
    )
    return response


ROUTERS = (
    language_router, accounts.router, bases.router, enterprises.router, products.router,
    search.router, docking.router, docking_rfq.router, capacity.router, procurement.router,
    inbox.router, product_page.router, enquire.router, threads.router, workspace.router,
    base_transfer.router, markets.router,
    signup.router, events.router, event_schedule.router, event_agenda.router,
    event_meetings.router, event_register.router, event_registration.router,
    event_settings.router, event_outcomes.router, event_abroad.router,
    competition.router, competition_judging.router, competition_manage.router,
)
"""Every page router (``tests/integration/web/test_form_flow.py`` walks their forms)."""


def install(app: FastAPI) -> None:
    """Add the page routes and the HTML error page to ``app``."""
    app.state.render_error = render_error
    for router in ROUTERS:
        app.include_router(router)
