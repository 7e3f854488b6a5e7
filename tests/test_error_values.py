"""A cell showing an error value (`#N/A` from a failed lookup, `#DIV/0!` ...) is a finding of
its own that names the error and stops the export: never read as blank, never "is required".

python-calamine and openpyxl hand such a cell over as empty; the package inspection finds it
(`t="e"`), as Excel saves it, in every spelling of the cell.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from addin.engine.cells import EXCEL_ERRORS
from tests.conftest import EXAMPLES
from tests.hostile.conftest import snapshot

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
PASTEL = "pastel-customer"


def _with_errors(book: Path, cells: dict[str, str], spelling: str = '<c r="{ref}" t="e">') -> None:
    """Give each cell a formula whose saved value is the error, as Excel saves it."""
    with zipfile.ZipFile(book) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for ref, error in cells.items():
        cell = spelling.format(ref=ref) + f"<f>VLOOKUP(A1,Z:Z,2,0)</f><v>{error}</v></c>"
        sheet, count = re.subn(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', cell, sheet, count=1)
        assert count == 1, ref
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


@pytest.fixture
def book(run, tmp_path) -> Path:
    path = tmp_path / "b.xlsx"
    assert run("import", SAMPLE, "--format", PASTEL, "-o", path).code == 0
    return path


def test_n_a_in_an_optional_field_and_div_0_in_a_required_one_are_findings(run, book, tmp_path):
    """H3 (Order Number, optional) held a failed VLOOKUP and exported as empty; D4 (a Detail's
    Unit Selling Price, required) held #DIV/0! and was reported as "is required"."""
    _with_errors(book, {"H3": "#N/A", "D4": "#DIV/0!"})
    done = run("validate", book, "--json")
    assert done.code == 1
    import json

    found = {(f["row"], f["column"]): f for f in json.loads(done.out)["findings"]}
    assert found[(3, "H")]["code"] == "error-value"
    assert found[(3, "H")]["message"].startswith("H3 shows the error #N/A (a lookup")
    assert found[(4, "D")]["code"] == "error-value"
    assert "#DIV/0!" in found[(4, "D")]["message"]
    assert not any(f["code"] == "required" for f in found.values())
    before = snapshot(tmp_path)
    refused = run("export", book, "-o", tmp_path / "out.csv")
    assert refused.code == 1 and "not exported: fix the 2 errors first" in refused.err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("error", sorted(EXCEL_ERRORS))
def test_every_error_excel_shows_is_named(run, book, error):
    _with_errors(book, {"K4": error})  # a Detail's Description
    done = run("validate", book)
    assert done.code == 1
    assert f"K4 shows the error {error} ({EXCEL_ERRORS[error]})" in done.out


@pytest.mark.parametrize(
    "spelling",
    ['<c t="e" r="{ref}">', '<c r="{ref}" s="0" t="e">', "<c r='{ref}' t='e'>"],
    ids=["type first", "style between", "single quotes"],
)
def test_an_error_cell_is_found_however_it_is_spelled(run, book, spelling):
    _with_errors(book, {"H3": "#N/A"}, spelling)
    assert "H3 shows the error #N/A" in run("validate", book).out


def test_marking_and_fixing_keep_the_error_finding(run, book):
    _with_errors(book, {"H3": "#N/A"})
    assert run("validate", book, "--mark").code == 1
    with zipfile.ZipFile(book) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    row = re.search(r'<row r="3".*?</row>', sheet, re.S)
    assert row is not None and "H3 shows the error #N/A" in row.group(0)
    # The formula and its saved error stay as they were: Batchsheet never rewrites them.
    assert '<c r="H3" t="e"><f>VLOOKUP(A1,Z:Z,2,0)</f><v>#N/A</v></c>' in sheet
    fixed = run("fix", book, "--apply")
    assert fixed.code == 1 and "nothing to fix with certainty" in fixed.out
    assert "left to correct: 1 error" in fixed.out
    assert run("export", book, "-o", book.with_suffix(".csv")).code == 1


def test_text_that_reads_like_an_error_is_text(run, book, tmp_path):
    """Only a cell of type error is one: the text `#N/A` in a text cell is exported as it is."""
    with zipfile.ZipFile(book) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert sheet.count(b"<t>PO-44871</t>") == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<t>PO-44871</t>", b"<t>#N/A</t>")
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert "shows the error" not in run("validate", book).out
    assert run("export", book, "-o", tmp_path / "out.csv").code == 0
    assert b",#N/A," in (tmp_path / "out.csv").read_bytes()


def test_the_error_cells_of_read_values_are_told_by_type_not_by_equality():
    """What Excel hands over for an error (xlwings on Windows: its text with `err_to_str`,
    an int for the errors xlwings does not know) is found in any row; a float, bool or text
    that equals one is not an error."""
    from addin.engine.cells import COM_ERRORS, error_cells

    spill = next(code for code, text in COM_ERRORS.items() if text == "#SPILL!")
    values = [
        ["H", "INV1", None, 1.0, True],
        ["D", "#N/A", 3, float(spill), "#n/a"],
        [None, None, None, None, None],
        ["D", "x", spill, False, "#DIV/0!"],
        [],
    ]
    assert error_cells(values) == [(2, 2, "#N/A"), (4, 3, "#SPILL!"), (4, 5, "#DIV/0!")]
    assert error_cells([["H", 1.0, None]] * 3) == []
