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

schema = schemathesis.pytest.from_fixture("events_schema").include(path_regex=r"^/api/v1/events")

FUZZ = settings(
    max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def events_schema(app_factory: Any) -> Any:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app_factory())


def _call_and_check(case: Any, headers: dict[str, str]) -> None:
    response = case.call(headers=headers)
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
    if 400 <= response.status_code < 500:
        body = response.json()
        assert isinstance(body.get("error"), dict), response.text[:500]
        assert isinstance(body["error"].get("message"), str)


@schema.parametrize()
@FUZZ
def test_events_as_the_anonymous_public(case: Any) -> None:
    _call_and_check(case, {})


@schema.parametrize()
@FUZZ
def test_events_as_an_organiser(case: Any, tokens: dict[str, str]) -> None:
    _call_and_check(case, auth(tokens["base_admin"]))


@schema.parametrize()
@FUZZ
def test_events_as_an_enterprise_member(case: Any, tokens: dict[str, str]) -> None:
    _call_and_check(case, auth(tokens["enterprise"]))


@schema.parametrize()
@FUZZ
def test_events_as_a_buyer(case: Any, tokens: dict[str, str]) -> None:
    _call_and_check(case, auth(tokens["buyer"]))
