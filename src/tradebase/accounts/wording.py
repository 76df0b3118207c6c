"""The account mails (password reset, password changed, invitation) in their reader's language.

A service knows no language: it hands the reader (its role and its own language setting, ""
for none) to a :class:`AccountWording`, which the web layer implements with its catalogs
(``web/pages/account_mails.py``). :data:`ENGLISH` words them for callers without catalogs
(the command line, scripts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

How = Literal["reset", "changed"]


@dataclass(frozen=True)
class Reader:
    role: str
    language: str = ""
    """The reader's own interface language; "" = none chosen (the page's is used)."""


class AccountWording(Protocol):
    def reset(self, reader: Reader, *, link: str, minutes: int) -> tuple[str, str]: ...

    def password_changed(self, reader: Reader, *, how: How) -> tuple[str, str]: ...

    def invitation(self, reader: Reader, *, link: str, days: int) -> tuple[str, str]: ...


class EnglishWording:
    def reset(self, reader: Reader, *, link: str, minutes: int) -> tuple[str, str]:
        return ("Tradebase: reset your password", (
            "Someone asked to reset the password of this Tradebase account.\n"
            f"To choose a new password, open this link within {minutes} minutes:\n\n"
            f"{link}\n\nIf it was not you, ignore this message."))

    def password_changed(self, reader: Reader, *, how: How) -> tuple[str, str]:
        done = "reset with a link sent by mail" if how == "reset" else "changed"
        return ("Tradebase: your password was changed", (
            f"The password of this Tradebase account was just {done}.\n"
            "Every other login session and every API token of the account has been ended;"
            " sign in again and issue new tokens where you need them.\n\n"
            "If it was not you, reset your password at once and tell your administrator."))

    def invitation(self, reader: Reader, *, link: str, days: int) -> tuple[str, str]:
        return ("Tradebase: you are invited to administer a base", (
            "An administrator of Tradebase invites you to administer a base. To choose your "
            f"password, open this link within {days} days:\n\n{link}\n\n"
            "If you did not expect this, ignore this message."))


ENGLISH: AccountWording = EnglishWording()
