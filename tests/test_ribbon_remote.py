"""The ribbon entry points on xlwings' own remote engine, which records every write as an
action: the real xlwings API, no Excel needed. That engine is licensed for noncommercial use,
so these run only where XLWINGS_LICENSE_KEY is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from addin.excel import ribbon
from addin.excel.layout import DATA_SHEET, FORMAT_NAME
from addin.specs import get_spec
from tests.pastel_rows import detail, header

pytestmark = pytest.mark.skipif(
    not os.environ.get("XLWINGS_LICENSE_KEY"),
    reason="xlwings' remote engine needs XLWINGS_LICENSE_KEY (noncommercial licence)",
)


def remote_book(rows: list[list[str]], fmt: str = "pastel-customer"):
    import xlwings as xw

    spec = get_spec(fmt)
    captions = [[f.label for f in r.fields] for r in spec.records]
    width = spec.width
    values = [row + [None] * (width - len(row)) for row in (*captions, *rows)]
    payload = {
        "client": "Microsoft Office",
        "version": xw.__version__,
        "book": {"name": "Batch.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [
            {
                "name": FORMAT_NAME,
                "sheet_index": None,
                "address": None,
                "book_scope": True,
                "scope_sheet_name": None,
                "scope_sheet_index": None,
                "refers_to": f'="{fmt}"',
            }
        ],
        "sheets": [
            {"name": DATA_SHEET, "values": values, "pictures": [], "tables": []},
            {"name": "Instructions", "values": [["x"]], "pictures": [], "tables": []},
        ],
    }
    return xw.Book(json=payload)


def actions(book) -> list[dict]:
    return book.json()["actions"]


def test_validate_on_10000_rows_with_thousands_of_bad_cells_is_a_few_actions():
    rows = []
    for n in range(2_500):
        rows.append(header(order_number=f"PO-{n}", period="14" if n % 2 else "3"))
        rows += [detail(quantity="x"), detail(), detail(line_type="6", code="12", store="")]
    book = remote_book(rows)
    ribbon.validate(book)
    done = actions(book)
    funcs = [a["func"] for a in done]
    assert funcs.count("setValues") == 1
    assert funcs.count("alert") == 1
    assert len(done) <= 3
    (write,) = [a for a in done if a["func"] == "setValues"]
    assert (write["start_row"], write["start_column"]) == (2, 29)  # AD3, zero-based
    assert write["row_count"] == 10_000


def test_import_writes_nothing_into_the_calling_workbook(tmp_path: Path, monkeypatch):
    import xlwings as xw

    opened: list[str] = []
    monkeypatch.setattr(xw, "Book", lambda path: opened.append(path))
    source = tmp_path / "f.csv"
    source.write_bytes(
        b"Header,,,,A1,3,14/05/2025,=SUM(A1),N\r\nDetail,,1,1.00,1.00,,1,0,0,X,x,4\r\n"
    )
    book = remote_book([header()])
    ribbon.import_csv(str(source), book)
    assert [a["func"] for a in actions(book)] == ["alert"]
    assert opened == [str(tmp_path / "f.xlsx")]
