"""Key-project files: a base's key-project lists, one entry per row."""

from __future__ import annotations

from typing import ClassVar

from tradebase.registry import schemas
from tradebase.registry.models import KeyProject
from tradebase.registry.transfer.base_lists import BaseListColumns
from tradebase.registry.transfer.checking import Kind

LIST_FIELDS = ("name_zh", "name_en", "list_title_zh", "list_title_en", "listed_by", "year")
LIST_KEY = ("list_title_zh", "list_title_en", "year", "name_zh", "name_en")
"""An entry without an id updates the stored one of its base with the same list and name."""


class KeyProjectColumns(BaseListColumns):
    kind: ClassVar[Kind] = Kind.KEY_PROJECTS
    model = KeyProject
    schema = schemas.KeyProjectIn
    fields = (*LIST_FIELDS, "description_en")
    key = LIST_KEY
    required = (("name_zh", "name_en"), ("list_title_zh", "list_title_en"))
