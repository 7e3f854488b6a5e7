"""The ribbon's buttons, run through xlwings' own Book, Sheet and Range code on an Excel held
in memory (`tests/memory_excel.py`): what they write, where, what they say, and how many
calls into Excel they take."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
import xlwings as xw

from addin.excel import plans, ribbon
from addin.excel.layout import DATA_SHEET, HELPER_NAME, LAST_ROW
from addin.installer.xlam import ribbon_module_source
from addin.specs import get_spec
from tests.conftest import EXAMPLES
from tests.memory_excel import Excel, data, no_formulas
from tests.pastel_rows import csv_bytes, detail, header

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
WIDTH = 32  # a Pastel sheet: 29 data columns and 3 marking columns
ROWS_PER_CALL = ribbon.CELLS_PER_CALL // WIDTH


def imported(run, excel: Excel, tmp_path: Path, rows: list[list[str]] | None = None) -> xw.Book:
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(rows) if rows is not None else SAMPLE.read_bytes())
    book = tmp_path / "in.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", book, "--force").code < 2
    return excel.open(book)


def many_rows(documents: int, bad_every: int) -> list[list[str]]:
    rows = []
    for n in range(documents):
        rows.append(header(order_number=f"PO-{n}", period="14" if n % bad_every == 0 else "3"))
        rows.append(detail(quantity="x" if n % bad_every == 0 else "2"))
        rows.append(detail(line_type="6", code="123", store=""))  # a bad GL code on every doc
    return rows


def typed_in(excel: Excel, tmp_path: Path, documents: int) -> xw.Book:
    """A template with `documents` documents typed (pasted) in: values as Excel holds them."""
    book = excel.open(ribbon_template(tmp_path))
    sheet = data(book)
    spec = get_spec("pastel-customer")
    r = 3
    for n in range(documents):
        for kind, row in (("Header", header(order_number=f"PO-{n}")), ("Detail", detail())):
            for c, (f, text) in enumerate(zip(spec.record(kind).fields, row), start=1):
                if text:
                    sheet.grid[r, c] = float(text) if f.kind in ("number", "integer") else text
            r += 1
    sheet.grid[3, 6] = 14.0  # one bad period
    return book


def ribbon_template(tmp_path: Path) -> Path:
    from addin.excel.template import BatchWorkbookWriter

    target = tmp_path / "typed.xlsx"
    BatchWorkbookWriter(get_spec("pastel-customer")).save(target, replace=True)
    return target


# -- Validate -------------------------------------------------------------------------------


def test_validate_marks_cells_selects_the_first_and_summarises(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, [header(period="14"), detail(description="a, b")])
    ribbon.validate(book)
    sheet = data(book)
    assert (sheet.get(3, 30), sheet.get(3, 31)) == ("F", None)
    assert sheet.get(3, 32).startswith("F: Period Number must be from 1 to 13")
    assert (sheet.get(4, 30), sheet.get(4, 31)) == (None, "K")
    ((alert, mode),) = excel.app.alerts
    assert alert.startswith("1 error, 1 warning.") and "First at row 3" in alert
    assert mode == "info"
    assert book.impl.selection.address == "$F$3"
    assert no_formulas(excel)


@pytest.mark.parametrize("documents", [40, 3_400])
def test_validate_moves_at_most_a_chunk_per_call(run, excel, tmp_path, documents):
    book = imported(run, excel, tmp_path, many_rows(documents, bad_every=2))
    ribbon.validate(book)
    rows = 2 + 3 * documents
    marked = sum(1 for (r, c) in data(book).grid if c == 30 and r >= 3)
    assert marked >= documents  # thousands of bad cells at the larger size
    calls = excel.calls
    assert calls.count("read") == math.ceil(rows / ROWS_PER_CALL) + 1  # and the Settings
    assert calls.count("write") == math.ceil((rows - 2) / (ribbon.CELLS_PER_CALL // 3))
    assert calls.largest("read") <= ribbon.CELLS_PER_CALL
    assert calls.largest("write") <= ribbon.CELLS_PER_CALL
    assert calls.count("find") == 1 and calls.count("alert") == 1 and calls.count("select") == 1
    assert calls.count("wrap text") == 1  # the Problems column, whatever the rows
    other = set(calls.kinds()) - {"read", "write", "find", "alert", "select", "status bar"}
    assert sum(calls.kinds()[k] for k in other) <= 7, calls.kinds()


def test_validate_of_100000_rows_reads_only_the_data_however_far_the_formats_go(excel, tmp_path):
    book = typed_in(excel, tmp_path, 50_000)
    sheet = data(book)
    sheet.formatted_to = (LAST_ROW, WIDTH)  # whole columns formatted: used range to the end
    ribbon.validate(book)
    rows = 2 + 100_000
    assert excel.calls.count("read") == math.ceil(rows / ROWS_PER_CALL) + 1
    assert sum(n for k, n in excel.calls.log if k == "read") < rows * WIDTH + 1_000
    assert sheet.get(3, 30) == "F" and sheet.get(100_002, 32) is None
    assert excel.app.alerts[-1][0].startswith("1 error")


@pytest.mark.parametrize("documents", [500, 50_000])
def test_every_button_on_1000_and_100000_rows(excel, tmp_path, documents):
    """Validate, Clear marks, Fix (answered No), Export refused and Export clean, on a sheet
    of 1,000 and of 100,000 rows: what each writes, selects and says, in bounded calls."""
    book = typed_in(excel, tmp_path, documents)
    sheet = data(book)
    rows = 2 + 2 * documents
    reads = math.ceil(rows / ROWS_PER_CALL)

    ribbon.validate(book)
    assert sheet.get(3, 30) == "F" and book.impl.selection.address == "$F$3"
    assert excel.calls.count("read") == reads + 1 and excel.calls.count("select") == 1
    assert excel.app.alerts[-1][0].startswith("1 error")

    excel.calls.clear()
    ribbon.clear_marks(book)
    assert sheet.get(3, 30) is None and excel.calls.count("clear") == 1
    assert excel.calls.count("read") == 0

    excel.calls.clear()
    target = tmp_path / "out.csv"
    ribbon.export_csv(str(target), book)
    assert not target.exists() and excel.app.alerts[-1][1] == "critical"
    assert sheet.get(3, 30) == "F"  # refused, and marked
    assert excel.calls.largest("read") <= ribbon.CELLS_PER_CALL

    excel.calls.clear()
    excel.app.answers = ["no"]
    sheet.grid[4, 10] = " WIDG-100"  # pasted with a space: a certain fix
    before = dict(sheet.grid)
    ribbon.fix(book)
    assert "J4" in excel.app.alerts[-1][0] and "Make these changes?" in excel.app.alerts[-1][0]
    assert sheet.grid == before and excel.app.answers == []
    assert excel.calls.largest("read formulas") <= ribbon.CELLS_PER_CALL
    assert excel.calls.count("read formulas") == reads

    sheet.grid[3, 6] = 3.0
    sheet.grid[4, 10] = "WIDG-100"
    excel.calls.clear()
    ribbon.export_csv(str(target), book)
    assert excel.app.alerts[-1][0].startswith(f"Wrote out.csv: {documents:,} documents")
    assert target.read_bytes().count(b"\r\n") == 2 * documents
    assert excel.calls.count("write") == 0 and no_formulas(excel)


def test_validate_clears_marks_that_no_longer_apply(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, [header(period="14"), detail()])
    sheet = data(book)
    assert sheet.get(3, 30) == "F"  # the import marked it
    sheet.grid[3, 6] = 3.0
    ribbon.validate(book)
    assert sheet.get(3, 30) is None and sheet.get(3, 32) is None
    assert excel.app.alerts[-1][0].startswith("No problems found")
    assert excel.calls.count("select") == 0


def test_clear_marks_is_one_clear_and_leaves_the_data(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, [header(period="14"), detail()])
    before = {k: v for k, v in data(book).grid.items() if k[1] <= 29}
    ribbon.clear_marks(book)
    assert excel.calls.count("clear") == 1 and excel.calls.count("read") == 0
    assert {k: v for k, v in data(book).grid.items() if k[1] <= 29} == before
    assert not [k for k in data(book).grid if k[1] >= 30 and k[0] >= 3]


# -- Export ---------------------------------------------------------------------------------


def test_export_writes_the_import_file_and_reports_it(run, excel, tmp_path):
    book = imported(run, excel, tmp_path)
    target = tmp_path / "out.csv"
    ribbon.export_csv(str(target), book)
    assert target.read_bytes() == SAMPLE.read_bytes()
    ((alert, mode),) = excel.app.alerts
    assert alert.startswith("Wrote out.csv: 3 documents, 12 records.") and mode == "info"
    assert excel.calls.count("write") == 0


def test_export_never_replaces_the_workbook_it_exports(run, excel, tmp_path):
    book = imported(run, excel, tmp_path)
    own = Path(book.fullname)
    before = own.read_bytes()
    ribbon.export_csv(str(own), book)
    ((alert, mode),) = excel.app.alerts
    assert mode == "critical" and "is the file this command reads" in alert
    assert own.read_bytes() == before


def test_export_refuses_while_errors_remain_and_marks_them(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, [header(period="14"), detail()])
    ribbon.clear_marks(book)
    target = tmp_path / "out.csv"
    target.write_bytes(b"previous export")
    ribbon.export_csv(str(target), book)
    assert target.read_bytes() == b"previous export"
    ((alert, mode),) = excel.app.alerts
    assert alert.startswith("Not exported: nothing was written.") and mode == "critical"
    assert data(book).get(3, 30) == "F"


# -- Import, New batch, Help ----------------------------------------------------------------


def test_import_opens_a_new_workbook_and_never_overwrites(excel, tmp_path):
    source = tmp_path / "batch.csv"
    source.write_bytes(SAMPLE.read_bytes())
    existing = tmp_path / "batch.xlsx"
    existing.write_bytes(b"someone's workbook")
    caller = excel.blank()
    ribbon.import_csv(str(source), caller)
    assert existing.read_bytes() == b"someone's workbook"
    opened = excel.app.books.active
    assert opened.fullname == str(tmp_path / "batch (2).xlsx")
    assert opened.sheets.named(DATA_SHEET).get(3, 1) == "Header"
    assert caller.impl.sheets.named("Sheet1").grid == {}, "the calling workbook is untouched"
    ((alert, _),) = excel.app.alerts
    assert "Imported 12 records (3 documents) into batch (2).xlsx" in alert
    # The status bar said what the import was doing, and was handed back to Excel after.
    assert excel.app.statuses[:3] == [
        "Batchsheet: reading batch.csv…",
        "Batchsheet: checking 12 records…",
        "Batchsheet: writing batch (2).xlsx…",
    ]
    assert excel.app.statuses[-1] is False


def empty_batch(
    excel: Excel, tmp_path: Path, fmt: str = "pastel-customer", name: str = "new"
) -> xw.Book:
    from addin.excel.template import BatchWorkbookWriter

    target = tmp_path / f"{name}-{fmt}.xlsx"
    BatchWorkbookWriter(get_spec(fmt)).save(target, replace=True)
    return excel.open(target)


def test_import_fills_the_empty_batch_in_front_of_you(excel, tmp_path):
    rows = [header(), detail(description="=SUM(A1:A9)", store="001"), detail(quantity="x")]
    rows += [detail(code=f"C{n}") for n in range(5_000)]
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(rows))
    book = empty_batch(excel, tmp_path)
    open_before = len(excel.app.books)
    ribbon.import_csv(str(source), book)
    sheet = data(book)
    assert len(excel.app.books) == open_before, "no other workbook was opened"
    assert sheet.get(3, 1) == "Header" and sheet.get(3, 5) == "ABC001"
    assert sheet.get(4, 11) == "=SUM(A1:A9)" and no_formulas(excel)  # text stays text
    assert sheet.get(4, 14) == "001" and sheet.get(4, 3) == 10.0  # codes text, numbers numbers
    assert sheet.get(5, 30) == "C" and sheet.get(5, 32).startswith("C: ")  # marked at import
    assert sheet.get(2 + len(rows), 10) == "C4999"
    writes = math.ceil(len(rows) / ROWS_PER_CALL)
    assert excel.calls.count("write") == writes and excel.calls.largest("write") <= 100_000
    ((alert, _),) = excel.app.alerts
    assert alert.startswith(f"Imported {len(rows):,} records (1 document) into this batch.")
    # What the button wrote validates as the file did.
    ribbon.validate(book)
    assert data(book).get(5, 30) == "C" and data(book).get(4, 30) is None


def test_import_never_writes_over_rows_already_in_the_batch(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, [header(order_number="MINE"), detail()])
    before = dict(data(book).grid)
    source = tmp_path / "more.csv"
    source.write_bytes(SAMPLE.read_bytes())
    ribbon.import_csv(str(source), book)
    assert data(book).grid == before
    opened = excel.app.books.active
    assert opened is not book.impl and opened.fullname == str(tmp_path / "more.xlsx")
    assert "already has rows" in excel.app.alerts[-1][0]


def test_an_infusion_batch_is_filled_only_when_the_columns_match(excel, tmp_path):
    from tests.infusion.conftest import HEADER, ROW
    from tests.infusion.conftest import csv_bytes as infusion_csv

    fmt = "infusion-customer-adjustments"
    columns = [f.label for f in get_spec(fmt).records[0].fields if not f.export_only]
    by_label = dict(zip(HEADER, ROW))
    same = tmp_path / "same.csv"
    same.write_bytes(infusion_csv([columns, [by_label.get(c, "") for c in columns]]))
    book = empty_batch(excel, tmp_path, fmt)
    ribbon.import_csv(str(same), book)
    assert data(book).get(2, 1) == by_label[columns[0]]
    assert "into this batch" in excel.app.alerts[-1][0]

    fewer = tmp_path / "fewer.csv"
    fewer.write_bytes(infusion_csv([columns[:-1], [by_label.get(c, "") for c in columns[:-1]]]))
    fresh = empty_batch(excel, tmp_path, fmt, name="second")
    ribbon.import_csv(str(fewer), fresh)
    assert "columns differ" in excel.app.alerts[-1][0]
    assert data(fresh).get(2, 1) is None
    assert excel.app.books.active.fullname == str(tmp_path / "fewer.xlsx")


def test_failures_reach_the_user_as_a_plain_alert(excel, tmp_path):
    caller = excel.blank()
    ribbon.validate(caller)
    ribbon.import_csv(str(tmp_path / "missing.csv"), caller)
    ribbon.new_batch("no-such-format", caller)
    messages = [m for m, _ in excel.app.alerts]
    assert messages[0].startswith("This workbook is not a Batchsheet batch.")
    assert "missing.csv" in messages[1] and "Traceback" not in messages[1]
    assert messages[2] == "Unknown format 'no-such-format'."
    assert all(mode == "critical" for _, mode in excel.app.alerts)


def test_help_shows_the_instructions_sheet_of_a_batch(run, excel, tmp_path):
    book = imported(run, excel, tmp_path)
    ribbon.show_help(book)
    assert book.impl.sheets.active.name == "Instructions" and not excel.app.alerts
    other = excel.blank()
    ribbon.show_help(other)
    assert excel.app.alerts[0][0].startswith("Batchsheet checks and exports")


def test_new_batch_opens_a_template_workbook_saved_in_documents(excel, tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    ribbon.new_batch("pastel-supplier", excel.blank())
    opened = excel.app.books.active
    assert Path(opened.fullname).parent == tmp_path / "Documents" / "Batchsheet"
    assert opened.names("Batchsheet_Format").refers_to == '="pastel-supplier"'
    assert opened.sheets.named(DATA_SHEET) is not None


@pytest.mark.parametrize("button", ["new_batch", "show_help", "import_csv"])
def test_the_blank_workbook_opened_for_python_is_closed_and_no_other(
    excel, tmp_path, monkeypatch, button
):
    """With no workbook open the add-in opens a blank one for xlwings to call from; on macOS
    only Python knows when it is done with it."""
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([header(), detail()]))

    def press(book: xw.Book) -> None:
        if button == "new_batch":
            ribbon.new_batch("pastel-customer", book)
        elif button == "show_help":
            ribbon.show_help(book)
        else:
            ribbon.import_csv(str(source), book)

    helper = excel.blank()
    helper.impl.names.add(HELPER_NAME, "=TRUE")
    press(helper)
    assert helper.impl.closed
    mine = excel.blank()
    press(mine)
    assert not mine.impl.closed
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
    plain = tmp_path / "plain.csv"
    plain.write_bytes(csv_bytes([header(), detail()]))
    costs = tmp_path / "costs.csv"
    costs.write_bytes(csv_bytes([header(additional_costs="125.00"), detail()]))
    supplier = get_spec("pastel-supplier")
    assert supplier.told_by == ("Header", "additional_costs")
    spec, note = plans.import_format(costs, None)
    assert spec is supplier
    assert note == f"Read as a {supplier.title}: its Additional Costs column is filled in."
    spec, note = plans.import_format(plain, None)
    assert spec.name == "pastel-customer" and "If these are" in note
    # The batch open in Excel decides first.
    assert plans.import_format(costs, get_spec("pastel-customer"))[0].name == "pastel-customer"


def test_validate_reads_the_document_type_as_the_command_does(run, excel, tmp_path):
    from addin.excel.layout import DOCUMENT_TYPE_NAME

    source = tmp_path / "s.csv"
    source.write_bytes(csv_bytes([header(additional_costs="Y"), detail()]))
    path = tmp_path / "s.xlsx"
    run("import", source, "--format", "pastel-supplier", "-o", path, "--force")
    for document_type, flagged in (("supplier-invoice", False), ("grv", True)):
        book = excel.open(path)
        book.impl.names.add(DOCUMENT_TYPE_NAME, f'="{document_type}"')
        ribbon.validate(book)
        marked = str(data(book).get(3, 32) or "")
        assert ("Additional Costs Y only applies" in marked) is flagged, (document_type, marked)
        book.impl.close()
