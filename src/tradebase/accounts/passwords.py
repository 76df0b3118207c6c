"""Password hashing (argon2id) and random tokens."""

from __future__ import annotations

import hashlib
import os
import secrets
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
TEST_HASHING = "TRADEBASE_INSECURE_TEST_HASHING"
"""Set to 1 by the test suite only: argon2-cffi's CHEAPEST profile ("for tests only") instead
of ~0.1 s of memory-hard work per sign-in, which the suite's thousands of users and sign-ins
would otherwise spend. A password hashed so is rehashed at its next sign-in without it."""


@cache
def _hasher() -> PasswordHasher:
    """argon2id with the library's current recommended parameters (RFC 9106 low memory)."""
    if os.environ.get(TEST_HASHING) == "1":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def check_strength(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if len(password) > 1024:
        return "a password has at most 1024 characters"
    if len(set(password)) < 4:
        return "a password needs more than three different characters"
    return None


def new_token() -> str:
    """A URL-safe random token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored of a high-entropy token: its SHA-256 (a slow hash adds nothing here)."""
    return hashlib.sha256(token.encode()).hexdigest()
