"""CSV cells a spreadsheet would evaluate, made safe on the way out and read back on the way in.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice (OWASP "CSV injection"): every CSV that Tradebase writes (exports, the
audit log) prefixes such a cell with ``'``, and the importer strips that prefix again.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


def neutralise_formula(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: a cell that would be evaluated gets a leading
    ``'``; so does one that starts with ``'`` already, so that ``read_back`` is exact."""
    if text.startswith((*FORMULA_TRIGGERS, _QUOTE)):
        return _QUOTE + text
    return text


def read_back(cell: str) -> str:
    """The value of a CSV cell that ``neutralise_formula`` wrote (any other cell unchanged)."""
    if cell.startswith(_QUOTE) and cell[1:].startswith((*FORMULA_TRIGGERS, _QUOTE)):
        return cell[1:]
    return cell
