"""Request-scoped dependencies: the request owns its transaction and says who is acting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session

from tradebase.accounts.guard import set_actor
from tradebase.accounts.policy import Actor
from tradebase.registry.schemas import MAX_INT
from tradebase.web import notices
from tradebase.web.auth import check_csrf_header, rate_limit_key, resolve_actor


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request, acting as the caller: committed when the endpoint returns,
    rolled back on error. API calls are rate-limited per user or client address."""
    session: Session = request.app.state.session_factory()
    try:
        actor = resolve_actor(request, session)
        if request.url.path.startswith("/api/"):
            request.app.state.rate_limiter.hit(
                request.app.state.rate_limiter.api, rate_limit_key(request, actor)
            )
            check_csrf_header(request)
        set_actor(session, actor)
        request.state.actor = actor
        notices.attach(request, session, actor)  # mail after commit; the nav's unread count
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        actor_seen = getattr(request.state, "actor", None)
        if actor_seen is not None:
            notices.detach(request, actor_seen)


# scope="function": commit before the response is sent, so a failed commit is a 5xx, not a lie.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


def get_actor(request: Request, _db: DbSession) -> Actor:
    actor: Actor = request.state.actor
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


class Pagination:
    """``limit`` and ``offset`` query parameters of every list."""

    def __init__(
        self,
        request: Request,
        limit: Annotated[int, Query(ge=1, le=1000, description="Page size")] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip")] = 0,
    ) -> None:
        self.limit = min(limit, request.app.state.settings.page_size_max)
        self.offset = offset


Paging = Annotated[Pagination, Depends()]


IdPath = Annotated[int, Path(ge=1, le=MAX_INT, description="Integer id")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_INT)]
YearQuery = Annotated[int | None, Query(ge=1900, le=2100)]
