"""Writing files so that nothing is ever half-written or replaced by surprise.

This is the one place that decides where Batchsheet may write:

- only a regular file is replaced, and only when the user asked (`--force`); a folder, a
  fifo, a device or a socket never is, whatever was asked;
- never a file the command is reading (the same file by any name, links included);
- a symbolic link is followed: the file it points to is written, and the link stays, as a
  shell's `>` does;
- the new file gets the replaced file's permission bits (else those the umask allows), not
  the private mode a temporary file is made with;
- the content goes to a short temporary name in the target's own folder (any legal file
  name still fits), is checked, then renamed in one step; temporary files of ours that a
  killed process left there over a day ago are removed on the next write.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from .refusals import ReadError, Refusal

TEMP_PREFIX = ".batchsheet-"
TEMP_SUFFIX = ".tmp"
# A temporary file this old cannot belong to a write still running.
STALE_AFTER = 24 * 3600


# The files the command under way reads, by whatever option it was told of them (settings,
# column set, ledger, its input): never the file it writes.
_READING: ContextVar[tuple[Path, ...]] = ContextVar("reading", default=())


@contextlib.contextmanager
def reading(*paths: Path | str | None) -> Iterator[None]:
    """While inside, a write to any of `paths` (by any name) is refused as a write over an
    input is."""
    token = _READING.set(_READING.get() + tuple(Path(p) for p in paths if p))
    try:
        yield
    finally:
        _READING.reset(token)


@contextlib.contextmanager
def in_place(path: Path) -> Iterator[None]:
    """While inside, `path` may be written though the command reads it: an edit of the
    workbook itself (marks, fixes), which the user asked for by naming it."""
    kept = []
    for source in _READING.get():
        try:
            same = os.path.samefile(source, path)
        except OSError:
            same = False
        if not same:
            kept.append(source)
    token = _READING.set(tuple(kept))
    try:
        yield
    finally:
        _READING.reset(token)


# How long a command that changes a workbook waits for another that is changing it.
EDIT_WAIT = 30.0


@contextlib.contextmanager
def editing(path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the workbook at `path` for one command from before it is read until its new
    version has taken the name: a second command that would change it (marks, fixes)
    waits for the first, up to `wait` seconds, and then reads what the first wrote, or
    gives up saying so. Without it, one that read the old version could rename its copy
    over the other's finished work.

    The lock is a file beside the workbook (`.~batchsheet.NAME.lock`), held with the
    operating system's lock (fcntl on macOS and Linux, msvcrt on Windows) and removed on
    release; a lock file left by a killed process holds nothing and is taken over.
    """
    path = Path(path)
    lock = path.with_name(f".~batchsheet.{path.name}.lock")
    with holding(lock, EDIT_WAIT if wait is None else wait) as held:
        if not held:
            raise WriteRefused(
                f"{shown(path)}: another Batchsheet command is changing this workbook; "
                "nothing was written. Run the command again when it has finished"
            )
        yield


@contextlib.contextmanager
def holding(lock: Path, wait: float) -> Iterator[bool]:
    """Whether this process holds the lock file `lock` (taking it, waiting up to `wait`
    seconds for another that holds it), for as long as the block runs; the file is removed
    on release. A lock file left by a killed process holds nothing and is taken over; one
    that cannot be made at all (a folder we cannot write in) holds nothing back: True."""
    deadline = time.monotonic() + wait
    while True:
        try:
            handle = open(lock, "a+b")  # noqa: SIM115  # held until the block is done
        except OSError:
            yield True
            return
        if _try_lock(handle):
            try:
                same = os.fstat(handle.fileno()).st_ino == os.stat(lock).st_ino
            except OSError:
                same = False
            if same:
                break
        handle.close()  # taken, or taken over and removed meanwhile: ask again
        if time.monotonic() >= deadline:
            yield False
            return
        time.sleep(0.1)
    try:
        yield True
    finally:
        _release(handle, lock)


def _release(handle: Any, lock: Path) -> None:
    """Let go of a lock taken with `_try_lock` and remove its file. On POSIX the file goes
    while still locked, so no one takes a lock on a file about to vanish; Windows removes no
    open file, so there the lock is released and the file closed first."""
    if os.name == "nt":
        with contextlib.suppress(OSError):
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        handle.close()
        with contextlib.suppress(OSError):
            os.unlink(lock)
        return
    with contextlib.suppress(OSError):
        os.unlink(lock)
    handle.close()


def _try_lock(handle: Any) -> bool:
    """Take the operating system's exclusive lock on an open file, without waiting."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class WriteRefused(Refusal):
    """A write that would replace a file the user did not ask to replace, or that failed."""


def shown(path: Path | str) -> str:
    """A path as words: a name that is not valid text in the file system's encoding keeps
    its bytes as escapes, so it can be printed and stored."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in plain words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (fifo)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_target(
    path: Path, *, replace: bool = False, inputs: Iterable[Path] = (), example: str = "batch.csv"
) -> tuple[Path, os.stat_result | None]:
    """Where a write to `path` really goes, and what is there now (None: nothing).

    Raises WriteRefused, naming the file and the reason, for anything this module's rules
    forbid. Called before any work, and again just before the rename.
    """
    path = Path(path)
    real = Path(os.path.realpath(path)) if os.path.islink(path) else path
    try:
        current: os.stat_result | None = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        current = None
    except OSError as e:
        raise WriteRefused(f"cannot write {shown(path)}: {e.strerror or e}") from None
    if current is not None:
        kind = _kind(current.st_mode)
        if kind == "a folder":
            raise WriteRefused(
                f"{shown(path)} is a folder; name a file to write, such as {shown(path / example)}"
            )
        if kind is not None:
            raise WriteRefused(
                f"{shown(path)} is {kind}, not a file; Batchsheet writes only to regular files"
            )
        for source in (*inputs, *_READING.get()):
            with contextlib.suppress(OSError):
                if os.path.samefile(source, real):
                    raise WriteRefused(
                        f"{shown(path)} is the file this command reads ({shown(source)}); "
                        "write the result to another file"
                    )
        if not replace:
            raise WriteRefused(f"{shown(path)} already exists; use --force to replace it")
        if not current.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            # Read-only by the user's choice (Windows' Read-only box sets no write bit):
            # a rename would replace it all the same, even as its owner.
            raise WriteRefused(
                f"{shown(path)} is read-only; make it writable first (Properties › clear "
                "Read-only, or chmod u+w) to replace it, or write to another file"
            )
    folder = real.parent if str(real.parent) else Path(".")
    if not folder.is_dir():
        raise WriteRefused(f"cannot write {shown(path)}: the folder {shown(folder)} does not exist")
    return real, current


def write_atomically(
    path: Path,
    data: bytes | Callable[[Path], None],
    *,
    replace: bool = False,
    verify: Callable[[Path], None] | None = None,
    inputs: Iterable[Path] = (),
) -> None:
    """Write `data` (bytes, or a function that writes a given path) to `path` in one step.

    The content goes to a temporary file in the same folder, is checked by `verify` when
    given, and only then renamed over `path`. On any failure, Ctrl+C or a termination
    signal (see `stop_on_signals`), the temporary file is removed and a previous file at
    `path` is untouched. `inputs` are the files the command reads: never replaced.
    """
    path = Path(path)
    inputs = tuple(inputs)
    real, current = check_target(path, replace=replace, inputs=inputs)
    folder = real.parent if str(real.parent) else Path(".")
    sweep_stale(folder)
    # Loaded here, not with the module: it is a tenth of `--help`'s start-up.
    import tempfile

    try:
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    except OSError as e:
        raise WriteRefused(f"cannot write {shown(path)}: {e.strerror or e}") from None
    temp = Path(temp_name)
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            os.close(fd)
            data(temp)
        if verify is not None:
            verify(temp)
        _take_over(temp, current)
        if current is None and not replace and os.path.lexists(real):
            raise WriteRefused(f"{shown(path)} appeared while writing; use --force to replace it")
        # Whatever took the target's place while we wrote is judged by the same rules.
        check_target(path, replace=True, inputs=inputs)
        os.replace(temp, real)
    except OSError as e:
        raise WriteRefused(f"cannot write {shown(path)}: {e.strerror or e}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _take_over(temp: Path, current: os.stat_result | None) -> None:
    """Give the new file the replaced file's permissions (and, as root, its owner), or
    those a newly created file gets under the umask."""
    if current is not None:
        os.chmod(temp, stat.S_IMODE(current.st_mode))
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                os.chown(temp, current.st_uid, current.st_gid)
    else:
        os.chmod(temp, 0o666 & ~_umask())


def _umask() -> int:
    # The only portable way to read the umask is to set it and put it back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def sweep_stale(folder: Path) -> list[Path]:
    """Remove our temporary files in `folder` left over a day ago by a killed process."""
    removed: list[Path] = []
    cutoff = time.time() - STALE_AFTER
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX)):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
            if stat.S_ISREG(info.st_mode) and mine and info.st_mtime < cutoff:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def read_user_text(path: Path, what: str, error: type[Exception]) -> str:
    """A text file the user points at (UTF-8, a byte-order mark allowed), or `error` saying
    in plain words why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as e:
        raise error(f"{shown(path)}: cannot read the {what}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise error(f"{shown(path)}: the {what} is not UTF-8 text") from None


def json_document(text: str, origin: str, error: type[Exception]) -> Any:
    """The JSON value of a file the user gave, or `error` naming the file and what is wrong:
    not JSON (with the line), nested too deep to read, or a number too long to be one."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise error(f"{origin}: line {e.lineno}: not valid JSON ({e.msg})") from None
    except RecursionError:
        raise error(f"{origin}: nested too deeply to be a Batchsheet file") from None
    except ValueError:
        raise error(
            f"{origin}: holds a number thousands of digits long, which no Batchsheet file has"
        ) from None


# What was read from inputs that can be read only once (a pipe, /dev/stdin), by name.
_STREAMED: dict[str, bytes] = {}


def read_bytes(path: Path) -> bytes:
    """A whole input file; a file that cannot be read is a `ReadError` naming it. A pipe or
    a device is read once: asked again, the same bytes (a second open would wait for a
    writer that is gone)."""
    key = os.fspath(path)
    if key in _STREAMED:
        return _STREAMED[key]
    try:
        with open(path, "rb") as handle:
            regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
            data = handle.read()
    except OSError as e:
        raise ReadError(str(path), f"cannot read the file: {e.strerror or e}") from None
    if not regular:
        _STREAMED[key] = data
    return data


def streamed(path: Path) -> bool:
    """Whether `path` is a pipe, a device or a socket: an input with no file to sit beside."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path)
    except OSError:
        return False
