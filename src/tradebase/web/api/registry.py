"""REST endpoints of the register. Thin: parse, call the service, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from tradebase.registry import indicators, schemas, service, sources
from tradebase.registry.service import ListFilters
from tradebase.web.api.versioning import IfMatch, guarded, tagged
from tradebase.web.deps import DbSession, IdPath, IdQuery, Paging, YearQuery

router = APIRouter(prefix="/api/v1")

Q = Annotated[str | None, Query(description="Filter by name or title text", max_length=200)]
RegionParam = Annotated[
    str | None, Query(description="Region id, code or name; includes the regions below it")
]
IndustryParam = Annotated[str | None, Query(description="Industry id or key")]
HsParam = Annotated[
    str | None, Query(description="HS code prefix, up to six digits without a dot", max_length=7)
]
CertParam = Annotated[str | None, Query(description="Certification code, e.g. FSC", max_length=40)]
MarketParam = Annotated[
    str | None, Query(description="Export market, ISO 3166 alpha-2", pattern=r"^[A-Za-z]{2}$")
]

NO_CONTENT = Response(status_code=204)
# How a stale write's 412 shows the object as stored (the fields a GET shows).
_BASE_OUT = schemas.BaseOut.model_validate
_DESIGNATION_OUT = schemas.DesignationOut.model_validate
_ENTERPRISE_OUT = schemas.EnterpriseOut.model_validate
_PRODUCT_OUT = schemas.ProductOut.model_validate


def _page(items: list[object], total: int, paging: Paging) -> dict[str, object]:
    return {"items": items, "total": total, "limit": paging.limit, "offset": paging.offset}


# --- regions, industries, HS -------------------------------------------------------------


@router.get("/regions", response_model=schemas.Page[schemas.RegionOut], tags=["register"])
def list_regions(db: DbSession, paging: Paging, level: str | None = None) -> dict[str, object]:
    regions = service.list_regions(session=db, level=level)
    return _page(list(regions[paging.offset : paging.offset + paging.limit]), len(regions), paging)


@router.get("/regions/{region_id}", response_model=schemas.RegionOut, tags=["register"])
def get_region(region_id: IdPath, db: DbSession) -> object:
    return service.get_region(session=db, region_id=region_id)


@router.get("/industries", response_model=schemas.Page[schemas.IndustryOut], tags=["register"])
def list_industries(db: DbSession, paging: Paging) -> dict[str, object]:
    items = service.list_industries(session=db)
    return _page(list(items[paging.offset : paging.offset + paging.limit]), len(items), paging)


@router.get("/industries/{industry_id}", response_model=schemas.IndustryOut, tags=["register"])
def get_industry(industry_id: IdPath, db: DbSession) -> object:
    return service.get_industry(session=db, industry_id=industry_id)


@router.get("/hs-codes", response_model=schemas.Page[schemas.HsCodeOut], tags=["register"])
def list_hs_codes(
    db: DbSession,
    paging: Paging,
    prefix: Annotated[str | None, Query(pattern=r"^\d{1,6}$")] = None,
    q: Q = None,
    level: Annotated[int | None, Query(ge=2, le=6)] = None,
) -> dict[str, object]:
    items, total = service.list_hs_codes(
        session=db, prefix=prefix, q=q, level=level, limit=paging.limit, offset=paging.offset
    )
    return _page(list(items), total, paging)


@router.get("/hs-codes/{code}", response_model=schemas.HsCodeOut, tags=["register"])
def get_hs_code(code: str, db: DbSession) -> object:
    return service.get_hs_code(session=db, code=code)


# --- bases ---------------------------------------------------------------------------------


@router.get("/bases", response_model=schemas.Page[schemas.BaseOut], tags=["bases"])
def list_bases(
    db: DbSession, paging: Paging, q: Q = None, region: RegionParam = None,
    industry: IndustryParam = None,
) -> dict[str, object]:
    items, total = service.list_bases(
        session=db, filters=ListFilters(q=q, region=region, industry=industry),
        limit=paging.limit, offset=paging.offset,
    )
    return _page(list(items), total, paging)


@router.post("/bases", response_model=schemas.BaseOut, status_code=201, tags=["bases"])
def create_base(data: schemas.BaseCreate, db: DbSession, response: Response) -> object:
    return tagged(response, service.create_base(session=db, data=data))


@router.get("/bases/{base_id}", response_model=schemas.BaseOut, tags=["bases"])
def get_base(base_id: IdPath, db: DbSession, response: Response) -> object:
    return tagged(response, service.get_base(session=db, base_id=base_id))


@router.patch("/bases/{base_id}", response_model=schemas.BaseOut, tags=["bases"])
def update_base(
    base_id: IdPath, data: schemas.BaseUpdate, db: DbSession, response: Response,
    if_match: IfMatch = None,
) -> object:
    def change(expected: int | None) -> object:
        return service.update_base(
            session=db, base_id=base_id, data=data, expected_version=expected,
        )

    return tagged(response, guarded(if_match, _BASE_OUT, change))


@router.delete("/bases/{base_id}", status_code=204, tags=["bases"])
def delete_base(base_id: IdPath, db: DbSession, if_match: IfMatch = None) -> Response:
    guarded(if_match, _BASE_OUT, lambda expected: service.delete_base(
        session=db, base_id=base_id, expected_version=expected,
    ))
    return NO_CONTENT


@router.get(
    "/bases/{base_id}/indicators",
    response_model=schemas.Page[schemas.IndicatorRead],
    tags=["bases", "indicators"],
)
def list_base_indicators(
    base_id: IdPath, db: DbSession, paging: Paging, metric: str | None = None,
    year: YearQuery = None,
) -> dict[str, object]:
    service.get_base(session=db, base_id=base_id)
    facts, total = indicators.list_indicators(
        session=db, base_id=base_id, metric=metric, year=year,
        limit=paging.limit, offset=paging.offset,
    )
    return _page([indicators.as_read(f) for f in facts], total, paging)


@router.get(
    "/bases/{base_id}/key-enterprises",
    response_model=schemas.Page[schemas.KeyEnterpriseOut],
    tags=["bases"],
)
def list_key_enterprises(base_id: IdPath, db: DbSession, paging: Paging) -> dict[str, object]:
    service.get_base(session=db, base_id=base_id)
    items = service.list_key_enterprises(session=db, base_id=base_id)
    return _page(list(items[paging.offset : paging.offset + paging.limit]), len(items), paging)


@router.get(
    "/bases/{base_id}/key-projects",
    response_model=schemas.Page[schemas.KeyProjectOut],
    tags=["bases"],
)
def list_key_projects(base_id: IdPath, db: DbSession, paging: Paging) -> dict[str, object]:
    service.get_base(session=db, base_id=base_id)
    items = service.list_key_projects(session=db, base_id=base_id)
    return _page(list(items[paging.offset : paging.offset + paging.limit]), len(items), paging)


# --- designations --------------------------------------------------------------------------


@router.get(
    "/designations", response_model=schemas.Page[schemas.DesignationOut], tags=["bases"]
)
def list_designations(
    db: DbSession, paging: Paging, base_id: IdQuery = None
) -> dict[str, object]:
    items, total = service.list_designations(
        session=db, base_id=base_id, limit=paging.limit, offset=paging.offset
    )
    return _page(list(items), total, paging)


@router.post(
    "/designations", response_model=schemas.DesignationOut, status_code=201, tags=["bases"]
)
def create_designation(
    data: schemas.DesignationCreate, db: DbSession, response: Response
) -> object:
    return tagged(response, service.create_designation(session=db, data=data))


@router.get(
    "/designations/{designation_id}", response_model=schemas.DesignationOut, tags=["bases"]
)
def get_designation(designation_id: IdPath, db: DbSession, response: Response) -> object:
    return tagged(response, service.get_designation(session=db, designation_id=designation_id))


@router.patch(
    "/designations/{designation_id}", response_model=schemas.DesignationOut, tags=["bases"]
)
def update_designation(
    designation_id: IdPath, data: schemas.DesignationUpdate, db: DbSession, response: Response,
    if_match: IfMatch = None,
) -> object:
    def change(expected: int | None) -> object:
        return service.update_designation(
            session=db, designation_id=designation_id, data=data, expected_version=expected,
        )

    return tagged(response, guarded(if_match, _DESIGNATION_OUT, change))


@router.delete("/designations/{designation_id}", status_code=204, tags=["bases"])
def delete_designation(designation_id: IdPath, db: DbSession, if_match: IfMatch = None) -> Response:
    guarded(if_match, _DESIGNATION_OUT, lambda expected: service.delete_designation(
        session=db, designation_id=designation_id, expected_version=expected,
    ))
    return NO_CONTENT


# --- enterprises ---------------------------------------------------------------------------


@router.get(
    "/enterprises", response_model=schemas.Page[schemas.EnterpriseOut], tags=["enterprises"]
)
def list_enterprises(
    db: DbSession, paging: Paging, q: Q = None, region: RegionParam = None,
    industry: IndustryParam = None, hs_code: HsParam = None, certification: CertParam = None,
    market: MarketParam = None, base_id: IdQuery = None,
) -> dict[str, object]:
    filters = ListFilters(
        q=q, region=region, industry=industry, hs_code=hs_code, certification=certification,
        market=market, base_id=base_id,
    )
    items, total = service.list_enterprises(
        session=db, filters=filters, limit=paging.limit, offset=paging.offset
    )
    return _page(list(items), total, paging)


@router.post(
    "/enterprises", response_model=schemas.EnterpriseOut, status_code=201, tags=["enterprises"]
)
def create_enterprise(data: schemas.EnterpriseCreate, db: DbSession, response: Response) -> object:
    return tagged(response, service.create_enterprise(session=db, data=data))


@router.get(
    "/enterprises/{enterprise_id}", response_model=schemas.EnterpriseOut, tags=["enterprises"]
)
def get_enterprise(enterprise_id: IdPath, db: DbSession, response: Response) -> object:
    return tagged(response, service.get_enterprise(session=db, enterprise_id=enterprise_id))


@router.patch(
    "/enterprises/{enterprise_id}", response_model=schemas.EnterpriseOut, tags=["enterprises"]
)
def update_enterprise(
    enterprise_id: IdPath, data: schemas.EnterpriseUpdate, db: DbSession, response: Response,
    if_match: IfMatch = None,
) -> object:
    def change(expected: int | None) -> object:
        return service.update_enterprise(
            session=db, enterprise_id=enterprise_id, data=data, expected_version=expected,
        )

    return tagged(response, guarded(if_match, _ENTERPRISE_OUT, change))


@router.delete("/enterprises/{enterprise_id}", status_code=204, tags=["enterprises"])
def delete_enterprise(enterprise_id: IdPath, db: DbSession, if_match: IfMatch = None) -> Response:
    guarded(if_match, _ENTERPRISE_OUT, lambda expected: service.delete_enterprise(
        session=db, enterprise_id=enterprise_id, expected_version=expected,
    ))
    return NO_CONTENT


@router.get(
    "/enterprises/{enterprise_id}/indicators",
    response_model=schemas.Page[schemas.IndicatorRead],
    tags=["enterprises", "indicators"],
)
def list_enterprise_indicators(
    enterprise_id: IdPath, db: DbSession, paging: Paging, metric: str | None = None
) -> dict[str, object]:
    service.get_enterprise(session=db, enterprise_id=enterprise_id)
    facts, total = indicators.list_indicators(
        session=db, enterprise_id=enterprise_id, metric=metric,
        limit=paging.limit, offset=paging.offset,
    )
    return _page([indicators.as_read(f) for f in facts], total, paging)


# --- products ------------------------------------------------------------------------------


@router.get("/products", response_model=schemas.Page[schemas.ProductOut], tags=["products"])
def list_products(
    db: DbSession, paging: Paging, q: Q = None, enterprise_id: IdQuery = None,
    hs_code: HsParam = None, certification: CertParam = None, region: RegionParam = None,
    industry: IndustryParam = None, market: MarketParam = None, base_id: IdQuery = None,
) -> dict[str, object]:
    filters = ListFilters(
        q=q, enterprise_id=enterprise_id, hs_code=hs_code, certification=certification,
        region=region, industry=industry, market=market, base_id=base_id,
    )
    items, total = service.list_products(
        session=db, filters=filters, limit=paging.limit, offset=paging.offset
    )
    return _page(list(items), total, paging)


@router.post("/products", response_model=schemas.ProductOut, status_code=201, tags=["products"])
def create_product(data: schemas.ProductCreate, db: DbSession, response: Response) -> object:
    return tagged(response, service.create_product(session=db, data=data))


@router.get("/products/{product_id}", response_model=schemas.ProductOut, tags=["products"])
def get_product(product_id: IdPath, db: DbSession, response: Response) -> object:
    return tagged(response, service.get_product(session=db, product_id=product_id))


@router.patch("/products/{product_id}", response_model=schemas.ProductOut, tags=["products"])
def update_product(
    product_id: IdPath, data: schemas.ProductUpdate, db: DbSession, response: Response,
    if_match: IfMatch = None,
) -> object:
    def change(expected: int | None) -> object:
        return service.update_product(
            session=db, product_id=product_id, data=data, expected_version=expected,
        )

    return tagged(response, guarded(if_match, _PRODUCT_OUT, change))


@router.delete("/products/{product_id}", status_code=204, tags=["products"])
def delete_product(product_id: IdPath, db: DbSession, if_match: IfMatch = None) -> Response:
    guarded(if_match, _PRODUCT_OUT, lambda expected: service.delete_product(
        session=db, product_id=product_id, expected_version=expected,
    ))
    return NO_CONTENT


# --- sources ---------------------------------------------------------------------------------

SourceIdPath = Annotated[str, Path(pattern=schemas.SOURCE_ID_PATTERN)]


@router.get("/sources", response_model=schemas.Page[schemas.SourceOut], tags=["indicators"])
def list_sources(db: DbSession, paging: Paging) -> dict[str, object]:
    """The publications indicator facts are cited to, with how many facts cite each."""
    items, total = sources.list_sources(session=db, limit=paging.limit, offset=paging.offset)
    return _page(list(items), total, paging)


@router.get("/sources/{source_id}", response_model=schemas.SourceOut, tags=["indicators"])
def get_source(source_id: SourceIdPath, db: DbSession) -> object:
    return sources.get_source(session=db, source_id=source_id)


# --- indicators ------------------------------------------------------------------------------


@router.get(
    "/indicators", response_model=schemas.Page[schemas.IndicatorRead], tags=["indicators"]
)
def list_indicators(
    db: DbSession, paging: Paging, base_id: IdQuery = None, enterprise_id: IdQuery = None,
    metric: str | None = None, year: YearQuery = None,
) -> dict[str, object]:
    facts, total = indicators.list_indicators(
        session=db, base_id=base_id, enterprise_id=enterprise_id, metric=metric, year=year,
        limit=paging.limit, offset=paging.offset,
    )
    return _page([indicators.as_read(f) for f in facts], total, paging)


@router.post(
    "/indicators", response_model=schemas.IndicatorRead, status_code=201, tags=["indicators"]
)
def create_indicator(
    data: schemas.IndicatorCreate, db: DbSession, response: Response
) -> object:
    fact = indicators.create_indicator(session=db, data=data)
    return tagged(response, indicators.as_read(fact))


@router.get(
    "/indicators/{fact_id}", response_model=schemas.IndicatorRead, tags=["indicators"]
)
def get_indicator(fact_id: IdPath, db: DbSession, response: Response) -> object:
    fact = indicators.get_indicator(session=db, fact_id=fact_id)
    return tagged(response, indicators.as_read(fact))


@router.patch(
    "/indicators/{fact_id}", response_model=schemas.IndicatorRead, tags=["indicators"]
)
def update_indicator(
    fact_id: IdPath, data: schemas.IndicatorUpdate, db: DbSession, response: Response,
    if_match: IfMatch = None,
) -> object:
    fact = guarded(if_match, indicators.as_read, lambda expected: indicators.as_read(
        indicators.update_indicator(
            session=db, fact_id=fact_id, data=data, expected_version=expected
        )
    ))
    return tagged(response, fact)


@router.delete("/indicators/{fact_id}", status_code=204, tags=["indicators"])
def delete_indicator(fact_id: IdPath, db: DbSession, if_match: IfMatch = None) -> Response:
    guarded(if_match, indicators.as_read, lambda expected: indicators.delete_indicator(
        session=db, fact_id=fact_id, expected_version=expected,
    ))
    return NO_CONTENT


@router.get("/metrics", tags=["indicators"])
def list_metrics() -> dict[str, object]:
    """The documented metric list: name, kind (money, count, percent, ...), labels, unit."""
    from tradebase.registry.metrics import METRICS

    items = [
        {"name": m.name, "kind": m.kind.value, "label_en": m.label_en, "label_zh": m.label_zh,
         "default_unit": m.default_unit}
        for m in METRICS.values()
    ]
    return {"items": items, "total": len(items)}
