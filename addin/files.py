"""Writing files so that nothing is ever half-written or replaced by surprise."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


class WriteRefused(Exception):
    """A write that would replace a file the user did not ask to replace, or that failed."""


def write_atomically(
    path: Path,
    data: bytes | Callable[[Path], None],
    *,
    replace: bool = False,
    verify: Callable[[Path], None] | None = None,
) -> None:
    """Write `data` (bytes, or a function that writes a given path) to `path` in one step.

    The content goes to a temporary file in the same folder, is checked by `verify` when
    given, and only then renamed over `path`. On any failure the temporary file is removed
    and a previous file at `path` is untouched.
    """
    path = Path(path)
    if path.exists() and not replace:
        raise WriteRefused(f"{path} already exists; use --force to replace it")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WriteRefused(f"cannot write {path}: the folder {folder} does not exist")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise WriteRefused(f"cannot write {path}: {e.strerror or e}") from None
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
        if path.exists() and not replace:
            raise WriteRefused(f"{path} appeared while writing; use --force to replace it")
        os.replace(temp, path)
    except OSError as e:
        raise WriteRefused(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def read_user_text(path: Path, what: str, error: type[Exception]) -> str:
    """A text file the user points at (UTF-8, a byte-order mark allowed), or `error` saying
    in plain words why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as e:
        raise error(f"{path}: cannot read the {what}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: the {what} is not UTF-8 text") from None
