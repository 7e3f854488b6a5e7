"""One rule decides a fixed value's text and type, and `validate` and `fix` agree on it:
`'R 100'` became the text `100` while `'1,234.50'` became the number 1234.5, and `validate`
suggested `1234.50` where `fix` wrote `1234.5` (Infusion: `100.00` suggested, `100` written).
A number field gets a number, spelled in the preview, the JSON and the Audit sheet as the
field writes it."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"


@pytest.mark.parametrize(
    ("typed", "text", "number"),
    [("R 100", "100.00", 100), ('"1,234.50"', "1234.50", 1234.5), ("(5.00)", "-5.00", -5),
     ('"R 1,250"', "1250.00", 1250)],
)  # fmt: skip
def test_validate_suggests_what_fix_writes_and_the_cell_is_a_number(
    run, tmp_path, typed, text, number
):
    source = tmp_path / "in.csv"
    source.write_bytes(
        SAMPLE.read_bytes().replace(
            b"Detail,85.00,10,125.00,", f"Detail,85.00,10,{typed},".encode(), 1
        )
    )
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", book)
    suggested = [
        f for f in json.loads(run("validate", book, "--json").out)["findings"] if f.get("fix")
    ]
    assert [(f["row"], f["column"], f["fix"]) for f in suggested] == [(4, "D", text)]
    preview = json.loads(run("fix", book, "--json").out)["fixes"]
    assert [(p["cell"], p["new"]) for p in preview] == [("D4", text)]
    done = run("fix", book, "--apply")
    assert f"D4  {typed.strip(chr(34))!r} → {text!r}" in done.out
    with zipfile.ZipFile(book) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    cell = re.search(r'<c r="D4"[^>]*>.*?</c>', sheet)
    assert cell is not None and "inlineStr" not in cell.group(0)
    assert f"<v>{number}</v>" in cell.group(0)
    audit = list(load_workbook(book, read_only=True)["Audit"].values)
    assert audit[1][2] == text
    out = tmp_path / "out.csv"
    assert run("export", book, "-o", out).code == 0
    assert f"Detail,85.00,10,{text},".encode() in out.read_bytes()


def test_an_infusion_amount_is_fixed_to_the_number_validate_names(run, tmp_path):
    from addin.excel.book_edit import SheetEdit, edit_book

    book = tmp_path / "b.xlsx"
    run("import", INFUSION, "-o", book)
    edit_book(book, "Batch", SheetEdit(cells={(2, 6): "R 1,000"}))  # typed into Amount
    suggested = [
        f for f in json.loads(run("validate", book, "--json").out)["findings"] if f.get("fix")
    ]
    assert [(f["column"], f["fix"]) for f in suggested] == [("F", "1000.00")]
    assert "F2  'R 1,000' → '1000.00'" in run("fix", book, "--apply").out
    amount = load_workbook(book)["Batch"]["F2"]
    assert amount.value == 1000 and not isinstance(amount.value, str)
