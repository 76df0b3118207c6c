"""A docking day's slot plan as times (``events/slots.py``)."""

from __future__ import annotations

from datetime import time

import pytest

from tradebase.events.slots import parse_clock, slot_times


def test_sessions_with_breaks() -> None:
    slots = slot_times("09:00", 25, [{"slots": 4, "break_after": 90}, {"slots": 3}])
    assert [s.index for s in slots] == list(range(7))
    assert [s.session for s in slots] == [0, 0, 0, 0, 1, 1, 1]
    assert (slots[0].start, slots[3].end) == (time(9, 0), time(10, 40))
    assert (slots[4].start, slots[6].end) == (time(12, 10), time(13, 25))


@pytest.mark.parametrize(("start", "minutes", "sessions", "message"), [
    ("9:00", 20, [{"slots": 2}], None),
    ("23:00", 30, [{"slots": 2}], "midnight"),
    ("09:00", 20, [{"slots": 0}], "no slot"),
    ("25:00", 20, [{"slots": 1}], "HH:MM"),
    ("09-00", 20, [{"slots": 1}], "HH:MM"),
    ("09:00", 0, [{"slots": 1}], "one minute"),
])
def test_bad_plans(start: str, minutes: int, sessions: list[dict[str, int]],
                   message: str | None) -> None:
    if message is None:
        assert len(slot_times(start, minutes, sessions)) == 2
        return
    with pytest.raises(ValueError, match=message):
        slot_times(start, minutes, sessions)


def test_clock() -> None:
    assert parse_clock("13:05") == 13 * 60 + 5
