"""The Settings sheet and settings files, document totals, and what Validate says about both."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.engine.batch import Context
from addin.engine.csv_batch import read_csv_batch
from addin.engine.settings import parse_settings
from addin.engine.totals import batch_totals, document_totals
from addin.excel import ribbon
from addin.excel.layout import SETTINGS_SHEET
from addin.specs import SPECS, get_spec
from tests.conftest import EXAMPLES, REPO
from tests.infusion.conftest import csv_bytes as infusion_bytes
from tests.memory_excel import data
from tests.pastel_rows import csv_bytes, detail, header

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
SETTINGS = {
    "settings": {"first_month": 3, "periods": 12},
    "lists": {
        "tax_types": [{"code": "00", "rate": "0"}, {"code": "1", "rate": "15"}],
        "customers": ["ABC001", "DUR002", {"code": "USA001", "currency": "USD"}],
    },
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_template_has_a_settings_sheet_with_one_block_per_list(name: str):
    spec = get_spec(name)
    wb = load_workbook(REPO / "workbook_templates" / f"{name}.xltx")
    ws = wb[SETTINGS_SHEET]
    titles = [v for v in next(ws.iter_rows(max_row=1, values_only=True)) if v]
    assert titles == ["Company", *(m.title for m in spec.settings.lists)]
    labels = [r[0] for r in ws.iter_rows(min_row=3, max_col=1, values_only=True) if r[0]]
    assert labels == [v.label for v in spec.settings.values]
    # Codes pasted into the lists keep their leading zeros: the list columns are text.
    assert ws.column_dimensions["D"].number_format == "@"


def test_import_keeps_the_settings_and_validate_uses_them(run, tmp_path: Path):
    settings = tmp_path / "company.json"
    settings.write_text(json.dumps(SETTINGS))
    source = tmp_path / "b.csv"
    source.write_bytes(csv_bytes([header(account="XYZ001", period="4"), detail()]))
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", book, "--settings", settings)
    report = json.loads(run("validate", book, "--json").out)
    assert {f["code"] for f in report["findings"]} == {"not-in-list", "period-not-date"}
    ran = {c["check"] for c in report["checks"] if c["ran"]}
    assert "Customer Code in Customers" in ran
    # The workbook's Settings sheet goes back out as a settings file, and in again.
    exported = tmp_path / "again.json"
    assert run("settings", "export", book, "-o", exported).code == 0
    assert json.loads(exported.read_text())["lists"]["customers"][2] == {
        "code": "USA001",
        "currency": "USD",
    }
    checked = run("check", source, "--format", "pastel-customer", "--settings", exported, "--json")
    assert {f["code"] for f in json.loads(checked.out)["findings"]} == {
        "not-in-list",
        "period-not-date",
    }
    by_book = run("check", source, "--format", "pastel-customer", "--settings", book, "--json")
    assert json.loads(by_book.out)["warnings"] == 2


def test_settings_option_replaces_the_workbooks_own(run, tmp_path: Path):
    book = tmp_path / "b.xlsx"
    source = tmp_path / "b.csv"
    source.write_bytes(csv_bytes([header(account="XYZ001"), detail()]))
    run("import", source, "--format", "pastel-customer", "-o", book)
    assert json.loads(run("validate", book, "--json").out)["findings"] == []
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps(SETTINGS))
    report = json.loads(run("validate", book, "--json", "--settings", settings).out)
    assert [f["code"] for f in report["findings"]] == ["not-in-list"]


@pytest.mark.parametrize(
    ("content", "words"),
    [("{not json", "not valid JSON"), ("[1, 2]", "an object"), ('{"lists": []}', "objects")],
)
def test_a_settings_file_that_cannot_be_used_is_a_clear_error(run, tmp_path, content, words):
    settings = tmp_path / "s.json"
    settings.write_text(content)
    done = run("check", SAMPLE, "--format", "pastel-customer", "--settings", settings)
    assert done.code == 2 and words in done.err and "Traceback" not in done.err


def test_pastel_totals_per_document_with_line_discounts():
    rows = [
        header(),
        detail(quantity="10", unit_price="125.00", inclusive_price="143.75"),
        detail(
            quantity="250", unit_price="2.45", inclusive_price="2.8175", discount_percentage="500"
        ),
        detail(line_type="7", code="", quantity="", unit_price="", inclusive_price=""),
        header(order_number="PO-2"),
        detail(
            line_type="6",
            code="1000000",
            quantity="1",
            unit_price="5000.00",
            inclusive_price="5750.00",
        ),
    ]
    batch = read_csv_batch(get_spec("pastel-customer"), csv_bytes(rows), "b.csv")
    documents = document_totals(batch)
    assert [(d.row, d.label) for d in documents] == [
        (1, "ABC001 14/05/2025 PO-1"),
        (5, "ABC001 14/05/2025 PO-2"),
    ]
    # 10 × 125.00 + 250 × 2.45 × 95 % = 1250.00 + 581.88
    assert [(str(d.exclusive), str(d.tax), str(d.inclusive)) for d in documents] == [
        ("1831.88", "274.78", "2106.66"),
        ("5000.00", "750.00", "5750.00"),
    ]
    assert batch_totals(documents) == {
        "documents": 2,
        "exclusive": "6831.88",
        "tax": "1024.78",
        "inclusive": "7856.66",
    }


def test_infusion_totals_use_the_gst_rate_when_the_settings_have_it():
    spec = get_spec("infusion-customer-adjustments")
    rows = [
        ["Account Number", "Date", "Reference", "GL ID", "Amount", "GST Rate", "Amount Is"],
        ["C1", "05/02/2025", "R1", "6120", "115.00", "GST 15%", "Inclusive"],
        ["C2", "05/02/2025", "R2", "6120", "100.00", "GST 15%", "Exclusive"],
        ["C3", "05/02/2025", "R3", "6120", "-5.00", "Unknown", "Inclusive"],
    ]
    data = {"lists": {"gst_rates": [{"code": "GST 15%", "rate": "15"}]}}
    settings = parse_settings(json.dumps(data), "s").for_spec(spec.settings)
    batch = read_csv_batch(spec, infusion_bytes(rows), "a.csv", Context(settings=settings))
    parts = [(d.exclusive, d.tax, d.inclusive) for d in document_totals(batch, settings)]
    assert [tuple(None if v is None else str(v) for v in p) for p in parts] == [
        ("100.00", "15.00", "115.00"),
        ("100.00", "15.00", "115.00"),
        (None, None, "-5.00"),
    ]
    without = [(d.exclusive, d.tax) for d in document_totals(batch, None)]
    assert without[0] == (None, None)


def test_validate_prints_the_totals_and_the_checks(run, tmp_path: Path):
    source = tmp_path / "s.csv"
    source.write_bytes(SAMPLE.read_bytes())
    book = tmp_path / "s.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", book)
    done = run("validate", book)
    assert "Documents (3):" in done.out
    assert re.search(r"^  row 3   ABC001 14/05/2025 PO-44871 +1,831\.88 ", done.out, re.M)
    assert "Total" in done.out and "9,391.66" in done.out
    # The checks that need the empty Settings sheet are counted in one line, with why...
    assert f"Not checked: 11 checks, nothing in {book}, sheet Settings; --all names them" in (
        done.out
    )
    assert "Customer Code in Customers" not in done.out
    # ... and named in one paragraph with --all.
    every = run("validate", book, "--all").out
    skipped = every[every.index("Not checked, ") :]
    assert skipped.startswith(f"Not checked, nothing is filled in on {book}, sheet Settings: ")
    assert "Customer Code in Customers; " in skipped
    assert "Customer Code in Customers: no Customers list" not in every
    report = json.loads(run("validate", book, "--json").out)
    assert {"format", "errors", "warnings", "findings"} <= set(report)
    assert report["totals"] == {
        "documents": 3,
        "exclusive": "8216.88",
        "tax": "1174.78",
        "inclusive": "9391.66",
    }
    assert report["documents"][0] == {
        "row": 3,
        "document": ["ABC001", "14/05/2025", "PO-44871"],
        "exclusive": "1831.88",
        "tax": "274.78",
        "inclusive": "2106.66",
    }


def test_the_validate_button_reads_the_settings_sheet_and_shows_totals(run, excel, tmp_path: Path):
    settings = tmp_path / "company.json"
    settings.write_text(json.dumps(SETTINGS))
    source = tmp_path / "b.csv"
    source.write_bytes(SAMPLE.read_bytes())
    path = tmp_path / "b.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", path, "--settings", settings)
    book = excel.open(path)
    ribbon.validate(book)
    ((text, _),) = excel.app.alerts
    assert "3 documents: exclusive 8,216.88, tax 1,174.78, inclusive 9,391.66." in text
    assert "Row 3 ABC001 14/05/2025 PO-44871: 1,831.88 + 274.78 = 2,106.66" in text
    assert "Checked against your settings: Customer Code in Customers" in text
    assert "Y" not in (data(book).get(11, 31) or "")  # USA001, a USD account at 18.245
    assert "Period" in text  # the financial-year check ran


def test_the_export_button_records_the_batch_and_validate_then_warns(run, excel, tmp_path: Path):
    source = tmp_path / "b.csv"
    source.write_bytes(SAMPLE.read_bytes())
    path = tmp_path / "b.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", path)
    book = excel.open(path)
    ribbon.export_csv(str(tmp_path / "out.csv"), book)
    assert "Recorded in the batch ledger as batch 1." in excel.app.alerts[-1][0]
    ribbon.validate(book)
    assert "already exported" in data(book).get(3, 32)


def test_a_long_batch_prints_its_totals_in_one_line_unless_asked(run, tmp_path: Path):
    from tests.pastel_rows import csv_bytes, detail, header

    rows = [r for i in range(25) for r in (header(order_number=f"PO-{i}"), detail())]
    source = tmp_path / "long.csv"
    source.write_bytes(csv_bytes(rows))
    done = run("check", source, "--format", "pastel-customer")
    assert "Documents (25):" not in done.out
    (line,) = [x for x in done.out.splitlines() if x.startswith("Totals of 25 documents:")]
    assert line == (
        "Totals of 25 documents: exclusive 31,250.00, tax 4,687.50, inclusive 35,937.50 "
        "(each document's: --totals)"
    )
    listed = run("check", source, "--format", "pastel-customer", "--totals")
    assert "Documents (25):" in listed.out
    assert sum(1 for x in listed.out.splitlines() if x.startswith("  line ")) == 25
    assert "Totals of 25 documents" not in listed.out
