"""Schemathesis over the events routes alone (``/api/v1/events``), as the anonymous public, a
base administrator (an organiser of Anxi's events), an enterprise member and a buyer: no 5xx,
and every 4xx carries a JSON error. The whole API is fuzzed by
tests/integration/security/test_api_fuzz.py; this runs the new routes with more examples."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import auth
from tests.fuzz import call_and_check

schema = schemathesis.pytest.from_fixture("events_schema").include(path_regex=r"^/api/v1/events")

FUZZ = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def events_schema(bound_fuzz_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", bound_fuzz_app)


@schema.parametrize()
@FUZZ
def test_events_as_the_anonymous_public(case: Any) -> None:
    call_and_check(case, {})


@schema.parametrize()
@FUZZ
def test_events_as_an_organiser(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["base_admin"]))


@schema.parametrize()
@FUZZ
def test_events_as_an_enterprise_member(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["enterprise"]))


@schema.parametrize()
@FUZZ
def test_events_as_a_buyer(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["buyer"]))
