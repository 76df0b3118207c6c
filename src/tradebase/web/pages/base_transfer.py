"""A base's "Import and export" panel and page: upload a file for the base, read the row
report, download the base's export of each kind.

Only whoever may import into the base (``policy.transfer_bases``: its base administrators and
platform administrators) sees the panel or reaches these routes. The upload is one form flow:
a wrong choice or file is said beside its field with what was chosen kept; a file with bad
rows is refused whole and its report lists every error by line and column, in the page's
language where the error has a code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import Actor, transfer_bases
from tradebase.errors import (
    Conflict,
    Forbidden,
    ImportRejected,
    InvalidInput,
    RowError,
    TooLarge,
    TradebaseError,
    Unauthenticated,
)
from tradebase.registry import service
from tradebase.registry.models import Base
from tradebase.registry.transfer import ImportSummary, Kind, Limits, importable_kinds
from tradebase.web.deps import DbSession
from tradebase.web.exports import ExportFormat, export_response
from tradebase.web.i18n import N_
from tradebase.web.pages.forms import Form
from tradebase.web.pages.messages import Gettext, add_messages, say_error, say_in
from tradebase.web.pages.routing import page_router
from tradebase.web.pages.templating import gettext_for, render
from tradebase.web.uploads import UnsupportedType, import_upload, upload_format

router = page_router()


async def _posted_form(request: Request) -> FormData:
    """The posted multipart form (read before the synchronous endpoint runs)."""
    return await request.form()


Posted = Annotated[FormData, Depends(_posted_form)]

KIND_LABELS: dict[Kind, str] = {
    Kind.ENTERPRISES: N_("Enterprises"),
    Kind.PRODUCTS: N_("Products"),
    Kind.INDICATORS: N_("Indicators"),
    Kind.DESIGNATIONS: N_("Designations"),
    Kind.KEY_ENTERPRISES: N_("Key enterprises"),
    Kind.KEY_PROJECTS: N_("Key projects"),
    Kind.REGIONS: N_("Regions"),
}

# The errors of a row in the page's language, by code, in the one table of messages.py (as
# the row report words them); a row error without one is shown as the importer wrote it
# (English), marked as such.
ROW_REPORT = "import_row"
add_messages({
    "missing": N_("must not be empty"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("must be at most %(max_length)s characters long"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "less_than_equal": N_("must be at most %(le)s"),
    "greater_than": N_("must be greater than %(gt)s"),
    "less_than": N_("must be less than %(lt)s"),
    "int_parsing": N_("must be a whole number, not “%(input)s”"),
    "float_parsing": N_("must be a number, not “%(input)s”"),
    "enum": N_("must be one of %(expected)s, not “%(input)s”"),
    "string_pattern_mismatch": N_("“%(input)s” has a form that is not allowed"),
    "import_unknown_enterprise": N_("no enterprise named “%(name)s” in base %(base)s"),
    "import_unknown_enterprise_mine": N_("no enterprise named “%(name)s” in your bases"),
    "import_other_base": N_("this file is for base %(base)s; the row is of base %(row_base)s"),
    "import_base_not_yours": N_("you do not manage base %(base)s"),
    "import_no_base": N_("you may import only rows of your own bases; name one"),
    "import_enterprise_not_yours": N_("you may not change enterprise “%(name)s”"),
    "import_unknown_base": N_("unknown base “%(ref)s”"),
    "import_unknown_id": N_("no entry has id %(id)s; leave id empty to add a new one"),
    "import_unknown_region": N_("unknown region “%(ref)s”; list a parent before its children"),
    "import_duplicate": N_("the same entry appears already on line %(line)s"),
    "import_own_parent": N_("a region cannot be its own parent"),
    "entry_name_missing": N_("give the name in Chinese or English"),
    "entry_list_title_missing": N_("give the list's title in Chinese or English"),
}, context=ROW_REPORT)
FILE_MESSAGES: dict[type[TradebaseError], str] = {
    UnsupportedType: N_("Upload a .csv or .xlsx file."),
    TooLarge: N_("The file is larger than the upload limit."),
}
CHOOSE_KIND = N_("Choose what the file holds.")
CHOOSE_FILE = N_("Choose a .csv or .xlsx file to upload.")
EMPTY_FILE = N_("The file is empty.")
NOT_IMPORTABLE = N_("You may not import this kind of file here.")
CONFLICT = N_("Other changes to the same data were saved while the file was imported; "
              "nothing was imported. Upload the file again.")


@dataclass
class ReportLine:
    line: int
    column: str
    message: str
    english: bool
    """The message is the importer's own English (no code to translate it by)."""


@dataclass
class Report:
    """What an upload did: the counts and, for a refused file, every error."""

    kind: Kind
    filename: str
    rows_read: int | None = None
    created: int = 0
    updated: int = 0
    rows_refused: int = 0
    errors: list[ReportLine] = field(default_factory=list)
    warnings: list[ReportLine] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.errors


def may_transfer(actor: Actor, base_id: int) -> bool:
    """The panel's rule: the actor may import into (and export) this base."""
    bases = transfer_bases(actor)
    return bases is None or base_id in bases


def panel(*, session: Session, base_id: int, gettext: Gettext) -> dict[str, Any] | None:
    """The context of the base page's panel; None for whoever may not use it."""
    actor = current_actor(session)
    if not actor.is_authenticated or not may_transfer(actor, base_id):
        return None
    return {"form": Form(), **_options(actor, base_id, gettext)}


def _options(actor: Actor, base_id: int, gettext: Gettext) -> dict[str, Any]:
    """The kinds the actor may upload here, and the kinds of the export links."""
    return {
        "kind_options": [(kind.value, gettext(KIND_LABELS[kind]))
                         for kind in importable_kinds(actor, base_id)],
        "export_options": [(kind.value, gettext(KIND_LABELS[kind])) for kind in Kind],
    }


def _check_access(session: Session, base_id: int) -> Base:
    base = service.get_base(session=session, base_id=base_id)
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to import or export a base's data")
    if not may_transfer(actor, base_id):
        raise Forbidden("you may not import or export this base's data",
                        code="export_forbidden")
    return base


def _line(error: RowError, gettext: Gettext) -> ReportLine:
    said = say_in(ROW_REPORT, error.code or "", error.params, gettext)
    return ReportLine(error.line, error.column or "", error.reason if said is None else said,
                      english=said is None)


def report_of(kind: Kind, filename: str, outcome: ImportSummary | ImportRejected,
              gettext: Gettext) -> Report:
    if isinstance(outcome, ImportRejected):
        return Report(kind, filename, rows_read=outcome.rows_read,
                      rows_refused=outcome.bad_rows,
                      errors=[_line(error, gettext) for error in outcome.errors])
    warnings = [ReportLine(w.line, w.column or "", w.message, True) for w in outcome.warnings]
    return Report(kind, filename, rows_read=outcome.rows_read, created=outcome.created,
                  updated=outcome.updated, warnings=warnings)


def _render(request: Request, base: Base, form: Form, report: Report | None,
            status_code: int = 200) -> HTMLResponse:
    options = _options(current_actor_of(request), base.id, gettext_for(request))
    return render(request, "base_transfer.html", {
        "base": base, "form": form, "report": report, "labels": KIND_LABELS, **options,
    }, status_code=status_code)


def current_actor_of(request: Request) -> Actor:
    actor: Actor = request.state.actor
    return actor


@router.get("/bases/{base_id}/transfer", response_class=HTMLResponse)
def transfer_page(base_id: int, request: Request, db: DbSession) -> HTMLResponse:
    base = _check_access(db, base_id)
    kind = request.query_params.get("kind", "")
    return _render(request, base, Form(values={"kind": kind}), None)


@router.post("/bases/{base_id}/transfer", response_class=HTMLResponse)
def upload(base_id: int, request: Request, db: DbSession, posted: Posted) -> HTMLResponse:
    """Import the uploaded file into the base, all-or-nothing, and show its row report
    (a worker thread runs this: FastAPI runs a plain endpoint off the event loop)."""
    base = _check_access(db, base_id)
    gettext = gettext_for(request)
    chosen = posted.get("kind")
    form = Form(values={"kind": chosen if isinstance(chosen, str) else ""})
    file = posted.get("file")
    kind = _chosen_kind(form, current_actor_of(request), base.id, gettext)
    fmt = _chosen_file(form, file, gettext)
    if kind is None or fmt is None or not isinstance(file, UploadFile):
        return _render(request, base, form, None, status_code=422)
    limits = Limits.from_settings(request.app.state.settings, kind.value, uploaded=True)
    filename = file.filename or f"upload.{fmt}"
    try:
        outcome: ImportSummary | ImportRejected = import_upload(
            session=db, kind=kind.value, upload=file, fmt=fmt, limits=limits, base_id=base.id)
    except ImportRejected as exc:
        db.rollback()  # nothing of the file is kept (it wrote nothing; this says so)
        outcome = exc
    except (InvalidInput, TooLarge, UnsupportedType) as exc:
        db.rollback()
        form.errors["file"] = _file_message(exc, gettext)
        return _render(request, base, form, None, status_code=exc.status_code)
    except Conflict:
        db.rollback()
        form.problem = gettext(CONFLICT)
        return _render(request, base, form, None, status_code=409)
    report = report_of(kind, filename, outcome, gettext)
    return _render(request, base, form, report, status_code=200 if report.imported else 422)


def _chosen_kind(form: Form, actor: Actor, base_id: int, gettext: Gettext) -> Kind | None:
    value = form.value("kind")
    if not value:
        form.errors["kind"] = gettext(CHOOSE_KIND)
        return None
    try:
        kind = Kind(value)
    except ValueError:
        form.errors["kind"] = gettext(CHOOSE_KIND)
        return None
    if kind not in importable_kinds(actor, base_id):
        form.errors["kind"] = gettext(NOT_IMPORTABLE)
        return None
    return kind


def _chosen_file(form: Form, file: object, gettext: Gettext) -> str | None:
    if not isinstance(file, UploadFile) or not file.filename:
        form.errors["file"] = gettext(CHOOSE_FILE)
        return None
    try:
        return upload_format(file)
    except UnsupportedType as exc:
        form.errors["file"] = _file_message(exc, gettext)
        return None


def _file_message(exc: TradebaseError, gettext: Gettext) -> str:
    msgid = FILE_MESSAGES.get(type(exc))
    if msgid is not None:
        return gettext(msgid)
    if exc.code == "file_empty":
        return gettext(EMPTY_FILE)
    return say_error(exc, gettext)


@router.get("/bases/{base_id}/export/{kind}")
def export(base_id: int, kind: Kind, request: Request, db: DbSession,
           format: ExportFormat = ExportFormat.csv) -> Response:
    """The base's rows of ``kind`` as a file an import reads back."""
    _check_access(db, base_id)
    return export_response(session=db, kind=kind.value, base_id=base_id, fmt=format)
