"""Moving a batch between a CSV file and a workbook, losing nothing on the way."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .engine.batch import Batch, Context
from .engine.csv_batch import batch_csv_bytes, batch_from_rows, parse_csv, read_csv_batch
from .engine.csv_read import ReadError
from .engine.findings import Report, column_letter
from .excel.layout import LAST_ROW, Layout
from .excel.marks import marks_by_row
from .excel.sheet_values import NOT_IN_WORKBOOK
from .excel.template import BatchWorkbookWriter
from .excel.workbook import validate_book
from .files import WriteRefused, write_atomically
from .specs.model import Spec

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


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise ReadError(str(path), f"cannot read the file: {e.strerror or e}") from None


def read_csv_file(spec: Spec, path: Path) -> Batch:
    return read_csv_batch(spec, read_bytes(path), str(path))


def import_csv(spec: Spec, source: Path, target: Path, *, replace: bool = False) -> Transferred:
    """Build a workbook of `spec`'s template holding every row of the CSV at `source`.

    Rows keep the order of the file; each finding is marked on its row. A file that cannot be
    placed on a sheet whole (an unbalanced quote, data past the last column, a character no
    workbook can hold) is refused and nothing is written.
    """
    source, target = Path(source), Path(target)
    if target.exists() and not replace:
        raise WriteRefused(f"{target} already exists; use --force to replace it")
    parsed = parse_csv(read_bytes(source), str(source))
    batch = batch_from_rows(spec, parsed)
    rows = parsed.rows
    _refuse_unplaceable(spec, source, batch.report, rows)
    layout = Layout(spec)
    records = {r.row: r for r in batch.records}
    sheet_row = {line: layout.first_data_row + i for i, (line, _) in enumerate(rows)}
    marks = marks_by_row(
        [
            dataclasses.replace(f, row=sheet_row[f.row])
            for f in batch.report.findings
            if f.row in sheet_row
        ]
    )
    writer = BatchWorkbookWriter(spec)
    try:
        for line, fields in rows:
            record = records.get(line)
            mark = marks.get(sheet_row[line])
            if record is not None:
                writer.append(record.kind, record.values, mark)
            else:
                writer.append(None, fields[: layout.data_width], mark)
        writer.save(target, replace=replace)
    except BaseException:
        writer.discard()
        raise
    return Transferred(batch, target, *_counts(batch))


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
    if len(rows) > LAST_ROW - layout.first_data_row + 1:
        raise ReadError(str(source), f"{len(rows)} records do not fit on one Excel sheet")
    for line, fields in rows:
        for c, value in enumerate(fields, start=1):
            m = NOT_IN_WORKBOOK.search(value)
            if m:
                raise ReadError(
                    str(source),
                    f"the field holds the control character U+{ord(m.group()):04X}, which an "
                    "Excel workbook cannot store; remove it from the file first",
                    line,
                    column_letter(c),
                )


def _counts(batch: Batch) -> tuple[int, int]:
    first = batch.spec.records[0].keyword
    documents = sum(1 for r in batch.records if r.kind.keyword == first)
    if batch.spec.layout == "table":
        documents = len(batch.records)
    return documents, len(batch.records)


def export_book(book: Path, target: Path, *, replace: bool = False) -> Transferred:
    """Write the canonical CSV of the workbook at `book`; refuse while it has errors.

    The file is written to a temporary name, read back and compared record by record with
    what was meant, and only then renamed into place.
    """
    book, target = Path(book), Path(target)
    if target.exists() and not replace:
        raise WriteRefused(f"{target} already exists; use --force to replace it")
    batch = validate_book(book)
    if not batch.exportable:
        raise ExportRefused(batch)
    data = batch_csv_bytes(batch)
    expected = [r.values for r in batch.records]

    def verify(temp: Path) -> None:
        again = read_csv_batch(batch.spec, temp.read_bytes(), str(temp), Context(row_word="line"))
        if [r.values for r in again.records] != expected or temp.read_bytes() != data:
            raise WriteRefused(f"{target}: the written file did not read back the same; not saved")

    write_atomically(target, data, replace=replace, verify=verify)
    return Transferred(batch, target, *_counts(batch))
