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
from tests.fuzz import api_schema_of, call_and_check

schema = schemathesis.pytest.from_fixture("events_schema").include(path_regex=r"^/api/v1/events")

FUZZ = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def events_schema(bound_fuzz_app: Any) -> Any:
    return api_schema_of(bound_fuzz_app, boundaries=False)


@schema.parametrize()
@FUZZ
def test_events_as_an_organiser(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["base_admin"]))


@schema.parametrize()
@FUZZ
def test_events_as_a_buyer(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["buyer"]))
