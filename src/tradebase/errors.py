"""Errors a user can act on. The web and CLI layers turn them into a status or exit code."""

from __future__ import annotations

from dataclasses import dataclass, field


class TradebaseError(Exception):
    """Base of every error the domain raises on purpose."""

    status_code = 400
    default_code = "error"
    """The code of an error raised without one: what its kind says (``not_found``, ...)."""

    def __init__(
        self, message: str, *, field: str | None = None, code: str = "",
        params: dict[str, str | int | float] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # What went wrong, for the web and CLI layers to say in the user's language
        # (e.g. "rfq.closed"), and the values the sentence names; without one, its kind's.
        self.code = code or self.default_code
        self.params = dict(params or {})


class NotFound(TradebaseError):
    """The object asked for does not exist."""

    status_code = 404
    default_code = "not_found"


class InvalidInput(TradebaseError):
    """A value breaks a rule of the domain; ``field`` names the offending field."""

    status_code = 422
    default_code = "invalid"


class TooLarge(TradebaseError):
    """A file or request is larger than a byte limit (the message names the limit)."""

    status_code = 413
    default_code = "too_large"


class Conflict(TradebaseError):
    """The change would clash with existing data (a duplicate key, a row still referenced)."""

    status_code = 409
    default_code = "conflict"


class StaleObject(Conflict):
    """A change was based on a version of the object that is no longer the stored one (an
    ``If-Match`` or a form's hidden version that does not match, or a row changed under an
    ORM update); ``current`` is the object as stored now, ``version`` its version."""

    status_code = 409
    default_code = "stale"

    def __init__(
        self, message: str, *, current: object = None, version: int | None = None,
        field: str | None = "version",
    ) -> None:
        super().__init__(message, field=field)
        self.current = current
        self.version = version


class PreconditionFailed(StaleObject):
    """The API's ``If-Match`` names another version than the stored one (HTTP 412)."""

    status_code = 412
    default_code = "precondition_failed"


@dataclass(frozen=True)
class RowError:
    """One reason one row of an imported file was rejected."""

    line: int
    column: str | None
    reason: str
    code: str | None = field(default=None, compare=False)
    """What went wrong as a code (e.g. ``hs_code_unknown``) when there is one, with
    ``params``, for a layer that says it in the user's language; ``reason`` is the English."""
    params: dict[str, str] = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportRejected(TradebaseError):
    """A file was rejected whole; ``errors`` lists every bad row."""

    filename: str
    errors: list[RowError] = field(default_factory=list)
    rows_read: int | None = None
    """The data rows of the file, when it could be read at all."""

    def __post_init__(self) -> None:
        count = self.bad_rows
        super().__init__(
            f"{self.filename}: {count} bad row{'s' if count != 1 else ''}; nothing was imported"
        )

    @property
    def bad_rows(self) -> int:
        """The lines with at least one error: a row with two errors is one bad row."""
        return len({error.line for error in self.errors})

    status_code = 422
    default_code = "import_rejected"


class Unauthenticated(TradebaseError):
    """The action needs a logged-in user or an API token."""

    status_code = 401
    default_code = "unauthenticated"


class Forbidden(TradebaseError):
    """The user is known but may not do this."""

    status_code = 403
    default_code = "forbidden"


class RateLimited(TradebaseError):
    """Too many attempts; ``retry_after`` seconds until the next one is allowed."""

    status_code = 429
    default_code = "rate_limited"

    def __init__(
        self, message: str, *, retry_after: int, code: str = "",
        params: dict[str, str | int | float] | None = None,
    ) -> None:
        super().__init__(message, code=code, params=params)
        self.retry_after = retry_after
