"""The Instructions sheet: the spec told in plain words, field by field."""

from __future__ import annotations

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..engine.fields import canonical_number, choice_words
from ..engine.findings import column_letter
from ..engine.layouts import layout_of
from ..specs.model import FieldSpec, Spec
from .layout import MARK_HEADINGS, Layout
from .text_cells import text_cell

HEADING_FILL = PatternFill("solid", start_color="1F4E78", end_color="1F4E78")
COLUMNS = ("Record", "Column", "Field", "Required", "Format", "Allowed values", "What it holds")
WIDTHS = (10, 8, 24, 22, 30, 26, 70)
TABLE_COLUMNS = ("Column", "Header", "Required", "Format", "Allowed values", "What it holds")
TABLE_WIDTHS = (8, 24, 26, 30, 26, 80)
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
        if f.min_decimals:
            words += f" (written with at least {f.min_decimals})"
        return words
    if f.kind == "flag":
        return "Y or blank"
    if f.kind == "yesno":
        return "Y or N"
    return "code"


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
    ws.sheet_properties.tabColor = "548235"
    for c, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[column_letter(c)].width = width
    lines = [
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
    rows: list[list[object]] = [[_styled(ws, spec.title, Font(bold=True, size=14))]]
    rows += [[_styled(ws, line)] for line in lines if line]
    rows.append([])
    rows.append([_styled(ws, h, Font(bold=True, color="FFFFFF"), HEADING_FILL) for h in COLUMNS])
    ws.freeze_panes = f"A{len(rows) + 1}"
    for record in spec.records:
        for f in record.fields:
            notes = f.help
            if f.import_ignored and "gnored" not in notes:
                notes += " Ignored when importing."
            values = (
                record.keyword or "",
                f.column,
                f.label,
                required_words(f),
                field_format(f),
                allowed_values(f),
                notes,
            )
            rows.append([_styled(ws, v, wrap=c == len(values)) for c, v in enumerate(values, 1)])
    for row in rows:
        ws.append(row)


def _alternative_labels(f: FieldSpec, spec: Spec) -> str:
    return " or ".join(spec.records[0].field(k).label for k in f.alternatives)


def _table_instructions(ws: Worksheet, layout: Layout, spec: Spec) -> None:
    ws.sheet_properties.tabColor = "548235"
    for c, width in enumerate(TABLE_WIDTHS, start=1):
        ws.column_dimensions[column_letter(c)].width = width
    on_sheet = {f.key: f.column for f in layout.spec.records[0].fields}
    fields = spec.records[0].fields
    mandatory = ", ".join(
        f.label + (f" (or {_alternative_labels(f, spec)})" if f.alternatives else "")
        for f in fields
        if f.required
    )
    lines = [
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
    rows: list[list[object]] = [[_styled(ws, spec.title, Font(bold=True, size=14))]]
    rows += [[_styled(ws, line)] for line in lines if line]
    rows.append([])
    heading = Font(bold=True, color="FFFFFF")
    rows.append([_styled(ws, h, heading, HEADING_FILL) for h in TABLE_COLUMNS])
    ws.freeze_panes = f"A{len(rows) + 1}"
    for f in fields:
        values = (
            on_sheet.get(f.key, "—"),
            f.label,
            required_words(f, spec),
            "any text" if f.export_only else field_format(f),
            "" if f.export_only else allowed_values(f),
            f.help,
        )
        rows.append([_styled(ws, v, wrap=c == len(values)) for c, v in enumerate(values, 1)])
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
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell
