"""The batchsheet command with journal and cashbook files: a file of the wrong kind is named,
a file of no stated kind asks which, and Fix rewrites 7000/000 accounts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLES

from .conftest import CASHBOOK, FORMATS, JOURNAL, SAMPLES, entry, line

CUSTOMER_SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
INFUSION_SAMPLE = EXAMPLES / "infusion_adjustments_sample.csv"


@pytest.mark.parametrize("command", ["check", "import"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_document_batch_given_as_a_journal_is_named(run, examples, command, fmt):
    source = examples / CUSTOMER_SAMPLE.name
    done = run(command, source, "--format", fmt)
    assert done.code == 2
    assert done.out == ""  # no line-by-line errors
    assert f"line 1 is not that of {fmt} but of Sage Pastel Partner customer document " \
        "batch or Sage Pastel Partner supplier document batch; say --format pastel-customer " \
        "or --format pastel-supplier" in done.err  # fmt: skip
    assert not source.with_suffix(".xlsx").exists()


@pytest.mark.parametrize("fmt", ["pastel-customer", "pastel-supplier"])
def test_a_journal_given_as_a_document_batch_is_named(run, fmt):
    done = run("check", SAMPLES[JOURNAL], "--format", fmt)
    assert done.code == 2 and done.out == ""
    assert f"line 1 is not that of {fmt} but of Sage Pastel Partner general ledger " \
        "journal batch or Sage Pastel Partner cashbook batch; say --format pastel-journal " \
        "or --format pastel-cashbook" in done.err  # fmt: skip


def test_an_infusion_file_given_as_a_journal_is_named(run):
    done = run("check", INFUSION_SAMPLE, "--format", JOURNAL)
    assert done.code == 2 and done.out == ""
    assert "line 1 is not that of pastel-journal" in done.err
    assert "say --format infusion-customer-adjustments" in done.err


@pytest.mark.parametrize("command", ["check", "import"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_without_format_a_journal_asks_which_of_the_two_it_is(run, examples, command, fmt):
    source = examples / SAMPLES[fmt].name
    done = run(command, source)
    assert done.code == 2 and done.out == ""
    assert done.err.strip() == (
        f"batchsheet: {source}: this is a Sage Pastel Partner file; say which kind with "
        "--format pastel-journal or --format pastel-cashbook"
    )
    assert not source.with_suffix(".xlsx").exists()


def test_an_empty_looking_line_is_not_taken_for_a_journal(run, tmp_path: Path):
    source = tmp_path / "what.csv"
    source.write_bytes(b"3,not a date,G,3200000\r\n")
    done = run("import", source)
    assert done.code == 2 and "pastel-journal" in done.err
    assert not (tmp_path / "what.xlsx").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_fix_apply_rewrites_7000_000_accounts_and_logs_them(run, tmp_path: Path, fmt):
    source = tmp_path / "b.csv"
    from .conftest import csv_bytes

    source.write_bytes(csv_bytes([*entry("JNL1"), line(reference="J2", contra="8400000")]))
    book = tmp_path / "b.xlsx"
    assert run("import", source, "--format", fmt, "-o", book).code == 0
    wb = load_workbook(book)
    wb["Batch"]["D2"].value = "3200/000"  # typed as Pastel shows a GL account
    wb["Batch"]["L4"].value = "8400/000"
    wb.save(book)
    listed = run("fix", book)
    assert listed.code == 0
    assert "D2  '3200/000' → '3200000'" in listed.out and "L4  '8400/000' → '8400000'" in listed.out
    assert "nothing was changed" in listed.out
    assert load_workbook(book)["Batch"]["D2"].value == "3200/000"
    applied = run("fix", book, "--apply", "--json")
    assert applied.code == 0
    ws = load_workbook(book)["Batch"]
    assert (ws["D2"].value, ws["L4"].value) == ("3200000", "8400000")
    audit = [r for r in load_workbook(book)["Audit"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[2]) for r in audit] == [
        ("Batch!D2", "3200/000", "3200000"),
        ("Batch!L4", "8400/000", "8400000"),
    ]
    assert json.loads(run("validate", book, "--json").out)["findings"] == []
    out = tmp_path / "out.csv"
    assert run("export", book, "-o", out).code == 0
    assert out.read_bytes() == source.read_bytes()


@pytest.mark.parametrize("fmt", [JOURNAL, CASHBOOK])
def test_validate_rows_are_sheet_rows_and_mark_writes_the_marking_columns(run, tmp_path, fmt):
    from .conftest import csv_bytes

    source = tmp_path / "b.csv"
    source.write_bytes(csv_bytes([*entry("JNL1"), line(reference="J2", period="14",
                                                       contra="8400000")]))  # fmt: skip
    book = tmp_path / "b.xlsx"
    assert run("import", source, "--format", fmt, "-o", book).code == 1
    assert run("validate", book, "--mark").code == 1
    ws = load_workbook(book)["Batch"]
    assert [ws.cell(1, c).value for c in range(19, 22)] == ["Errors in", "Warnings in", "Problems"]
    assert (ws.cell(4, 19).value, ws.cell(4, 20).value) == ("A", None)
    assert str(ws.cell(4, 21).value).startswith("A: Period must be from 1 to 13")
    assert all(ws.cell(r, c).value is None for r in (2, 3) for c in range(19, 22))
