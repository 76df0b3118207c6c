"""The slot plan of a docking day as times: pure (plain data in, plain data out).

A day starts at ``day_start`` ("HH:MM"); it has sessions (a morning, an afternoon), each of
``slots`` meetings of ``slot_minutes`` one after the other, followed by a break of
``break_after`` minutes (lunch, coffee) before the next session. Slots are numbered 0 … N−1
across the sessions, which is how registrations name the slots they are available and how
the scheduler's file contract numbers them (docs/events.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class Slot:
    index: int
    session: int  # the session it belongs to, from 0
    start: time
    end: time


def parse_clock(text: str) -> int:
    """"HH:MM" as minutes after midnight; ValueError naming what is wrong."""
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"{text!r} is not a time of day written HH:MM")
    value = int(hours) * 60 + int(minutes)
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError(f"{text!r} is not a time of day written HH:MM")
    return value


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def slot_times(day_start: str, slot_minutes: int,
               sessions: Sequence[Mapping[str, Any]]) -> list[Slot]:
    """The slots of the day, in order. ValueError when the plan runs past midnight or a
    session has no slot."""
    if slot_minutes < 1:
        raise ValueError("a slot lasts at least one minute")
    at = parse_clock(day_start)
    slots: list[Slot] = []
    for number, session in enumerate(sessions):
        count = int(session.get("slots", 0))
        if count < 1:
            raise ValueError(f"session {number + 1} has no slot")
        for _ in range(count):
            if at + slot_minutes >= MINUTES_PER_DAY:
                raise ValueError("the slot plan runs past midnight")
            slots.append(Slot(len(slots), number, _clock(at), _clock(at + slot_minutes)))
            at += slot_minutes
        at += int(session.get("break_after", 0))
    return slots


__all__ = ["Slot", "parse_clock", "slot_times"]
