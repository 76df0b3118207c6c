"""``tradebase reminders send``: each reminder is sent once, however often (and however many
at once) the command runs; lapses are applied, expiring certifications reminded."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.conftest import BACKENDS, anxi_and_member_enterprise
from tests.postgres import private_schema
from tradebase.accounts.guard import set_actor
from tradebase.accounts.models import User, UserEnterprise
from tradebase.accounts.policy import SYSTEM
from tradebase.db import make_engine, transaction
from tradebase.docking.models import BuyerRequest, Enquiry
from tradebase.migrate import upgrade
from tradebase.notifications.models import Notification, SentReminder
from tradebase.registry.models import Enterprise, EnterpriseCertification, Product
from tradebase.reminders.service import RemindersReport, send_reminders

TODAY = date(2031, 5, 20)  # far from the demo data's dates
REPO = Path(__file__).resolve().parents[3]


def _long_ago(days: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days), datetime.min.time(), tzinfo=UTC)


def _enquiries(session: Session, enterprise_id: int, ages: list[int]) -> list[Enquiry]:
    request = BuyerRequest(organisation="Reminder AB", text="rattan chairs for a hotel",
                           quantity=100, certifications=[])
    made = [Enquiry(request=request, enterprise_id=enterprise_id, status="sent", reasons=[],
                    sent_at=_long_ago(age)) for age in ages]
    session.add_all([request, *made])
    session.flush()
    return made


def _inbox(session: Session, user_id: int) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)))


def test_reminders_sent_twice_are_sent_once(session: Session, tokens: dict[str, str]) -> None:
    _anxi, works = anxi_and_member_enterprise(session)
    member = session.scalars(select(User).where(User.email == "enterprise@example.com")).one()
    old, fresh = _enquiries(session, works.id, [5, 1])
    session.add(EnterpriseCertification(enterprise_id=works.id, code="REMIND-ISO",
                                        valid_until=TODAY + timedelta(days=10)))
    session.flush()

    first = send_reminders(session=session, today=TODAY, unanswered_after_days=3)
    keys = {line.key for line in first.sent}
    assert f"enquiry-unanswered:{old.id}" in keys
    assert f"enquiry-unanswered:{fresh.id}" not in keys  # not waiting long enough yet
    certificate = f"certificate-expiry:{works.id}:enterprise:REMIND-ISO:2031-05-30"
    assert certificate in keys
    kinds = sorted(n.kind for n in _inbox(session, member.id))
    assert kinds.count("enquiry_unanswered") == 1
    assert kinds.count("certificate_expiring") == 1

    again = send_reminders(session=session, today=TODAY + timedelta(days=1),
                           unanswered_after_days=3)
    assert not {f"enquiry-unanswered:{old.id}", certificate} & {s.key for s in again.sent}
    assert again.already_sent >= 2
    assert sorted(n.kind for n in _inbox(session, member.id)) == kinds


def test_an_enterprise_nobody_can_read_for_is_reminded_once_someone_can(
    session: Session,
) -> None:
    lonely = Enterprise(name_en="Nobody Home Works", name_zh="无人工厂")
    session.add(lonely)
    session.flush()
    (enquiry,) = _enquiries(session, lonely.id, [9])
    key = f"enquiry-unanswered:{enquiry.id}"
    first = send_reminders(session=session, today=TODAY)
    assert key not in {line.key for line in first.sent}
    assert first.nobody_to_tell >= 1
    member = User(email="late-joiner@example.com", password_hash="x", role="enterprise")
    session.add(member)
    session.flush()
    session.add(UserEnterprise(user_id=member.id, enterprise_id=lonely.id))
    session.flush()
    later = send_reminders(session=session, today=TODAY)
    assert key in {line.key for line in later.sent}
    assert [n.kind for n in _inbox(session, member.id)] == ["enquiry_unanswered"]


def test_the_command_prints_what_it_sent_and_sends_nothing_the_second_time(
    tmp_path: Path,
) -> None:
    database = f"sqlite:///{tmp_path / 'reminders.db'}"
    engine = make_engine(database)
    upgrade(engine)
    with transaction(engine) as session:
        set_actor(session, SYSTEM)
        _seed(session, enquiries=2)
    engine.dispose()
    script = (
        "from typer.testing import CliRunner\n"
        "from tradebase.cli import app\n"
        "for _ in range(2):\n"
        "    result = CliRunner().invoke(app, ['reminders', 'send', '--today', '2031-05-20',\n"
        "                                      '--unanswered-after-days', '3'])\n"
        "    print('exit', result.exit_code)\n"
        "    print(result.output)\n"
    )
    env = {**os.environ, "TRADEBASE_DATABASE_URL": database, "PYTHONPATH": str(REPO / "src"),
           "TRADEBASE_MAIL_BACKEND": "console"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, cwd=REPO, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    first, second = run.stdout.split("exit")[1:]
    assert first.startswith(" 0")
    assert second.startswith(" 0")
    assert first.count("sent enquiry_unanswered") == 2
    assert "2 sent, 0 sent before" in first
    assert "sent enquiry_unanswered" not in second
    assert "0 sent, 2 sent before" in second
    # the console backend's mails, in the runner's output: once each
    assert run.stdout.count("--- mail to works@reminders.example") == 2


# --- two runs at once, on a database of their own (real commits) ------------------------------

RUNS = 2
ENQUIRIES = 12


def _seed(session: Session, *, enquiries: int) -> int:
    works = Enterprise(name_en="Reminder Works", name_zh="提醒工厂")
    member = User(email="works@reminders.example", password_hash="x", role="enterprise")
    session.add_all([works, member])
    session.flush()
    session.add(UserEnterprise(user_id=member.id, enterprise_id=works.id))
    _enquiries(session, works.id, [10] * enquiries)
    return member.id


@pytest.fixture(params=BACKENDS)
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database that this test commits to."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'concurrent.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    with private_schema("tradebase_remind") as schema:
        engine = make_engine(schema.url())
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()


def test_two_runs_at_once_send_each_reminder_once(own_engine: Engine) -> None:
    with transaction(own_engine) as session:
        set_actor(session, SYSTEM)
        member_id = _seed(session, enquiries=ENQUIRIES)
    start = threading.Barrier(RUNS)
    reports: list[RemindersReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            with transaction(own_engine) as session:
                set_actor(session, SYSTEM)
                reports.append(send_reminders(session=session, today=TODAY))
        except BaseException as exc:  # reported below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(len(report.sent) for report in reports) == ENQUIRIES
    assert sum(report.already_sent for report in reports) == ENQUIRIES * (RUNS - 1)
    with Session(own_engine) as session:
        assert session.scalar(select(func.count()).select_from(SentReminder)) == ENQUIRIES
        assert session.scalar(select(func.count()).select_from(Notification)
                              .where(Notification.user_id == member_id)) == ENQUIRIES


def test_open_requests_that_fit_a_catalog_are_told_once(
    session: Session, tokens: dict[str, str]
) -> None:
    from tradebase.docking.index_store import ListingIndex

    _anxi, works = anxi_and_member_enterprise(session)
    sku = session.scalars(select(Product.sku).where(Product.enterprise_id == works.id)
                          .order_by(Product.id)).first()
    product = session.scalars(select(Product).where(Product.sku == sku)).one()
    session.add(BuyerRequest(organisation="Match AB", text=product.title, certifications=[]))
    session.flush()
    today = datetime.now(UTC).date()
    index = ListingIndex()
    first = send_reminders(session=session, today=today, index=index)
    matched = {line.key for line in first.sent if line.kind == "request_matched"}
    assert any(key.endswith(f":{works.id}") for key in matched)
    again = send_reminders(session=session, today=today, index=index)
    assert not {line.key for line in again.sent} & matched
