"""What a bookkeeper checks before importing: debits, credits and the difference of each entry
(Date + Reference, wherever its lines stand) and of the batch; a cashbook's bank movement."""

from __future__ import annotations

import re

import pytest

from .conftest import CASHBOOK, JOURNAL, line

CONTRA = "8400000"
ROWS = [
    line(reference="JNL1", amount="100.00"),
    line(reference="JNL2", amount="1025.10"),
    line(reference="JNL2", amount="-1025.10", account="9500000"),
    line(reference="JNL1", amount="-100.00", account="9500000"),
    line(reference="JNL3", amount="40.00", contra=CONTRA),
    line(reference="JNL3", amount="-15.00", account="9500000"),
]


def test_journal_totals_per_entry_and_for_the_batch(check, write):
    result = check(write(ROWS), JOURNAL)
    assert result["documents"] == [
        {"row": 1, "document": ["31/05/2025", "JNL1"],
         "debits": "100.00", "credits": "100.00", "difference": "0.00"},
        {"row": 2, "document": ["31/05/2025", "JNL2"],
         "debits": "1025.10", "credits": "1025.10", "difference": "0.00"},
        # A contra line posts both sides; the other line is out by 15.00.
        {"row": 5, "document": ["31/05/2025", "JNL3"],
         "debits": "40.00", "credits": "55.00", "difference": "-15.00"},
    ]  # fmt: skip
    assert result["totals"] == {
        "documents": 3,
        "debits": "1165.10",
        "credits": "1180.10",
        "difference": "-15.00",
    }


def test_cashbook_totals_give_the_banks_movement(check, write):
    result = check(write(ROWS), CASHBOOK)
    assert [(d["row"], d["debits"], d["credits"], d["bank movement"])
            for d in result["documents"]] == [
        (1, "100.00", "100.00", "0.00"),
        (2, "1025.10", "1025.10", "0.00"),
        (5, "40.00", "55.00", "15.00"),
    ]  # fmt: skip
    assert result["totals"] == {
        "documents": 3,
        "debits": "1165.10",
        "credits": "1180.10",
        "bank movement": "15.00",
    }
    assert all("difference" not in d for d in result["documents"])


def test_the_cashbook_samples_bank_movement_is_the_negative_of_its_lines(check):
    from .conftest import SAMPLES

    result = check(SAMPLES[CASHBOOK], CASHBOOK)
    assert result["totals"]["bank movement"] == "-10930.87"
    assert (result["totals"]["debits"], result["totals"]["credits"]) == ("13835.40", "2904.53")


@pytest.mark.parametrize(
    ("fmt", "noun", "third"),
    [(JOURNAL, "Journal", "Difference"), (CASHBOOK, "Cashbook", "Bank movement")],
)
def test_the_report_lists_each_entry_with_its_figures(run, write, fmt, noun, third):
    done = run("check", write(ROWS), "--format", fmt)
    assert re.search(rf"^{noun} entries \(3\): +Debits +Credits +{third}$", done.out, re.M)
    assert re.search(r"^  line 2  31/05/2025 JNL2 +1,025\.10 +1,025\.10 +0\.00$", done.out, re.M)
    last = "-15.00" if fmt == JOURNAL else "15.00"
    assert re.search(rf"^  Total +1,165\.10 +1,180\.10 +{last}$", done.out, re.M)
    assert "exclusive" not in done.out and "inclusive" not in done.out


def test_an_entry_with_an_amount_that_cannot_be_read_shows_a_question_mark(run, check, write):
    rows = [*ROWS[:4], line(reference="JNL9", amount="abc"), line(reference="JNL9", amount="-1.00")]
    source = write(rows)
    result = check(source, JOURNAL)
    (unknown,) = [d for d in result["documents"] if d["document"][1] == "JNL9"]
    assert (unknown["debits"], unknown["credits"], unknown["difference"]) == (None, None, None)
    assert result["totals"]["debits"] == "1125.10"
    assert result["totals"]["left_out"] == {"debits": 1, "credits": 1, "difference": 1}
    # The entry is not judged for balance: its amount's own error says what is wrong.
    assert [f["code"] for f in result["findings"]] == ["not-a-number"]
    done = run("check", source, "--format", JOURNAL)
    assert re.search(r"^  line 5  31/05/2025 JNL9 +\? +\? +\?$", done.out, re.M)
    assert "The totals leave out what is not known ('?')" in done.out


def test_a_long_batch_gives_its_totals_in_one_line(run, write):
    rows = [r for n in range(30) for r in (line(reference=f"J{n}", amount="10.00"),
                                           line(reference=f"J{n}", amount="-10.00",
                                                account="9500000"))]  # fmt: skip
    done = run("check", write(rows), "--format", JOURNAL)
    assert (
        "Totals of 30 journal entries: debits 300.00, credits 300.00, difference 0.00 "
        "(each journal entry's: --totals)"
    ) in done.out
