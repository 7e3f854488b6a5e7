"""The ribbon's entry points: what each Batchsheet button does to the workbook in Excel.

Each acts on the calling workbook (`xw.Book.caller()`, or the `book` given, as tests do) and
stays thin: it reads the data area in one call, hands the values to the engine, and writes
the marking columns back in one call, so the number of calls into Excel does not grow with
the number of rows or problems. Every failure reaches the user as a plain alert.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec

from ..actions import pressing
from ..documents import documents_folder
from ..engine.batch import Batch
from ..engine.cells import error_cells, error_text
from ..engine.findings import column_letter
from ..engine.layouts import layout_of
from ..files import WriteRefused, holding
from ..ledger import Ledger
from ..progress import shown_to
from ..refusals import ReadError
from ..review import review
from ..specs import Spec, known_spec
from ..transfer import ExportRefused, Transferred, counts, export_batch, place_csv
from ..transfer import import_csv as import_csv_file
from .batch_book import (
    CELLS_PER_CALL,
    Refused,
    book_format,
    checked,
    columns_differ,
    context_of,
    data_sheet,
    fill_rows,
    formula_areas,
    formula_texts,
    hidden_count,
    is_formula,
    marking_area,
    record_export,
    rows_per_call,
    select_first_problem,
    settings_of,
    sheet_width,
    write_audit,
    write_fixes,
    write_marks,
)
from .fixes import plan_fixes
from .grid import data_start, grid_rows
from .layout import (
    HELPER_NAME,
    INSTRUCTIONS_SHEET,
    LAST_ROW,
    MARK_HEADINGS,
    Layout,
)
from .plans import (
    ALERT_TITLE,
    HELP_TEXT,
    NOTHING_TO_FIX,
    could_not_finish,
    export_refused_text,
    exported_text,
    fix_preview_text,
    fixed_text,
    free_path,
    import_format,
    imported_text,
    new_batch_path,
    reviewed_text,
    suggested_export_name,
)

P = ParamSpec("P")
ENTRY_POINTS = {
    name: name
    for name in (
        "validate",
        "clear_marks",
        "fix",
        "export_csv",
        "import_csv",
        "new_batch",
        "show_help",
    )
}
# Sheets this large get a progress message in the status bar while they are checked.
STATUS_BAR_ROWS = 5_000
# How long Fix's question waits for its answer on macOS, in seconds: a day, in effect no
# limit (appscript's own is 60 s).
ANSWER_WAIT = 24 * 3600
STILL_WORKING = (
    "Batchsheet is still working on this workbook (the button pressed before this one). "
    "Nothing was done this time: wait until it says it is finished, then press again."
)
# Excel's enumerations, as COM takes them (XlFindLookIn, XlLookAt, XlSearchOrder,
# XlSearchDirection, XlCellType: https://learn.microsoft.com/en-us/office/vba/api/excel(enumerations)).
XL_FORMULAS, XL_PART, XL_BY_ROWS, XL_PREVIOUS = -4123, 2, 1, 2
XL_CELL_TYPE_VISIBLE = 12

__all__ = ["CELLS_PER_CALL", "ENTRY_POINTS", "suggested_export_name"]


def _caller(book: Any | None) -> Any:
    if book is not None:
        return book
    # Imported here: the buttons' Python is tested, and runs headless, without Excel.
    from ..installer.caller import caller_book

    return caller_book()


def _alert(book: Any, text: str, *, critical: bool = False) -> None:
    _show_alert(book, text, critical=critical)


def _status(book: Any, text: str | bool) -> None:
    # Progress is a courtesy: an Excel without a status bar (a web client) goes without.
    with contextlib.suppress(Exception):
        book.app.status_bar = text


def _ask(book: Any, prompt: str) -> bool:
    """A yes/no question the user may take their time over.

    On macOS xlwings asks through StandardAdditions' `display_alert` (`_xlmac.App.alert`),
    an Apple event that appscript gives up on after 60 s (`timeout` in py-appscript's
    `reference.Command.__call__`): an answer after that would be lost, and the question's
    own failure would stop the button. So on macOS it is asked the same way with a day to
    answer. On Windows the message box waits for its answer (`_xlwindows.App.alert`).
    """
    return _show_alert(book, prompt, question=True) == "yes"


def _show_alert(book: Any, text: str, *, critical: bool = False, question: bool = False) -> str:
    """An alert (a yes/no `question`), its answer in lower case; on macOS without the 60 s
    after which appscript gives up (see `_ask`), every alert alike."""
    try:
        import osax  # appscript's StandardAdditions: on macOS, where xlwings needs it
        from appscript import k
    except ImportError:
        buttons = "yes_no" if question else "ok"
        mode = "critical" if critical else "info"
        return str(book.app.alert(text, title=ALERT_TITLE, buttons=buttons, mode=mode))
    additions = osax.OSAX(pid=book.app.pid)
    additions.activate()  # the alert shows in front, as xlwings' does
    reply = additions.display_alert(
        ALERT_TITLE,
        message=text,
        buttons=["No", "Yes"] if question else "OK",
        as_=k.critical if critical else k.informational,
        timeout=ANSWER_WAIT,
    )
    return str(reply[k.button_returned]).lower()


@contextlib.contextmanager
def _one_at_a_time(book: Any) -> Iterator[bool]:
    """Whether this press may work on the workbook: False while another press still works
    on it. On macOS RunPython returns to Excel at once (xlwings' AppleScript starts Python
    in the background), so a second press can start a second Python on the same workbook;
    a lock file beside the system's temporary files, held while the button works, keeps
    the second from writing over the first's work. On Windows RunPython waits."""
    try:
        name = str(book.fullname)
    except Exception:
        name = str(getattr(book, "name", "workbook"))
    key = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    with holding(Path(tempfile.gettempdir()) / f"batchsheet-{key}.lock", 0) as free:
        yield free


@contextlib.contextmanager
def _button(book: Any | None) -> Iterator[Any]:
    """The calling workbook; any failure inside becomes a plain alert, never a traceback."""
    book = _caller(book)
    with _one_at_a_time(book) as free:
        if not free:
            with contextlib.suppress(Exception):  # nothing is done, whatever the alert does
                _alert(book, STILL_WORKING)
            raise _Stop
        with _working(book), pressing():
            yield book


class _Stop(Exception):
    """A press that must not start: said already, nothing done."""


def _press(button: Callable[P, None]) -> Callable[P, None]:
    """A ribbon button: a press that must not start (`_Stop`) ends quietly."""

    @functools.wraps(button)
    def pressed(*args: P.args, **kwargs: P.kwargs) -> None:
        with contextlib.suppress(_Stop):
            button(*args, **kwargs)

    return pressed


@contextlib.contextmanager
def _working(book: Any) -> Iterator[None]:
    said: list[str] = []

    def status(words: str | None) -> None:
        # Every call crosses into Excel: the bar is handed back only if it was taken.
        if words:
            said.append(words)
            _status(book, f"Batchsheet: {words}…")
        elif said:
            _status(book, False)

    try:
        # Each step of the work (reading, checking, writing) shows in the status bar.
        with shown_to(status):
            yield
    except (Refused, ReadError, WriteRefused) as e:
        _alert(book, str(e), critical=True)
    except Exception as e:  # the user sees a sentence, whatever went wrong
        _alert(book, could_not_finish(e), critical=True)
    finally:
        _close_helper(book)


def _close_helper(book: Any) -> None:
    """Close the blank workbook the add-in opened for Python when Excel had none open."""
    try:
        book.names(HELPER_NAME)
    except Exception:
        return  # the user's own workbook
    with contextlib.suppress(Exception):
        book.close()


def _data(book: Any) -> tuple[Any, Spec, list[list[Any]], dict[str, str]]:
    """The data sheet, its format, its values from A1 to the last row holding data (read a
    chunk of rows per call), and the cells showing an error value, with the error."""
    sheet, spec = data_sheet(book)
    width = sheet_width(sheet, spec)
    last = _last_row(sheet, width)
    area = sheet.range((1, 1), (last, width))
    # xlwings reads an error as None unless asked for its text (`err_to_str`, Windows);
    # on macOS it is AppleScript's missing value whatever is asked, and `err_to_str` on
    # more than one row fails in xlwings 0.37.8 (`_xlmac.Range.raw_value`).
    windows = _com(area) is not None
    options = area.options(ndim=2, chunksize=rows_per_call(width), err_to_str=windows)
    values = [list(row) for row in options.value or []]
    errors: dict[str, str] = {}
    if windows:
        found = error_cells(values)
        # The text `#N/A` reads as an error's text does: read once more without
        # `err_to_str`, where any is, an error is None and the text itself.
        plain = None
        if any(type(values[r - 1][c - 1]) is str for r, c, _ in found):
            plain = area.options(ndim=2, chunksize=rows_per_call(width)).value
        for r, c, error in found:
            value = values[r - 1][c - 1]
            if type(value) is int or plain is None or plain[r - 1][c - 1] is None:
                errors[f"{column_letter(c)}{r}"] = error
                values[r - 1][c - 1] = None
    else:
        # What a cell holds, read as its formula, tells the two apart: an error constant
        # (pasted as a value) is the error's text, a formula is its `=` text.
        for (r, c), text in _formulas(sheet, values).items():
            if values[r - 1][c - 1] is None:
                named = error_text(text)
                if named is not None or text.startswith("="):
                    errors[f"{column_letter(c)}{r}"] = named or ""
    return sheet, spec, values, errors


def _com(area: Any) -> Any | None:
    """The COM object of a range (Windows); None on macOS, where `.api` is an AppleScript
    reference without Excel's COM members (`_xlmac.Range.api`)."""
    try:
        com = area.api
        com.Cells  # noqa: B018  # an AppleScript reference raises AttributeError here
    except AttributeError:
        return None
    return com


def _last_row(sheet: Any, width: int) -> int:
    """The last row with a value in the sheet's columns, hidden rows included (a filter or
    rows hidden by hand never cut a batch short), found by Excel in a call or two: not the
    used range alone, which reaches the sheet's last row once a user formats whole columns.

    xlwings' `find` looks in values, and Excel's Find of values skips hidden cells
    (https://learn.microsoft.com/en-us/office/vba/api/excel.range.find); of formulas it
    does not. On Windows that Find is asked through COM; on macOS, where `.api` is an
    AppleScript reference, the rows past the last visible value are asked whether any is
    hidden, and read only then.
    """
    area = sheet.range((1, 1), (LAST_ROW, width))
    com = _com(area)
    if com is not None:
        found = com.Find(
            What="*",
            After=com.Cells(1, 1),
            LookIn=XL_FORMULAS,
            LookAt=XL_PART,
            SearchOrder=XL_BY_ROWS,
            SearchDirection=XL_PREVIOUS,
            MatchCase=False,
        )
        return found.Row if found is not None else 1
    found = area.find("*", direction="backward", order="rows")
    visible = found.row if found is not None else 1
    used = sheet.used_range.last_cell.row
    if used <= visible:
        return visible
    rest = sheet.range((visible + 1, 1), (used, width))
    if rest.rows.hidden is False:
        return visible
    values = rest.options(ndim=2, chunksize=rows_per_call(width)).value or []
    filled = [
        i for i, row in enumerate(values, start=visible + 1) if any(v is not None for v in row)
    ]
    return filled[-1] if filled else visible


def _hidden_rows(sheet: Any, first: int, last: int) -> int | None:
    """How many of the rows `first` to `last` are hidden (by a filter or by hand): 0, a
    count, or None where some are and Excel on macOS does not count them cheaply."""
    if last < first:
        return 0
    column = sheet.range((first, 1), (last, 1))
    com = _com(column)
    if com is not None:
        try:
            visible = int(com.SpecialCells(XL_CELL_TYPE_VISIBLE).Count)
        except Exception:  # Excel's "No cells were found": every row is hidden
            visible = 0
        return (last - first + 1) - visible
    return hidden_count(column.rows.hidden, first, last)


def _read(sheet: Any, last: int, width: int) -> list[list[Any]]:
    area = sheet.range((1, 1), (last, width))
    return area.options(ndim=2, chunksize=rows_per_call(width)).value or []


def _validate(book: Any) -> tuple[Any, Batch, list[list[Any]]]:
    sheet, spec, values, errors = _data(book)
    rows = grid_rows(spec, values)
    context = context_of(book, spec)
    busy = len(rows) >= STATUS_BAR_ROWS
    if busy:
        _status(book, f"Batchsheet: checking {len(rows):,} rows…")
    try:
        batch = checked(spec, rows, context, errors)
    finally:
        if busy:
            _status(book, False)
    return sheet, batch, values


# -- the buttons ---------------------------------------------------------------------------


@_press
def validate(book: Any | None = None) -> None:
    """Validate: mark every bad cell and summarise what was found."""
    with _button(book) as book:
        sheet, batch, values = _validate(book)
        checked = review(batch, Ledger())
        write_marks(sheet, batch, values)
        select_first_problem(sheet, batch)
        _alert(book, reviewed_text(checked))


@_press
def clear_marks(book: Any | None = None) -> None:
    """Clear marks: empty the marking columns; the data is not touched."""
    with _button(book) as book:
        sheet, spec = data_sheet(book)
        marking_area(sheet, spec, _last_row(sheet, sheet_width(sheet, spec))).clear_contents()


@_press
def export_csv(path: str, book: Any | None = None) -> None:
    """Export CSV: write the import file to `path` (Excel's Save As dialog already asked
    about replacing it), or refuse and mark the errors."""
    with _button(book) as book:
        sheet, batch, values = _validate(book)
        try:
            done = export_batch(batch, Path(path), replace=True, inputs=_own_file(book))
        except ExportRefused:
            write_marks(sheet, batch, values)
            _alert(book, export_refused_text(batch.report), critical=True)
            return
        hidden = _hidden_rows(sheet, data_start(batch.spec, values), len(values))
        _alert(
            book, exported_text(done, hidden) + "\n" + record_export(batch, Path(path), Ledger())
        )


def _own_file(book: Any) -> tuple[Path, ...]:
    """The workbook's own file, which an export must never replace; none while unsaved."""
    try:
        own = Path(book.fullname)
    except Exception:
        return ()
    return (own,) if own.is_absolute() else ()


@_press
def fix(book: Any | None = None) -> None:
    """Fix: list the certain fixes, and write them (logged on the Audit sheet) only on Yes."""
    with _button(book) as book:
        sheet, spec, values, _ = _data(book)
        rows = grid_rows(spec, values)
        plan = plan_fixes(spec, rows, context_of(book, spec), locked=_formula_cells(sheet, values))
        if not plan:
            _alert(book, NOTHING_TO_FIX)
            return
        if not _ask(book, fix_preview_text(plan)):
            return
        write_fixes(sheet, plan)
        write_audit(book, plan, dt.datetime.now())
        sheet, batch, values = _validate(book)
        write_marks(sheet, batch, values)
        _alert(book, fixed_text(plan, batch.report))


def _formula_cells(sheet: Any, values: list[list[Any]]) -> set[tuple[int, int]]:
    """Cells holding formulas (1-based row, column): never fixed."""
    return {cell for cell, text in _formulas(sheet, values).items() if is_formula(text)}


def _formulas(sheet: Any, values: list[list[Any]]) -> dict[tuple[int, int], str]:
    """The cells of the data area whose `Formula` is a formula's `=` text or an error
    constant's `#` text, read a chunk of rows per call."""
    found: dict[tuple[int, int], str] = {}
    for top, area in formula_areas(sheet, values):
        found.update(formula_texts(area.formula, top))
    return found


@_press
def import_csv(path: str, book: Any | None = None) -> None:
    """Import CSV: into the batch in front of the user when it is one of the file's format
    with no rows yet; otherwise the file becomes a new workbook of its format's template
    beside it. No row or file already there is written over."""
    # Imported here: opening a workbook is the one call that needs Excel itself.
    import xlwings as xw

    with _button(book) as book:
        source = Path(path)
        here = book_format(book)
        spec, note = import_format(source, here)
        if here is spec:
            done, why_not = _fill_this_batch(book, spec, source)
            if done is not None:
                _alert(book, imported_text(done, note, here=True))
                return
            note = f"{why_not}\n{note}".strip()
        target = free_path(source.with_suffix(".xlsx"))
        done = import_csv_file(spec, source, target)
        xw.Book(str(target))
        _alert(book, imported_text(done, note))


def _fill_this_batch(book: Any, spec: Spec, source: Path) -> tuple[Transferred | None, str]:
    """The CSV's rows written into this batch's data sheet, when it has none yet and (for
    a header-row format) names the file's columns; else None and why not."""
    sheet, _ = data_sheet(book)
    width = sheet_width(sheet, spec)
    first = Layout(spec).first_data_row
    if _last_row(sheet, width) >= first:
        return None, "This batch already has rows, so the file was opened as a new workbook."
    placed = place_csv(spec, source, settings_of(book, spec))
    if layout_of(spec).header_row:
        header = _read(sheet, 1, width - len(MARK_HEADINGS))[0]
        if columns_differ(header, placed):
            return None, (
                "The file's columns differ from this batch's, so it was opened as a new workbook."
            )
    fill_rows(sheet, placed)
    return Transferred(
        placed.batch, Path(book.fullname), *counts(placed.batch), placed.unplaced
    ), ""


@_press
def new_batch(format_name: str, book: Any | None = None) -> None:
    """New batch: a new workbook from the chosen format's template, opened in Excel."""
    # Imported here: opening a workbook is the one call that needs Excel itself.
    import xlwings as xw

    with _button(book) as book:
        spec = known_spec(format_name)
        if spec is None:
            raise Refused(f"Unknown format {format_name!r}.")
        target = new_batch_path(spec, documents_folder(), dt.date.today())
        target.parent.mkdir(parents=True, exist_ok=True)
        from .template import BatchWorkbookWriter  # New batch only: openpyxl

        BatchWorkbookWriter(spec).save(target)
        xw.Book(str(target))


@_press
def show_help(book: Any | None = None) -> None:
    """Help: the Instructions sheet of this batch, or what the buttons do."""
    with _button(book) as book:
        if book_format(book) is not None:
            with contextlib.suppress(Exception):
                book.sheets[INSTRUCTIONS_SHEET].activate()
                return
        _alert(book, HELP_TEXT)
