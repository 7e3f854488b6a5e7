"""What `check` prints for a batch where every row is wrong, byte for byte: the human report
(a short batch listed whole, a long one counted by kind, `--all`) and the JSON.

The files under `tests/pinned/` were written by `check` itself and read by a person; any
change to what a user sees shows here as a difference, whatever made it (a faster report or
JSON must print the same bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.infusion.conftest import FORMAT, HEADER, csv_bytes, row

PINNED = Path(__file__).parent / "pinned"
# Each row wrong in its own way, as bookkeepers' files are: blanks, dates, amounts, choices,
# and rows wrong in several fields at once.
WRONG = [
    {"Account_Number": ""},
    {"Date": ""},
    {"Date": "31/02/2025"},
    {"Date": "2025-02-14"},
    {"Date": "5/2/25", "GL_ID": ""},
    {"Description": ""},
    {"Description": "Bad\u00a0debt write-off"},
    {"GL_ID": ""},
    {"Amount": "1,234.50"},
    {"Amount": "$12.00"},
    {"Amount": "12.345"},
    {"Amount": "abc"},
    {"Amount_Is": "Inc"},
    {"Account_Number": "", "Date": "30/02/2025", "Amount": "x", "Amount_Is": "Excl"},
    {"Amount": "", "Amount_Is": "inclusive"},
    {"Account_Number": "C 1042", "Date": "05/13/2025"},
]


def wrong_rows(count: int) -> list[list[str]]:
    """`count` rows, every one wrong, each with its own reference so each is a document."""
    return [row(Reference=f"ADJ-{n:04d}", **WRONG[n % len(WRONG)]) for n in range(count)]


CASES = {
    "short": (6, ()),
    "long": (60, ()),
    "long-all": (60, ("--all",)),
    "short-json": (6, ("--json",)),
    "long-json": (60, ("--json",)),
}


def checked(run, tmp_path: Path, private_ledger: Path, rows: int, options: tuple) -> str:
    (tmp_path / "adjustments.csv").write_bytes(csv_bytes([HEADER, *wrong_rows(rows)]))
    done = run("check", "adjustments.csv", "--format", FORMAT, *options)
    assert done.code == 1 and done.err == ""
    # The ledger each test is given lives in a folder of its own name.
    return done.out.replace(str(private_ledger), "LEDGER")


@pytest.mark.parametrize("case", CASES)
def test_check_of_a_batch_with_every_row_wrong_prints_the_pinned_bytes(
    run, tmp_path: Path, private_ledger: Path, monkeypatch, case: str
):
    monkeypatch.chdir(tmp_path)
    rows, options = CASES[case]
    out = checked(run, tmp_path, private_ledger, rows, options)
    pinned = PINNED / f"every-row-wrong-{case}.{'json' if '--json' in options else 'txt'}"
    assert out == pinned.read_text(encoding="utf-8")


def _found_on(report: str) -> set[int]:
    """The lines a report lists findings on (`  line 12  F  error   …`)."""
    return {
        int(words[1])
        for words in map(str.split, report.splitlines())
        if len(words) > 3 and words[0] == "line" and words[3] in ("error", "warning")
    }


def test_the_pinned_reports_name_every_row():
    """The pinned bytes are worth pinning: a finding on every row, the long one counted."""
    short = (PINNED / "every-row-wrong-short.txt").read_text(encoding="utf-8")
    assert short.startswith("adjustments.csv: 6 rows, ")
    assert _found_on(short) == set(range(2, 8))
    long_all = (PINNED / "every-row-wrong-long-all.txt").read_text(encoding="utf-8")
    assert _found_on(long_all) == set(range(2, 62))
    long = (PINNED / "every-row-wrong-long.txt").read_text(encoding="utf-8")
    assert "Every finding: --all" in long and _found_on(long) < set(range(2, 62))
