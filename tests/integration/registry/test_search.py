"""The register's search on the database: the same result sets on SQLite and PostgreSQL for
plurals, inflections, word order, Chinese without spaces and hostile text; the index follows
every write (forms, API, import, delete) and the back-fill rebuilds it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tradebase.registry import schemas, search, service
from tradebase.registry.models import Base, Enterprise, Product, ProductTitle, SearchDocument
from tradebase.registry.service import ListFilters
from tradebase.registry.transfer import import_file

TITLES = {
    "SRCH-1": ("Rattan dining chair with armrests", "藤编扶手餐椅"),
    "SRCH-2": ("Peacock armchairs, high back", "孔雀藤椅"),
    "SRCH-3": ("Red silk lanterns with tassels", "红色丝绸灯笼"),
    "SRCH-4": ("Hand-carved wooden lantern", "手工雕刻木灯笼"),
    "SRCH-5": ("Folding bamboo tables", "折叠竹桌"),
    "SRCH-6": ("Kitchen knives, stainless steel", "不锈钢厨房刀具"),
}


@pytest.fixture
def enterprise(session: Session) -> Enterprise:
    base = session.scalars(select(Base).order_by(Base.id)).first()
    assert base is not None
    item = Enterprise(name_en="Zephyrine Search Works", name_zh="泽菲琳搜索工坊", base_id=base.id)
    session.add(item)
    session.flush()
    return item


@pytest.fixture
def catalog(session: Session, enterprise: Enterprise) -> dict[str, int]:
    for sku, (title, zh) in TITLES.items():
        product = Product(sku=sku, enterprise_id=enterprise.id, title=title, unit="pcs")
        product.title_rows = [ProductTitle(lang="zh", text=zh)]
        session.add(product)
    session.flush()
    return {p.sku: p.id for p in session.scalars(select(Product).where(Product.sku.in_(TITLES)))}


def found(session: Session, q: str, enterprise: Enterprise) -> set[str]:
    items, total = service.list_products(
        session=session, filters=ListFilters(q=q, enterprise_id=enterprise.id), limit=100
    )
    assert total == len(items)
    return {item.sku for item in items}


@pytest.mark.parametrize(("q", "skus"), [
    ("chair", {"SRCH-1", "SRCH-2"}),  # an armchair is a chair
    ("chairs", {"SRCH-1", "SRCH-2"}),
    ("lanterns", {"SRCH-3", "SRCH-4"}),
    ("lantern", {"SRCH-3", "SRCH-4"}),
    ("red lanterns", {"SRCH-3"}),
    ("lanterns red", {"SRCH-3"}),
    ("LANTERNS   Red", {"SRCH-3"}),
    ("carving", {"SRCH-4"}),
    ("carved wood", {"SRCH-4"}),
    ("folded table", {"SRCH-5"}),
    ("knife", {"SRCH-6"}),
    ("the chairs and the armrests", {"SRCH-1"}),
    ("藤椅", {"SRCH-1", "SRCH-2"}),
    ("灯笼", {"SRCH-3", "SRCH-4"}),
    ("红色灯笼", {"SRCH-3"}),
    ("木灯笼 carved", {"SRCH-4"}),
    ("srch-3", {"SRCH-3"}),
    ("lant", {"SRCH-3", "SRCH-4"}),  # typing: a word's beginning finds it
    ("chair lantern", set()),
    ("sofa", set()),
])
def test_queries_find_the_same_listings_on_every_database(
    session: Session, enterprise: Enterprise, catalog: dict[str, int], q: str, skus: set[str]
) -> None:
    assert found(session, q, enterprise) == skus


CHAIRS = {"SRCH-1", "SRCH-2"}
NOTHING: set[str] = set()


@pytest.mark.parametrize(("q", "skus"), [
    ('"chair', CHAIRS), ('chair"*', CHAIRS), ("chair*", CHAIRS), ("-chair", CHAIRS),
    ("chair:", CHAIRS), ("(chair", CHAIRS), ("chair)", CHAIRS), ("chair\x00", CHAIRS),
    ("^chair", CHAIRS), ("{chair}", CHAIRS), ("chair\\", CHAIRS), ("chair:*", CHAIRS),
    ("chair " * 500, CHAIRS), ("chair OR", CHAIRS),  # "or" is a function word
    ("NEAR(chair lantern)", NOTHING),  # the words near, chair and lantern: no listing has all
    ("chair AND NOT lantern", NOTHING), ("chair:* | lantern", NOTHING),
    ("'lanterns' & !red", {"SRCH-3"}),
    ('"', NOTHING), ("*", NOTHING), (":*", NOTHING), ("()", NOTHING), ("\x00", NOTHING),
    ("%", NOTHING), ("_", NOTHING), ("x" * 10_000, NOTHING), ("灯" * 3000, {"SRCH-3", "SRCH-4"}),
])
def test_hostile_text_never_fails_nor_changes_meaning(
    session: Session, enterprise: Enterprise, catalog: dict[str, int], q: str, skus: set[str]
) -> None:
    """Query syntax is punctuation; operator words are words; NUL and length are harmless."""
    assert found(session, q, enterprise) == skus


@pytest.mark.parametrize("q", ['"NEAR(*', "chair\x00", "x" * 200, "(lantern OR:*", "%_\\"])
def test_the_api_and_the_page_answer_hostile_text(client: TestClient, q: str) -> None:
    answers = {200, 422} if "\x00" in q else {200}  # the app refuses NUL in any parameter
    for path in ("/api/v1/products", "/api/v1/enterprises", "/api/v1/bases", "/api/v1/hs-codes",
                 "/search"):
        assert client.get(path, params={"q": q}).status_code in answers


def test_enterprises_bases_and_hs_codes_are_searched_alike(
    session: Session, enterprise: Enterprise
) -> None:
    for q in ("zephyrine works", "WORKS Zephyrine", "泽菲琳", "搜索工坊"):
        items, _ = service.list_enterprises(session=session, filters=ListFilters(q=q))
        assert [item.id for item in items] == [enterprise.id]
    service.load_hs_codes(session=session)
    codes, _ = service.list_hs_codes(session=session, q="seats", prefix="9401", level=4)
    assert [code.code for code in codes] == ["9401"]
    plural, _ = service.list_hs_codes(session=session, q="lamps", prefix="94", limit=100)
    singular, _ = service.list_hs_codes(session=session, q="lamp", prefix="94", limit=100)
    assert plural == singular != []


def test_the_index_follows_edits_and_deletes(
    session: Session, enterprise: Enterprise, catalog: dict[str, int]
) -> None:
    service.update_product(session=session, product_id=catalog["SRCH-5"],
                           data=schemas.ProductUpdate(title="Folding bamboo stools"))
    assert found(session, "stool", enterprise) == {"SRCH-5"}
    assert found(session, "tables", enterprise) == set()
    service.update_product(session=session, product_id=catalog["SRCH-5"],
                           data=schemas.ProductUpdate(titles={"zh": "折叠竹凳"}))
    assert found(session, "竹凳", enterprise) == {"SRCH-5"}
    service.delete_product(session=session, product_id=catalog["SRCH-5"])
    assert found(session, "stool", enterprise) == set()
    service.update_enterprise(session=session, enterprise_id=enterprise.id,
                              data=schemas.EnterpriseUpdate(name_en="Quillwort Lanterns"))
    items, _ = service.list_enterprises(session=session, filters=ListFilters(q="quillwort"))
    assert [item.id for item in items] == [enterprise.id]
    service.delete_enterprise(session=session, enterprise_id=enterprise.id)
    left = session.scalar(select(func.count()).select_from(SearchDocument).where(
        SearchDocument.kind == search.PRODUCT, SearchDocument.object_id.in_(catalog.values())))
    assert left == 0


def test_an_import_indexes_its_rows(
    session: Session, enterprise: Enterprise, tmp_path: Path
) -> None:
    path = tmp_path / "products.csv"
    rows = [f"IMP-{i},{enterprise.name_en},Woven seagrass baskets no. {i},100,1000,460219,DE"
            for i in range(30)]
    path.write_text("sku,enterprise,title,moq,monthly_capacity,hs_code,markets\n"
                    + "\n".join(rows) + "\n", encoding="utf-8")
    import_file(session=session, kind="products", path=path)
    assert len(found(session, "seagrass basket", enterprise)) == 30
    assert found(session, "basket 17", enterprise) == {"IMP-17"}


def test_a_rebuild_gives_back_the_same_index(
    session: Session, enterprise: Enterprise, catalog: dict[str, int]
) -> None:
    before = {q: found(session, q, enterprise) for q in ("chairs", "灯笼", "carved")}
    session.execute(delete(SearchDocument))
    assert found(session, "chairs", enterprise) == set()
    assert search.rebuild(session.connection()) > len(catalog)
    assert {q: found(session, q, enterprise) for q in before} == before
