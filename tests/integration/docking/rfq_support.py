"""A small catalog of its own for the RFQ tests: five works in a new base, of which two make
titanium bicycle frames that fit the buyer's constraints, and a buyer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import set_actor
from tradebase.accounts.models import User
from tradebase.accounts.policy import SYSTEM, Actor, Role
from tradebase.docking import schemas as docking_schemas
from tradebase.docking import service as docking
from tradebase.docking.index_store import ListingIndex
from tradebase.docking.models import BuyerRequest
from tradebase.registry import schemas, service
from tradebase.registry.models import Base, Region

REQUEST_TEXT = "titanium gravel bicycle frames"


@dataclass
class Catalog:
    base_id: int
    works: dict[str, int]  # name -> enterprise id
    buyer: User
    index: ListingIndex

    @property
    def buyer_actor(self) -> Actor:
        return Actor(label="buyer", role=Role.BUYER, user_id=self.buyer.id,
                     organisation=self.buyer.organisation)

    def member(self, name: str) -> Actor:
        return Actor(label=f"member of {name}", role=Role.ENTERPRISE,
                     enterprise_ids=frozenset({self.works[name]}))

    @property
    def bureau(self) -> Actor:
        return Actor(label="bureau", role=Role.BASE_ADMIN, base_ids=frozenset({self.base_id}))


def build_catalog(session: Session) -> Catalog:
    """Works A and B match (B with two listings); C lacks the certification, D is too slow,
    E makes something else."""
    set_actor(session, SYSTEM)
    region = session.scalars(select(Region).order_by(Region.id)).first()
    assert region is not None
    base = Base(key="rfq-test", name_en="RFQ test base", name_zh="询价测试基地",
                regions=[region])
    session.add(base)
    session.flush()
    listings: dict[str, list[tuple[str, str, list[str], int]]] = {
        "A": [("RFQ-A-1", "Titanium gravel bicycle frame", ["EN14781"], 30)],
        "B": [("RFQ-B-1", "Titanium bicycle frame, gravel geometry", ["EN14781"], 20),
              ("RFQ-B-2", "Titanium gravel bicycle frame with fork", ["EN14781"], 40)],
        "C": [("RFQ-C-1", "Titanium gravel bicycle frame", [], 30)],
        "D": [("RFQ-D-1", "Titanium gravel bicycle frame", ["EN14781"], 300)],
        "E": [("RFQ-E-1", "Porcelain tea set", ["EN14781"], 30)],
    }
    works: dict[str, int] = {}
    for name, items in listings.items():
        enterprise = service.create_enterprise(session=session, data=schemas.EnterpriseCreate(
            name_en=f"RFQ Works {name}", name_zh=f"询价工厂{name}", base_id=base.id))
        works[name] = enterprise.id
        for sku, title, certs, lead in items:
            service.create_product(session=session, data=schemas.ProductCreate(
                sku=sku, enterprise_id=enterprise.id, title=title, certifications=certs,
                lead_time_days=lead, monthly_capacity=10_000, moq=10))
    buyer = User(email="rfq-buyer@example.com", password_hash="x", role="buyer",
                 organisation="Velo Import GmbH")
    session.add(buyer)
    session.flush()
    return Catalog(base.id, works, buyer, ListingIndex())


def post_request(session: Session, catalog: Catalog, **terms: object) -> BuyerRequest:
    set_actor(session, catalog.buyer_actor)
    data = docking_schemas.RequestCreate.model_validate({
        "text": REQUEST_TEXT, "quantity": 200, "certifications": ["EN14781"],
        "max_lead_time_days": 60, "destination": "DE", **terms,
    })
    return docking.create_request(session=session, index=catalog.index, data=data)


def token_for(session: Session, email: str, role: Role, **extra: object) -> str:
    """An API token of a new user (flushed: the app's sessions share the connection)."""
    from tradebase.accounts import service as accounts
    from tradebase.settings import Settings

    user = accounts.create_user(session=session, email=email, password="long enough pass 1",
                                role=role, **extra)  # type: ignore[arg-type]
    token, _ = accounts.issue_token(session=session, user=user, settings=Settings())
    session.flush()
    return token
