"""Shared fixtures: the bundled example batches and a way to run the real command."""

from __future__ import annotations

import os

# openpyxl picks its XML writer once, when it is first imported: lxml's when lxml is
# installed, else its own. The add-in's environment has no lxml (none of Batchsheet's
# dependencies brings it); the test environment has it for the OOXML checks. The suite runs
# the writer users get, here and in every command it starts; tests/test_lxml_writer.py
# runs the other one.
os.environ["OPENPYXL_LXML"] = "False"
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from addin.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch) -> None:
    """Reports are wrapped to the terminal's width: a test reads their words on whole lines
    unless it is about the wrapping (`test_reading_report` sets the width it tests)."""
    monkeypatch.setenv("COLUMNS", "1000")


@pytest.fixture(autouse=True)
def private_ledger(tmp_path_factory, monkeypatch) -> Path:
    """Every test exports into a batch ledger of its own, never the one in the home folder."""
    path = tmp_path_factory.mktemp("ledger") / "ledger.sqlite3"
    monkeypatch.setenv("BATCHSHEET_LEDGER", str(path))
    return path


def _repository_files() -> dict[str, tuple[int, int]] | None:
    """Every file of the checkout that git does not ignore, with its size and mtime."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, capture_output=True, check=True, timeout=60,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    out = {}
    for name in filter(None, listed.decode("utf-8", "surrogateescape").split("\0")):
        try:
            info = (REPO / name).stat()
        except FileNotFoundError:
            continue
        out[name] = (info.st_size, info.st_mtime_ns)
    return out


@pytest.fixture(scope="session", autouse=True)
def repository_untouched():
    """A test writes only inside its own temporary folder: the checkout is the same after
    the whole run as before it."""
    before = _repository_files()
    yield
    after = _repository_files()
    if before is not None and after is not None:
        assert after == before, "tests wrote into the repository: " + ", ".join(
            sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        )


@pytest.fixture(autouse=True)
def private_temp(tmp_path_factory, monkeypatch) -> Path:
    """The system temp folder, as openpyxl and SQLite use it, is the test's own."""
    folder = tmp_path_factory.mktemp("temp")
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    monkeypatch.setenv("TMPDIR", str(folder))
    return folder


@pytest.fixture
def run(capsys):
    """Run `batchsheet ARGS...` in-process and capture what the user sees."""

    def _run(*args: object) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return _run


# What `check --json` found, as the format tests read it.
def codes(result: dict, severity: str | None = None) -> list[str]:
    return [f["code"] for f in result["findings"] if severity in (None, f["severity"])]


def found(result: dict, code: str) -> list[dict]:
    return [f for f in result["findings"] if f["code"] == code]


def batchsheet_exe() -> str:
    """The installed console script, as a user runs it."""
    exe = shutil.which("batchsheet") or shutil.which(
        "batchsheet", path=str(Path(sys.executable).parent)
    )
    assert exe, "the batchsheet command is not installed"
    return exe


def run_process(*args: object, cwd: Path | None = None) -> Run:
    """Run the installed console script in a child process, as a user would."""
    exe = batchsheet_exe()
    done = subprocess.run(
        [exe, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300
    )
    return Run(done.returncode, done.stdout, done.stderr)


def as_unprivileged(*args: object) -> subprocess.CompletedProcess[str]:
    """`batchsheet ARGS...` as a user the file modes bind. CI runs as root, which they do
    not bind: there the command runs as root with every capability dropped."""
    exe = shutil.which("batchsheet", path=str(Path(sys.executable).parent))
    assert exe, "the batchsheet command is not installed"
    command = [exe, *map(str, args)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv to drop its capabilities")
        command = [setpriv, "--bounding-set=-all", "--inh-caps=-all", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def libreoffice_convert(document: Path, to: str, folder: Path) -> Path:
    """`document` converted by LibreOffice (headless, a profile of the test's own) into
    `folder`, as a person opening it in LibreOffice and saving a copy would get it."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed; .ci/run installs libreoffice-calc")
    out = folder / "libreoffice"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", to, "--outdir", str(out), str(document)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    converted = out / f"{document.stem}.{to}"
    assert done.returncode == 0 and converted.is_file(), done.stderr
    return converted


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    """A private copy of the bundled example files."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target)
    return target


@pytest.fixture
def excel():
    """An Excel held in memory, the active xlwings engine while the test runs."""
    from tests.memory_excel import Excel

    running = Excel()
    yield running
    running.close()
