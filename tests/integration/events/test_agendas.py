"""Agendas (issue 11): a participant's agenda as a page, a printable page, a PDF and an .ics
file, read only by its own side and the organisers; the organisers' printable grid with the
empty tables; the check-in list with its button and its CSV/XLSX export."""

from __future__ import annotations

import csv
import io
import re
import zlib
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.integration.events.support import World, make_event, make_world, register
from tradebase.events.models import Registration
from tradebase.events.slots import slot_times

PLAN = {"slot_minutes": 30, "day_start": "09:00", "tables": 2,
        "sessions": [{"slots": 2, "break_after": 60}, {"slots": 2}]}
DAY = date(2027, 5, 10)  # support.make_event's date
ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(client: TestClient, session: Session) -> World:
    return make_world(client, session)


def _ask(client: TestClient, world: World, event: int, who: str, source: int,
         target: int) -> dict[str, Any]:
    made = client.post(f"/api/v1/events/{event}/meeting-requests", headers=world[who],
                       json={"from_registration_id": source, "to_registration_id": target})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def _published(client: TestClient, world: World
               ) -> tuple[int, dict[str, int], dict[str, Any]]:
    """A docking day in Hall 3 with five accepted requests, scheduled and published."""
    event = make_event(client, world, slot_plan=PLAN, auto_accept=True, max_meetings=3,
                       place="Hall 3")
    regs = {who: register(client, world, event, who) for who in ("A", "B", "E", "buyer")}
    regs["rival"] = register(client, world, event, "rival", available_slots=[0, 1, 2])
    asked = {
        "buyer-A": _ask(client, world, event, "buyer", regs["buyer"], regs["A"]),
        "buyer-B": _ask(client, world, event, "buyer", regs["buyer"], regs["B"]),
        "buyer-E": _ask(client, world, event, "buyer", regs["buyer"], regs["E"]),
        "rival-A": _ask(client, world, event, "rival", regs["rival"], regs["A"]),
        "rival-B": _ask(client, world, event, "rival", regs["rival"], regs["B"]),
    }
    assert client.post(f"/api/v1/events/{event}/schedule",
                       headers=world["bureau"]).status_code == 200
    assert client.post(f"/api/v1/events/{event}/schedule/publish",
                       headers=world["bureau"]).status_code == 200
    return event, regs, asked


def _meetings(client: TestClient, world: World, event: int, who: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(f"/api/v1/events/{event}/meetings",
                                             headers=world[who]).json()
    return found


def _vevents(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def test_agenda_pages_are_their_side_s_and_the_organisers(client: TestClient,
                                                          world: World) -> None:
    event, regs, _ = _published(client, world)
    client.cookies.set("lang", "en")
    url = f"/events/registrations/{regs['A']}/agenda"
    own = client.get(url, headers=world["A"])
    assert own.status_code == 200
    assert own.text.count('id="meeting-') == 2
    assert "Rival Cycles AB" in own.text
    assert "Velo Import GmbH" in own.text
    assert f'href="{url}.ics"' in own.text
    assert f'href="{url}.pdf"' in own.text
    assert client.get(url, headers=world["bureau"]).status_code == 200
    for other in ("buyer", "B", "rival"):  # another participant, even its counterpart
        for suffix in ("", "/print", ".pdf", ".ics"):
            assert client.get(url + suffix, headers=world[other]).status_code == 404
    assert client.get(url).status_code == 401
    printable = client.get(url + "/print", headers=world["A"])
    assert printable.status_code == 200
    assert 'class="topbar"' not in printable.text  # no navigation
    assert "/static/css/print.css" in printable.text
    assert printable.text.count('id="meeting-') == 2
    # the own agenda page links its files, and the organisers every participant's
    mine = client.get(f"/events/{event}/agenda", headers=world["A"])
    assert f'href="{url}.ics"' in mine.text
    assert 'id="all-agendas"' not in mine.text
    staff = client.get(f"/events/{event}/agenda", headers=world["bureau"])
    assert all(f'/events/registrations/{r}/agenda"' in staff.text for r in regs.values())
    client.cookies.set("lang", "zh")
    zh = client.get(url, headers=world["A"])
    assert "自行车对接会" in zh.text
    assert "日程" in zh.text


def test_ics_parses_back_to_the_same_meetings_and_times(client: TestClient,
                                                        world: World) -> None:
    event, regs, _ = _published(client, world)
    client.cookies.set("lang", "en")
    plan = slot_times(str(PLAN["day_start"]), int(str(PLAN["slot_minutes"])),
                      PLAN["sessions"])  # type: ignore[arg-type]
    for who in ("A", "buyer", "rival"):
        got = client.get(f"/events/registrations/{regs[who]}/agenda.ics", headers=world[who])
        assert got.status_code == 200
        assert got.headers["content-type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(got.content)
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
        published = _meetings(client, world, event, who)
        expected = {
            (m["recipient_name"] if m["requester_id"] == regs[who] else m["requester_name"],
             datetime.combine(DAY, plan[m["slot"]].start, tzinfo=ZONE),
             datetime.combine(DAY, plan[m["slot"]].end, tzinfo=ZONE), m["table"] + 1)
            for m in published}
        seen = set()
        for vevent in _vevents(got.content):
            start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
            assert start.tzinfo is not None
            assert str(vevent["DTSTART"].params["TZID"]) == (
                "Asia/Shanghai")
            table = int(re.findall(r"Table (\d+)", str(vevent["LOCATION"]))[0])
            assert str(vevent["LOCATION"]).startswith("Hall 3, Xiamen")
            assert str(vevent["STATUS"]) == "CONFIRMED"
            name = str(vevent["SUMMARY"]).removeprefix("Meeting with ")
            assert name in str(vevent["DESCRIPTION"])
            seen.add((name, start, end, table))
        assert seen == expected
        assert len(expected) == len(published) > 0


def test_ics_uids_stay_so_a_dropped_meeting_updates_the_entry(client: TestClient,
                                                              world: World) -> None:
    event, regs, asked = _published(client, world)

    def uids(who: str, reg: str) -> dict[str, icalendar.Event]:
        data = client.get(f"/events/registrations/{regs[reg]}/agenda.ics",
                          headers=world[who]).content
        return {str(v["UID"]): v for v in _vevents(data)}

    first = uids("A", "A")
    assert uids("A", "A").keys() == first.keys()  # a second download: the same UIDs
    assert uids("bureau", "A").keys() == first.keys()
    shared = set(first) & set(uids("rival", "rival"))
    assert len(shared) == 1  # both sides of a meeting carry one UID
    dropped = asked["rival-A"]["id"]
    assert client.post(f"/api/v1/events/meeting-requests/{dropped}/withdraw",
                       headers=world["rival"]).status_code == 200
    client.post(f"/api/v1/events/{event}/schedule", headers=world["bureau"])
    client.post(f"/api/v1/events/{event}/schedule/publish", headers=world["bureau"])
    after = uids("A", "A")
    assert after.keys() == first.keys()
    (uid,) = shared
    assert str(after[uid]["STATUS"]) == "CANCELLED"
    assert all(str(v["STATUS"]) == "CONFIRMED" for k, v in after.items() if k != uid)
    page = client.get(f"/events/registrations/{regs['A']}/agenda", headers=world["A"])
    assert page.text.count('id="meeting-') == 1


def _streams(pdf: bytes) -> list[str]:
    """The PDF's streams, inflated (content, fonts' CMaps, object streams)."""
    found: list[str] = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            continue
    return found


def _pdf_text_chars(pdf: bytes) -> str:
    """Every character the PDF's fonts map back to Unicode (their ToUnicode CMaps): what a
    reader's copy and search see."""
    chars: list[str] = []
    for text in _streams(pdf):
        if "beginbfchar" not in text and "beginbfrange" not in text:
            continue
        for hexa in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4,})>", text):
            chars.append(bytes.fromhex(hexa).decode("utf-16-be", "replace"))
    return "".join(chars)


def test_pdf_typesets_the_agenda_in_chinese(client: TestClient, world: World) -> None:
    _, regs, _ = _published(client, world)
    client.cookies.set("lang", "zh")
    got = client.get(f"/events/registrations/{regs['A']}/agenda.pdf", headers=world["A"])
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF-")
    fonts = re.findall(r"/FontName\s*/\w+\+([\w-]+)", "".join(_streams(got.content)))
    assert any(f.startswith("WenQuanYi") for f in fonts), fonts  # make pdf-deps' CJK font
    mapped = _pdf_text_chars(got.content)
    for text in ("自行车对接会", "Hall 3", "Rival Cycles AB"):
        assert set(text.replace(" ", "")) <= set(mapped), text


def test_printable_grid_shows_every_table(client: TestClient, world: World) -> None:
    event, _, _ = _published(client, world)
    client.cookies.set("lang", "en")
    got = client.get(f"/events/{event}/schedule/print", headers=world["bureau"])
    assert got.status_code == 200
    assert 'class="topbar"' not in got.text
    grid = got.text.split('id="schedule-grid"')[1].split("</table>")[0]
    assert grid.count("<td") == 4 * 2
    assert grid.count('class="free"') == 4 * 2 - 5
    assert client.get(f"/events/{event}/schedule/print",
                      headers=world["A"]).status_code == 403
    page = client.get(f"/events/{event}/schedule", headers=world["bureau"])
    assert f'href="/events/{event}/schedule/print"' in page.text


def test_check_in_list_button_and_export(client: TestClient, world: World,
                                         session: Session) -> None:
    event, regs, _ = _published(client, world)
    pending = Registration(event_id=event, kind="buyer", organisation="Pending Imports",
                           status="pending", attendees=[], offers=[], seeks=[])
    session.add(pending)
    session.commit()
    waiting = pending.id
    client.cookies.set("lang", "en")
    page = client.get(f"/events/{event}/check-in", headers=world["bureau"])
    assert page.status_code == 200
    assert page.text.count('id="registration-') == 5  # the approved ones only
    assert f'id="registration-{waiting}"' not in page.text
    assert client.get(f"/events/{event}/check-in", headers=world["A"]).status_code == 403
    done = client.post(f"/events/registrations/{regs['A']}/check-in", headers=world["bureau"],
                       data={"present": "1"}, follow_redirects=False)
    assert done.status_code == 303
    stored = session.get(Registration, regs["A"])
    assert stored is not None
    session.refresh(stored)
    assert stored.checked_in_at is not None
    assert stored.checked_in_by is not None
    assert client.post(f"/events/registrations/{regs['A']}/check-in", headers=world["A"],
                       data={"present": "1"}).status_code == 403
    assert client.post(f"/events/registrations/{regs['A']}/check-in", headers=world["buyer"],
                       data={"present": "1"}).status_code == 404
    refused = client.post(f"/events/registrations/{waiting}/check-in",
                          headers=world["bureau"], data={"present": "1"})
    assert refused.status_code == 409
    assert "Only an approved registration" in refused.text
    page = client.get(f"/events/{event}/check-in", headers=world["bureau"])
    assert "1 of 5 registrations checked in" in page.text
    printable = client.get(f"/events/{event}/check-in/print", headers=world["bureau"])
    assert printable.status_code == 200
    assert 'class="topbar"' not in printable.text
    exported = client.get(f"/api/v1/events/{event}/check-in/export?format=csv",
                          headers=world["bureau"])
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 5
    assert {r["registration_id"]: r["checked_in"] for r in rows}[str(regs["A"])] == "yes"
    assert sum(r["checked_in"] == "yes" for r in rows) == 1
    xlsx = client.get(f"/api/v1/events/{event}/check-in/export?format=xlsx",
                      headers=world["bureau"])
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert sheet.max_row == 6
    assert client.get(f"/api/v1/events/{event}/check-in/export",
                      headers=world["A"]).status_code == 403
    undone = client.post(f"/events/registrations/{regs['A']}/check-in",
                         headers=world["bureau"], data={"present": "0"},
                         follow_redirects=False)
    assert undone.status_code == 303
    session.refresh(stored)
    assert stored.checked_in_at is None
