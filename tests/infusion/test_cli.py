"""The batchsheet command with Infusion files: format recognition, rows, lines and marks."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from tests.conftest import EXAMPLES

from .conftest import HEADER, SAMPLE, csv_bytes, row


def test_import_recognises_an_infusion_file_by_its_header_row(run, tmp_path: Path):
    source = tmp_path / "adjustments.csv"
    source.write_bytes(SAMPLE.read_bytes())
    done = run("import", source)
    assert done.code == 0, done.err
    assert "imported 5 adjustments" in done.out
    assert (tmp_path / "adjustments.xlsx").is_file()


def test_import_recognises_an_export_with_columns_it_does_not_know(run, tmp_path: Path):
    source = tmp_path / "x.csv"
    source.write_bytes(csv_bytes([["Account Number", "Date", "Amount", "Region", "Branch"],
                                  ["C1", "05/02/2025", "1.00", "N", "B"]]))  # fmt: skip
    assert run("import", source).code == 1  # GL ID is missing: imported, and said
    assert (tmp_path / "x.xlsx").is_file()


def test_import_asks_which_pastel_format_a_pastel_file_is(run, examples: Path):
    done = run("import", examples / "pastel_customer_invoices_sample.csv")
    assert done.code == 2
    assert "--format pastel-customer or --format pastel-supplier" in done.err


def test_import_of_an_unrecognised_file_names_the_formats(run, tmp_path: Path):
    source = tmp_path / "what.csv"
    source.write_bytes(b"Name,Value\r\nx,1\r\n")
    done = run("import", source)
    assert done.code == 2
    assert "pastel-customer, pastel-supplier, infusion-customer-adjustments" in done.err
    assert not (tmp_path / "what.xlsx").exists()


def test_check_rows_are_file_lines_and_validate_rows_are_sheet_rows(run, tmp_path: Path):
    source = tmp_path / "x.csv"
    # A blank line in the file: line numbers count it, sheet rows do not.
    source.write_bytes(csv_bytes([HEADER, row()]) + b"\r\n" + csv_bytes([row(Date="31/02/2025")]))
    checked = json.loads(run("check", source, "--format", "infusion-customer-adjustments",
                             "--json").out)  # fmt: skip
    assert [(f["row"], f["column"], f["code"]) for f in checked["findings"]] == [
        (4, "B", "not-a-date")
    ]
    run("import", source, "-o", tmp_path / "x.xlsx")
    validated = run("validate", tmp_path / "x.xlsx", "--json")
    assert validated.code == 1
    result = json.loads(validated.out)
    assert [(f["row"], f["column"], f["code"]) for f in result["findings"]] == [
        (3, "B", "not-a-date")
    ]
    assert {"format", "errors", "warnings", "findings"} <= set(result)


def test_validate_mark_writes_the_marking_columns_right_of_the_data(run, tmp_path: Path):
    source = tmp_path / "x.csv"
    source.write_bytes(csv_bytes([[*HEADER, "Region"], [*row(), "N"], [*row(Amount="0"), "S"]]))
    assert run("import", source, "-o", tmp_path / "x.xlsx").code == 1
    assert run("validate", tmp_path / "x.xlsx", "--mark").code == 1
    ws = load_workbook(tmp_path / "x.xlsx")["Batch"]
    assert [ws.cell(1, c).value for c in range(12, 15)] == ["Errors in", "Warnings in", "Problems"]
    assert [ws.cell(3, c).value for c in range(12, 14)] == ["F", None]
    assert "Amount is 0" in ws.cell(3, 14).value
    assert all(ws.cell(2, c).value is None for c in range(12, 15))


def test_a_workbook_with_a_damaged_column_set_is_refused(run, tmp_path: Path):
    source = tmp_path / "x.csv"
    source.write_bytes(csv_bytes([HEADER, row()]))
    run("import", source, "-o", tmp_path / "x.xlsx")
    wb = load_workbook(tmp_path / "x.xlsx")
    wb["Columns"]["A1"].value = "{ not json"
    wb.save(tmp_path / "x.xlsx")
    done = run("validate", tmp_path / "x.xlsx")
    assert done.code == 2 and "column set cannot be used" in done.err


def test_the_bundled_example_is_the_shared_sample():
    assert (EXAMPLES / "infusion_adjustments_sample.csv").read_bytes() == SAMPLE.read_bytes()
