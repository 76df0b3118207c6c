"""Sign-up and onboarding: a buyer or an enterprise user signs up (consenting to the privacy
notice) and proves its e-mail address by a link; an enterprise user asks to join an
enterprise of a base or to register a new one, and a base administrator of that base
decides; an administrator invites a base administrator, who sets a password by a link.

The links are the one-time tokens of ``service.issue_link`` (hashed, single use, expiring).
Like every service: ``session`` keyword-only, never commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradebase.accounts import credit_code
from tradebase.accounts.guard import current_actor
from tradebase.accounts.mail import MailSender
from tradebase.accounts.models import (
    JoinRequest,
    PrivacyConsent,
    User,
    UserBase,
    UserEnterprise,
)
from tradebase.accounts.passwords import check_strength, hash_password, new_token
from tradebase.accounts.policy import may_decide_join, may_invite, may_request_join
from tradebase.accounts.roles import Role
from tradebase.accounts.service import consume_link, issue_link, normalise_email
from tradebase.accounts.wording import ENGLISH, AccountWording, Reader
from tradebase.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from tradebase.registry.models import Base, Enterprise
from tradebase.settings import Settings

PRIVACY_VERSION = "2026-12-03"
"""The version of the privacy notice (``templates/privacy.html``): raise it with the text."""
VERIFY_FOR = timedelta(hours=48)
INVITE_FOR = timedelta(days=7)
SIGN_UP_ROLES = (Role.BUYER, Role.ENTERPRISE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


class SignupWording(Protocol):
    """The subject and body of the sign-up mails in the reader's language: the web layer
    words them through its catalogs (a service knows no language)."""

    def verification(self, *, link: str, hours: int) -> tuple[str, str]: ...

    def account_exists(self, *, login: str, reset: str) -> tuple[str, str]: ...


def _now() -> datetime:
    return datetime.now(UTC)


def _link(settings: Settings, path: str) -> str:
    return f"{settings.base_url.rstrip('/')}{path}"


def _check_password(password: str) -> None:
    if check_strength(password):
        raise InvalidInput("the password is too weak", field="password", code="password_weak")


# --- signing up and proving the address -----------------------------------------------------


def sign_up(
    *, session: Session, email: str, password: str, role: Role, organisation: str,
    consent: bool, mailer: MailSender, settings: Settings, wording: SignupWording,
) -> User | None:
    """A new, unverified account with its consent to the privacy notice, and a mail with the
    link that verifies it. An address that has an account already gets a mail saying so and
    None is returned: the page answers the same, so sign-up tells nobody who has an account.
    """
    problems: list[InvalidInput] = []
    try:
        email = normalise_email(email)
    except InvalidInput:
        problems.append(InvalidInput("not an e-mail address", field="email", code="email_form"))
    if check_strength(password):
        problems.append(InvalidInput("weak password", field="password", code="password_weak"))
    if role not in SIGN_UP_ROLES:
        problems.append(InvalidInput("choose buyer or enterprise", field="role",
                                     code="choice_unknown"))
    organisation = organisation.strip()
    if role is Role.BUYER and not organisation:
        problems.append(InvalidInput("a buyer names its organisation", field="organisation",
                                     code="blank"))
    if len(organisation) > 200:
        problems.append(InvalidInput("too long", field="organisation", code="string_too_long",
                                     params={"max_length": 200}))
    if not consent:
        problems.append(InvalidInput("consent needed", field="consent", code="consent_needed"))
    if problems:
        raise InvalidInputs(problems)
    existing = session.scalar(select(User).where(User.email == email))
    if existing is not None:
        subject, body = wording.account_exists(login=_link(settings, "/login"),
                                               reset=_link(settings, "/password-reset"))
        mailer.send(to=email, subject=subject, body=body)
        return None
    user = User(email=email, password_hash=hash_password(password), role=role.value,
                organisation=organisation, email_verified_at=None)
    session.add(user)
    session.flush()
    session.add(PrivacyConsent(user_id=user.id, version=PRIVACY_VERSION, at=_now()))
    send_verification(session=session, user=user, mailer=mailer, settings=settings,
                      wording=wording)
    return user


class InvalidInputs(InvalidInput):
    """Several fields wrong at once: each one's error, for the form to show them all."""

    def __init__(self, errors: Sequence[InvalidInput]) -> None:
        first = errors[0]
        super().__init__(first.message, field=first.field, code=first.code,
                         params=dict(first.params))
        self.errors = list(errors)


def send_verification(
    *, session: Session, user: User, mailer: MailSender, settings: Settings,
    wording: SignupWording,
) -> None:
    """Mail ``user`` a new link that proves its address (earlier links stay valid until they
    expire or one is used)."""
    token = issue_link(session=session, user_id=user.id, purpose="verify",
                       valid_for=VERIFY_FOR)
    hours = int(VERIFY_FOR.total_seconds() // 3600)
    subject, body = wording.verification(link=_link(settings, "/signup/verify/" + token),
                                         hours=hours)
    mailer.send(to=user.email, subject=subject, body=body)


def verify_email(*, session: Session, token: str) -> User:
    """Prove the address of the link's user; the link is used up."""
    user_id = consume_link(session=session, token=token, purpose="verify")
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise InvalidInput("this link is invalid or has expired", field="token",
                           code="link_expired")
    user.email_verified_at = user.email_verified_at or _now()
    session.flush()
    return user


def consents(*, session: Session, user_id: int) -> list[PrivacyConsent]:
    return list(session.scalars(select(PrivacyConsent).where(PrivacyConsent.user_id == user_id)
                                .order_by(PrivacyConsent.id)))


# --- joining an enterprise ------------------------------------------------------------------


def ask_to_join(
    *, session: Session, base_id: int | None, enterprise_id: int | None, name: str,
    code: str,
) -> JoinRequest:
    """The actor (a verified enterprise user) asks to join ``enterprise_id``, or, without
    one, to register a new enterprise ``name`` with unified social credit code ``code`` in
    ``base_id``."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in first")
    if not actor.verified:
        raise Forbidden("verify your e-mail address first", code="unverified")
    if not may_request_join(actor) or actor.user_id is None:
        raise Forbidden("only an enterprise user asks to join an enterprise")
    if enterprise_id is not None:
        enterprise = session.get(Enterprise, enterprise_id)
        if enterprise is None or enterprise.base_id is None:
            raise InvalidInput("no such enterprise", field="enterprise_id",
                               code="choice_missing")
        if enterprise.id in actor.enterprise_ids:
            raise Conflict("a member already", field="enterprise_id", code="join_member")
        request = JoinRequest(user_id=actor.user_id, base_id=enterprise.base_id,
                              enterprise_id=enterprise.id)
    else:
        problems: list[InvalidInput] = []
        if base_id is None or session.get(Base, base_id) is None:
            problems.append(InvalidInput("choose a base", field="base_id",
                                         code="choice_missing"))
        name = name.strip()
        if not name:
            problems.append(InvalidInput("name needed", field="name", code="blank"))
        elif len(name) > 200:
            problems.append(InvalidInput("too long", field="name", code="string_too_long",
                                         params={"max_length": 200}))
        code = code.strip()
        if (why := credit_code.problem(code)) is not None:
            problems.append(InvalidInput("not a credit code", field="credit_code",
                                         code=f"credit_code.{why}"))
        if problems:
            raise InvalidInputs(problems)
        assert base_id is not None
        request = JoinRequest(user_id=actor.user_id, base_id=base_id, name=name,
                              credit_code=code)
    pending = session.scalar(select(JoinRequest.id).where(
        JoinRequest.user_id == actor.user_id, JoinRequest.status == "pending",
        JoinRequest.enterprise_id.is_(None) if enterprise_id is None
        else JoinRequest.enterprise_id == enterprise_id,
        JoinRequest.credit_code == request.credit_code))
    if pending is not None:
        raise Conflict("asked already", field="enterprise_id" if enterprise_id else "name",
                       code="join_pending")
    session.add(request)
    session.flush()
    return request


def pending_requests(*, session: Session) -> list[JoinRequest]:
    """The undecided requests the actor may decide: of its bases (an administrator: all)."""
    actor = current_actor(session)
    rows = session.scalars(select(JoinRequest).where(JoinRequest.status == "pending")
                           .order_by(JoinRequest.id))
    return [row for row in rows if may_decide_join(actor, row.base_id)]


def my_requests(*, session: Session) -> list[JoinRequest]:
    actor = current_actor(session)
    return list(session.scalars(select(JoinRequest).where(JoinRequest.user_id == actor.user_id)
                                .order_by(JoinRequest.id.desc())))


def decide(*, session: Session, request_id: int, approve: bool) -> JoinRequest:
    """Approve (the user becomes a member of the enterprise, a new one created in the base)
    or refuse a pending request. Someone else's base's request is "not found"."""
    actor = current_actor(session)
    request = session.get(JoinRequest, request_id)
    if request is None or not may_decide_join(actor, request.base_id):
        raise NotFound(f"request {request_id} does not exist", field="id")
    if request.status != "pending":
        raise Conflict("decided already", field="id", code="join_decided")
    user = session.get(User, request.user_id)
    if user is None:
        raise NotFound("the user is gone", field="id")
    if approve:
        enterprise_id = request.enterprise_id
        if enterprise_id is None:
            enterprise = Enterprise(base_id=request.base_id,
                                    **({"name_zh": request.name} if _CJK.search(request.name)
                                       else {"name_en": request.name}))
            session.add(enterprise)
            session.flush()
            enterprise_id = request.enterprise_id = enterprise.id
        if enterprise_id not in user.enterprise_ids:
            user.enterprise_rows.append(UserEnterprise(enterprise_id=enterprise_id))
    request.status = "approved" if approve else "refused"
    request.decided_at = _now()
    request.decided_by = actor.user_id
    session.flush()
    return request


# --- inviting base administrators ------------------------------------------------------------


def invite_base_admin(
    *, session: Session, email: str, base_ids: Sequence[int], mailer: MailSender,
    settings: Settings, wording: AccountWording = ENGLISH,
) -> User:
    """An administrator invites ``email`` to administer ``base_ids``: an account that cannot
    sign in until the mailed link has set its password."""
    actor = current_actor(session)
    if not actor.is_authenticated:
        raise Unauthenticated("log in first")
    if not may_invite(actor):
        raise Forbidden("only an administrator invites")
    problems: list[InvalidInput] = []
    try:
        email = normalise_email(email)
    except InvalidInput:
        problems.append(InvalidInput("not an e-mail address", field="email", code="email_form"))
    bases = list(dict.fromkeys(base_ids))
    if not bases:
        problems.append(InvalidInput("choose a base", field="base_ids", code="blank"))
    elif any(session.get(Base, base_id) is None for base_id in bases):
        problems.append(InvalidInput("no such base", field="base_ids", code="choice_missing"))
    if problems:
        raise InvalidInputs(problems)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("a user exists already", field="email", code="user_exists")
    user = User(email=email, password_hash=hash_password(new_token()),  # no one knows it
                role=Role.BASE_ADMIN.value, email_verified_at=None,
                base_rows=[UserBase(base_id=base_id) for base_id in bases])
    session.add(user)
    session.flush()
    token = issue_link(session=session, user_id=user.id, purpose="invite", valid_for=INVITE_FOR)
    subject, body = wording.invitation(  # the invitee has no language yet: the inviter's page
        Reader(role=Role.BASE_ADMIN.value), link=_link(settings, "/invitations/" + token),
        days=INVITE_FOR.days)
    mailer.send(to=email, subject=subject, body=body)
    return user


def accept_invitation(*, session: Session, token: str, password: str) -> User:
    """Set the invited user's password; the link proves the address and is used up."""
    _check_password(password)
    user_id = consume_link(session=session, token=token, purpose="invite")
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        raise InvalidInput("this link is invalid or has expired", field="token",
                           code="link_expired")
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or _now()
    session.flush()
    return user


__all__ = [
    "INVITE_FOR", "PRIVACY_VERSION", "VERIFY_FOR", "InvalidInputs", "accept_invitation",
    "ask_to_join", "consents", "decide", "invite_base_admin", "my_requests", "pending_requests",
    "send_verification", "sign_up", "verify_email",
]
