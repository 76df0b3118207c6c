"""User management at the command line is audited like every other change: ``tradebase users
create`` and ``users grant`` run in fresh processes (which never build the web app) and still
leave audit entries, with the operator as the actor and no password hash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.models import AuditEntry
from tradebase.db import make_engine
from tradebase.migrate import upgrade
from tradebase.registry.models import Base

REPO = Path(__file__).resolve().parents[3]


# Both commands in one fresh process (it never builds the web app, like a real CLI run).
SCRIPT = """
import sys
from typer.testing import CliRunner
from tradebase.cli import app
runner = CliRunner()
for args, stdin in [
    (["users", "create", "officer.cli@example.com", "--role", "officer"],
     "a long enough passphrase\\n"),
    (["users", "grant", "officer.cli@example.com", "--role", "base_admin", "--base", sys.argv[1]],
     ""),
]:
    result = runner.invoke(app, args, input=stdin)
    print(result.exit_code, result.output)
    assert result.exit_code == 0, result.output
"""


def _run_cli(database: str, base_id: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRADEBASE_DATABASE_URL": database, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(base_id)], capture_output=True, text=True, env=env,
        cwd=REPO, timeout=300, check=False,
    )


def test_cli_users_create_and_grant_write_audit_entries(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(database)
    upgrade(engine)
    with Session(engine) as session:
        session.add(Base(key="ops-cli", name_zh="测试", name_en="Ops CLI base"))
        session.commit()
        base_id = session.scalars(select(Base.id)).one()

    run = _run_cli(database, base_id)
    assert run.returncode == 0, run.stdout + run.stderr

    with Session(engine) as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    engine.dispose()
    users = [e for e in entries if e.entity == "users"]
    assert [e.action for e in users] == ["create", "update"]
    assert users[0].after is not None
    assert users[0].after["email"] == "officer.cli@example.com"
    assert "password_hash" not in users[0].after
    assert users[1].before == {"role": "officer"}
    assert users[1].after == {"role": "base_admin"}
    memberships = [e for e in entries if e.entity == "user_bases"]
    assert [e.action for e in memberships] == ["create"]
    assert memberships[0].base_id == base_id
    assert all(e.actor.startswith("cli") for e in [*users, *memberships])
