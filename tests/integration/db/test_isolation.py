"""Each test's writes are rolled back, even when code under test commits (savepoints)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tradebase.registry.models import Industry


def test_a_commit_inside_a_test_is_rolled_back_after_it(session: Session, engine: Engine) -> None:
    session.add(Industry(key="isolation-probe", name_zh="探针", name_en="Probe"))
    session.commit()  # releases the savepoint only
    assert session.scalar(select(func.count()).where(Industry.key == "isolation-probe")) == 1
    with Session(engine) as other:  # another connection does not see it
        assert other.scalar(select(func.count()).where(Industry.key == "isolation-probe")) == 0
