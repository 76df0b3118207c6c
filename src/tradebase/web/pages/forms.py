"""The one flow of every page form: from posted text to a schema and a service, and back
with every error beside its field on failure.

A form keeps what the user typed (``values``) and one message per wrong field (``errors``),
said from the errors' codes in the page's language (``messages.py``); the schemas decide what
is valid, the services decide what fits the data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request

from tradebase.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleObject,
    TooLarge,
    Unauthenticated,
)
from tradebase.registry.models import Enterprise, Product
from tradebase.web.errors import field_errors
from tradebase.web.limits import REFUSED_PARAM
from tradebase.web.pages.messages import Gettext, field_messages, say, say_error

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
_LIST_SEPARATORS = re.compile(r"[;,，；、\n]+")
_MARKET_SEPARATORS = re.compile(r"[;,，；、\s]+")


@dataclass
class Form:
    """What a form shows: the entered values and a message for each wrong field.

    Every page form goes through one flow: ``read_form``, then ``validate`` (every wrong
    field at once, in the page's language), then ``apply`` (a service's refusal beside the
    field it names); on failure the page renders the form again with ``status_code``, which
    shows every error beside its field, a summary at the top (``macros.html:form``) and
    everything typed."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problem: str = ""
    """A refusal that is about the user, not a field (not logged in, not allowed)."""
    status_code: int = 422
    stale: bool = False
    """The change was based on a version that is no longer stored (shown again with the
    current values, status 409)."""
    read_fields: tuple[str, ...] = ()
    """Fields filled from the text the user wrote, for it to check (the request form)."""
    prefix: str = ""
    """Put before the ids of the fields, for a page that shows two forms with one field name."""
    labels: dict[str, str] = field(default_factory=dict)
    """Each field's label as the page rendered it, in order (for the error summary)."""

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def id(self, name: str) -> str:
        """The id of the input of field ``name``."""
        return f"field-{self.prefix}{name}"

    def error_id(self, name: str) -> str:
        return f"error-{self.prefix}{name}"

    def label(self, name: str, text: str) -> str:
        """``text``, noted as the label of ``name`` for the summary (the macros call it)."""
        self.labels.setdefault(name, text)
        return text

    def summary(self) -> list[tuple[str, str, str]]:
        """(field, label, message) of each error: the fields in the order the page showed
        them, then errors about fields it did not show (their label is empty)."""
        shown = [(name, label, self.errors[name]) for name, label in self.labels.items()
                 if name in self.errors]
        return shown + [(name, "", message) for name, message in self.errors.items()
                        if name not in self.labels]


def read_form(posted: Mapping[str, Any], names: tuple[str, ...]) -> Form:
    """The text of each named field as posted (missing fields are empty)."""
    return Form(values={name: str(posted.get(name) or "").strip() for name in names})


def ticked(posted: FormData | Mapping[str, Any], name: str) -> str:
    """The values of a field posted once per ticked box (a list of countries), joined by
    "; " as a list is typed and stored; a value typed as such a list is kept as it is."""
    values = posted.getlist(name) if isinstance(posted, FormData) else [posted.get(name)]
    return "; ".join(text for value in values if (text := str(value or "").strip()))


def line_records(text: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """A text box of one record a line, its fields separated by ``;`` in the order of ``keys``
    (``name; unit; pack size``): empty fields left out, a line without its first one skipped."""
    found: list[dict[str, Any]] = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split(";")]
        if parts[0]:
            found.append({key: part for key, part in zip(keys, parts, strict=False) if part})
    return found


def upload_refused(request: Request) -> bool:
    """Whether this page was reached back from one of its forms whose upload passed the
    request body limit (``web/limits.py`` sends the browser back with this mark): the page
    then says so beside its file field."""
    return request.query_params.get(REFUSED_PARAM) == "1"


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


def _data(form: Form, *, omit_empty: bool) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, text in form.values.items():
        if name == "version":  # the optimistic-concurrency check, not a field of the record
            continue
        if omit_empty and not text:
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
    extra: Mapping[str, Any] | None = None, omit_empty: bool = False,
) -> S | None:
    """``form`` checked by ``schema``; on failure its errors are filled and None returned.
    With ``omit_empty``, an empty field is not given (the schema's default applies).
    ``extra`` are values the form does not type (check boxes, parsed lists, the record's
    owner); an error about one of them is shown beside the field of its name.

    Pydantic checks a model's cross-field rules (such as "a name in Chinese or English") only
    when every field is valid, so the wrong fields are set aside and the rest checked again:
    the user sees every message at once, not one more after each correction."""
    data = _data(form, omit_empty=omit_empty)
    if "title_zh" in data:
        zh = data.pop("title_zh")
        data["titles"] = {"zh": zh} if zh else {}
    data.update(extra or {})
    for _attempt in range(3):
        try:
            checked = schema.model_validate(data)
        except ValidationError as exc:
            found = field_messages(field_errors(list(exc.errors())), gettext,
                                   default_field=default_field)
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
        form.problem = say("stale", {}, gettext)
        form.status_code = 409
        form.stale = True
        return None
    except (InvalidInput, Conflict, NotFound, TooLarge) as exc:
        session.rollback()
        form.errors[exc.field or default_field] = say_error(exc, gettext)
        if isinstance(exc, TooLarge):
            form.status_code = exc.status_code
        return None
    except (Unauthenticated, Forbidden) as exc:
        session.rollback()
        form.problem = say_error(exc, gettext)
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
