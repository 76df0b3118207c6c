"""The demo's past event: the Putian–Quanzhou footwear supply-and-demand docking day of
2022-06-15 (../shared/BRIEF.md; the China News Service article of 2022-06-16, demo source
``002_820f995f7a0f82cf``), held and published with its published outcome — 6 companies with
cooperation intentions, processing orders of more than 6.5 million pairs, about 300 million
yuan. The outcome is the demo's existing ``docking_intention_*`` facts of the base, linked to
the event as its published figure (``EventFact``, basis ``published``): no second copy, and
no invented meetings, registrations or intentions (the article names none).

Loaded after ``registry.demo.load_demo`` (events sit above the registry); idempotent.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.docking.service import DOCKING_METRICS
from tradebase.events.models import Event, EventBase
from tradebase.events.outcome_models import EventFact
from tradebase.events.outcome_totals import link_published_figure
from tradebase.registry.models import Base, IndicatorFact

BASE_KEY = "putian_quanzhou_footwear"
SOURCE_ID = "002_820f995f7a0f82cf"
DAY = date(2022, 6, 15)
TITLE_EN = "Putian–Quanzhou footwear supply-and-demand docking day"
TITLE_ZH = "莆田—泉州鞋业供需对接活动"


def load_demo_event(*, session: Session) -> Event | None:
    """Load the past docking day unless it is there already (or the base is missing);
    returns it. Never commits."""
    base = session.scalars(select(Base).where(Base.key == BASE_KEY)).first()
    if base is None:
        return None
    facts = list(session.scalars(select(IndicatorFact).where(
        IndicatorFact.base_id == base.id, IndicatorFact.metric.in_(DOCKING_METRICS),
        IndicatorFact.source_id == SOURCE_ID).order_by(IndicatorFact.id)))
    linked = session.scalars(select(EventFact.event_id)
                             .where(EventFact.fact_id.in_([f.id for f in facts]))).first()
    if linked is not None:
        return session.get(Event, linked)
    event = Event(
        kind="docking_day", title_en=TITLE_EN, title_zh=TITLE_ZH,
        description_en=("Putian and Quanzhou shoe companies met in Putian to dock supply and "
                        "demand (\"hand in hand\"). The outcome shown is the figure published "
                        "by China News Service on 2022-06-16."),
        description_zh=("莆田、泉州两地鞋企在莆田开展供需对接。"
                        "成果为中国新闻网 2022-06-16 发布的数字。"),
        city="Putian", country="CN", starts_on=DAY, ends_on=DAY,
        timezone="Asia/Shanghai", languages=["zh"], status="held", published=True,
        outcomes_published=True, base_rows=[EventBase(base_id=base.id)])
    session.add(event)
    session.flush()
    for fact in facts:
        link_published_figure(session=session, event=event, fact=fact)
    return event
