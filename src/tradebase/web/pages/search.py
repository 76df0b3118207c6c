"""Search over enterprises and catalog listings, with live results through HTMX."""

from __future__ import annotations

from fastapi.responses import HTMLResponse
from starlette.requests import Request

from tradebase.registry import service
from tradebase.web.deps import DbSession
from tradebase.web.pages import listing, reads
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, is_htmx, render

router = page_router()

ENTERPRISE_RESULTS = 10
PRODUCT_RESULTS = 20


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, db: DbSession) -> HTMLResponse:
    gettext = gettext_for(request)
    criteria = listing.read_criteria(request)
    context: dict[str, object] = {"criteria": criteria, "searched": criteria.any}
    if criteria.any:
        # Enterprises show their first matches only; the listing pages through ``offset``.
        first_page = listing.Criteria(
            values=criteria.values, errors=criteria.errors, limit=criteria.limit
        )
        context["enterprises"] = listing.enterprises(
            session=db, criteria=first_page, gettext=gettext, limit=ENTERPRISE_RESULTS
        )
        context["products"] = listing.products(
            session=db, criteria=criteria, gettext=gettext, limit=PRODUCT_RESULTS
        )
    if is_htmx(request):
        return render(request, "partials/search_results.html", context)
    context |= {
        "bases": service.list_bases(session=db, limit=200)[0],
        "certification_codes": reads.certification_codes(session=db),
        "market_codes": reads.market_codes(session=db),
    }
    return render(request, "search.html", context)
