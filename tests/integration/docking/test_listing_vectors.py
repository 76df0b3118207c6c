"""Listing vectors through the database: written once per edit of a listing's text, in the
transaction of the edit, and followed by every worker's vector index."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise
from tradebase.docking import vector_store
from tradebase.docking.embedding import Floats, HashingEncoder, Kind
from tradebase.docking.models import ListingVectorRow
from tradebase.docking.vector_store import ListingVectors, rebuild_vectors
from tradebase.registry import schemas, service
from tradebase.registry.models import Product


class CountingEncoder(HashingEncoder):
    """The hashing encoder, counting the passages it encodes."""

    def __init__(self, dim: int = 256) -> None:
        super().__init__(dim)
        self.passages: list[str] = []

    def encode(self, texts: Sequence[str], kind: Kind) -> Floats:
        if kind == "passage":
            self.passages.extend(texts)
        return super().encode(texts, kind)


@pytest.fixture
def encoder(monkeypatch: pytest.MonkeyPatch) -> CountingEncoder:
    counting = CountingEncoder()
    monkeypatch.setattr(vector_store, "default_encoder", lambda: counting)
    return counting


def _vector(session: Session, product_id: int) -> ListingVectorRow | None:
    return session.scalars(
        select(ListingVectorRow).where(ListingVectorRow.product_id == product_id)
    ).one_or_none()


def _create(session: Session, sku: str, title: str) -> int:
    enterprise = anxi_and_member_enterprise(session)[1]
    created = service.create_product(session=session, data=schemas.ProductCreate(
        sku=sku, enterprise_id=enterprise.id, title=title, titles={"zh": "儿童自行车头盔"},
        hs_code="650610", moq=50, monthly_capacity=1000, lead_time_days=30,
        certifications=["CE"],
    ))
    session.flush()
    return created.id


def test_editing_a_listing_stores_its_vector_once(session: Session,
                                                  encoder: CountingEncoder) -> None:
    pid = _create(session, "VEC-1", "Children's bicycle helmet with LED light")
    assert len(encoder.passages) == 1
    assert encoder.passages[0].startswith("Children's bicycle helmet with LED light | 儿童")
    row = _vector(session, pid)
    assert row is not None
    assert row.model == encoder.name
    assert len(row.vector) == encoder.dim

    # A change the text does not carry costs no encoding.
    service.update_product(session=session, product_id=pid,
                           data=schemas.ProductUpdate(moq=10, certifications=["CE", "CPSC"]))
    session.flush()
    assert len(encoder.passages) == 1

    service.update_product(session=session, product_id=pid,
                           data=schemas.ProductUpdate(title="Kids' cycling helmet, in-mould"))
    session.flush()
    assert len(encoder.passages) == 2
    again = _vector(session, pid)
    assert again is not None
    assert session.scalar(
        select(func.count()).select_from(ListingVectorRow)
        .where(ListingVectorRow.product_id == pid)
    ) == 1

    service.delete_product(session=session, product_id=pid)
    session.flush()
    session.expunge_all()
    assert _vector(session, pid) is None


def test_a_worker_follows_new_changed_and_deleted_vectors(session: Session,
                                                          encoder: CountingEncoder) -> None:
    worker = ListingVectors(encoder=encoder)
    first = worker.refresh(session.connection())
    assert first.full_load
    pid = _create(session, "VEC-2", "Borosilicate glass teapot with infuser")
    step = worker.refresh(session.connection())
    assert step.applied == 1
    hits = worker.search(session.connection(), "glass teapot with infuser", k=3)
    assert hits[0].sku == "VEC-2"

    service.update_product(session=session, product_id=pid,
                           data=schemas.ProductUpdate(sku="VEC-2B",
                                                      title="Rattan lounge chair"))
    session.flush()
    worker.refresh(session.connection())
    assert worker.index is not None
    assert "VEC-2" not in worker.index
    assert worker.search(session.connection(), "rattan lounge chair", k=1)[0].sku == "VEC-2B"

    service.delete_product(session=session, product_id=pid)
    session.flush()
    step = worker.refresh(session.connection())
    assert step.removed == 1
    assert "VEC-2B" not in worker.index


def test_a_model_change_recomputes_every_vector(session: Session,
                                                encoder: CountingEncoder) -> None:
    products = session.scalar(select(func.count()).select_from(Product))
    assert products
    other = HashingEncoder(dim=64)  # another model name: no stored vector is of it
    assert rebuild_vectors(session, encoder=other) == products
    assert rebuild_vectors(session, encoder=other) == 0
    worker = ListingVectors(encoder=other)
    report = worker.refresh(session.connection())
    assert report.applied == products
    assert report.missing == 0
    models = set(session.scalars(select(ListingVectorRow.model).distinct()))
    assert models == {other.name}


def test_no_backend_stores_no_vectors(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vector_store, "default_encoder", lambda: None)
    pid = _create(session, "VEC-3", "Bamboo lantern")
    assert _vector(session, pid) is None


def test_search_takes_the_embeddings_as_a_second_retriever(
    session: Session, encoder: CountingEncoder
) -> None:
    """A listing no word of the request reaches is found through its vector, and the
    embeddings off (the default) leave matching as it was."""
    from tradebase.docking import service as docking
    from tradebase.docking.index_store import ListingIndex
    from tradebase.docking.records import MatchRequest

    _create(session, "VEC-NEAR", "Children's bicycle helmet with LED light")
    request = MatchRequest(text="Children's bicycle helmet with LED light")
    with_vectors = docking.search(session=session, index=ListingIndex(), request=request)
    assert "VEC-NEAR" in [c.result.sku for c in with_vectors.candidates]
    near = ListingIndex().similar(session.connection(), request.text)
    assert near[0][0] == "VEC-NEAR"


def test_no_backend_means_no_second_retriever(session: Session,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from tradebase.docking.index_store import ListingIndex

    monkeypatch.setattr(vector_store, "default_encoder", lambda: None)
    assert ListingIndex().similar(session.connection(), "bicycle helmets") == []
