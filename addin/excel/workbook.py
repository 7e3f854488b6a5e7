"""The openpyxl adapter: Batchsheet workbooks on disk, read in one pass and marked in one pass."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from ..engine.batch import Batch, Context, validate_rows
from ..engine.csv_read import ReadError
from ..engine.settings import CompanySettings, SettingsFile
from ..files import write_atomically
from ..specs import SPECS, Spec
from ..specs.columns import ColumnSet, ColumnSetError, parse_column_set, with_columns
from .grid import data_width, grid_rows
from .layout import COLUMNS_SHEET, DATA_SHEET, FORMAT_NAME, SETTINGS_SHEET, Layout
from .marks import marks_block
from .settings_sheet import settings_of_workbook

DOCUMENT_TYPE_NAME = "Batchsheet_DocumentType"


@dataclass
class BookRows:
    spec: Spec
    rows: list[tuple[int, tuple[Any, ...]]]
    document_type: str | None = None
    # The workbook's Settings sheet; None when it has none.
    settings: CompanySettings | None = None


def _defined_text(wb: Workbook, name: str) -> str | None:
    defined = wb.defined_names.get(name)
    if defined is None or defined.attr_text is None:
        return None
    text = defined.attr_text.strip()
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return None


def open_book(path: Path, *, read_only: bool = True) -> Workbook:
    """Open a workbook for reading values, with a clear error for anything that is not one."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(str(path), "no such file")
    try:
        return load_workbook(path, read_only=read_only, data_only=True, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise ReadError(
            str(path), f"not an Excel workbook (.xlsx) that can be read: {_reason(e)}"
        ) from None
    except Exception as e:  # openpyxl and defusedxml raise many kinds for damaged files
        raise ReadError(str(path), f"the workbook is damaged or unsafe: {_reason(e)}") from None


def _reason(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]


def book_spec(wb: Workbook, path: Path) -> Spec:
    name = _defined_text(wb, FORMAT_NAME)
    if name is None:
        raise ReadError(
            str(path),
            "this workbook does not say which import format it holds: make it from a "
            "Batchsheet template, or bring a CSV in with `batchsheet import`",
        )
    if name not in SPECS:
        raise ReadError(str(path), f"the workbook holds the format {name!r}, which is unknown")
    spec = SPECS[name]
    if spec.layout == "table" and COLUMNS_SHEET in wb.sheetnames:
        text = "".join(
            str(v) for (v,) in wb[COLUMNS_SHEET].iter_rows(max_col=1, values_only=True) if v
        )
        try:
            spec = with_columns(spec, parse_column_set(text, f"{path}, sheet {COLUMNS_SHEET}"))
        except ColumnSetError as e:
            raise ReadError(str(path), f"the workbook's column set cannot be used: {e}") from None
    return spec


def read_book(path: Path, columns: ColumnSet | None = None) -> BookRows:
    """Every data row of a Batchsheet workbook with its sheet row number.

    A header-row sheet's rows start with the header row. `columns` replaces the column set
    the workbook keeps.
    """
    path = Path(path)
    wb = open_book(path)
    try:
        spec = book_spec(wb, path)
        if columns is not None:
            try:
                spec = with_columns(SPECS[spec.name], columns)
            except ColumnSetError as e:
                raise ReadError(str(path), str(e)) from None
        if DATA_SHEET not in wb.sheetnames:
            raise ReadError(str(path), f"the workbook has no sheet named {DATA_SHEET!r}")
        ws = wb[DATA_SHEET]
        # A records sheet's marking columns are not read; a header-row sheet's width is
        # only known from its header row.
        width = None if spec.layout == "table" else Layout(spec).data_width
        try:
            values = list(ws.iter_rows(max_col=width, values_only=True))
        except Exception as e:
            raise ReadError(str(path), f"the sheet cannot be read: {_reason(e)}") from None
        settings = settings_of_workbook(wb, spec.settings, f"{path}, sheet {SETTINGS_SHEET}")
        return BookRows(
            spec, grid_rows(spec, values), _defined_text(wb, DOCUMENT_TYPE_NAME), settings
        )
    finally:
        wb.close()


def validate_book(
    path: Path,
    *,
    writing: bool = False,
    columns: ColumnSet | None = None,
    settings: SettingsFile | None = None,
) -> Batch:
    """Validate a workbook; `writing` when its rows are about to become an import file.

    `settings` (a settings file) replace the workbook's own Settings sheet.
    """
    book = read_book(path, columns)
    context = Context(
        document_type=book.document_type,
        writing=writing,
        settings=settings.for_spec(book.spec.settings) if settings is not None else book.settings,
    )
    return validate_rows(book.spec, book.rows, typed=True, context=context)


def mark_book(path: Path, batch: Batch) -> None:
    """Write the marking columns of `batch` into the workbook at `path`, replacing old marks."""
    path = Path(path)
    keep_vba = path.suffix.lower() == ".xlsm"
    try:
        wb = load_workbook(path, keep_vba=keep_vba)
    except Exception as e:
        raise ReadError(str(path), f"cannot open the workbook to mark it: {_reason(e)}") from None
    ws = wb[DATA_SHEET]
    layout = Layout(batch.spec)
    first = layout.first_data_row
    last = max(ws.max_row, first)
    block = marks_block(batch.report.findings, first, last)
    start = data_width(batch.spec, [tuple(c.value for c in ws[1])]) + 1
    for r, marks in enumerate(block, start=first):
        for c, value in enumerate(marks, start=start):
            if value is not None or ws.cell(row=r, column=c).value is not None:
                ws.cell(row=r, column=c, value=value)
    write_atomically(path, lambda temp: wb.save(temp), replace=True)
