"""The one table of messages: a place's own wording of a code (``context``) is said there
only, and a code without a message there is left to the caller."""

from __future__ import annotations

import pytest

from tradebase.web.pages import messages
from tradebase.web.pages.messages import add_messages, say, say_in


@pytest.fixture(autouse=True)
def _own_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages, "MESSAGES", dict(messages.MESSAGES))


def _translated(msgid: str) -> str:
    return f"«{msgid}»"


def test_a_code_of_a_place_is_said_there_with_its_parameters() -> None:
    add_messages({"test_far": "no %(what)s here"}, context="test_place")
    assert say_in("test_place", "test_far", {"what": "chair"}, _translated) == "«no chair here»"


def test_a_place_does_not_borrow_the_forms_wording_nor_lend_its_own() -> None:
    add_messages({"test_near": "the place's words"}, context="test_place")
    assert say_in("test_place", "missing", {}, _translated) is None  # forms have "missing"
    assert say("test_near", {}, _translated) == say("no_such_code", {}, _translated)


def test_a_missing_parameter_leaves_the_message_to_the_caller() -> None:
    add_messages({"test_param": "line %(line)s"}, context="test_place")
    assert say_in("test_place", "test_param", {}, _translated) is None
