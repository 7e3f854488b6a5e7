"""Where Batchsheet may write: nothing the user points at is destroyed.

Only a regular file is ever replaced, and only with `--force`; never a fifo, a device, a
folder or the command's own input. A symbolic link is followed (the file it points to is
written, the link stays). The new file keeps the replaced file's permissions, or gets
those the umask allows. Any legal file name works. SIGTERM and SIGHUP clean up as Ctrl+C
does, and temporary files a killed process left behind are swept on the next write.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import addin.files
from addin.files import STALE_AFTER, TEMP_PREFIX, TEMP_SUFFIX
from addin.ledger import Ledger
from tests.conftest import as_unprivileged, run_process
from tests.hostile.conftest import (
    INFUSION,
    PASTEL,
    infusion_text,
    interrupt_import,
    pastel_text,
    snapshot,
)
from tests.pastel_rows import detail, header

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


@pytest.fixture
def folder(tmp_path, books) -> Path:
    """A folder with a good workbook and the CSV it came from."""
    (tmp_path / "p.xlsx").write_bytes(books[PASTEL].read_bytes())
    (tmp_path / "p.csv").write_bytes(pastel_text().encode("cp1252"))
    return tmp_path


def _special_files(folder: Path) -> dict[str, Path]:
    made = {}
    fifo = folder / "fifo.csv"
    os.mkfifo(fifo)
    made["fifo"] = fifo
    if ROOT:
        device = folder / "full.csv"
        try:
            # The same device as /dev/full, made inside the test's own folder.
            os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 7))
            made["device"] = device
        except OSError:
            pass
    return made


@pytest.mark.parametrize("command", ["export", "import"])
def test_a_fifo_or_a_device_is_never_replaced_even_with_force(run, folder, command):
    for kind, target in _special_files(folder).items():
        if command == "export":
            done = run("export", folder / "p.xlsx", "-o", target, "--force")
        else:
            done = run("import", folder / "p.csv", "--format", PASTEL, "-o", target, "--force")
        assert done.code == 2, (kind, done)
        assert "not a file; Batchsheet writes only to regular files" in done.err, done.err
        assert "--force" not in done.err
        mode = target.lstat().st_mode
        assert stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISCHR(mode), kind
        assert not [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_a_folder_as_the_output_is_called_a_folder_without_suggesting_force(run, folder):
    target = folder / "exports"
    target.mkdir()
    done = run("export", folder / "p.xlsx", "-o", target)
    assert done.code == 2
    assert done.err == (
        f"batchsheet: {target} is a folder; name a file to write, such as {target / 'batch.csv'}\n"
    )
    assert target.is_dir() and not list(target.iterdir())


def test_the_input_is_never_the_output_under_any_name(run, folder):
    before = snapshot(folder)
    (folder / "link.xlsx").symlink_to(folder / "p.xlsx")
    os.link(folder / "p.csv", folder / "hard.csv")
    cases = [
        ("export", folder / "p.xlsx", "-o", folder / "p.xlsx", "--force"),
        ("export", folder / "p.xlsx", "-o", folder / "link.xlsx", "--force"),
        ("import", folder / "p.csv", "--format", PASTEL, "-o", folder / "p.csv", "--force"),
        ("import", folder / "p.csv", "--format", PASTEL, "-o", folder / "hard.csv", "--force"),
        ("new-batch", folder / "p.xlsx", "-o", folder / "p.xlsx", "--force"),
        ("settings", "export", folder / "p.xlsx", "-o", folder / "p.xlsx", "--force"),
    ]
    for args in cases:
        done = run(*args)
        assert done.code == 2, (args, done)
        assert "is the file this command reads" in done.err, (args, done.err)
    after = snapshot(folder)
    assert {k: after[k] for k in before} == before
    assert (folder / "link.xlsx").is_symlink()


def test_a_symlink_is_followed_and_stays_a_link(run, folder):
    real = folder / "exports" / "real.csv"
    real.parent.mkdir()
    real.write_bytes(b"old\r\n")
    os.chmod(real, 0o664)
    link = folder / "link.csv"
    link.symlink_to(real)
    refused = run("export", folder / "p.xlsx", "-o", link)
    assert refused.code == 2 and "already exists; use --force" in refused.err
    done = run("export", folder / "p.xlsx", "-o", link, "--force")
    assert done.code == 0, done
    assert link.is_symlink() and link.resolve() == real
    assert real.read_bytes().startswith(b"Header,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o664
    # A dangling link: the file it names is created, as a shell's `>` would.
    dangling = folder / "dangling.csv"
    dangling.symlink_to(folder / "exports" / "new.csv")
    assert run("export", folder / "p.xlsx", "-o", dangling).code == 0
    assert dangling.is_symlink() and (folder / "exports" / "new.csv").is_file()


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_the_umask_allows(run, folder, umask, expected):
    old = os.umask(umask)
    try:
        exported = run("export", folder / "p.xlsx", "-o", folder / "new.csv")
        imported = run("import", folder / "p.csv", "--format", PASTEL, "-o", folder / "new.xlsx")
    finally:
        os.umask(old)
    assert exported.code == 0 and imported.code == 0
    assert stat.S_IMODE((folder / "new.csv").stat().st_mode) == expected
    assert stat.S_IMODE((folder / "new.xlsx").stat().st_mode) == expected


def test_a_replaced_file_keeps_its_mode(run, folder):
    target = folder / "p2.csv"
    target.write_bytes(b"old\r\n")
    os.chmod(target, 0o664)
    book = folder / "p.xlsx"
    os.chmod(book, 0o660)
    assert run("export", book, "-o", target, "--force").code == 0
    assert run("validate", book, "--mark").code in (0, 1)
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    assert stat.S_IMODE(book.stat().st_mode) == 0o660


def test_the_longest_legal_file_name_works(run, folder):
    target = folder / ("b" * 251 + ".csv")
    assert len(os.fsencode(target.name)) == 255
    done = run("export", folder / "p.xlsx", "-o", target)
    assert done.code == 0, done
    assert target.read_bytes().startswith(b"Header,")
    book = folder / ("w" * 250 + ".xlsx")
    assert run("import", folder / "p.csv", "--format", PASTEL, "-o", book).code == 0
    assert run("validate", book, "--mark").code in (0, 1)


def test_a_file_name_that_is_not_utf8_is_written_and_recorded(run, folder, private_ledger):
    name = os.fsdecode(b"\xe4-export.csv")
    done = run("export", folder / "p.xlsx", "-o", folder / name)
    assert done.code == 0, done
    assert os.path.exists(os.fsencode(folder) + b"/\xe4-export.csv")
    assert "recorded as batch 1" in done.out
    (batch,) = Ledger(private_ledger).batches()
    assert batch.file.endswith("\\xe4-export.csv")
    listed = run("ledger", "list")
    assert listed.code == 0 and "\\xe4-export.csv" in listed.out
    forgot = run("ledger", "forget", folder / name)
    assert forgot.code == 0 and "forgot batch 1" in forgot.out


# -- termination signals ----------------------------------------------------------------------


@pytest.mark.parametrize("moment", ["frame", "rows"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_termination_signal_mid_import_leaves_nothing(
    run, tmp_path, monkeypatch, private_temp, sig, moment
):
    rows = [header()] + [detail(code=f"C{i}") for i in range(200)]
    source = tmp_path / "in.csv"
    source.write_bytes(pastel_text(rows).encode("cp1252"))
    before = snapshot(tmp_path)
    interrupt_import(monkeypatch, moment, lambda: os.kill(os.getpid(), sig))
    done = run("import", source, "--format", PASTEL, "-o", tmp_path / "b.xlsx")
    name = signal.Signals(sig).name
    assert (done.code, done.out) == (128 + sig, "")
    assert done.err == f"batchsheet: stopped by {name}; nothing was written\n"
    assert snapshot(tmp_path) == before
    assert not list(private_temp.iterdir()), "openpyxl's streamed sheet stayed behind"
    assert signal.getsignal(sig) is signal.SIG_DFL or callable(signal.getsignal(sig))


def test_sigterm_while_the_export_is_renamed_keeps_the_previous_file(run, folder, monkeypatch):
    target = folder / "out.csv"
    target.write_bytes(b"previous\r\n")
    before = snapshot(folder)

    def terminated(src, dst):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(1)  # the signal arrives here, at the latest

    monkeypatch.setattr(addin.files.os, "replace", terminated)
    done = run("export", folder / "p.xlsx", "-o", target, "--force")
    assert done.code == 128 + signal.SIGTERM
    assert snapshot(folder) == before


def test_sigterm_to_a_real_import_process_cleans_up(tmp_path, private_temp):
    """A whole process, killed as a shutdown or a terminal closing would kill it."""
    rows = [header()] + [detail(code=f"C{i}") for i in range(30_000)]
    source = tmp_path / "big.csv"
    source.write_bytes(pastel_text(rows).encode("cp1252"))
    exe = shutil.which("batchsheet", path=str(Path(sys.executable).parent))
    assert exe
    child = subprocess.Popen(
        [exe, "import", str(source), "--format", PASTEL, "-o", str(tmp_path / "big.xlsx")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(private_temp)},
    )
    try:
        deadline = time.monotonic() + 120
        # openpyxl streams the sheet to the temp folder once rows are being written.
        while not list(private_temp.iterdir()) and child.poll() is None:
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
        assert child.poll() is None, "the import finished before it could be stopped"
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 128 + signal.SIGTERM, err
    assert err.decode() == "batchsheet: stopped by SIGTERM; nothing was written\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]
    assert not list(private_temp.iterdir())


def test_stale_temporary_files_are_swept_on_the_next_write(run, folder):
    stale = folder / f"{TEMP_PREFIX}killed{TEMP_SUFFIX}"
    fresh = folder / f"{TEMP_PREFIX}running{TEMP_SUFFIX}"
    unrelated = folder / f".notes.{TEMP_SUFFIX}"
    for p in (stale, fresh, unrelated):
        p.write_bytes(b"left behind")
    old = time.time() - STALE_AFTER - 60
    os.utime(stale, (old, old))
    os.utime(unrelated, (old, old))
    assert run("export", folder / "p.xlsx", "-o", folder / "out.csv").code == 0
    assert not stale.exists()
    assert fresh.exists() and unrelated.exists()


# -- as a user without root's powers ---------------------------------------------------------


def test_a_read_only_folder_refuses_cleanly_without_privileges(folder):
    locked = folder / "locked"
    locked.mkdir()
    (locked / "old.csv").write_bytes(b"previous\r\n")
    locked.chmod(0o555)
    try:
        done = as_unprivileged("export", folder / "p.xlsx", "-o", locked / "old.csv", "--force")
        assert done.returncode == 2, done
        assert done.stderr == f"batchsheet: cannot write {locked / 'old.csv'}: Permission denied\n"
        assert (locked / "old.csv").read_bytes() == b"previous\r\n"
        assert sorted(p.name for p in locked.iterdir()) == ["old.csv"]
    finally:
        locked.chmod(0o755)


def test_a_read_only_workbook_is_not_marked_without_privileges(folder):
    book = folder / "p.xlsx"
    folder.chmod(0o555)
    try:
        before = book.read_bytes()
        done = as_unprivileged("validate", book, "--mark")
        assert done.returncode == 2, done
        assert done.stderr.startswith(f"batchsheet: cannot write {book}: Permission denied")
        assert book.read_bytes() == before
    finally:
        folder.chmod(0o755)


def test_a_fifo_is_refused_without_privileges(folder):
    os.mkfifo(folder / "pipe.csv")
    done = as_unprivileged("export", folder / "p.xlsx", "-o", folder / "pipe.csv", "--force")
    assert done.returncode == 2 and "named pipe (fifo), not a file" in done.stderr
    assert stat.S_ISFIFO((folder / "pipe.csv").lstat().st_mode)


def test_infusion_import_refuses_its_own_input(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(infusion_text().encode())
    done = run("import", source, "--format", INFUSION, "-o", source, "--force")
    assert done.code == 2 and "is the file this command reads" in done.err
    assert source.read_bytes() == infusion_text().encode()


def test_the_command_in_a_child_process_refuses_a_fifo(folder):
    os.mkfifo(folder / "x.csv")
    done = run_process("export", folder / "p.xlsx", "-o", folder / "x.csv", "--force")
    assert done.code == 2 and "Traceback" not in done.err
