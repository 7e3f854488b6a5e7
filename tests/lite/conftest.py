"""Batches of every format, as Excel holds them once imported, for the Lite scripts' tests.

Each batch is the format's bundled example repeated to the size asked, imported by the
ribbon's own Import CSV into the format's empty template on the desktop in-memory Excel:
the workbook a bookkeeper has in front of them. Each test gets its own copy, in the Excel it
runs on (the desktop one for the ribbon, the Lite one for the scripts).
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from xlwings import main as xlmain

from addin.engine.layouts import layout_of
from addin.excel import ribbon
from addin.excel.layout import DATA_SHEET, MARK_HEADINGS, Layout
from addin.specs import SPECS, Spec
from tests.conftest import EXAMPLES
from tests.memory_excel import LITE, Book, Excel, data

EXAMPLE = {
    "pastel-customer": "pastel_customer_invoices_sample.csv",
    "pastel-supplier": "pastel_supplier_invoices_sample.csv",
    "infusion-customer-adjustments": "infusion_adjustments_sample.csv",
    "pastel-journal": "pastel_journal_sample.csv",
    "pastel-cashbook": "pastel_cashbook_sample.csv",
}
FORMATS = sorted(SPECS)
# Every format at about 1,000 rows; one at 100,000, the size the ribbon is held to.
SIZES = [(name, 1_000) for name in FORMATS] + [("pastel-customer", 100_000)]


def size_id(case: tuple[str, int]) -> str:
    return f"{case[0]}-{case[1]}"


@dataclass
class Made:
    """A format's batch: its CSV, its empty template, and the workbook the ribbon's Import
    CSV made of them (kept in memory, copied for each test)."""

    spec: Spec
    csv: Path
    template: Path
    book: Book

    @property
    def first_row(self) -> int:
        return Layout(self.spec).first_data_row if not layout_of(self.spec).header_row else 2


def template(spec: Spec, folder: Path) -> Path:
    from addin.excel.template import BatchWorkbookWriter

    path = folder / f"{spec.name}.xlsx"
    BatchWorkbookWriter(spec).save(path, replace=True)
    return path


def batch_csv(spec: Spec, rows: int, folder: Path, header: list[str] | None) -> Path:
    """The format's example, its records repeated until the file holds `rows` or more. A
    header-row format's file has the template's own columns (`header`), so that it fits
    the template."""
    text = (EXAMPLES / EXAMPLE[spec.name]).read_bytes().decode(spec.encoding)
    lines = list(csv.reader(io.StringIO(text)))
    head: list[list[str]] = []
    if header is not None:
        names, body = lines[0], lines[1:]
        index = {n: i for i, n in enumerate(names)}
        lines = [[line[index[n]] if n in index else "" for n in header] for line in body]
        head = [header]
    copies = -(-rows // len(lines))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(head + lines * copies)
    path = folder / f"{spec.name}-{rows}.csv"
    path.write_bytes(out.getvalue().encode(spec.encoding))
    return path


@pytest.fixture(scope="session")
def made(tmp_path_factory) -> Iterator[Callable[[str, int], Made]]:
    """Each (format, rows) batch, made once for the session on first use."""
    cache: dict[tuple[str, int], Made] = {}
    folder = tmp_path_factory.mktemp("made")

    def make(name: str, rows: int) -> Made:
        if (name, rows) not in cache:
            spec = SPECS[name]
            empty = template(spec, folder)
            with pytest.MonkeyPatch.context() as patch, desktop() as excel:
                # The ribbon's lock file goes in the session's own temporary folder.
                patch.setattr(tempfile, "tempdir", str(folder))
                book = excel.open(empty)
                header = None
                if layout_of(spec).header_row:
                    width = data(book).used_extent()[1] - len(MARK_HEADINGS)
                    header = [str(data(book).get(1, c)) for c in range(1, width + 1)]
                source = batch_csv(spec, rows, folder, header)
                ribbon.import_csv(str(source), book)
                ((said, _),) = excel.app.alerts
                assert said.startswith("Imported") and "into this batch" in said, said
            cache[name, rows] = Made(spec, source, empty, book.impl)
        return cache[name, rows]

    yield make


@contextlib.contextmanager
def desktop() -> Iterator[Excel]:
    excel = Excel()
    try:
        yield excel
    finally:
        excel.close()


@contextlib.contextmanager
def lite_excel() -> Iterator[Excel]:
    """The in-memory Excel in Lite mode; no script may have reached for a workbook reader."""
    excel = Excel(LITE)
    try:
        yield excel
        assert excel.lite_violations == []
    finally:
        excel.close()


def copy_of(excel: Excel, model: Book) -> Any:
    """`model` (a workbook of another in-memory Excel) opened in `excel`, as the same file
    opened again would be: every sheet's cells, formats and layout, and the defined names."""
    book = Book(excel.app_impl, model.name, model._fullname)
    for sheet in model.sheets:
        copy = book.sheets.add(name=sheet.name)
        for cell, value in sheet.grid.items():
            copy.grid[cell] = value
        copy.formulas.update(sheet.formulas)
        copy.formats.update(sheet.formats)
        copy.column_formats.update(sheet.column_formats)
        copy.wraps.update(sheet.wraps)
        copy.wrapped_columns |= sheet.wrapped_columns
        copy.formatted_to = sheet.formatted_to
        copy.hidden_rows |= sheet.hidden_rows
        copy.hidden_columns |= sheet.hidden_columns
        copy.visible = sheet.visible
    for name in model.names._names.values():
        book.names.add(name.name, name.refers_to)
    book.sheets.active = book.sheets._sheets[0]
    excel.app_impl.books._opened(book)
    excel.calls.clear()
    return xlmain.Book(impl=book)


def marking(book: Any) -> dict[tuple[int, int], Any]:
    """Every cell of the data sheet's marking columns (headings included), and whether the
    Problems column wraps on each row that has one."""
    sheet = data(book, DATA_SHEET)
    start = sheet.used_extent()[1] - len(MARK_HEADINGS) + 1
    cells: dict[tuple[int, int], Any] = {c: v for c, v in sheet.grid.items() if c[1] >= start}
    problems = start + MARK_HEADINGS.index("Problems")
    cells.update({(r, -1): sheet.wrap_text(r, problems) for r, c in list(cells) if c == problems})
    return cells


def data_cells(book: Any) -> dict[tuple[int, int], Any]:
    """Every cell of the data sheet left of the marking columns."""
    sheet = data(book, DATA_SHEET)
    start = sheet.used_extent()[1] - len(MARK_HEADINGS) + 1
    return {c: v for c, v in sheet.grid.items() if c[1] < start}
