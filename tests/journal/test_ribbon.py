"""The ribbon's buttons on a journal workbook, through xlwings on the Excel held in memory
(`tests/memory_excel.py`): what each writes, marks, selects and says."""

from __future__ import annotations

from pathlib import Path

import xlwings as xw

from addin.excel import ribbon
from addin.excel.layout import DATA_SHEET
from addin.specs import get_spec
from tests.memory_excel import Excel, data, no_formulas

from .conftest import JOURNAL, SAMPLES, csv_bytes, entry, line

ERRORS_IN, WARNINGS_IN, PROBLEMS = 19, 20, 21  # right of the 18 data columns
UNBALANCED = [*entry("JNL1"), line(reference="JNL2", amount="250.00"),
              line(reference="JNL2", account="9500000", amount="-240.50")]  # fmt: skip


def imported(run, excel: Excel, tmp_path: Path, rows: list[list[str]] | None = None) -> xw.Book:
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(rows) if rows is not None else SAMPLES[JOURNAL].read_bytes())
    book = tmp_path / "in.xlsx"
    assert run("import", source, "--format", JOURNAL, "-o", book, "--force").code < 2
    return excel.open(book)


def empty_batch(excel: Excel, tmp_path: Path) -> xw.Book:
    from addin.excel.template import BatchWorkbookWriter

    target = tmp_path / "new-journal.xlsx"
    BatchWorkbookWriter(get_spec(JOURNAL)).save(target, replace=True)
    return excel.open(target)


def test_validate_marks_the_unbalanced_entry_and_summarises(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, UNBALANCED)
    ribbon.clear_marks(book)
    ribbon.validate(book)
    sheet = data(book)
    # The entry's first line, in the Amount column; the balanced entry unmarked.
    assert (sheet.get(4, ERRORS_IN), sheet.get(4, WARNINGS_IN)) == (None, "G")
    assert sheet.get(4, PROBLEMS).startswith(
        "G: The lines of Date 31/05/2025 and Reference JNL2 do not balance: debits 250.00, "
        "credits 240.50, difference 9.50 (rows 4, 5)."
    )
    assert all(sheet.get(r, c) is None for r in (2, 3, 5) for c in (19, 20, 21))
    ((alert, mode),) = excel.app.alerts
    assert alert.startswith("0 errors, 1 warning.") and mode == "info"
    assert "2 journal entries: debits 350.00, credits 340.50, difference 9.50." in alert
    assert book.impl.selection.address == "$G$4"
    assert no_formulas(excel)


def test_clear_marks_removes_the_marks_and_leaves_the_data(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, UNBALANCED)
    sheet = data(book)
    assert sheet.get(4, WARNINGS_IN) == "G"  # the import marked it
    before = {k: v for k, v in sheet.grid.items() if k[1] <= 18}
    ribbon.clear_marks(book)
    assert excel.calls.count("clear") == 1 and excel.calls.count("read") == 0
    assert {k: v for k, v in sheet.grid.items() if k[1] <= 18} == before
    assert not [k for k in sheet.grid if k[1] >= ERRORS_IN and k[0] >= 2]


def test_fix_rewrites_7000_000_accounts_when_told_yes(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, [*entry("JNL1"), line(reference="J2", contra="8400000")])
    sheet = data(book)
    sheet.grid[2, 4] = "3200/000"
    sheet.grid[4, 12] = "8400/000"
    excel.app.answers = ["yes"]
    ribbon.fix(book)
    assert len(excel.app.alerts) == 2  # what will change, then what changed
    preview = excel.app.alerts[0]
    assert "D2" in preview[0] and "L4" in preview[0] and "Make these changes?" in preview[0]
    assert (sheet.get(2, 4), sheet.get(4, 12)) == ("3200000", "8400000")
    audit = book.impl.sheets.named("Audit")
    assert audit.get(2, 1) == "Batch!D2" and audit.get(2, 2) == "3200/000"
    assert audit.get(2, 3) == "3200000"
    assert sheet.get(2, ERRORS_IN) is None and sheet.get(2, WARNINGS_IN) is None


def test_fix_answered_no_changes_nothing(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, entry("JNL1"))
    sheet = data(book)
    sheet.grid[2, 4] = "3200/000"
    before = dict(sheet.grid)
    excel.app.answers = ["no"]
    ribbon.fix(book)
    assert sheet.grid == before and excel.app.answers == []


def test_export_writes_the_journal_byte_for_byte_and_reports_it(run, excel, tmp_path):
    book = imported(run, excel, tmp_path)
    target = tmp_path / "out.csv"
    ribbon.export_csv(str(target), book)
    assert target.read_bytes() == SAMPLES[JOURNAL].read_bytes()
    ((alert, mode),) = excel.app.alerts
    assert alert.startswith("Wrote out.csv: 5 journal entries, 10 records.") and mode == "info"
    assert excel.calls.count("write") == 0


def test_export_of_an_unbalanced_journal_is_written_and_warned(run, excel, tmp_path):
    book = imported(run, excel, tmp_path, UNBALANCED)
    target = tmp_path / "out.csv"
    ribbon.export_csv(str(target), book)
    assert target.read_bytes() == csv_bytes(UNBALANCED)
    assert "1 warning" in excel.app.alerts[-1][0]


def test_import_csv_fills_the_empty_journal_in_front_of_you(excel, tmp_path):
    source = tmp_path / "may.csv"
    source.write_bytes(SAMPLES[JOURNAL].read_bytes())
    book = empty_batch(excel, tmp_path)
    open_before = len(excel.app.books)
    ribbon.import_csv(str(source), book)
    sheet = data(book)
    assert len(excel.app.books) == open_before
    assert (sheet.get(2, 1), sheet.get(2, 3), sheet.get(2, 4)) == (3.0, "G", "3200000")
    assert sheet.get(2, 7) == 4500.0 and sheet.get(2, 8) == "0"  # amounts numbers, codes text
    assert sheet.get(11, 5) == "JNL0505" and sheet.get(12, 1) is None
    ((alert, _),) = excel.app.alerts
    assert alert.startswith("Imported 10 records (5 journal entries) into this batch.")
    target = tmp_path / "out.csv"
    ribbon.export_csv(str(target), book)
    assert target.read_bytes() == SAMPLES[JOURNAL].read_bytes()


def test_new_batch_opens_a_journal_template_saved_in_documents(excel, tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    ribbon.new_batch(JOURNAL, excel.blank())
    opened = excel.app.books.active
    assert Path(opened.fullname).parent == tmp_path / "Documents" / "Batchsheet"
    assert opened.names("Batchsheet_Format").refers_to == f'="{JOURNAL}"'
    sheet = opened.sheets.named(DATA_SHEET)
    assert sheet.get(1, 1) == "Period" and sheet.get(1, 18) == "Home Amount"
    assert sheet.get(2, 1) is None
