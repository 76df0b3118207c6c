"""Filtered, paged lists of enterprises and listings, shared by the base, list and search pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session
from starlette.requests import Request

from tradebase.errors import InvalidInput
from tradebase.registry import service
from tradebase.registry.service import ListFilters
from tradebase.web.pages import reads
from tradebase.web.pages.messages import Gettext, say_error

FILTER_NAMES = ("q", "hs_code", "certification", "market", "base")
MAX_TEXT = 200
MAX_LIMIT = 100


@dataclass
class Criteria:
    """The search text and filters of a list, as the user gave them."""

    values: dict[str, str] = field(default_factory=dict)
    offset: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    limit: int | None = None
    """A page size asked for in the URL; None means the page's own."""

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def any(self) -> bool:
        return any(self.values.values())

    def filters(self, *, base_id: int | None = None) -> ListFilters:
        base = self.value("base")
        return ListFilters(
            q=self.value("q") or None,
            hs_code=self.value("hs_code") or None,
            certification=self.value("certification") or None,
            market=self.value("market") or None,
            base_id=base_id if base_id is not None else (int(base) if base.isdecimal() else None),
        )

    def url(self, path: str, *, offset: int | None = None) -> str:
        """``path`` with these criteria (and another offset) as its query."""
        params = {name: text for name, text in self.values.items() if text}
        if self.limit:
            params["limit"] = str(self.limit)
        if offset:
            params["offset"] = str(offset)
        return f"{path}?{urlencode(params)}" if params else path


def read_criteria(request: Request) -> Criteria:
    """The criteria in the query string; overlong or malformed values are cut or dropped."""
    params = request.query_params
    values = {name: (params.get(name) or "").strip()[:MAX_TEXT] for name in FILTER_NAMES}
    values["market"] = values["market"].upper()[:2]
    offset_text = params.get("offset") or "0"
    offset = int(offset_text) if offset_text.isdecimal() else 0
    limit_text = params.get("limit") or ""
    limit = min(max(int(limit_text), 1), MAX_LIMIT) if limit_text.isdecimal() else None
    return Criteria(values=values, offset=offset, limit=limit)


@dataclass
class Listing:
    """One page of a list with what its rows show beside the records."""

    items: list[Any]
    total: int
    limit: int
    offset: int
    extra: dict[int, Any] = field(default_factory=dict)

    @property
    def next_offset(self) -> int | None:
        after = self.offset + self.limit
        return after if after < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None


def enterprises(
    *, session: Session, criteria: Criteria, gettext: Gettext, limit: int,
    base_id: int | None = None,
) -> Listing:
    """A page of enterprises matching ``criteria``, with the size of each one's catalog."""
    limit = criteria.limit or limit
    try:
        items, total = service.list_enterprises(
            session=session, filters=criteria.filters(base_id=base_id), limit=limit,
            offset=criteria.offset,
        )
    except InvalidInput as exc:
        criteria.errors[exc.field or "q"] = say_error(exc, gettext)
        return Listing([], 0, limit, criteria.offset)
    counts = reads.product_counts(session=session, enterprise_ids=[e.id for e in items])
    return Listing(items, total, limit, criteria.offset, extra=counts)


def products(
    *, session: Session, criteria: Criteria, gettext: Gettext, limit: int,
    base_id: int | None = None,
) -> Listing:
    """A page of listings matching ``criteria`` (their Chinese and English titles are searched)."""
    limit = criteria.limit or limit
    try:
        items, total = service.list_products(
            session=session, filters=criteria.filters(base_id=base_id), limit=limit,
            offset=criteria.offset,
        )
    except InvalidInput as exc:
        criteria.errors[exc.field or "q"] = say_error(exc, gettext)
        return Listing([], 0, limit, criteria.offset)
    return Listing(items, total, limit, criteria.offset)
