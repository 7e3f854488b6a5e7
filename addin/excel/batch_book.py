"""A Batchsheet workbook as xlwings shows it, whichever front end presses the button.

The ribbon (desktop Excel, `ribbon`) and the xlwings Lite scripts (`addin.lite.scripts`)
read a batch and write its marks, fixes and audit log through the same xlwings calls; how
they find the last row, tell error values from text and ask the user differs, and stays
with each. What a workbook's defined names, data sheet and Settings sheet say, how its
values become a checked batch, and which cells the marks, fixes, audit rows and an imported
file's rows go to, is said once, here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..engine.batch import Batch, Context
from ..engine.cells import ERROR_VALUE, error_value_message
from ..engine.findings import column_index
from ..engine.layouts import layout_of, validate_rows
from ..engine.settings import CompanySettings, settings_from_grid
from ..ledger import Ledger, LedgerError
from ..review import review
from ..specs import Spec, known_spec
from ..transfer import Placed
from .batch_rows import live_values
from .fixes import CellFix, audit_rows
from .grid import Rows, data_start, data_width, table_width
from .layout import (
    AUDIT_HEADINGS,
    AUDIT_SHEET,
    DATA_SHEET,
    DOCUMENT_TYPE_NAME,
    FORMAT_NAME,
    MARK_HEADINGS,
    SETTINGS_SHEET,
    Layout,
    column_format,
    number_format,
    quoted_constant,
)
from .marks import mark_cells, marks_block
from .plans import ledger_text
from .sheet_values import as_typed_text

# The most cells one call into Excel moves. xlwings' own budget for a write is 100,000
# cells (`base_classes.DEFAULT_MAX_CELLS_PER_WRITE`). On macOS every call is one Apple
# event: xlwings measured its reply cap at 1.5 million cells of numbers (fewer of text), and
# transfers of a few million cells time out (xlwings issues #2300 and #466). 100,000 cells
# of text are a few megabytes, under both limits; a 100,000-row sheet is 32 reads.
CELLS_PER_CALL = 100_000
MAX_COLUMNS = 16_384


class Refused(Exception):
    """Something the user needs to do first; shown as it is."""


def rows_per_call(width: int) -> int:
    return max(1, CELLS_PER_CALL // max(width, 1))


def book_format(book: Any) -> Spec | None:
    """The format a workbook records in its defined name, or None for any other workbook."""
    name = defined(book, FORMAT_NAME)
    return known_spec(name)


def defined(book: Any, name: str) -> str | None:
    """The quoted constant a defined name of the workbook holds, read as `batchsheet`
    reads it from the file; None when the workbook has no such name."""
    try:
        # xlwings' Names is called, not indexed: book.names("name").
        refers_to = book.names(name).refers_to
    except Exception:
        return None
    return quoted_constant(str(refers_to))


# How a bookkeeper in front of a workbook that is no batch starts one, by front end.
START_A_BATCH = "Start one with New batch, or open a CSV with Import CSV."


def data_sheet(book: Any, start: str = START_A_BATCH) -> tuple[Any, Spec]:
    """The batch's data sheet and its format; refused for any other workbook, saying how to
    `start` a batch where the button was pressed."""
    spec = book_format(book)
    if spec is None:
        raise Refused(f"This workbook is not a Batchsheet batch. {start}")
    try:
        return book.sheets[DATA_SHEET], spec
    except Exception:
        raise Refused(f"This workbook has no sheet named {DATA_SHEET!r}.") from None


def sheet_width(sheet: Any, spec: Spec) -> int:
    """Columns the data and its marks take: the format's, or a header row's."""
    if not layout_of(spec).header_row:
        return Layout(spec).data_width + len(MARK_HEADINGS)
    used = sheet.used_range.last_cell.column
    header = sheet.range((1, 1), (1, min(used, MAX_COLUMNS))).options(ndim=1).value
    return table_width(header or []) + len(MARK_HEADINGS)


def settings_of(book: Any, spec: Spec) -> CompanySettings | None:
    """The workbook's Settings sheet, read in one call; None when it has none."""
    try:
        sheet = book.sheets[SETTINGS_SHEET]
    except Exception:
        return None
    last = sheet.used_range.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return settings_from_grid(spec.settings, [list(r) for r in values or []])


def context_of(book: Any, spec: Spec) -> Context:
    """What the workbook tells the checks besides its rows: its document type and settings."""
    return Context(
        document_type=defined(book, DOCUMENT_TYPE_NAME), settings=settings_of(book, spec)
    )


def checked(spec: Spec, rows: Rows, context: Context, errors: dict[str, str]) -> Batch:
    """The data sheet's rows (`grid.grid_rows`) checked; each cell showing an error value
    (`errors`: its reference and the error) is an error of its own, in place of what its
    value says."""
    batch = validate_rows(spec, rows, typed=True, context=context)
    said = {ref: (ERROR_VALUE, error_value_message(ref, e)) for ref, e in errors.items()}
    mark_cells(batch, said)
    return batch


def write_marks(sheet: Any, batch: Batch, values: list[list[Any]]) -> None:
    """Every marking cell of the data area in one block: new marks, and blanks over old ones."""
    first = data_start(batch.spec, values)
    last = max(len(values), first)
    block = marks_block(batch.report.findings, first, last)
    start = data_width(batch.spec, values) + 1
    target = sheet.range((first, start))
    target.options(chunksize=rows_per_call(len(MARK_HEADINGS))).value = block
    wrap_problems(sheet, start, first, last)


def wrap_problems(sheet: Any, first_mark: int, first: int, last: int) -> None:
    """Wrap the Problems cells of rows first..last, one problem a line: Excel then fits
    each row to its lines ("Microsoft Excel will change the row height of the range, if
    necessary, to accommodate the text in the range",
    https://learn.microsoft.com/en-us/office/vba/api/excel.range.wraptext). One call."""
    column = first_mark + MARK_HEADINGS.index("Problems")
    sheet.range((first, column), (last, column)).wrap_text = True


def marking_area(sheet: Any, spec: Spec, last_row: int) -> Any:
    """The marking columns from the first data row to `last_row` (the data's last row)."""
    width = sheet_width(sheet, spec)
    first = Layout(spec).first_data_row
    start = width - len(MARK_HEADINGS) + 1
    return sheet.range((first, start), (max(last_row, first), width))


def hidden_count(state: bool | None, first: int, last: int) -> int | None:
    """How many of the rows first..last are hidden, from xlwings' answer for them all
    (`rows.hidden`: True every one, False none, None some): None where some are."""
    if last < first:
        return 0
    return 0 if state is False else (last - first + 1) if state else None


def write_fixes(sheet: Any, plan: list[CellFix]) -> None:
    """The fixed cells, one call per run of neighbouring cells in a column."""
    by_column: dict[int, list[CellFix]] = {}
    for f in plan:
        by_column.setdefault(column_index(f.column), []).append(f)
    for column, fixes in by_column.items():
        fixes.sort(key=lambda f: f.row)
        run: list[CellFix] = []
        for f in fixes:
            if run and f.row != run[-1].row + 1:
                _write_run(sheet, column, run)
                run = []
            run.append(f)
        _write_run(sheet, column, run)


def _write_run(sheet: Any, column: int, run: list[CellFix]) -> None:
    if run:
        sheet.range((run[0].row, column)).value = [[as_typed_text(f.new)] for f in run]


def write_audit(book: Any, plan: list[CellFix], now: dt.datetime) -> None:
    """Append the changes to the Audit sheet (made on first use), in one write."""
    rows = audit_rows(plan, now)
    try:
        sheet = book.sheets[AUDIT_SHEET]
    except Exception:
        sheet = None
    if sheet is None:
        sheet = book.sheets.add(AUDIT_SHEET)
        first = 1
        rows = [list(AUDIT_HEADINGS), *rows]
    else:
        # The sheet was made with its headings on row 1: the log goes on below.
        first = sheet.used_range.last_cell.row + 1
    target = sheet.range((first, 1), (first + len(rows) - 1, len(AUDIT_HEADINGS)))
    target.number_format = "@"
    target.value = [[as_typed_text(v) for v in row] for row in rows]


def columns_differ(header: Sequence[Any], placed: Placed) -> bool:
    """Whether a header-row batch's own columns (`header`, row 1) are not the file's."""
    names = [f.label for f in placed.layout.spec.records[0].fields]
    return [h or "" for h in header] != names


def fill_rows(sheet: Any, placed: Placed, *, dates_as_text: bool = False) -> None:
    """An imported file's rows (and their marks) onto the empty data sheet, in chunks.

    `dates_as_text`: the writes reach Excel as text to be typed, dates too (xlwings Lite
    sends a date as its ISO text, `_xlremote.Engine.prepare_xl_data_element`), and a cell
    formatted as text keeps typed text as text. A column shared by a date and a code is
    formatted as text (`layout.column_format`), so its date cells are given the date's
    format first; the queued writes are applied in order."""
    if not placed.rows:
        return
    values = live_values(placed.layout, placed.rows)
    first = placed.layout.first_data_row
    if dates_as_text:
        _format_dates(sheet, placed, first)
    target = sheet.range((first, 1))
    target.options(chunksize=rows_per_call(len(values[0]))).value = values
    wrap_problems(sheet, placed.layout.data_width + 1, first, first + len(values) - 1)


def _format_dates(sheet: Any, placed: Placed, first: int) -> None:
    """The date format on each date cell of a text column, a call per run of rows."""
    layout = placed.layout
    kinds = {k.keyword: k for k in layout.spec.records}
    rows: dict[tuple[int, str], list[int]] = {}
    for i, (kind, _, _) in enumerate(placed.rows):
        fields = kinds[kind.keyword].fields if kind is not None else ()
        for c, f in enumerate(fields, start=1):
            shown = number_format(f)
            if f.kind == "date" and column_format(layout, c) != shown:
                rows.setdefault((c, shown), []).append(first + i)
    for (column, shown), found in rows.items():
        top = found[0]
        for before, row in zip(found, [*found[1:], None]):
            if row != before + 1:
                sheet.range((top, column), (before, column)).number_format = shown
                top = row if row is not None else top


def select_first_problem(sheet: Any, batch: Batch) -> None:
    """Put the cursor on the first error (or warning) cell, where the user starts fixing."""
    findings = [f for f in batch.report.findings if f.column and f.row >= 1]
    first = min(findings, key=lambda f: (f.severity != "error", f.row), default=None)
    if first is None:
        return
    with contextlib.suppress(Exception):  # a protected or hidden sheet keeps its selection
        sheet.range((first.row, column_index(first.column))).select()


def record_export(batch: Batch, path: Path, ledger: Ledger) -> str:
    """Remember the export in the batch ledger; what to tell the user about it."""
    try:
        checked = review(batch, ledger)
        return ledger_text(checked, ledger.record(batch.spec.name, path, checked.documents))
    except LedgerError as e:
        return f"The export is not in the batch ledger: {e}"


def formula_areas(sheet: Any, values: list[list[Any]]) -> Iterator[tuple[int, Any]]:
    """The data area `values` was read from, a chunk of rows per call: each chunk's first
    row and its range, to read its formulas."""
    if not values:
        return
    width = max(len(r) for r in values)
    step = rows_per_call(width)
    for top in range(1, len(values) + 1, step):
        yield top, sheet.range((top, 1), (min(top + step - 1, len(values)), width))


def formula_texts(formulas: Any, top: int) -> dict[tuple[int, int], str]:
    """The cells (1-based row, column) of a chunk's formulas read from row `top` that hold
    a formula's `=` text or an error constant's `#` text, which is all either front end
    needs; a one-cell range answers its formula, a one-row range a flat list."""
    if isinstance(formulas, str):
        formulas = [[formulas]]
    elif formulas and not isinstance(formulas[0], (list, tuple)):
        formulas = [formulas]
    return {
        (r, c): text
        for r, row in enumerate(formulas or [], start=top)
        for c, text in enumerate(row, start=1)
        if isinstance(text, str) and text[:1] in ("=", "#")
    }


def is_formula(text: str) -> bool:
    """A formula's text, as opposed to an error constant's: never fixed over."""
    return text.startswith("=")
