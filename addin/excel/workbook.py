"""Batchsheet workbooks on disk: inspected, read through python-calamine (openpyxl where a
damaged sheet needs explaining), validated, and marked in place."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defusedxml import DefusedXmlException
from python_calamine import CalamineWorkbook

from ..engine.batch import Batch, Context
from ..engine.bulk import without_cycle_collection
from ..engine.cells import ERROR_VALUE, counting_from_1904, error_value_message
from ..engine.layouts import layout_of, validate_rows, with_columns
from ..engine.settings import CompanySettings, SettingsFile, broken_settings, settings_from_grid
from ..files import shown
from ..progress import stage
from ..refusals import ReadError
from ..specs import SPECS, Spec
from ..specs.columns import ColumnSet, ColumnSetError, parse_column_set
from ..wording import counted
from .grid import data_width, grid_rows
from .layout import (
    COLUMNS_SHEET,
    DATA_SHEET,
    DOCUMENT_TYPE_NAME,
    FORMAT_NAME,
    MARK_HEADINGS,
    SETTINGS_SHEET,
    Layout,
    problems_height,
    quoted_constant,
)
from .marks import mark_cells, marks_by_row
from .package import Package, declaration_refusal, inspect_package

if TYPE_CHECKING:
    # The editor is loaded only by the commands that write: validate alone reads.
    from .book_edit import SheetEdit

# Endings by which python-calamine reads a file as the Office Open XML workbook it is.
CALAMINE_BY_NAME = (".xlsx", ".xlsm")
NOT_CALCULATED = "formula-not-calculated"


@dataclass
class BookRows:
    spec: Spec
    rows: list[tuple[int, tuple[Any, ...]]]
    document_type: str | None = None
    # The workbook's Settings sheet; None when it has none.
    settings: CompanySettings | None = None
    # Cells of the data sheet holding a formula that was never calculated (no saved value).
    uncalculated: list[str] = dataclasses.field(default_factory=list)
    # Cells of the data sheet showing an error value, with the error (readers give '').
    errors: dict[str, str] = dataclasses.field(default_factory=dict)
    # Every cell of the data sheet holding a formula.
    formulas: list[str] = dataclasses.field(default_factory=list)
    # Columns of data; the marking columns follow.
    width: int = 0
    # The file's size and modification time when it was read, to tell if it changed since.
    stamp: tuple[int, int] | None = None
    package: Package | None = None


def open_book(path: Path, *, read_only: bool = True) -> tuple[Any, Package]:
    """Open a workbook for reading values, with a clear error for anything that is not one.

    The package is inspected first (see `package`); openpyxl is handed an open file, so a
    copy named `book.xlsx.bak` is judged by its content, not its name.
    """
    # openpyxl is only the fallback reader: imported when needed, it costs a command that
    # never needs it a tenth of a second of start-up.
    from openpyxl import load_workbook

    path = Path(path)
    package = inspect_package(path)
    try:
        with open(path, "rb") as handle:
            data = io.BytesIO(handle.read()) if read_only else handle
            wb = load_workbook(data, read_only=read_only, data_only=True, keep_links=False)
    except OSError as e:
        raise ReadError(shown(path), f"cannot read the file: {e.strerror or e}") from None
    except Exception as e:  # openpyxl and defusedxml raise many kinds for damaged files
        raise _unreadable(path, e) from None
    return wb, package


def _unreadable(path: Path, e: BaseException) -> ReadError:
    """The clearest thing to say about a workbook openpyxl could not parse."""
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return ReadError(shown(path), declaration_refusal(None))
        cause = cause.__cause__ or cause.__context__
    # Imported here: openpyxl is only the fallback reader (see `open_book`).
    from openpyxl.utils.exceptions import InvalidFileException

    if isinstance(e, InvalidFileException):
        return ReadError(str(path), f"not an Excel workbook (.xlsx) that can be read: {_reason(e)}")
    # The zip was sound (check_archive): a part is missing, fails its checksum or is not XML.
    return ReadError(str(path), f"the workbook is damaged: {_reason(e)}")


def _reason(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]


def sheet_values(path: Path, ws: Any, width: int | None) -> list[Sequence[Any]]:
    """A sheet's rows of values. A read-only workbook parses a sheet only now, so a damaged
    sheet shows here, not when the workbook opens."""
    try:
        return [*ws.iter_rows(max_col=width, values_only=True)]
    except Exception as e:
        raise _unreadable(path, e) from None


class CalamineSheets:
    """The sheets of a workbook read through python-calamine (Rust), which reads the same
    saved values as openpyxl about thirteen times faster; the package inspection has
    already refused what it could not be trusted with, and holds the defined names.

    Empty cells arrive as '' and dates as dates: the engine reads both as openpyxl's None
    and datetimes.
    """

    def __init__(self, path: Path, package: Package) -> None:
        if Path(path).suffix.lower() in CALAMINE_BY_NAME:
            # Read where it lies: a copy of the file in memory (12 MB for a 100,000-row
            # sheet) put 6 MB more on the read's peak.
            self.book = CalamineWorkbook.from_path(str(path))
        else:
            # calamine tells formats by the name's ending; the package inspection has
            # already found this one to be a workbook, whatever it is called.
            with open(path, "rb") as handle:
                self.book = CalamineWorkbook.from_filelike(handle)
        self.sheetnames = list(self.book.sheet_names)
        self.package = package

    def defined(self, name: str) -> str | None:
        return quoted_constant(self.package.names.get(name))

    def values(self, sheet: str, width: int | None) -> list[Sequence[Any]]:
        """The sheet's values from A1."""
        found = self.book.get_sheet_by_name(sheet)
        rows: list[Sequence[Any]] = [*found.to_python(skip_empty_area=False)]
        top, left = found.start or (0, 0)
        if left:
            rows = [("",) * left + tuple(r) for r in rows]
        return [()] * top + rows

    def close(self) -> None:
        self.book.close()


class OpenpyxlSheets:
    """The same, through openpyxl: for a sheet calamine cannot read, openpyxl's precise
    message about what is wrong with it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wb = open_book(path)[0]
        self.sheetnames = self.wb.sheetnames

    def defined(self, name: str) -> str | None:
        defined = self.wb.defined_names.get(name)
        return None if defined is None else quoted_constant(defined.attr_text)

    def values(self, sheet: str, width: int | None) -> list[Sequence[Any]]:
        return sheet_values(self.path, self.wb[sheet], width)

    def close(self) -> None:
        self.wb.close()


Sheets = CalamineSheets | OpenpyxlSheets


def book_spec(sheets: Sheets, path: Path) -> Spec:
    name = sheets.defined(FORMAT_NAME)
    if name is None:
        raise ReadError(
            str(path),
            "this workbook does not say which import format it holds: make it from a "
            "Batchsheet template, or bring a CSV in with `batchsheet import`",
        )
    if name not in SPECS:
        raise ReadError(str(path), f"the workbook holds the format {name!r}, which is unknown")
    spec = SPECS[name]
    if layout_of(spec).header_row and COLUMNS_SHEET in sheets.sheetnames:
        text = "".join(str(r[0]) for r in sheets.values(COLUMNS_SHEET, 1) if r and r[0])
        try:
            spec = with_columns(spec, parse_column_set(text, f"{path}, sheet {COLUMNS_SHEET}"))
        except ColumnSetError as e:
            raise ReadError(str(path), f"the workbook's column set cannot be used: {e}") from None
    return spec


@without_cycle_collection
def read_book(path: Path, columns: ColumnSet | None = None) -> BookRows:
    """Every data row of a Batchsheet workbook with its sheet row number.

    A header-row sheet's rows start with the header row. `columns` replaces the column set
    the workbook keeps. Read through python-calamine; a workbook it cannot read is read
    again through openpyxl, which says precisely what is wrong.
    """
    path = Path(path)
    before = path.stat() if path.is_file() else None
    package = inspect_package(path)
    try:
        sheets: Sheets = CalamineSheets(path, package)
        book = _read(path, sheets, columns)
    except ReadError:
        raise
    except Exception:
        sheets = OpenpyxlSheets(path)
        try:
            book = _read(path, sheets, columns)
        finally:
            sheets.close()
    book.uncalculated = package.uncalculated_cells(DATA_SHEET)
    book.errors = package.error_cells(DATA_SHEET)
    book.formulas = package.formula_cells(DATA_SHEET)
    book.stamp = (before.st_size, before.st_mtime_ns) if before is not None else None
    book.package = package
    return book


def _read(path: Path, sheets: Sheets, columns: ColumnSet | None) -> BookRows:
    spec = book_spec(sheets, path)
    if columns is not None:
        try:
            spec = with_columns(SPECS[spec.name], columns)
        except ColumnSetError as e:
            raise ReadError(str(path), str(e)) from None
    if DATA_SHEET not in sheets.sheetnames:
        raise ReadError(str(path), f"the workbook has no sheet named {DATA_SHEET!r}")
    # A records sheet's marking columns are not read; a header-row sheet's width is only
    # known from its header row.
    width = None if layout_of(spec).header_row else Layout(spec).data_width
    values = sheets.values(DATA_SHEET, width)
    source = f"{path}, sheet {SETTINGS_SHEET}"
    settings = None
    if SETTINGS_SHEET in sheets.sheetnames:
        try:
            cells = [
                [None if v == "" else v for v in r] for r in sheets.values(SETTINGS_SHEET, None)
            ]
        except Exception as e:  # a damaged sheet: the batch is still checked, without settings
            settings = broken_settings(source, e)
        else:
            settings = settings_from_grid(spec.settings, cells, source)
    return BookRows(
        spec,
        grid_rows(spec, values),
        sheets.defined(DOCUMENT_TYPE_NAME),
        settings,
        width=data_width(spec, values),
    )


def validate_book(
    path: Path,
    *,
    columns: ColumnSet | None = None,
    settings: SettingsFile | None = None,
) -> Batch:
    """Validate a workbook: what Validate says of it is what Export refuses it for.

    `settings` (a settings file) replace the workbook's own Settings sheet.
    """
    return check_book(path, columns=columns, settings=settings)[1]


def check_book(
    path: Path,
    *,
    columns: ColumnSet | None = None,
    settings: SettingsFile | None = None,
) -> tuple[BookRows, Batch]:
    """The workbook's rows as read, and their validation (see `validate_book`)."""
    stage(f"reading {Path(path).name}")
    book = read_book(path, columns)
    stage(f"checking {counted(len(book.rows), 'row')}")
    context = Context(
        document_type=book.document_type,
        settings=settings.for_spec(book.spec.settings) if settings is not None else book.settings,
    )
    with counting_from_1904(book.package is not None and book.package.date1904):
        batch = validate_rows(book.spec, book.rows, typed=True, context=context)
    mark_unknown(batch, book)
    return book, batch


def unknown_cells(book: BookRows) -> dict[str, tuple[str, str]]:
    """The cells whose value cannot be known from the file, each with its finding's code and
    message: formulas never calculated, and cells showing an error value."""
    found = {
        ref: (
            NOT_CALCULATED,
            f"{ref} holds a formula that was never calculated, so its value is unknown; "
            "open the workbook in Excel or LibreOffice, let it calculate, and save it",
        )
        for ref in book.uncalculated
    }
    found.update(
        {ref: (ERROR_VALUE, error_value_message(ref, e)) for ref, e in book.errors.items()}
    )
    return found


def mark_unknown(batch: Batch, book: BookRows) -> None:
    """Say in its cell that a value cannot be known (`unknown_cells`)."""
    mark_cells(batch, unknown_cells(book))


def mark_book(path: Path, book: BookRows, batch: Batch) -> None:
    """Write the marking columns of `batch` into the workbook at `path`, replacing old marks;
    nothing else in the workbook changes (see `book_edit`). `book` is what was read: the
    workbook must not have changed since."""
    # Imported here, as the type above: validate alone never loads the editor.
    from .book_edit import edit_book

    stage(f"marking {Path(path).name}")
    edit_book(path, DATA_SHEET, marks_edit(book, batch), expect=book.stamp, package=book.package)


def marks_edit(book: BookRows, batch: Batch) -> SheetEdit:
    """The marking columns' cells for `batch`: every old mark cleared, the new ones set."""
    first = Layout(book.spec).first_data_row
    start = book.width + 1
    cells: dict[tuple[int, int], object] = {}
    heights: dict[int, float] = {}
    for row, marks in marks_by_row(batch.report.findings).items():
        if row < first:
            continue  # a header row's findings have no marking cells
        for offset, text in enumerate(marks):
            if text:
                cells[(row, start + offset)] = text
        if (height := problems_height(marks[2])) is not None:
            heights[row] = height
    # Imported here, as the type above: validate alone never loads the editor.
    from .book_edit import SheetEdit

    problems = start + MARK_HEADINGS.index("Problems")
    return SheetEdit(
        cells,
        clear=(start, start + len(MARK_HEADINGS) - 1, first),
        wrapped=frozenset({problems}),
        heights=heights,
    )
