"""Schemathesis drives every operation of the OpenAPI document with generated requests, as
the anonymous public and as signed-in users: no 5xx, and every 4xx carries a JSON error.

The platform administrator, who passes every permission check and so reaches every
validator, also gets the coverage phase (boundary values of every parameter: the INTEGER
overflow and U+0000 bugs were found this way) on PostgreSQL, generated requests on both
backends; the other roles get generated requests only, since the boundary cases test
validation, which is the same for every reader, each on one backend (the anonymous public on
SQLite, the enterprise member on PostgreSQL) when both are there."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import auth
from tests.fuzz import api_schema_of, call_and_check, fuzz_only_on
from tests.postgres import POSTGRES_URL

as_admin = schemathesis.pytest.from_fixture("admin_schema")
as_anonymous = schemathesis.pytest.from_fixture("anonymous_schema")
as_enterprise = schemathesis.pytest.from_fixture("enterprise_schema")

FUZZ = settings(
    max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture
def admin_schema(bound_fuzz_app: Any, backend: str) -> Any:
    """With the boundary cases on PostgreSQL (whose INTEGER and text refuse what SQLite
    takes), or on SQLite when it is the only backend; generated requests on both."""
    boundaries = backend == "postgresql" or not POSTGRES_URL
    return api_schema_of(bound_fuzz_app, boundaries=boundaries)


@pytest.fixture
def anonymous_schema(bound_fuzz_app: Any, backend: str) -> Any:
    fuzz_only_on(backend, "sqlite")
    return api_schema_of(bound_fuzz_app, boundaries=False)


@pytest.fixture
def enterprise_schema(bound_fuzz_app: Any, backend: str) -> Any:
    fuzz_only_on(backend, "postgresql")
    return api_schema_of(bound_fuzz_app, boundaries=False)


@as_anonymous.parametrize()
@FUZZ
def test_as_the_anonymous_public(case: Any) -> None:
    call_and_check(case, {})


@as_admin.parametrize()
@FUZZ
def test_as_a_platform_administrator(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["admin"]))


@as_enterprise.parametrize()
@FUZZ
def test_as_an_enterprise_member(case: Any, tokens: dict[str, str]) -> None:
    call_and_check(case, auth(tokens["enterprise"]))
