"""The home page (the bases) and the page of one base."""

from __future__ import annotations

from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.requests import Request

from tradebase.accounts.policy import Permission, is_allowed
from tradebase.registry import indicators, service, sources
from tradebase.registry.models import IndicatorFact, Region
from tradebase.web.deps import DbSession
from tradebase.web.i18n import request_language
from tradebase.web.pages import base_transfer, charts, listing, markets, reads
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, is_htmx, render

router = page_router()

# The figures a base card leads with, in this order of preference.
HEADLINE_METRICS = (
    "output_value", "export_value", "import_export_value", "enterprises", "employees",
    "destination_countries", "market_share", "key_enterprises",
)
HEADLINES = 3
ENTERPRISES_PER_PAGE = 20
SAMPLE_METRIC = "output_value"


def headline_facts(facts: list[IndicatorFact]) -> list[IndicatorFact]:
    """The first few figures of a base card: the latest of the preferred metrics."""
    latest = indicators.latest_by_metric(facts)
    by_metric = {fact.metric: fact for fact in latest}
    chosen = [by_metric[name] for name in HEADLINE_METRICS if name in by_metric]
    chosen += [fact for fact in latest if fact not in chosen]
    return chosen[:HEADLINES]


def region_paths(*, session: Session) -> dict[int, list[Region]]:
    """Each region with the regions above it, top first (Fujian > Quanzhou > Anxi County),
    from one query."""
    regions = {region.id: region for region in service.list_regions(session=session)}
    paths: dict[int, list[Region]] = {}
    for region in regions.values():
        path = [region]
        parent_id = region.parent_id
        while parent_id is not None and parent_id in regions and len(path) < len(regions):
            path.insert(0, regions[parent_id])
            parent_id = regions[parent_id].parent_id
        paths[region.id] = path
    return paths


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DbSession) -> HTMLResponse:
    bases, _total = service.list_bases(session=db, limit=200)
    facts = reads.facts_of_bases(session=db, base_ids=[base.id for base in bases])
    cards = [(base, headline_facts(facts[base.id])) for base in bases]
    return render(
        request, "home.html", {"cards": cards, "region_paths": region_paths(session=db)}
    )


@router.get("/bases/{base_id:int}", response_class=HTMLResponse)
def base_page(base_id: int, request: Request, db: DbSession) -> HTMLResponse:
    lang = request_language(request)
    gettext = gettext_for(request)
    base = service.get_base(session=db, base_id=base_id)
    criteria = listing.read_criteria(request)
    enterprises = listing.enterprises(
        session=db, criteria=criteria, gettext=gettext, limit=ENTERPRISES_PER_PAGE,
        base_id=base.id,
    )
    context = {
        "base": base,
        "criteria": criteria,
        "enterprises": enterprises,
        "list_path": f"/bases/{base.id}",
        "certification_codes": reads.certification_codes(session=db, base_id=base.id),
        "market_codes": reads.market_codes(session=db, base_id=base.id),
        "show_base_column": False,
        "may_view_dashboard": is_allowed(
            request.state.actor, Permission.VIEW_DOCKING_DASHBOARD, base_id=base.id),
        "may_create_enterprise": is_allowed(
            request.state.actor, Permission.CREATE_ENTERPRISE, base_id=base.id),
    }
    if is_htmx(request) and request.headers.get("hx-target") == "enterprise-list":
        return render(request, "partials/enterprise_list.html", context, lang=lang)

    facts, _ = indicators.list_indicators(session=db, base_id=base.id, limit=10_000)
    published = indicators.series(facts)
    latest = indicators.latest_by_metric(facts)
    samples = reads.sample_series_of_base(session=db, base_id=base.id, metric=SAMPLE_METRIC)
    context |= {
        "region_paths": region_paths(session=db),
        "latest": latest,
        "cited_sources": sources.cited_by(latest),
        "published_chart": charts.published_chart(published, lang),
        "sample_chart": charts.sample_chart(samples, lang),
        "key_enterprises": service.list_key_enterprises(session=db, base_id=base.id),
        "key_projects": service.list_key_projects(session=db, base_id=base.id),
        "transfer": base_transfer.panel(session=db, base_id=base.id, gettext=gettext),
        "markets": markets.section(session=db, request=request, base_id=base.id,
                                   gettext=gettext),
    }
    return render(request, "base.html", context, lang=lang)
