"""Tokens, the current user, password resets and the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from tradebase.accounts import audit_log, two_factor
from tradebase.accounts import service as accounts
from tradebase.accounts.guard import set_actor
from tradebase.accounts.models import User
from tradebase.errors import Unauthenticated
from tradebase.settings import Settings
from tradebase.web.deps import CurrentActor, DbSession, IdPath, IdQuery, Paging
from tradebase.web.errors import error_body
from tradebase.web.pages.account_mails import CatalogAccountWording
from tradebase.web.security import client_address

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    name: Annotated[str, Field(max_length=100)] = ""
    scopes: Annotated[list[str], Field(min_length=1, max_length=2)] = ["read", "write"]
    otp: Annotated[str | None, Field(max_length=64)] = None
    """A code of the authenticator app (or a recovery code), for accounts with two-factor
    sign-in."""


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth 2 token type, not a secret
    expires_at: datetime | None
    scopes: list[str]


class TokenInfo(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    scope_list: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class Me(BaseModel):
    id: int | None
    email: str
    role: str | None
    organisation: str
    base_ids: list[int]
    enterprise_ids: list[int]
    scopes: list[str]


class ResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, Field(min_length=3, max_length=254)]


class ResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: Annotated[str, Field(min_length=10, max_length=200)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    base_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    total: int
    limit: int
    offset: int


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    responses={
        401: {"description": "Wrong e-mail or password, or two-factor code"},
        403: {"description": "Two-factor sign-in must be set up on the web first"},
        429: {"description": "Limit"},
    },
)
def create_token(data: TokenRequest, request: Request, db: DbSession) -> Any:
    """Exchange an e-mail and password for a bearer token (``Authorization: Bearer TOKEN``)."""
    limiter = request.app.state.rate_limiter
    limiter.hit(limiter.login, "ip", client_address(request))
    limiter.hit(limiter.login, "email", data.email.strip().lower())
    settings = request.app.state.settings
    result = accounts.authenticate(
        session=db, email=data.email, password=data.password, settings=settings
    )
    if result.user is not None and result.second_factor:
        result = _second_factor(db, result.user, data.otp, settings)
    if result.user is None:
        # Answer without raising, so that the failed-login count is committed.
        headers = {"Retry-After": str(result.retry_after)} if result.retry_after else None
        status = 429 if result.retry_after else 401
        field = "password" if result.reason in ("password", "locked", "disabled") else "otp"
        if result.reason == "enrol":
            status = 403
        return JSONResponse(error_body(result.message, field, code=f"login.{result.reason}"),
                            status, headers=headers)
    token, row = accounts.issue_token(
        session=db, user=result.user, settings=settings, name=data.name, scopes=data.scopes,
    )
    return TokenResponse(access_token=token, expires_at=row.expires_at, scopes=row.scope_list)


def _second_factor(
    db: Session, user: User, code: str | None, settings: Settings
) -> accounts.LoginResult:
    """The code step of an API sign-in: the code comes with the password, as ``otp``."""
    if not two_factor.is_enrolled(user):
        return accounts.LoginResult(
            None, "set up two-factor sign-in on the web first (/login), then send its code",
            reason="enrol",
        )
    if not code:
        return accounts.LoginResult(
            None, "this account needs a two-factor code: send it as otp", reason="code_missing"
        )
    return two_factor.verify_second_factor(session=db, user=user, code=code, settings=settings)


@router.get("/auth/me", response_model=Me)
def me(actor: CurrentActor) -> Me:
    if not actor.is_authenticated:
        raise Unauthenticated("log in or send an API token")
    return Me(
        id=actor.user_id, email=actor.label, role=actor.role.value if actor.role else None,
        organisation=actor.organisation, base_ids=sorted(actor.base_ids),
        enterprise_ids=sorted(actor.enterprise_ids), scopes=sorted(actor.scopes),
    )


@router.get("/auth/tokens", response_model=list[TokenInfo])
def list_tokens(actor: CurrentActor, db: DbSession) -> Any:
    if actor.user_id is None:
        raise Unauthenticated("log in or send an API token")
    return accounts.list_tokens(session=db, user_id=actor.user_id)


@router.delete("/auth/tokens/{token_id}", status_code=204)
def revoke_token(token_id: IdPath, actor: CurrentActor, db: DbSession) -> Response:
    """Revoke one of your tokens; needs a credential with the ``write`` scope."""
    if actor.user_id is None:
        raise Unauthenticated("log in or send an API token")
    accounts.revoke_token(session=db, token_id=token_id)
    return Response(status_code=204)


@router.post("/auth/password-reset", status_code=202)
def request_reset(data: ResetRequest, request: Request, db: DbSession) -> dict[str, str]:
    """Mail a reset link if the account exists; the answer is the same either way."""
    limiter = request.app.state.rate_limiter
    limiter.hit(limiter.login, "reset", client_address(request))
    accounts.request_password_reset(
        session=db, email=data.email, mailer=request.app.state.mailer,
        settings=request.app.state.settings, wording=CatalogAccountWording(request),
    )
    return {"message": "if the account exists, a reset link is on its way"}


@router.post("/auth/password-reset/confirm", status_code=204)
def confirm_reset(data: ResetConfirm, request: Request, db: DbSession) -> Response:
    limiter = request.app.state.rate_limiter
    limiter.hit(limiter.login, "reset", client_address(request))
    accounts.reset_password(
        session=db, token=data.token, new_password=data.password,
        mailer=request.app.state.mailer, wording=CatalogAccountWording(request),
    )
    return Response(status_code=204)


AUDIT_CSV_HEADERS = {"Content-Disposition": 'attachment; filename="tradebase-audit.csv"'}


@router.get("/audit", response_model=AuditPage, tags=["audit"])
def list_audit(
    request: Request,
    db: DbSession,
    paging: Paging,
    entity: Annotated[str | None, Query(max_length=60, description="Table")] = None,
    entity_id: Annotated[str | None, Query(max_length=100, description="Object id")] = None,
    actor_id: IdQuery = None,
    actor: Annotated[str | None, Query(max_length=254, description="Who (label)")] = None,
    action: Annotated[str | None, Query(pattern="^(create|update|delete)$")] = None,
    since: Annotated[datetime | None, Query(description="From (inclusive)")] = None,
    until: Annotated[datetime | None, Query(description="Until (exclusive)")] = None,
    base_id: IdQuery = None,
    before_id: IdQuery = None,
    export: Annotated[str | None, Query(pattern="^csv$", alias="format")] = None,
) -> Any:
    """The audit log (administrators; base administrators see their bases), newest first,
    filtered by who, table, object and period. ``format=csv`` streams the whole selection
    as CSV."""
    filters = audit_log.AuditFilters(
        actor_id=actor_id, actor=actor, entity=entity, entity_id=entity_id, action=action,
        since=since, until=until, base_id=base_id,
    )
    if export == "csv":
        statement = audit_log.export_statement(session=db, filters=filters)
        return StreamingResponse(
            _stream_csv(request, statement), media_type="text/csv; charset=utf-8",
            headers=AUDIT_CSV_HEADERS,
        )
    entries, total = audit_log.list_entries(
        session=db, filters=filters, limit=paging.limit, offset=paging.offset,
        before_id=before_id,
    )
    return {"items": entries, "total": total, "limit": paging.limit, "offset": paging.offset}


def _stream_csv(request: Request, statement: Any) -> Iterator[str]:
    """The export on its own read-only session: the request's session is committed and closed
    before the response streams. The statement was authorised on the request's session."""
    with request.app.state.session_factory() as session:
        set_actor(session, request.state.actor)
        yield from audit_log.csv_lines(session=session, statement=statement)
