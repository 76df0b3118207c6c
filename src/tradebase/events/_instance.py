"""The scheduler's problem as integers: participants, pairs and the slots each pair may use.

Private to ``scheduler.py``. Every solver works on an :class:`Instance`: participant indexes,
one pair per requested meeting (``(a, b)`` and ``(b, a)`` merged, the larger priority), the
slots where both sides are available (their own slots, their sessions, no break), each side's
cap (``min(max_meetings, available slots)``), and, when the languages rule is on, the
interpreter languages a pair without a shared language may use.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Instance:
    slots: int
    tables: int
    ids: list[str]
    cap: list[int]
    pair_a: list[int]
    pair_b: list[int]
    priority: list[int]
    cand: list[tuple[int, ...]]
    """The slots a pair may meet in (both available); empty means it cannot meet."""
    interp: list[tuple[int, ...] | None]
    """None when the pair needs no interpreter; else the interpreter languages it may use."""
    languages: list[str] = field(default_factory=list)
    """Interpreter languages by index."""
    interp_cap: list[int] = field(default_factory=list)
    """Interpreters of each language per slot."""
    fixed: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Kept meetings: pair -> (slot, table)."""

    @property
    def pairs(self) -> int:
        return len(self.pair_a)

    def uniform_priority(self) -> bool:
        live = {self.priority[e] for e in range(self.pairs) if self.cand[e]}
        return len(live) <= 1


@dataclass
class Assignment:
    """A (partial) schedule of an instance: each pair's slot or -1, with the loads it implies."""

    inst: Instance
    slot_of: list[int]
    busy: list[dict[int, int]]
    """busy[p][s] = the pair p meets in slot s."""
    deg: list[int]
    load: list[int]
    interp_load: list[list[int]]
    """interp_load[s][l] = interpreters of language l in use in slot s."""
    interp_of: dict[int, int]
    """The interpreter language a scheduled pair uses."""
    journal: list[tuple[int, int, int]] | None = None
    """When a list: every place (+) and remove (-) as (pair + 1 signed, slot, language)."""

    @classmethod
    def empty(cls, inst: Instance) -> Assignment:
        return cls(
            inst,
            [-1] * inst.pairs,
            [{} for _ in inst.ids],
            [0] * len(inst.ids),
            [0] * inst.slots,
            [[0] * len(inst.languages) for _ in range(inst.slots)],
            {},
        )

    def copy(self) -> Assignment:
        return Assignment(
            self.inst,
            list(self.slot_of),
            [dict(b) for b in self.busy],
            list(self.deg),
            list(self.load),
            [list(row) for row in self.interp_load],
            dict(self.interp_of),
        )

    def free_language(self, e: int, s: int) -> int | None:
        """The interpreter language pair e can use in slot s (-1: needs none), or None."""
        need = self.inst.interp[e]
        if need is None:
            return -1
        for lang in need:
            if self.interp_load[s][lang] < self.inst.interp_cap[lang]:
                return lang
        return None

    def can_place(self, e: int, s: int, *, ignore_caps: bool = False) -> int | None:
        """The interpreter language (or -1) if pair e fits in slot s now, else None."""
        inst = self.inst
        a, b = inst.pair_a[e], inst.pair_b[e]
        if s in self.busy[a] or s in self.busy[b] or self.load[s] >= inst.tables:
            return None
        if not ignore_caps and (self.deg[a] >= inst.cap[a] or self.deg[b] >= inst.cap[b]):
            return None
        return self.free_language(e, s)

    def place(self, e: int, s: int, lang: int) -> None:
        inst = self.inst
        a, b = inst.pair_a[e], inst.pair_b[e]
        self.slot_of[e] = s
        self.busy[a][s] = e
        self.busy[b][s] = e
        self.deg[a] += 1
        self.deg[b] += 1
        self.load[s] += 1
        if lang >= 0:
            self.interp_load[s][lang] += 1
            self.interp_of[e] = lang
        if self.journal is not None:
            self.journal.append((e + 1, s, lang))

    def remove(self, e: int) -> int:
        """Unschedule pair e; return the slot it had."""
        inst = self.inst
        s = self.slot_of[e]
        a, b = inst.pair_a[e], inst.pair_b[e]
        del self.busy[a][s]
        del self.busy[b][s]
        self.deg[a] -= 1
        self.deg[b] -= 1
        self.load[s] -= 1
        lang = self.interp_of.pop(e, -1)
        if lang >= 0:
            self.interp_load[s][lang] -= 1
        self.slot_of[e] = -1
        if self.journal is not None:
            self.journal.append((-(e + 1), s, lang))
        return s

    def undo(self, mark: int) -> None:
        """Undo the journal back to length ``mark``."""
        assert self.journal is not None
        entries = self.journal[mark:]
        journal, self.journal = self.journal, None
        for signed, s, lang in reversed(entries):
            if signed > 0:
                self.remove(signed - 1)
            else:
                self.place(-signed - 1, s, lang)
        del journal[mark:]
        self.journal = journal

    def count(self) -> int:
        return sum(1 for s in self.slot_of if s >= 0)

    def total_priority(self) -> int:
        return sum(self.inst.priority[e] for e, s in enumerate(self.slot_of) if s >= 0)
