"""The batch ledger with journal entries: an entry is its Date and Reference and its lines'
amounts, a re-export is caught on every entry, and the ledger counts journal entries."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import JOURNAL, SAMPLES, csv_bytes, entry, line


def workbook(run, tmp_path: Path, rows: list[list[str]] | None = None, name: str = "b") -> Path:
    source = tmp_path / f"{name}.csv"
    source.write_bytes(csv_bytes(rows) if rows is not None else SAMPLES[JOURNAL].read_bytes())
    book = tmp_path / f"{name}.xlsx"
    assert run("import", source, "--format", JOURNAL, "-o", book, "--force").code == 0
    return book


def exported_before(run, book: Path) -> list[dict]:
    findings = json.loads(run("validate", book, "--json").out)["findings"]
    return [f for f in findings if f["code"] == "already-exported"]


def test_a_journal_exported_twice_is_warned_on_every_entry(run, tmp_path: Path):
    book = workbook(run, tmp_path)
    assert exported_before(run, book) == []
    first = run("export", book, "-o", tmp_path / "may.csv")
    assert first.code == 0 and "wrote 5 journal entries, 10 records" in first.out
    assert "recorded as batch 1" in first.out
    warned = exported_before(run, book)
    # Each entry's first line, in the sheet's rows (row 1 holds the captions).
    assert [(f["row"], f["column"], f["value"]) for f in warned] == [
        (2, "B", "31/05/2025 JNL0501"),
        (4, "B", "31/05/2025 JNL0502"),
        (6, "B", "31/05/2025 JNL0503"),
        (10, "B", "28/05/2025 JNL0504"),
        (11, "B", "28/05/2025 JNL0505"),
    ]
    assert warned[0]["message"].startswith(
        "This journal entry (31/05/2025 JNL0501) was already exported on "
    )
    assert "to may.csv (ledger batch 1)" in warned[0]["message"]
    second = run("export", book, "-o", tmp_path / "again.csv")
    assert second.code == 0 and "(0 errors, 5 warnings)" in second.out
    assert "was already exported" in second.err


def test_an_entry_is_its_date_reference_and_amounts(run, tmp_path: Path):
    first = workbook(run, tmp_path, [*entry("JNL1"), *entry("JNL2", "50.00")], "first")
    assert run("export", first, "-o", tmp_path / "first-out.csv").code == 0
    # The two lines of JNL1 are one entry: one warning, on its first line.
    same = workbook(run, tmp_path, entry("JNL1"), "same")
    assert [(f["row"], f["value"]) for f in exported_before(run, same)] == [(2, "31/05/2025 JNL1")]
    # Another amount, another date or another reference: a different entry.
    for name, rows in (("amount", entry("JNL1", "100.01")),
                       ("date", entry("JNL1", date="30/05/2025")),
                       ("reference", entry("JNL3"))):  # fmt: skip
        assert exported_before(run, workbook(run, tmp_path, rows, name)) == [], name
    # Lines of an entry apart in the sheet are still the entry.
    apart = [entry("JNL2", "50.00")[0], line(reference="X", amount="1.00", contra="8400000"),
             entry("JNL2", "50.00")[1]]  # fmt: skip
    assert [f["row"] for f in exported_before(run, workbook(run, tmp_path, apart, "apart"))] == [2]


def test_ledger_list_counts_journal_entries(run, tmp_path: Path):
    book = workbook(run, tmp_path)
    assert run("export", book, "-o", tmp_path / "may.csv").code == 0
    listed = run("ledger", "list")
    assert listed.code == 0
    (row,) = [x for x in listed.out.splitlines() if "may.csv" in x]
    assert "pastel-journal  5 journal entries" in row
    batches = json.loads(run("ledger", "list", "--json").out)["batches"]
    assert [(b["format"], b["documents"], Path(b["file"]).name) for b in batches] == [
        (JOURNAL, 5, "may.csv")
    ]
