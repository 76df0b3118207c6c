"""Users, logins, browser sessions, API tokens and password resets.

Like every service: ``session`` keyword-only, never commits. Functions that must leave a trace
even when the login fails (the failed-login counter) return a result instead of raising, so
that the caller can commit the counter and then answer 401.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize
from tradebase.accounts.mail import MailSender
from tradebase.accounts.models import (
    ApiToken,
    PasswordResetToken,
    User,
    UserBase,
    UserEnterprise,
    UserSession,
)
from tradebase.accounts.passwords import (
    check_strength,
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    verify_password,
)
from tradebase.accounts.policy import Actor, Permission
from tradebase.accounts.roles import Role
from tradebase.errors import Conflict, InvalidInput, NotFound
from tradebase.registry.models import Base, Enterprise
from tradebase.settings import Settings

SCOPES = frozenset({"read", "write"})
# A hash to verify against when the e-mail is unknown, so that a login takes as long
# whether or not the account exists.
_DUMMY_HASH = hash_password("not-a-real-password-0")


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; Tradebase stores UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or " " in email:
        raise InvalidInput(f"'{email}' is not an e-mail address", field="email")
    return email


# --- users --------------------------------------------------------------------------------


def actor_for(user: User, scopes: Sequence[str] = ("read", "write")) -> Actor:
    return Actor(
        label=user.email,
        role=Role(user.role),
        user_id=user.id,
        base_ids=frozenset(user.base_ids),
        enterprise_ids=frozenset(user.enterprise_ids),
        organisation=user.organisation,
        scopes=frozenset(scopes),
    )


def _check_memberships(
    session: Session, role: Role, base_ids: Sequence[int], enterprise_ids: Sequence[int]
) -> None:
    for base_id in base_ids:
        if session.get(Base, base_id) is None:
            raise InvalidInput(f"base {base_id} does not exist", field="base")
    for enterprise_id in enterprise_ids:
        if session.get(Enterprise, enterprise_id) is None:
            raise InvalidInput(f"enterprise {enterprise_id} does not exist", field="enterprise")
    if role is Role.BASE_ADMIN and not base_ids:
        raise InvalidInput("a base administrator needs at least one --base", field="base")
    if role is Role.ENTERPRISE and not enterprise_ids:
        raise InvalidInput(
            "an enterprise member needs at least one --enterprise", field="enterprise"
        )


def create_user(
    *,
    session: Session,
    email: str,
    password: str,
    role: Role,
    base_ids: Sequence[int] = (),
    enterprise_ids: Sequence[int] = (),
    organisation: str = "",
) -> User:
    authorize(session, Permission.MANAGE_USERS)
    email = normalise_email(email)
    if problem := check_strength(password):
        raise InvalidInput(problem, field="password")
    if role is Role.BUYER and not organisation:
        raise InvalidInput("a buyer belongs to an --organisation", field="organisation")
    _check_memberships(session, role, base_ids, enterprise_ids)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user {email} exists already", field="email")
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role.value,
        organisation=organisation,
        base_rows=[UserBase(base_id=i) for i in dict.fromkeys(base_ids)],
        enterprise_rows=[UserEnterprise(enterprise_id=i) for i in dict.fromkeys(enterprise_ids)],
    )
    session.add(user)
    session.flush()
    return user


def list_users(*, session: Session) -> list[User]:
    authorize(session, Permission.MANAGE_USERS)
    return list(session.scalars(select(User).order_by(User.id)))


def get_user_by_email(*, session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"no user {email}", field="email")
    return user


def set_active(*, session: Session, email: str, active: bool) -> User:
    """Disable (or re-enable) a user; disabling ends their sessions and revokes their tokens."""
    authorize(session, Permission.MANAGE_USERS)
    user = get_user_by_email(session=session, email=email)
    user.is_active = active
    if not active:
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))
        for token in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
            token.revoked_at = token.revoked_at or _now()
    session.flush()
    return user


def grant(
    *,
    session: Session,
    email: str,
    role: Role | None = None,
    base_ids: Sequence[int] = (),
    enterprise_ids: Sequence[int] = (),
    organisation: str | None = None,
) -> User:
    """Change a user's role and add bases or enterprises to what they may act for."""
    authorize(session, Permission.MANAGE_USERS)
    user = get_user_by_email(session=session, email=email)
    new_role = role or Role(user.role)
    bases = list(dict.fromkeys([*user.base_ids, *base_ids]))
    enterprises = list(dict.fromkeys([*user.enterprise_ids, *enterprise_ids]))
    _check_memberships(session, new_role, bases, enterprises)
    user.role = new_role.value
    user.base_rows = [UserBase(base_id=i) for i in bases]
    user.enterprise_rows = [UserEnterprise(enterprise_id=i) for i in enterprises]
    if organisation is not None:
        user.organisation = organisation
    # Sessions carry no cached rights (they are read on every request), so nothing to end.
    session.flush()
    return user


# --- login and lockout ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str = ""
    retry_after: int = 0


def authenticate(
    *, session: Session, email: str, password: str, settings: Settings
) -> LoginResult:
    """Check a password. Counts failures and locks the account after too many in a row."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    now = _now()
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return LoginResult(None, "wrong e-mail or password")
    if user.locked_until is not None and _aware(user.locked_until) > now:
        wait = int((_aware(user.locked_until) - now).total_seconds()) + 1
        return LoginResult(None, "too many failed logins; try again later", retry_after=wait)
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= settings.lockout_failures:
            user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
        session.flush()
        return LoginResult(None, "wrong e-mail or password")
    if not user.is_active:
        return LoginResult(None, "this account is disabled")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return LoginResult(user)


# --- browser sessions -------------------------------------------------------------------------


def start_session(*, session: Session, user: User, settings: Settings) -> tuple[str, str]:
    """A new login session; returns (cookie token, CSRF token). Only the hash is stored."""
    token, csrf = new_token(), new_token()
    session.add(
        UserSession(
            token_hash=token_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            expires_at=_now() + timedelta(hours=settings.session_hours),
        )
    )
    session.flush()
    return token, csrf


def resolve_session(*, session: Session, token: str) -> tuple[User, UserSession] | None:
    row = session.scalar(select(UserSession).where(UserSession.token_hash == token_digest(token)))
    if row is None or _aware(row.expires_at) <= _now():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user, row


def end_session(*, session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == token_digest(token)))


# --- API tokens ---------------------------------------------------------------------------------


def issue_token(
    *,
    session: Session,
    user: User,
    settings: Settings,
    name: str = "",
    scopes: Sequence[str] = ("read", "write"),
) -> tuple[str, ApiToken]:
    """A new API token for ``user``; the plain token is returned once and never stored."""
    unknown = set(scopes) - SCOPES
    if unknown or not scopes:
        raise InvalidInput(f"scopes are a non-empty subset of {sorted(SCOPES)}", field="scopes")
    token = "tb_" + new_token()
    row = ApiToken(
        user_id=user.id,
        name=name[:100],
        prefix=token[:10],
        token_hash=token_digest(token),
        scopes=" ".join(sorted(set(scopes))),
        expires_at=_now() + timedelta(days=settings.token_days),
    )
    session.add(row)
    session.flush()
    return token, row


def resolve_token(*, session: Session, token: str) -> tuple[User, ApiToken] | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    now = _now()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and _aware(row.expires_at) <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    row.last_used_at = now
    return user, row


def list_tokens(*, session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)))


def revoke_token(*, session: Session, user_id: int, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"API token {token_id} does not exist", field="id")
    row.revoked_at = row.revoked_at or _now()
    session.flush()
    return row


# --- password reset -------------------------------------------------------------------------------


def request_password_reset(
    *, session: Session, email: str, mailer: MailSender, settings: Settings
) -> None:
    """Mail a one-time reset link if the account exists. Says nothing either way, so the
    form cannot be used to find out who has an account."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        return
    token = new_token()
    session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=token_digest(token),
            expires_at=_now() + timedelta(minutes=settings.reset_token_minutes),
        )
    )
    session.flush()
    link = f"{settings.base_url.rstrip('/')}/password-reset/{token}"
    mailer.send(
        to=user.email,
        subject="Tradebase: reset your password",
        body=(
            "Someone asked to reset the password of this Tradebase account.\n"
            f"To choose a new password, open this link within {settings.reset_token_minutes}"
            f" minutes:\n\n{link}\n\nIf it was not you, ignore this message."
        ),
    )


def reset_password(*, session: Session, token: str, new_password: str) -> User:
    """Set a new password with a reset token, once; ends every session of the user."""
    row = session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == token_digest(token))
    )
    if row is None or row.used_at is not None or _aware(row.expires_at) <= _now():
        raise InvalidInput("this reset link is invalid or has expired", field="token")
    if problem := check_strength(new_password):
        raise InvalidInput(problem, field="password")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise InvalidInput("this reset link is invalid or has expired", field="token")
    row.used_at = _now()
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()
    return user


def count_users(*, session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0
