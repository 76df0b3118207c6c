"""Stored evaluation schemes and their runs.

Every edit of a scheme is a new version (old ones kept, never changed); a run keeps the
version it applied, the bases and the exact facts it read with the rates that made them
comparable, and the ranking it gave. ``reproduce_run`` ranks the kept facts again: the same
result, whatever has happened to the register since.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.policy import Permission
from tradebase.analytics.models import EvaluationScheme, RankingRun, SchemeVersion
from tradebase.analytics.rank_service import (
    FactRecord,
    contract,
    details,
    rank_records,
    rank_scheme,
    read_register,
)
from tradebase.analytics.ranking import Subject
from tradebase.analytics.scheme_file import Scheme, parse_scheme, scheme_digest
from tradebase.errors import Conflict, NotFound


def _named(session: Session, name: str) -> EvaluationScheme | None:
    return session.scalars(select(EvaluationScheme).where(EvaluationScheme.name == name)).first()


def create_scheme(*, session: Session, definition: dict[str, Any]) -> EvaluationScheme:
    """A new scheme, version 1 (``definition`` as the scheme file writes it)."""
    actor = authorize(session, Permission.DEFINE_SCHEME)
    scheme = parse_scheme(definition)
    if _named(session, scheme.name) is not None:
        raise Conflict(f"a scheme called {scheme.name!r} exists already", field="name",
                       code="analytics.scheme_exists", params={"name": scheme.name})
    stored = EvaluationScheme(name=scheme.name, latest_version=1, created_by=actor.user_id)
    stored.versions.append(SchemeVersion(number=1, definition=definition,
                                         digest=scheme_digest(definition),
                                         created_by=actor.user_id))
    session.add(stored)
    session.flush()
    return stored


def edit_scheme(*, session: Session, scheme_id: int,
                definition: dict[str, Any]) -> EvaluationScheme:
    """A new version of the scheme; the earlier ones stay as they were."""
    actor = authorize(session, Permission.DEFINE_SCHEME)
    stored = get_scheme(session=session, scheme_id=scheme_id)
    scheme = parse_scheme(definition)
    other = _named(session, scheme.name)
    if other is not None and other.id != stored.id:
        raise Conflict(f"a scheme called {scheme.name!r} exists already", field="name",
                       code="analytics.scheme_exists", params={"name": scheme.name})
    number = stored.latest_version + 1
    stored.versions.append(SchemeVersion(number=number, definition=definition,
                                         digest=scheme_digest(definition),
                                         created_by=actor.user_id))
    stored.name, stored.latest_version = scheme.name, number
    session.flush()
    return stored


def get_scheme(*, session: Session, scheme_id: int) -> EvaluationScheme:
    authorize(session, Permission.READ_ANALYTICS)
    stored = session.get(EvaluationScheme, scheme_id)
    if stored is None:
        raise NotFound(f"no evaluation scheme {scheme_id}", field="scheme_id")
    return stored


def find_scheme(*, session: Session, name: str) -> EvaluationScheme:
    authorize(session, Permission.READ_ANALYTICS)
    stored = _named(session, name)
    if stored is None:
        raise NotFound(f"no evaluation scheme called {name!r}", field="scheme",
                       code="analytics.scheme_unknown", params={"name": name})
    return stored


def list_schemes(*, session: Session) -> list[EvaluationScheme]:
    authorize(session, Permission.READ_ANALYTICS)
    return list(session.scalars(select(EvaluationScheme).order_by(EvaluationScheme.name)))


def version_of(stored: EvaluationScheme, number: int | None) -> SchemeVersion:
    """The scheme's version ``number`` (its latest when None)."""
    wanted = stored.latest_version if number is None else number
    for version in stored.versions:
        if version.number == wanted:
            return version
    raise NotFound(f"scheme {stored.name!r} has no version {wanted}", field="version",
                   code="analytics.version_unknown", params={"version": wanted})


def rank_stored(*, session: Session, stored: EvaluationScheme, number: int | None = None,
                base_ids: Sequence[int] | None = None) -> dict[str, Any]:
    """The contract's ranking on a stored scheme's version, now (nothing kept)."""
    version = version_of(stored, number)
    return rank_scheme(session=session, scheme=parse_scheme(version.definition),
                       version=version.number, base_ids=base_ids)


def run_scheme(*, session: Session, scheme_id: int, number: int | None = None,
               base_ids: Sequence[int] | None = None) -> RankingRun:
    """Rank the register's bases (or those of ``base_ids``) on a version of the scheme (the
    latest by default) and keep the run: the version, the bases, every fact read and the
    ranking."""
    actor = authorize(session, Permission.RUN_SCHEME)
    version = version_of(get_scheme(session=session, scheme_id=scheme_id), number)
    scheme = parse_scheme(version.definition)
    read = read_register(session=session, scheme=scheme, base_ids=base_ids)
    ranking = rank_records(scheme, read.bases, read.facts)
    run = RankingRun(
        scheme_version_id=version.id, created_by=actor.user_id,
        bases=[{"id": b.base_id, "key": b.base} for b in read.bases],
        facts=[record.as_json() for record in read.facts],
        result=contract(scheme, version.number, ranking) | details(ranking))
    session.add(run)
    session.flush()
    return run


def get_run(*, session: Session, run_id: int) -> RankingRun:
    authorize(session, Permission.READ_ANALYTICS)
    run = session.get(RankingRun, run_id)
    if run is None:
        raise NotFound(f"no ranking run {run_id}", field="run_id")
    return run


def run_scheme_of(run: RankingRun) -> Scheme:
    return parse_scheme(run.scheme_version.definition)


def reproduce_run(*, session: Session, run_id: int) -> dict[str, Any]:
    """The run's ranking computed again from the facts it kept (not the register's now)."""
    run = get_run(session=session, run_id=run_id)
    scheme = run_scheme_of(run)
    bases = [Subject(b["id"], b["key"]) for b in run.bases]
    ranking = rank_records(scheme, bases, [FactRecord.from_json(f) for f in run.facts])
    return contract(scheme, run.scheme_version.number, ranking) | details(ranking)
