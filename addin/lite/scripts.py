"""What the Lite buttons do (`addin/lite/main.py`): the ribbon's Validate, Clear marks, Fix,
Export CSV and Import CSV, on the workbook xlwings Lite hands a script.

Lite runs xlwings' API in the browser, which changes what a button may do
(https://lite.xlwings.org/async-api):

- every sheet's values are loaded when the script starts and reads come from that
  snapshot; writes are queued and applied in order when the script returns. So nothing
  here reads back what it wrote: Fix reloads the workbook (`await book.load()`, which
  applies the queued writes first) before it validates the fixed batch.
- `Range.find`, formulas and row visibility are read only on demand, awaited; the last
  row is found in the loaded values instead of by `find`, and the scripts are coroutines
  so that Fix can await the formulas it must not write over and Export the hidden rows
  it reports.
- there is no status bar, and an alert answers nothing: outcomes are printed to the task
  pane in the ribbon's own words (`addin.excel.plans`), and Fix takes a checkbox,
  `apply`, where the ribbon asks yes or no.
- there is no workbook file: no `Book(path)`, nothing read from an .xlsx. Files live in
  Lite's `/data` folder (https://lite.xlwings.org/files): Export CSV writes there for the
  user to download, Import CSV reads what the user put there.

The ledger of exported batches is kept in the workbook (`book_ledger`, which says why).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..actions import pressing
from ..engine.batch import Batch
from ..engine.cells import error_cells
from ..engine.findings import column_letter
from ..engine.layouts import layout_of
from ..excel.batch_book import (
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
from ..excel.fixes import plan_fixes
from ..excel.grid import data_start, grid_rows
from ..excel.layout import MARK_HEADINGS, Layout
from ..excel.plans import (
    NOTHING_TO_FIX,
    could_not_finish,
    export_refused_text,
    exported_text,
    fix_preview_text,
    fixed_text,
    free_path,
    import_format,
    imported_text,
    reviewed_text,
    suggested_export_name,
)
from ..files import WriteRefused
from ..ledger import LedgerError, exported_batch
from ..refusals import ReadError
from ..review import review
from ..transfer import ExportRefused, Transferred, counts, export_batch, place_csv
from ..wording import counted
from .book_ledger import book_ledger

# Lite's folder for the files a user imports and downloads (https://lite.xlwings.org/files).
DATA = Path("/data")
FILES_MENU = "the xlwings Lite menu, Files"
# Lite's buttons live in the workbook: a batch is started from a copy of a Lite template.
START_A_BATCH = (
    "Batchsheet's buttons work in a copy of the Lite template of your format "
    "(workbook_templates/<format>-lite.xlsx): open one and press again."
)


@contextlib.contextmanager
def _script() -> Iterator[None]:
    """A press: what the user must do first, or any failure, printed as a sentence."""
    try:
        with pressing():
            yield
    except (Refused, ReadError, WriteRefused, LedgerError) as e:
        print(e)
    except Exception as e:  # the user sees a sentence, whatever went wrong
        print(could_not_finish(e))


async def _last_row(sheet: Any, width: int) -> tuple[int, list[list[Any]]]:
    """The last row holding a value in the sheet's first `width` columns (hidden rows
    included, as on the desktop), and the values of rows 1 to it, read as error texts.

    Its bound is the used range of values only (`get_used_range(values_only=True)`, Office.js
    `getUsedRange(true)`): the plain used range also covers formatted cells, and reaches the
    sheet's last row once whole columns are formatted, which would be a million rows read."""
    used = await sheet.get_used_range(values_only=True)
    if used is None:
        return 0, []
    area = sheet.range((1, 1), (used.last_cell.row, width))
    values = [
        list(row)
        for row in area.options(ndim=2, chunksize=rows_per_call(width), err_to_str=True).value or []
    ]
    while len(values) > 1 and all(v is None for v in values[-1]):
        values.pop()
    return len(values), values


async def _data(book: Any) -> tuple[Any, Any, list[list[Any]], dict[str, str]]:
    """The data sheet, its format, its values from A1 to the last row holding data, and
    the cells showing an error value, with the error.

    Lite hands an error value over as its text, `#N/A` (xlwings' remote engine reads it as
    None unless asked for the text, `_clean_value_data_element`); a text cell reading
    `#N/A` is read the same, and is taken for the error it spells (Excel itself makes an
    error of `#N/A` typed into a cell)."""
    sheet, spec = data_sheet(book, START_A_BATCH)
    _, values = await _last_row(sheet, sheet_width(sheet, spec))
    errors: dict[str, str] = {}
    for r, c, error in error_cells(values):
        errors[f"{column_letter(c)}{r}"] = error
        values[r - 1][c - 1] = None
    return sheet, spec, values, errors


async def _validate(book: Any) -> tuple[Any, Batch, list[list[Any]]]:
    sheet, spec, values, errors = await _data(book)
    return sheet, checked(spec, grid_rows(spec, values), context_of(book, spec), errors), values


async def validate(book: Any) -> None:
    """Validate: mark every bad cell and print what was found."""
    with _script():
        sheet, batch, values = await _validate(book)
        with book_ledger(book) as ledger:
            said = review(batch, ledger)
        write_marks(sheet, batch, values)
        select_first_problem(sheet, batch)
        print(reviewed_text(said))


async def clear_marks(book: Any) -> None:
    """Clear marks: empty the marking columns; the data is not touched."""
    with _script():
        sheet, spec = data_sheet(book, START_A_BATCH)
        width = sheet_width(sheet, spec)
        marking_area(sheet, spec, (await _last_row(sheet, width))[0]).clear_contents()


async def fix(book: Any, *, apply: bool = False) -> None:
    """Fix: print the certain fixes; with `apply`, write them (logged on the Audit sheet)
    and validate the fixed batch."""
    with _script():
        sheet, spec, values, _ = await _data(book)
        plan = plan_fixes(
            spec,
            grid_rows(spec, values),
            context_of(book, spec),
            locked=await _formula_cells(sheet, values),
        )
        if not plan:
            print(NOTHING_TO_FIX)
            return
        if not apply:
            print(fix_preview_text(plan))
            print("\nTo make them, tick apply and press Fix again.")
            return
        write_fixes(sheet, plan)
        write_audit(book, plan, dt.datetime.now())
        # The fixed values are read as Excel holds them: the queued writes are applied and
        # the workbook's values loaded again (https://lite.xlwings.org/async-api).
        await book.load()
        sheet, batch, values = await _validate(book)
        write_marks(sheet, batch, values)
        print(fixed_text(plan, batch.report))


async def _formula_cells(sheet: Any, values: list[list[Any]]) -> set[tuple[int, int]]:
    """Cells holding formulas (1-based row, column): never fixed. Lite reads formulas only
    on demand (`await Range.get_formula()`), a chunk of rows per read."""
    found: set[tuple[int, int]] = set()
    for top, area in formula_areas(sheet, values):
        texts = formula_texts(await area.options(ndim=2).get_formula(), top)
        found.update(cell for cell, text in texts.items() if is_formula(text))
    return found


async def export_csv(book: Any, folder: Path | None = None) -> None:
    """Export CSV: write the import file into `folder` under a name of its own (never over
    another file) and name it for download; or refuse, nothing written, and mark the
    errors."""
    with _script():
        sheet, batch, values = await _validate(book)
        name = suggested_export_name(str(book.name), batch.spec.name, dt.date.today())
        target = free_path(Path(folder or DATA) / name)
        try:
            done = export_batch(batch, target)
        except ExportRefused:
            write_marks(sheet, batch, values)
            print(export_refused_text(batch.report))
            return
        first = data_start(batch.spec, values)
        hidden = await _hidden_rows(sheet, first, len(values))
        with book_ledger(book) as ledger:
            recorded = record_export(batch, target, ledger)
        print(exported_text(done, hidden) + "\n" + recorded)
        print(f"\nDownload {target.name} from {FILES_MENU}.")


async def forget_export(book: Any, batch: int = 0) -> None:
    """Forget an export: with no batch, list the exports this workbook remembers; with one,
    take it out of the ledger, so that Validate no longer warns of its documents."""
    with _script():
        with book_ledger(book) as ledger:
            if not batch:
                held = ledger.batches()
                if not held:
                    print("This workbook has exported no batch yet: its ledger is empty.")
                    return
                print(f"This workbook's ledger remembers {counted(len(held), 'export')}:")
                for b in held:
                    print(f"  {b.id}: {exported_batch(b)}")
                print(
                    "\nTo forget one that was never imported, type its number in batch and "
                    "press Forget an export again."
                )
                return
            gone = ledger.forget(str(batch))
        if not gone:
            raise Refused(
                f"This workbook's ledger has no batch {batch}: nothing was forgotten. Leave "
                "batch at 0 and press Forget an export to list the ones it has."
            )
        for b in gone:
            print(f"Forgot batch {b.id}: {exported_batch(b)}.")


async def _hidden_rows(sheet: Any, first: int, last: int) -> int | None:
    """How many of the rows first..last are hidden: Lite reads row visibility only on
    demand (`await rows.get_hidden()`)."""
    if last < first:
        return 0
    rows = sheet.range((first, 1), (last, 1)).rows
    return hidden_count(await rows.get_hidden(), first, last)


async def import_csv(book: Any, file_name: str = "", folder: Path | None = None) -> None:
    """Import CSV: the rows of a CSV in `folder` (`file_name`, or the only one there) into
    this batch's empty data sheet. A batch with rows is never written over."""
    with _script():
        here = book_format(book)
        sheet, spec = data_sheet(book, START_A_BATCH)
        source = _chosen_csv(Path(folder or DATA), file_name)
        found, note = import_format(source, here)
        if found is not spec:
            raise Refused(
                f"{source.name} is a {found.title}, and this workbook is a {spec.title} "
                f"batch: nothing was imported. Import it into a {found.title} template."
            )
        width = sheet_width(sheet, spec)
        if (await _last_row(sheet, width))[0] >= Layout(spec).first_data_row:
            raise Refused(
                "This batch already has rows, and Import CSV never writes over them: nothing "
                "was imported. Import into an empty template of this format."
            )
        placed = place_csv(spec, source, settings_of(book, spec))
        if layout_of(spec).header_row:
            header = sheet.range((1, 1), (1, width - len(MARK_HEADINGS))).options(ndim=1).value
            if columns_differ(header or [], placed):
                raise Refused(
                    f"The columns of {source.name} differ from this batch's: nothing was "
                    "imported. Import it into an empty template of its format."
                )
        fill_rows(sheet, placed, dates_as_text=True)
        done = Transferred(placed.batch, source, *counts(placed.batch), placed.unplaced)
        print(imported_text(done, note, here=True))


def _chosen_csv(folder: Path, file_name: str) -> Path:
    """The CSV to import: the one named, or the only one in the folder."""
    there = sorted((p for p in _listed(folder) if p.suffix.lower() == ".csv"), key=lambda p: p.name)
    names = ", ".join(p.name for p in there)
    wanted = file_name.strip()
    if wanted:
        source = folder / Path(wanted).name
        if source.is_file():
            return source
        held = f"The CSV files there: {names}." if there else "There is no CSV file there."
        raise Refused(
            f"No file named {Path(wanted).name!r} in xlwings Lite's files (open "
            f"{FILES_MENU}): nothing was imported. {held}"
        )
    if not there:
        raise Refused(
            f"There is no CSV file in xlwings Lite's files: nothing was imported. Open "
            f"{FILES_MENU}, drop the file there, then press Import CSV again."
        )
    if len(there) > 1:
        raise Refused(
            f"There are {len(there)} CSV files in xlwings Lite's files ({names}): nothing "
            "was imported. Type the name of the one to import in file_name, then press "
            "Import CSV again."
        )
    return there[0]


def _listed(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_file()]
    except OSError:
        return []
