"""Fixtures of the HTML page tests: demo records by key, a client in a chosen language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tradebase.registry import service
from tradebase.registry.models import Base, Enterprise, Product
from tradebase.registry.service import ListFilters


@pytest.fixture
def anxi(session: Session) -> Base:
    base = service.get_base_by_key(session=session, key="anxi")
    assert base is not None
    return base


@pytest.fixture
def anxi_enterprise(session: Session, anxi: Base) -> Enterprise:
    items, _ = service.list_enterprises(
        session=session, filters=ListFilters(base_id=anxi.id), limit=1
    )
    return items[0]


@pytest.fixture
def anxi_product(session: Session, anxi_enterprise: Enterprise) -> Product:
    items, _ = service.list_products(
        session=session, filters=ListFilters(enterprise_id=anxi_enterprise.id), limit=1
    )
    return items[0]


@pytest.fixture
def speak(client: TestClient) -> Callable[[str], TestClient]:
    """Set the interface language of ``client`` (the ``lang`` cookie) and return it."""

    def set_language(lang: str) -> TestClient:
        client.cookies.set("lang", lang)
        return client

    return set_language
