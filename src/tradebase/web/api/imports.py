"""Upload a CSV or XLSX file to import enterprises, products or indicators."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tradebase.errors import Unauthenticated
from tradebase.registry.transfer import Limits, authorize_import
from tradebase.web.deps import CurrentActor, DbSession
from tradebase.web.uploads import import_upload, upload_format

router = APIRouter(prefix="/api/v1", tags=["imports"])


class ImportKind(StrEnum):
    enterprises = "enterprises"
    products = "products"
    indicators = "indicators"


class ImportWarning(BaseModel):
    """Something to check in an imported row (e.g. an HS 2017 code split in HS 2022)."""

    line: int
    column: str | None
    code: str = Field(description="What to check, e.g. hs_confirm_subheading")
    params: dict[str, str] = Field(description="The values the message names")
    message: str


class ImportResult(BaseModel):
    kind: str
    created: int
    updated: int
    enterprises_created: int
    warnings: list[ImportWarning] = Field(default_factory=list)


@router.post(
    "/imports/{kind}",
    response_model=ImportResult,
    responses={403: {"description": "The caller may import no such file"},
               409: {"description": "A concurrent change took a key of the file; retry"},
               413: {"description": "File too large"}, 415: {"description": "Not CSV/XLSX"},
               422: {"description": "Bad rows, a damaged file or a limit passed; nothing "
                                    "imported"}},
)
async def upload_import(
    kind: ImportKind,
    request: Request,
    db: DbSession,
    actor: CurrentActor,
    file: Annotated[UploadFile, File(description="A .csv or .xlsx file")],
) -> ImportResult:
    """Import a file, all-or-nothing, with the caller's rights checked row by row: one bad or
    forbidden row rejects the whole file, and the answer lists every bad row. A caller that
    may import no such file is refused before the file is read."""
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to import")
    authorize_import(session=db, kind=kind.value)
    fmt = upload_format(file)
    limits = Limits.from_settings(request.app.state.settings, kind.value, uploaded=True)
    # Reading, checking and writing the file is blocking work: keep it off the event loop.
    summary = await run_in_threadpool(
        import_upload, session=db, kind=kind.value, upload=file, fmt=fmt, limits=limits
    )
    return ImportResult(
        kind=kind.value, created=summary.created, updated=summary.updated,
        enterprises_created=len(summary.enterprises_created),
        warnings=[ImportWarning(line=w.line, column=w.column, code=w.code, params=w.params,
                                message=w.message) for w in summary.warnings],
    )
