"""Where things are in a Batchsheet workbook: one place for sheet names, rows and columns.

The live-Excel entry points and the openpyxl file adapter both read and write workbooks
through these facts, so a template and the code that fills it cannot disagree.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace

from ..engine.findings import column_letter
from ..engine.layouts import layout_of
from ..specs.model import FieldSpec, RecordSpec, Spec
from .limits import CELL_TEXT, EXCEL_ROWS

DATA_SHEET = "Batch"
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"
FORMAT_NAME = "Batchsheet_Format"
# The blank workbook the add-in opens for Python when Excel has none open; Python closes it.
HELPER_NAME = "Batchsheet_Helper"
LAYOUT_NAME = "Batchsheet_Layout"
# The document type a Pastel document batch is imported as, chosen on the Batch sheet.
DOCUMENT_TYPE_NAME = "Batchsheet_DocumentType"
# Header-row formats: the hidden sheet holding the workbook's column set, and the Excel
# table over the header row and data.
COLUMNS_SHEET = "Columns"
TABLE_NAME = "Batch_Rows"
LAYOUT_VERSION = "1"
# Rows a template's formatting, dropdowns and marking rules cover: all of Excel's.
LAST_ROW = EXCEL_ROWS
MARK_HEADINGS = ("Errors in", "Warnings in", "Problems")
# The Problems column's width, in characters: a problem longer than that wraps onto the
# next line of its cell, and the row grows to hold its lines.
PROBLEMS_WIDTH = 80
# Calibri 11's line, in points: the height of one line of wrapped text.
LINE_PT = 15.0
# Pixels a character of prose takes, on average over a line: Calibri 11 averages 6.1 to 6.3
# on Batchsheet's own texts (capitals 7.6); the rest is room for a line with more capitals.
PROSE_CHAR_PX = 6.5
# A cell's text keeps this many pixels from each side of the cell.
CELL_PADDING_PX = 3


def column_px(width: float) -> int:
    """The pixels a column `width` characters wide takes at 100 % in Calibri 11: Excel's
    7 a character and 5 of padding."""
    return round(7 * width + 5)


def prose_lines(text: str, px: int) -> int:
    """How many lines `text` takes wrapped in a cell `px` pixels wide, at most; a line
    break starts a line."""
    per_line = max(1, int((px - 2 * CELL_PADDING_PX) / PROSE_CHAR_PX))
    return sum(max(1, len(textwrap.wrap(line, per_line))) for line in text.split("\n"))


def prose_height(text: str, px: int) -> float:
    """The height, in points, of `text` wrapped in a cell `px` pixels wide."""
    return LINE_PT * prose_lines(text, px)


def problems_height(problems: str) -> float | None:
    """The height of a row whose Problems cell holds `problems`; None for one line, the
    sheet's own row height.

    A workbook file says the height of each row that is not the default: LibreOffice does
    not fit a row to its wrapped text when it opens a file. The height is not marked
    custom, so Excel fits the row again when the cell is edited.
    """
    height = prose_height(problems, column_px(PROBLEMS_WIDTH))
    return height if height > LINE_PT else None


CELL_TEXT_LIMIT = CELL_TEXT


@dataclass(frozen=True)
class Layout:
    """Rows and columns of a format's data sheet."""

    spec: Spec

    @property
    def caption_rows(self) -> int:
        """Rows above the data: one caption row per record kind, or the table's header row."""
        return layout_of(self.spec).caption_rows(self.spec)

    @property
    def first_data_row(self) -> int:
        return self.caption_rows + 1

    @property
    def data_width(self) -> int:
        return self.spec.width

    @property
    def last_data_column(self) -> str:
        return column_letter(self.data_width)

    @property
    def mark_columns(self) -> tuple[str, str, str]:
        first = self.data_width + 1
        return (column_letter(first), column_letter(first + 1), column_letter(first + 2))

    def fields_in_column(self, index: int) -> list[tuple[str | None, FieldSpec]]:
        """Every (record keyword, field) that lives in the 1-based column `index`."""
        return [
            (r.keyword, r.fields[index - 1]) for r in self.spec.records if index <= len(r.fields)
        ]


def caption(keyword: str | None) -> str:
    """Column A of a record kind's caption row: "Header rows →"."""
    return f"{keyword} rows →"


def sheet_spec(spec: Spec, columns: RecordSpec | None = None) -> Spec:
    """The spec as one sheet holds it: a header-row format with the sheet's own columns.

    By default those are the template's: every column an import file can carry, in
    template order.
    """
    if not layout_of(spec).header_row:
        return spec
    if columns is None:
        kept = [f for f in spec.records[0].fields if not f.export_only]
        fields = tuple(replace(f, column=column_letter(i)) for i, f in enumerate(kept, 1))
        columns = RecordSpec(keyword=None, fields=fields)
    return replace(spec, records=(columns,))


# The decimals a number cell shows at most: as many as a finding about decimals can name
# (Excel keeps 15 significant digits in all).
SHOWN_DECIMALS = 10


def number_format(f: FieldSpec) -> str:
    """How a field's cell shows its value in Excel."""
    if f.excel_text or f.kind in ("text", "code", "flag", "yesno", "keyword", "raw"):
        return "@"
    if f.kind == "date":
        return "DD/MM/YYYY"
    if f.kind == "number" and f.min_decimals:
        # Decimals past the field's own are shown too: a finding about them ("has 3
        # decimals") must point at digits the user can see, not at 12.35 for 12.345.
        return "0." + "0" * f.min_decimals + "#" * (SHOWN_DECIMALS - f.min_decimals)
    return "General"


def column_format(layout: Layout, index: int) -> str:
    """The format of a whole column, for rows typed by hand.

    A column shared by a code and a number is text: a number typed as text still reads,
    while a code typed into a General cell loses its leading zeros for good.
    """
    formats = {number_format(f) for _, f in layout.fields_in_column(index)}
    if "@" in formats and any(f.excel_text for _, f in layout.fields_in_column(index)):
        return "@"
    formats.discard("@")
    return formats.pop() if len(formats) == 1 else "General"


SETTINGS_SHEET = "Settings"
AUDIT_SHEET = "Audit"
AUDIT_HEADINGS = ("Cell", "Old", "New", "Rule", "Time")
# The Settings sheet: block titles on row 1, column headings on row 2, values below.
SETTINGS_FIRST_ROW = 3


def quoted_constant(text: str | None) -> str | None:
    """The text of a defined name that holds a quoted constant (`"pastel-customer"`)."""
    if text is None:
        return None
    text = text.strip()
    if text.startswith("="):
        text = text[1:].strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return None
