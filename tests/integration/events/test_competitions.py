"""Competitions through the API (issue 11): setting one up, the conflict-of-interest rule
(never assigned, refused when scoring; own enterprise and declared), sealed scores before and
after the close, the ranking and its publication with and without the judges' comments."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import auth
from tests.integration.docking.rfq_support import token_for
from tests.integration.events.support import World, make_event, make_world
from tradebase.accounts.models import User
from tradebase.accounts.roles import Role


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    made = make_world(client, session)
    works_a = made.catalog.works["A"]
    made.headers["judge_a"] = auth(token_for(session, "ev-judge-a@example.com",
                                             Role.ENTERPRISE, enterprise_ids=[works_a]))
    made.headers["judge_x"] = auth(token_for(session, "ev-judge-x@example.com", Role.OFFICER))
    return made


def _user(session: Session, email: str) -> int:
    return session.scalars(select(User.id).where(User.email == email)).one()


def _url(event: int, tail: str = "") -> str:
    return f"/api/v1/events/{event}/competition{tail}"


def _post(client: TestClient, world: World, who: str, url: str, body: Any) -> Any:
    return client.post(url, headers=world[who], json=body)


def _setup(client: TestClient, world: World, session: Session) -> dict[str, int]:
    event = make_event(client, world, kind="competition", title_en="Swimsuit design",
                       slot_plan=None)
    cat = _post(client, world, "bureau", _url(event, "/categories"),
                {"name_en": "Swimsuits", "name_zh": "泳装"})
    assert cat.status_code == 201, cat.text
    category = cat.json()["id"]
    ids = {"event": event, "category": category}
    for name, weight in (("design", 3.0), ("craft", 1.0)):
        made = _post(client, world, "bureau", _url(event, "/criteria"),
                     {"name_en": name, "weight": weight, "max_score": 10})
        assert made.status_code == 201, made.text
        ids[name] = made.json()["id"]
    works = world.catalog.works
    for key, body in (("by_a", {"enterprise_id": works["A"], "title": "Wave"}),
                      ("by_b", {"enterprise_id": works["B"], "title": "Reef"}),
                      ("by_li", {"person_name": "Li Na", "person_role": "designer",
                                 "title": "Tide"})):
        made = _post(client, world, "bureau", _url(event, "/entries"),
                     {"category_id": category, **body})
        assert made.status_code == 201, made.text
        ids[key] = made.json()["id"]
    for key, email in (("judge_a", "ev-judge-a@example.com"),
                       ("judge_x", "ev-judge-x@example.com")):
        made = _post(client, world, "bureau", _url(event, "/judges"),
                     {"user_id": _user(session, email)})
        assert made.status_code == 201, made.text
        ids[key] = made.json()["id"]
    return ids


def _score(client: TestClient, world: World, who: str, ids: dict[str, int], entry: str,
           design: float, craft: float, comment: str = "") -> Any:
    return _post(client, world, who, _url(ids["event"], "/scores"), {"scores": [
        {"entry_id": ids[entry], "criterion_id": ids["design"], "value": design,
         "comment": comment},
        {"entry_id": ids[entry], "criterion_id": ids["craft"], "value": craft}]})


def test_conflicts_are_never_assigned_and_refused(client: TestClient, world: World,
                                                  session: Session) -> None:
    ids = _setup(client, world, session)
    judges = {j["id"]: j for j in client.get(_url(ids["event"], "/judges"),
                                             headers=world["bureau"]).json()}
    # judge A belongs to works A: its entry is not assigned to it
    assert judges[ids["judge_a"]]["assigned_entry_ids"] == [ids["by_b"], ids["by_li"]]
    # it reads its assigned entries and, as a member of works A, its enterprise's own entry
    mine = client.get(_url(ids["event"], "/entries"), headers=world["judge_a"]).json()
    assert [e["id"] for e in mine] == [ids["by_a"], ids["by_b"], ids["by_li"]]
    judge_x = client.get(_url(ids["event"], "/entries"), headers=world["judge_x"]).json()
    assert [e["id"] for e in judge_x] == [ids["by_a"], ids["by_b"], ids["by_li"]]
    refused = _score(client, world, "judge_a", ids, "by_a", 9, 9)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "competition.conflict.own_enterprise"
    # an affiliation set by the organisers counts as its own enterprise too
    made = _post(client, world, "bureau", _url(ids["event"], "/judges"), {
        "user_id": _user(session, "ev-works-b@example.com"),
        "affiliation_id": world.catalog.works["E"]})
    assert made.status_code == 201
    assert ids["by_b"] not in made.json()["assigned_entry_ids"]  # member of works B
    # judge X scores Li Na's entry, then declares a conflict with it: the score is withdrawn
    assert _score(client, world, "judge_x", ids, "by_li", 7, 7).status_code == 200
    declared = _post(client, world, "judge_x",
                     _url(ids["event"], f"/judges/{ids['judge_x']}/conflicts"),
                     {"entry_id": ids["by_li"], "note": "she is my niece"})
    assert declared.status_code == 201, declared.text
    assert declared.json()["assigned_entry_ids"] == [ids["by_a"], ids["by_b"]]
    assert client.get(_url(ids["event"], "/scores"), headers=world["judge_x"]).json() == []
    again = _score(client, world, "judge_x", ids, "by_li", 7, 7)
    assert again.json()["error"]["code"] == "competition.conflict.declared_entry"
    # a declared enterprise covers its entries
    _post(client, world, "bureau", _url(ids["event"], f"/judges/{ids['judge_x']}/conflicts"),
          {"enterprise_id": world.catalog.works["B"]})
    assert _score(client, world, "judge_x", ids, "by_b", 7, 7).json()["error"]["code"] == (
        "competition.conflict.declared_enterprise")
    # another judge's conflicts are not its business
    other = _post(client, world, "judge_a",
                  _url(ids["event"], f"/judges/{ids['judge_x']}/conflicts"),
                  {"entry_id": ids["by_a"]})
    assert other.status_code == 404


def test_bad_scores_name_the_field(client: TestClient, world: World,
                                   session: Session) -> None:
    ids = _setup(client, world, session)
    high = _score(client, world, "judge_x", ids, "by_li", 11, 5)
    assert high.status_code == 422
    assert high.json()["error"]["field"] == "scores[0].value"
    assert "at most 10" in high.json()["error"]["message"]
    assert _score(client, world, "buyer", ids, "by_li", 5, 5).status_code == 403
    assert client.get(_url(ids["event"], "/scores"), headers=world["judge_x"]).json() == []


def test_sealed_until_closed_then_ranked_and_published(client: TestClient, world: World,
                                                       session: Session) -> None:
    ids = _setup(client, world, session)
    event = ids["event"]
    assert _score(client, world, "judge_x", ids, "by_a", 8, 6, "lovely cut").status_code == 200
    assert _score(client, world, "judge_x", ids, "by_b", 9, 0).status_code == 200
    assert _score(client, world, "judge_a", ids, "by_b", 9, 0).status_code == 200
    assert _score(client, world, "judge_x", ids, "by_li", 10, 10).status_code == 200
    assert _score(client, world, "judge_a", ids, "by_li", 10, 10).status_code == 200
    # sealed: the organisers read no score, each judge its own only
    assert client.get(_url(event, "/scores"), headers=world["bureau"]).json() == []
    own = client.get(_url(event, "/scores"), headers=world["judge_a"]).json()
    assert {s["judge_id"] for s in own} == {ids["judge_a"]}
    sealed = client.get(_url(event, "/ranking"), headers=world["bureau"])
    assert sealed.status_code == 409
    assert sealed.json()["error"]["code"] == "competition.sealed"
    assert client.post(_url(event, "/publish"), headers=world["bureau"],
                       json={}).status_code == 409
    assert client.patch(_url(event), headers=world["bureau"],
                        json={"tie_break": "heaviest_criterion"}).status_code == 200
    closed = client.post(_url(event, "/close"), headers=world["bureau"])
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert len(client.get(_url(event, "/scores"), headers=world["bureau"]).json()) == 10
    assert _score(client, world, "judge_x", ids, "by_a", 1, 1).status_code == 409
    # before publication: the organisers only
    assert client.get(_url(event, "/ranking"), headers=world["buyer"]).status_code == 409
    ranked = client.get(_url(event, "/ranking"), headers=world["bureau"]).json()
    (category,) = ranked["categories"]
    # Li Na 100; A: 100 × (3×0.8 + 0.6)/4 = 75; B: 100 × 2.7/4 = 67.5; judge A owes A nothing
    assert [(r["entry_id"], r["rank"], r["total"]) for r in category["ranked"]] == [
        (ids["by_li"], 1, 100.0), (ids["by_a"], 2, 75.0), (ids["by_b"], 3, 67.5)]
    assert category["incomplete"] == []
    assert category["ties"] == []
    assert ranked["comments"] == [{"judge_id": ids["judge_x"], "entry_id": ids["by_a"],
                                   "criterion_id": ids["design"], "comment": "lovely cut"}]
    published = client.post(_url(event, "/publish"), headers=world["bureau"], json={})
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    public = client.get(_url(event, "/ranking"))
    assert public.status_code == 200
    assert public.json()["categories"] == ranked["categories"]
    assert public.json()["comments"] is None
    assert "lovely cut" not in public.text
    assert len(client.get(_url(event, "/entries")).json()) == 3
    assert client.get(_url(event, "/scores"), headers=world["buyer"]).json() == []


def test_comments_published_with_the_results(client: TestClient, world: World,
                                             session: Session) -> None:
    ids = _setup(client, world, session)
    event = ids["event"]
    _score(client, world, "judge_x", ids, "by_a", 8, 6, "lovely cut")
    client.post(_url(event, "/close"), headers=world["bureau"])
    assert client.post(_url(event, "/publish"), headers=world["bureau"],
                       json={"comments": True}).status_code == 200
    public = client.get(_url(event, "/ranking")).json()
    assert public["comments"][0]["comment"] == "lovely cut"
    (category,) = public["categories"]
    # only judge X is assigned works A's entry: it is complete; the others wait for scores
    assert [r["entry_id"] for r in category["ranked"]] == [ids["by_a"]]
    assert {i["entry_id"] for i in category["incomplete"]} == {ids["by_b"], ids["by_li"]}
    assert client.post(_url(event, "/publish"), headers=world["bureau"],
                       json={}).status_code == 409


def test_setup_errors(client: TestClient, world: World, session: Session) -> None:
    ids = _setup(client, world, session)
    event = ids["event"]
    unknown = _post(client, world, "bureau", _url(event, "/entries"),
                    {"category_id": 999999, "title": "x", "person_name": "Wu"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "category_id"
    nobody = _post(client, world, "bureau", _url(event, "/entries"),
                   {"category_id": ids["category"], "title": "x"})
    assert nobody.status_code == 422
    twice = _post(client, world, "bureau", _url(event, "/judges"),
                  {"user_id": _user(session, "ev-judge-x@example.com")})
    assert twice.status_code == 409
    assert _post(client, world, "A", _url(event, "/categories"),
                 {"name_en": "x"}).status_code == 403
    docking = make_event(client, world)
    assert client.get(_url(docking)).status_code == 404
