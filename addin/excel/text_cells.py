"""Text cells as openpyxl writes them for Batchsheet: text that stays text."""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

from .sheet_values import FORMULA_LIKE
from .sheet_xml import ooxml_text


def text_cell(ws: Any, value: str | None) -> Cell:
    """A streamed cell holding `value` as text that stays text: never a formula, and one
    that looks like a formula carries the quote prefix, so editing it in Excel keeps it
    text. Every text openpyxl writes for Batchsheet goes through here."""
    cell = WriteOnlyCell(ws)
    cell.number_format = "@"
    # An empty text is no value: a string cell with no text is one Excel warns about.
    if value:
        cell.value = ooxml_text(value)
        cell.data_type = "s"
        if FORMULA_LIKE.match(value):
            cell.quotePrefix = True
    return cell
