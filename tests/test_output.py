"""The small things a user meets in the command's output: counts in words, a reader that
stops reading, the wrong kind of file, and a usage mistake said where it belongs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import EXAMPLES, run_process
from tests.infusion.conftest import csv_bytes as infusion_bytes
from tests.pastel_rows import csv_bytes, detail, header

from .conftest import batchsheet_exe

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path: Path):
    read, write = os.pipe()
    os.close(read)  # nobody reads: the first write fails as it does under `| head`
    try:
        done = subprocess.run(
            [batchsheet_exe(), "check", SAMPLE, "--format", "pastel-customer"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.returncode == 141  # 128 + SIGPIPE, as a Unix tool stopped by the pipe
    assert done.stderr == ""


def test_one_of_a_thing_is_said_in_the_singular(run, tmp_path: Path):
    one = tmp_path / "one.csv"
    one.write_bytes(csv_bytes([header(account="ABC001", tax_type="1"), detail(tax_type="1")]))
    settings = tmp_path / "settings.json"
    settings.write_text(
        json.dumps({"lists": {"customers": ["ABC001"], "tax_types": [{"code": "1", "rate": "15"}]}})
    )
    out = run("check", one, "--format", "pastel-customer", "--settings", settings).out
    assert "Customer Code in Customers (1 code in " in out
    assert "(1 tax type, within " in out
    assert "1 codes" not in out and "1 tax types" not in out
    book = tmp_path / "one.xlsx"
    imported = run("import", one, "--format", "pastel-customer", "-o", book).out
    assert "imported 2 records (1 document) from" in imported
    exported = run("export", book, "-o", tmp_path / "out.csv").out
    assert "wrote 1 document, 2 records" in exported
    assert "1 documents" not in imported + exported


def test_import_counts_on_the_sheet_only_what_it_marks_there(run, tmp_path: Path):
    rows = [
        ["Account Number", "Date", "Reference", "GL ID", "Amount", "GST Rate", "Amount Is"],
        ["C1", "05/02/2025", "R1 Caf\xe9", "6120", "115.00", "GST 15%", "Inclusive"],
    ]
    source = tmp_path / "cp1252.csv"
    source.write_bytes(infusion_bytes(rows).decode("utf-8").encode("cp1252"))
    done = run("import", source, "-o", tmp_path / "a.xlsx")
    first, *rest = done.out.splitlines()
    # The two file-level warnings (no Description column; not UTF-8) belong to no sheet row.
    assert first.endswith("; 0 errors, 0 warnings marked on the sheet.")
    assert rest[0] == "  About the file itself (2, not on the sheet):"
    assert len(rest) == 3 and all(line.startswith("    line 1 ") for line in rest[1:])


def test_check_of_a_workbook_says_to_validate_it(run, tmp_path: Path):
    book = tmp_path / "b.xlsx"
    run("import", SAMPLE, "--format", "pastel-customer", "-o", book)
    done = run("check", book, "--format", "pastel-customer")
    assert done.code == 2
    assert done.err == (
        f"batchsheet: {book}: this is an Excel workbook, not a CSV file; check a workbook "
        f"with `batchsheet validate {book}`\n"
    )
    assert "binary" not in done.err


def test_a_file_of_another_format_is_named_once_and_nothing_is_written(run, tmp_path: Path):
    target = tmp_path / "wrong.xlsx"
    done = run("import", INFUSION, "--format", "pastel-customer", "-o", target)
    assert done.code == 2
    assert done.err.count("\n") == 1
    assert "Infusion customer adjustments; say --format infusion-customer-adjustments" in done.err
    assert not target.exists()
    checked = run("check", SAMPLE, "--format", "infusion-customer-adjustments")
    assert checked.code == 2
    assert "say --format pastel-customer or --format pastel-supplier" in checked.err
    assert "Column A holds" not in checked.out + checked.err


def test_a_csv_checked_without_settings_says_none_were_given(run):
    out = run("check", SAMPLE, "--format", "pastel-customer").out
    assert "Not checked: 11 checks, no settings given (--settings FILE); --all names them" in out
    assert "Settings sheet" not in out


def test_an_unknown_option_is_refused_with_the_subcommands_usage(tmp_path: Path):
    done = run_process("check", SAMPLE, "--bogus", cwd=tmp_path)
    assert done.code == 2
    assert done.err.startswith("usage: batchsheet check ")
    assert "batchsheet check: error: unrecognized arguments: --bogus" in done.err
    assert "COMMAND" not in done.err


def test_forgetting_a_batch_the_ledger_lacks_is_a_usage_error(run):
    done = run("ledger", "forget", "99")
    assert done.code == 2
    assert done.err.startswith("batchsheet: no batch '99' in the ledger ")


def test_a_batch_exported_again_gets_one_grouped_note(run, tmp_path: Path):
    rows = []
    for n in range(30):
        rows += [header(order_number=f"PO-{n}"), detail()]
    source = tmp_path / "b.csv"
    source.write_bytes(csv_bytes(rows))
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", book)
    run("export", book, "-o", tmp_path / "first.csv")
    again = run("export", book, "-o", tmp_path / "second.csv")
    notes = [line for line in again.err.splitlines() if "note:" in line]
    assert len(notes) == 1
    assert notes[0].startswith(
        "  note: 30 × exported before, by the batch ledger (rows 3, 5, 7 and 27 more)"
    )
    assert "recorded as batch 2" in again.out


def test_the_first_record_is_found_past_blank_lines_and_named_by_its_line(run, tmp_path: Path):
    source = tmp_path / "blank-first.csv"
    source.write_bytes(b"\xef\xbb\xbf\r\n  \r\n" + INFUSION.read_bytes())
    done = run("check", source, "--format", "pastel-customer")
    assert done.code == 2
    assert f"{source}: line 3 is not that of pastel-customer: the file is a" in done.err
    assert "Infusion customer adjustments" in done.err
    imported = run("import", source, "-o", tmp_path / "b.xlsx")
    assert imported.code in (0, 1) and "imported" in imported.out
