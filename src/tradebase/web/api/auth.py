"""Tokens, the current user, password resets and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from tradebase.accounts import audit
from tradebase.accounts import service as accounts
from tradebase.errors import Unauthenticated
from tradebase.web.deps import CurrentActor, DbSession, IdPath, IdQuery, Paging
from tradebase.web.errors import error_body
from tradebase.web.security import client_address

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(min_length=3, max_length=254)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    name: Annotated[str, Field(max_length=100)] = ""
    scopes: Annotated[list[str], Field(min_length=1, max_length=2)] = ["read", "write"]


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
    responses={401: {"description": "Wrong e-mail or password"}, 429: {"description": "Limit"}},
)
def create_token(data: TokenRequest, request: Request, db: DbSession) -> Any:
    """Exchange an e-mail and password for a bearer token (``Authorization: Bearer TOKEN``)."""
    limiter = request.app.state.rate_limiter
    limiter.hit(limiter.login, "ip", client_address(request))
    limiter.hit(limiter.login, "email", data.email.strip().lower())
    result = accounts.authenticate(
        session=db, email=data.email, password=data.password, settings=request.app.state.settings
    )
    if result.user is None:
        # Answer without raising, so that the failed-login count is committed.
        headers = {"Retry-After": str(result.retry_after)} if result.retry_after else None
        status = 429 if result.retry_after else 401
        return JSONResponse(error_body(result.message, "password"), status, headers=headers)
    token, row = accounts.issue_token(
        session=db, user=result.user, settings=request.app.state.settings, name=data.name,
        scopes=data.scopes,
    )
    return TokenResponse(access_token=token, expires_at=row.expires_at, scopes=row.scope_list)


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
    if actor.user_id is None:
        raise Unauthenticated("log in or send an API token")
    accounts.revoke_token(session=db, user_id=actor.user_id, token_id=token_id)
    return Response(status_code=204)


@router.post("/auth/password-reset", status_code=202)
def request_reset(data: ResetRequest, request: Request, db: DbSession) -> dict[str, str]:
    """Mail a reset link if the account exists; the answer is the same either way."""
    limiter = request.app.state.rate_limiter
    limiter.hit(limiter.login, "reset", client_address(request))
    accounts.request_password_reset(
        session=db, email=data.email, mailer=request.app.state.mailer,
        settings=request.app.state.settings,
    )
    return {"message": "if the account exists, a reset link is on its way"}


@router.post("/auth/password-reset/confirm", status_code=204)
def confirm_reset(data: ResetConfirm, request: Request, db: DbSession) -> Response:
    limiter = request.app.state.rate_limiter
    limiter.hit(limiter.login, "reset", client_address(request))
    accounts.reset_password(session=db, token=data.token, new_password=data.password)
    return Response(status_code=204)


@router.get("/audit", response_model=AuditPage, tags=["audit"])
def list_audit(
    db: DbSession,
    paging: Paging,
    entity: str | None = None,
    base_id: IdQuery = None,
    export: Annotated[str | None, Query(pattern="^csv$", alias="format")] = None,
) -> Any:
    """The audit log (administrators; base administrators see their bases). ``format=csv``
    exports the selection as CSV."""
    if export == "csv":
        entries, _ = audit.list_entries(
            session=db, entity=entity, base_id=base_id, limit=1_000_000, offset=0
        )
        return Response(
            audit.export_csv(entries), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="tradebase-audit.csv"'},
        )
    entries, total = audit.list_entries(
        session=db, entity=entity, base_id=base_id, limit=paging.limit, offset=paging.offset
    )
    return {"items": entries, "total": total, "limit": paging.limit, "offset": paging.offset}
