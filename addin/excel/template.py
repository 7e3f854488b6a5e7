"""Workbook templates, built from a spec (never drawn by hand).

The same builder makes the committed `.xltx` files and the workbooks `import` fills, so a
template and an imported batch always look and behave alike.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell import _writer as openpyxl_cell_writer
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import XLSM, XLSX, XLTM, XLTX
from openpyxl.xml.functions import XML_NS  # type: ignore[attr-defined]  # not in the stubs

from ..engine.findings import column_letter
from ..engine.layouts import layout_of
from ..engine.settings import CompanySettings
from ..files import WriteRefused, check_target, shown, write_atomically
from ..specs import SPECS
from ..specs.columns import ColumnSet, header_key
from ..specs.model import FieldSpec, RecordSpec, Spec
from .batch_rows import BatchRow, BatchRows, CellStyles
from .instructions import write_instructions
from .layout import (
    COLUMNS_SHEET,
    DATA_SHEET,
    FORMAT_NAME,
    INSTRUCTIONS_SHEET,
    LAST_ROW,
    LAYOUT_NAME,
    LAYOUT_VERSION,
    LISTS_SHEET,
    MARK_HEADINGS,
    PROBLEMS_WIDTH,
    SETTINGS_SHEET,
    TABLE_NAME,
    Layout,
    caption,
    column_format,
    number_format,
    sheet_spec,
)
from .settings_sheet import write_settings_sheet
from .sheet_xml import sheet_entry, with_zip64_if_needed
from .text_cells import text_cell


def _keep_spaces(node: Any) -> None:
    if node.text and node.text != node.text.strip():
        node.set(f"{{{XML_NS}}}space", "preserve")


# openpyxl marks surrounding spaces as significant (xml:space="preserve") only when the text
# holds something else too, so a cell of spaces alone reads back empty in Excel and other
# readers. Batchsheet keeps every value it imports.
openpyxl_cell_writer.whitespace = _keep_spaces  # type: ignore[attr-defined]

# A fixed timestamp keeps regenerated templates identical to the committed ones.
BUILD_TIME = dt.datetime(2025, 1, 1)
# The packages a batch can be written as, by extension. An add-in (.xlam) holds no batch.
WORKBOOK_KINDS = {".xlsx": XLSX, ".xlsm": XLSM, ".xltx": XLTX, ".xltm": XLTM}

ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
ERROR_FONT = Font(color="9C0006")
WARNING_FILL = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
WARNING_FONT = Font(color="9C5700")
HEADER_ROW_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
CAPTION_FILLS = (
    PatternFill("solid", start_color="1F4E78", end_color="1F4E78"),
    PatternFill("solid", start_color="548235", end_color="548235"),
)
MARK_FILL = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
# Header cells of columns that are kept on the sheet but never written to an import file.
KEPT_FILL = PatternFill("solid", start_color="7F7F7F", end_color="7F7F7F")
# Excel keeps at most this many characters in one cell.
CHUNK = 30_000
THIN = Side(style="thin", color="BFBFBF")
# The Problems cell: one problem a line, each wrapped at the column's width, read from the
# top of a row that grows to hold them (no row is given a height, so Excel and LibreOffice
# fit it).
PROBLEMS_ALIGNMENT = Alignment(wrap_text=True, vertical="top")

PROMPT_LIMIT = 255
PROMPT_TITLE_LIMIT = 32


class BatchWorkbookWriter:
    """Writes a batch workbook for a spec: the template's sheets, then any data rows.

    openpyxl builds the workbook around the rows: the sheets, styles, dropdowns, prompts,
    marking rules, names and the table, a few hundred cells where a library is the better
    tool, written in memory. The data rows, which can be millions of cells, are written
    straight into its data sheet (`batch_rows`) as the package is saved, so an imported
    workbook is a template with rows, and the two cannot drift apart.

    A header-row format takes the sheet's `columns` (as a header row named them; by default
    the template's), and the workbook keeps the spec's whole column set.
    """

    def __init__(
        self,
        spec: Spec,
        columns: RecordSpec | None = None,
        settings: CompanySettings | None = None,
    ) -> None:
        self.spec = spec
        self.layout = Layout(sheet_spec(spec, columns))
        self.settings = settings

    def rows(self, rows: Sequence[BatchRow]) -> BatchRows:
        return BatchRows(self.layout, rows)

    def save(
        self,
        path: Path,
        rows: SheetRows | None = None,
        *,
        replace: bool = False,
        inputs: tuple[Path, ...] = (),
    ) -> Path:
        """Write the workbook to `path`, as the kind of package its extension names; with
        `rows`, the data sheet holds them and declares its size, which spares every reader
        a pass over the whole sheet to find it."""
        kind = workbook_kind(path)
        write_atomically(
            path,
            lambda temp: self.write(temp, rows, kind=kind),
            replace=replace,
            inputs=inputs,
        )
        return path

    def write(self, target: Path, rows: SheetRows | None, *, kind: str = XLSX) -> None:
        with _own_temporary_folder():
            frame, part, styles = self._frame(None if rows is None else len(rows), kind)

        def package(zip64: bool) -> None:
            pieces = rows.xml(styles) if rows is not None else iter(())
            with (
                zipfile.ZipFile(io.BytesIO(frame)) as source,
                zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
            ):
                for info in source.infolist():
                    data = source.read(info)
                    if info.filename != part:
                        out.writestr(info, data)
                        continue
                    head, tail = _around_rows(data)
                    entry = sheet_entry(part, info.date_time)
                    with out.open(entry, "w", force_zip64=zip64) as sheet:
                        sheet.write(head)
                        for piece in pieces:
                            sheet.write(piece)
                        sheet.write(tail)

        with_zip64_if_needed(package)

    def _frame(self, rows: int | None, kind: str) -> tuple[bytes, str, CellStyles]:
        """The workbook without its data rows, its data sheet's part, and the rows' styles."""
        spec, layout = self.spec, self.layout
        wb = Workbook(write_only=True)
        wb.properties.creator = "Batchsheet"
        wb.properties.title = spec.title
        wb.properties.created = BUILD_TIME
        wb.properties.modified = BUILD_TIME
        wb.properties.lastModifiedBy = "Batchsheet"
        try:
            sheet = wb.create_sheet(DATA_SHEET)
            if rows is not None:
                size = f"A1:{layout.mark_columns[-1]}{layout.caption_rows + rows}"
                # openpyxl writes a <dimension> for a sheet that can say its size (write-only
                # sheets cannot, as they stream); it must be known before the first row.
                sheet.calculate_dimension = lambda: size
            write_instructions(wb.create_sheet(INSTRUCTIONS_SHEET), layout, spec)
            if spec.settings.values or spec.settings.lists:
                write_settings_sheet(wb.create_sheet(SETTINGS_SHEET), spec.settings, self.settings)
            lists = wb.create_sheet(LISTS_SHEET)
            lists.sheet_state = "hidden"
            _data_sheet(sheet, layout, lists)
            if layout_of(spec).header_row:
                _column_set_sheet(wb.create_sheet(COLUMNS_SHEET), ColumnSet.of(spec))
                _excel_table(sheet, layout, rows or 0)
            wb.defined_names[FORMAT_NAME] = DefinedName(FORMAT_NAME, attr_text=f'"{spec.name}"')
            wb.defined_names[LAYOUT_NAME] = DefinedName(
                LAYOUT_NAME, attr_text=f'"{LAYOUT_VERSION}"'
            )
            styles = _cell_styles(sheet, layout)
            wb.template = kind in (XLTX, XLTM)
            buffer = io.BytesIO()
            wb.save(buffer)
        except BaseException as e:
            _discard(wb)
            raise _as_os_error(e) from None
        frame = buffer.getvalue()
        if kind != wb.mime_type:
            frame = _with_workbook_type(frame, wb.mime_type, kind)
        return frame, sheet.path.lstrip("/"), styles


class SheetRows(Protocol):
    """Rows for the data sheet: how many, and their XML given the workbook's styles."""

    def __len__(self) -> int: ...

    def xml(self, styles: CellStyles) -> Iterator[bytes]: ...


def _cell_styles(ws: Worksheet, layout: Layout) -> CellStyles:
    """Registers the formats the data rows use with the workbook, and says their indexes."""

    def style(fmt: str, *, quoted: bool = False, alignment: Alignment | None = None) -> int:
        cell = WriteOnlyCell(ws)
        cell.number_format = fmt
        if quoted:
            # quotePrefix keeps Excel from running formula-like text when it is edited.
            cell.quotePrefix = True
        if alignment is not None:
            cell.alignment = alignment
        return cell.style_id

    formats = {number_format(f) for r in layout.spec.records for f in r.fields} | {"@"}
    return CellStyles(
        text=style("@"),
        quoted=style("@", quoted=True),
        by_format={fmt: style(fmt) for fmt in sorted(formats)},
        problems=style("@", alignment=PROBLEMS_ALIGNMENT),
        problems_quoted=style("@", quoted=True, alignment=PROBLEMS_ALIGNMENT),
    )


def workbook_kind(path: Path) -> str:
    """The workbook content type the file name's extension stands for; Excel refuses to
    open a package whose content type its extension does not match."""
    kind = WORKBOOK_KINDS.get(Path(path).suffix.lower())
    if kind is None:
        raise WriteRefused(
            f"{shown(path)}: a workbook's name ends in {', '.join(WORKBOOK_KINDS)}; "
            f"name it {shown(Path(path).with_suffix('.xlsx').name)}, for example"
        )
    return kind


def _with_workbook_type(frame: bytes, written: str, kind: str) -> bytes:
    """The package with its workbook part declared as `kind` (a workbook without macros is
    a valid macro-enabled one; openpyxl declares one only when it copies a VBA project)."""
    source = zipfile.ZipFile(io.BytesIO(frame))
    out_buffer = io.BytesIO()
    with source, zipfile.ZipFile(out_buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(written.encode(), kind.encode(), 1)
            out.writestr(info, data)
    return out_buffer.getvalue()


def _around_rows(sheet: bytes) -> tuple[bytes, bytes]:
    """A sheet's XML cut where rows after its last one go."""
    at = sheet.rfind(b"</sheetData>")
    if at >= 0:
        return sheet[:at], sheet[at:]
    empty = re.search(rb"<sheetData\s*/>", sheet)
    if empty is None:
        raise ValueError("the data sheet has no <sheetData>")
    return sheet[: empty.start()] + b"<sheetData>", b"</sheetData>" + sheet[empty.end() :]


def _as_os_error(e: BaseException) -> BaseException:
    """The error as the operating system's, where lxml (openpyxl's writer when it is
    installed) reported one as `SerialisationError: IO_EFBIG` (a full disk, a size limit)."""
    code = getattr(errno, str(e).removeprefix("IO_"), None) if str(e).startswith("IO_") else None
    if type(e).__name__ != "SerialisationError" or not isinstance(code, int):
        return e
    return OSError(code, os.strerror(code))


def _discard(wb: Workbook) -> None:
    """Abandon a workbook: close its half-streamed sheets so nothing is left open."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()
        # openpyxl streams each sheet to a temporary file that only a save removes.
        with contextlib.suppress(Exception):
            ws._writer.cleanup()  # type: ignore[attr-defined]


def _data_sheet(ws: Worksheet, layout: Layout, lists: Worksheet) -> None:
    spec = layout.spec
    first = layout.first_data_row
    width = layout.data_width
    ws.sheet_properties.tabColor = "1F4E78"
    _columns(ws, layout)
    _dropdowns_and_prompts(ws, layout, lists)
    _marking_rules(ws, layout)
    if layout_of(spec).header_row:
        ws.freeze_panes = f"A{first}"
        _header_row(ws, layout)
        return
    keywords = layout_of(spec).keywords
    # A keyword column stays in view; a keyword-less sheet's first column is data.
    ws.freeze_panes = f"B{first}" if keywords else f"A{first}"
    for r, record in enumerate(spec.records, start=1):
        fill = CAPTION_FILLS[(r - 1) % len(CAPTION_FILLS)]
        row: list[object] = []
        for c in range(1, width + 1):
            cell = WriteOnlyCell(ws)
            if c <= len(record.fields):
                f = record.fields[c - 1]
                cell.value = caption(record.keyword) if c == 1 and keywords else f.label
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cell.border = Border(bottom=THIN)
            row.append(cell)
        for heading in MARK_HEADINGS:
            cell = WriteOnlyCell(ws, value=heading if r == 1 else None)
            cell.font = Font(bold=True)
            cell.fill = MARK_FILL
            row.append(cell)
        ws.row_dimensions[r].height = 30
        ws.append(row)


def _header_row(ws: Worksheet, layout: Layout) -> None:
    """A table's one header row: the column names exactly as the import file has them."""
    row: list[object] = []
    for f in layout.spec.records[0].fields:
        cell = text_cell(ws, f.label or None)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = KEPT_FILL if f.kind == "raw" else CAPTION_FILLS[0]
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        row.append(cell)
    for heading in MARK_HEADINGS:
        cell = WriteOnlyCell(ws, value=heading)
        cell.font = Font(bold=True)
        cell.fill = MARK_FILL
        row.append(cell)
    ws.row_dimensions[1].height = 30
    ws.append(row)


def _excel_table(ws: Worksheet, layout: Layout, rows: int) -> None:
    """The header row and the data as an Excel table, so it sorts, filters and grows.

    Excel wants every table column named, and uniquely (ignoring case); a sheet whose
    header row is not like that stays a plain range.
    """
    fields = layout.spec.records[0].fields
    names = [f.label for f in fields]
    if not names or "" in names or len({header_key(n) for n in names}) < len(names):
        return
    if any(n != n.strip() or "\n" in n for n in names):
        return
    ref = f"A1:{layout.last_data_column}{1 + max(rows, 1)}"
    table = Table(displayName=TABLE_NAME, ref=ref)
    # Named here: openpyxl cannot read header cells back from a write-only sheet.
    table.tableColumns = [TableColumn(id=i, name=n) for i, n in enumerate(names, start=1)]
    table.autoFilter = AutoFilter(ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    with warnings.catch_warnings():
        # openpyxl warns that write-only tables need their columns named: they are, above.
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)


def _column_set_sheet(ws: Worksheet, columns: ColumnSet) -> None:
    """The workbook's column set as JSON text, so the workbook keeps it wherever it goes."""
    ws.sheet_state = "hidden"
    text = columns.dumps()
    for start in range(0, len(text), CHUNK):
        ws.append([_text_cell(ws, text[start : start + CHUNK])])


def _columns(ws: Worksheet, layout: Layout) -> None:
    for c in range(1, layout.data_width + 1):
        letter = column_letter(c)
        fields = [f for _, f in layout.fields_in_column(c)]
        longest = max(
            max(len(f.label) for f in fields),
            max((min(f.max_length or 10, 30) for f in fields), default=10),
        )
        ws.column_dimensions[letter].width = max(8, min(longest + 2, 34))
        ws.column_dimensions[letter].number_format = column_format(layout, c)
    errors, warnings, problems = layout.mark_columns
    ws.column_dimensions[errors].width = 11
    ws.column_dimensions[warnings].width = 13
    ws.column_dimensions[problems].width = PROBLEMS_WIDTH
    for letter in layout.mark_columns:
        ws.column_dimensions[letter].number_format = "@"
    ws.column_dimensions[problems].alignment = PROBLEMS_ALIGNMENT


def _prompt(layout: Layout, index: int) -> tuple[str, str]:
    entries = layout.fields_in_column(index)
    if len(entries) == 1:
        _, f = entries[0]
        return _clip(f.label, PROMPT_TITLE_LIMIT), _clip(_field_words(f), PROMPT_LIMIT)
    title = " / ".join(f.label for _, f in entries)
    share = PROMPT_LIMIT // len(entries) - 2
    body = "\n".join(_clip(f"{k}: {f.label}. {_field_words(f)}", share) for k, f in entries)
    return _clip(title, PROMPT_TITLE_LIMIT), _clip(body, PROMPT_LIMIT)


def _field_words(f: FieldSpec) -> str:
    words = f.help
    if f.required:
        words = "Required. " + words
    elif f.required_when:
        words = "Required on some lines. " + words
    if f.import_ignored:
        words += " (Ignored by the import.)" if "ignored" not in words.lower() else ""
    if f.kind == "raw":
        words = (
            "Not written to the import file: "
            + (
                "Infusion's export carries it, an import cannot. "
                if f.export_only
                else "the column set does not know this column. "
            )
            + words
        )
    return words


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# The most choices a dropdown offers: a tax table's 31 lines (and their 0-padded spellings)
# are picked from a list; a longer one is typed, and Validate checks it.
LONGEST_LIST = 50


def _dropdowns_and_prompts(ws: Worksheet, layout: Layout, lists: Worksheet) -> None:
    first = layout.first_data_row
    list_column = 1
    grid: dict[tuple[int, int], str] = {}
    for c in range(1, layout.data_width + 1):
        letter = column_letter(c)
        entries = layout.fields_in_column(c)
        sources: dict[str | None, str] = {}
        for keyword, f in entries:
            if f.kind == "keyword":
                continue
            choices = [x for x in (f.choices or ()) if x]
            if f.kind in ("flag", "yesno") or (f.kind == "code" and len(choices) <= LONGEST_LIST):
                ref = column_letter(list_column)
                grid[1, list_column] = f"{keyword}: {f.label}" if keyword else f.label
                for r, choice in enumerate(choices, start=2):
                    grid[r, list_column] = choice
                sources[keyword] = f"{LISTS_SHEET}!${ref}$2:${ref}${len(choices) + 1}"
                list_column += 1
        title, prompt = _prompt(layout, c)
        area = f"{letter}{first}:{letter}{LAST_ROW}"
        if c == 1 and layout_of(layout.spec).keywords:
            keywords = ",".join(r.keyword or "" for r in layout.spec.records)
            dv = DataValidation(type="list", formula1=f'"{keywords}"', allow_blank=True)
            dv.error = f"Column A holds {keywords.replace(',', ' or ')}."
            dv.errorTitle = "Record type"
            dv.showErrorMessage = True
        elif sources:
            dv = DataValidation(
                type="list", formula1=_list_source(layout, sources), allow_blank=True
            )
            # Advisory: the column's other record kind takes free values; Validate explains.
            dv.showErrorMessage = False
        else:
            dv = DataValidation(type=None, allow_blank=True)
        dv.promptTitle = title
        dv.prompt = prompt
        dv.showInputMessage = True
        dv.add(area)
        ws.data_validations.append(dv)
    _write_grid(lists, grid)


def _write_grid(ws: Worksheet, grid: dict[tuple[int, int], str]) -> None:
    rows = max((r for r, _ in grid), default=0)
    columns = max((c for _, c in grid), default=0)
    for r in range(1, rows + 1):
        ws.append([_text_cell(ws, grid.get((r, c))) for c in range(1, columns + 1)])


def _text_cell(ws: Worksheet, value: str | None) -> object:
    return None if value is None else text_cell(ws, value)


def _list_source(layout: Layout, sources: dict[str | None, str]) -> str:
    first = layout.first_data_row
    keywords = [r.keyword for r in layout.spec.records]
    if len(keywords) == 1 or len(sources) == len(keywords) == 1:
        return next(iter(sources.values()))
    # Pick the list of the row's own record kind; a kind without one gets an empty cell.
    blank = f"{LISTS_SHEET}!$ZZ$1"
    expr = blank
    for keyword in reversed(keywords):
        if keyword in sources:
            expr = f'IF($A{first}="{keyword}",{sources[keyword]},{expr})'
    return expr


def _marking_rules(ws: Worksheet, layout: Layout) -> None:
    first = layout.first_data_row
    errors, warnings, _ = layout.mark_columns
    area = f"A{first}:{layout.last_data_column}{LAST_ROW}"
    # The cell's own column letter, looked up as a word in that row's list of marked columns.
    me = 'SUBSTITUTE(ADDRESS(1,COLUMN(),4),"1","")'
    for column, fill, font in (
        (errors, ERROR_FILL, ERROR_FONT),
        (warnings, WARNING_FILL, WARNING_FONT),
    ):
        formula = f'ISNUMBER(SEARCH(" "&{me}&" "," "&${column}{first}&" "))'
        ws.conditional_formatting.add(
            area, FormulaRule(formula=[formula], fill=fill, font=font, stopIfTrue=True)
        )
    if layout_of(layout.spec).keywords:
        header = layout.spec.records[0].keyword
        ws.conditional_formatting.add(
            area,
            FormulaRule(
                formula=[f'$A{first}="{header}"'], fill=HEADER_ROW_FILL, font=Font(bold=True)
            ),
        )


def template_name(spec: Spec) -> str:
    return f"{spec.name}.xltx"


@contextlib.contextmanager
def _own_temporary_folder() -> Iterator[None]:
    """openpyxl's temporary files (each sheet as it is written) in a folder of this write's
    own, removed whole however the write ends: a signal that stops the command between
    openpyxl creating a file and noting it for its own clean-up leaves nothing behind."""
    folder = tempfile.mkdtemp(prefix="batchsheet-")
    before = tempfile.tempdir
    tempfile.tempdir = folder
    try:
        yield
    finally:
        tempfile.tempdir = before
        shutil.rmtree(folder, ignore_errors=True)


def save_template(spec: Spec, path: Path, *, replace: bool = True) -> Path:
    return BatchWorkbookWriter(spec).save(path, replace=replace)


def write_templates(
    out_dir: Path,
    *,
    replace: bool = True,
    name: Callable[[Spec], str] = template_name,
    save: Callable[[Spec, Path], Path] | None = None,
) -> list[Path]:
    """Write one template per format into `out_dir`; a file already there is replaced only
    with `replace`, and otherwise none is written (every name is checked first). `name` and
    `save` name and write another kind of template (the xlwings Lite ones)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise WriteRefused(
            f"{shown(out_dir)} is a file, not a folder; name a folder for the templates, "
            f"such as {shown(out_dir.with_suffix(''))}-templates"
        )
    targets = [(spec, out_dir / name(spec)) for spec in SPECS.values()]
    if out_dir.is_dir():
        for _, target in targets:
            check_target(target, replace=replace)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteRefused(f"cannot make the folder {shown(out_dir)}: {e.strerror or e}") from None
    if save is None:
        return [save_template(spec, target, replace=replace) for spec, target in targets]
    return [save(spec, target) for spec, target in targets]
