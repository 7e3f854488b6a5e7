"""No data loss: every file Batchsheet writes appears whole, or not at all.

An export is written to a temporary file in the target's folder, read back and compared,
and only then renamed over the target. Whatever goes wrong on the way (a corrupted write,
an unwritable folder, a file open elsewhere, a full disk, Ctrl+C) leaves the previous file
byte for byte as it was and no temporary file behind.
"""

from __future__ import annotations

import errno
import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import addin.files
import addin.transfer
from addin.files import WriteRefused, write_atomically
from tests.hostile.conftest import (
    INFUSION,
    PASTEL,
    infusion_text,
    interrupt_import,
    pastel_text,
    snapshot,
)

PREVIOUS = b"the previous export, which must survive\r\n"


class Wrapped:
    """An open file whose writes a test changes; everything else is the file's own."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self.handle.__exit__(*exc)

    def __getattr__(self, name):
        return getattr(self.handle, name)


@pytest.fixture
def exported(tmp_path, books):
    """A folder with a good workbook and the export a previous run left beside it."""
    book = tmp_path / "batch.xlsx"
    book.write_bytes(books[PASTEL].read_bytes())
    target = tmp_path / "batch.csv"
    target.write_bytes(PREVIOUS)
    return book, target


def test_a_corrupted_temporary_file_never_replaces_the_export(run, exported, monkeypatch):
    book, target = exported
    before = snapshot(book.parent)
    real = addin.transfer.write_atomically

    def corrupting(path, data, **kw):
        # The disk hands back other bytes than were written: one digit changed.
        return real(path, data.replace(b"143.75", b"143.76"), **kw)

    monkeypatch.setattr(addin.transfer, "write_atomically", corrupting)
    done = run("export", book, "-o", target, "--force")
    assert done.code == 2
    assert done.err == (
        f"batchsheet: {target}: the written file did not read back the same; not saved\n"
    )
    assert snapshot(book.parent) == before


def test_a_temporary_file_damaged_after_writing_is_caught_by_the_read_back(
    run, exported, monkeypatch
):
    book, target = exported
    before = snapshot(book.parent)
    real_fdopen = os.fdopen

    class Truncating(Wrapped):
        """A file whose last record goes missing, as on a flaky network share."""

        def write(self, data: bytes) -> int:
            return self.handle.write(data[: data.rfind(b"Detail")])

        def __getattr__(self, name):
            return getattr(self.handle, name)

    monkeypatch.setattr(
        addin.files.os, "fdopen", lambda fd, mode: Truncating(real_fdopen(fd, mode))
    )
    done = run("export", book, "-o", target, "--force")
    assert done.code == 2 and "did not read back the same; not saved" in done.err
    assert snapshot(book.parent) == before


def test_a_destination_whose_folder_is_a_file_is_a_clear_error(run, exported):
    book, _ = exported
    blocker = book.parent / "not-a-folder"
    blocker.write_bytes(b"a file, not a folder")
    before = snapshot(book.parent)
    done = run("export", book, "-o", blocker / "out.csv")
    assert done.code == 2
    assert done.err == (
        f"batchsheet: cannot write {blocker / 'out.csv'}: the folder {blocker} does not exist\n"
    )
    assert snapshot(book.parent) == before


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (PermissionError(13, "Permission denied"), "Permission denied"),
        # What Windows says when Excel or another program holds the file open.
        (
            PermissionError(
                13, "The process cannot access the file because it is being used by another process"
            ),
            "The process cannot access the file because it is being used by another process",
        ),
    ],
    ids=["read-only", "open elsewhere"],
)
def test_a_target_that_cannot_be_replaced_keeps_its_bytes(run, exported, monkeypatch, error, words):
    book, target = exported
    before = snapshot(book.parent)

    def refuse(src, dst):
        raise error

    monkeypatch.setattr(addin.files.os, "replace", refuse)
    done = run("export", book, "-o", target, "--force")
    assert done.code == 2
    assert done.err == f"batchsheet: cannot write {target}: {words}\n"
    assert snapshot(book.parent) == before


class FullDisk(Wrapped):
    """A file on a disk with no room: every write fails as the operating system says."""

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_keeps_the_previous_export(run, exported, monkeypatch):
    book, target = exported
    before = snapshot(book.parent)
    real_fdopen = os.fdopen
    monkeypatch.setattr(addin.files.os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    done = run("export", book, "-o", target, "--force")
    assert done.code == 2
    assert done.err == f"batchsheet: cannot write {target}: No space left on device\n"
    assert snapshot(book.parent) == before


def fail_writing_the_file(monkeypatch, fail: Callable[[], None]) -> None:
    """Make `fail` happen once part of the workbook file is on disk (a workbook is built in
    memory first, and written to its file as a package)."""
    real = zipfile._ZipWriteFile.write  # type: ignore[attr-defined]

    def write(self, data):
        written = real(self, data)
        if not isinstance(self._zipfile.fp, io.BytesIO) and self._zipfile.fp.tell() > 500:
            fail()
        return written

    monkeypatch.setattr(zipfile._ZipWriteFile, "write", write)  # type: ignore[attr-defined]


def test_a_full_disk_during_an_import_leaves_no_workbook(run, tmp_path, monkeypatch):
    source = tmp_path / "in.csv"
    source.write_bytes(pastel_text().encode("cp1252"))
    before = snapshot(tmp_path)

    def full_disk() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    fail_writing_the_file(monkeypatch, full_disk)
    done = run("import", source, "--format", PASTEL, "-o", tmp_path / "b.xlsx")
    assert done.code == 2
    assert done.err == f"batchsheet: cannot write {tmp_path / 'b.xlsx'}: No space left on device\n"
    assert snapshot(tmp_path) == before


# -- never overwrite ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [PASTEL, INFUSION])
def test_import_and_new_batch_never_overwrite(run, tmp_path, books, fmt):
    source = tmp_path / "in.csv"
    text = pastel_text() if fmt == PASTEL else infusion_text()
    source.write_bytes(text.encode("utf-8"))
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"a workbook of my own")
    before = snapshot(tmp_path)
    done = run("import", source, "--format", fmt, "-o", mine)
    assert (done.code, done.err) == (
        2,
        f"batchsheet: {mine} already exists; use --force to replace it\n",
    )
    book = tmp_path / "book.xlsx"
    book.write_bytes(books[fmt].read_bytes())
    before = snapshot(tmp_path)
    done = run("new-batch", book, "-o", mine)
    assert (done.code, done.err) == (
        2,
        f"batchsheet: {mine} already exists; use --force to replace it\n",
    )
    done = run("new-batch", book, "-o", book, "--force")
    assert done.code == 2 and "is the file this command reads" in done.err
    assert snapshot(tmp_path) == before


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path):
    target = tmp_path / "out.csv"

    def someone_else_writes(temp: Path) -> None:
        temp.write_bytes(b"ours")
        target.write_bytes(b"theirs, saved meanwhile")

    with pytest.raises(WriteRefused, match="appeared while writing"):
        write_atomically(target, someone_else_writes)
    assert target.read_bytes() == b"theirs, saved meanwhile"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# -- interrupted ----------------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["frame", "rows"])
def test_ctrl_c_in_the_middle_of_an_import_leaves_nothing(run, tmp_path, monkeypatch, moment):
    from tests.pastel_rows import detail, header

    rows = [header()] + [detail(code=f"C{i}") for i in range(200)]
    source = tmp_path / "in.csv"
    source.write_bytes(pastel_text(rows).encode("cp1252"))
    before = snapshot(tmp_path)
    # openpyxl streams sheets through the system temp folder: give it one of our own.
    private_temp = tmp_path.parent / f"{tmp_path.name}-temp"
    private_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_temp))

    def interrupt() -> None:
        raise KeyboardInterrupt

    interrupt_import(monkeypatch, moment, interrupt)
    done = run("import", source, "--format", PASTEL, "-o", tmp_path / "b.xlsx")
    assert (done.code, done.out) == (130, "")
    assert done.err == "batchsheet: interrupted; nothing was written\n"
    assert snapshot(tmp_path) == before
    assert not list(private_temp.iterdir()), "the half-written sheet stayed in the temp folder"


@pytest.mark.parametrize("fmt", [PASTEL, INFUSION])
def test_ctrl_c_while_the_export_is_saved_keeps_the_previous_file(
    run, tmp_path, books, monkeypatch, fmt
):
    book = tmp_path / "batch.xlsx"
    book.write_bytes(books[fmt].read_bytes())
    target = tmp_path / "batch.csv"
    target.write_bytes(PREVIOUS)
    before = snapshot(tmp_path)

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(addin.files.os, "replace", interrupted)
    done = run("export", book, "-o", target, "--force")
    assert (done.code, done.err) == (130, "batchsheet: interrupted; nothing was written\n")
    assert snapshot(tmp_path) == before


def test_ctrl_c_while_a_workbook_is_saved_leaves_no_partial_file(run, tmp_path, monkeypatch):
    source = tmp_path / "in.csv"
    source.write_bytes(infusion_text().encode())
    before = snapshot(tmp_path)

    def interrupt() -> None:
        raise KeyboardInterrupt

    fail_writing_the_file(monkeypatch, interrupt)
    done = run("import", source, "-o", tmp_path / "b.xlsx")
    assert done.code == 130
    assert snapshot(tmp_path) == before
