"""An input that can be read once: `import` from a named pipe or /dev/stdin hung, as it
opened the input twice (once to tell its format, once to read it); `check` did not."""

from __future__ import annotations

import os
import subprocess
import threading

import pytest

from tests.conftest import EXAMPLES, batchsheet_exe

PASTEL = EXAMPLES / "pastel_customer_invoices_sample.csv"
INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"


def _feed(fifo, data: bytes) -> threading.Thread:
    def write() -> None:
        with open(fifo, "wb") as handle:
            handle.write(data)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize(
    ("source", "options"),
    [(INFUSION, []), (PASTEL, ["--format", "pastel-customer"])],
    ids=["format told by the file", "format given"],
)
def test_import_reads_a_named_pipe_once(tmp_path, source, options):
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    feeder = _feed(fifo, source.read_bytes())
    book = tmp_path / "b.xlsx"
    done = subprocess.run(
        [batchsheet_exe(), "import", str(fifo), *options, "-o", str(book)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    feeder.join(timeout=5)
    assert done.returncode == 0, done.stderr
    exported = tmp_path / "out.csv"
    subprocess.run([batchsheet_exe(), "export", str(book), "-o", str(exported)], check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    assert exported.read_bytes() == source.read_bytes().removeprefix(b"\xef\xbb\xbf")


def test_import_from_stdin_needs_a_name_for_the_workbook(tmp_path):
    done = subprocess.run(
        [batchsheet_exe(), "import", "/dev/stdin"],
        input=INFUSION.read_bytes(), capture_output=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.decode() == (
        "batchsheet: /dev/stdin: a pipe has no folder to write beside; name the workbook with -o\n"
    )
    assert list(tmp_path.iterdir()) == []
    book = tmp_path / "b.xlsx"
    done = subprocess.run(
        [batchsheet_exe(), "import", "/dev/stdin", "-o", str(book)],
        input=INFUSION.read_bytes(), capture_output=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert book.is_file()
