"""Progress while the user waits: a line on the terminal's stderr, rewritten in place and
erased at the end; nothing at all when stderr is not a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from addin.progress import AFTER_ENV
from tests.conftest import EXAMPLES, batchsheet_exe

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"


def stderr_on_a_terminal(*args: object, env: dict[str, str]) -> tuple[int, bytes, bytes]:
    """Run the command with stderr on a pseudo-terminal: its code, stdout, and the bytes
    the terminal received."""
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [batchsheet_exe(), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=slave,
        env={**os.environ, **env},
    )
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = child.stdout.read() if child.stdout else b""
    os.close(master)
    return child.wait(timeout=120), out, seen


def test_a_terminal_sees_each_step_rewritten_in_place_then_erased(tmp_path: Path):
    book = tmp_path / "b.xlsx"
    code, out, seen = stderr_on_a_terminal(
        "import", SAMPLE, "--format", "pastel-customer", "-o", book, env={AFTER_ENV: "0"}
    )
    assert code == 0
    text = seen.decode("utf-8")
    for step in (
        "reading pastel_customer_invoices_sample.csv",
        "checking 12 records",
        "writing b.xlsx",
    ):
        assert f"\r\x1b[Kbatchsheet import: {step} … " in text
    assert "\n" not in text, "progress never scrolls the terminal"
    assert text.endswith("\r\x1b[K"), "the line is erased before the report"
    assert out.decode().startswith(f"{book}: imported 12 records")


def test_short_work_shows_nothing_extra_on_a_terminal(tmp_path: Path):
    code, _, seen = stderr_on_a_terminal(
        "check", SAMPLE, "--format", "pastel-customer", env={AFTER_ENV: "30"}
    )
    assert code == 0
    assert seen == b""


def test_no_terminal_no_progress(tmp_path: Path):
    book = tmp_path / "b.xlsx"
    done = subprocess.run(
        [batchsheet_exe(), "import", SAMPLE, "--format", "pastel-customer", "-o", book],
        capture_output=True,
        env={**os.environ, AFTER_ENV: "0"},
        timeout=120,
    )
    assert done.returncode == 0
    assert done.stderr == b""
    assert b"\x1b" not in done.stdout
