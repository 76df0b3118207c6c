"""Users, logins, browser sessions, API tokens and password resets.

Like every service: ``session`` keyword-only, never commits. Functions that must leave a trace
even when the login fails (the failed-login counter) return a result instead of raising, so
that the caller can commit the counter and then answer 401.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from tradebase.accounts.guard import authorize, current_actor
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
from tradebase.accounts.policy import (
    Actor,
    Permission,
    interface_languages,
    may_revoke_credential,
    may_see_credential,
    needs_second_factor,
)
from tradebase.accounts.roles import Role
from tradebase.accounts.wording import ENGLISH, AccountWording, How, Reader
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound
from tradebase.registry.models import Base, Enterprise
from tradebase.settings import Settings

SCOPES = frozenset({"read", "write"})


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the e-mail is unknown, so that a login takes as long
    whether or not the account exists (made on first use, with the hasher of that moment)."""
    return hash_password("not-a-real-password-0")


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
        language=user.language or "",
        scopes=frozenset(scopes),
        verified=user.email_verified_at is not None,
    )


def _check_memberships(
    session: Session, role: Role, base_ids: Sequence[int], enterprise_ids: Sequence[int]
) -> None:
    for base_id in base_ids:
        if session.get(Base, base_id) is None:
            raise InvalidInput(f"base {base_id} does not exist", field="base",
                           code="choice_missing")
    for enterprise_id in enterprise_ids:
        if session.get(Enterprise, enterprise_id) is None:
            raise InvalidInput(f"enterprise {enterprise_id} does not exist", field="enterprise",
                           code="choice_missing")
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
    if role is Role.SUPPLIER and not organisation.strip():
        raise InvalidInput("a supplier belongs to an --organisation", field="organisation")
    _check_memberships(session, role, base_ids, enterprise_ids)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user {email} exists already", field="email")
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role.value,
        organisation=organisation,
        email_verified_at=_now(),  # made by an administrator, who vouches for the address
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


def set_language(*, session: Session, user: User, language: str) -> User:
    """Set the interface language ``user`` reads its pages and mails in ("" = its browser's),
    one of those its role may use (``policy.interface_languages``)."""
    language = language.strip().lower()
    if language and language not in interface_languages(Role(user.role)):
        raise InvalidInput(f"'{language[:20]}' is not a language you may choose",
                           field="language", code="choice_unknown")
    user.language = language
    session.flush()
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
    """The outcome of a sign-in step. ``user`` is set when the password (or code) was right;
    ``second_factor`` then says that the sign-in is not complete until a code is given."""

    user: User | None
    message: str = ""
    retry_after: int = 0
    second_factor: bool = False
    reason: str = ""  # why it failed: password, locked, disabled, code, code_missing, enrol


def seconds_locked(session: Session, user_id: int, now: datetime) -> int:
    locked_until = session.scalar(select(User.locked_until).where(User.id == user_id))
    if locked_until is None or _aware(locked_until) <= now:
        return 1
    return int((_aware(locked_until) - now).total_seconds()) + 1


def reserve_attempt(*, session: Session, user_id: int, now: datetime) -> int | None:
    """Count one sign-in attempt on the user's row before the secret is checked, in one
    atomic UPDATE; None when the account is locked.

    Counting first, in the database, is what makes the lockout hold under concurrency: the
    UPDATE takes the row lock until the transaction ends, so concurrent attempts on one
    account are checked one after another and no more than the threshold is ever checked
    (a read-modify-write in Python lost most of 30 concurrent increments)."""
    counted: int | None = session.execute(
        update(User)
        .where(User.id == user_id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return counted


def settle_attempt(
    *, session: Session, user: User, attempts: int, outcome: str, settings: Settings,
    now: datetime,
) -> bool:
    """Close an attempt counted by ``reserve_attempt`` (the row is still locked by it):
    ``success`` clears the count, ``pending`` (right password, a code still to come) leaves
    it as it was before the attempt, ``failure`` keeps it and locks the account at the
    threshold. Returns whether the account is now locked."""
    values: dict[str, object]
    locked = False
    if outcome == "success":
        values = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    elif outcome == "pending":
        values = {"failed_logins": max(0, attempts - 1)}
    elif attempts >= settings.lockout_failures:
        values = {"failed_logins": 0,
                  "locked_until": now + timedelta(minutes=settings.lockout_minutes)}
        locked = True
    else:
        return False
    session.execute(
        update(User).where(User.id == user.id).values(**values)
        .execution_options(synchronize_session=False)
    )
    session.expire(user, ["failed_logins", "locked_until", "last_login_at"])
    return locked


def authenticate(
    *, session: Session, email: str, password: str, settings: Settings
) -> LoginResult:
    """Check a password. Counts attempts atomically and locks the account after too many
    failures in a row; when the user needs a second factor the result says so and the
    sign-in is not complete."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    now = _now()
    if user is None:
        verify_password(_dummy_hash(), password)
        return LoginResult(None, "wrong e-mail or password", reason="password")
    attempts = reserve_attempt(session=session, user_id=user.id, now=now)
    if attempts is None:
        wait = seconds_locked(session, user.id, now)
        return LoginResult(None, "too many failed logins; try again later", retry_after=wait,
                           reason="locked")
    if not verify_password(user.password_hash, password):
        settle_attempt(session=session, user=user, attempts=attempts, outcome="failure",
                       settings=settings, now=now)
        return LoginResult(None, "wrong e-mail or password", reason="password")
    if not user.is_active:
        settle_attempt(session=session, user=user, attempts=attempts, outcome="pending",
                       settings=settings, now=now)
        return LoginResult(None, "this account is disabled", reason="disabled")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    second = needs_second_factor(
        Role(user.role), enrolled=user.totp_enabled_at is not None,
        required_roles=settings.second_factor_roles,
    )
    settle_attempt(session=session, user=user, attempts=attempts,
                   outcome="pending" if second else "success", settings=settings, now=now)
    session.flush()
    return LoginResult(user, second_factor=second)


# --- browser sessions -------------------------------------------------------------------------

# How stale ``last_used_at`` of a session or token may get: it is written at most this often,
# so that clients sharing a credential do not queue on its row.
TOUCH_EVERY = timedelta(seconds=60)


def start_session(
    *, session: Session, user: User, settings: Settings, user_agent: str = ""
) -> tuple[str, str]:
    """A new login session; returns (cookie token, CSRF token). Only the hash is stored."""
    token, csrf = new_token(), new_token()
    now = _now()
    session.add(
        UserSession(
            token_hash=token_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            last_used_at=now,
            user_agent=user_agent[:200],
            expires_at=now + timedelta(hours=settings.session_hours),
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


def _is_due(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or _aware(last_used_at) < now - TOUCH_EVERY


def touch_credential(
    *, session: Session, row: ApiToken | UserSession, now: datetime | None = None
) -> bool:
    """Record that a token or session was used, at most once per ``TOUCH_EVERY``, without
    waiting: the UPDATE is conditional (skipped when not due) and, on PostgreSQL, skips a row
    that a concurrent request is touching (``FOR UPDATE SKIP LOCKED``). The caller runs it in
    a short transaction of its own, never in the request's. Returns whether it wrote."""
    now = now or _now()
    if not _is_due(row.last_used_at, now):
        return False
    table = type(row)
    due = or_(table.last_used_at.is_(None), table.last_used_at < now - TOUCH_EVERY)
    free = select(table.id).where(table.id == row.id, due).with_for_update(skip_locked=True)
    result = session.execute(
        update(table).where(table.id.in_(free)).values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def end_session(*, session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == token_digest(token)))


def list_sessions(*, session: Session, user_id: int) -> list[UserSession]:
    """The live login sessions of ``user_id`` (its owner only), the newest first."""
    if not may_see_credential(current_actor(session), user_id):
        raise Forbidden("you may list only your own sessions")
    return list(session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user_id, UserSession.expires_at > _now())
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
    ))


def revoke_session(*, session: Session, session_id: int) -> None:
    """End one login session of the actor (a session of someone else is "not found")."""
    actor = current_actor(session)
    row = session.get(UserSession, session_id)
    if row is None or not may_see_credential(actor, row.user_id):
        raise NotFound(f"session {session_id} does not exist", field="id")
    if not may_revoke_credential(actor, row.user_id):
        raise Forbidden("this API token is read-only")
    session.delete(row)
    session.flush()


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
    """The user and row of a live API token. Writes nothing (see ``touch_credential``)."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    now = _now()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and _aware(row.expires_at) <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user, row


def list_tokens(*, session: Session, user_id: int) -> list[ApiToken]:
    if not may_see_credential(current_actor(session), user_id):
        raise Forbidden("you may list only your own API tokens")
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    ))


def revoke_token(*, session: Session, token_id: int) -> ApiToken:
    """Revoke one API token of the actor; needs the ``write`` scope
    (``policy.may_revoke_credential``). Someone else's token is "not found"."""
    actor = current_actor(session)
    row = session.get(ApiToken, token_id)
    if row is None or not may_see_credential(actor, row.user_id):
        raise NotFound(f"API token {token_id} does not exist", field="id")
    if not may_revoke_credential(actor, row.user_id):
        raise Forbidden("this API token is read-only; revoking a token needs the write scope")
    row.revoked_at = row.revoked_at or _now()
    session.flush()
    return row


# --- password reset and change --------------------------------------------------------------------


def issue_link(
    *, session: Session, user_id: int, purpose: str, valid_for: timedelta
) -> str:
    """A one-time link token for ``purpose`` (reset, verify, invite): returned once, only
    its SHA-256 stored, valid for ``valid_for``."""
    token = new_token()
    session.add(PasswordResetToken(
        user_id=user_id, purpose=purpose, token_hash=token_digest(token),
        expires_at=_now() + valid_for,
    ))
    session.flush()
    return token


def consume_link(*, session: Session, token: str, purpose: str) -> int | None:
    """The user of a live link token of ``purpose``, the token used up by the same
    conditional UPDATE, so that of concurrent uses exactly one finds it; None when it is
    unknown, used, expired or for another purpose."""
    now = _now()
    user_id: int | None = session.execute(
        update(PasswordResetToken)
        .where(
            PasswordResetToken.token_hash == token_digest(token),
            PasswordResetToken.purpose == purpose,
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(PasswordResetToken.user_id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return user_id


def request_password_reset(
    *, session: Session, email: str, mailer: MailSender, settings: Settings,
    wording: AccountWording = ENGLISH,
) -> None:
    """Mail a one-time reset link if the account exists, in the account's language. Says
    nothing either way, so the form cannot be used to find out who has an account."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        return
    token = issue_link(session=session, user_id=user.id, purpose="reset",
                       valid_for=timedelta(minutes=settings.reset_token_minutes))
    link = f"{settings.base_url.rstrip('/')}/password-reset/{token}"
    subject, body = wording.reset(_reader(user), link=link, minutes=settings.reset_token_minutes)
    mailer.send(to=user.email, subject=subject, body=body)


def _reader(user: User) -> Reader:
    return Reader(role=user.role, language=user.language or "")


def revoke_credentials(
    *, session: Session, user: User, keep_session_id: int | None = None
) -> None:
    """End everything that lets ``user`` in without the password: every reset link, every
    login session but ``keep_session_id``, every API token."""
    now = _now()
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    ended = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_session_id is not None:
        ended = ended.where(UserSession.id != keep_session_id)
    session.execute(ended.execution_options(synchronize_session=False))
    # Through the ORM, so that each revocation is in the audit log.
    for token in session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
    session.flush()


def _tell_password_changed(
    mailer: MailSender, user: User, how: How, wording: AccountWording,
) -> None:
    subject, body = wording.password_changed(_reader(user), how=how)
    mailer.send(to=user.email, subject=subject, body=body)


def reset_password(
    *, session: Session, token: str, new_password: str, mailer: MailSender,
    wording: AccountWording = ENGLISH,
) -> User:
    """Set a new password with a reset token, once even under concurrency: the token is
    consumed by one conditional UPDATE, so of concurrent confirms exactly one finds it unused.
    Ends every session, reset link and API token of the user and tells the user by mail."""
    if problem := check_strength(new_password):
        raise InvalidInput(problem, field="password")
    user_id = consume_link(session=session, token=token, purpose="reset")
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise InvalidInput("this reset link is invalid or has expired", field="token")
    user.password_hash = hash_password(new_password)
    user.email_verified_at = user.email_verified_at or _now()  # the link proved the address
    session.execute(
        update(User).where(User.id == user.id).values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    session.expire(user, ["failed_logins", "locked_until"])
    revoke_credentials(session=session, user=user)
    _tell_password_changed(mailer, user, "reset", wording)
    return user


def change_password(
    *,
    session: Session,
    user_id: int,
    current_password: str,
    new_password: str,
    keep_session_id: int | None,
    mailer: MailSender,
    wording: AccountWording = ENGLISH,
) -> User:
    """The signed-in user changes its password: the current one must be right. Ends every
    other session, every reset link and API token, and tells the user by mail."""
    actor = current_actor(session)
    if not may_revoke_credential(actor, user_id):
        raise Forbidden("you may change only your own password")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    if not verify_password(user.password_hash, current_password):
        raise InvalidInput("the current password is wrong", field="current_password")
    if problem := check_strength(new_password):
        raise InvalidInput(problem, field="password")
    user.password_hash = hash_password(new_password)
    revoke_credentials(session=session, user=user, keep_session_id=keep_session_id)
    _tell_password_changed(mailer, user, "changed", wording)
    return user


def count_users(*, session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0
