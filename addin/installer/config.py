"""The add-in's config file: which Python the add-in starts.

The xlwings VBA reads it with `Input #`, one `"KEY","value"` pair per line, in the system's
ANSI code page on Windows. `Input #` has no escape for a double quote, and on macOS the
interpreter path is pasted into a shell command without quotes (xlwings' AppleScript), so paths
those cannot carry are refused here with a way out, rather than installed to fail later.

A Python from the Microsoft Store is refused too: Windows runs it as a packaged app, and a file
such an app creates under AppData goes to the app's private copy of AppData
(`%LOCALAPPDATA%\\Packages\\PythonSoftwareFoundation.Python.3.x_...\\LocalCache`), which Excel
never looks in. The add-in would be "installed" in Excel's start-up folder as that Python sees
it, and never load.
"""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from .layout import Layout

# Characters the macOS shell passes through unquoted.
_MAC_SAFE_PATH = re.compile(r"[A-Za-z0-9/._+@,:=-]+")


class InterpreterPathError(ValueError):
    """The Python path cannot be written to the config file for this platform."""


# The package family of every Microsoft Store Python (PythonSoftwareFoundation.Python.3.12_...),
# and the folder its files and command aliases live in (C:\Program Files\WindowsApps,
# %LOCALAPPDATA%\Microsoft\WindowsApps).
STORE_PACKAGE = "pythonsoftwarefoundation.python."
STORE_FOLDER = "windowsapps"
PYTHON_ORG_STEPS = (
    "Install Python from python.org instead:\n"
    "  1. Download Python for Windows from https://www.python.org/downloads/windows/\n"
    '  2. Run the installer. On its first page, tick "Add python.exe to PATH",\n'
    '     then click "Install Now".\n'
    "  3. Double-click install\\windows.cmd in the Batchsheet folder again: it makes the\n"
    "     private environment again with that Python."
)


class StorePython(InterpreterPathError):
    """The Python running the install is the Microsoft Store's, whose AppData Excel cannot see."""


def running_pythons() -> list[str]:
    """What says where this Python comes from: in a virtual environment, `sys.executable` is
    the environment's own python.exe and the base interpreter shows in the others."""
    found = [getattr(sys, "_base_executable", ""), sys.executable, sys.base_prefix]
    return [path for path in found if path]


def store_python(paths: Iterable[str]) -> str | None:
    """The first of `paths` that belongs to a Microsoft Store Python, or None."""
    for path in paths:
        folded = path.casefold()
        if STORE_PACKAGE in folded or STORE_FOLDER in re.split(r"[\\/]+", folded):
            return path
    return None


def check_not_store_python(layout: Layout, paths: Iterable[str] | None = None) -> None:
    """Refuse a Microsoft Store Python for a Windows install, saying what to do instead."""
    if layout.platform != "windows":
        return
    found = store_python(running_pythons() if paths is None else paths)
    if found is None:
        return
    raise StorePython(
        f"this Python comes from the Microsoft Store ({found}). Windows keeps the files such a "
        "Python writes under AppData in a private copy that Excel never looks in, so the "
        "add-in would never load. Nothing was installed.\n" + PYTHON_ORG_STEPS
    )


def config_text(layout: Layout, interpreter: str) -> str:
    check_interpreter(layout, interpreter)
    settings = {
        layout.interpreter_setting: interpreter,
        # Otherwise xlwings puts the workbook's own folder first on sys.path, and a stray
        # openpyxl.py or addin folder next to a batch would shadow the real ones.
        "ADD_WORKBOOK_TO_PYTHONPATH": "false",
    }
    newline = "\r\n" if layout.platform == "windows" else "\n"
    return "".join(f'"{key}","{value}"{newline}' for key, value in settings.items())


def config_bytes(layout: Layout, interpreter: str) -> bytes:
    text = config_text(layout, interpreter)
    encoding = config_encoding(layout)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        raise InterpreterPathError(
            f"Excel cannot read the Python path {interpreter} (it has characters outside the "
            "system code page). Install into a folder with a plain name, e.g. "
            r"C:\Batchsheet\venv, and run the installer from there."
        ) from None


def config_encoding(layout: Layout) -> str:
    if layout.platform == "macos":
        return "utf-8"
    try:
        # The ANSI code page VBA's file I/O uses; only exists on Windows.
        return codecs.lookup("mbcs").name
    except LookupError:
        return "cp1252"


def check_interpreter(layout: Layout, interpreter: str) -> None:
    if '"' in interpreter or "\n" in interpreter or "\r" in interpreter:
        raise InterpreterPathError(
            f"the Python path {interpreter!r} contains a quote or line break, which the "
            "add-in's config file cannot hold; install into a folder without one"
        )
    if layout.platform == "macos" and not _MAC_SAFE_PATH.fullmatch(interpreter):
        raise InterpreterPathError(
            f"Excel on macOS starts Python through a shell command that cannot cope with spaces "
            f"or special characters in its path, and {interpreter} has some. Create the "
            "environment in a folder without them (the macOS installer uses ~/.batchsheet/venv) "
            "and run the installer from there."
        )


def read_setting(path: Path, key: str, encoding: str = "utf-8") -> str | None:
    """A setting from a config file as the VBA reads it (case-insensitive key), or None."""
    try:
        lines = path.read_bytes().decode(encoding, errors="replace").splitlines()
    except OSError:
        return None
    for line in lines:
        match = re.fullmatch(r'\s*"([^"]*)"\s*,\s*"([^"]*)"\s*', line)
        if match and match.group(1).lower() == key.lower():
            return match.group(2)
    return None
