"""A docking day of its own for the events tests: the RFQ tests' catalog (five works in a new
base, two of which make titanium gravel bicycle frames), its bureau as organiser, members of
each works, two buyers of one organisation and one of another."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import REQUEST_TEXT, Catalog, build_catalog, token_for
from tradebase.accounts.roles import Role

SEEK = REQUEST_TEXT
PLAN = {"slot_minutes": 20, "day_start": "09:00", "tables": 10,
        "sessions": [{"slots": 6, "break_after": 60}, {"slots": 6}]}


@dataclass
class World:
    catalog: Catalog
    headers: dict[str, dict[str, str]]

    def __getitem__(self, who: str) -> dict[str, str]:
        return self.headers[who]


def make_world(client: TestClient, session: Session) -> World:
    catalog = build_catalog(session)
    headers = {
        "bureau": auth(token_for(session, "ev-bureau@example.com", Role.BASE_ADMIN,
                                 base_ids=[catalog.base_id])),
        "buyer": auth(token_for(session, "ev-buyer@example.com", Role.BUYER,
                                organisation="Velo Import GmbH")),
        "colleague": auth(token_for(session, "ev-colleague@example.com", Role.BUYER,
                                    organisation="Velo Import GmbH")),
        "rival": auth(token_for(session, "ev-rival@example.com", Role.BUYER,
                                organisation="Rival Cycles AB")),
        **{name: auth(token_for(session, f"ev-works-{name.lower()}@example.com",
                                Role.ENTERPRISE, enterprise_ids=[catalog.works[name]]))
           for name in ("A", "B", "E")},
    }
    return World(catalog, headers)


def make_event(client: TestClient, world: World, **fields: Any) -> int:
    body = {"kind": "docking_day", "base_ids": [world.catalog.base_id],
            "title_en": "Bicycle docking day", "title_zh": "自行车对接会", "city": "Xiamen",
            "country": "CN", "timezone": "Asia/Shanghai", "starts_on": "2027-05-10",
            "ends_on": "2027-05-10", "languages": ["zh", "en"], "slot_plan": PLAN,
            "status": "open", "published": True, **fields}
    made = client.post("/api/v1/events", headers=world["bureau"], json=body)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def register(client: TestClient, world: World, event_id: int, who: str,
             approve: bool = True, **fields: Any) -> int:
    body: dict[str, Any] = dict(fields)
    if who in world.catalog.works:
        body.setdefault("enterprise_id", world.catalog.works[who])
    made = client.post(f"/api/v1/events/{event_id}/registrations", headers=world[who],
                       json=body)
    assert made.status_code == 201, made.text
    rid = int(made.json()["id"])
    if approve:
        decided = client.post(f"/api/v1/events/registrations/{rid}/decision",
                              headers=world["bureau"], json={"approve": True})
        assert decided.status_code == 200, decided.text
    return rid
