"""A procurement round of Anxi with needs of its first enterprise and one sealed quote."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import anxi_and_member_enterprise
from tradebase.accounts.guard import current_actor, set_actor
from tradebase.accounts.policy import SYSTEM
from tradebase.allocation import round_schemas as rs
from tradebase.allocation import rounds
from tradebase.allocation.models import ProcurementRound
from tradebase.registry.models import Base, Enterprise

# prices no page or answer may show while the round is open
SECRET_PRICE = 7.4321
FIRST_TIER_PRICE = 9.8765


def anxi_and_first(session: Session) -> tuple[Base, Enterprise]:
    return anxi_and_member_enterprise(session)


def make_round(session: Session, *, status: str = "open") -> ProcurementRound:
    """An EVA-foam round: a need of 600 sheets (packs of 50, 10% tolerance) from Anxi's first
    enterprise, one of 430 from its second, and a quote of 'Foam Co' with a secret price."""
    actor = current_actor(session)
    set_actor(session, SYSTEM)
    try:
        anxi, first = anxi_and_first(session)
        second = session.scalars(
            select(Enterprise).where(Enterprise.base_id == anxi.id).order_by(Enterprise.id)
            .offset(1)
        ).first()
        assert second is not None
        made = rounds.open_round(session=session, data=rs.RoundCreate(
            base_id=anxi.id, title="Spring EVA", closes_on=date(2027, 3, 1),
            materials=[rs.MaterialIn(name="EVA foam", unit="sheet", pack_size=50,
                                     published_tiers=[1000, 5000])],
        ))
        for enterprise, quantity in ((first, 600), (second, 430)):
            rounds.declare_need(session=session, round_id=made.id, data=rs.NeedCreate(
                enterprise_id=enterprise.id, material="EVA foam", specification="3 mm",
                quantity=quantity, delivery_month="2027-04", tolerance=0.1,
            ))
        rounds.add_quote(session=session, round_id=made.id, data=rs.QuoteCreate(
            supplier="Foam Co", material="EVA foam",
            price_breaks=[{"min_quantity": 0, "unit_price": FIRST_TIER_PRICE},  # type: ignore[list-item]
                          {"min_quantity": 1000, "unit_price": SECRET_PRICE}],
            capacity=10_000,
        ))
        if status in ("closed", "published"):
            rounds.close_round(session=session, round_id=made.id, time_limit=10,
                               confirm_early=True)
        if status == "published":
            rounds.publish_round(session=session, round_id=made.id)
        session.flush()
        return made
    finally:
        set_actor(session, actor)
