"""The time-indexed model shared by the LP bound and CP-SAT: one column per (pair, slot, language).

A column is "pair e meets in slot s" (with interpreter language l, or l = -1 when it needs
none). Rows: each pair at most once (exactly once when kept), each participant at most one
column per slot and at most its cap, each slot at most ``tables`` columns, each slot and
interpreter language at most its interpreters.
"""

from __future__ import annotations

from dataclasses import dataclass

from tradebase.events._instance import Instance


@dataclass
class Columns:
    pair: list[int]
    slot: list[int]
    lang: list[int]
    by_pair: list[list[int]]
    by_person_slot: dict[tuple[int, int], list[int]]
    by_person: list[list[int]]
    by_slot: list[list[int]]
    by_slot_lang: dict[tuple[int, int], list[int]]

    def __len__(self) -> int:
        return len(self.pair)


def build_columns(inst: Instance) -> Columns:
    cols = Columns([], [], [], [[] for _ in range(inst.pairs)], {}, [[] for _ in inst.ids],
                   [[] for _ in range(inst.slots)], {})
    for e in range(inst.pairs):
        a, b = inst.pair_a[e], inst.pair_b[e]
        need = inst.interp[e]
        langs: tuple[int, ...] = (-1,) if need is None else need
        slots = inst.cand[e]
        if e in inst.fixed:
            slots = (inst.fixed[e][0],)
        for s in slots:
            for lang in langs:
                c = len(cols.pair)
                cols.pair.append(e)
                cols.slot.append(s)
                cols.lang.append(lang)
                cols.by_pair[e].append(c)
                cols.by_person_slot.setdefault((a, s), []).append(c)
                cols.by_person_slot.setdefault((b, s), []).append(c)
                cols.by_person[a].append(c)
                cols.by_person[b].append(c)
                cols.by_slot[s].append(c)
                if lang >= 0:
                    cols.by_slot_lang.setdefault((s, lang), []).append(c)
    return cols
