"""REST endpoints of capacity docking and group procurement (docs/allocation.md).

Thin: the two solvers behind the same JSON as ``tradebase allocate|procure``, and the
procurement rounds of a base. The endpoints are plain ``def``s, so FastAPI runs them (and the
solver) in its thread pool, off the event loop; ``TRADEBASE_SOLVER_TIME_LIMIT`` bounds a solve.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tradebase.accounts.policy import Actor
from tradebase.allocation import round_schemas as rs
from tradebase.allocation import rounds
from tradebase.allocation.procurement import ProcurementOptions, award_lots
from tradebase.allocation.schemas import (
    AllocationInput,
    AllocationResult,
    ProcurementInput,
    ProcurementResult,
)
from tradebase.allocation.solver import SolveOptions, split_order
from tradebase.errors import Unauthenticated
from tradebase.web.deps import CurrentActor, DbSession, IdPath
from tradebase.web.i18n import request_language
from tradebase.web.pages import award_words
from tradebase.web.pages.templating import gettext_for

router = APIRouter(prefix="/api/v1", tags=["allocation"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _signed_in(actor: Actor) -> None:
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to use the solvers")


def time_limit(request: Request) -> float:
    return float(request.app.state.settings.solver_time_limit)


@router.post("/allocation/split", response_model=AllocationResult)
def split(data: AllocationInput, request: Request, actor: CurrentActor) -> object:
    """Split orders over factories at least total cost (the ``tradebase allocate`` file).
    An infeasible input is an answer: status ``infeasible`` with an explanation."""
    _signed_in(actor)
    orders, factories, scenario = data.to_engine()
    plan = split_order(orders, factories, scenario, SolveOptions(time_limit=time_limit(request)))
    return AllocationResult.from_plan(plan)


@router.post("/procurement/award", response_model=ProcurementResult)
def award(data: ProcurementInput, request: Request, actor: CurrentActor) -> object:
    """Pool needs per material and award them to suppliers (the ``tradebase procure`` file)."""
    _signed_in(actor)
    needs, quotes = data.to_engine()
    plan = award_lots(needs, quotes, ProcurementOptions(time_limit=time_limit(request)))
    return ProcurementResult.from_plan(plan)


# --- procurement rounds ------------------------------------------------------------------------


@router.get("/procurement/rounds", response_model=list[rs.RoundSummary])
def list_rounds(db: DbSession) -> object:
    """The rounds of the caller's bases (all of them for administrators and officers)."""
    return rounds.list_rounds(session=db)


@router.post("/procurement/rounds", response_model=rs.RoundOut, status_code=201)
def open_round(data: rs.RoundCreate, db: DbSession) -> object:
    """A base administrator opens a round with its materials."""
    made = rounds.open_round(session=db, data=data)
    return rounds.round_view(session=db, round_id=made.id)


@router.get("/procurement/rounds/{round_id}", response_model=rs.RoundOut)
def get_round(round_id: IdPath, db: DbSession) -> object:
    """Pooled lots and progress; quote prices stay sealed (null) while the round is open."""
    return rounds.round_view(session=db, round_id=round_id)


@router.post("/procurement/rounds/{round_id}/needs", response_model=rs.NeedOut,
             status_code=201)
def declare_need(round_id: IdPath, data: rs.NeedCreate, db: DbSession) -> object:
    need = rounds.declare_need(session=db, round_id=round_id, data=data)
    return rounds.need_out(need)


@router.post("/procurement/rounds/{round_id}/quotes", response_model=rs.QuoteReceived,
             status_code=201)
def add_quote(round_id: IdPath, data: rs.QuoteCreate, db: DbSession) -> object:
    """A supplier's member enters its own sealed quote; a base administrator enters one on
    a supplier's behalf (recorded). In the round's currency. The answer echoes no price."""
    quote = rounds.add_quote(session=db, round_id=round_id, data=data)
    return rs.QuoteReceived(id=quote.id, supplier=quote.supplier, material=quote.material.name,
                            on_behalf=quote.on_behalf, entered_by=quote.entered_by)


@router.post("/procurement/rounds/{round_id}/close", response_model=rs.RoundOut)
def close_round(round_id: IdPath, request: Request, db: DbSession,
                data: rs.RoundClose | None = None) -> object:
    """Close the round, open the quotes and award the lots. Before the closing date only with
    ``confirm_early`` (409 ``round.close_early`` otherwise)."""
    rounds.close_round(session=db, round_id=round_id, time_limit=time_limit(request),
                       confirm_early=bool(data and data.confirm_early))
    return rounds.round_view(session=db, round_id=round_id)


@router.post("/procurement/rounds/{round_id}/publish", response_model=rs.RoundOut)
def publish_round(round_id: IdPath, db: DbSession) -> object:
    rounds.publish_round(session=db, round_id=round_id)
    return rounds.round_view(session=db, round_id=round_id)


@router.get("/procurement/rounds/{round_id}/award", response_model=rs.RoundAwardOut)
def round_award(round_id: IdPath, db: DbSession) -> object:
    """The published award: awards, total, standalone cost and saving, and the shares the
    caller may see (an enterprise's member: its own)."""
    found = rounds.round_award(session=db, round_id=round_id)
    return rs.RoundAwardOut(round_id=found.round.id, status=found.round.status,
                            currency=found.round.currency, result=found.result,
                            shares=[rs.ShareOut(**s) for s in found.shares])


@router.get(
    "/procurement/rounds/{round_id}/award.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The award as a workbook"}},
)
def round_award_xlsx(round_id: IdPath, db: DbSession, request: Request) -> Response:
    """The award as a workbook, in the reader's language (labels, statuses and reasons)."""
    found = rounds.round_award(session=db, round_id=round_id)
    units = {lot.material: lot.unit for lot in rounds.round_view(session=db,
                                                                  round_id=round_id).lots}
    words = award_words.CatalogWorkbookWords(
        request_language(request), gettext_for(request),
        str(found.result.get("currency") or found.round.currency), units)
    return Response(
        rounds.award_workbook(found, words), media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="award-{round_id}.xlsx"'},
    )
