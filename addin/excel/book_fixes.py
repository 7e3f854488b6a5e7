"""Certain fixes on a workbook file: the preview, and writing exactly what it listed.

Applying writes the listed cells and nothing else, appends each change to the Audit sheet
(cell, old, new, rule, time), and saves through a temporary file and a rename, so the
workbook is either wholly fixed or untouched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Font

from ..engine.batch import Context
from ..engine.csv_read import ReadError
from ..engine.settings import SettingsFile
from ..files import WriteRefused, write_atomically
from ..specs.columns import ColumnSet
from .fixes import CellFix, plan_fixes, shown
from .layout import AUDIT_HEADINGS, AUDIT_SHEET, DATA_SHEET
from .workbook import read_book


@dataclass
class BookFixes:
    path: Path
    fixes: list[CellFix]


def plan_book_fixes(
    path: Path, *, columns: ColumnSet | None = None, settings: SettingsFile | None = None
) -> BookFixes:
    """The certain fixes of the workbook at `path`; cells holding formulas are left alone."""
    path = Path(path)
    book = read_book(path, columns)
    company = settings.for_spec(book.spec.settings) if settings is not None else book.settings
    context = Context(document_type=book.document_type, settings=company)
    locked = _formula_cells(path)
    return BookFixes(path, plan_fixes(book.spec, book.rows, context, locked=locked))


def _formula_cells(path: Path) -> set[tuple[int, int]]:
    wb = _open(path, read_only=True)
    try:
        ws = wb[DATA_SHEET]
        return {
            (cell.row, cell.column)
            for row in ws.iter_rows()
            for cell in row
            if getattr(cell, "data_type", None) == "f"
        }
    finally:
        wb.close()


def _open(path: Path, *, read_only: bool = False):
    try:
        return load_workbook(
            path, read_only=read_only, keep_vba=path.suffix.lower() == ".xlsm", keep_links=False
        )
    except Exception as e:
        raise ReadError(str(path), f"cannot open the workbook to fix it: {e}") from None


def apply_fixes(path: Path, plan: BookFixes, now: dt.datetime | None = None) -> None:
    """Write the planned fixes and log them on the Audit sheet.

    Refuses (changing nothing) when a planned cell no longer holds the value the preview
    showed: the workbook changed in between.
    """
    path = Path(path)
    wb = _open(path)
    ws = wb[DATA_SHEET]
    for fix in plan.fixes:
        current = ws[fix.cell].value
        if shown(current) != shown(fix.old):
            raise WriteRefused(
                f"{path}: cell {fix.cell} changed since the preview ({shown(fix.old)!r} is now "
                f"{shown(current)!r}); nothing was fixed. Run fix again."
            )
    for fix in plan.fixes:
        cell = ws[fix.cell]
        cell.value = fix.new
        if isinstance(fix.new, str):
            # Text stays text: a fixed "=..." or "-5" code must not become a formula.
            cell.data_type = "s"
    _audit(wb, plan.fixes, now or dt.datetime.now())
    write_atomically(path, lambda temp: wb.save(temp), replace=True)


def audit_rows(fixes: list[CellFix], now: dt.datetime) -> list[list[str]]:
    stamp = now.isoformat(sep=" ", timespec="seconds")
    return [[f"{DATA_SHEET}!{f.cell}", shown(f.old), shown(f.new), f.rule, stamp] for f in fixes]


def _audit(wb, fixes: list[CellFix], now: dt.datetime) -> None:
    if AUDIT_SHEET in wb.sheetnames:
        ws = wb[AUDIT_SHEET]
    else:
        ws = wb.create_sheet(AUDIT_SHEET)
        ws.append(list(AUDIT_HEADINGS))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCDE", (12, 30, 30, 50, 20)):
            ws.column_dimensions[letter].width = width
    for values in audit_rows(fixes, now):
        ws.append(values)
        for cell in ws[ws.max_row]:
            cell.data_type = "s"
            cell.number_format = "@"
