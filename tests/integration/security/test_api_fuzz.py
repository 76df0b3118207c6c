"""Schemathesis drives every operation of the OpenAPI document with generated requests, as
the anonymous public and as signed-in users: no 5xx, and every 4xx carries a JSON error."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import auth
from tests.fuzz import call_and_check

schema = schemathesis.pytest.from_fixture("api_schema")

FUZZ = settings(
    max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def api_schema(bound_fuzz_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", bound_fuzz_app)


@schema.parametrize()
@FUZZ
def test_as_the_anonymous_public(case: Any) -> None:
    call_and_check(case, {})


@schema.parametrize()
@FUZZ
def test_as_a_platform_administrator(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["admin"]))


@schema.parametrize()
@FUZZ
def test_as_an_enterprise_member(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["enterprise"]))
