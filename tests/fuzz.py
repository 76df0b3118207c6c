"""What the Schemathesis runs share: one app per test module (building the matching index
once, not for every operation), bound to each test's rolled-back transaction, and the check
of every response."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.config import SchemathesisConfig
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.postgres import POSTGRES_URL
from tradebase.settings import Settings
from tradebase.web.app import create_app


@pytest.fixture(scope="module")
def fuzz_app(engine: Engine) -> FastAPI:
    return create_app(engine, settings=Settings(
        login_limit="100000/minute", api_limit="1000000/minute", mail_backend="memory"))


@pytest.fixture
def bound_fuzz_app(fuzz_app: FastAPI, session_maker: sessionmaker[Session]) -> FastAPI:
    fuzz_app.state.session_factory = session_maker
    return fuzz_app


TIMEOUT = 120
"""Seconds a request (the OpenAPI document's included) may take: Schemathesis's 10 s default
is a slow machine's load, not a fault of the app (a hung request still fails, later)."""
WITH_BOUNDARIES = SchemathesisConfig.from_dict({"request-timeout": TIMEOUT})
FUZZING_ONLY = SchemathesisConfig.from_dict(
    {"request-timeout": TIMEOUT, "phases": {"coverage": {"enabled": False}}})
"""Generated requests without the coverage phase's ~60 boundary cases per operation: those
check request validation, which does not depend on who asks, so one role runs them."""


def fuzz_only_on(backend: str, wanted: str) -> None:
    """Skip a role's run on the other backend when both are there: a role's generated requests
    reach the same routes and validators on either, and one run each keeps the suite within
    its time (the administrator's run covers both backends)."""
    if POSTGRES_URL and backend != wanted:
        pytest.skip(f"this role is fuzzed on {wanted}; the administrator on both")


def api_schema_of(app: FastAPI, *, boundaries: bool) -> Any:
    """The app's OpenAPI document as Schemathesis drives it, with or without the coverage
    phase's boundary cases."""
    return schemathesis.openapi.from_asgi(
        "/api/v1/openapi.json", app, config=WITH_BOUNDARIES if boundaries else FUZZING_ONLY,
        timeout=TIMEOUT)


def call_and_check(case: Any, headers: dict[str, str]) -> None:
    """No 5xx; every 4xx carries the JSON error envelope."""
    response = case.call(headers=headers, timeout=TIMEOUT)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body.get("error"), dict), response.text[:500]
        assert isinstance(body["error"].get("message"), str)
