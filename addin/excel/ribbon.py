"""The ribbon's entry points: what each Batchsheet button does to the workbook in Excel.

Each acts on the calling workbook (`xw.Book.caller()`, or the `book` given, as tests do) and
stays thin: it reads the data area in one call, hands the values to the engine, and writes
the marking columns back in one call, so the number of calls into Excel does not grow with
the number of rows or problems. Every failure reaches the user as a plain alert.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..engine.batch import Batch, Context, validate_rows
from ..engine.csv_read import ReadError
from ..files import WriteRefused
from ..specs import SPECS, Spec
from .grid import data_width, grid_rows
from .layout import DATA_SHEET, FORMAT_NAME, INSTRUCTIONS_SHEET, Layout
from .marks import Summary, marks_block
from .plans import (
    ALERT_TITLE,
    HELP_TEXT,
    export_refused_text,
    exported_text,
    free_path,
    import_format,
    imported_text,
    new_batch_path,
    suggested_export_name,
)

ENTRY_POINTS = {
    name: name
    for name in ("validate", "clear_marks", "export_csv", "import_csv", "new_batch", "show_help")
}
# Sheets this large get a progress message in the status bar while they are checked.
STATUS_BAR_ROWS = 5_000

__all__ = ["ENTRY_POINTS", "suggested_export_name"]


class Refused(Exception):
    """Something the user needs to do first; shown as it is."""


def _caller(book: Any | None) -> Any:
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _alert(book: Any, text: str, *, critical: bool = False) -> None:
    book.app.alert(text, title=ALERT_TITLE, mode="critical" if critical else "info")


@contextlib.contextmanager
def _button(book: Any | None) -> Iterator[Any]:
    """The calling workbook; any failure inside becomes a plain alert, never a traceback."""
    book = _caller(book)
    try:
        yield book
    except (Refused, ReadError, WriteRefused) as e:
        _alert(book, str(e), critical=True)
    except Exception as e:  # the user sees a sentence, whatever went wrong
        _alert(book, f"Batchsheet could not finish: {type(e).__name__}: {e}", critical=True)


def book_format(book: Any) -> Spec | None:
    """The format a workbook records in its defined name, or None for any other workbook."""
    try:
        refers_to = book.names[FORMAT_NAME].refers_to
    except Exception:
        return None
    name = str(refers_to).lstrip("=").strip().strip('"')
    return SPECS.get(name)


def _data(book: Any) -> tuple[Any, Spec, list[list[Any]]]:
    """The data sheet, its format, and its values from A1 down, read in one call."""
    spec = book_format(book)
    if spec is None:
        raise Refused(
            "This workbook is not a Batchsheet batch. Start one with New batch, or open a "
            "CSV with Import CSV."
        )
    try:
        sheet = book.sheets[DATA_SHEET]
    except Exception:
        raise Refused(f"This workbook has no sheet named {DATA_SHEET!r}.") from None
    last = sheet.used_range.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return sheet, spec, [list(row) for row in values or []]


def _validate(book: Any, *, writing: bool = False) -> tuple[Any, Batch, list[list[Any]]]:
    sheet, spec, values = _data(book)
    rows = grid_rows(spec, values)
    busy = len(rows) >= STATUS_BAR_ROWS
    if busy:
        book.app.status_bar = f"Batchsheet: checking {len(rows):,} rows…"
    try:
        batch = validate_rows(spec, rows, typed=True, context=Context(writing=writing))
    finally:
        if busy:
            book.app.status_bar = False
    return sheet, batch, values


def _write_marks(sheet: Any, batch: Batch, values: list[list[Any]]) -> None:
    """Every marking cell of the data area in one block: new marks, and blanks over old ones."""
    first = Layout(batch.spec).first_data_row
    last = max(len(values), first)
    block = marks_block(batch.report.findings, first, last)
    sheet.range((first, data_width(batch.spec, values) + 1)).value = block


# -- the buttons ---------------------------------------------------------------------------


def validate(book: Any | None = None) -> None:
    """Validate: mark every bad cell and summarise what was found."""
    with _button(book) as book:
        sheet, batch, values = _validate(book)
        _write_marks(sheet, batch, values)
        _alert(book, Summary.of(batch.report).text())


def clear_marks(book: Any | None = None) -> None:
    """Clear marks: empty the marking columns; the data is not touched."""
    with _button(book) as book:
        sheet, spec, values = _data(book)
        first = Layout(spec).first_data_row
        start = data_width(spec, values) + 1
        last = max(len(values), first)
        sheet.range((first, start), (last, start + 2)).clear_contents()


def export_csv(path: str, book: Any | None = None) -> None:
    """Export CSV: write the import file to `path` (Excel's Save As dialog already asked
    about replacing it), or refuse and mark the errors."""
    from ..transfer import ExportRefused, export_batch

    with _button(book) as book:
        sheet, batch, values = _validate(book, writing=True)
        try:
            done = export_batch(batch, Path(path), replace=True)
        except ExportRefused:
            _write_marks(sheet, batch, values)
            _alert(book, export_refused_text(batch.report), critical=True)
            return
        _alert(book, exported_text(done))


def import_csv(path: str, book: Any | None = None) -> None:
    """Import CSV: the file becomes a new workbook of its format's template beside it; no
    existing sheet or file is written to."""
    import xlwings as xw

    from ..transfer import import_csv as import_file

    with _button(book) as book:
        source = Path(path)
        spec, note = import_format(source, book_format(book))
        target = free_path(source.with_suffix(".xlsx"))
        done = import_file(spec, source, target)
        xw.Book(str(target))
        _alert(book, imported_text(done, note))


def new_batch(format_name: str, book: Any | None = None) -> None:
    """New batch: a new workbook from the chosen format's template, opened in Excel."""
    import xlwings as xw

    from .template import BatchWorkbookWriter

    with _button(book) as book:
        spec = SPECS.get(format_name)
        if spec is None:
            raise Refused(f"Unknown format {format_name!r}.")
        target = new_batch_path(spec, Path.home(), dt.date.today())
        target.parent.mkdir(parents=True, exist_ok=True)
        BatchWorkbookWriter(spec).save(target)
        xw.Book(str(target))


def show_help(book: Any | None = None) -> None:
    """Help: the Instructions sheet of this batch, or what the buttons do."""
    with _button(book) as book:
        if book_format(book) is not None:
            with contextlib.suppress(Exception):
                book.sheets[INSTRUCTIONS_SHEET].activate()
                return
        _alert(book, HELP_TEXT)
