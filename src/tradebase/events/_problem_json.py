"""The file contract in: a scheduling problem (and a previous schedule) read from JSON data.

Every error names the field as a JSON path (``requests[3].b``) and says what is wrong there.
Keys the contract does not know are ignored, so files may carry more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from tradebase.events._schedule_types import (
    Group,
    GroupMeeting,
    Meeting,
    MeetingRequest,
    Participant,
    Problem,
    Rules,
)


class ProblemError(ValueError):
    """Bad input: ``field`` is where (a JSON path), ``message`` what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _count(value: object, field: str, *, what: str = "a whole number") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(field, f"must be {what}, not {value!r}")
    if value < 0:
        raise ProblemError(field, f"must not be negative (got {value})")
    return value


def _object(value: object, field: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ProblemError(field, "must be a JSON object")
    return cast(Mapping[str, object], value)


def _list(value: object, field: str) -> list[object]:
    if not isinstance(value, list):
        raise ProblemError(field, "must be a JSON list")
    return value


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProblemError(field, "must be a non-empty string")
    return value


def _slot(value: object, field: str, slots: int) -> int:
    s = _count(value, field, what="a slot index")
    if s >= slots:
        raise ProblemError(field, f"slot {s} is out of range: slots are 0 to {slots - 1}")
    return s


def _rules(data: Mapping[str, object], slots: int) -> Rules:
    interpreters: list[tuple[str, int]] = []
    if data.get("interpreters") is not None:
        raw = _object(data["interpreters"], "interpreters")
        for lang, n in sorted(raw.items()):
            interpreters.append((lang, _count(n, f"interpreters.{lang}")))
    sessions: list[tuple[str, int, int]] = []
    if data.get("sessions") is not None:
        raw = _object(data["sessions"], "sessions")
        for name, span in sorted(raw.items()):
            where = f"sessions.{name}"
            pair = _list(span, where)
            if len(pair) != 2:
                raise ProblemError(where, "must be [first slot, last slot]")
            first = _slot(pair[0], f"{where}[0]", slots)
            last = _slot(pair[1], f"{where}[1]", slots)
            if last < first:
                raise ProblemError(where, "the last slot comes before the first")
            sessions.append((name, first, last))
    breaks: set[int] = set()
    if data.get("breaks") is not None:
        for i, s in enumerate(_list(data["breaks"], "breaks")):
            breaks.add(_slot(s, f"breaks[{i}]", slots))
    languages = any(
        isinstance(p, dict) and p.get("languages") is not None
        for p in cast(list[object], data.get("participants") or [])
    ) or bool(interpreters)
    return Rules(languages, tuple(interpreters), tuple(sessions), frozenset(breaks))


def _participant(raw: object, i: int, slots: int, rules: Rules) -> Participant:
    where = f"participants[{i}]"
    p = _object(raw, where)
    pid = _text(p.get("id"), f"{where}.id")
    available = None
    if p.get("available") is not None:
        available = frozenset(
            _slot(s, f"{where}.available[{j}]", slots)
            for j, s in enumerate(_list(p["available"], f"{where}.available"))
        )
    cap = None
    if p.get("max_meetings") is not None:
        cap = _count(p["max_meetings"], f"{where}.max_meetings")
    languages: frozenset[str] = frozenset()
    if p.get("languages") is not None:
        languages = frozenset(
            _text(v, f"{where}.languages[{j}]")
            for j, v in enumerate(_list(p["languages"], f"{where}.languages"))
        )
    sessions = None
    if p.get("sessions") is not None:
        known = {name for name, _, _ in rules.sessions}
        names = []
        for j, v in enumerate(_list(p["sessions"], f"{where}.sessions")):
            name = _text(v, f"{where}.sessions[{j}]")
            if name not in known:
                raise ProblemError(f"{where}.sessions[{j}]", f"no session named {name!r}")
            names.append(name)
        sessions = frozenset(names)
    return Participant(pid, available, cap, languages, sessions)


def problem_from_json(data: object) -> Problem:
    """The problem of a file-contract document; raises :class:`ProblemError` naming the field."""
    top = _object(data, "(file)")
    for key in ("slots", "tables", "participants", "requests"):
        if key not in top:
            raise ProblemError(key, "is missing")
    slots = _count(top["slots"], "slots")
    tables = _count(top["tables"], "tables")
    rules = _rules(top, slots)
    people: list[Participant] = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(top["participants"], "participants")):
        p = _participant(raw, i, slots, rules)
        if p.id in seen:
            raise ProblemError(f"participants[{i}].id", f"{p.id!r} appears twice")
        seen.add(p.id)
        people.append(p)
    requests: list[MeetingRequest] = []
    for i, raw in enumerate(_list(top["requests"], "requests")):
        where = f"requests[{i}]"
        r = _object(raw, where)
        a = _text(r.get("a"), f"{where}.a")
        b = _text(r.get("b"), f"{where}.b")
        for side, pid in (("a", a), ("b", b)):
            if pid not in seen:
                raise ProblemError(f"{where}.{side}", f"unknown participant {pid!r}")
        if a == b:
            raise ProblemError(f"{where}.b", f"{a!r} cannot meet itself")
        prio = 1 if r.get("priority") is None else _count(r["priority"], f"{where}.priority")
        requests.append(MeetingRequest(a, b, prio))
    groups = _groups(top.get("groups"), seen)
    return Problem(slots, tables, tuple(people), tuple(requests), rules, groups)


def _groups(raw: object, known: set[str]) -> tuple[Group, ...]:
    if raw is None:
        return ()
    out: list[Group] = []
    ids: set[str] = set()
    for i, item in enumerate(_list(raw, "groups")):
        where = f"groups[{i}]"
        g = _object(item, where)
        gid = _text(g.get("id"), f"{where}.id")
        if gid in ids:
            raise ProblemError(f"{where}.id", f"{gid!r} appears twice")
        ids.add(gid)
        members: list[str] = []
        for j, m in enumerate(_list(g.get("members"), f"{where}.members")):
            pid = _text(m, f"{where}.members[{j}]")
            if pid not in known:
                raise ProblemError(f"{where}.members[{j}]", f"unknown participant {pid!r}")
            if pid in members:
                raise ProblemError(f"{where}.members[{j}]", f"{pid!r} appears twice")
            members.append(pid)
        if len(members) < 2:
            raise ProblemError(f"{where}.members", "a group meeting needs at least two members")
        prio = 1 if g.get("priority") is None else _count(g["priority"], f"{where}.priority")
        out.append(Group(gid, tuple(members), prio))
    return tuple(out)


def group_meetings_from_json(data: object) -> tuple[GroupMeeting, ...]:
    """The group meetings of a previous output (``--keep``): its ``group_meetings``, if any."""
    top = _object(data, "(keep file)")
    if top.get("group_meetings") is None:
        return ()
    out = []
    for i, raw in enumerate(_list(top["group_meetings"], "group_meetings")):
        where = f"group_meetings[{i}]"
        g = _object(raw, where)
        members = tuple(
            _text(m, f"{where}.members[{j}]")
            for j, m in enumerate(_list(g.get("members"), f"{where}.members")))
        out.append(GroupMeeting(
            _text(g.get("group"), f"{where}.group"), members,
            _count(g.get("slot"), f"{where}.slot"), _count(g.get("table"), f"{where}.table")))
    return tuple(out)


def meetings_from_json(data: object) -> tuple[Meeting, ...]:
    """The meetings of a previous output (``--keep``): its ``meetings`` list."""
    top = _object(data, "(keep file)")
    out = []
    for i, raw in enumerate(_list(top.get("meetings"), "meetings")):
        where = f"meetings[{i}]"
        m = _object(raw, where)
        out.append(
            Meeting(
                _text(m.get("a"), f"{where}.a"),
                _text(m.get("b"), f"{where}.b"),
                _count(m.get("slot"), f"{where}.slot"),
                _count(m.get("table"), f"{where}.table"),
            )
        )
    return tuple(out)
