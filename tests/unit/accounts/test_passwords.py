"""Password hashing: argon2id at the library's recommended parameters, except in this suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import extract_parameters, profiles

from tradebase.accounts import passwords


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(passwords.TEST_HASHING, raising=False)
    passwords._hasher.cache_clear()
    yield None
    passwords._hasher.cache_clear()


def test_outside_the_suite_hashes_use_the_recommended_parameters(production: None) -> None:
    stored = passwords.hash_password("correct horse battery")
    assert extract_parameters(stored) == profiles.RFC_9106_LOW_MEMORY
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "wrong horse battery")


def test_a_hash_of_the_suites_cheap_parameters_is_rehashed_outside_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    passwords._hasher.cache_clear()
    monkeypatch.setenv(passwords.TEST_HASHING, "1")
    cheap = passwords.hash_password("correct horse battery")
    assert extract_parameters(cheap) == profiles.CHEAPEST
    monkeypatch.delenv(passwords.TEST_HASHING)
    passwords._hasher.cache_clear()
    try:
        assert passwords.verify_password(cheap, "correct horse battery")
        assert passwords.needs_rehash(cheap)
    finally:
        passwords._hasher.cache_clear()
