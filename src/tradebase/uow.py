"""The one way for code outside HTTP (CLI commands, jobs, scripts) to get a session.

``unit_of_work`` opens a transaction, says who is acting (for permissions and the audit log),
commits when the block ends normally and rolls back on any error, so a command is
all-or-nothing by construction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import Actor, system_actor
from tradebase.db import transaction
from tradebase.models import load_all_models


@contextmanager
def unit_of_work(actor: Actor | None = None, *, engine: Engine | None = None) -> Iterator[Session]:
    """A transaction acting as ``actor`` (default: the operator at the command line).

    The session listeners (the audit log, the matching index) are installed first: a CLI
    process never builds the web app, which is where they used to be installed, so its
    changes went unaudited."""
    load_all_models()
    with transaction(engine) as session:
        set_actor(session, actor or system_actor("cli"))
        yield session
