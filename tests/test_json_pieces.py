"""`--json` is written a few thousand findings and documents at a time: what a user reads is
byte for byte the one `json.dumps` of the whole review, however many pieces it takes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from addin.engine.batch import Context
from addin.engine.csv_batch import read_csv_batch
from addin.excel.workbook import check_book
from addin.ledger import Ledger
from addin.report import JSON_PIECE
from addin.review import review
from addin.specs import get_spec
from tests.infusion.conftest import HEADER
from tests.infusion.conftest import csv_bytes as infusion_bytes
from tests.journal.conftest import csv_bytes as journal_bytes
from tests.journal.conftest import entry
from tests.pastel_rows import csv_bytes, detail, header
from tests.test_excel_typing import typed_book
from tests.test_pinned_output import wrong_rows

# More findings and more documents than one piece holds, and not a whole number of pieces.
MANY = JSON_PIECE * 2 + 123


def pastel(many: int) -> bytes:
    rows = []
    for n in range(many):
        # Every document has a period out of range; every other one an unreadable quantity.
        rows += [header(order_number=f"PO-{n:05d}", period="14"),
                 detail(quantity="ten" if n % 2 else "3")]  # fmt: skip
    return csv_bytes(rows)


FILES = {
    "pastel-customer": lambda: pastel(MANY),
    "infusion-customer-adjustments": lambda: infusion_bytes([HEADER, *wrong_rows(MANY)]),
    "pastel-journal": lambda: journal_bytes(
        [r for n in range(MANY) for r in entry(f"J{n}", amount="12.345" if n % 3 else "5.00")]
    ),
    # No finding at all: the findings' list is written empty.
    "clean": lambda: csv_bytes([header(), detail()]),
}


@pytest.mark.parametrize("name", FILES)
def test_check_json_is_the_whole_review_dumped_at_once(
    run, tmp_path: Path, private_ledger: Path, name: str
):
    data = FILES[name]()
    source = tmp_path / "batch.csv"
    source.write_bytes(data)
    fmt = "pastel-customer" if name == "clean" else name
    printed = run("check", source, "--format", fmt, "--json")
    spec = get_spec(fmt)
    batch = read_csv_batch(spec, data, str(source), Context(row_word="line"))
    whole = json.dumps(review(batch, Ledger(private_ledger)).to_json(), ensure_ascii=False)
    assert printed.out == whole + "\n"
    shown = json.loads(printed.out)
    assert not private_ledger.exists()
    if name == "clean":
        assert printed.code == 0 and shown["findings"] == [] and len(shown["documents"]) == 1
        assert '"findings": [], "checks": [' in printed.out
        return
    assert len(shown["findings"]) > JSON_PIECE * 2 and len(shown["documents"]) > JSON_PIECE
    assert printed.code == 1


def test_validate_json_of_typed_cells_is_the_whole_review_dumped_at_once(
    run, tmp_path: Path, private_ledger: Path
):
    """A sheet's cells are dates, numbers and booleans, and a finding carries its cell's."""
    rows: list[list[object]] = []
    for n in range(3):
        rows.append(["Header", None, None, None, "ABC001", dt.datetime(2025, 5, 14),
                     dt.datetime(2025, 5, 14), f"PO-{n}", True, 0.5])  # fmt: skip
        rows.append(["Detail", 85, 1.23456, 125.0, 143.75, "EACH", 1, 0, 0, "WIDG-100",
                     dt.date(2025, 1, 2), 4, None, "001"])  # fmt: skip
    book = typed_book(tmp_path, rows)
    printed = run("validate", book, "--json")
    _, batch = check_book(book)
    whole = json.dumps(review(batch, Ledger(private_ledger)).to_json(), ensure_ascii=False)
    assert printed.out == whole + "\n"
    values = [f["value"] for f in json.loads(printed.out)["findings"]]
    assert "2025-05-14" in values and 1.23456 in values and True in values
