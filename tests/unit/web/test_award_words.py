"""The award workbook's labels are messages of the catalog: the list the workbook writes
(``allocation.rounds.WORKBOOK_LABELS``) and the list marked for translation are the same."""

from __future__ import annotations

from tradebase.allocation.rounds import WORKBOOK_LABELS
from tradebase.web.i18n import get_translations
from tradebase.web.pages import award_words


def test_every_workbook_label_is_marked_and_translated() -> None:
    assert set(award_words._WORKBOOK_LABELS) == set(WORKBOOK_LABELS)
    chinese = get_translations("zh").gettext
    assert [label for label in WORKBOOK_LABELS if chinese(label) == label] == []
