"""Certain fixes on a workbook file: the preview, and writing exactly what it listed.

Applying writes the listed cells, re-marks the sheet from a validation of the fixed rows
(as the Fix button does), and appends each change to the Audit sheet (cell, old, new,
rule, time); everything else in the workbook is kept as it was (`book_edit`). The
workbook is either wholly fixed or untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..engine.batch import Batch, Context
from ..engine.cells import counting_from_1904
from ..engine.findings import cell_place, column_index
from ..engine.layouts import validate_rows
from ..engine.settings import SettingsFile
from ..progress import stage
from ..specs.columns import ColumnSet
from .book_edit import SheetEdit, edit_book
from .fixes import CellFix, Rows, audit_rows, plan_and_check
from .layout import AUDIT_HEADINGS, AUDIT_SHEET, DATA_SHEET
from .workbook import BookRows, mark_unknown, marks_edit, read_book


@dataclass
class BookFixes:
    path: Path
    fixes: list[CellFix]
    book: BookRows
    context: Context
    # The validation of the sheet with every fix made, when planning already had it.
    after: Batch | None = None


def plan_book_fixes(
    path: Path,
    *,
    columns: ColumnSet | None = None,
    settings: SettingsFile | None = None,
    applying: bool = True,
) -> BookFixes:
    """The certain fixes of the workbook at `path`; cells holding formulas are left alone.

    `applying` when the fixes will be written: the planning then validates the whole sheet
    in its last round, as the marks after them need; a preview validates only the
    documents each round changed.
    """
    path = Path(path)
    book = read_book(path, columns)
    company = settings.for_spec(book.spec.settings) if settings is not None else book.settings
    context = Context(document_type=book.document_type, settings=company)
    locked = {cell_place(ref) for ref in book.formulas}
    with counting_from_1904(book.package is not None and book.package.date1904):
        fixes, after = plan_and_check(book.spec, book.rows, context, locked=locked, whole=applying)
    return BookFixes(path, fixes, book, context, after)


def fixed_rows(rows: Rows, fixes: list[CellFix]) -> Rows:
    """The sheet's rows with the fixes made."""
    new = {(f.row, column_index(f.column)): f.new for f in fixes}
    rows_fixed = {row for row, _ in new}
    out: Rows = []
    for number, cells in rows:
        if number in rows_fixed:
            cells = tuple(new.get((number, c), v) for c, v in enumerate(cells, start=1))
        out.append((number, cells))
    return out


def apply_fixes(path: Path, plan: BookFixes, now: dt.datetime | None = None) -> Batch:
    """Write the planned fixes, mark the sheet afresh and log the fixes on the Audit sheet.

    Refuses (changing nothing) when the workbook changed since the preview. Returns the
    validation of the fixed sheet: what is left to do.
    """
    book = plan.book
    after = plan.after
    if after is None:
        with counting_from_1904(book.package is not None and book.package.date1904):
            after = validate_rows(
                book.spec, fixed_rows(book.rows, plan.fixes), typed=True, context=plan.context
            )
    mark_unknown(after, book)
    edit = marks_edit(book, after)
    cells = dict(edit.cells)
    cells.update({(f.row, column_index(f.column)): f.new for f in plan.fixes})
    stage(f"writing the fixes into {path.name}")
    edit_book(
        path,
        DATA_SHEET,
        SheetEdit(cells, clear=edit.clear),
        append=(AUDIT_SHEET, audit_rows(plan.fixes, now or dt.datetime.now()), AUDIT_HEADINGS),
        expect=book.stamp,
        since="the preview",
        package=book.package,
    )
    return after
