"""The sources figures are cited to: the one a fact names (found, or created), and the list.

A fact names its source by ``id``, or by what a citation says: its URL if it has one, else
its title and publisher, else (an untitled article) its publisher, date and language
together. A citation that names a stored source but says something else about it (another
date, another language) is a conflict, reported field by field: a source is corrected
once, where it is stored, not by whichever fact cites it last.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tradebase.errors import Conflict, InvalidInput, NotFound
from tradebase.registry import schemas
from tradebase.registry.models import IndicatorFact, Source

# The fields of a citation that describe the source, as ``schemas.Source`` names them.
DETAIL_FIELDS = ("title", "url", "publisher", "date", "language")

SourceKey = tuple[str, ...]


@dataclass(frozen=True)
class Citation:
    """What a fact says about its source (empty: not said)."""

    title: str = ""
    url: str = ""
    publisher: str = ""
    date: date | None = None
    language: str = ""

    @classmethod
    def of(cls, given: schemas.Source) -> Citation:
        return cls(given.title, given.url, given.publisher, given.date, given.language)

    @classmethod
    def stored(cls, source: Source) -> Citation:
        return cls(source.title, source.url, source.publisher, source.published_on,
                   source.language)

    def key(self) -> SourceKey | None:
        """What identifies the source this citation names; None when it names none."""
        if self.url:
            return ("url", self.url)
        if self.title:
            return ("title", self.title, self.publisher)
        if self.publisher or self.date or self.language:
            return ("untitled", self.publisher, self.date.isoformat() if self.date else "",
                    self.language)
        return None


@dataclass(frozen=True)
class SourceConflict:
    """A citation says ``given`` where its source says ``stored``."""

    field: str
    stored: str
    given: str
    source_id: str

    @property
    def message(self) -> str:
        return (f"the source {self.source_id} says {self.stored or '(nothing)'!r} here, "
                f"not {self.given!r}; correct the source, or cite another one")


def new_source_id(key: SourceKey) -> str:
    """The id of a source created from a citation: the same citation, the same id."""
    return "src_" + hashlib.sha256("\x1f".join(key).encode()).hexdigest()[:16]


def conflicts(stored: Citation, given: Citation, source_id: str) -> list[SourceConflict]:
    """The fields ``given`` states differently from ``stored`` (an empty one states nothing)."""
    found = []
    for name in DETAIL_FIELDS:
        want, have = getattr(given, name), getattr(stored, name)
        if want not in ("", None) and want != have:
            found.append(SourceConflict(name, _text(have), _text(want), source_id))
    return found


def _text(value: str | date | None) -> str:
    return value.isoformat() if isinstance(value, date) else (value or "")


def find_source(*, session: Session, key: SourceKey) -> Source | None:
    """The stored source ``key`` names (the oldest if several do), or None."""
    stmt = select(Source)
    match key:
        case ("url", url):
            stmt = stmt.where(Source.url == url)
        case ("title", title, publisher):
            stmt = stmt.where(Source.title == title, Source.publisher == publisher)
        case ("untitled", publisher, day, language):
            published = (Source.published_on == date.fromisoformat(day) if day
                         else Source.published_on.is_(None))
            stmt = stmt.where(Source.url == "", Source.title == "",
                              Source.publisher == publisher, published,
                              Source.language == language)
        case _:
            return None
    return session.scalars(stmt.order_by(Source.created_at, Source.id).limit(1)).first()


def resolve(*, session: Session, given: schemas.Source) -> Source | None:
    """The source a fact cites: the one ``given.id`` names, the stored one its citation names
    or a new one made of it; None when it names none. Never commits.

    Raises ``InvalidInput`` (an unknown id) or ``Conflict`` (the citation contradicts the
    stored source; ``field`` is ``source.<field>``)."""
    citation = Citation.of(given)
    if given.id is not None:
        source = session.get(Source, given.id)
        if source is None:
            raise InvalidInput(f"source {given.id} does not exist", field="source.id",
                               code="source.unknown", params={"id": given.id})
    else:
        key = citation.key()
        if key is None:
            return None
        source = find_source(session=session, key=key)
        if source is None:
            return create_source(session=session, ident=new_source_id(key), citation=citation)
    clashes = conflicts(Citation.stored(source), citation, source.id)
    if clashes:
        first = clashes[0]
        raise Conflict(first.message, field=f"source.{first.field}", code="source.conflict",
                       params={"source": source.id, "field": first.field,
                               "stored": first.stored, "given": first.given})
    return source


def create_source(*, session: Session, ident: str, citation: Citation) -> Source:
    source = Source(id=ident, title=citation.title, url=citation.url,
                    publisher=citation.publisher, published_on=citation.date,
                    language=citation.language)
    session.add(source)
    session.flush()
    return source


def as_citation(fact: IndicatorFact) -> schemas.Source:
    """The ``source`` of ``fact`` as the API shows it: its quote and its source's fields."""
    source = fact.source
    if source is None:
        return schemas.Source(quote=fact.source_quote)
    return schemas.Source(
        id=source.id, title=source.title, url=source.url, quote=fact.source_quote,
        publisher=source.publisher, date=source.published_on, language=source.language,
    )


def as_out(source: Source, facts: int = 0) -> schemas.SourceOut:
    return schemas.SourceOut(
        id=source.id, title=source.title, publisher=source.publisher,
        date=source.published_on, language=source.language, url=source.url, facts=facts,
    )


def list_sources(
    *, session: Session, limit: int = 100, offset: int = 0
) -> tuple[list[schemas.SourceOut], int]:
    """Every source with the number of facts citing it, by id."""
    counts: dict[str, int] = {
        ident: count for ident, count in session.execute(
            select(IndicatorFact.source_id, func.count())
            .where(IndicatorFact.source_id.is_not(None)).group_by(IndicatorFact.source_id))
        if ident is not None
    }
    total = session.scalar(select(func.count()).select_from(Source)) or 0
    rows = session.scalars(select(Source).order_by(Source.id).limit(limit).offset(offset))
    return [as_out(row, counts.get(row.id, 0)) for row in rows], total


def get_source(*, session: Session, source_id: str) -> schemas.SourceOut:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"Source {source_id} does not exist", field="id")
    count = session.scalar(
        select(func.count()).select_from(IndicatorFact)
        .where(IndicatorFact.source_id == source_id)
    ) or 0
    return as_out(source, count)


def cited_by(facts: Iterable[IndicatorFact]) -> list[Source]:
    """The sources ``facts`` cite, each once, in the order they are first cited."""
    seen: dict[str, Source] = {}
    for fact in facts:
        if fact.source is not None:
            seen.setdefault(fact.source.id, fact.source)
    return list(seen.values())


def stored_citations(*, session: Session) -> Mapping[SourceKey, tuple[str, Citation]]:
    """Every stored source by the key a citation names it with (the oldest of equal keys):
    what an import checks its rows against without a query per row."""
    found: dict[SourceKey, tuple[str, Citation]] = {}
    for source in session.scalars(select(Source).order_by(Source.created_at.desc(),
                                                          Source.id.desc())):
        citation = Citation.stored(source)
        for key in _keys_of(citation):
            found[key] = (source.id, citation)
    return found


def _keys_of(citation: Citation) -> list[SourceKey]:
    """Every key that names a source with this citation (a titled source with a URL is named
    by its URL, and also by its title and publisher)."""
    keys: list[SourceKey] = []
    if citation.url:
        keys.append(("url", citation.url))
    if citation.title:
        keys.append(("title", citation.title, citation.publisher))
    if not citation.url and not citation.title:
        key = citation.key()
        if key is not None:
            keys.append(key)
    return keys
