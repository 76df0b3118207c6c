"""Errors a user can act on. The web and CLI layers turn them into a status or exit code."""

from __future__ import annotations

from dataclasses import dataclass, field


class TradebaseError(Exception):
    """Base of every error the domain raises on purpose."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(TradebaseError):
    """The object asked for does not exist."""

    status_code = 404


class InvalidInput(TradebaseError):
    """A value breaks a rule of the domain; ``field`` names the offending field."""

    status_code = 422


class Conflict(TradebaseError):
    """The change would clash with existing data (a duplicate key, a row still referenced)."""

    status_code = 409


@dataclass(frozen=True)
class RowError:
    """One reason one row of an imported file was rejected."""

    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportRejected(TradebaseError):
    """A file was rejected whole; ``errors`` lists every bad row."""

    filename: str
    errors: list[RowError] = field(default_factory=list)

    def __post_init__(self) -> None:
        count = len(self.errors)
        super().__init__(
            f"{self.filename}: {count} bad row{'s' if count != 1 else ''}; nothing was imported"
        )

    status_code = 422


class Unauthenticated(TradebaseError):
    """The action needs a logged-in user or an API token."""

    status_code = 401


class Forbidden(TradebaseError):
    """The user is known but may not do this."""

    status_code = 403


class RateLimited(TradebaseError):
    """Too many attempts; ``retry_after`` seconds until the next one is allowed."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
