"""``HEAD`` wherever ``GET`` is, and the API documentation served without a CDN."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tradebase.registry.models import Base


@pytest.mark.parametrize("path", ["/", "/api/v1/bases", "/api/v1/openapi.json",
                                  "/static/css/tradebase.css", "/api/v1/docs"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-security-policy"] == got.headers["content-security-policy"]


def test_head_of_a_missing_page_is_404_and_of_a_post_only_route_405(
    client: TestClient, anxi: Base
) -> None:
    assert client.head("/no-such-page").status_code == 404
    assert client.head("/api/v1/auth/password-reset").status_code == 405


def test_the_openapi_document_lists_no_head_operations(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert not [p for p, ops in paths.items() if "head" in ops]


def test_api_docs_load_swagger_ui_from_the_app_itself(client: TestClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources
    assert all(s.startswith("/static/") for s in sources), sources
    assert "<script>" not in page.text  # the CSP allows no inline script
    for source in sources:
        assert client.get(source).status_code == 200, source
