"""Schemathesis drives every operation of the OpenAPI document with generated requests, as
the anonymous public and as signed-in users: no 5xx, and every 4xx carries a JSON error."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import auth

schema = schemathesis.pytest.from_fixture("api_schema")

FUZZ = settings(
    max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def api_schema(app_factory: Any) -> Any:
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
def test_as_the_anonymous_public(case: Any) -> None:
    _call_and_check(case, {})


@schema.parametrize()
@FUZZ
def test_as_a_platform_administrator(case: Any, tokens: dict[str, str]) -> None:
    _call_and_check(case, auth(tokens["admin"]))


@schema.parametrize()
@FUZZ
def test_as_an_enterprise_member(case: Any, tokens: dict[str, str]) -> None:
    _call_and_check(case, auth(tokens["enterprise"]))
