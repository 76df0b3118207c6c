"""The matching index through the database: features rows written in the same transaction as
the catalog change, incremental refreshes equal to a rebuild, several workers, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import anxi_and_member_enterprise, auth
from tradebase.cli import app as cli_app
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import ListingFeatureRow
from tradebase.docking.records import MatchRequest
from tradebase.docking.sync import current_version, rebuild_features
from tradebase.registry import schemas, service
from tradebase.registry.models import Enterprise, Product

QUERIES = [
    MatchRequest(text="Vi söker rottingstolar för uteservering", quantity=500,
                 max_lead_time_days=60),
    MatchRequest(text="Laufschuhe für Damen", quantity=2000, destination="DE"),
    MatchRequest(text="竹编灯笼", quantity=100),
    MatchRequest(text="borosilicate glass teapot", required_certifications=frozenset({"LFGB"})),
    MatchRequest(text="Matrix stool wicker zebra", quantity=10),
]


def _answers(index: ListingIndex, session: Session) -> list[list[tuple[str, float]]]:
    current = index.current(session.connection())
    return [[(r.sku, r.score) for r in current.match(q, top_k=20)] for q in QUERIES]


def _anxi_enterprise(session: Session) -> Enterprise:
    return anxi_and_member_enterprise(session)[1]


def test_every_demo_product_has_features(session: Session) -> None:
    products = set(session.scalars(select(Product.id)))
    rows = set(session.scalars(
        select(ListingFeatureRow.product_id).where(ListingFeatureRow.deleted.is_(False))
    ))
    assert products
    assert products == rows


def test_incremental_refresh_equals_a_rebuild(session: Session) -> None:
    worker = ListingIndex()
    first = worker.refresh(session.connection())
    assert first.full_load
    enterprise = _anxi_enterprise(session)
    before = current_version(session.connection())

    created = service.create_product(session=session, data=schemas.ProductCreate(
        sku="INC-1", enterprise_id=enterprise.id, title="Matrix stool of wicker, zebra pattern",
        titles={"zh": "斑马纹柳编凳"}, hs_code="940153", moq=5, monthly_capacity=100,
        lead_time_days=20, certifications=["FSC"],
    ))
    session.flush()
    assert current_version(session.connection()) > before
    step = worker.refresh(session.connection())
    assert not step.full_load
    assert step.applied == 1

    victim = session.scalars(select(Product).where(Product.id != created.id)
                             .order_by(Product.id)).first()
    assert victim is not None
    service.update_product(session=session, product_id=created.id,
                           data=schemas.ProductUpdate(sku="INC-1B", moq=2))
    service.delete_product(session=session, product_id=victim.id)
    service.update_enterprise(session=session, enterprise_id=enterprise.id,
                              data=schemas.EnterpriseUpdate(markets=["SE", "DE"]))
    session.flush()
    step = worker.refresh(session.connection())
    assert step.removed >= 2  # the old sku and the deleted product

    rebuilt = ListingIndex()
    assert worker.index is not None
    assert sorted(worker.skus.values()) == rebuilt.current(session.connection()).skus()
    assert _answers(worker, session) == _answers(rebuilt, session)
    assert worker.index.statistics() == rebuilt.current(session.connection()).statistics()
    assert "INC-1B" in worker.index
    assert "INC-1" not in worker.index
    assert victim.sku not in worker.index

    # `tradebase index rebuild` writes every row again; a worker applies them and agrees.
    rebuild_features(session)
    session.flush()
    worker.refresh(session.connection())
    assert _answers(worker, session) == _answers(ListingIndex(), session)


def test_market_change_of_an_enterprise_reaches_its_listings(session: Session) -> None:
    enterprise = _anxi_enterprise(session)
    worker = ListingIndex()
    worker.refresh(session.connection())
    service.update_enterprise(session=session, enterprise_id=enterprise.id,
                              data=schemas.EnterpriseUpdate(markets=["IS"]))
    session.flush()
    worker.refresh(session.connection())
    skus = set(session.scalars(select(Product.sku).where(Product.enterprise_id == enterprise.id)))
    assert skus
    text = session.scalars(select(Product.title).where(Product.enterprise_id == enterprise.id)
                           ).first()
    assert text is not None
    results = worker.current(session.connection()).match(
        MatchRequest(text=text, destination="IS"), top_k=50
    )
    assert any("exports to IS already" in r.reasons for r in results if r.sku in skus)


def test_two_workers_both_see_an_edit(app_factory, tokens: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Two application instances (two workers, each with its own index) on one database."""
    query = {"text": "Matrix stool of wicker, zebra pattern", "top": 5}
    with TestClient(app_factory(), base_url="https://testserver") as one, \
            TestClient(app_factory(), base_url="https://testserver") as two:
        for worker in (one, two):
            found = worker.post("/api/v1/docking/match", json=query,
                                headers=auth(tokens["buyer"]))
            assert found.status_code == 200, found.text
            assert "TWO-1" not in [r["sku"] for r in found.json()["results"]]
        enterprise = one.get("/api/v1/enterprises", params={"limit": 1}).json()["items"][0]
        made = one.post("/api/v1/products", headers=auth(tokens["admin"]), json={
            "sku": "TWO-1", "enterprise_id": enterprise["id"],
            "title": "Matrix stool of wicker, zebra pattern", "hs_code": "940153",
        })
        assert made.status_code == 201, made.text
        for worker in (one, two):
            found = worker.post("/api/v1/docking/match", json=query,
                                headers=auth(tokens["buyer"]))
            assert found.json()["results"][0]["sku"] == "TWO-1"
        assert two.delete(f"/api/v1/products/{made.json()['id']}",
                          headers=auth(tokens["admin"])).status_code == 204
        for worker in (one, two):
            found = worker.post("/api/v1/docking/match", json=query,
                                headers=auth(tokens["buyer"]))
            assert "TWO-1" not in [r["sku"] for r in found.json()["results"]]


# --- the command line ----------------------------------------------------------------------

CATALOG = (
    "sku,enterprise,title,title_zh,description,hs_code,unit,moq,monthly_capacity,"
    "lead_time_days,certifications,markets\n"
    "CLI-R1,Anxi Cane Works,Rattan dining chair,藤编餐椅,Hand-woven rattan chair for cafes,"
    "940153,pcs,200,3000,45,FSC,SE;DE\n"
) + """CLI-R2,Anxi Cane Works,Rattan lounge chair,,Rattan lounge chair,940153,pcs,100,500,30,,SE
CLI-I1,Iron Garden Co,Iron bar stool,,Powder-coated metal bar stool,940179,pcs,100,5000,30,,US
CLI-S1,Putian Stride,Road running shoe,跑鞋,Mesh running shoes,640411,pairs,1000,100000,40,,
"""
QUERIES_CSV = (
    "id,text,quantity,unit,destination,required_certifications,max_lead_time_days,hs_code\n"
) + """q1,"Vi söker 2 000 rottingstolar för uteservering, FSC-certifierade",2000,pcs,SE,FSC,60,
q2,Laufschuhe für unser Team,5000,pairs,,,,
q3,Barhocker aus Metall,500,,,,,
q4,"bicycle helmets, CE",,,,,,
"""



def test_import_then_match_on_the_command_line(cli_database: str, tmp_path: Path) -> None:
    runner = CliRunner()
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(CATALOG, encoding="utf-8")
    queries = tmp_path / "queries.csv"
    queries.write_text(QUERIES_CSV, encoding="utf-8")
    assert runner.invoke(cli_app, ["init"]).exit_code == 0
    imported = runner.invoke(cli_app, ["import", "products", str(catalog)])
    assert imported.exit_code == 0, imported.output

    result = runner.invoke(cli_app, ["match", "--queries", str(queries), "--top", "3",
                                     "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["query"] for line in lines] == ["q1", "q2", "q3", "q4"]
    by_query = {line["query"]: line["results"] for line in lines}
    # no catalog holds helmets: said so, rather than a running shoe "matching" CE
    assert lines[3]["no_match"] is True
    assert by_query["q4"] == []
    assert lines[0]["no_match"] is False
    assert by_query["q1"][0]["sku"] == "CLI-R1"  # CLI-R2 lacks FSC and capacity
    assert [r["sku"] for r in by_query["q1"]] == ["CLI-R1"]
    assert set(by_query["q1"][0]) == {"sku", "enterprise", "score", "reasons"}
    assert by_query["q1"][0]["enterprise"] == "Anxi Cane Works"
    assert "FSC ✓" in by_query["q1"][0]["reasons"]
    assert by_query["q2"][0]["sku"] == "CLI-S1"
    assert by_query["q3"][0]["sku"] == "CLI-I1"

    # An edit through a second import reaches the next match; a rebuild changes no answer.
    catalog.write_text(CATALOG.replace("CLI-R2,Anxi Cane Works,Rattan lounge chair,,Rattan "
                                       "lounge chair,940153,pcs,100,500,30,,SE",
                                       "CLI-R2,Anxi Cane Works,Rattan dining chair,,Rattan chair,"
                                       "940153,pcs,100,5000,30,FSC,SE"), encoding="utf-8")
    assert runner.invoke(cli_app, ["import", "products", str(catalog)]).exit_code == 0
    again = runner.invoke(cli_app, ["match", "--queries", str(queries), "--format", "jsonl"])
    first = json.loads(again.output.splitlines()[0])
    assert {r["sku"] for r in first["results"]} == {"CLI-R1", "CLI-R2"}
    rebuilt = runner.invoke(cli_app, ["index", "rebuild"])
    assert rebuilt.exit_code == 0
    assert "4 listings" in rebuilt.output
    assert runner.invoke(cli_app, ["match", "--queries", str(queries), "--format", "jsonl"]
                         ).output == again.output

    table = runner.invoke(cli_app, ["match", "rottingstolar", "--quantity", "2000",
                                    "--destination", "SE", "--cert", "FSC",
                                    "--max-lead-time", "60", "--top", "5"])
    assert table.exit_code == 0, table.output
    assert "CLI-R1" in table.output
    assert "FSC ✓" in table.output


def test_a_bad_query_file_names_line_and_column(cli_database: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli_app, ["init"]).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text,quantity,destination\nq1,chairs,many,SE\nq2,,5,Sweden\n",
                   encoding="utf-8")
    result = runner.invoke(cli_app, ["match", "--queries", str(bad)])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "line 2, column quantity" in output
    assert "line 3, column text" in output
    assert "line 3, column destination" in output
    missing = tmp_path / "missing.csv"
    missing.write_text("query,words\n1,chairs\n", encoding="utf-8")
    result = runner.invoke(cli_app, ["match", "--queries", str(missing)])
    assert result.exit_code == 1
    assert "column id" in " ".join(result.output.split())
