"""Designations files: the titles given to a base, one per row, keyed by kind and year."""

from __future__ import annotations

from typing import ClassVar

from tradebase.registry import schemas
from tradebase.registry.models import Designation
from tradebase.registry.transfer.base_lists import BaseListColumns
from tradebase.registry.transfer.checking import Kind


class DesignationColumns(BaseListColumns):
    kind: ClassVar[Kind] = Kind.DESIGNATIONS
    model = Designation
    schema = schemas.DesignationIn
    fields = ("kind", "title_zh", "title_en", "level", "issuing_body_zh", "issuing_body_en",
              "year")
    key = ("kind", "year")
    required = (("kind",), ("title_en",), ("level",))
