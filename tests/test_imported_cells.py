"""An imported workbook, cell by cell, as three readers see it: openpyxl, python-calamine and
LibreOffice all read back the values the CSV held, typed as the template types them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from addin.excel.layout import Layout, number_format
from addin.specs import get_spec
from tests.conftest import libreoffice_convert
from tests.infusion.conftest import HEADER as INFUSION_HEADER
from tests.infusion.conftest import ROW as INFUSION_ROW
from tests.infusion.conftest import csv_bytes as infusion_csv
from tests.memory_excel import as_stored
from tests.pastel_rows import csv_bytes, detail, header

PASTEL = "pastel-customer"
INFUSION = "infusion-customer-adjustments"


def awkward_pastel_rows() -> list[list[str]]:
    """Every kind of cell an import meets: numbers, dates, codes with leading zeros, text
    that looks like a formula, spaces alone, markup characters, accents, blanks."""
    rows = []
    for n in range(40):
        rows.append(header(order_number=f"PO-{n:03d}", message_1="=SUM(A1:A2)" if n == 3 else ""))
        rows.append(detail(description='Bolts & <nuts> "M8"', store="001", unit_price="12.50"))
        rows.append(detail(description="Café crème", quantity="3", cost_price="-0.50"))
        rows.append(detail(description="  ", unit=" ", code="+27 11 555", quantity="1.5"))
    rows.append(detail(description="@home", discount_percentage="12.5", store="007"))
    return rows


def imported(run, tmp_path: Path, fmt: str, data: bytes) -> Path:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    book = tmp_path / "book.xlsx"
    done = run("import", source, "--format", fmt, "-o", book)
    assert done.code in (0, 1), done.err
    return book


def csv_rows(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def expected(fmt: str, text: str, field) -> object:
    """The value a reader should see for `text` in a cell of `field`."""
    if text == "":
        return None
    fmt_code = number_format(field)
    if fmt_code == "@":
        return text
    if field.kind == "date":
        return dt.datetime.strptime(text, "%d/%m/%Y")
    return float(text)


def normal(value: object) -> object:
    """A cell's value as Excel holds it, an empty one as None, whichever reader read it."""
    return None if value == "" or value is None else as_stored(value)


@pytest.mark.parametrize("fmt", [PASTEL, INFUSION])
def test_every_cell_reads_back_the_same_in_openpyxl_and_calamine(run, tmp_path, fmt):
    spec = get_spec(fmt)
    if fmt == PASTEL:
        data = csv_bytes(awkward_pastel_rows())
        lines = csv_rows(data, "utf-8-sig")
    else:
        rows = [INFUSION_ROW, [*INFUSION_ROW[:3], "=1+1", "0061", "1200.00", *INFUSION_ROW[6:]]]
        rows += [[*INFUSION_ROW[:3], "  ", "6120", "-0.05", *INFUSION_ROW[6:]]] * 30
        data = infusion_csv([INFUSION_HEADER, *rows])
        lines = csv_rows(data, "utf-8-sig")[1:]
    book = imported(run, tmp_path, fmt, data)
    first = Layout(spec).first_data_row

    ws = load_workbook(book)["Batch"]
    grid = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Batch").to_python()
    kinds = {r.keyword: r for r in spec.records}
    by_label = {f.label: f for f in spec.records[0].fields}
    assert ws.max_row == first + len(lines) - 1 == len(grid)
    for i, line in enumerate(lines):
        r = first + i
        kind = kinds[line[0]] if fmt == PASTEL else spec.records[0]
        fields = kind.fields if fmt == PASTEL else [by_label[name] for name in INFUSION_HEADER]
        for c, field in enumerate(fields, start=1):
            text = line[c - 1] if c - 1 < len(line) else ""
            cell = ws.cell(r, c)
            want = expected(fmt, text, field)
            where = f"{cell.coordinate} ({field.label}: {text!r})"
            assert normal(cell.value) == want, where
            assert normal(grid[r - 1][c - 1]) == want, where
            if want is not None:
                assert cell.number_format == number_format(field), where
                formula_like = isinstance(want, str) and bool(re.match(r"\s*[=+\-@]", text))
                assert cell.quotePrefix == formula_like, where
                kind_of = {str: "s", float: "n", dt.datetime: "d"}[type(want)]
                assert cell.data_type == kind_of, where
    with zipfile.ZipFile(book) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_libreoffice_reads_the_same_cells(run, tmp_path):
    data = csv_bytes(awkward_pastel_rows())
    book = imported(run, tmp_path, PASTEL, data)
    converted = libreoffice_convert(book, "xlsx", tmp_path)
    ours = load_workbook(book)["Batch"]
    theirs = load_workbook(converted)["Batch"]
    assert theirs.max_row == ours.max_row
    for mine, seen in zip(ours.iter_rows(), theirs.iter_rows(), strict=True):
        for a, b in zip(mine, seen):
            assert normal(b.value) == normal(a.value), a.coordinate
