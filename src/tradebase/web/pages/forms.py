"""HTML forms of enterprises and listings: from posted text to schemas, and back on error.

A form keeps what the user typed (``values``) and one message per wrong field (``errors``);
the schemas of the register decide what is valid, the services decide what fits the data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from tradebase.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleObject,
    Unauthenticated,
)
from tradebase.registry.models import Enterprise, Product
from tradebase.web.errors import validation_message
from tradebase.web.i18n import N_
from tradebase.web.pages.messages import (
    Gettext,
    coded_message,
    domain_errors,
    validation_errors,
)

S = TypeVar("S", bound=BaseModel)
R = TypeVar("R")

ENTERPRISE_FIELDS = (
    "name_zh", "name_en", "base_id", "region_id", "size", "employees", "founded",
    "certifications", "markets", "contact_name", "contact_email", "contact_phone", "website",
    "description_zh", "description_en",
)
PRODUCT_FIELDS = (
    "sku", "title", "title_zh", "description", "hs_code", "hs_edition", "unit", "moq",
    "monthly_capacity", "lead_time_days", "price_min", "price_max", "price_currency",
    "certifications",
)
# Empty inputs of these fields mean "not given" rather than an empty text.
_OPTIONAL = {
    "base_id", "region_id", "size", "employees", "founded", "hs_code", "hs_edition", "moq",
    "monthly_capacity", "lead_time_days", "price_min", "price_max", "price_currency",
}
STALE_MESSAGE = N_(
    "Someone else saved this record while you were editing it. The form now shows what is "
    "stored; make your change again and save."
)
_LIST_SEPARATORS = re.compile(r"[;,，；、\n]+")
_MARKET_SEPARATORS = re.compile(r"[;,，；、\s]+")


@dataclass
class Form:
    """What a form shows: the entered values and a message for each wrong field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problem: str = ""
    """A refusal that is about the user, not a field (not logged in, not allowed)."""
    status_code: int = 422
    stale: bool = False
    read_fields: tuple[str, ...] = ()
    """Fields filled from the text the user wrote, for it to check (the request form)."""
    """The change was based on a version that is no longer stored (shown again with the
    current values, status 409)."""

    def value(self, name: str) -> str:
        return self.values.get(name, "")


def read_form(posted: Mapping[str, Any], names: tuple[str, ...]) -> Form:
    """The text of each named field as posted (missing fields are empty)."""
    return Form(values={name: str(posted.get(name) or "").strip() for name in names})


def posted_version(posted: Mapping[str, Any]) -> int | None:
    """The version an edit form was filled from (its hidden ``version`` field); None when the
    form did not say, and an impossible one (0) when the field was tampered with, so that it
    is refused as stale rather than applied blindly."""
    text = str(posted.get("version") or "").strip()
    if not text:
        return None
    return int(text) if text.isdecimal() and len(text) <= 18 else 0


def refreshed(form: Form, current: Form) -> Form:
    """A stale form shown again with the values stored now (and their version), keeping its
    message and its status."""
    return Form(values=current.values, problem=form.problem, status_code=form.status_code,
                stale=True)


def _list(text: str, separators: re.Pattern[str]) -> list[str]:
    return [part.strip() for part in separators.split(text) if part.strip()]


def _data(form: Form) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, text in form.values.items():
        if name == "version":  # the optimistic-concurrency check, not a field of the record
            continue
        if name in _OPTIONAL:
            data[name] = text or None
        elif name == "certifications":
            data[name] = _list(text, _LIST_SEPARATORS)
        elif name == "markets":
            data[name] = [code.upper() for code in _list(text, _MARKET_SEPARATORS)]
        else:
            data[name] = text
    return data


def validate(
    schema: type[S], form: Form, gettext: Gettext, *, default_field: str,
    extra: Mapping[str, Any] | None = None,
) -> S | None:
    """``form`` checked by ``schema``; on failure its errors are filled and None returned.

    Pydantic checks a model's cross-field rules (such as "a name in Chinese or English") only
    when every field is valid, so the wrong fields are set aside and the rest checked again:
    the user sees every message at once, not one more after each correction."""
    data = _data(form)
    if "title_zh" in data:
        zh = data.pop("title_zh")
        data["titles"] = {"zh": zh} if zh else {}
    data.update(extra or {})
    for _attempt in range(3):
        try:
            checked = schema.model_validate(data)
        except ValidationError as exc:
            found = validation_errors(exc, gettext, default_field=default_field)
            for name, message in found.items():
                form.errors.setdefault(name, message)
            wrong = {name for name in found if name in data and name != default_field}
            if not wrong:
                return None
            data = {name: value for name, value in data.items() if name not in wrong}
            continue
        return None if form.errors else checked
    return None


def apply(
    session: Session, form: Form, gettext: Gettext, action: Callable[[], R], *, default_field: str
) -> R | None:
    """Run a service ``action``. When it refuses, undo its partial changes, note why (against
    the field it names, or for the whole form when the user may not make the change) and
    return None; the form is shown again with what the user typed."""
    try:
        return action()
    except StaleObject:
        session.rollback()
        form.problem = gettext(STALE_MESSAGE)
        form.status_code = 409
        form.stale = True
        return None
    except (InvalidInput, Conflict, NotFound) as exc:
        session.rollback()
        form.errors.update(domain_errors(exc, gettext, default_field=default_field))
        return None
    except (Unauthenticated, Forbidden) as exc:
        session.rollback()
        form.problem = coded_message(exc, gettext)
        form.status_code = exc.status_code
        return None


def enterprise_form(enterprise: Enterprise) -> Form:
    """The edit form of ``enterprise``, filled with its current data."""
    values = {
        name: "" if getattr(enterprise, name) is None else str(getattr(enterprise, name))
        for name in ENTERPRISE_FIELDS
        if name not in {"certifications", "markets"}
    }
    values["certifications"] = "; ".join(enterprise.certifications)
    values["markets"] = "; ".join(enterprise.markets)
    values["version"] = str(enterprise.version)
    return Form(values=values)


def product_form(product: Product) -> Form:
    """The edit form of ``product``, filled with its current data."""
    values = {
        name: "" if getattr(product, name) is None else str(getattr(product, name))
        for name in PRODUCT_FIELDS
        if name not in {"certifications", "title_zh"}
    }
    values["title_zh"] = product.titles.get("zh", "")
    values["hs_code"] = product.hs_code_written or ""  # as written; hs_code is what matches
    values["certifications"] = "; ".join(product.certifications)
    values["version"] = str(product.version)
    return Form(values=values)


def posted_fields(
    posted: Mapping[str, Any], names: tuple[str, ...], *, lists: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The posted text of each field, for a schema: empty fields are left out (not given), and
    the fields named in ``lists`` are split on ';' or ','."""
    data: dict[str, Any] = {}
    for name in names:
        text = str(posted.get(name) or "").strip()
        if name in lists:
            data[name] = [p.strip() for p in text.replace(",", ";").split(";") if p.strip()]
        elif text:
            data[name] = text
    return data


def checked(schema: type[S], data: dict[str, Any]) -> S:
    """``data`` validated by ``schema``; a wrong field becomes InvalidInput naming it."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        message, field_name = validation_message(list(exc.errors()))
        raise InvalidInput(
            f"{field_name}: {message}" if field_name else message, field=field_name
        ) from exc

