"""The buttons in Excel as it really behaves (`tests/memory_excel.py`, each behaviour cited
there): rows hidden by a filter or by hand, error values, text Excel would retype, and
macOS's RunPython that returns at once and alerts that give up after a minute.

Each test ran on Windows' and macOS' engine where both apply; each failed before the
product read every row whatever was hidden, named error values, prefixed every text it
writes and guarded a press against the one before it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import xlwings as xw

from addin.excel import ribbon
from addin.excel.sheet_values import as_typed_text
from tests.conftest import EXAMPLES
from tests.memory_excel import TIMED_OUT, Excel, auto_filter, data, hide_rows, put_error
from tests.pastel_rows import csv_bytes, detail, header

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
PLATFORMS = ["windows", "macos"]


@pytest.fixture(params=PLATFORMS)
def excel(request):
    """An Excel held in memory as on Windows and as on macOS."""
    running = Excel(request.param)
    yield running
    running.close()


def imported(
    run, excel: Excel, tmp_path: Path, rows: list[list[str]] | None = None, name: str = "in"
) -> xw.Book:
    source = tmp_path / f"{name}.csv"
    source.write_bytes(csv_bytes(rows) if rows is not None else SAMPLE.read_bytes())
    book = tmp_path / f"{name}.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", book, "--force").code < 2
    return excel.open(book)


def thousand_rows() -> list[list[str]]:
    """500 documents of a Header and a Detail: 1,000 rows, the last on sheet row 1,002."""
    return [row for n in range(500) for row in (header(order_number=f"PO-{n}"), detail())]


# -- 1. no row lost to a filter or hidden rows ------------------------------------------------


def test_a_filtered_batch_exports_every_row_and_says_how_many_were_hidden(run, excel, tmp_path):
    """A 1,000-row batch with its last 10 rows hidden by a filter exported 990."""
    book = imported(run, excel, tmp_path, thousand_rows())
    sheet = data(book)
    auto_filter(sheet, "A2:AF1002", 8, "<>PO-499")  # hides nothing yet: a real filter
    hide_rows(sheet, range(993, 1003))
    out = tmp_path / "out.csv"
    ribbon.export_csv(str(out), book)
    lines = out.read_bytes().split(b"\r\n")
    assert len([x for x in lines if x]) == 1_000
    alert = excel.app.alerts[-1][0]
    assert "1,000 records" in alert or "1000 records" in alert
    if excel.platform == "windows":
        assert "10 rows of the batch were hidden (by a filter or by hand)" in alert
    else:
        assert "Some rows of the batch were hidden (by a filter or by hand)" in alert


def test_a_filter_on_headers_only_exports_the_details_too(run, excel, tmp_path):
    """A filter showing only Header rows made Export say "This Header has no Detail lines"."""
    book = imported(run, excel, tmp_path)
    auto_filter(data(book), "A2:AF14", 1, "=Header")
    out = tmp_path / "out.csv"
    ribbon.export_csv(str(out), book)
    assert out.read_bytes() == SAMPLE.read_bytes()


def test_validate_marks_a_bad_row_hidden_at_the_end(run, excel, tmp_path):
    rows = [header(), detail(), header(order_number="X"), detail(quantity="x")]
    book = imported(run, excel, tmp_path, rows)
    sheet = data(book)
    assert sheet.get(6, 30) == "C"  # the import marked it
    hide_rows(sheet, [5, 6])
    ribbon.validate(book)
    assert sheet.get(6, 30) == "C"
    assert excel.app.alerts[-1][0].startswith("1 error")


def test_import_into_a_batch_whose_rows_are_all_hidden_keeps_them(run, excel, tmp_path):
    book = imported(run, excel, tmp_path)
    sheet = data(book)
    hide_rows(sheet, range(3, 15))
    before = dict(sheet.grid)
    source = tmp_path / "again.csv"
    source.write_bytes(SAMPLE.read_bytes())
    ribbon.import_csv(str(source), book)
    assert {k: v for k, v in sheet.grid.items() if k in before} == before
    assert "already has rows" in excel.app.alerts[-1][0]
    assert (tmp_path / "again.xlsx").is_file()  # the file became a workbook of its own


# -- 2. error values are findings, never blanks -----------------------------------------------


@pytest.mark.parametrize(
    ("cell", "error"),
    [((3, 8), "#N/A"), ((4, 4), "#DIV/0!"), ((4, 3), "#SPILL!"), ((4, 11), "#CALC!")],
    ids=["optional N/A", "required DIV/0", "quantity SPILL", "description CALC"],
)
def test_an_error_value_is_a_finding_and_stops_the_export(run, excel, tmp_path, cell, error):
    book = imported(run, excel, tmp_path)
    sheet = data(book)
    put_error(sheet, *cell, error)
    ribbon.validate(book)
    row, column = cell
    letter = chr(ord("A") + column - 1)
    problems = sheet.get(row, 32) or ""
    assert sheet.get(row, 30) and letter in sheet.get(row, 30).split()
    if excel.platform == "windows":
        assert f"{letter}{row} shows the error {error}" in problems
    else:  # Excel for Mac hands every error over as a missing value
        assert (
            f"{letter}{row} holds a formula whose value Excel for Mac does not hand over"
            in (problems)
            or f"{letter}{row} shows the error" in problems
        )
    assert "is required" not in problems and "digits" not in problems
    out = tmp_path / "out.csv"
    ribbon.export_csv(str(out), book)
    assert not out.exists()


# -- 3. text stays text -----------------------------------------------------------------------

RETYPED = [
    "March 2025", "Jan-25", "5 Mar", "2025/05/14", "1E5", "1 1/2", "(100)", "15%", "10 AM",
    "TRUE", "#N/A", "001", "'quoted", "=1+1", "1,234.50",
]  # fmt: skip


@pytest.mark.parametrize("text", RETYPED)
def test_text_written_into_a_general_cell_lands_as_the_same_text(run, excel, tmp_path, text):
    """Import into the batch in front of the user: Description (K), Delivery Address 1 (N)
    and Contact Person (X) are General cells in Excel's eyes unless formatted."""
    rows = [
        header(address_1=text, contact=text),
        detail(description=text),
    ]
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(rows))
    book = excel.open(_template(tmp_path))
    ribbon.import_csv(str(source), book)
    sheet = data(book)
    assert sheet.get(3, 14) == text and sheet.get(3, 24) == text and sheet.get(4, 11) == text
    out = tmp_path / "out.csv"
    ribbon.export_csv(str(out), book)
    assert out.read_bytes() == csv_bytes(rows).removeprefix(b"\xef\xbb\xbf")


def _template(tmp_path: Path) -> Path:
    from addin.excel.template import BatchWorkbookWriter
    from addin.specs import get_spec

    target = tmp_path / "empty.xlsx"
    BatchWorkbookWriter(get_spec("pastel-customer")).save(target, replace=True)
    return target


def test_every_text_written_into_a_live_cell_carries_the_prefix():
    assert [as_typed_text(t) for t in ("5 Mar", "'x", "plain")] == ["'5 Mar", "''x", "'plain"]
    assert as_typed_text("") == "" and as_typed_text(None) is None and as_typed_text(3.5) == 3.5


# Text that reads as a formula is never rewritten by a fix (it stays as typed, marked).
@pytest.mark.parametrize("text", [t for t in RETYPED if not t.startswith("=")])
def test_a_fix_writes_text_that_stays_text(run, excel, tmp_path, text):
    """Fix's new values (here a pasted non-breaking space made a space) and the Audit
    sheet's text land as text whatever Excel would read them as."""
    book = imported(run, excel, tmp_path, [header(), detail(description=f"{text}\u00a0x")])
    excel.app.answers = ["yes"]
    ribbon.fix(book)
    sheet = data(book)
    assert sheet.get(4, 11) == f"{text} x"
    audit = book.sheets["Audit"]
    assert audit.range("B2").value == f"{text}\u00a0x" and audit.range("C2").value == f"{text} x"


# -- 4. macOS: a press while one works, and a question nobody answers at once -----------------


def test_a_second_press_while_the_first_works_changes_nothing(run, tmp_path):
    excel = Excel("macos")
    try:
        book = imported(run, excel, tmp_path, [header(period="14"), detail()])
        sheet = data(book)
        excel.app.press_during("status", lambda: ribbon.clear_marks(book), nth=1)
        ribbon.validate(book)
        assert sheet.get(3, 30) == "F"  # the marks Validate wrote stay
        said = [a for a, _ in excel.app.alerts]
        assert any(a.startswith("Batchsheet is still working on this workbook") for a in said)
        assert said[-1].startswith("1 error")
        ribbon.clear_marks(book)  # once the first is done, the next press works
        assert sheet.get(3, 30) is None
    finally:
        excel.close()


def test_fix_s_question_waits_for_its_answer_on_macos(run, tmp_path):
    """The yes/no question gave up after appscript's 60 s: the fix was lost and the alert
    saying so timed out too, a traceback."""
    excel = Excel("macos")
    try:
        book = imported(run, excel, tmp_path, [header(), detail(description="a\u00a0b")])
        excel.app.answers = [TIMED_OUT, "yes"]  # answered after more than a minute
        ribbon.fix(book)
        assert data(book).get(4, 11) == "a b"
        assert excel.app.alerts[-1][0].startswith("Fixed 1 cell")
    finally:
        excel.close()


def test_the_lock_of_a_press_is_the_workbook_s_own(run, tmp_path):
    excel = Excel("macos")
    try:
        first = imported(run, excel, tmp_path, [header(period="14"), detail()])
        second = imported(run, excel, tmp_path, [header(period="14"), detail()], name="two")
        excel.app.press_during("status", lambda: ribbon.validate(second), nth=1)
        ribbon.validate(first)
        assert data(second).get(3, 30) == "F"  # another workbook is not held up
        assert not any("still working" in a for a, _ in excel.app.alerts)
    finally:
        excel.close()
