"""Schemathesis over the events routes alone (``/api/v1/events``), as the two roles the
whole-API run (tests/integration/security/test_api_fuzz.py: anonymous, platform
administrator with boundary cases, enterprise member) does not take: a base administrator
(an organiser of Anxi's events) and a buyer. No 5xx, and every 4xx carries a JSON error."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import auth
from tests.fuzz import api_schema_of, call_and_check, fuzz_only_on

EVENTS = r"^/api/v1/events"
as_organiser = schemathesis.pytest.from_fixture("organiser_schema").include(path_regex=EVENTS)
as_buyer = schemathesis.pytest.from_fixture("buyer_schema").include(path_regex=EVENTS)

FUZZ = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def organiser_schema(bound_fuzz_app: Any, backend: str) -> Any:
    fuzz_only_on(backend, "postgresql")
    return api_schema_of(bound_fuzz_app, boundaries=False)


@pytest.fixture
def buyer_schema(bound_fuzz_app: Any, backend: str) -> Any:
    fuzz_only_on(backend, "sqlite")
    return api_schema_of(bound_fuzz_app, boundaries=False)


@as_organiser.parametrize()
@FUZZ
def test_events_as_an_organiser(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["base_admin"]))


@as_buyer.parametrize()
@FUZZ
def test_events_as_a_buyer(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["buyer"]))
