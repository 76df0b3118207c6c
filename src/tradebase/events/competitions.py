"""Competitions (events of kind ``competition``): categories, entries by enterprises or people,
judges with their affiliation and declared conflicts of interest, weighted criteria, sealed
scores, closing the judging, the ranking (``ranking.py``) and publishing it.

The rules are in ``accounts/policy.py``: the organisers run a competition; a judge is assigned
the entries of its categories except those of its own enterprise or one it declared a conflict
with (``judge_conflict``), sees only those, and is refused a score on any other; scores are
sealed while judging is open (``may_read_sealed_scores``: each judge its own only); the ranking
is the organisers' once closed and everyone's once published (``may_read_ranking``), the
judges' comments only when the organisers publish them (``may_read_judge_comments``).

    open ──close──▶ closed ──publish──▶ published
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import current_actor
from tradebase.accounts.models import User
from tradebase.accounts.policy import (
    JudgeSeat,
    is_judge,
    judge_conflict,
    may_declare_conflict,
    may_read_judge_comments,
    may_read_ranking,
    may_read_sealed_scores,
    organises_event,
)
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from tradebase.events import competition_schemas as cs
from tradebase.events import ranking
from tradebase.events.competition_models import (
    Competition,
    CompetitionCategory,
    CompetitionCriterion,
    CompetitionEntry,
    CompetitionJudge,
    CompetitionScore,
    JudgeConflict,
)
from tradebase.events.models import Event
from tradebase.events.schemas import EventKind
from tradebase.events.service import get_event, organised_event, organiser_bases
from tradebase.registry.models import Enterprise


def _now() -> datetime:
    return datetime.now(UTC)


def competition_event(session: Session, event_id: int) -> Event:
    """The event, if the caller sees it and it is a competition."""
    event = get_event(session=session, event_id=event_id)
    if event.kind != EventKind.COMPETITION.value:
        raise NotFound(f"event {event_id} is a {event.kind}, not a competition")
    return event


def _organised(session: Session, event_id: int) -> Event:
    competition_event(session, event_id)
    return organised_event(session, event_id, lock=True)


def state(session: Session, event: Event) -> Competition:
    """The judging state (open until the organisers close it)."""
    found = session.get(Competition, event.id)
    return found if found is not None else Competition(
        event_id=event.id, status=cs.JudgingStatus.OPEN.value, tie_break="none",
        comments_published=False)


def _stored_state(session: Session, event: Event) -> Competition:
    found = session.get(Competition, event.id)
    if found is None:
        found = state(session, event)
        session.add(found)
        session.flush()
    return found


def _while_open(session: Session, event: Event) -> Competition:
    current = _stored_state(session, event)
    if current.status != cs.JudgingStatus.OPEN.value:
        raise Conflict(f"judging of event {event.id} is {current.status}: entries, judges, "
                       "criteria and scores no longer change", field="status",
                       code="competition.judging_closed", params={"status": current.status})
    return current


def view(session: Session, event_id: int) -> Competition:
    return state(session, competition_event(session, event_id))


def set_tie_break(session: Session, event_id: int, data: cs.CompetitionUpdate) -> Competition:
    event = _organised(session, event_id)
    current = _while_open(session, event)
    current.tie_break = data.tie_break.value
    session.flush()
    return current


# --- categories, criteria, entries ---------------------------------------------------------


def categories(session: Session, event_id: int) -> list[CompetitionCategory]:
    event = competition_event(session, event_id)
    return list(session.scalars(select(CompetitionCategory).where(
        CompetitionCategory.event_id == event.id).order_by(CompetitionCategory.id)))


def add_category(session: Session, event_id: int, data: cs.CategoryIn) -> CompetitionCategory:
    event = _organised(session, event_id)
    _while_open(session, event)
    category = CompetitionCategory(event_id=event.id, name_zh=data.name_zh.strip(),
                                   name_en=data.name_en.strip())
    session.add(category)
    session.flush()
    return category


def _category(session: Session, event: Event, category_id: int, field: str
              ) -> CompetitionCategory:
    category = session.get(CompetitionCategory, category_id)
    if category is None or category.event_id != event.id:
        raise InvalidInput(f"category {category_id} is not of event {event.id}", field=field,
                           code="competition.unknown_category",
                           params={"category_id": category_id})
    return category


def criteria(session: Session, event_id: int) -> list[CompetitionCriterion]:
    event = competition_event(session, event_id)
    return _criteria(session, event)


def _criteria(session: Session, event: Event) -> list[CompetitionCriterion]:
    return list(session.scalars(select(CompetitionCriterion).where(
        CompetitionCriterion.event_id == event.id).order_by(CompetitionCriterion.id)))


def add_criterion(session: Session, event_id: int, data: cs.CriterionIn
                  ) -> CompetitionCriterion:
    event = _organised(session, event_id)
    _while_open(session, event)
    if data.category_id is not None:
        _category(session, event, data.category_id, "category_id")
    if not (data.name_zh.strip() or data.name_en.strip()):
        raise InvalidInput("a criterion needs a name in zh or en", field="name_en",
                           code="competition.criterion_name")
    criterion = CompetitionCriterion(event_id=event.id, category_id=data.category_id,
                                     name_zh=data.name_zh.strip(),
                                     name_en=data.name_en.strip(), weight=data.weight,
                                     max_score=data.max_score)
    session.add(criterion)
    session.flush()
    return criterion


def all_entries(session: Session, event: Event) -> list[CompetitionEntry]:
    return list(session.scalars(select(CompetitionEntry).where(
        CompetitionEntry.event_id == event.id).order_by(CompetitionEntry.id)))


# --- judges and conflicts ------------------------------------------------------------------


def seat(session: Session, judge: CompetitionJudge) -> JudgeSeat:
    """The judge as plain data for the policy."""
    user = session.get(User, judge.user_id)
    return JudgeSeat(
        user_id=judge.user_id, affiliation_id=judge.affiliation_id,
        member_of=frozenset(user.enterprise_ids) if user is not None else frozenset(),
        conflict_entries=frozenset(c.entry_id for c in judge.conflicts if c.entry_id),
        conflict_enterprises=frozenset(c.enterprise_id for c in judge.conflicts
                                       if c.enterprise_id))


def assigned_entries(session: Session, judge: CompetitionJudge,
                     every: Sequence[CompetitionEntry]) -> list[int]:
    """The entries of the judge's categories that it has no conflict with."""
    judge_seat = seat(session, judge)
    return [e.id for e in every
            if (judge.category_ids is None or e.category_id in judge.category_ids)
            and judge_conflict(judge_seat, entry_id=e.id, entry_enterprise_id=e.enterprise_id,
                               entry_submitted_by=e.submitted_by) is None]


def _judges(session: Session, event: Event) -> list[CompetitionJudge]:
    return list(session.scalars(select(CompetitionJudge).where(
        CompetitionJudge.event_id == event.id).order_by(CompetitionJudge.id)))


def judge_of(session: Session, event: Event) -> CompetitionJudge | None:
    user_id = current_actor(session).user_id
    if user_id is None:
        return None
    return session.scalars(select(CompetitionJudge).where(
        CompetitionJudge.event_id == event.id, CompetitionJudge.user_id == user_id)).first()


def judges(session: Session, event_id: int) -> list[CompetitionJudge]:
    """The organisers see every judge; a judge itself."""
    event = competition_event(session, event_id)
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to see the judges")
    if organises_event(actor, organiser_bases(event)):
        return _judges(session, event)
    own = judge_of(session, event)
    if own is None:
        raise Forbidden(f"only the organisers of event {event_id} see its judges")
    return [own]


def add_judge(session: Session, event_id: int, data: cs.JudgeIn) -> CompetitionJudge:
    event = _organised(session, event_id)
    _while_open(session, event)
    if session.get(User, data.user_id) is None:
        raise InvalidInput(f"no user has the id {data.user_id}", field="user_id",
                           code="competition.unknown_user", params={"user_id": data.user_id})
    if data.affiliation_id is not None and session.get(Enterprise, data.affiliation_id) is None:
        raise InvalidInput(f"no enterprise has the id {data.affiliation_id}",
                           field="affiliation_id", code="competition.unknown_enterprise",
                           params={"enterprise_id": data.affiliation_id})
    for index, category_id in enumerate(data.category_ids or []):
        _category(session, event, category_id, f"category_ids[{index}]")
    if any(j.user_id == data.user_id for j in _judges(session, event)):
        raise Conflict(f"user {data.user_id} is a judge of event {event.id} already",
                       field="user_id", code="competition.judge_exists",
                       params={"user_id": data.user_id})
    judge = CompetitionJudge(event_id=event.id, user_id=data.user_id,
                             affiliation_id=data.affiliation_id,
                             category_ids=sorted(set(data.category_ids))
                             if data.category_ids is not None else None)
    session.add(judge)
    session.flush()
    return judge


def _judge(session: Session, event: Event, judge_id: int) -> CompetitionJudge:
    judge = session.get(CompetitionJudge, judge_id)
    if judge is None or judge.event_id != event.id:
        raise NotFound(f"judge {judge_id} of event {event.id} not found")
    return judge


def declare_conflict(session: Session, event_id: int, judge_id: int, data: cs.ConflictIn
                     ) -> CompetitionJudge:
    """A conflict of interest, declared by the judge or recorded by the organisers: the entry
    (or every entry of the enterprise) is no longer assigned to the judge, and a score it gave
    it before is withdrawn."""
    event = competition_event(session, event_id)
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to declare a conflict of interest")
    judge = _judge(session, event, judge_id)
    if not may_declare_conflict(actor, seat(session, judge), organiser_bases(event)):
        if organises_event(actor, organiser_bases(event)) or is_judge(actor, seat(session, judge)):
            raise Forbidden("this API token is read-only")
        raise NotFound(f"judge {judge_id} of event {event.id} not found")
    _while_open(session, event)
    every = {e.id: e for e in all_entries(session, event)}
    if data.entry_id is not None and data.entry_id not in every:
        raise InvalidInput(f"entry {data.entry_id} is not of event {event.id}",
                           field="entry_id", code="competition.unknown_entry",
                           params={"entry_id": data.entry_id})
    if data.enterprise_id is not None and session.get(Enterprise, data.enterprise_id) is None:
        raise InvalidInput(f"no enterprise has the id {data.enterprise_id}",
                           field="enterprise_id", code="competition.unknown_enterprise",
                           params={"enterprise_id": data.enterprise_id})
    judge.conflicts.append(JudgeConflict(entry_id=data.entry_id,
                                         enterprise_id=data.enterprise_id, note=data.note))
    session.flush()
    drop_unassigned_scores(session, event, [judge])
    return judge


def drop_unassigned_scores(session: Session, event: Event,
                           judges_: Sequence[CompetitionJudge] | None = None) -> None:
    """Withdraw the scores of entries no longer assigned to their judge (a conflict
    declared, an entry moved to a category the judge does not judge)."""
    every = all_entries(session, event)
    for judge in _judges(session, event) if judges_ is None else judges_:
        assigned = set(assigned_entries(session, judge, every))
        for score in session.scalars(select(CompetitionScore).where(
                CompetitionScore.judge_id == judge.id)):
            if score.entry_id not in assigned:
                session.delete(score)
    session.flush()


# --- scores --------------------------------------------------------------------------------


_REFUSALS = {
    "own_entry": "the judge submitted this entry",
    "own_enterprise": "it is an entry of the judge's own enterprise",
    "declared_entry": "the judge declared a conflict of interest with this entry",
    "declared_enterprise": "the judge declared a conflict of interest with its enterprise",
}


def submit_scores(session: Session, event_id: int, data: cs.ScoresIn
                  ) -> list[CompetitionScore]:
    """The caller's scores as a judge (a score given again replaces the earlier one). A
    score of an entry the judge has a conflict with, or is not assigned, is refused."""
    event = competition_event(session, event_id)
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to score entries")
    judge = judge_of(session, event)
    if judge is None or not actor.can_write:
        raise Forbidden(f"only the judges of event {event_id} score its entries")
    current = _while_open(session, event)
    every = {e.id: e for e in all_entries(session, event)}
    by_id = {c.id: c for c in _criteria(session, event)}
    judge_seat = seat(session, judge)
    assigned = set(assigned_entries(session, judge, list(every.values())))
    existing = {(s.entry_id, s.criterion_id): s for s in session.scalars(
        select(CompetitionScore).where(CompetitionScore.judge_id == judge.id))}
    saved: list[CompetitionScore] = []
    for index, item in enumerate(data.scores):
        where = f"scores[{index}]"
        entry = every.get(item.entry_id)
        if entry is None:
            raise InvalidInput(f"entry {item.entry_id} is not of event {event.id}",
                               field=f"{where}.entry_id", code="competition.unknown_entry",
                               params={"entry_id": item.entry_id})
        reason = judge_conflict(judge_seat, entry_id=entry.id,
                                entry_enterprise_id=entry.enterprise_id,
                                entry_submitted_by=entry.submitted_by)
        if reason is not None:
            raise Forbidden(f"judge {judge.id} may not score entry {entry.id}: "
                            f"{_REFUSALS[reason]}", code=f"competition.conflict.{reason}",
                            params={"entry_id": entry.id})
        if entry.id not in assigned:
            raise Forbidden(f"entry {entry.id} is not assigned to judge {judge.id}",
                            code="competition.not_assigned", params={"entry_id": entry.id})
        criterion = by_id.get(item.criterion_id)
        if criterion is None or criterion.category_id not in (None, entry.category_id):
            raise InvalidInput(f"criterion {item.criterion_id} does not apply to entry "
                               f"{entry.id}", field=f"{where}.criterion_id",
                               code="competition.unknown_criterion",
                               params={"criterion_id": item.criterion_id})
        if item.value > criterion.max_score:
            raise InvalidInput(f"a score on criterion {criterion.id} is at most "
                               f"{criterion.max_score:g}, not {item.value:g}",
                               field=f"{where}.value", code="competition.score_range",
                               params={"max": criterion.max_score, "value": item.value})
        score = existing.get((entry.id, criterion.id))
        if score is None:
            score = CompetitionScore(judge_id=judge.id, entry_id=entry.id,
                                     criterion_id=criterion.id, sealed_value=item.value)
            session.add(score)
            existing[(entry.id, criterion.id)] = score
        score.sealed_value, score.sealed_comment = item.value, item.comment
        score.scored_at = _now()
        saved.append(score)
    if current.judging_started_at is None:  # entrants no longer change their entries
        current.judging_started_at = _now()
    session.flush()
    return saved


def scores(session: Session, event_id: int) -> list[CompetitionScore]:
    """The scores the caller may read: a judge its own; the organisers every score once
    judging is closed; nobody else any."""
    event = competition_event(session, event_id)
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in to see scores")
    current = state(session, event)
    judge_ids = [j.id for j in _judges(session, event)]
    rows = list(session.scalars(select(CompetitionScore).where(
        CompetitionScore.judge_id.in_(judge_ids)).order_by(CompetitionScore.id)))
    if may_read_sealed_scores(actor, current.status, organiser_bases(event)):
        return rows
    own = judge_of(session, event)
    return [s for s in rows if own is not None and s.judge_id == own.id]


# --- close, rank, publish ------------------------------------------------------------------


def close(session: Session, event_id: int) -> Competition:
    event = _organised(session, event_id)
    current = _while_open(session, event)
    current.status, current.closed_at = cs.JudgingStatus.CLOSED.value, _now()
    session.flush()
    return current


def compute(session: Session, event: Event, tie_break: str) -> list[ranking.CategoryRanking]:
    """The ranking from the stored scores (no permission check: callers check)."""
    every = all_entries(session, event)
    judges_ = _judges(session, event)
    expected: dict[int, set[int]] = {e.id: set() for e in every}
    for judge in judges_:
        for entry_id in assigned_entries(session, judge, every):
            expected[entry_id].add(judge.id)
    rows = session.scalars(select(CompetitionScore).where(
        CompetitionScore.judge_id.in_([j.id for j in judges_])))
    return ranking.rank(
        [ranking.Criterion(c.id, c.weight, c.max_score, c.category_id)
         for c in _criteria(session, event)],
        [ranking.Entry(e.id, e.category_id, frozenset(expected[e.id])) for e in every],
        [ranking.Score(s.judge_id, s.entry_id, s.criterion_id, s.sealed_value) for s in rows],
        tie_break=tie_break)


def result(session: Session, event_id: int) -> cs.RankingOut:
    """The ranking: the organisers' once closed (computed now), everyone's once published
    (as published). While judging is open it is sealed (409)."""
    event = competition_event(session, event_id)
    actor = current_actor(session)
    current = state(session, event)
    if current.status == cs.JudgingStatus.OPEN.value:
        raise Conflict(f"judging of event {event_id} is open: the scores are sealed until the "
                       "organisers close it", field="status", code="competition.sealed")
    if not may_read_ranking(actor, current.status, organiser_bases(event)):
        if not actor.is_authenticated:
            raise Unauthenticated("log in to see the ranking before it is published")
        raise Conflict(f"the results of event {event_id} are not published yet",
                       field="status", code="competition.not_published")
    if current.status == cs.JudgingStatus.PUBLISHED.value and current.ranking is not None:
        categories_ = current.ranking
    else:
        categories_ = ranking.ranking_to_json(compute(session, event, current.tie_break))
    return cs.RankingOut(status=cs.JudgingStatus(current.status),
                         tie_break=cs.TieBreak(current.tie_break), categories=categories_,
                         comments=_comments(session, event, current))


def _comments(session: Session, event: Event, current: Competition
              ) -> list[dict[str, Any]] | None:
    actor = current_actor(session)
    out: list[dict[str, Any]] = []
    readable = False
    for judge in _judges(session, event):
        if not may_read_judge_comments(actor, current.status, current.comments_published,
                                       organiser_bases(event), seat=seat(session, judge)):
            continue
        readable = True
        out.extend({"judge_id": judge.id, "entry_id": s.entry_id,
                    "criterion_id": s.criterion_id, "comment": s.sealed_comment}
                   for s in session.scalars(select(CompetitionScore).where(
                       CompetitionScore.judge_id == judge.id).order_by(CompetitionScore.id))
                   if s.sealed_comment)
    return out if readable else None


def publish(session: Session, event_id: int, data: cs.PublishIn) -> Competition:
    """Publish the ranking as it stands (frozen), with the judges' comments if asked."""
    event = _organised(session, event_id)
    current = _stored_state(session, event)
    if current.status != cs.JudgingStatus.CLOSED.value:
        raise Conflict(f"judging of event {event_id} is {current.status}: close it before "
                       "publishing" if current.status == "open" else
                       f"the results of event {event_id} are published already",
                       field="status", code="competition.publish_state",
                       params={"status": current.status})
    current.ranking = ranking.ranking_to_json(compute(session, event, current.tie_break))
    current.status, current.published_at = cs.JudgingStatus.PUBLISHED.value, _now()
    current.comments_published = data.comments
    session.flush()
    return current


def judge_name(session: Session, judge: CompetitionJudge) -> str:
    user = session.get(User, judge.user_id)
    return (user.organisation or user.email) if user is not None else ""
