"""Numbers too long for the arithmetic: a quantity, price or discount of 28 digits or more (a
barcode pasted one column off) ended in "unexpected failure (InvalidOperation)" in `check`,
`validate` and `validate --mark`, so a workbook `import` had just made could not be checked.
Each is a too-many-digits finding like any other, and no document shows nonsense totals."""

from __future__ import annotations

import json

import pytest

from tests.pastel_rows import csv_bytes, detail, header

LONG = {
    "quantity": "1" * 30,
    "unit_price": "9" * 40 + ".50",
    "inclusive_price": "8" * 28,
    "discount_percentage": "5" * 29,
    "cost_price": "7" * 60,
}


@pytest.mark.parametrize(("field", "value"), list(LONG.items()))
def test_a_number_too_long_is_a_finding_in_every_command(run, tmp_path, field, value):
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([header(), detail(**{field: value}), detail()]))
    checked = run("check", source, "--format", "pastel-customer", "--json")
    assert checked.code == 1, checked.err
    found = json.loads(checked.out)
    assert any(f["code"] == "too-many-digits" for f in found["findings"]), found["findings"]
    for document in found["documents"]:
        for part in ("exclusive", "tax", "inclusive"):
            amount = document[part]
            assert amount is None or len(amount.split(".")[0].lstrip("-")) < 16
    book = tmp_path / "b.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", book).code == 1
    assert run("validate", book).code == 1
    marked = run("validate", book, "--mark")
    assert marked.code == 1 and "unexpected" not in marked.err
    assert run("export", book, "-o", tmp_path / "out.csv").code == 1
