"""List pages run a fixed number of SQL statements, however many rows they show (no N+1)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tradebase.registry.models import Base


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _statements(engine: Engine, client: TestClient, path: str, **params: Any) -> int:
    client.get(path, params=params)  # warm-up: the session's identity map is per request anyway
    with counting(engine) as statements:
        response = client.get(path, params=params)
    assert response.status_code == 200
    return len(statements)


def _rows(client: TestClient, path: str, marker: str, **params: Any) -> int:
    return client.get(path, params=params).text.count(marker)


def test_enterprise_list_does_not_grow_with_its_rows(
    engine: Engine, speak: Callable[[str], TestClient]
) -> None:
    client = speak("en")
    assert _rows(client, "/enterprises", 'href="/enterprises/', limit=2) < _rows(
        client, "/enterprises", 'href="/enterprises/', limit=30
    )
    few = _statements(engine, client, "/enterprises", limit=2)
    many = _statements(engine, client, "/enterprises", limit=30)
    assert few == many


def test_search_does_not_grow_with_its_rows(
    engine: Engine, speak: Callable[[str], TestClient]
) -> None:
    client = speak("zh")
    few = _statements(engine, client, "/search", q="a", limit=2)
    many = _statements(engine, client, "/search", q="a", limit=60)
    assert _rows(client, "/search", "product-result", q="a", limit=60) > 20
    assert few == many


def test_base_page_does_not_grow_with_its_rows(
    engine: Engine, speak: Callable[[str], TestClient], anxi: Base
) -> None:
    client = speak("en")
    few = _statements(engine, client, f"/bases/{anxi.id}", limit=1)
    many = _statements(engine, client, f"/bases/{anxi.id}", limit=8)
    assert few == many


def test_home_page_does_not_query_per_base(
    engine: Engine, speak: Callable[[str], TestClient]
) -> None:
    client = speak("en")
    assert _statements(engine, client, "/") <= 12
