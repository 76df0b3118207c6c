"""Schemathesis drives every operation of the OpenAPI document with generated requests, as
the anonymous public and as signed-in users: no 5xx, and every 4xx carries a JSON error.

The platform administrator, who passes every permission check and so reaches every
validator, also gets the coverage phase (boundary values of every parameter: the INTEGER
overflow and U+0000 bugs were found this way); the other roles get generated requests only,
since the boundary cases test validation, which is the same for every reader."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import auth
from tests.fuzz import api_schema_of, call_and_check

with_boundaries = schemathesis.pytest.from_fixture("api_schema")
generated_only = schemathesis.pytest.from_fixture("api_schema_generated_only")

FUZZ = settings(
    max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def api_schema(bound_fuzz_app: Any) -> Any:
    return api_schema_of(bound_fuzz_app, boundaries=True)


@pytest.fixture
def api_schema_generated_only(bound_fuzz_app: Any) -> Any:
    return api_schema_of(bound_fuzz_app, boundaries=False)


@generated_only.parametrize()
@FUZZ
def test_as_the_anonymous_public(case: Any) -> None:
    call_and_check(case, {})


@with_boundaries.parametrize()
@FUZZ
def test_as_a_platform_administrator(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["admin"]))


@generated_only.parametrize()
@FUZZ
def test_as_an_enterprise_member(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["enterprise"]))
