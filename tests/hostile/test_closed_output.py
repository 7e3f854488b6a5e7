"""Output that goes away: `check --all | head -1` exited 1 (the whole report seemed to be
read), and `addin install | head -1` stopped after the first of its files."""

from __future__ import annotations

import subprocess

from tests.conftest import batchsheet_exe, run_process
from tests.pastel_rows import csv_bytes, detail, header


def _first_line_then_close(*args: object) -> tuple[str, int]:
    """What `batchsheet ARGS | head -c 64` shows, and the command's exit code."""
    child = subprocess.Popen(
        [batchsheet_exe(), *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.read(64).decode()  # `head -c 64`: JSON is one line
    child.stdout.close()
    err = child.stderr.read().decode()
    code = child.wait(timeout=120)
    assert err == "", err  # quietly, as Unix tools do
    return first, code


def test_a_long_report_whose_reader_stops_ends_with_141(tmp_path):
    rows = []
    for n in range(3_000):
        rows += [header(period="14", order_number=f"P{n}"), detail(quantity="x")]
    source = tmp_path / "many.csv"
    source.write_bytes(csv_bytes(rows))
    for extra in (["--all"], ["--json"]):
        first, code = _first_line_then_close("check", source, "--format", "pastel-customer", *extra)
        assert first and code == 141, (extra, code)


def test_an_install_whose_output_goes_away_installs_everything(tmp_path):
    home = tmp_path / "home"
    first, code = _first_line_then_close(
        "addin", "install", "--platform", "windows", "--home", home
    )
    assert first.startswith("Installing the Batchsheet add-in")
    assert code in (0, 141)
    status = run_process("addin", "status", "--platform", "windows", "--home", home)
    assert status.code == 0
    lines = [x for x in status.out.splitlines() if ": present" in x or ": missing" in x]
    assert lines and all(": present, current" in x for x in lines), status.out


def test_status_with_stdout_closed_says_nothing_and_succeeds(tmp_path):
    home = tmp_path / "home"
    assert run_process("addin", "install", "--platform", "windows", "--home", home).code == 0
    done = subprocess.run(
        [batchsheet_exe(), "addin", "status", "--platform", "windows", "--home", str(home)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60,
        close_fds=True,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == ""
