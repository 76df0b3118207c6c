"""The account mails (password reset, password changed, invitation) worded through the
catalogs: in the reader's own language when it chose one its role may use, else the language
of the browser or API client that caused the mail (``accounts.wording``)."""

from __future__ import annotations

from fastapi import Request

from tradebase.accounts.wording import How, Reader
from tradebase.web.i18n import N_, get_translations, reader_language

_RESET_SUBJECT = N_("Tradebase: reset your password")
_RESET_BODY = N_(
    "Someone asked to reset the password of this Tradebase account.\n"
    "To choose a new password, open this link within %(minutes)s minutes:\n\n%(link)s\n\n"
    "If it was not you, ignore this message.")
_CHANGED_SUBJECT = N_("Tradebase: your password was changed")
_CHANGED_BY_RESET = N_(
    "The password of this Tradebase account was just reset with a link sent by mail.\n"
    "Every other login session and every API token of the account has been ended; sign in "
    "again and issue new tokens where you need them.\n\n"
    "If it was not you, reset your password at once and tell your administrator.")
_CHANGED = N_(
    "The password of this Tradebase account was just changed.\n"
    "Every other login session and every API token of the account has been ended; sign in "
    "again and issue new tokens where you need them.\n\n"
    "If it was not you, reset your password at once and tell your administrator.")
_INVITE_SUBJECT = N_("Tradebase: you are invited to administer a base")
_INVITE_BODY = N_(
    "An administrator of Tradebase invites you to administer a base. To choose your "
    "password, open this link within %(days)s days:\n\n%(link)s\n\n"
    "If you did not expect this, ignore this message.")


class CatalogAccountWording:
    def __init__(self, request: Request) -> None:
        self.request = request

    def _say(self, reader: Reader, message: str) -> str:
        lang = reader_language(self.request, reader.role, reader.language)
        return str(get_translations(lang).gettext(message))

    def reset(self, reader: Reader, *, link: str, minutes: int) -> tuple[str, str]:
        return (self._say(reader, _RESET_SUBJECT),
                self._say(reader, _RESET_BODY) % {"minutes": minutes, "link": link})

    def password_changed(self, reader: Reader, *, how: How) -> tuple[str, str]:
        return (self._say(reader, _CHANGED_SUBJECT),
                self._say(reader, _CHANGED_BY_RESET if how == "reset" else _CHANGED))

    def invitation(self, reader: Reader, *, link: str, days: int) -> tuple[str, str]:
        return (self._say(reader, _INVITE_SUBJECT),
                self._say(reader, _INVITE_BODY) % {"days": days, "link": link})
