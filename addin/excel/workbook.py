"""The openpyxl adapter: Batchsheet workbooks on disk, read in one pass and marked in one pass."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from python_calamine import CalamineWorkbook

from ..engine.batch import Batch, Context, validate_rows
from ..engine.bulk import without_cycle_collection
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


# A workbook is a zip of XML parts. These bound what a file may make us decompress before
# openpyxl sees it: a 100,000-row batch is about 85 MB of XML compressed about 10 to 1, so
# the limits leave room for six times that, and refuse a "zip bomb" (a small file whose
# parts expand to gigabytes) from its directory alone, before a byte is inflated.
MAX_UNCOMPRESSED = 512 * 2**20
MAX_PARTS = 10_000
MAX_RATIO = 100
RATIO_FROM = 2**20  # small parts may compress better than any sheet; they cost nothing

_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel file (.xls) or another Office 97-2003 file"),
)


def check_archive(path: Path) -> None:
    """Refuse a file that is not a workbook's zip, or whose parts would expand past the limits.

    The sizes come from the zip's directory; Python's zip reader never inflates a part past
    the size the directory gives it, so a part that lies about its size fails its checksum
    rather than growing.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except OSError as e:
        raise ReadError(str(path), f"cannot read the file: {e.strerror or e}") from None
    except Exception:  # BadZipFile, and ValueError or EOFError from a directory that lies
        raise ReadError(str(path), _not_a_zip(path)) from None
    if len(parts) > MAX_PARTS:
        raise ReadError(
            str(path), f"refused: the file holds {len(parts)} parts, too many for a workbook"
        )
    names = {p.filename for p in parts}
    # Every Office file has this part; where the workbook itself lies, it says.
    if "[Content_Types].xml" not in names:
        what = "an OpenDocument spreadsheet (.ods)" if "content.xml" in names else "a zip archive"
        raise ReadError(
            str(path),
            f"this is {what}, not an Excel workbook (.xlsx); "
            "open it in Excel or LibreOffice and save it as an Excel workbook",
        )
    total = sum(p.file_size for p in parts)
    if total > MAX_UNCOMPRESSED:
        raise ReadError(
            str(path),
            f"refused: the workbook would expand to {total // 2**20:,} MB, more than the "
            f"{MAX_UNCOMPRESSED // 2**20} MB Batchsheet reads (a damaged file or a zip bomb)",
        )
    for p in parts:
        if p.file_size > RATIO_FROM and p.file_size > MAX_RATIO * max(p.compress_size, 1):
            raise ReadError(
                str(path),
                f"refused: the part {p.filename} expands "
                f"{p.file_size // max(p.compress_size, 1):,} times (a workbook's parts expand "
                f"about 10 times; more than {MAX_RATIO} is a zip bomb)",
            )


def _not_a_zip(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(8)
    what = next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)
    if what is not None:
        return f"this is {what}, not an Excel workbook (.xlsx)"
    if head.startswith(b"PK"):
        return (
            "the workbook is incomplete or damaged (cut short while it was copied or saved?); "
            "open the original in Excel and save it again"
        )
    if not head:
        return "the file is empty, not an Excel workbook (.xlsx)"
    return (
        "this is not an Excel workbook (.xlsx); if it is a CSV file, bring it in with "
        "`batchsheet import` (or the Import CSV button)"
    )


def open_book(path: Path, *, read_only: bool = True) -> Workbook:
    """Open a workbook for reading values, with a clear error for anything that is not one."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(str(path), "no such file")
    check_archive(path)
    try:
        return load_workbook(path, read_only=read_only, data_only=True, keep_links=False)
    except Exception as e:  # openpyxl and defusedxml raise many kinds for damaged files
        raise _unreadable(path, e) from None


def _unreadable(path: Path, e: BaseException) -> ReadError:
    """The clearest thing to say about a workbook openpyxl could not parse."""
    cause: BaseException | None = e
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return ReadError(
                str(path),
                "refused: the workbook's XML declares entities or a document type (an XML "
                "entity or external-reference trick); Excel never writes these, and Batchsheet "
                "does not expand them",
            )
        cause = cause.__cause__ or cause.__context__
    if isinstance(e, InvalidFileException):
        return ReadError(str(path), f"not an Excel workbook (.xlsx) that can be read: {_reason(e)}")
    # The zip was sound (check_archive): a part is missing, fails its checksum or is not XML.
    return ReadError(str(path), f"the workbook is damaged: {_reason(e)}")


def _reason(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]


def sheet_values(path: Path, ws: Any, width: int | None) -> list[tuple[Any, ...]]:
    """A sheet's rows of values. A read-only workbook parses a sheet only now, so a damaged
    sheet shows here, not when the workbook opens."""
    try:
        return list(ws.iter_rows(max_col=width, values_only=True))
    except Exception as e:
        raise _unreadable(path, e) from None


def data_values(path: Path, ws: Any, width: int | None) -> list[Sequence[Any]]:
    """The data sheet's values from A1, through python-calamine where that is safe.

    calamine (Rust) reads the same saved values about thirteen times faster than openpyxl.
    It does not refuse XML entity declarations the way defusedxml does, so a workbook that
    declares any is read by openpyxl, which refuses it; so is one calamine cannot read, for
    openpyxl's precise message. Empty cells arrive as '' and dates as dates: the engine
    reads both as openpyxl's None and datetimes.
    """
    if _declares_entities(path):
        return sheet_values(path, ws, width)
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(DATA_SHEET)
        rows: list[Sequence[Any]] = sheet.to_python(skip_empty_area=False)
        top, left = sheet.start
    except Exception:
        return sheet_values(path, ws, width)
    if left:
        rows = [("",) * left + tuple(r) for r in rows]
    return [()] * top + rows


def _declares_entities(path: Path) -> bool:
    # A DOCTYPE must come before the root element, so each part's opening bytes tell.
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
                with archive.open(info) as part:
                    head = part.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    return True
    return False


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
        text = "".join(str(v) for (v,) in sheet_values(path, wb[COLUMNS_SHEET], 1) if v)
        try:
            spec = with_columns(spec, parse_column_set(text, f"{path}, sheet {COLUMNS_SHEET}"))
        except ColumnSetError as e:
            raise ReadError(str(path), f"the workbook's column set cannot be used: {e}") from None
    return spec


@without_cycle_collection
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
        values = data_values(path, ws, width)
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
    check_archive(path)
    try:
        wb = load_workbook(path, keep_vba=keep_vba)
    except Exception as e:
        raise _unreadable(path, e) from None
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
