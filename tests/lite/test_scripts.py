"""The Lite scripts against the ribbon: for each format, at about 1,000 rows and (one format)
at 100,000, the scripts run on the in-memory Excel's Lite mode write the marks, the CSV and
the imported rows the ribbon writes on the desktop one, cell for cell and byte for byte, and
say the same words."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from typing import Any

import pytest

from addin.excel import ribbon
from addin.excel.layout import AUDIT_SHEET, DATA_SHEET
from addin.excel.limits import EXCEL_ROWS
from addin.excel.plans import suggested_export_name
from addin.lite import scripts
from addin.lite.book_ledger import LEDGER_SHEET
from addin.specs.model import Spec
from tests.lite.conftest import (
    FORMATS,
    SIZES,
    Made,
    copy_of,
    data_cells,
    desktop,
    lite_excel,
    marking,
    size_id,
)
from tests.memory_excel import CellError, Excel, data

CASES = pytest.mark.parametrize("case", SIZES, ids=size_id)


def _record_fields(spec: Spec, first: Any) -> list[Any]:
    if spec.layout == "records":
        return list(next(r for r in spec.records if r.keyword == first).fields)
    return list(spec.records[0].fields)


def dirty(book: Any, made: Made) -> None:
    """What a bookkeeper's typing leaves behind, on every 97th data row: a text field
    with pasted spaces around it (a certain fix), a number field holding a word (an error
    no fix can know), and, on one row, a cell showing #N/A."""
    sheet = data(book)
    last = sheet.used_extent()[0]
    for r in range(made.first_row, last + 1, 97):
        fields = _record_fields(made.spec, sheet.get(r, 1))
        spaced = numbered = False
        for c, f in enumerate(fields, start=1):
            value = sheet.get(r, c)
            if not spaced and f.kind == "text" and isinstance(value, str) and value.strip():
                sheet.grid[r, c] = f"  {value} "
                spaced = True
            elif not numbered and f.kind == "number" and isinstance(value, float):
                sheet.grid[r, c] = "x"
                numbered = True
    sheet.grid[made.first_row + 1, 2] = CellError("#N/A")


def said(excel: Excel) -> str:
    return excel.app.alerts[-1][0]


def printed(capsys) -> str:
    return capsys.readouterr().out.rstrip("\n")


def ribbon_validated(made: Made) -> tuple[dict, dict, str]:
    with desktop() as excel:
        book = copy_of(excel, made.book)
        dirty(book, made)
        ribbon.validate(book)
        return marking(book), data_cells(book), said(excel)


# -- Validate, Clear marks ---------------------------------------------------------------


@CASES
def test_validate_marks_and_says_what_the_ribbon_does(made, case, capsys):
    m = made(*case)
    marks, cells, words = ribbon_validated(m)
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        dirty(book, m)
        before = data_cells(book)
        excel.run_script(scripts.validate, book)
        assert marking(book) == marks
        assert data_cells(book) == before == cells
        assert printed(capsys) == words
    assert sum(1 for (r, c), v in marks.items() if r >= m.first_row and c > 0 and v) > 0
    assert words.split("\n")[0].split(",")[0] != "0 errors"


@pytest.mark.parametrize("script", ["validate", "clear_marks", "fix", "export_csv"])
def test_a_sheet_formatted_to_its_last_row_is_read_to_its_last_value(made, script, tmp_path):
    """Whole columns formatted make Lite's used range reach row 1,048,576 (Office.js
    `getUsedRange()` counts formatted cells): the scripts read as far as the last value
    (`getUsedRange(true)`), as the ribbon does, not a million rows."""
    m = made("pastel-customer", 1_000)
    marks, _, _ = ribbon_validated(m)
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        dirty(book, m)
        sheet = data(book)
        last_row, width = sheet.used_extent()
        sheet.formatted_to = (EXCEL_ROWS, width)
        excel.calls.clear()
        run = getattr(scripts, script)
        excel.run_script(run, book, folder=tmp_path) if script == "export_csv" else (
            excel.run_script(run, book)
        )
        read = sum(n for kind, n in excel.calls.log if kind == "read")
        assert 0 < read <= 2 * last_row * width, f"{read:,} cells read for {last_row:,} rows"
        if script == "validate":
            assert marking(book) == marks


@CASES
def test_clear_marks_removes_every_mark_and_keeps_the_data(made, case):
    m = made(*case)
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        dirty(book, m)
        excel.run_script(scripts.validate, book)
        cells = data_cells(book)
        assert any(r >= m.first_row and c > 0 for r, c in marking(book))
        excel.run_script(scripts.clear_marks, book)
        left = {(r, c): v for (r, c), v in marking(book).items() if c > 0}
        assert left and all(r < m.first_row for r, _ in left)  # the headings alone
        assert data_cells(book) == cells


# -- Fix -------------------------------------------------------------------------------------


@CASES
def test_fix_unticked_changes_nothing_and_prints_the_plan(made, case, capsys):
    m = made(*case)
    with desktop() as excel:
        book = copy_of(excel, m.book)
        dirty(book, m)
        excel.app.answers = ["no"]
        ribbon.fix(book)
        question = said(excel)
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        dirty(book, m)
        before = {s.name: dict(s.grid) for s in book.impl.sheets}
        excel.run_script(scripts.fix, book, apply=False)
        assert {s.name: dict(s.grid) for s in book.impl.sheets} == before
        assert [s.name for s in book.impl.sheets] == list(before)
        out = printed(capsys)
    assert question.startswith("Batchsheet can fix ") and "surrounding spaces" in question
    assert out == question + "\n\nTo make them, tick apply and press Fix again."


@CASES
def test_fix_ticked_changes_what_the_ribbons_fix_changes(made, case, capsys):
    m = made(*case)
    with desktop() as excel:
        book = copy_of(excel, m.book)
        dirty(book, m)
        excel.app.answers = ["yes"]
        ribbon.fix(book)
        fixed, marks, words = data_cells(book), marking(book), said(excel)
        audit = [row[:4] for row in _rows(book, AUDIT_SHEET)]
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        dirty(book, m)
        before = data_cells(book)
        excel.run_script(scripts.fix, book, apply=True)
        assert data_cells(book) == fixed != before
        assert marking(book) == marks
        assert [row[:4] for row in _rows(book, AUDIT_SHEET)] == audit
        assert printed(capsys) == words
    assert words.startswith("Fixed ") and len(audit) > 1


def _rows(book: Any, name: str) -> list[list[Any]]:
    sheet = data(book, name)
    rows, columns = sheet.used_extent()
    return [[sheet.get(r, c) for c in range(1, columns + 1)] for r in range(1, rows + 1)]


# -- Export CSV ------------------------------------------------------------------------------


@CASES
def test_export_writes_the_ribbons_and_the_commands_bytes(made, case, run, tmp_path, capsys):
    m = made(*case)
    ribbon_csv = tmp_path / "ribbon.csv"
    with desktop() as excel:
        book = copy_of(excel, m.book)
        ribbon.export_csv(str(ribbon_csv), book)
        assert said(excel).startswith("Wrote ribbon.csv")
    command_book, command_csv = tmp_path / "command.xlsx", tmp_path / "command.csv"
    assert run("import", m.csv, "--format", m.spec.name, "-o", command_book).code < 2
    assert run("export", command_book, "-o", command_csv).code == 0
    files = tmp_path / "data"
    files.mkdir()
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        cells = data_cells(book)
        excel.run_script(scripts.export_csv, book, folder=files)
        assert data_cells(book) == cells
    name = suggested_export_name(m.book.name, m.spec.name, dt.date.today())
    assert [p.name for p in files.iterdir()] == [name]
    written = (files / name).read_bytes()
    assert written == ribbon_csv.read_bytes() == command_csv.read_bytes()
    out = printed(capsys).split("\n")
    assert out[0] == f"Wrote {name}: " + out[0].split(": ", 1)[1]
    assert "Recorded in the batch ledger as batch 1." in out
    assert out[-1] == f"Download {name} from the xlwings Lite menu, Files."


@pytest.mark.parametrize("name", FORMATS)
def test_export_with_errors_writes_no_file_and_marks_them(made, name, tmp_path, capsys):
    m = made(name, 1_000)
    with desktop() as excel:
        book = copy_of(excel, m.book)
        dirty(book, m)
        ribbon.export_csv(str(tmp_path / "ribbon.csv"), book)
        marks, words = marking(book), said(excel)
    files = tmp_path / "data"
    files.mkdir()
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        dirty(book, m)
        excel.run_script(scripts.export_csv, book, folder=files)
        assert marking(book) == marks
        assert LEDGER_SHEET not in [s.name for s in book.impl.sheets]
    assert list(files.iterdir()) == [] and not (tmp_path / "ribbon.csv").exists()
    assert printed(capsys) == words
    assert words.startswith("Not exported: nothing was written.")


def test_the_ledger_in_the_workbook_catches_a_second_export(made, tmp_path, capsys):
    """Two exports of one batch: the second is named apart and told it was exported
    before; the ledger lives in a hidden sheet, so the workbook saved and opened again
    still warns on Validate."""
    m = made("pastel-customer", 1_000)
    files = tmp_path / "data"
    files.mkdir()
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        excel.run_script(scripts.export_csv, book, folder=files)
        first = printed(capsys)
        excel.run_script(scripts.export_csv, book, folder=files)
        second = printed(capsys)
        ledger = book.impl.sheets.named(LEDGER_SHEET)
        assert ledger is not None and ledger.visible is False
        assert book.sheets.active.name == DATA_SHEET, "the bookkeeper stays on the batch"
        saved = book.impl
    name = suggested_export_name(m.book.name, m.spec.name, dt.date.today())
    again = name.replace(".csv", " (2).csv")
    assert sorted(p.name for p in files.iterdir()) == sorted([name, again])
    assert (files / name).read_bytes() == (files / again).read_bytes()
    assert "Recorded in the batch ledger as batch 1." in first and "exported before" not in first
    assert "Recorded in the batch ledger as batch 2." in second
    assert f"were exported before (first at row {m.first_row})" in second
    assert f"to {name} (ledger batch 1)" in second
    with lite_excel() as excel:
        book = copy_of(excel, saved)  # the workbook saved, closed and opened again
        excel.run_script(scripts.validate, book)
        words = printed(capsys)
        sheet = data(book)
        last = sheet.used_extent()[1]
        warned, problems = sheet.get(m.first_row, last - 1), sheet.get(m.first_row, last)
    assert "Checked against the batch ledger (this workbook's Batch ledger sheet)." in words
    assert "already exported" in words
    assert warned and "was already exported on " in problems and f"to {name}" in problems


def test_forget_an_export_lists_and_forgets_what_the_workbook_remembers(made, tmp_path, capsys):
    """Lite has no `batchsheet ledger forget`: the warning names the Forget an export script,
    which lists the workbook's exports, forgets the one named, and then Validate no longer
    warns; a batch the ledger does not have is refused with nothing changed."""
    m = made("pastel-customer", 1_000)
    files = tmp_path / "data"
    files.mkdir()
    name = suggested_export_name(m.book.name, m.spec.name, dt.date.today())
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        excel.run_script(scripts.forget_export, book)
        assert printed(capsys) == "This workbook has exported no batch yet: its ledger is empty."
        assert book.impl.sheets.named(LEDGER_SHEET) is None, "listing creates no ledger"
        excel.run_script(scripts.export_csv, book, folder=files)
        printed(capsys)
        excel.run_script(scripts.validate, book)
        warned = printed(capsys)
        assert "type 1 in batch and press Forget an export" in warned
        assert "batchsheet ledger forget" not in warned
        excel.run_script(scripts.forget_export, book)
        listed = printed(capsys)
        documents = listed.split("\n")[1].split(": ", 1)[1].split(" exported")[0]
        assert listed.startswith("This workbook's ledger remembers 1 export:\n  1: ")
        assert f" to {name}\n" in listed and documents.endswith(" documents")
        stored = ledger_cells(book)
        excel.run_script(scripts.forget_export, book, 7)
        assert printed(capsys).startswith("This workbook's ledger has no batch 7: nothing was")
        assert ledger_cells(book) == stored, "a refused forget leaves the ledger as it was"
        excel.run_script(scripts.forget_export, book, 1)
        assert printed(capsys).startswith(f"Forgot batch 1: {documents} exported on ")
        excel.run_script(scripts.validate, book)
        again = printed(capsys)
    assert "already exported" not in again and "Forget an export" not in again


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        ("cut", "its cells no longer hold the ledger Batchsheet wrote there"),
        ("not a database", "the batch ledger cannot be used: "),
    ],
)
def test_a_damaged_ledger_sheet_is_said_and_left_as_it_is(made, tmp_path, capsys, damage, said):
    """A Batch ledger sheet edited by hand: Validate still checks and marks the batch and
    says the ledger cannot be used; Export writes the file, names it for download and says
    it is not recorded; the sheet is not written over. Named as the sheet, never as the
    scratch file it is read into."""
    m = made("pastel-customer", 1_000)
    files = tmp_path / "data"
    files.mkdir()
    marks, _, _ = ribbon_validated(m)
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        excel.run_script(scripts.export_csv, book, folder=files)
        printed(capsys)
        sheet = book.impl.sheets.named(LEDGER_SHEET)
        stored = sheet.grid[2, 1]
        if damage == "cut":
            sheet.grid[2, 1] = stored[:-3]
        else:
            sheet.grid[2, 1] = base64.b64encode(b"these bytes are no SQLite file").decode()
        damaged = ledger_cells(book)
        for f in files.iterdir():
            f.unlink()
        excel.run_script(scripts.export_csv, book, folder=files)
        exported = printed(capsys)
        assert ledger_cells(book) == damaged
        dirty(book, m)
        excel.run_script(scripts.validate, book)
        validated = printed(capsys)
        assert marking(book) == marks, "the batch is checked and marked all the same"
        assert ledger_cells(book) == damaged
    assert (
        "Not checked against the batch ledger, so a document exported before goes unnoticed: "
        "this workbook's Batch ledger sheet: the batch ledger cannot be used: "
    ) in validated
    assert said in validated
    assert "batchsheet-ledger-" not in validated + exported
    assert "The export is not in the batch ledger: this workbook's Batch ledger sheet" in exported
    (written,) = files.iterdir()
    assert exported.endswith(f"Download {written.name} from the xlwings Lite menu, Files.")


def ledger_cells(book) -> dict:
    sheet = book.impl.sheets.named(LEDGER_SHEET)
    return dict(sheet.grid)


# -- Import CSV ------------------------------------------------------------------------------


@CASES
def test_import_fills_the_empty_batch_as_the_ribbon_does(made, case, tmp_path, capsys):
    m = made(*case)
    files = tmp_path / "data"
    files.mkdir()
    shutil.copy(m.csv, files / m.csv.name)
    with desktop() as excel:
        book = excel.open(m.template)
        excel.app.alerts.clear()
        ribbon.import_csv(str(m.csv), book)
        words = said(excel)
    with lite_excel() as excel:
        book = excel.open(m.template)
        excel.run_script(scripts.import_csv, book, folder=files)
        sheet, model = data(book), data_of(m)
        assert sheet.grid == model.grid and len(sheet.grid) > 1_000
        assert sheet.wraps == model.wraps
        # Lite types a date's ISO text: a date in a text column is given its date format
        # first, where COM writes the date itself into the text-formatted cell.
        dated = {c: f for c, f in sheet.formats.items() if model.formats.get(c) != f}
        assert all(f == "DD/MM/YYYY" and isinstance(sheet.get(*c), dt.datetime)
                   for c, f in dated.items())  # fmt: skip
        assert {c: f for c, f in sheet.formats.items() if c not in dated} == model.formats
    assert printed(capsys) == words
    assert words.startswith("Imported ") and "into this batch" in words


def data_of(m: Made) -> Any:
    sheet = next(s for s in m.book.sheets if s.name == DATA_SHEET)
    return sheet


@pytest.mark.parametrize("name", FORMATS)
def test_import_never_writes_over_a_batch_with_rows(made, name, tmp_path, capsys):
    m = made(name, 1_000)
    files = tmp_path / "data"
    files.mkdir()
    shutil.copy(m.csv, files / "again.csv")
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        before = {s.name: dict(s.grid) for s in book.impl.sheets}
        excel.run_script(scripts.import_csv, book, folder=files)
        assert {s.name: dict(s.grid) for s in book.impl.sheets} == before
    assert printed(capsys) == (
        "This batch already has rows, and Import CSV never writes over them: nothing was "
        "imported. Import into an empty template of this format."
    )


@pytest.mark.parametrize(
    ("files", "asked", "told"),
    [
        ([], "", "There is no CSV file in xlwings Lite's files: nothing was imported. Open "
         "the xlwings Lite menu, Files, drop the file there, then press Import CSV again."),
        (["b.csv", "a.csv", "notes.txt"], "", "There are 2 CSV files in xlwings Lite's files "
         "(a.csv, b.csv): nothing was imported. Type the name of the one to import in "
         "file_name, then press Import CSV again."),
        (["a.csv"], "c.csv", "No file named 'c.csv' in xlwings Lite's files (open the xlwings "
         "Lite menu, Files): nothing was imported. The CSV files there: a.csv."),
    ],
    ids=["none", "two-unnamed", "named-missing"],
)  # fmt: skip
def test_import_says_which_files_are_there_and_writes_nothing(
    made, files, asked, told, tmp_path, capsys
):
    m = made("pastel-customer", 1_000)
    folder = tmp_path / "data"
    folder.mkdir()
    for name in files:
        shutil.copy(m.csv, folder / name)
    with lite_excel() as excel:
        book = excel.open(m.template)
        before = {s.name: dict(s.grid) for s in book.impl.sheets}
        excel.run_script(scripts.import_csv, book, asked, folder=folder)
        assert {s.name: dict(s.grid) for s in book.impl.sheets} == before
    assert printed(capsys) == told


def test_import_of_another_formats_file_is_refused(made, tmp_path, capsys):
    m = made("pastel-customer", 1_000)
    other = made("pastel-journal", 1_000)
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(other.csv, folder / "journal.csv")
    with lite_excel() as excel:
        book = excel.open(m.template)
        before = dict(data(book).grid)
        excel.run_script(scripts.import_csv, book, "journal.csv", folder=folder)
        assert data(book).grid == before
    told = printed(capsys)
    assert told.startswith(f"journal.csv is a {other.spec.title}, and this workbook is a ")
    assert told.endswith(f"Import it into a {other.spec.title} template.")


def test_main_py_scripts_run_the_same_work(made, tmp_path, monkeypatch, capsys):
    """The workbook's main.py, as Lite calls it: each script with the book (and its form
    fields), doing what `scripts` does, with `/data` as its folder."""
    from addin.lite import main

    m = made("pastel-customer", 1_000)
    monkeypatch.setattr(scripts, "DATA", tmp_path)
    with lite_excel() as excel:
        book = copy_of(excel, m.book)
        excel.run_script(main.export_csv, book)
        name = suggested_export_name(m.book.name, m.spec.name, dt.date.today())
        assert (tmp_path / name).is_file()
        assert printed(capsys).endswith(f"Download {name} from the xlwings Lite menu, Files.")
        dirty(book, m)
        excel.run_script(main.fix, book, apply=True)
        assert printed(capsys).startswith("Fixed ")
        excel.run_script(main.import_csv, book, file_name=name)
        assert "never writes over them" in printed(capsys)
    scripts_ = (
        main.validate,
        main.clear_marks,
        main.fix,
        main.export_csv,
        main.import_csv,
        main.forget_export,
    )
    for script in scripts_:
        assert script.__doc__ and script.__doc__.startswith("## ")


@pytest.mark.parametrize("script", ["validate", "clear_marks", "fix", "export_csv", "import_csv"])
def test_a_workbook_that_is_no_batch_is_told_how_lite_starts_one(script, tmp_path, capsys):
    """Lite has no New batch: a script in a workbook that is no batch (its format's name
    gone) names the Lite template instead, writes nothing and raises nothing."""
    with lite_excel() as excel:
        book = excel.blank()
        before = {s.name: dict(s.grid) for s in book.impl.sheets}
        run = getattr(scripts, script)
        if script in ("export_csv", "import_csv"):
            excel.run_script(run, book, folder=tmp_path)
        else:
            excel.run_script(run, book)
        after = {s.name: dict(s.grid) for s in book.impl.sheets}
    said = printed(capsys)
    assert said.startswith("This workbook is not a Batchsheet batch. Batchsheet's buttons work")
    assert "New batch" not in said and "-lite.xlsx" in said
    assert after == before and not list(tmp_path.iterdir())
