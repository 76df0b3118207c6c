"""REST endpoints of competitions, under ``/api/v1/events/{event_id}/competition``: the judging
state, categories, entries, judges and their conflicts, criteria, scores, close, ranking and
publish. Thin: parse, call the service, shape."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from tradebase.events import competition_entries as entries_service
from tradebase.events import competition_schemas as cs
from tradebase.events import competitions as service
from tradebase.events.competition_models import (
    Competition,
    CompetitionEntry,
    CompetitionJudge,
    CompetitionScore,
)
from tradebase.web.deps import DbSession, IdPath

router = APIRouter(prefix="/api/v1/events/{event_id}/competition", tags=["competitions"])


def state_out(state: Competition) -> cs.CompetitionOut:
    return cs.CompetitionOut(event_id=state.event_id, status=cs.JudgingStatus(state.status),
                             tie_break=cs.TieBreak(state.tie_break),
                             comments_published=state.comments_published,
                             closed_at=state.closed_at, published_at=state.published_at)


def entry_out(entry: CompetitionEntry) -> cs.EntryOut:
    return cs.EntryOut(id=entry.id, event_id=entry.event_id, category_id=entry.category_id,
                       kind=entry.kind, enterprise_id=entry.enterprise_id,
                       person_name=entry.person_name, person_role=entry.person_role,
                       entrant=entry.entrant, title=entry.title,
                       description=entry.description, created_at=entry.created_at)


def judge_out(db: Session, judge: CompetitionJudge) -> cs.JudgeOut:
    every = service.all_entries(db, service.competition_event(db, judge.event_id))
    return cs.JudgeOut(
        id=judge.id, event_id=judge.event_id, user_id=judge.user_id,
        name=service.judge_name(db, judge), affiliation_id=judge.affiliation_id,
        category_ids=judge.category_ids,
        conflicts=[cs.ConflictOut.model_validate(c) for c in judge.conflicts],
        assigned_entry_ids=service.assigned_entries(db, judge, every))


def score_out(score: CompetitionScore) -> cs.ScoreOut:
    return cs.ScoreOut(judge_id=score.judge_id, entry_id=score.entry_id,
                       criterion_id=score.criterion_id, value=score.sealed_value,
                       comment=score.sealed_comment, scored_at=score.scored_at)


@router.get("", response_model=cs.CompetitionOut)
def get_competition(event_id: IdPath, db: DbSession) -> object:
    """The judging state: open, closed or published."""
    return state_out(service.view(db, event_id))


@router.patch("", response_model=cs.CompetitionOut)
def update_competition(event_id: IdPath, data: cs.CompetitionUpdate, db: DbSession) -> object:
    """The organisers set the tie-break while judging is open."""
    return state_out(service.set_tie_break(db, event_id, data))


@router.get("/categories", response_model=list[cs.CategoryOut])
def list_categories(event_id: IdPath, db: DbSession) -> object:
    return [cs.CategoryOut.model_validate(c) for c in service.categories(db, event_id)]


@router.post("/categories", response_model=cs.CategoryOut, status_code=201)
def add_category(event_id: IdPath, data: cs.CategoryIn, db: DbSession) -> object:
    return cs.CategoryOut.model_validate(service.add_category(db, event_id, data))


@router.get("/criteria", response_model=list[cs.CriterionOut])
def list_criteria(event_id: IdPath, db: DbSession) -> object:
    return [cs.CriterionOut.model_validate(c) for c in service.criteria(db, event_id)]


@router.post("/criteria", response_model=cs.CriterionOut, status_code=201)
def add_criterion(event_id: IdPath, data: cs.CriterionIn, db: DbSession) -> object:
    return cs.CriterionOut.model_validate(service.add_criterion(db, event_id, data))


@router.get("/entries", response_model=list[cs.EntryOut])
def list_entries(event_id: IdPath, db: DbSession) -> object:
    """The organisers see every entry, a judge its assigned ones, an entrant its own,
    everyone every entry once the results are published."""
    return [entry_out(e) for e in entries_service.entries(db, event_id)]


@router.post("/entries", response_model=cs.EntryOut, status_code=201)
def add_entry(event_id: IdPath, data: cs.EntryIn, db: DbSession) -> object:
    """An entry: an enterprise's member enters its enterprise, a signed-in person itself
    (before the deadline); the organisers enter anyone."""
    return entry_out(entries_service.add_entry(db, event_id, data))


@router.patch("/entries/{entry_id}", response_model=cs.EntryOut)
def update_entry(event_id: IdPath, entry_id: IdPath, data: cs.EntryUpdate,
                 db: DbSession) -> object:
    """Its entrant edits it until judging starts; the organisers while judging is open."""
    return entry_out(entries_service.update_entry(db, event_id, entry_id, data))


@router.delete("/entries/{entry_id}", status_code=204)
def withdraw_entry(event_id: IdPath, entry_id: IdPath, db: DbSession) -> Response:
    """Its entrant withdraws it until judging starts; the organisers delete it while judging
    is open (its scores go with it)."""
    entries_service.withdraw_entry(db, event_id, entry_id)
    return Response(status_code=204)


@router.get("/judges", response_model=list[cs.JudgeOut])
def list_judges(event_id: IdPath, db: DbSession) -> object:
    """The organisers see every judge with its assigned entries; a judge itself."""
    return [judge_out(db, j) for j in service.judges(db, event_id)]


@router.post("/judges", response_model=cs.JudgeOut, status_code=201)
def add_judge(event_id: IdPath, data: cs.JudgeIn, db: DbSession) -> object:
    return judge_out(db, service.add_judge(db, event_id, data))


@router.post("/judges/{judge_id}/conflicts", response_model=cs.JudgeOut, status_code=201)
def declare_conflict(event_id: IdPath, judge_id: IdPath, data: cs.ConflictIn,
                     db: DbSession) -> object:
    """The judge declares a conflict of interest (or the organisers record one)."""
    return judge_out(db, service.declare_conflict(db, event_id, judge_id, data))


@router.get("/scores", response_model=list[cs.ScoreOut])
def list_scores(event_id: IdPath, db: DbSession) -> object:
    """Sealed: a judge reads its own; the organisers every score once judging is closed."""
    return [score_out(s) for s in service.scores(db, event_id)]


@router.post("/scores", response_model=list[cs.ScoreOut])
def submit_scores(event_id: IdPath, data: cs.ScoresIn, db: DbSession) -> object:
    """The caller's scores as a judge of the competition."""
    return [score_out(s) for s in service.submit_scores(db, event_id, data)]


@router.post("/close", response_model=cs.CompetitionOut)
def close(event_id: IdPath, db: DbSession) -> object:
    """The organisers close the judging: the scores open to them."""
    return state_out(service.close(db, event_id))


@router.get("/ranking", response_model=cs.RankingOut)
def get_ranking(event_id: IdPath, db: DbSession) -> object:
    """The ranking per category, with its ties and incomplete entries explained."""
    return service.result(db, event_id)


@router.post("/publish", response_model=cs.CompetitionOut)
def publish(event_id: IdPath, data: cs.PublishIn, db: DbSession) -> object:
    """The organisers publish the ranking (and, if asked, the judges' comments)."""
    return state_out(service.publish(db, event_id, data))
