"""The competition pages (issue 11): the organisers set a competition up on their page; an
enterprise's member and a person (a designer) submit entries before the deadline, edit and
withdraw their own until judging starts; a judge's page lists only its assigned entries and
refuses the others (its own enterprise's, one it declared a conflict with); the scores stay
sealed until the close; the published ranking explains its ties — in zh and en. And the API's
new entry routes: who may submit, edit and withdraw what, and when."""

from __future__ import annotations

import re
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
from tradebase.events.competition_models import Competition


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    made = make_world(client, session)
    made.headers["judge_a"] = auth(token_for(session, "cp-judge-a@example.com", Role.ENTERPRISE,
                                             enterprise_ids=[made.catalog.works["A"]]))
    made.headers["judge_x"] = auth(token_for(session, "cp-judge-x@example.com", Role.OFFICER))
    made.headers["designer"] = auth(token_for(session, "cp-designer@example.com", Role.BUYER,
                                              organisation="Li Na Studio"))
    return made


def _post(client: TestClient, world: World, who: str, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, headers=world[who], data=data, follow_redirects=False)


def _api(event: int, tail: str = "") -> str:
    return f"/api/v1/events/{event}/competition{tail}"


def _page(event: int, tail: str = "") -> str:
    return f"/events/{event}/competition{tail}"


def _ids(client: TestClient, world: World, event: int, what: str) -> list[dict[str, Any]]:
    found = client.get(_api(event, f"/{what}"), headers=world["bureau"])
    assert found.status_code == 200, found.text
    return list(found.json())


def _set_up(client: TestClient, world: World, **fields: Any) -> dict[str, int]:
    """A swimsuit competition set up on the organisers' page: one category, two criteria
    (design weighs 3, craft 1), judges A (a member of works A) and X."""
    event = make_event(client, world, kind="competition", title_en="Swimsuit design",
                       title_zh="泳装设计大赛", slot_plan=None, **fields)
    client.cookies.set("lang", "en")
    manage = client.get(_page(event, "/manage"), headers=world["bureau"])
    assert manage.status_code == 200, manage.text
    assert _post(client, world, "bureau", _page(event, "/manage/categories"),
                 {"name_zh": "泳装", "name_en": "Swimsuits"}).status_code == 303
    category = _ids(client, world, event, "categories")[0]["id"]
    for name, weight in (("Design", "3"), ("Craft", "1")):
        made = _post(client, world, "bureau", _page(event, "/manage/criteria"),
                     {"category_id": "", "name_en": name, "weight": weight, "max_score": "10"})
        assert made.status_code == 303, made.text
    for email in ("cp-judge-a@example.com", "cp-judge-x@example.com"):
        made = _post(client, world, "bureau", _page(event, "/manage/judges"),
                     {"email": email, "affiliation_id": ""})
        assert made.status_code == 303, made.text
    criteria = {c["name_en"]: c["id"] for c in _ids(client, world, event, "criteria")}
    judges = {j["user_id"]: j["id"] for j in _ids(client, world, event, "judges")}
    return {"event": event, "category": category, "design": criteria["Design"],
            "craft": criteria["Craft"], **{f"judge{i}": j for i, j in enumerate(judges.values())}}


def _submit(client: TestClient, world: World, who: str, ids: dict[str, int], title: str,
            entrant: str = "", person: str = "") -> int:
    made = _post(client, world, who, _page(ids["event"], "/entries/new"), {
        "category_id": str(ids["category"]), "entrant": entrant, "person_name": person,
        "person_role": "designer", "title": title, "description": "Recycled nylon"})
    assert made.status_code == 303, made.text
    mine = client.get(_api(ids["event"], "/entries"), headers=world[who]).json()
    return int(next(e["id"] for e in mine if e["title"] == title))


def _score(client: TestClient, world: World, who: str, ids: dict[str, int], entry: int,
           design: str, craft: str, comment: str = "") -> Any:
    return _post(client, world, who, _page(ids["event"], f"/judging/{entry}"), {
        f"score_{ids['design']}": design, f"comment_{ids['design']}": comment,
        f"score_{ids['craft']}": craft, f"comment_{ids['craft']}": ""})


def test_entrants_submit_edit_and_withdraw_until_judging_starts(
        client: TestClient, world: World, session: Session) -> None:
    ids = _set_up(client, world)
    event = ids["event"]
    works_a = str(world.catalog.works["A"])
    wave = _submit(client, world, "A", ids, "Wave", entrant=works_a)
    tide = _submit(client, world, "designer", ids, "Tide", person="Li Na")
    page = client.get(_page(event), headers=world["designer"])
    assert 'id="my-entries"' in page.text
    assert f'id="entry-{tide}"' in page.text
    assert f'id="entry-{wave}"' not in page.text
    assert "Li Na (designer)" in page.text
    # another member of works A answers for the enterprise's entry, not for Li Na's
    assert client.get(_page(event, f"/entries/{wave}/edit"),
                      headers=world["judge_a"]).status_code == 200
    assert client.get(_page(event, f"/entries/{tide}/edit"),
                      headers=world["A"]).status_code == 404
    edited = _post(client, world, "designer", _page(event, f"/entries/{tide}/edit"), {
        "category_id": str(ids["category"]), "person_name": "Li Na", "person_role": "designer",
        "title": "Tide II", "description": ""})
    assert edited.status_code == 303
    # the form flow: what is wrong beside its field, in Chinese
    client.cookies.set("lang", "zh")
    wrong = _post(client, world, "designer", _page(event, "/entries/new"), {
        "category_id": "abc", "entrant": "", "person_name": "x" * 201, "title": ""})
    assert wrong.status_code == 422
    for name in ("category_id", "person_name", "title"):
        assert f'id="error-{name}"' in wrong.text
    assert 'value="abc"' not in wrong.text or "abc" in wrong.text
    # not a member of works B: refused beside the field
    other = _post(client, world, "A", _page(event, "/entries/new"), {
        "category_id": str(ids["category"]), "entrant": str(world.catalog.works["B"]),
        "title": "Borrowed"})
    assert other.status_code in (403, 422)
    client.cookies.set("lang", "en")
    # judging starts with the first score: entrants no longer change their entries
    assert _score(client, world, "judge_x", ids, wave, "8", "4").status_code == 303
    late = client.patch(_api(event, f"/entries/{tide}"), headers=world["designer"],
                        json={"title": "Tide III"})
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "competition.judging_started"
    assert client.delete(_api(event, f"/entries/{tide}"),
                         headers=world["designer"]).status_code == 409
    assert "entries no longer change" in client.get(_page(event),
                                                   headers=world["designer"]).text
    # the organisers still may: the entry goes with its scores
    assert client.delete(_api(event, f"/entries/{wave}"),
                         headers=world["bureau"]).status_code == 204
    state = session.get(Competition, event)
    assert state is not None
    assert state.judging_started_at is not None


def test_withdraw_before_judging_and_the_deadline(client: TestClient, world: World) -> None:
    ids = _set_up(client, world, registration_deadline="2020-01-01")
    event = ids["event"]
    late = _post(client, world, "designer", _page(event, "/entries/new"), {
        "category_id": str(ids["category"]), "person_name": "Li Na", "title": "Late"})
    assert late.status_code == 422  # said beside the title
    assert "Entries closed on 2020-01-01" in late.text
    assert "Submit an entry" not in client.get(_page(event), headers=world["designer"]).text
    # the organisers enter late entries; an entrant withdraws its own before judging starts
    made = client.post(_api(event, "/entries"), headers=world["bureau"], json={
        "category_id": ids["category"], "person_name": "Zhao Min", "title": "Reef"})
    assert made.status_code == 201
    open_ = make_event(client, world, kind="competition", title_en="Open", slot_plan=None)
    category = client.post(_api(open_, "/categories"), headers=world["bureau"],
                           json={"name_en": "Qipao"}).json()["id"]
    mine = client.post(_api(open_, "/entries"), headers=world["designer"], json={
        "category_id": category, "person_name": "Li Na", "title": "Silk"})
    assert mine.status_code == 201, mine.text
    entry = mine.json()["id"]
    assert client.delete(_api(open_, f"/entries/{entry}"),
                         headers=world["rival"]).status_code == 404
    assert client.patch(_api(open_, f"/entries/{entry}"), headers=world["bureau"],
                        json={"title": ""}).status_code == 422
    withdrawn = _post(client, world, "designer", _page(open_, f"/entries/{entry}/withdraw"), {})
    assert withdrawn.status_code == 303
    assert client.get(_api(open_, "/entries"), headers=world["bureau"]).json() == []
    # an officer changes nothing; a buyer names no enterprise it does not belong to
    assert client.post(_api(open_, "/entries"), headers=world["judge_x"], json={
        "category_id": category, "person_name": "X", "title": "T"}).status_code == 403
    refused = client.post(_api(open_, "/entries"), headers=world["designer"], json={
        "category_id": category, "enterprise_id": world.catalog.works["B"], "title": "T"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "competition.not_member"


def test_judges_see_only_their_entries_scores_sealed_and_ties_explained(
        client: TestClient, world: World, session: Session) -> None:
    ids = _set_up(client, world)
    event = ids["event"]
    works = world.catalog.works
    wave = _submit(client, world, "A", ids, "Wave", entrant=str(works["A"]))
    reef = _submit(client, world, "B", ids, "Reef", entrant=str(works["B"]))
    tide = _submit(client, world, "designer", ids, "Tide", person="Li Na")
    # judge A belongs to works A: Wave is not on its page, and scoring it is refused
    page = client.get(_page(event, "/judging"), headers=world["judge_a"])
    assert page.status_code == 200
    assert f'id="entry-{reef}"' in page.text
    assert f'id="entry-{tide}"' in page.text
    assert f'id="entry-{wave}"' not in page.text
    refused = _score(client, world, "judge_a", ids, wave, "9", "9")
    assert refused.status_code == 403
    assert "not assigned to you" in refused.text
    assert client.get(_page(event, "/judging"), headers=world["A"]).status_code == 403
    # the organisers' page shows why Wave is kept from judge A
    manage = client.get(_page(event, "/manage"), headers=world["bureau"])
    assert "own enterprise" in manage.text
    # a wrong score is shown beside its field, what was typed kept
    wrong = _score(client, world, "judge_x", ids, reef, "11", "x")
    assert wrong.status_code == 422
    assert f'id="error-entry-{reef}-score_{ids["design"]}"' in wrong.text
    assert f'id="error-entry-{reef}-score_{ids["craft"]}"' in wrong.text
    assert "at most 10" in wrong.text
    # equal totals of 70: Wave 8/4, Reef 7/7, Tide 7/7 (design weighs 3, craft 1)
    for who, entry, design, craft in (("judge_x", wave, "8", "4"), ("judge_x", reef, "7", "7"),
                                      ("judge_x", tide, "7", "7"), ("judge_a", reef, "7", "7"),
                                      ("judge_a", tide, "7", "7")):
        done = _score(client, world, who, ids, entry, design, craft,
                      "sealed-note-qq" if who == "judge_x" else "")
        assert done.status_code == 303, done.text
    # sealed: the organisers read no score and no ranking while judging is open
    assert client.get(_api(event, "/scores"), headers=world["bureau"]).json() == []
    assert "sealed-note-qq" not in client.get(_page(event, "/manage"),
                                              headers=world["bureau"]).text
    assert "sealed-note-qq" in client.get(_page(event, "/judging"),
                                          headers=world["judge_x"]).text
    assert "sealed-note-qq" not in client.get(_page(event, "/judging"),
                                              headers=world["judge_a"]).text
    # a judge declares a conflict: the entry leaves its page, its score is withdrawn
    declared = _post(client, world, "judge_a", _page(event, f"/judging/{tide}/conflict"),
                     {"note": "my student"})
    assert declared.status_code == 303
    after = client.get(_page(event, "/judging"), headers=world["judge_a"]).text
    assert f'id="entry-{tide}"' not in after
    assert "my student" in after
    assert _post(client, world, "bureau", _page(event, "/manage/tie-break"),
                 {"tie_break": "heaviest_criterion"}).status_code == 303
    assert _post(client, world, "bureau", _page(event, "/manage/close"), {}).status_code == 303
    closed = client.get(_page(event, "/manage"), headers=world["bureau"]).text
    assert 'id="publish-form"' in closed
    assert "Ties" in closed
    assert "Results" not in client.get(_page(event), headers=world["buyer"]).text.split(
        "<main")[-1].split("Categories and criteria")[0]
    assert _post(client, world, "bureau", _page(event, "/manage/publish"),
                 {}).status_code == 303
    public = client.get(_page(event), headers={})
    assert public.status_code == 200
    text = public.text
    assert 'id="results"' in text
    assert "sealed-note-qq" not in text
    ranks = dict(re.findall(r'id="ranked-(\d+)"><td>(\d+)', text))
    assert ranks == {str(wave): "1", str(reef): "2", str(tide): "2"}
    assert "the tie is broken by the higher mean on the heaviest criterion that differs, " \
           "Design (weight 3)" in text
    assert "are equal on every criterion too and share rank 2" in text
    client.cookies.set("lang", "zh")
    zh = client.get(_page(event)).text
    assert "并列" in zh
    assert "泳装设计大赛" in zh


def test_ties_without_a_tie_break_share_a_rank(client: TestClient, world: World) -> None:
    ids = _set_up(client, world)
    event = ids["event"]
    one = _submit(client, world, "B", ids, "Reef", entrant=str(world.catalog.works["B"]))
    two = _submit(client, world, "designer", ids, "Tide", person="Li Na")
    for entry, design, craft in ((one, "8", "4"), (two, "7", "7")):
        for who in ("judge_a", "judge_x"):
            assert _score(client, world, who, ids, entry, design, craft).status_code == 303
    _post(client, world, "bureau", _page(event, "/manage/close"), {})
    _post(client, world, "bureau", _page(event, "/manage/publish"), {"comments": "on"})
    text = client.get(_page(event)).text
    assert dict(re.findall(r'id="ranked-(\d+)"><td>(\d+)', text)) == {str(one): "1",
                                                                      str(two): "1"}
    assert "share rank 1: no tie-break is set" in text


def _user(session: Session, email: str) -> int:
    return session.scalars(select(User.id).where(User.email == email)).one()


def test_a_judge_never_scores_its_own_entry(client: TestClient, world: World,
                                            session: Session) -> None:
    """A judge who entered as a person has its own entry kept from it (``own_entry``)."""
    ids = _set_up(client, world)
    event = ids["event"]
    made = client.post(_api(event, "/entries"), headers=world["judge_x"], json={
        "category_id": ids["category"], "person_name": "X", "title": "Mine"})
    assert made.status_code == 403  # an officer enters nothing
    made = client.post(_api(event, "/judges"), headers=world["bureau"],
                       json={"user_id": _user(session, "cp-designer@example.com")})
    assert made.status_code == 201
    own = _submit(client, world, "designer", ids, "Own work", person="Li Na")
    judge = next(j for j in _ids(client, world, event, "judges")
                 if j["user_id"] == _user(session, "cp-designer@example.com"))
    assert own not in judge["assigned_entry_ids"]
    refused = client.post(_api(event, "/scores"), headers=world["designer"], json={
        "scores": [{"entry_id": own, "criterion_id": ids["design"], "value": 9}]})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "competition.conflict.own_entry"
