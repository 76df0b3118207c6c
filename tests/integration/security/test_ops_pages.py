"""Errors on pages: an id no row can have is the 404 page; every error, also an unexpected
one, is the HTML error page (pages) or the JSON envelope (API), with the security headers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from tests.conftest import auth

SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options",
                    "referrer-policy", "permissions-policy")
HUGE = "9" * 20


def _assert_secured(response) -> None:  # type: ignore[no-untyped-def]
    for name in SECURITY_HEADERS:
        assert name in response.headers, f"{response.request.url}: no {name}"


@pytest.mark.parametrize("path", [
    f"/enterprises/{HUGE}",
    f"/enterprises/{HUGE}/edit",
    f"/products/{HUGE}/edit",
    f"/bases/{HUGE}",
    f"/docking/requests/{HUGE}",
    f"/docking/enquiries/{HUGE}",
    f"/procurement/rounds/{HUGE}",
    "/enterprises/2147483648",
    "/enterprises/0",
])
def test_an_id_no_row_can_have_is_the_404_page(
    client: TestClient, tokens: dict[str, str], path: str
) -> None:
    response = client.get(path, headers=auth(tokens["admin"]))
    assert response.status_code == 404, response.text[:200]
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text
    _assert_secured(response)


def test_the_api_still_refuses_a_huge_id_with_422(client: TestClient) -> None:
    response = client.get(f"/api/v1/enterprises/{HUGE}")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "enterprise_id"
    _assert_secured(response)


@pytest.fixture
def failing_client(app_factory) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """The app with one page and one API route that fail with an unexpected error."""
    app = app_factory()
    router = APIRouter()

    @router.get("/ops-boom")
    def page_boom() -> None:
        raise RuntimeError("an unexpected defect")

    @router.get("/api/v1/ops-boom")
    def api_boom() -> None:
        raise RuntimeError("an unexpected defect")

    app.include_router(router)
    with TestClient(app, base_url="https://testserver",
                    raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_unexpected_error_is_the_error_page_with_the_security_headers(
    failing_client: TestClient,
) -> None:
    page = failing_client.get("/ops-boom")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text
    assert "an unexpected defect" not in page.text  # no internals shown
    _assert_secured(page)
    assert "strict-transport-security" in page.headers

    api = failing_client.get("/api/v1/ops-boom")
    assert api.status_code == 500
    assert api.json()["error"]["message"]
    assert "an unexpected defect" not in api.text
    _assert_secured(api)


def test_refusals_of_the_middleware_carry_the_security_headers(client: TestClient) -> None:
    response = client.get("/api/v1/bases", params={"q": "a\x00b"})
    assert response.status_code == 422
    _assert_secured(response)
