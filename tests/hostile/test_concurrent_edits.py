"""No edit is lost to another: a `validate --mark` that read the workbook before a
`fix --apply` finished renamed its copy (of the unfixed workbook) over the fixed one, and
both said exit 0. A command that changes a workbook now holds it from reading to renaming."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest

import addin.files
from addin.files import editing
from tests.conftest import EXAMPLES, batchsheet_exe
from tests.hostile.conftest import snapshot

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"


@pytest.fixture
def fixable(run, tmp_path):
    text = SAMPLE.read_bytes().replace(
        b"Detail,85.00,10,125.00,", b'Detail,85.00,10,"1,250.00",', 1
    )
    source = tmp_path / "in.csv"
    source.write_bytes(text)
    book = tmp_path / "b.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", book).code == 1
    return book


def test_a_mark_waits_for_a_fix_under_way_and_keeps_its_work(fixable, tmp_path):
    """The fix holds the workbook (here: the test holds it, as a fix would, and applies the
    fix itself before letting go); the mark started meanwhile reads what the fix wrote."""
    from addin.excel.book_fixes import apply_fixes, plan_book_fixes

    done: dict[str, subprocess.CompletedProcess[str]] = {}
    with editing(fixable):
        marking = threading.Thread(
            target=lambda: done.setdefault(
                "mark",
                subprocess.run([batchsheet_exe(), "validate", str(fixable), "--mark"],
                               capture_output=True, text=True, timeout=120),
            )
        )  # fmt: skip
        marking.start()
        time.sleep(1.5)
        assert "mark" not in done  # it waits
        # What `fix --apply` does while it holds the workbook.
        apply_fixes(fixable, plan_book_fixes(fixable, applying=True))
    marking.join(timeout=120)
    assert done["mark"].returncode == 0, done["mark"].stderr
    from openpyxl import load_workbook

    book = load_workbook(fixable, read_only=True)
    assert "Audit" in book.sheetnames  # the fix's work is there after the mark
    assert book["Batch"]["D4"].value == 1250
    assert not list(tmp_path.glob(".~batchsheet.*"))  # the lock goes with the edit


def test_a_command_that_cannot_wait_longer_says_so_and_writes_nothing(
    run, fixable, tmp_path, monkeypatch
):
    monkeypatch.setattr(addin.files, "EDIT_WAIT", 0.3)
    before = snapshot(tmp_path)
    with editing(fixable, wait=0):
        done = run("fix", fixable, "--apply")
    assert done.code == 2
    assert done.err == (
        f"batchsheet: {fixable}: another Batchsheet command is changing this workbook; "
        "nothing was written. Run the command again when it has finished\n"
    )
    assert snapshot(tmp_path) == before


def test_a_lock_left_by_a_killed_command_holds_nothing(run, fixable, tmp_path):
    (tmp_path / f".~batchsheet.{fixable.name}.lock").write_bytes(b"")
    assert run("validate", fixable, "--mark").code == 1
    assert not list(tmp_path.glob(".~batchsheet.*"))
