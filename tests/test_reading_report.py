"""What the bookkeeper reads on the terminal: a report that fits the terminal's width and is
wrapped, never cut; one line for the checks that need settings; Infusion's rows called
adjustments; commands named at the terminal and buttons in Excel; money in thousands, in
aligned columns; and what Export would refuse said by Validate, once."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from addin.excel import ribbon
from tests.conftest import EXAMPLES, run_process
from tests.infusion.conftest import FORMAT, HEADER, csv_bytes, row
from tests.memory_excel import data

PASTEL = EXAMPLES / "pastel_customer_invoices_sample.csv"
INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"
EXPORT_ONLY = ["Adjustment Number", "Status", "Posted By", "Date Posted", "Customer Name",
               "GST Amount", "Total"]  # fmt: skip


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user works in the batch's folder and names files as they are there."""
    monkeypatch.chdir(tmp_path)


def dozen_mistakes(run, tmp_path: Path) -> Path:
    """The Pastel example imported, then a dozen cells made wrong as a bookkeeper might: in
    the folder the user is in, named as the user names it."""
    book = Path("p.xlsx")
    assert run("import", PASTEL, "--format", "pastel-customer", "-o", book).code == 0
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    for ref, value in {
        "E3": "ABC 001 TOO LONG CODE", "F3": 99, "I3": "Q", "G5": "Z", "C5": "abc",
        "K5": "x" * 50, "L5": "9", "B6": -5, "H6": "Q", "N6": "ZZZZ", "J6": "A" * 30,
        "F5": "LONGUNIT",
    }.items():  # fmt: skip
        ws[ref] = value
    wb.save(book)
    return book


def unwrapped(text: str) -> str:
    """The report's words with its line breaks and indents taken out."""
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Every word the report holds, however it is laid out."""
    return sorted(text.split())


# -- 1. the terminal's width -----------------------------------------------------------------


@pytest.mark.parametrize("columns", [80, 120])
def test_every_line_fits_the_terminal_and_long_messages_are_wrapped_whole(
    run, tmp_path, monkeypatch, columns
):
    monkeypatch.setenv("COLUMNS", str(columns))
    done = run("validate", dozen_mistakes(run, tmp_path))
    assert done.code == 1
    lines = done.out.splitlines()
    assert max(map(len, lines)) <= columns
    # The longest message is all there, in order, across its lines.
    assert (
        "Delivery Address 1 contains a comma or a double quote; the file quotes it, and Pastel "
        "reads quoted fields, but a comma or quote inside one is not confirmed to import. Use "
        "another character if you can." in unwrapped(done.out)
    )
    # A continued message starts under the message's first character, not at the margin.
    start = lines[1].index("Customer Code")
    continued = [line for line in lines if line.startswith(" " * start) and line.strip()]
    assert continued and all(not line[start].isspace() for line in continued)


def test_a_narrow_terminal_gets_more_lines_not_cut_ones(run, tmp_path, monkeypatch):
    book = dozen_mistakes(run, tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    wide = run("validate", book).out
    monkeypatch.setenv("COLUMNS", "80")
    narrow = run("validate", book).out
    assert len(narrow.splitlines()) > len(wide.splitlines())
    assert words(narrow) == words(wide)


def test_output_to_a_file_is_wrapped_at_80_columns(tmp_path, run, monkeypatch):
    monkeypatch.delenv("COLUMNS")
    book = dozen_mistakes(run, tmp_path)
    # stdout is a pipe here, as in `batchsheet validate p.xlsx > report.txt`
    done = run_process("validate", book, cwd=tmp_path)
    assert done.code == 1
    assert max(map(len, done.out.splitlines())) <= 80


# -- 2. the checks that need settings ---------------------------------------------------------


def test_checks_without_settings_are_one_line_and_all_names_them(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    book = dozen_mistakes(run, tmp_path)
    out = run("validate", book).out
    skipped = [line for line in out.splitlines() if line.startswith("Not checked: 11 checks")]
    assert skipped == [
        f"Not checked: 11 checks, nothing in {book}, sheet Settings; --all names them"
    ]
    assert "Customer Code in Customers" not in out
    every = run("validate", book, "--all").out
    assert "Customer Code in Customers" in unwrapped(every)
    assert "Not checked: 11 checks" not in every


def test_a_csv_checked_without_settings_says_how_to_give_them(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run("check", INFUSION).out
    assert "Not checked: 5 checks, no settings given (--settings FILE); --all names them" in out
    assert "Account Number in Customers" not in out


# -- 3. Infusion's rows are adjustments -------------------------------------------------------


def test_infusion_reports_count_adjustments_and_leave_the_amount_out_of_the_label(
    run, tmp_path, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "100")
    out = run("check", INFUSION).out
    assert "Adjustments (5):" in out
    assert "Document" not in out and "document" not in out
    assert "of 4 adjustments" in out  # what the totals leave out
    first = next(line for line in out.splitlines() if "ADJ-2502-01" in line)
    assert re.fullmatch(r"  line 2  C1042 05/02/2025 ADJ-2502-01 +\? +\? +-287\.50", first)
    assert "Adjustments against the batch ledger" in out


def test_infusion_export_the_ledger_and_a_second_export_say_adjustments(run, tmp_path):
    book = tmp_path / "i.xlsx"
    assert run("import", INFUSION, "-o", book).code == 0
    first = run("export", book, "-o", tmp_path / "one.csv")
    assert first.code == 0
    assert "wrote 5 adjustments" in first.out
    assert "5 records" not in first.out and "5 rows" not in first.out
    listed = run("ledger", "list").out
    assert "5 adjustments" in listed and "document" not in listed
    again = run("validate", book)
    assert "This adjustment (C1042 05/02/2025 ADJ-2502-01) was already exported" in unwrapped(
        again.out
    )
    assert "This document" not in again.out


def test_pastel_reports_still_count_documents(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    out = run("check", PASTEL, "--format", "pastel-customer").out
    assert "Documents (3):" in out and "Adjustment" not in out


# -- 4. commands at the terminal, buttons in Excel ---------------------------------------------


def from_export(tmp_path: Path) -> Path:
    """An Infusion export: the import columns, then the export-only ones, filled in."""
    source = tmp_path / "export.csv"
    filled = ["A1", "Posted", "FM", "06/02/2025", "Acme", "37.50", "-287.50"]
    source.write_bytes(csv_bytes([[*HEADER, *EXPORT_ONLY], [*row(), *filled]]))
    return source


def test_the_command_line_names_commands(run, tmp_path):
    book = tmp_path / "x.xlsx"
    run("import", from_export(tmp_path), "--format", FORMAT, "-o", book)
    out = run("validate", book).out
    assert "use `batchsheet new-batch`" in unwrapped(out)
    assert "New batch" not in out and "button" not in out


def test_the_buttons_name_buttons(run, excel, tmp_path):
    book = tmp_path / "x.xlsx"
    run("import", from_export(tmp_path), "--format", FORMAT, "-o", book)
    opened = excel.open(book)
    ribbon.validate(opened)
    sheet = data(opened)
    said = " ".join(
        [alert for alert, _ in excel.app.alerts]
        + [str(v) for v in sheet.grid.values() if isinstance(v, str)]
    )
    assert "use New batch" in unwrapped(said)
    assert "batchsheet" not in said
    # Outside a press, the same engine speaks to the terminal again.
    out = run("validate", book).out
    assert "use `batchsheet new-batch`" in unwrapped(out)


# -- 5. money as a bookkeeper reads it ---------------------------------------------------------


def big_batch(tmp_path: Path) -> Path:
    rows = [[*HEADER], row(Reference="ADJ-1", Amount="1187982195.07", **{"Amount Is": "Exclusive"})]
    rows.append(row(Reference="ADJ-2", Amount="-0.05", **{"Amount Is": "Exclusive"}))
    rows.append(row(Reference="ADJ-3", Amount="12345.6", **{"Amount Is": "Exclusive"}))
    source = tmp_path / "big.csv"
    source.write_bytes(csv_bytes(rows))
    return source


def test_totals_are_grouped_in_thousands_and_aligned(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run("check", big_batch(tmp_path), "--format", FORMAT).out
    lines = out.splitlines()
    table = lines[lines.index(next(x for x in lines if x.startswith("Adjustments (3)"))) :]
    amounts = [x for x in table if re.search(r"\d\.\d\d\s", x + " ")][:4]
    assert "1,187,982,195.07" in amounts[0]
    assert "12,345.60" in amounts[2]
    assert "1,188,000,000,000" not in out and "1187982195.07" not in out
    # Each column's figures end in the same place, the batch's total under them.
    assert "1,187,994,540.62" in amounts[3] and amounts[3].lstrip().startswith("Total")
    ends = {x.index("1,187,") + len("1,187,982,195.07") for x in amounts if "1,187," in x}
    assert len(ends) == 1
    assert max(map(len, lines)) <= 80


def test_json_keeps_plain_amounts(run, tmp_path):
    import json

    out = json.loads(run("check", big_batch(tmp_path), "--format", FORMAT, "--json").out)
    assert out["totals"]["exclusive"] == "1187994540.62"


# -- 7. what Export would refuse, Validate says first, once -----------------------------------


def test_validate_reports_the_export_only_columns_export_refuses(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    book = tmp_path / "x.xlsx"
    run("import", from_export(tmp_path), "--format", FORMAT, "-o", book)
    checked = run("validate", book)
    assert checked.code == 1
    errors = [x for x in checked.out.splitlines() if " error " in x]
    assert len(errors) == 1
    assert "Adjustment Number (K), Status (L)" in errors[0] and "and Total (Q)" in errors[0]
    refused = run("export", book, "-o", tmp_path / "x.csv")
    assert refused.code == 1
    assert [x for x in refused.err.splitlines() if " error " in x and "row" in x] == errors
    assert not (tmp_path / "x.csv").exists()
    # Emptied, the columns are left out of the file and only a warning remains.
    wb = openpyxl.load_workbook(book)
    for cells in wb.worksheets[0]["K2":"Q2"]:
        for cell in cells:
            cell.value = None
    wb.save(book)
    assert run("validate", book).code == 0
    assert run("export", book, "-o", tmp_path / "x.csv").code == 0


def test_every_command_s_messages_fit_the_terminal(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    folder = Path("Month end") / "Customers adjustments" / "February 2025 (second run)"
    folder.mkdir(parents=True)
    book = folder / "adjustments prepared by the bookkeeper.xlsx"
    said = [
        run("import", INFUSION, "-o", book),
        run("import", INFUSION, "-o", folder / "missing" / "x.xlsx"),
        run("fix", book),
        run("new-batch", book, "-o", folder / "the next batch of adjustments.xlsx"),
        run("export", book, "-o", folder / "adjustments for Infusion.csv"),
        run("ledger", "list"),
        run("export", book, "-o", folder / "adjustments for Infusion again.csv"),
    ]
    assert [done.code for done in said] == [0, 2, 0, 0, 0, 0, 0]
    lines = [line for done in said for line in (done.out + done.err).splitlines()]
    assert max(map(len, lines)) <= 80
    # Wrapped, not cut: each message is whole once its lines are joined.
    assert "the next batch of adjustments.xlsx: new batch, no rows; columns Account Number" in (
        unwrapped(said[3].out)
    )
    assert "Description, GL ID, Amount, GST Rate, Amount Is, Cost Centre, Notes" in unwrapped(
        said[3].out
    )
