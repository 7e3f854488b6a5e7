"""The Instructions sheet: the spec told in plain words, field by field.

It is laid out to be read at 100 % on a 1366-pixel laptop screen without scrolling
sideways: the columns together fit `SCREEN_PX`, every long text wraps in its column, and
the introduction's paragraphs each wrap across the table's width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..engine.fields import canonical_number, choice_words
from ..engine.findings import column_letter
from ..engine.layouts import layout_of
from ..specs.model import FieldSpec, Spec
from .layout import LINE_PT, MARK_HEADINGS, Layout, column_px, prose_height
from .text_cells import text_cell

HEADING_FILL = PatternFill("solid", start_color="1F4E78", end_color="1F4E78")
# The sheet's font, named: a cell whose font has no name is drawn in whatever the reader
# falls back to, wider than the widths below allow for.
FONT = "Calibri"
# What a 1366-pixel laptop screen shows of a sheet at 100 %, in Excel's pixels: the screen
# less the row headings, the vertical scroll bar and LibreOffice's sidebar tabs (1268 px
# left in LibreOffice 7.4), less the 8 % LibreOffice draws a column wider than Excel does.
SCREEN_PX = 1170


@dataclass(frozen=True)
class Column:
    """A column of the field table: its heading, its width in characters, and whether its
    texts wrap (a short one, such as a column letter, never needs to)."""

    heading: str
    width: int
    wraps: bool = True


FIELD_COLUMNS = (
    Column("Record", 8, wraps=False),
    Column("Column", 7, wraps=False),
    Column("Field", 18),
    Column("Required", 17),
    Column("Format", 24),
    Column("Allowed values", 17),
    Column("What it holds", 60),
)
TABLE_COLUMNS = (
    Column("Column", 7, wraps=False),
    Column("Header", 19),
    Column("Required", 17),
    Column("Format", 24),
    Column("Allowed values", 20),
    Column("What it holds", 63),
)
SETTINGS_WORDS = (
    "Settings sheet (optional): the financial year, the tax table and the lists you paste from "
    "your accounting system's exports (customers, GL accounts ...), one block per list under "
    "its heading. Validate checks codes, periods and prices against whatever is filled in and "
    "skips the rest; its summary says which checks ran."
)
LOOKUP_WORDS = {
    "customers": "a customer of your Infusion company",
    "gl_accounts": "an account of your Infusion GL list",
    "gst_rates": "a GST rate name of your Infusion licence",
    "cost_centres": "a cost centre of your Infusion company",
}


def field_format(f: FieldSpec) -> str:
    """The format of a field in a few words, as a bookkeeper would say it."""
    if f.kind == "keyword":
        return "the word itself"
    if f.kind == "text":
        return f"text, up to {f.max_length} characters" if f.max_length else "text"
    if f.kind == "date":
        return "date, DD/MM/YYYY"
    if f.kind == "integer":
        return "whole number"
    if f.kind == "number":
        words = f"number, up to {f.digits_before} digits"
        if f.digits_after:
            words += f" and {f.digits_after} decimals"
        return words
    if f.kind == "flag":
        return "Y or blank"
    if f.kind == "yesno":
        return "Y or N"
    return "code"


def field_notes(f: FieldSpec) -> str:
    """What the field holds, and what else a bookkeeper should know of it: the notes that
    are no format nor value (a note in those columns reads as one)."""
    notes = f.help
    if f.import_ignored and "gnored" not in notes:
        notes += " Ignored when importing."
    if f.min_decimals:
        shown = canonical_number(Decimal(85), f.min_decimals)
        notes += (
            f" The import file writes it with at least {f.min_decimals} decimals (85 as {shown})."
        )
    return notes


def allowed_values(f: FieldSpec) -> str:
    if f.kind == "keyword":
        return f.label
    if f.choices and f.kind == "code" and len(f.choices) > 10:
        return choice_words(f.choices)
    if f.choices:
        return ", ".join(c or "(blank)" for c in f.choices)
    if f.minimum is not None and f.maximum is not None:
        return f"{canonical_number(f.minimum)} to {canonical_number(f.maximum)}"
    if f.minimum is not None and f.minimum > 0:
        return "more than 0"
    if f.nonzero:
        return "not 0"
    if f.lookup:
        return LOOKUP_WORDS.get(f.lookup, f"one of the {f.lookup.replace('_', ' ')} list")
    return ""


def required_words(f: FieldSpec, spec: Spec | None = None) -> str:
    if f.export_only:
        return "Export only: never imported"
    if f.required and f.alternatives and spec is not None:
        return f"Yes (or {_alternative_labels(f, spec)})"
    if f.required or f.kind == "keyword":
        return "Yes"
    if f.recommended:
        return "Recommended (a blank is warned)"
    if f.required_when:
        conditions = "; ".join(
            f"{k.replace('_', ' ')} {' or '.join(v)}" for k, v in f.required_when.items()
        )
        return f"When {conditions}"
    if f.blank_means:
        return f"No (blank means {f.blank_means})"
    return "No"


def write_instructions(ws: Worksheet, layout: Layout, spec: Spec | None = None) -> None:
    """Stream the sheet (write-only): title, how to use, then one row per field.

    A header-row format passes its whole `spec`: the column set is listed, each column with
    its letter on this sheet when the sheet has it.
    """
    if layout_of(layout.spec).header_row:
        _table_instructions(ws, layout, spec or layout.spec)
        return
    spec = layout.spec
    paragraphs = [
        spec.summary,
        "How to use: type or paste rows on the Batch sheet from row "
        f"{layout.first_data_row} down, press Validate on the Batchsheet tab, fix the cells "
        "marked red (errors) or amber (warnings), then press Export CSV.",
        f"The columns {', '.join(MARK_HEADINGS)} right of the data are written by Validate "
        "and never exported.",
        SETTINGS_WORDS,
        "Mandatory fields: "
        + "; ".join(
            f"{r.keyword or 'every row'}: "
            + ", ".join(f.label for f in r.fields if f.required and f.kind != "keyword")
            for r in spec.records
        )
        + ".",
    ]
    fields = [
        (
            record.keyword or "",
            f.column,
            f.label,
            required_words(f),
            field_format(f),
            allowed_values(f),
            field_notes(f),
        )
        for record in spec.records
        for f in record.fields
    ]
    _write_sheet(ws, spec.title, paragraphs, FIELD_COLUMNS, fields)


def _alternative_labels(f: FieldSpec, spec: Spec) -> str:
    return " or ".join(spec.records[0].field(k).label for k in f.alternatives)


def _table_instructions(ws: Worksheet, layout: Layout, spec: Spec) -> None:
    on_sheet = {f.key: f.column for f in layout.spec.records[0].fields}
    fields = spec.records[0].fields
    mandatory = ", ".join(
        f.label + (f" (or {_alternative_labels(f, spec)})" if f.alternatives else "")
        for f in fields
        if f.required
    )
    paragraphs = [
        spec.summary,
        "The first row of the Batch sheet names the columns exactly as Infusion's export does: "
        "keep the names as they are. Columns may be in any order, and optional columns may be "
        "deleted; the export writes them in Infusion's order and leaves out optional columns "
        "that are empty in every row.",
        f"How to use: type or paste one new adjustment per row from row {layout.first_data_row} "
        "down, press Validate on the Batchsheet tab, fix the cells marked red (errors) or "
        "amber (warnings), then press Export CSV (UTF-8).",
        f"Mandatory columns: {mandatory}.",
        "Columns with a grey heading are kept on the sheet but never exported: columns only "
        "Infusion's export carries, or columns the column set does not know. A sheet imported "
        "from an Infusion export holds adjustments that are already posted: use New batch to "
        "start new adjustments with the same columns.",
        f"The columns {', '.join(MARK_HEADINGS)} right of the data are written by Validate "
        "and never exported.",
        SETTINGS_WORDS,
    ]
    rows = [
        (
            on_sheet.get(f.key, "—"),
            f.label,
            required_words(f, spec),
            "any text" if f.export_only else field_format(f),
            "" if f.export_only else allowed_values(f),
            field_notes(f),
        )
        for f in fields
    ]
    _write_sheet(ws, spec.title, paragraphs, TABLE_COLUMNS, rows)


def _write_sheet(
    ws: Worksheet,
    title: str,
    paragraphs: Sequence[str],
    columns: Sequence[Column],
    fields: Sequence[Sequence[str]],
) -> None:
    """The title and the paragraphs, each across the table's width, then the table."""
    ws.sheet_properties.tabColor = "548235"
    for c, column in enumerate(columns, start=1):
        ws.column_dimensions[column_letter(c)].width = column.width
    last = column_letter(len(columns))
    across = sum(column_px(c.width) for c in columns)
    rows: list[list[object]] = [[_styled(ws, title, Font(name=FONT, bold=True, size=14))]]
    ws.merged_cells.add(f"A1:{last}1")
    for paragraph in filter(None, paragraphs):
        number = len(rows) + 1
        # Excel fits no merged cell's height to its text: the row is given the height its
        # lines take.
        ws.row_dimensions[number].height = prose_height(paragraph, across)
        ws.merged_cells.add(f"A{number}:{last}{number}")
        rows.append([_styled(ws, paragraph, wrap=True)])
    rows.append([])
    heading = Font(name=FONT, bold=True, color="FFFFFF")
    rows.append([_styled(ws, c.heading, heading, HEADING_FILL) for c in columns])
    ws.freeze_panes = f"A{len(rows) + 1}"
    for values in fields:
        # Nor does LibreOffice fit a row to its wrapped text when it opens a workbook.
        ws.row_dimensions[len(rows) + 1].height = max(
            prose_height(v, column_px(c.width)) if c.wraps else LINE_PT
            for v, c in zip(values, columns)
        )
        rows.append([_styled(ws, v, wrap=c.wraps) for v, c in zip(values, columns)])
    for row in rows:
        ws.append(row)


def _styled(
    ws: Worksheet,
    value: str,
    font: Font | None = None,
    fill: PatternFill | None = None,
    *,
    wrap: bool = False,
) -> Cell:
    cell = text_cell(ws, value)
    cell.alignment = Alignment(vertical="top", wrap_text=wrap)
    cell.font = font or Font(name=FONT)
    if fill is not None:
        cell.fill = fill
    return cell
