"""``ETag`` and ``If-Match`` of editable objects (optimistic concurrency on the API).

Every editable object carries ``version``; its responses carry ``ETag: "<version>"``. A
PATCH, PUT or DELETE may send ``If-Match`` with that tag: when the object has moved on, the
answer is 412 with the error envelope and the object as stored now (``error.current``), and
nothing changes. Without ``If-Match`` the change applies to the stored object, whatever its
version; concurrent changes of one object wait for each other on its row lock, so the stored
object is always one request applied whole.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Header, Response
from pydantic import BaseModel

from tradebase.errors import PreconditionFailed, StaleObject

R = TypeVar("R")

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The ETag of the version the change is based on, e.g. "3"; optional',
    ),
]


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` names; None when absent or ``*`` (any version)."""
    if if_match is None or if_match.strip() in {"", "*"}:
        return None
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")]
    if len(tags) == 1 and tags[0].isdecimal() and len(tags[0]) <= 18:
        return int(tags[0])
    raise PreconditionFailed(
        f"If-Match {if_match[:40]!r} is not the ETag of a version of this object "
        '(send one tag such as "3")',
    )


def tagged(response: Response, obj: R) -> R:
    """``obj`` with its ``ETag`` set on ``response``."""
    version = getattr(obj, "version", None)
    if isinstance(version, int):
        response.headers["ETag"] = etag(version)
    return obj


def guarded(
    if_match: str | None,
    shape: Callable[[Any], BaseModel],
    change: Callable[[int | None], R],
) -> R:
    """Run ``change(expected_version)``; a stale ``If-Match`` becomes 412 carrying the object
    as stored, shaped by ``shape`` (the same fields a GET would show the caller)."""
    expected = expected_version(if_match)
    try:
        return change(expected)
    except StaleObject as exc:
        if expected is None or exc.current is None:
            raise
        current = exc.current if isinstance(exc.current, BaseModel) else shape(exc.current)
        raise PreconditionFailed(
            exc.message, current=current.model_dump(mode="json"), version=exc.version
        ) from exc


def stale_details(exc: StaleObject) -> tuple[dict[str, Any], dict[str, str]]:
    """The envelope's extra fields and the headers of a stale write's answer."""
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc.current, dict):
        extra["current"] = exc.current
    if exc.version is not None:
        extra["version"] = exc.version
        headers["ETag"] = etag(exc.version)
    return extra, headers
