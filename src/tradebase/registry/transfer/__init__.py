"""Import and export of the register as CSV or XLSX files: enterprises, products,
indicators, designations, key-enterprise and key-project lists, and regions.

``files`` turns any supported file into rows of text cells (within ``Limits``); ``checking``
holds what every kind checks rows with, ``writing`` the one writer every kind uses (the row
loop, repeated keys, the counted and batched write); one module per kind (``enterprises``,
``products``, ``indicators``, ``designations``, ``key_enterprises``, ``key_projects``,
``regions``; the three lists of a base share ``base_lists``) says which columns it takes, how
a row becomes a schema of ``registry.schemas`` and how the checked rows are written. An import
is all-or-nothing: every row is checked first — its values, and whether the actor may write it
(``Scope``: a row of a base or an enterprise that is not the actor's is an error on its line)
— and every problem collected as a ``RowError``; only a file without problems is written, inside the
caller's transaction (this package never commits). An export writes the rows of the bases the
actor may import into (``policy.transfer_bases``), or of one base.

Overlapping imports of one kind are serialised on PostgreSQL (a transaction-scoped advisory
lock, taken before anything is read), and the rows an import updates are locked in key order
when they are read, so a concurrent edit waits instead of being merged into a torn row; a
clash nothing could serialise (a unique key another writer just took) is a ``Conflict``.
The file formats are described in ``docs/file-formats.md``; keep the two in step.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.policy import Actor, Permission, is_allowed, transfer_bases
from tradebase.csv_cells import neutralise_formula, read_back
from tradebase.errors import Conflict, Forbidden, ImportRejected, Unauthenticated
from tradebase.registry.transfer.checking import (
    BATCH_SIZE,
    LIST_SEPARATOR,
    ImportSummary,
    Kind,
    KindSpec,
    Progress,
    RowWarning,
    Scope,
    header_problems,
    is_chinese,
    load_base_names,
    reason_of,
)
from tradebase.registry.transfer.checking import Errors as _Errors
from tradebase.registry.transfer.designations import DesignationColumns
from tradebase.registry.transfer.enterprises import EnterpriseColumns
from tradebase.registry.transfer.files import (
    Cell,
    FileFormat,
    Limits,
    Row,
    Table,
    decode_text,
    file_format,
    format_number,
    normalise_header,
    parse_csv,
    read_table,
    read_xlsx,
    write_table,
)
from tradebase.registry.transfer.indicators import IndicatorColumns
from tradebase.registry.transfer.key_enterprises import KeyEnterpriseColumns
from tradebase.registry.transfer.key_projects import KeyProjectColumns
from tradebase.registry.transfer.products import TITLE_PREFIX, ProductColumns
from tradebase.registry.transfer.regions import RegionColumns
from tradebase.settings import get_settings

__all__ = [
    "BATCH_SIZE", "LIST_SEPARATOR", "SPECS", "TITLE_PREFIX", "Cell", "EnterpriseColumns",
    "FileFormat", "ImportSummary", "IndicatorColumns", "Kind", "Limits", "ProductColumns",
    "Progress", "Row", "RowWarning", "Scope", "Table", "authorize_export", "authorize_import",
    "decode_text", "export_file", "file_format", "format_number", "import_file",
    "import_table", "importable_kinds", "is_chinese",
    "neutralise_formula", "normalise_header", "parse_csv", "read_back", "read_table",
    "read_xlsx", "reason_of", "write_table",
]

SPECS: dict[Kind, KindSpec] = {
    Kind.ENTERPRISES: EnterpriseColumns(),
    Kind.PRODUCTS: ProductColumns(),
    Kind.INDICATORS: IndicatorColumns(),
    Kind.DESIGNATIONS: DesignationColumns(),
    Kind.KEY_ENTERPRISES: KeyEnterpriseColumns(),
    Kind.KEY_PROJECTS: KeyProjectColumns(),
    Kind.REGIONS: RegionColumns(),
}

# Holding any of these somewhere is what importing a kind can need (products: edit a catalog;
# enterprises: create or edit one; indicators: a base's or an enterprise's; a base's lists:
# managing the base; regions, which are of no base: importing on the platform).
_IMPORT_PERMISSIONS = {
    Kind.ENTERPRISES: (Permission.CREATE_ENTERPRISE, Permission.EDIT_ENTERPRISE),
    Kind.PRODUCTS: (Permission.EDIT_ENTERPRISE,),
    Kind.INDICATORS: (Permission.MANAGE_BASE, Permission.EDIT_ENTERPRISE),
    Kind.DESIGNATIONS: (Permission.MANAGE_BASE,),
    Kind.KEY_ENTERPRISES: (Permission.MANAGE_BASE,),
    Kind.KEY_PROJECTS: (Permission.MANAGE_BASE,),
    Kind.REGIONS: (Permission.IMPORT_DATA,),
}
_PLATFORM_KINDS = {Kind.REGIONS}


def may_import(actor: Actor, kind: Kind | str, base_id: int | None = None) -> bool:
    """Whether some row of a file of ``kind`` could be the actor's to write: it holds one of
    the permissions the kind's rows need on the platform, on one of its bases or on one of its
    enterprises (``policy.is_allowed`` decides; no rule is restated here). With ``base_id``
    (a base's page), it must moreover import into that base (``IMPORT_DATA`` on it)."""
    kind = Kind(kind)
    if base_id is not None and not is_allowed(actor, Permission.IMPORT_DATA, base_id=base_id):
        return False
    scopes: list[tuple[int | None, int | None]] = [(None, None)]
    if kind not in _PLATFORM_KINDS:
        scopes += [*((base, None) for base in sorted(actor.base_ids)),
                   *((None, enterprise) for enterprise in sorted(actor.enterprise_ids))]
    return any(
        is_allowed(actor, permission, base_id=base, enterprise_id=enterprise)
        for permission in _IMPORT_PERMISSIONS[kind] for base, enterprise in scopes
    )


def importable_kinds(actor: Actor, base_id: int | None = None) -> list[Kind]:
    """The kinds of file the actor may import (from the page of ``base_id``)."""
    return [kind for kind in Kind if may_import(actor, kind, base_id)]


def authorize_import(*, session: Session, kind: Kind | str, base_id: int | None = None) -> None:
    """Refuse an actor that may write no row of a file of ``kind`` (into ``base_id``),
    before the file is read (rows are still checked one by one)."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to import")
    if not may_import(actor, kind, base_id):
        raise Forbidden(f"you may not import {Kind(kind).value}"
                        + (f" into base {base_id}" if base_id is not None else ""),
                        field="file", code="import_forbidden", params={"kind": Kind(kind).value})


def authorize_export(*, session: Session, base_id: int | None = None) -> Scope:
    """The scope of an export by the current actor: one base it may import into, or every
    base it may (``policy.transfer_bases``); refused when that is none."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token to export")
    bases = transfer_bases(actor)
    if base_id is not None and bases is not None and base_id not in bases:
        raise Forbidden(f"you may not export the data of base {base_id}", field="base",
                        code="export_forbidden")
    if base_id is None and bases is not None and not bases:
        raise Forbidden("you may export no data", code="export_forbidden")
    return Scope(actor=actor, base_id=base_id)


def _serialise_imports(session: Session, kind: Kind) -> None:
    """On PostgreSQL, wait until no other transaction imports ``kind``: the lock is held to
    the end of this transaction, so the next import reads what this one wrote (SQLite has one
    writer at a time anyway). Advisory locks are shared by a whole database, so the key names
    the schema too: installs in two schemas of one database do not wait for each other."""
    if session.get_bind().dialect.name == "postgresql":
        schema = session.execute(select(func.current_schema())).scalar_one()
        key = zlib.crc32(f"tradebase.import.{schema}.{kind.value}".encode())
        session.execute(select(func.pg_advisory_xact_lock(key)))


def _spec(kind: Kind, hs_edition: int | None) -> KindSpec:
    if kind is Kind.PRODUCTS and hs_edition is not None:
        return ProductColumns(default_edition=hs_edition)
    return SPECS[kind]


def import_table(
    *, session: Session, kind: Kind | str, table: Table, progress: Progress | None = None,
    hs_edition: int | None = None, base_id: int | None = None,
) -> ImportSummary:
    """Check every row of ``table`` and, if all are good, write them (never commits).

    ``hs_edition`` is the HS edition of the products' codes where a row's ``hs_edition`` is
    empty (by default HS 2022, then the older editions). ``base_id`` is the base the file is
    for (uploaded from its page): a row of another base is an error, an empty base cell means
    this one. The summary lists the warnings of the rows written (``RowWarning``). Raises
    ``ImportRejected`` listing every problem, having written nothing; ``Conflict`` if another
    writer took a key of the file meanwhile (the caller rolls back)."""
    kind = Kind(kind)
    spec = _spec(kind, hs_edition)
    rows_read = len(table.rows)
    problems = header_problems(spec, table)
    if problems:
        raise ImportRejected(table.filename, problems, rows_read)
    scope = Scope(actor=current_actor(session), base_id=base_id,
                  base_names=load_base_names(session))
    try:
        _serialise_imports(session, kind)
        errors = _Errors()
        with session.no_autoflush:
            plan = spec.load(session=session, table=table, errors=errors, progress=progress,
                             scope=scope)
        if errors.items:
            raise ImportRejected(table.filename, errors.sorted(), rows_read)
        summary = spec.write(session=session, plan=plan, progress=progress)
        summary.warnings = errors.sorted_warnings()
        summary.rows_read = rows_read
        return summary
    except IntegrityError as exc:
        detail = getattr(getattr(exc.orig, "diag", None), "message_detail", None)
        raise Conflict(
            f"{table.filename}: another change saved {kind.value} with the same key while this "
            f"file was imported{f' ({detail})' if detail else ''}; nothing was imported, "
            "import the file again", field="file",
        ) from exc
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) not in _CLASHES:
            raise
        raise Conflict(
            f"{table.filename}: other changes to the same {kind.value} were being saved (the "
            "database gave up waiting for them); nothing was imported, import the file again",
            field="file",
        ) from exc


# PostgreSQL's codes for a transaction that lost a clash with another one: a deadlock, a
# serialization failure, a lock_timeout passed.
_CLASHES = {"40P01", "40001", "55P03"}


def import_file(
    *, session: Session, kind: Kind | str, path: Path, fmt: FileFormat | str | None = None,
    progress: Progress | None = None, limits: Limits | None = None,
    hs_edition: int | None = None, base_id: int | None = None,
) -> ImportSummary:
    """Import a CSV or XLSX file of ``kind``; all-or-nothing (see ``import_table``). The file
    is read within ``limits`` (by default those of the settings for ``kind``)."""
    authorize_import(session=session, kind=kind, base_id=base_id)
    if limits is None:
        limits = Limits.from_settings(get_settings(), Kind(kind).value, uploaded=False)
    return import_table(session=session, kind=kind, table=read_table(path, fmt, limits),
                        progress=progress, hs_edition=hs_edition, base_id=base_id)


def export_file(
    *, session: Session, kind: Kind | str, path: Path, fmt: FileFormat | str | None = None,
    base_id: int | None = None,
) -> int:
    """Write the rows of ``kind`` to ``path`` with the columns an import reads: those of
    ``base_id``, else of every base the actor may import into (``authorize_export``); returns
    the number of rows."""
    kind = Kind(kind)
    scope = authorize_export(session=session, base_id=base_id)
    columns, rows = SPECS[kind].export(session=session, scope=scope)
    return write_table(path, columns, rows, fmt, sheet=kind.value)
