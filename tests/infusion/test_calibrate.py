"""Calibrating the column set from an Infusion export, and using it everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from .conftest import HEADER, csv_bytes, row

EXPORT_HEADER = ["Account number", "Date", "Reference", "Description", "GL Id", "Amount",
                 "GST  Rate", "Amount Is", "Cost Centre", "Project Code", "Notes"]  # fmt: skip


def export_file(tmp_path: Path) -> Path:
    rows = [EXPORT_HEADER]
    for i in range(3):
        values = row(Reference=f"ADJ-{i}", Description=f"Wānanga {i}, fee")
        rows.append([*values[:9], f"P{i}", values[9]])
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(rows))
    return path


def test_calibrate_reports_every_column_and_writes_the_column_set(run, tmp_path: Path):
    source = export_file(tmp_path)
    done = run("calibrate", source, "-o", tmp_path / "cols.json")
    assert done.code == 0, done.err
    lines = {line.split()[0]: line for line in done.out.splitlines()[1:] if line.startswith("  ")}
    assert "matches" in lines["B"]
    assert "case or spacing from the configured 'Account Number'" in lines["A"]
    assert "'GL ID'" in lines["E"] and "'GST Rate'" in lines["G"]
    assert "new: added as an optional text column" in lines["J"]
    assert "not in the export (kept in the column set): Sort Key" in done.out
    saved = json.loads((tmp_path / "cols.json").read_text("utf-8"))
    headers = [c["header"] for c in saved["columns"]]
    # The export's spelling, byte for byte, in the export's order.
    assert headers[: len(EXPORT_HEADER)] == EXPORT_HEADER
    assert saved["format"] == "infusion-customer-adjustments"
    assert "Sort Key" in headers and "Adjustment Number" in headers


def test_the_export_round_trips_cleanly_with_its_calibrated_column_set(run, tmp_path: Path):
    source = export_file(tmp_path)
    uncalibrated = run("check", source, "--format", "infusion-customer-adjustments")
    assert "spelled differently" in uncalibrated.out and "Project Code" in uncalibrated.out
    assert run("calibrate", source, "-o", tmp_path / "cols.json").code == 0
    checked = run("check", source, "--columns", tmp_path / "cols.json", "--json")
    # Only Infusion's own guidance: no , or " in a column (its export has commas in text).
    found = json.loads(checked.out)["findings"]
    assert {f["code"] for f in found} <= {"delimiter-in-text"}
    imported = run("import", source, "--columns", tmp_path / "cols.json", "-o", tmp_path / "b.xlsx")
    assert imported.code == 0 and "0 errors" in imported.out
    # The workbook keeps its column set: no --columns needed from here on.
    assert run("validate", tmp_path / "b.xlsx").code == 0
    assert run("export", tmp_path / "b.xlsx", "-o", tmp_path / "out.csv").code == 0
    assert (tmp_path / "out.csv").read_bytes() == source.read_bytes()


def test_a_new_batch_keeps_the_calibrated_names(run, tmp_path: Path):
    source = export_file(tmp_path)
    assert run("calibrate", source, "-o", tmp_path / "cols.json").code == 0
    assert (
        run("import", source, "--columns", tmp_path / "cols.json", "-o", tmp_path / "b.xlsx").code
        == 0
    )
    assert run("new-batch", tmp_path / "b.xlsx", "-o", tmp_path / "n.xlsx").code == 0
    sheet = openpyxl.load_workbook(tmp_path / "n.xlsx")["Batch"]
    assert [c.value for c in sheet[1]][: len(EXPORT_HEADER)] == EXPORT_HEADER


def test_export_only_columns_stay_export_only_after_calibration(run, tmp_path: Path):
    source = tmp_path / "export.csv"
    source.write_bytes(
        csv_bytes([["Adjustment Number", *HEADER, "status"], ["A1", *row(), "Posted"]])
    )
    done = run("calibrate", source, "-o", tmp_path / "cols.json")
    assert "A   Adjustment Number  matches (export-only)" in done.out
    saved = json.loads((tmp_path / "cols.json").read_text("utf-8"))
    status = next(c for c in saved["columns"] if c["key"] == "status")
    assert status == status | {"header": "status", "export_only": True}


def test_calibrate_never_replaces_a_column_set_without_force(run, tmp_path: Path):
    source = export_file(tmp_path)
    (tmp_path / "export.columns.json").write_text("mine")
    refused = run("calibrate", source)
    assert refused.code == 2 and "--force" in refused.err
    assert (tmp_path / "export.columns.json").read_text() == "mine"
    assert run("calibrate", source, "--force").code == 0


def test_a_broken_column_set_is_refused_naming_the_file_and_line(run, tmp_path: Path):
    broken = tmp_path / "cols.json"
    broken.write_text('{\n  "format": "infusion-customer-adjustments",\n  "columns": [\n}\n')
    done = run("check", export_file(tmp_path), "--columns", broken)
    assert done.code == 2
    assert f"{broken}: line 4: not valid JSON" in done.err
    column = {"header": "Amount", "key": "a", "kind": "money"}
    broken.write_text(json.dumps({"format": "infusion-customer-adjustments", "columns": [column]}))
    done = run("check", export_file(tmp_path), "--columns", broken)
    assert done.code == 2 and "column 1 ('Amount'): kind" in done.err
    assert "Traceback" not in done.err


def test_pastel_takes_no_column_set(run, tmp_path: Path):
    cols = tmp_path / "cols.json"
    assert run("calibrate", export_file(tmp_path), "-o", cols).code == 0
    done = run("check", export_file(tmp_path), "--format", "pastel-customer", "--columns", cols)
    assert done.code == 2 and "pastel-customer is not a header-row format" in done.err
