"""API in and out of competitions: categories, entries, judges and conflicts, criteria,
scores, the judging state and the ranking."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Name = Annotated[str, Field(max_length=200)]


class JudgingStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    PUBLISHED = "published"


class TieBreak(StrEnum):
    NONE = "none"
    HEAVIEST_CRITERION = "heaviest_criterion"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompetitionOut(BaseModel):
    event_id: int
    status: JudgingStatus
    tie_break: TieBreak
    comments_published: bool
    closed_at: datetime | None
    published_at: datetime | None


class CompetitionUpdate(_In):
    tie_break: TieBreak


class CategoryIn(_In):
    name_zh: Name = ""
    name_en: Name = ""

    @model_validator(mode="after")
    def _named(self) -> CategoryIn:
        if not (self.name_zh.strip() or self.name_en.strip()):
            raise ValueError("a category needs a name in zh or en")
        return self


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    event_id: int
    name_zh: str
    name_en: str


class EntryIn(_In):
    category_id: Id
    enterprise_id: Id | None = None
    person_name: Name = ""
    person_role: Annotated[str, Field(max_length=40)] = ""  # designer, pattern maker, ...
    title: Annotated[str, Field(min_length=1, max_length=300)]
    description: Annotated[str, Field(max_length=5000)] = ""

    @model_validator(mode="after")
    def _entrant(self) -> EntryIn:
        if self.enterprise_id is None and not self.person_name.strip():
            raise ValueError("an entry is by an enterprise (enterprise_id) or a person "
                             "(person_name)")
        return self


class EntryUpdate(_In):
    """What an entrant (or the organisers) may change of an entry; its entrant (the
    enterprise, the person) stays."""

    category_id: Id | None = None
    person_name: Name | None = None
    person_role: Annotated[str | None, Field(max_length=40)] = None
    title: Annotated[str | None, Field(min_length=1, max_length=300)] = None
    description: Annotated[str | None, Field(max_length=5000)] = None


class EntryOut(BaseModel):
    id: int
    event_id: int
    category_id: int
    kind: str
    enterprise_id: int | None
    person_name: str
    person_role: str
    entrant: str
    title: str
    description: str
    created_at: datetime


class JudgeIn(_In):
    user_id: Id
    affiliation_id: Id | None = None
    category_ids: list[Id] | None = None  # None: every category


class ConflictIn(_In):
    entry_id: Id | None = None
    enterprise_id: Id | None = None
    note: Annotated[str, Field(max_length=1000)] = ""

    @model_validator(mode="after")
    def _one(self) -> ConflictIn:
        if (self.entry_id is None) == (self.enterprise_id is None):
            raise ValueError("a conflict names one entry_id or one enterprise_id")
        return self


class ConflictOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    entry_id: int | None
    enterprise_id: int | None
    note: str


class JudgeOut(BaseModel):
    id: int
    event_id: int
    user_id: int
    name: str
    affiliation_id: int | None
    category_ids: list[int] | None
    conflicts: list[ConflictOut]
    assigned_entry_ids: list[int]


class CriterionIn(_In):
    category_id: Id | None = None  # None: the whole competition's
    name_zh: Name = ""
    name_en: Name = ""
    weight: Annotated[float, Field(gt=0, le=1000)] = 1.0
    max_score: Annotated[float, Field(gt=0, le=1000)] = 10.0


class CriterionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    event_id: int
    category_id: int | None
    name_zh: str
    name_en: str
    weight: float
    max_score: float


class ScoreIn(_In):
    entry_id: Id
    criterion_id: Id
    value: Annotated[float, Field(ge=0)]
    comment: Annotated[str, Field(max_length=2000)] = ""


class ScoresIn(_In):
    scores: Annotated[list[ScoreIn], Field(min_length=1, max_length=500)]


class ScoreOut(BaseModel):
    judge_id: int
    entry_id: int
    criterion_id: int
    value: float
    comment: str
    scored_at: datetime


class PublishIn(_In):
    comments: bool = False  # publish the judges' comments with the results


class RankingOut(BaseModel):
    status: JudgingStatus
    tie_break: TieBreak
    categories: list[dict[str, Any]]
    comments: list[dict[str, Any]] | None = None  # when published with the results


__all__ = ["CategoryIn", "CategoryOut", "CompetitionOut", "CompetitionUpdate", "ConflictIn",
           "ConflictOut", "CriterionIn", "CriterionOut", "EntryIn", "EntryOut", "EntryUpdate",
           "JudgeIn", "JudgeOut", "JudgingStatus", "PublishIn", "RankingOut", "ScoreIn",
           "ScoreOut", "ScoresIn", "TieBreak"]
