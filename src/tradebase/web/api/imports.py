"""Upload a CSV or XLSX file to import enterprises, products or indicators."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from tradebase.errors import Unauthenticated
from tradebase.registry.transfer import import_file
from tradebase.web.deps import CurrentActor, DbSession
from tradebase.web.uploads import check_length, read_upload

router = APIRouter(prefix="/api/v1", tags=["imports"])


class ImportKind(StrEnum):
    enterprises = "enterprises"
    products = "products"
    indicators = "indicators"


class ImportResult(BaseModel):
    kind: str
    created: int
    updated: int
    enterprises_created: int


@router.post(
    "/imports/{kind}",
    response_model=ImportResult,
    dependencies=[Depends(check_length)],
    responses={413: {"description": "File too large"}, 415: {"description": "Not CSV/XLSX"},
               422: {"description": "Bad rows; nothing imported"}},
)
async def upload_import(
    kind: ImportKind,
    request: Request,
    db: DbSession,
    actor: CurrentActor,
    file: Annotated[UploadFile, File(description="A .csv or .xlsx file")],
) -> ImportResult:
    """Import a file, all-or-nothing, with the caller's rights checked row by row: one bad or
    forbidden row rejects the whole file, and the answer lists every bad row."""
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to import")
    fmt, data = await read_upload(request, file)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(file.filename or "upload").name or "upload")
        path.write_bytes(data)
        # The import is blocking database work: keep it off the event loop.
        summary = await run_in_threadpool(
            import_file, session=db, kind=kind.value, path=path, fmt=fmt
        )
    return ImportResult(
        kind=kind.value, created=summary.created, updated=summary.updated,
        enterprises_created=len(summary.enterprises_created),
    )
