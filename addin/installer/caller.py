"""The workbook whose Batchsheet button started this Python, found from RunPython's command line.

xlwings' RunPython names the calling workbook on Python's command line (`--wb=NAME`), and
`xw.Book.caller()` reads it back; it cuts the name at its first "=", so a workbook called
`a=b.xlsx` is looked for as `a`. The add-in's xlwings module (as `xlam.py` builds it) sends a
name holding "=" or anything else a shell would act on as "=" followed by the hex digits of its
UTF-16 code units (`BatchsheetCallerName` in `xlam.caller_name_vba`), which is read back here.
A plain name still goes through `xw.Book.caller()`, as it always has.

Whatever goes wrong while finding the workbook ends this Python with a sentence rather than a
traceback: RunPython shows what Python wrote to its error output in its own message box.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

# What starts an encoded name: a plain one never does, since any name with an "=" is encoded.
ENCODED = "="
NOT_FOUND = (
    "Batchsheet could not find the workbook whose button was pressed{name}. Save the "
    "workbook, then press the button again; if this keeps happening, quit Excel completely "
    "and start it again.\n({reason})"
)


class CallerNotFound(LookupError):
    """No open workbook has the name RunPython passed."""


def caller_argument(argv: Sequence[str], option: str) -> str | None:
    """The value of `--option=VALUE` on the command line, whole, or None."""
    prefix = f"{option}="
    for arg in argv:
        if arg.startswith(prefix):
            return arg[len(prefix) :]
    return None


def decode_caller_name(value: str) -> str:
    """A workbook's name as the add-in's xlwings module sent it, plain or encoded."""
    if not value.startswith(ENCODED):
        return value
    digits = value[len(ENCODED) :]
    try:
        return bytes.fromhex(digits).decode("utf-16-be", "surrogatepass")
    except ValueError:
        raise CallerNotFound(f"the workbook's name came garbled ({value!r})") from None


def caller_name(argv: Sequence[str] | None = None) -> str | None:
    """The calling workbook's name from the command line, or None when it names none."""
    value = caller_argument(sys.argv if argv is None else argv, "--wb")
    return None if value is None else decode_caller_name(value)


def caller_book(argv: Sequence[str] | None = None, xw: Any = None) -> Any:
    """The calling workbook, as an xlwings Book; exits with a plain sentence when it cannot
    be found."""
    args = list(sys.argv if argv is None else argv)
    name: str | None = None
    try:
        if xw is None:
            xw = importlib.import_module("xlwings")
        value = caller_argument(args, "--wb")
        if value is None or ENCODED not in value:
            # Everything xlwings itself reads right (and its mock caller, for tests).
            return xw.Book.caller()
        name = decode_caller_name(value)
        return _open_book(xw, name, caller_argument(args, "--hwnd"))
    except Exception as e:
        shown = f" ({name})" if name else ""
        raise SystemExit(NOT_FOUND.format(name=shown, reason=f"{type(e).__name__}: {e}")) from None


def _open_book(xw: Any, name: str, hwnd: str | None) -> Any:
    """The open workbook called `name`: in the Excel whose window is `hwnd` (Windows, as
    Book.caller looks), else in any Excel; by its exact name, else ignoring case."""
    apps = list(xw.apps)
    if hwnd:
        apps = [app for app in apps if str(app.hwnd) == hwnd] or apps
    books = [book for app in apps for book in app.books]
    for same in (lambda found: found == name, lambda found: found.casefold() == name.casefold()):
        for book in books:
            if same(book.name):
                return book
    raise CallerNotFound(f"no open workbook is called {name!r}")


__all__ = ["CallerNotFound", "caller_book", "caller_name", "decode_caller_name"]
