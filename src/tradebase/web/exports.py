"""Exports as downloads: the file written in a private temporary folder, sent, removed."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path

from fastapi import Response
from sqlalchemy.orm import Session

from tradebase.registry.transfer import export_file


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"

    @property
    def media_type(self) -> str:
        if self is ExportFormat.csv:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_name(kind: str, base_id: int | None, fmt: ExportFormat) -> str:
    return f"{kind}{f'-base-{base_id}' if base_id is not None else ''}.{fmt.value}"


def export_response(*, session: Session, kind: str, base_id: int | None,
                    fmt: ExportFormat) -> Response:
    """The export of ``kind`` (of ``base_id``, else of the caller's bases) as an attachment;
    the caller's rights are checked by ``transfer.export_file``."""
    name = export_name(kind, base_id, fmt)
    with tempfile.TemporaryDirectory(prefix="tradebase-export-") as folder:
        path = Path(folder) / name
        export_file(session=session, kind=kind, path=path, fmt=fmt.value, base_id=base_id)
        content = path.read_bytes()
    return Response(content, media_type=fmt.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})
