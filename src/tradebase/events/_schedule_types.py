"""The scheduler's plain data (re-exported by ``scheduler.py``, which others import)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Participant:
    id: str
    available: frozenset[int] | None = None
    """The slots it is available in; None: every slot."""
    max_meetings: int | None = None
    """Its cap; None: the number of slots."""
    languages: frozenset[str] = frozenset()
    """The languages it speaks (the languages rule); empty: it is not constrained."""
    sessions: frozenset[str] | None = None
    """The sessions it attends (the sessions rule); None: every session."""


@dataclass(frozen=True)
class MeetingRequest:
    a: str
    b: str
    priority: int = 1


@dataclass(frozen=True)
class Meeting:
    a: str
    b: str
    slot: int
    table: int


@dataclass(frozen=True)
class Group:
    """A group meeting: one buyer with several factories (a split order) at one table."""

    id: str
    members: tuple[str, ...]
    priority: int = 1


@dataclass(frozen=True)
class GroupMeeting:
    group: str
    members: tuple[str, ...]
    slot: int
    table: int


@dataclass(frozen=True)
class GroupLeftOut:
    group: str
    reason: str
    code: str = ""
    """The reason as a code (``_groups.LEFT_OUT``), for callers that word it themselves."""


@dataclass(frozen=True)
class Rules:
    """Optional rules of an event, each enforced exactly when set (docs/events.md)."""

    languages: bool = False
    """A meeting needs a shared language or an interpreter."""
    interpreters: tuple[tuple[str, int], ...] = ()
    """(language, interpreters of that language in each slot)."""
    sessions: tuple[tuple[str, int, int], ...] = ()
    """(name, first slot, last slot), inclusive."""
    breaks: frozenset[int] = frozenset()
    """Slots in which nobody meets."""


@dataclass(frozen=True)
class Problem:
    slots: int
    tables: int
    participants: tuple[Participant, ...]
    requests: tuple[MeetingRequest, ...]
    rules: Rules = Rules()
    groups: tuple[Group, ...] = ()
    """Group meetings, placed before the 1:1 meetings (docs/events.md)."""


@dataclass(frozen=True)
class Schedule:
    status: Literal["optimal", "feasible"]
    meetings: tuple[Meeting, ...]
    upper_bound: int
    total_priority: int
    reason: str | None
    group_meetings: tuple[GroupMeeting, ...] = ()
    groups_left_out: tuple[GroupLeftOut, ...] = ()


def effective_slots(problem: Problem, p: Participant) -> frozenset[int]:
    """The slots p can meet in: its own, within its sessions, outside breaks."""
    slots = set(range(problem.slots)) if p.available is None else set(p.available)
    slots = {s for s in slots if 0 <= s < problem.slots}
    if p.sessions is not None and problem.rules.sessions:
        allowed: set[int] = set()
        for name, first, last in problem.rules.sessions:
            if name in p.sessions:
                allowed.update(range(first, last + 1))
        slots &= allowed
    return frozenset(slots - problem.rules.breaks)


def needs_interpreter(problem: Problem, a: Participant, b: Participant) -> bool:
    """Whether a meeting of a and b needs an interpreter under the languages rule."""
    if not problem.rules.languages or not a.languages or not b.languages:
        return False
    return not (a.languages & b.languages)
