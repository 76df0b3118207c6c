"""Trade flows under /api/v1/analytics/trade: import a file, read a reporter's measures.

A reporter is written ``base:<id>``, ``enterprise:<id>``, ``region:<id>`` or
``country:<ISO alpha-3>``. Who may read or import whose records: ``accounts/policy.py``
(``may_read_trade``, ``may_import_trade``); the measures are ``analytics/flows.py``'s.
"""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tradebase.analytics import flows
from tradebase.analytics.trade_import import (
    Source,
    TradeImportSummary,
    authorize_trade_import,
    import_trade_file,
)
from tradebase.errors import Unauthenticated
from tradebase.web.deps import CurrentActor, DbSession
from tradebase.web.uploads import UnsupportedType, copy_upload

router = APIRouter(prefix="/api/v1/analytics/trade", tags=["analytics"])

_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx"}


class Flow(StrEnum):
    export = "export"
    import_ = "import"
    re_export = "re_export"
    re_import = "re_import"


class SourceChoice(StrEnum):
    tradebase = "tradebase"
    comtrade = "comtrade"
    baci = "baci"


class Level(StrEnum):
    chapter = "2"
    heading = "4"
    subheading = "6"


Reporter = Annotated[str, PathParam(
    max_length=40, description="base:<id>, enterprise:<id>, region:<id> or country:<alpha-3>")]
FlowQuery = Annotated[Flow, Query(description="Which flow: exports by default")]
Currency = Annotated[str, Query(
    pattern="^[A-Z]{3}$", description="Only records in this currency are summed (ISO 4217); "
                                      "the others are counted in other_currency_rows")]
Year = Annotated[int, Query(ge=1900, le=2100)]
LevelQuery = Annotated[Level, Query(description="HS digits: 2, 4 or 6")]


class MeasureOut(BaseModel):
    reporter: str
    flow: str
    currency: str
    rows: list[dict[str, Any]]
    other_currency_rows: int = Field(description="Records of the flow in other currencies, "
                                                 "left out")
    reference: str | None = Field(None, description="RCA: the reference's reporters, or world")
    reference_missing: bool = Field(False, description="RCA: the reference has no record of "
                                                       "the year; no RCA was computed")


class TradeImportOut(BaseModel):
    source: str
    filename: str
    rows_read: int
    written: int
    replaced: int = Field(description="Rows an earlier import of the same file had written "
                                      "for the same reporters")
    skipped: dict[str, int]
    notes: dict[str, int]
    reporters: list[str]


def _out(measure: flows.Measure) -> MeasureOut:
    return MeasureOut(**vars(measure))


def _scope(actor: CurrentActor, reporter: str, flow: Flow, currency: str) -> flows.Scope:
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to read trade records")
    return flows.Scope(reporter=reporter, flow=flow.value, currency=currency)


@router.get("/{reporter}/markets", response_model=MeasureOut)
def markets(reporter: Reporter, db: DbSession, actor: CurrentActor,
            flow: FlowQuery = Flow.export, currency: Currency = "USD") -> MeasureOut:
    """Destination markets over time: value and share of each partner by year."""
    scope = _scope(actor, reporter, flow, currency)
    return _out(flows.destination_markets(session=db, scope=scope))


@router.get("/{reporter}/products", response_model=MeasureOut)
def products(reporter: Reporter, db: DbSession, actor: CurrentActor,
             flow: FlowQuery = Flow.export, currency: Currency = "USD",
             level: LevelQuery = Level.chapter, year: Year | None = None) -> MeasureOut:
    """Product mix: value and share of each HS chapter, heading or subheading by year."""
    scope = _scope(actor, reporter, flow, currency)
    return _out(flows.product_mix(session=db, scope=scope, level=int(level.value), year=year))


@router.get("/{reporter}/rca", response_model=MeasureOut)
def revealed_advantage(
    reporter: Reporter, db: DbSession, actor: CurrentActor, year: Year,
    flow: FlowQuery = Flow.export, currency: Currency = "USD",
    level: LevelQuery = Level.subheading,
    reference: Annotated[str, Query(
        max_length=2000, description="world (every country reporter as loaded) or reporters "
                                     "separated by commas")] = flows.WORLD,
) -> MeasureOut:
    """Balassa's revealed comparative advantage of each product in ``year``."""
    scope = _scope(actor, reporter, flow, currency)
    ref: str | tuple[str, ...] = flows.WORLD if reference == flows.WORLD else tuple(
        key.strip() for key in reference.split(",") if key.strip())
    if isinstance(ref, tuple):
        for key in ref:
            flows.authorize_read(db, key)
    return _out(flows.rca(session=db, scope=scope, year=year, level=int(level.value),
                          reference=ref))


@router.get("/{reporter}/hhi", response_model=MeasureOut)
def concentration(reporter: Reporter, db: DbSession, actor: CurrentActor,
                  flow: FlowQuery = Flow.export, currency: Currency = "USD") -> MeasureOut:
    """Market concentration over partners (Herfindahl–Hirschman, 0–1) by year."""
    scope = _scope(actor, reporter, flow, currency)
    return _out(flows.hhi(session=db, scope=scope))


@router.get("/{reporter}/market-changes", response_model=MeasureOut)
def market_changes(reporter: Reporter, db: DbSession, actor: CurrentActor,
                   flow: FlowQuery = Flow.export, currency: Currency = "USD") -> MeasureOut:
    """Partners new and lost year on year (not across a year without records)."""
    scope = _scope(actor, reporter, flow, currency)
    return _out(flows.market_changes(session=db, scope=scope))


@router.get("/{reporter}/movers", response_model=MeasureOut)
def movers(
    reporter: Reporter, db: DbSession, actor: CurrentActor, year: Year,
    flow: FlowQuery = Flow.export, currency: Currency = "USD",
    by: Annotated[str, Query(pattern="^(partner|product)$")] = "partner",
    level: LevelQuery = Level.subheading, limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> MeasureOut:
    """The partners or products whose value changed most from ``year - 1`` to ``year``."""
    scope = _scope(actor, reporter, flow, currency)
    return _out(flows.top_movers(session=db, scope=scope, year=year, by=by,
                                 level=int(level.value), limit=limit))


def _import(db: Session, upload: UploadFile, source: SourceChoice, hs_edition: int | None,
            base_id: int | None, limit: int | None) -> TradeImportSummary:
    name = Path(upload.filename or "").name or "upload.csv"
    fmt = _SUFFIXES.get(Path(name).suffix.lower())
    if fmt is None:
        raise UnsupportedType("upload a .csv, .tsv or .xlsx file", field="file")
    with tempfile.TemporaryDirectory(prefix="tradebase-upload-") as folder:
        path = Path(folder) / name
        copy_upload(upload, path, fmt=fmt, limit=limit)
        return import_trade_file(session=db, path=path, source=Source(source.value),
                                 hs_edition=hs_edition, base_id=base_id)


@router.post(
    "/import", response_model=TradeImportOut,
    responses={403: {"description": "The caller may import trade records for nobody"},
               413: {"description": "File too large"},
               415: {"description": "Not CSV/TSV/XLSX"},
               422: {"description": "Bad rows (every one listed); nothing imported"}},
)
async def upload_trade(
    request: Request, db: DbSession, actor: CurrentActor,
    file: Annotated[UploadFile, File(description="A .csv, .tsv or .xlsx file")],
    source: Annotated[SourceChoice, Query(description="tradebase, comtrade or baci")],
    hs_edition: Annotated[int | None, Query(
        alias="hs_edition", description="2022, 2017 or 2012; BACI: else from the file name"
    )] = None,
    base_id: Annotated[int | None, Query(
        alias="base", ge=1, le=2**31 - 1,
        description="Our format: the base the file is for (an empty reporter means it)")] = None,
) -> TradeImportOut:
    """Import trade records, all-or-nothing, each reporter checked against the caller's
    rights (an administrator: any; a base administrator: its bases and their enterprises)."""
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to import")
    authorize_trade_import(session=db)
    summary = await run_in_threadpool(
        _import, db, file, source, hs_edition, base_id,
        request.app.state.settings.upload_max_bytes)
    return TradeImportOut(
        source=summary.source.value, filename=summary.filename, rows_read=summary.rows_read,
        written=summary.written, replaced=summary.replaced, skipped=summary.skipped,
        notes=summary.notes, reporters=summary.reporters)
