"""A third layout, from the spec alone: keyword-less lines (one kind of record, no keyword,
no header row), as Sage Pastel's general-ledger journal batches are written. A test-only
spec validates, reads and writes its CSV and builds its template through the same code as
the shipped formats, with nothing changed outside the spec and this test."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from addin.engine.batch import Context
from addin.engine.csv_batch import batch_csv_bytes, read_csv_batch
from addin.engine.layouts import layout_of, validate_rows
from addin.excel.layout import DATA_SHEET, Layout
from addin.excel.template import BatchWorkbookWriter
from addin.specs.model import FieldSpec, RecordSpec, Spec, UniqueTogether

JOURNAL = Spec(
    name="test-journal-lines",
    title="General ledger journal (a test format)",
    system="A test ledger",
    layout="lines",
    encoding="cp1252",
    records=(
        RecordSpec(
            keyword=None,
            caption="Journal line",
            fields=(
                FieldSpec(key="date", label="Date", column="A", kind="date", required=True),
                FieldSpec(
                    key="account",
                    label="GL Account",
                    column="B",
                    kind="text",
                    required=True,
                    max_length=7,
                    excel_text=True,
                ),
                FieldSpec(
                    key="reference", label="Reference", column="C", kind="text", max_length=8
                ),
                FieldSpec(
                    key="amount",
                    label="Amount",
                    column="D",
                    kind="number",
                    required=True,
                    digits_before=13,
                    digits_after=2,
                    min_decimals=2,
                    nonzero=True,
                ),
            ),
        ),
    ),
    rules=(
        UniqueTogether(
            record=None,
            field="reference",
            fields=("date", "account", "reference", "amount"),
            code="duplicate-journal-line",
            message="The same journal line twice",
            severity="warning",
        ),
    ),
)

GOOD = b"14/05/2025,1000000,JNL-1,125.00\r\n14/05/2025,8400000,JNL-1,-125.00\r\n"


def test_a_keyword_less_file_reads_and_writes_byte_for_byte():
    batch = read_csv_batch(JOURNAL, GOOD, "journal.csv", Context(row_word="line"))
    assert batch.report.findings == []
    assert [r.row for r in batch.records] == [1, 2]
    assert [r.values for r in batch.records][1] == ["14/05/2025", "8400000", "JNL-1", "-125.00"]
    assert batch_csv_bytes(batch) == GOOD
    assert layout_of(JOURNAL).documents(batch) == 2


def test_its_lines_are_checked_field_by_field_and_by_its_rules():
    data = (
        b"31/02/2025,1000000,JNL-1,125.00\r\n"  # not a real date
        b"14/05/2025,,JNL-2,0\r\n"  # account blank, amount 0
        b"14/05/2025,8400000,TOO-LONG-REF,1.005\r\n"  # reference too long, 3 decimals
        b"14/05/2025,8400000,JNL-3,5.00,extra\r\n"  # a field past the last
        b"\r\n"
        b"14/05/2025,8400000,JNL-3,5.00\r\n"  # the line before, without the extra field
    )
    batch = read_csv_batch(JOURNAL, data, "journal.csv", Context(row_word="line"))
    found = {(f.row, f.column, f.code) for f in batch.report.findings}
    assert found == {
        (1, "A", "not-a-date"),
        (2, "B", "required"),
        (2, "D", "zero"),
        (3, "C", "too-long"),
        (3, "D", "too-many-decimals"),
        (4, "E", "extra-field"),
        (6, "C", "duplicate-journal-line"),
    }
    # No keyword, so nothing about keywords or documents.
    assert not {"unknown-keyword", "first-not-header", "header-without-details"} & {
        f.code for f in batch.report.findings
    }


def test_a_sheet_of_typed_cells_validates_through_the_same_layout():
    import datetime as dt

    rows = [(2, (dt.datetime(2025, 5, 14), "1000000", "JNL-1", 125.0))]
    batch = validate_rows(JOURNAL, rows, typed=True, context=Context())
    assert batch.report.findings == []
    assert batch.records[0].values == ["14/05/2025", "1000000", "JNL-1", "125.00"]


def test_its_template_is_built_by_the_same_writer(tmp_path: Path):
    assert Layout(JOURNAL).caption_rows == 1
    target = tmp_path / "journal.xlsx"
    BatchWorkbookWriter(JOURNAL).save(target)
    wb = load_workbook(target)
    ws = wb[DATA_SHEET]
    assert [c.value for c in ws[1]][:4] == ["Date", "GL Account", "Reference", "Amount"]
    formats = {k: v.number_format for k, v in ws.column_dimensions.items()}
    assert formats["A"] == "DD/MM/YYYY" and formats["D"] == "0.00########"
    assert formats["B"] == "@", "an account code is text: its zeros stay"
    assert ws.freeze_panes == "A2"
    # No keyword column to offer as a list: column A holds dates.
    assert not any("Header" in str(dv.formula1) for dv in ws.data_validations.dataValidation)
