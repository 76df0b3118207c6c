"""What the register's services share: the list filters and pages, the search box, one
object by id, and a flush that turns a clash into a ``Conflict`` or ``StaleObject``. Each
function takes ``session`` and never commits: the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from tradebase.errors import Conflict, NotFound, StaleObject
from tradebase.registry import search

M = TypeVar("M")


@dataclass(frozen=True)
class ListFilters:
    """Filters shared by the list endpoints; each one narrows the result, None means any."""

    q: str | None = None
    region: str | None = None
    industry: str | None = None
    hs_code: str | None = None
    certification: str | None = None
    market: str | None = None
    base_id: int | None = None
    enterprise_id: int | None = None


NO_FILTERS = ListFilters()
"""Every object: the lists' default."""


def page(session: Session, stmt: Select[Any], *, limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of ``stmt``'s objects and how many there are in all."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(limit).offset(offset)).unique())
    return items, total


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def search_terms(q: str | None) -> list[str]:
    """The terms of a search box as written: words split on spaces, and a run of Chinese
    characters split into single characters, since Chinese writes no spaces. (The lists search
    through ``registry/search.py``, which also stems the words.)"""
    terms: list[str] = []
    for word in (q or "").split()[:12]:
        if len(word) > 1 and all(_is_cjk(char) for char in word):
            terms.extend(dict.fromkeys(word))
        else:
            terms.append(word)
    return list(dict.fromkeys(terms))


def search_patterns(q: str | None) -> list[str]:
    """One LIKE pattern per term; a row must match every term (in any of its fields)."""
    return [_like(term) for term in search_terms(q)]


def searched(
    session: Session, stmt: Select[Any], kind: str, id_column: Any, q: str | None
) -> Select[Any]:
    """``stmt`` narrowed to the objects whose names or titles match every word of ``q``
    (stemmed, in any order, Chinese without spaces: ``registry/search.py``)."""
    condition = search.matching(session, kind, id_column, q)
    return stmt if condition is None else stmt.where(condition)


def get_one(session: Session, model: type[M], ident: object, what: str) -> M:
    """The ``model`` object with id ``ident``; ``NotFound`` naming ``what`` if there is none."""
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(f"{what} {ident} does not exist", field="id")
    return obj


def flush(session: Session, what: str) -> None:
    """Write the pending changes of ``what``: a clash with stored data is a ``Conflict``, a
    row changed meanwhile a ``StaleObject`` (the session is rolled back either way)."""
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(f"{what} clashes with existing data: {exc.orig}") from exc
    except StaleDataError as exc:  # the row changed (or went) since it was read
        session.rollback()
        raise StaleObject(
            f"{what} was changed by someone else meanwhile; nothing was saved, try again"
        ) from exc
