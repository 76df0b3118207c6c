"""Upload a CSV or XLSX file to import a kind of the register, or download its export."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from tradebase.errors import Unauthenticated
from tradebase.registry.transfer import Limits, authorize_import
from tradebase.web.deps import CurrentActor, DbSession
from tradebase.web.exports import ExportFormat, export_response
from tradebase.web.uploads import import_upload, upload_format

router = APIRouter(prefix="/api/v1", tags=["imports"])


class ImportKind(StrEnum):
    enterprises = "enterprises"
    products = "products"
    indicators = "indicators"
    designations = "designations"
    key_enterprises = "key_enterprises"
    key_projects = "key_projects"
    regions = "regions"


BaseFilter = Annotated[int | None, Query(
    alias="base", ge=1, le=2**31 - 1,
    description="The id of the one base the file is for (a row of another base is an error "
                "on its line; an empty base cell means this base)")]


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
    rows_read: int = Field(0, description="Data rows of the file")
    rows_refused: int = Field(0, description="Always 0: a file with a bad row is refused "
                                             "whole (422, whose rows list every error)")


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
    base_id: BaseFilter = None,
) -> ImportResult:
    """Import a file, all-or-nothing, with the caller's rights checked row by row: one bad or
    forbidden row rejects the whole file, and the answer lists every bad row. A caller that
    may import no such file is refused before the file is read."""
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to import")
    authorize_import(session=db, kind=kind.value, base_id=base_id)
    fmt = upload_format(file)
    limits = Limits.from_settings(request.app.state.settings, kind.value, uploaded=True)
    # Reading, checking and writing the file is blocking work: keep it off the event loop.
    summary = await run_in_threadpool(
        import_upload, session=db, kind=kind.value, upload=file, fmt=fmt, limits=limits,
        base_id=base_id,
    )
    return ImportResult(
        kind=kind.value, created=summary.created, updated=summary.updated,
        enterprises_created=len(summary.enterprises_created),
        warnings=[ImportWarning(line=w.line, column=w.column, code=w.code, params=w.params,
                                message=w.message) for w in summary.warnings],
        rows_read=summary.rows_read,
    )


@router.get(
    "/exports/{kind}",
    response_class=Response,
    responses={200: {"description": "The file, with the columns an import reads",
                     "content": {"text/csv": {}, ExportFormat.xlsx.media_type: {}}},
               403: {"description": "The caller may export no such base"}},
)
def download_export(
    kind: ImportKind,
    db: DbSession,
    actor: CurrentActor,
    base_id: Annotated[int | None, Query(
        alias="base", ge=1, le=2**31 - 1,
        description="Only this base's rows; by default those of every base the caller may "
                    "import into (a platform administrator: all)")] = None,
    fmt: Annotated[ExportFormat, Query(alias="format")] = ExportFormat.csv,
) -> Response:
    """The rows of ``kind`` as a file: a base administrator's of its bases only."""
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to export")
    return export_response(session=db, kind=kind.value, base_id=base_id, fmt=fmt)
