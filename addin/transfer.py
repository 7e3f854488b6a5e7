"""Moving a batch between a CSV file and a workbook, losing nothing on the way."""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path

from .engine.batch import Batch, Context
from .engine.bulk import without_cycle_collection
from .engine.csv_batch import (
    batch_csv_bytes,
    batch_from_rows,
    parse_csv,
    read_csv_batch,
    written_rows,
)
from .engine.findings import Finding, Report, column_letter
from .engine.layouts import layout_of
from .engine.settings import CompanySettings, SettingsFile
from .engine.table import bind_header, sheet_columns
from .excel.batch_rows import BatchRow
from .excel.layout import CELL_TEXT_LIMIT, LAST_ROW, Layout, sheet_spec
from .excel.marks import Marks, marks_by_row
from .excel.sheet_values import NOT_IN_WORKBOOK
from .files import WriteRefused, check_target, read_bytes, shown, write_atomically
from .progress import stage
from .refusals import ReadError
from .specs.columns import ColumnSet
from .specs.model import RecordSpec, Spec
from .wording import counted

# Problems after which a CSV cannot be placed on a sheet without dropping part of it.
UNPLACEABLE = {"unbalanced-quote", "extra-field", "records-joined"}


class ExportRefused(Exception):
    def __init__(self, batch: Batch):
        super().__init__(f"{batch.report.errors} errors")
        self.batch = batch


@dataclass
class Transferred:
    batch: Batch
    path: Path
    documents: int
    lines: int
    # Findings no data row carries (a table's header row, the file's encoding).
    unplaced: list[Finding] = dataclasses.field(default_factory=list)

    def held(self, order: str = "{lines} ({documents})") -> str:
        """How much was moved, in words: a header-row format's rows are its documents
        ("5 adjustments"); keyword records are counted in `order` with the documents they
        make ("12 records (3 documents)")."""
        noun = self.batch.spec.noun
        if layout_of(self.batch.spec).header_row:
            return counted(self.lines, noun)
        return order.format(
            documents=counted(self.documents, noun), lines=counted(self.lines, "record")
        )


def read_csv_file(spec: Spec, path: Path) -> Batch:
    return read_csv_batch(spec, read_bytes(path), str(path))


@dataclass
class Placed:
    """A CSV's rows as they go onto a data sheet: checked, in order, each with its marks."""

    batch: Batch
    layout: Layout
    # The sheet's own columns (a header-row format: as the file's header row names them).
    columns: RecordSpec | None
    rows: list[BatchRow]
    unplaced: list[Finding]


def place_csv(spec: Spec, source: Path, settings: CompanySettings | None = None) -> Placed:
    """Read and check the CSV at `source` for a sheet of `spec`'s template.

    Rows keep the order of the file; each finding is marked on its row. A file that cannot be
    placed on a sheet whole (an unbalanced quote, data past the last column, a character no
    workbook can hold) is refused.
    """
    stage(f"reading {source.name}")
    parsed = parse_csv(read_bytes(source), str(source), spec.encoding)
    stage(f"checking {counted(len(parsed.rows), 'record')}")
    # Records joined on one line go on rows of their own, so each is numbered as its row.
    batch = batch_from_rows(
        spec, parsed, Context(row_word="line", settings=settings), renumber=True
    )
    rows = parsed.rows
    _refuse_unplaceable(spec, source, batch.report, rows)
    columns = None
    if layout_of(spec).header_row:
        # The header row becomes the sheet's own (row 1); the records go below it.
        rows = rows[1:]
        columns = sheet_columns(spec, batch.columns or RecordSpec(keyword=None, fields=()))
    layout = Layout(sheet_spec(spec, columns))
    first = layout.first_data_row
    sheet_row = {line: first + i for i, (line, _) in enumerate(rows)}
    marks = marks_by_row(
        [
            dataclasses.replace(f, row=sheet_row[f.row])
            for f in batch.report.findings
            if f.row in sheet_row
        ]
    )
    row_marks: list[Marks | None] = [None] * len(rows)
    for number, marked in marks.items():
        row_marks[number - first] = marked
    sheet_rows: list[BatchRow]
    if len(batch.records) == len(rows):
        # Every line became a record, in file order (the usual file): taken over in bulk.
        kinds = map(attrgetter("kind"), batch.records)
        sheet_rows = list(zip(kinds, map(attrgetter("values"), batch.records), row_marks))
    else:
        records = {r.row: r for r in batch.records}
        sheet_rows = []
        for (line, fields), mark in zip(rows, row_marks):
            record = records.get(line)
            if record is not None:
                sheet_rows.append((record.kind, record.values, mark))
            else:
                sheet_rows.append((None, fields[: layout.data_width], mark))
    unplaced = [f for f in batch.report.findings if f.row not in sheet_row]
    return Placed(batch, layout, columns, sheet_rows, unplaced)


@without_cycle_collection
def import_csv(
    spec: Spec,
    source: Path,
    target: Path,
    *,
    replace: bool = False,
    settings: CompanySettings | None = None,
) -> Transferred:
    """Build a workbook of `spec`'s template holding every row of the CSV at `source`
    (`place_csv`); nothing is written when the file is refused. `settings` are checked
    against and kept on the workbook's Settings sheet."""
    from .excel.template import BatchWorkbookWriter

    source, target = Path(source), Path(target)
    check_target(target, replace=replace, inputs=(source,), example="batch.xlsx")
    placed = place_csv(spec, source, settings)
    writer = BatchWorkbookWriter(spec, placed.columns, settings)
    stage(f"writing {target.name}")
    try:
        writer.save(target, writer.rows(placed.rows), replace=replace, inputs=(source,))
    except OSError as e:
        raise WriteRefused(
            f"cannot write {shown(target)}: {e.strerror or e} (while building the workbook in "
            f"the temporary folder {shown(tempfile.gettempdir())})"
        ) from None
    return Transferred(placed.batch, target, *counts(placed.batch), placed.unplaced)


def _refuse_unplaceable(
    spec: Spec, source: Path, report: Report, rows: list[tuple[int, list[str]]]
) -> None:
    for f in report.findings:
        if f.code in UNPLACEABLE:
            raise ReadError(
                str(source),
                f"{f.message} The file cannot be imported without losing data; correct it "
                "in a text editor first.",
                f.row,
                f.column,
            )
    layout = Layout(spec)
    room = LAST_ROW - layout.first_data_row + 1
    # A header-row file's first row is the sheet's header row, above the data.
    data = len(rows) - 1 if layout_of(spec).header_row and rows else len(rows)
    if data > room:
        first_left_out = rows[room + (len(rows) - data)][0]
        raise ReadError(
            str(source),
            f"{data:,} {layout_of(spec).noun}s do not fit on one Excel sheet, which holds "
            f"{room:,} below its {'header row' if layout.caption_rows == 1 else 'captions'}; "
            f"line {first_left_out:,} would be the first left out: split the file in two",
        )
    cells = list(map(itemgetter(1), rows))
    # The whole file is searched at once; only when it holds something a cell cannot is
    # each row looked at.
    whole = "\n".join(map("\n".join, cells))
    longest = max(map(len, chain.from_iterable(cells)), default=0)
    if longest <= CELL_TEXT_LIMIT and "\r" not in whole and not NOT_IN_WORKBOOK.search(whole):
        return
    for line, fields in rows:
        joined = "\n".join(fields)
        if len(joined) > CELL_TEXT_LIMIT or "\r" in joined or NOT_IN_WORKBOOK.search(joined):
            _refuse_cells(source, line, fields)


def _refuse_cells(source: Path, line: int, fields: list[str]) -> None:
    for c, value in enumerate(fields, start=1):
        if len(value) > CELL_TEXT_LIMIT:
            raise ReadError(
                str(source),
                f"the field is {len(value):,} characters long; an Excel cell holds at most "
                f"{CELL_TEXT_LIMIT:,}, so the rest would be lost; shorten it in a text editor "
                "first",
                line,
                column_letter(c),
            )
        m = NOT_IN_WORKBOOK.search(value)
        if m:
            raise ReadError(
                str(source),
                f"the field holds the control character U+{ord(m.group()):04X}, which an "
                "Excel workbook cannot store; remove it from the file first",
                line,
                column_letter(c),
            )
        if "\r" in value:
            # A sheet's XML keeps a carriage return only as a line feed, so the cell
            # would read back changed. No format takes a line break in a field anyway.
            raise ReadError(
                str(source),
                "the field holds a carriage return (a line break from another program), "
                "which a workbook cell turns into a different character; put the field on "
                "one line in a text editor first",
                line,
                column_letter(c),
            )


def counts(batch: Batch) -> tuple[int, int]:
    return layout_of(batch.spec).documents(batch), len(batch.records)


def export_book(
    book: Path,
    target: Path,
    *,
    replace: bool = False,
    bom: bool | None = None,
    quote: str | None = None,
    columns: ColumnSet | None = None,
    settings: SettingsFile | None = None,
) -> Transferred:
    """Write the canonical CSV of the workbook at `book`; refuse while it has errors.

    `bom` asks for a UTF-8 byte-order mark (None: the format's default); `quote` for every
    field quoted ("all") or only where needed (None: the Settings sheet says); `columns`
    replaces the workbook's column set, `settings` its Settings sheet.
    """
    from .excel.workbook import validate_book

    book, target = Path(book), Path(target)
    check_target(target, replace=replace, inputs=(book,))
    batch = validate_book(book, columns=columns, settings=settings)
    return export_batch(batch, target, replace=replace, bom=bom, quote=quote, inputs=(book,))


# Names an export must not take: a workbook's (`export -o other.xlsx --force` replaced a
# workbook with CSV text).
WORKBOOK_NAMES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam", ".xls", ".xlsb", ".ods")


def export_batch(
    batch: Batch,
    target: Path,
    *,
    replace: bool = False,
    bom: bool | None = None,
    quote: str | None = None,
    inputs: tuple[Path, ...] = (),
) -> Transferred:
    """Write a validated batch's import file; refuse while it has errors.

    The file is written to a temporary name, read back and compared row by row with what
    was meant, and only then renamed into place.
    """
    target = Path(target)
    if bom and batch.spec.encoding != "utf-8":
        raise WriteRefused(
            f"{shown(target)}: --bom is for formats written in UTF-8 (Infusion); "
            f"{batch.spec.title} is written in {batch.spec.encoding} without one, as its "
            "import reads it; nothing was written. Leave --bom out"
        )
    # Where a write may not go at all is said first (the workbook itself, a folder).
    check_target(target, replace=replace, inputs=inputs)
    if target.suffix.lower() in WORKBOOK_NAMES:
        raise WriteRefused(
            f"{shown(target)}: an export is a CSV file, not a workbook; name it "
            f"{shown(target.with_suffix('.csv').name)}, for example; nothing was written"
        )
    if not batch.exportable:
        raise ExportRefused(batch)
    stage(f"writing {target.name}")
    data = batch_csv_bytes(batch, bom=bom, quote=quote)
    expected = written_rows(batch)

    def verify(temp: Path) -> None:
        again = read_csv_batch(batch.spec, temp.read_bytes(), str(temp), Context(row_word="line"))
        if written_rows(again) != expected or temp.read_bytes() != data:
            raise WriteRefused(f"{target}: the written file did not read back the same; not saved")

    write_atomically(target, data, replace=replace, verify=verify, inputs=inputs)
    return Transferred(batch, target, *counts(batch))


@dataclass
class NewBatch:
    path: Path
    columns: list[str]
    dropped: list[str]


def new_batch(book: Path, target: Path, *, replace: bool = False) -> NewBatch:
    """An empty workbook with `book`'s columns and column set, for new entries.

    A header-row sheet keeps its header row (columns unknown to the column set too) and
    drops the export-only columns: a sheet imported from an export holds entries that are
    already posted, so the new batch starts with no rows.
    """
    from .excel.template import BatchWorkbookWriter
    from .excel.workbook import read_book

    book, target = Path(book), Path(target)
    check_target(target, replace=replace, inputs=(book,), example="batch.xlsx")
    source = read_book(book)
    spec = source.spec
    columns: RecordSpec | None = None
    dropped: list[str] = []
    header_row = layout_of(spec).header_row
    if header_row and source.rows and any(v is not None for v in source.rows[0][1]):
        header = bind_header(spec, *source.rows[0])
        columns = sheet_columns(spec, header.columns, new_batch=True)
        dropped = [f.label for f in header.columns.fields if f.export_only]
    writer = BatchWorkbookWriter(spec, columns, source.settings)
    writer.save(target, replace=replace, inputs=(book,))
    names = [f.label for f in writer.layout.spec.records[0].fields]
    return NewBatch(target, names if header_row else [], dropped)
