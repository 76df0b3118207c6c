"""Two-factor sign-in: TOTP (RFC 6238, ``pyotp``) and single-use recovery codes.

A sign-in that needs a second factor (``policy.needs_second_factor``) is completed in two
steps: the password step (``service.authenticate``) hands out a short-lived challenge, signed
with the secret key and bound to the password hash, and the code step checks a TOTP code or a
recovery code against it. Wrong codes count against the same atomic lockout as wrong
passwords. Like every service: ``session`` keyword-only, never commits.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from tradebase.accounts.models import RecoveryCode, User
from tradebase.accounts.passwords import token_digest
from tradebase.accounts.service import (
    LoginResult,
    reserve_attempt,
    seconds_locked,
    settle_attempt,
)
from tradebase.errors import InvalidInput, NotFound
from tradebase.settings import Settings

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
CHALLENGE_MINUTES = 5
STEP_SECONDS = 30


def _now() -> datetime:
    return datetime.now(UTC)


# --- enrolment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    """What a user needs to add the account to an authenticator app."""

    secret: str
    uri: str  # otpauth://totp/...


def is_enrolled(user: User) -> bool:
    return user.totp_enabled_at is not None


def begin_enrolment(*, session: Session, user: User, settings: Settings) -> Enrolment:
    """The secret to enrol with: a new one kept on the user until a code confirms it, or the
    one already pending. An enrolled user must have its two-factor reset first."""
    if is_enrolled(user):
        raise InvalidInput("two-factor sign-in is already set up", field="code")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        session.flush()
    uri = pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email, issuer_name=settings.totp_issuer
    )
    return Enrolment(secret=user.totp_secret, uri=uri)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code is ``code`` (the current one or a neighbour, for clock drift)."""
    code = code.strip().replace(" ", "")
    if not (code.isdecimal() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _use_step(session: Session, user: User, step: int) -> bool:
    """Accept the code of ``step`` once: a replayed code (same or older step) is refused."""
    result = session.execute(
        update(User)
        .where(User.id == user.id,
               or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    session.expire(user, ["totp_last_step"])
    return bool(getattr(result, "rowcount", 0))


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _recovery_digest(code: str) -> str:
    return token_digest(code.strip().lower().replace("-", "").replace(" ", ""))


def new_recovery_codes(*, session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones; the plain codes are returned once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(code))
                    for code in codes)
    session.flush()
    return codes


def confirm_enrolment(*, session: Session, user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on once a code from the app matches; returns recovery codes."""
    if is_enrolled(user) or not user.totp_secret:
        raise InvalidInput("start setting up two-factor sign-in first", field="code")
    step = _matching_step(user.totp_secret, code, _now())
    if step is None or not _use_step(session, user, step):
        raise InvalidInput("the code does not match; check the app's clock and try again",
                           field="code")
    user.totp_enabled_at = _now()
    session.flush()
    return new_recovery_codes(session=session, user=user)


def reset_two_factor(*, session: Session, user: User) -> None:
    """Turn two-factor sign-in off (the operator's reset, when a phone is lost): the secret
    and the recovery codes are deleted; a role that requires it enrols again at next login."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()


def recovery_codes_left(*, session: Session, user: User) -> int:
    return len(session.scalars(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                      RecoveryCode.used_at.is_(None))
    ).all())


# --- the code step of a sign-in -------------------------------------------------------------


def _code_is_right(session: Session, user: User, code: str, now: datetime) -> bool:
    assert user.totp_secret
    step = _matching_step(user.totp_secret, code, now)
    if step is not None:
        return _use_step(session, user, step)
    # A recovery code is consumed by one conditional UPDATE: it works once, also concurrently.
    used = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id,
               RecoveryCode.code_hash == _recovery_digest(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(used, "rowcount", 0))


def verify_second_factor(
    *, session: Session, user: User, code: str, settings: Settings
) -> LoginResult:
    """Check a TOTP code or a recovery code of an enrolled user. Counted like a password
    attempt (atomic, locking at the threshold), so codes cannot be guessed in bulk."""
    if not is_enrolled(user):
        return LoginResult(None, "two-factor sign-in is not set up for this account",
                           reason="enrol")
    now = _now()
    attempts = reserve_attempt(session=session, user_id=user.id, now=now)
    if attempts is None:
        wait = seconds_locked(session, user.id, now)
        return LoginResult(None, "too many failed logins; try again later", retry_after=wait,
                           reason="locked")
    if not user.is_active or not _code_is_right(session, user, code, now):
        settle_attempt(session=session, user=user, attempts=attempts, outcome="failure",
                       settings=settings, now=now)
        return LoginResult(None, "the two-factor code is wrong", reason="code")
    settle_attempt(session=session, user=user, attempts=attempts, outcome="success",
                   settings=settings, now=now)
    return LoginResult(user)


def complete_enrolment_sign_in(
    *, session: Session, user: User, code: str, settings: Settings
) -> tuple[LoginResult, list[str]]:
    """The code step of a sign-in whose role requires a second factor not yet set up: the
    code confirms the enrolment and completes the sign-in. Wrong codes are counted."""
    now = _now()
    attempts = reserve_attempt(session=session, user_id=user.id, now=now)
    if attempts is None:
        wait = seconds_locked(session, user.id, now)
        return LoginResult(None, "too many failed logins; try again later", retry_after=wait,
                           reason="locked"), []
    try:
        codes = confirm_enrolment(session=session, user=user, code=code)
    except InvalidInput as exc:
        settle_attempt(session=session, user=user, attempts=attempts, outcome="failure",
                       settings=settings, now=now)
        return LoginResult(None, exc.message, reason="code"), []
    settle_attempt(session=session, user=user, attempts=attempts, outcome="success",
                   settings=settings, now=now)
    return LoginResult(user), codes


# --- the challenge between the two steps --------------------------------------------------


def _challenge_mac(secret_key: str, user: User, expires: int, binding: str) -> str:
    message = f"2fa|{user.id}|{expires}|{user.password_hash}|{binding}"
    return hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def issue_challenge(*, user: User, settings: Settings, binding: str) -> str:
    """A token that the password was right, for ``CHALLENGE_MINUTES``; bound to the browser
    (``binding``) and to the password hash, so that a password change kills it."""
    expires = int((_now() + timedelta(minutes=CHALLENGE_MINUTES)).timestamp())
    return f"{user.id}.{expires}.{_challenge_mac(settings.secret_key, user, expires, binding)}"


def challenged_user(
    *, session: Session, token: str, settings: Settings, binding: str
) -> User:
    """The user whose password step ``token`` vouches for; NotFound when it is invalid."""
    parts = token.split(".")
    if len(parts) == 3 and parts[0].isdecimal() and parts[1].isdecimal():
        user = session.get(User, int(parts[0]))
        expires = int(parts[1])
        if (user is not None and user.is_active and expires > _now().timestamp()
                and hmac.compare_digest(
                    _challenge_mac(settings.secret_key, user, expires, binding), parts[2])):
            return user
    raise NotFound("this sign-in has expired; enter your password again", field="code")
