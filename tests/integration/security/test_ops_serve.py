"""``tradebase serve``: the worker health check and the timeouts come from the settings, and
the default does not kill a live worker whose CPU is starved for a few seconds."""

from __future__ import annotations

import pytest

from tradebase.cli.serve import uvicorn_options
from tradebase.settings import Settings


def test_the_worker_health_check_tolerates_a_starved_worker_by_default() -> None:
    options = uvicorn_options(Settings())
    assert options["timeout_worker_healthcheck"] >= 30  # uvicorn's own default is 5 s
    assert options["timeout_graceful_shutdown"] is not None  # SIGTERM ends the server
    assert options["timeout_keep_alive"] >= 5


def test_the_health_check_and_timeouts_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEBASE_WORKER_HEALTHCHECK_SECONDS", "120")
    monkeypatch.setenv("TRADEBASE_KEEP_ALIVE_SECONDS", "75")
    monkeypatch.setenv("TRADEBASE_GRACEFUL_SHUTDOWN_SECONDS", "20")
    options = uvicorn_options(Settings(), workers=2)
    assert options["timeout_worker_healthcheck"] == 120
    assert options["timeout_keep_alive"] == 75
    assert options["timeout_graceful_shutdown"] == 20
    assert options["workers"] == 2
