"""The lockout holds under concurrency: it is counted in the database, atomically.

Thirty wrong passwords sent at once on thirty connections used to give thirty 401s and
``failed_logins = 2`` (each request read the count, added one in Python and wrote it back).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD
from tests.integration.security.auth_support import engine_with_tables, make_user, needs_postgres
from tradebase.accounts import service as accounts
from tradebase.accounts.models import User
from tradebase.settings import Settings

THREADS = 30
THRESHOLD = 5


@needs_postgres
def test_concurrent_wrong_passwords_lock_the_account_at_the_threshold() -> None:
    settings = Settings(lockout_failures=THRESHOLD, lockout_minutes=15)
    with engine_with_tables() as engine:
        make_user(engine, "target@example.com")
        start = threading.Barrier(THREADS)

        def attempt(number: int) -> accounts.LoginResult:
            with Session(engine) as session:
                start.wait()
                result = accounts.authenticate(
                    session=session, email="target@example.com",
                    password=f"wrong password {number}", settings=settings,
                )
                session.commit()
                return result

        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(attempt, range(THREADS)))
        # Exactly THRESHOLD passwords were checked; every other attempt found the lock.
        checked = [r for r in results if not r.retry_after]
        refused = [r for r in results if r.retry_after]
        assert len(checked) == THRESHOLD
        assert len(refused) == THREADS - THRESHOLD
        with Session(engine) as session:
            user = session.scalars(select(User)).one()
            assert user.locked_until is not None
            assert user.locked_until > datetime.now(UTC)
            # Even the right password waits now.
            right = accounts.authenticate(session=session, email=user.email, password=PASSWORD,
                                          settings=settings)
            assert right.user is None
            assert right.retry_after > 0


def test_the_attempt_that_reaches_the_threshold_locks(app_factory, tokens: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Sequentially too: three wrong passwords, and the right one then waits (429)."""
    with TestClient(app_factory(lockout_failures=3), base_url="https://testserver") as client:
        codes = [client.post("/api/v1/auth/token", json={
            "email": "officer@example.com", "password": "bad password 1"}).status_code
            for _ in range(3)]
        locked = client.post("/api/v1/auth/token",
                             json={"email": "officer@example.com", "password": PASSWORD})
    assert codes == [401, 401, 401]
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
