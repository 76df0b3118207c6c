"""The register's full-text search: the index of searchable words and the conditions that
query it, the same result sets on SQLite and PostgreSQL.

``search_documents`` holds one row per base, enterprise, listing and HS code with its
normalised tokens (``search_text.document_tokens``). The full-text index over it is
database-specific and lives outside the models (``create_search_schema``, called by the
migration and on ``create_all``):

- SQLite: an FTS5 table with *external content* ``search_documents``, kept in step by three
  triggers that only copy the text (no stemming in SQL: the application writes the tokens).
  External content, not a second copy: the tokens are stored once, in a table both databases
  share and the models describe; FTS5 is only its index. (A later migration that alters
  ``search_documents`` in batch mode recreates the table: it must call
  ``create_search_schema`` again, which also rebuilds the FTS index.)
- PostgreSQL: a GIN index on ``to_tsvector('simple', tokens)``; the 'simple' configuration
  only lower-cases and splits on spaces, which the tokens already are, so no parser (and no
  Chinese parser, which Debian's PostgreSQL lacks) decides anything.

The rows are written in the transaction that changes the objects: a session listener
(installed by ``models.load_all_models``) reindexes the bases, enterprises and listings a
flush touched, in bulk, so a form, the API and an import of 100,000 rows are all indexed
alike; ``index_hs_codes`` indexes the nomenclature after it is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    cast,
    delete,
    event,
    false,
    func,
    insert,
    inspect,
    literal_column,
    select,
    table,
)
from sqlalchemy import text as sql
from sqlalchemy.engine import Connection
from sqlalchemy.orm import InstanceState, Session, UOWTransaction

from tradebase.registry.models import (
    Base,
    Enterprise,
    HsCode,
    Product,
    ProductTitle,
    SearchDocument,
)
from tradebase.registry.search_text import document_tokens, fts5_query, query_terms, tsquery

BASE = "base"
ENTERPRISE = "enterprise"
PRODUCT = "product"
HS = "hs"
FTS_TABLE = "search_fts"
GIN_INDEX = "ix_search_documents_tokens_fts"
_CHUNK = 500
_NAME_COLUMNS = {"name_en", "name_zh"}

_SQLITE_SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(tokens, "
    "content='search_documents', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', detail=none, prefix='2 3')",
    "CREATE TRIGGER IF NOT EXISTS search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);"
    " END",
    "CREATE TRIGGER IF NOT EXISTS search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);"
    " INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
)
_POSTGRES_SCHEMA = (
    f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON search_documents "
    "USING gin (to_tsvector('simple', tokens))",
)


def create_search_schema(connection: Connection) -> None:
    """Create the database's full-text index over ``search_documents`` (idempotent)."""
    statements = {"sqlite": _SQLITE_SCHEMA, "postgresql": _POSTGRES_SCHEMA}
    for statement in statements.get(connection.dialect.name, ()):
        connection.execute(sql(statement))


def _after_create(_table: Any, connection: Connection, **_kw: Any) -> None:
    create_search_schema(connection)


event.listen(SearchDocument.__table__, "after_create", _after_create)


def include_name(name: str | None, type_: str, _parent: Any) -> bool:
    """For Alembic's comparison: the full-text index is not described by the models."""
    if type_ == "table":
        return not (name or "").startswith(FTS_TABLE)
    return not (type_ == "index" and name == GIN_INDEX)


# --- querying ---------------------------------------------------------------------------------


def matching(
    session: Session, kind: str, column: ColumnElement[int], q: str | None
) -> ColumnElement[bool] | None:
    """A condition on ``column`` (the objects' id) keeping the objects of ``kind`` whose words
    match every term of ``q``; None when ``q`` is empty, false when it has no term at all."""
    if not (q or "").strip():
        return None
    terms = query_terms(q)
    if not terms:
        return false()
    documents = select(SearchDocument.object_id).where(SearchDocument.kind == kind)
    if session.get_bind().dialect.name == "postgresql":
        vector = func.to_tsvector(literal_column("'simple'"), SearchDocument.tokens)
        query = func.to_tsquery(literal_column("'simple'"), bindparam("tsquery", tsquery(terms)))
        documents = documents.where(vector.op("@@")(query))
    else:
        hits: Select[Any] = select(literal_column("rowid")).select_from(table(FTS_TABLE)).where(
            literal_column(FTS_TABLE).op("MATCH")(bindparam("fts", fts5_query(terms)))
        )
        documents = documents.where(SearchDocument.id.in_(hits))
    return column.in_(documents)


def hs_matching(session: Session, q: str | None) -> ColumnElement[bool] | None:
    """``matching`` for HS codes, whose documents are keyed by the code's digits."""
    return matching(session, HS, cast(HsCode.code, Integer), q)


# --- writing ----------------------------------------------------------------------------------


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _base_fields(connection: Connection, ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    rows = connection.execute(select(Base.id, Base.name_en, Base.name_zh).where(Base.id.in_(ids)))
    return {row.id: [("en", row.name_en), ("zh", row.name_zh)] for row in rows}


def _enterprise_fields(
    connection: Connection, ids: Sequence[int]
) -> dict[int, list[tuple[str, str]]]:
    rows = connection.execute(
        select(Enterprise.id, Enterprise.name_en, Enterprise.name_zh)
        .where(Enterprise.id.in_(ids))
    )
    return {row.id: [("en", row.name_en), ("zh", row.name_zh)] for row in rows}


def _product_fields(
    connection: Connection, ids: Sequence[int]
) -> dict[int, list[tuple[str, str]]]:
    rows = connection.execute(
        select(Product.id, Product.title, Product.sku).where(Product.id.in_(ids))
    )
    fields = {row.id: [("en", row.title), ("en", row.sku)] for row in rows}
    titles = connection.execute(
        select(ProductTitle.product_id, ProductTitle.lang, ProductTitle.text)
        .where(ProductTitle.product_id.in_(ids))
    )
    for row in titles:
        if row.product_id in fields:
            fields[row.product_id].append((row.lang.split("-")[0].lower(), row.text))
    return fields


_KINDS: dict[type[Any], str] = {Base: BASE, Enterprise: ENTERPRISE, Product: PRODUCT}
_READERS = {BASE: _base_fields, ENTERPRISE: _enterprise_fields, PRODUCT: _product_fields}


def index_objects(
    connection: Connection, kind: str, ids: Iterable[int], *, new: bool = False
) -> int:
    """Write the documents of these objects afresh (dropping those of objects that are gone);
    ``new``: no document has their ids (all were just deleted), nothing to drop. Returns the
    documents written."""
    written = 0
    for chunk in _chunks(ids):
        fields = _READERS[kind](connection, chunk)
        if not new:
            connection.execute(
                delete(SearchDocument)
                .where(SearchDocument.kind == kind, SearchDocument.object_id.in_(chunk))
            )
        if fields:
            connection.execute(insert(SearchDocument), [
                {"kind": kind, "object_id": ident, "tokens": document_tokens(parts)}
                for ident, parts in fields.items()
            ])
        written += len(fields)
    return written


def index_hs_codes(connection: Connection) -> int:
    """Index the HS nomenclature's descriptions afresh. Returns the codes written."""
    connection.execute(delete(SearchDocument).where(SearchDocument.kind == HS))
    rows = [
        {"kind": HS, "object_id": int(row.code),
         "tokens": document_tokens([("en", row.description)])}
        for row in connection.execute(select(HsCode.code, HsCode.description))
        if row.code.isdecimal()
    ]
    for start in range(0, len(rows), _CHUNK * 10):
        connection.execute(insert(SearchDocument), rows[start : start + _CHUNK * 10])
    return len(rows)


def rebuild(connection: Connection) -> int:
    """Index every base, enterprise, listing and HS code afresh (the migration's back-fill and
    a repair after a bulk change that bypassed the ORM). Returns the documents written."""
    connection.execute(delete(SearchDocument))
    written = index_hs_codes(connection)
    for kind, model in ((BASE, Base), (ENTERPRISE, Enterprise), (PRODUCT, Product)):
        ids = connection.execute(select(model.id)).scalars()
        written += index_objects(connection, kind, ids, new=True)
    return written


# --- the listener -----------------------------------------------------------------------------


def _renamed(obj: Base | Enterprise) -> bool:
    state: InstanceState[Any] = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _NAME_COLUMNS)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    changed: dict[str, set[int]] = {BASE: set(), ENTERPRISE: set(), PRODUCT: set()}
    enterprises_gone = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Product) and obj.id is not None:
            changed[PRODUCT].add(obj.id)
        elif isinstance(obj, ProductTitle) and obj.product_id is not None:
            changed[PRODUCT].add(obj.product_id)
        elif isinstance(obj, Base | Enterprise) and obj.id is not None:
            if obj in session.dirty and not _renamed(obj):
                continue
            changed[_KINDS[type(obj)]].add(obj.id)
            enterprises_gone = enterprises_gone or (
                isinstance(obj, Enterprise) and obj in session.deleted)
    if not any(changed.values()):
        return
    connection = session.connection()
    for kind, ids in changed.items():
        # New objects too drop what their id had: a bulk DELETE (``delete_enterprise``, a
        # cleared register) leaves documents that no listener saw go.
        index_objects(connection, kind, ids)
    if enterprises_gone:  # its listings went by a bulk DELETE, which no listener sees
        connection.execute(delete(SearchDocument).where(
            and_(SearchDocument.kind == PRODUCT,
                 SearchDocument.object_id.not_in(select(Product.id)))
        ))


def install() -> None:
    """Listen to every session (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


__all__ = [
    "BASE",
    "ENTERPRISE",
    "HS",
    "PRODUCT",
    "create_search_schema",
    "hs_matching",
    "include_name",
    "index_hs_codes",
    "index_objects",
    "install",
    "matching",
    "rebuild",
]
