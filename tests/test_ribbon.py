"""The ribbon entry points, on a recording stand-in for Excel: what they write, where, how often."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from addin.excel import plans, ribbon
from addin.excel.layout import HELPER_NAME
from addin.installer.xlam import ribbon_module_source
from addin.specs import get_spec
from tests.conftest import EXAMPLES
from tests.excel_double import Book, Name
from tests.pastel_rows import csv_bytes, detail, header

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"


def imported_book(run, tmp_path: Path, rows: list[list[str]] | None = None) -> Book:
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(rows) if rows is not None else SAMPLE.read_bytes())
    book = tmp_path / "in.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", book, "--force")
    return Book.from_file(book)


def many_rows(documents: int, bad_every: int) -> list[list[str]]:
    rows = []
    for n in range(documents):
        rows.append(header(order_number=f"PO-{n}", period="14" if n % bad_every == 0 else "3"))
        rows.append(detail(quantity="x" if n % bad_every == 0 else "2"))
        rows.append(detail(line_type="6", code="123", store=""))  # a bad GL code on every doc
    return rows


def test_validate_marks_cells_and_summarises(run, tmp_path: Path):
    book = imported_book(run, tmp_path, [header(period="14"), detail(description="a, b")])
    ribbon.validate(book)
    sheet = book.data()
    assert (sheet.get(3, 30), sheet.get(3, 31)) == ("F", None)
    assert sheet.get(3, 32).startswith("F: Period Number must be from 1 to 13")
    assert (sheet.get(4, 30), sheet.get(4, 31)) == (None, "K")
    ((alert, mode),) = book.app.alerts
    assert alert.startswith("1 error, 1 warning.") and "First at row 3" in alert
    assert mode == "info"


def test_validate_makes_the_same_few_calls_however_many_rows_and_errors(run, tmp_path: Path):
    calls = {}
    for documents in (40, 3_400):
        book = imported_book(run, tmp_path, many_rows(documents, bad_every=2))
        ribbon.validate(book)
        marked = sum(1 for (r, c) in book.data().cells if c == 30 and r >= 3)
        assert marked >= documents  # thousands of bad cells at the larger size
        calls[documents] = [c for c in book.calls.names() if c != "status_bar"]
    assert calls[40] == calls[3_400]
    assert calls[40].count("write") == 1 and calls[40].count("alert") == 1
    assert len(calls[40]) <= 6


def test_validate_clears_marks_that_no_longer_apply(run, tmp_path: Path):
    book = imported_book(run, tmp_path, [header(period="14"), detail()])
    sheet = book.data()
    assert sheet.get(3, 30) == "F"  # the import marked it
    sheet.set(3, 6, 3)
    ribbon.validate(book)
    assert sheet.get(3, 30) is None and sheet.get(3, 32) is None
    assert book.app.alerts[-1][0].startswith("No problems found")


def test_clear_marks_is_one_call_and_leaves_the_data(run, tmp_path: Path):
    book = imported_book(run, tmp_path, [header(period="14"), detail()])
    before = {k: v for k, v in book.data().cells.items() if k[1] <= 29}
    ribbon.clear_marks(book)
    assert [c for c in book.calls.names() if c not in ("used_range", "read")] == ["clear"]
    assert {k: v for k, v in book.data().cells.items() if k[1] <= 29} == before
    assert not [k for k in book.data().cells if k[1] >= 30 and k[0] >= 3]


def test_export_writes_the_import_file_and_reports_it(run, tmp_path: Path):
    book = imported_book(run, tmp_path)
    target = tmp_path / "out.csv"
    ribbon.export_csv(str(target), book)
    assert target.read_bytes() == SAMPLE.read_bytes()
    ((alert, mode),) = book.app.alerts
    assert alert.startswith("Wrote out.csv: 3 documents, 12 records.") and mode == "info"


def test_export_never_replaces_the_workbook_it_exports(run, tmp_path: Path):
    book = imported_book(run, tmp_path)
    own = Path(book.fullname)
    before = own.read_bytes()
    ribbon.export_csv(str(own), book)
    ((alert, mode),) = book.app.alerts
    assert mode == "critical" and "is the file this command reads" in alert
    assert own.read_bytes() == before


def test_export_refuses_while_errors_remain_and_marks_them(run, tmp_path: Path):
    book = imported_book(run, tmp_path, [header(period="14"), detail()])
    ribbon.clear_marks(book)
    target = tmp_path / "out.csv"
    target.write_bytes(b"previous export")
    ribbon.export_csv(str(target), book)
    assert target.read_bytes() == b"previous export"
    ((alert, mode),) = book.app.alerts
    assert alert.startswith("Not exported: nothing was written.") and mode == "critical"
    assert book.data().get(3, 30) == "F"


def test_import_opens_a_new_workbook_and_never_overwrites(run, tmp_path: Path, monkeypatch):
    opened: list[str] = []
    import xlwings

    monkeypatch.setattr(xlwings, "Book", lambda path: opened.append(path))
    source = tmp_path / "batch.csv"
    source.write_bytes(SAMPLE.read_bytes())
    existing = tmp_path / "batch.xlsx"
    existing.write_bytes(b"someone's workbook")
    caller = Book({"Sheet1": {}}, {})
    ribbon.import_csv(str(source), caller)
    assert existing.read_bytes() == b"someone's workbook"
    assert opened == [str(tmp_path / "batch (2).xlsx")]
    assert [n for n in caller.calls.names() if n != "status_bar"] == ["alert"], (
        "the calling workbook is not written to"
    )
    assert "Imported 12 records (3 documents) into batch (2).xlsx" in caller.app.alerts[0][0]
    # The status bar said what the import was doing, and was handed back to Excel after.
    status = [v for n, v in caller.calls.log if n == "status_bar"]
    assert status[:3] == [
        "Batchsheet: reading batch.csv…",
        "Batchsheet: checking 12 records…",
        "Batchsheet: writing batch (2).xlsx…",
    ]
    assert status[-1] is False
    assert caller.app.status_bar is False


def test_failures_reach_the_user_as_a_plain_alert(tmp_path: Path):
    caller = Book({"Sheet1": {}}, {})
    ribbon.validate(caller)
    ribbon.import_csv(str(tmp_path / "missing.csv"), caller)
    ribbon.new_batch("no-such-format", caller)
    messages = [m for m, _ in caller.app.alerts]
    assert messages[0].startswith("This workbook is not a Batchsheet batch.")
    assert "missing.csv" in messages[1] and "Traceback" not in messages[1]
    assert messages[2] == "Unknown format 'no-such-format'."
    assert all(mode == "critical" for _, mode in caller.app.alerts)


def test_help_shows_the_instructions_sheet_of_a_batch(run, tmp_path: Path):
    book = imported_book(run, tmp_path)
    ribbon.show_help(book)
    assert book.calls.names() == ["activate"]
    other = Book({"Sheet1": {}}, {})
    ribbon.show_help(other)
    assert other.app.alerts[0][0].startswith("Batchsheet checks and exports")


def test_new_batch_saves_a_template_workbook_in_documents(tmp_path: Path, monkeypatch):
    opened: list[str] = []
    import xlwings

    monkeypatch.setattr(xlwings, "Book", lambda path: opened.append(path))
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    ribbon.new_batch("pastel-supplier", Book({"Sheet1": {}}, {}))
    (path,) = opened
    assert Path(path).parent == tmp_path / "Documents" / "Batchsheet"
    assert Book.from_file(path).format() == '="pastel-supplier"'


@pytest.mark.parametrize("button", ["new_batch", "show_help", "import_csv"])
def test_the_blank_workbook_opened_for_python_is_closed_and_no_other(
    run, tmp_path: Path, monkeypatch, button
):
    """With no workbook open the add-in opens a blank one for xlwings to call from; on macOS
    only Python knows when it is done with it."""
    import xlwings

    monkeypatch.setattr(xlwings, "Book", lambda path: None)
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([header(), detail()]))

    def press(book: Book) -> None:
        if button == "new_batch":
            ribbon.new_batch("pastel-customer", book)
        elif button == "show_help":
            ribbon.show_help(book)
        else:
            ribbon.import_csv(str(source), book)

    helper = Book({"Sheet1": {}}, {HELPER_NAME: "=TRUE"})
    press(helper)
    assert helper.calls.names()[-1] == "close"
    mine = Book({"Sheet1": {}}, {})
    press(mine)
    assert "close" not in mine.calls.names()
    assert f'Private Const HELPER_NAME As String = "{HELPER_NAME}"' in ribbon_module_source()


def test_suggested_export_name_and_free_paths(tmp_path: Path):
    day = dt.date(2025, 3, 31)
    assert plans.suggested_export_name("March batch.xlsx", "pastel-customer", day) == (
        "March batch-pastel-customer-2025-03-31.csv"
    )
    assert plans.suggested_export_name("Book1", None, day) == "Book1-2025-03-31.csv"
    (tmp_path / "a.xlsx").write_bytes(b"")
    (tmp_path / "a (2).xlsx").write_bytes(b"")
    assert plans.free_path(tmp_path / "a.xlsx") == tmp_path / "a (3).xlsx"
    assert plans.free_path(tmp_path / "b.xlsx") == tmp_path / "b.xlsx"


def test_pastel_import_picks_customer_or_supplier_and_says_why(tmp_path: Path):
    supplier = tmp_path / "s.csv"
    supplier.write_bytes((EXAMPLES / "pastel_supplier_invoices_sample.csv").read_bytes())
    spec, note = plans.import_format(supplier, None)
    assert spec.name == "pastel-supplier" and "Additional Costs" in note
    spec, note = plans.import_format(SAMPLE, None)
    assert spec.name == "pastel-customer" and "supplier" in note
    spec, note = plans.import_format(supplier, get_spec("pastel-customer"))
    assert spec.name == "pastel-customer" and "like the workbook" in note


def test_import_tells_look_alike_formats_apart_by_the_field_the_spec_names(tmp_path: Path):
    from addin.excel.plans import import_format
    from addin.specs import get_spec
    from tests.pastel_rows import csv_bytes, detail, header

    plain = tmp_path / "plain.csv"
    plain.write_bytes(csv_bytes([header(), detail()]))
    costs = tmp_path / "costs.csv"
    costs.write_bytes(csv_bytes([header(additional_costs="125.00"), detail()]))
    supplier = get_spec("pastel-supplier")
    assert supplier.told_by == ("Header", "additional_costs")
    spec, note = import_format(costs, None)
    assert spec is supplier
    assert note == f"Read as a {supplier.title}: its Additional Costs column is filled in."
    spec, note = import_format(plain, None)
    assert spec.name == "pastel-customer" and "If these are" in note
    # The batch open in Excel decides first.
    assert import_format(costs, get_spec("pastel-customer"))[0].name == "pastel-customer"


def test_validate_reads_the_document_type_as_the_command_does(run, tmp_path: Path):
    from addin.excel.workbook import DOCUMENT_TYPE_NAME

    source = tmp_path / "s.csv"
    source.write_bytes(csv_bytes([header(additional_costs="Y"), detail()]))
    path = tmp_path / "s.xlsx"
    run("import", source, "--format", "pastel-supplier", "-o", path, "--force")
    for document_type, flagged in (("supplier-invoice", False), ("grv", True)):
        book = Book.from_file(path)
        book.names._names[DOCUMENT_TYPE_NAME] = Name(f'="{document_type}"')
        ribbon.validate(book)
        marked = str(book.data().get(3, 32) or "")
        assert ("Additional Costs Y only applies" in marked) is flagged, (document_type, marked)
