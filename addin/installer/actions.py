"""`batchsheet addin install | uninstall | status`.

Install builds the add-in and templates, then puts them, the config file and (on macOS) xlwings'
AppleScript where Excel finds them, recording every file and folder it added in a manifest.
Uninstall removes exactly what the manifest lists, and only files still as install left them.
A file install did not write and would have to replace stops the install before anything is
written, so nothing of the user's is ever overwritten.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import xlwings

from ..files import WriteRefused, write_atomically
from . import manifest as records
from .config import (
    PYTHON_ORG_STEPS,
    InterpreterPathError,
    check_not_store_python,
    config_bytes,
    config_encoding,
    read_setting,
    running_pythons,
    store_python,
)
from .layout import APPLESCRIPT_NAME, Layout, UnsupportedPlatform, layout_for
from .manifest import Manifest, ManifestError
from .xlam import build_xlam

OK = 0
FAILED = 2
ACTIONS = ("install", "uninstall", "status")

Out = Callable[[str], None]
# How a line saying the action failed starts, as every message of the command does.
FAILURE = "batchsheet: "


@dataclass(frozen=True)
class Planned:
    """One file install puts in place."""

    role: str
    path: Path
    data: bytes


def run(
    action: str,
    platform: str | None = None,
    home: Path | None = None,
    out: Out = print,
) -> int:
    """Run one installer action; 0 when it did what was asked, 2 when it could not."""
    if action not in ACTIONS:
        out(f"Unknown action {action!r}: use install, uninstall or status.")
        return FAILED
    try:
        layout = layout_for(platform, home)
        if action == "install":
            check_not_store_python(layout)
            return install(layout, out)
        if action == "uninstall":
            return uninstall(layout, out)
        return status(layout, out)
    except (UnsupportedPlatform, InterpreterPathError, ManifestError) as e:
        out(f"{FAILURE}{e}")
        return FAILED
    except (OSError, WriteRefused) as e:
        out(f"{FAILURE}{_reason(e)}")
        return FAILED


def plan(layout: Layout, interpreter: str | None = None) -> list[Planned]:
    """Every file install writes, with its content."""
    # Imported here: `addin status` answers without loading the workbook writer.
    from ..excel.template import write_templates

    interpreter = interpreter or sys.executable
    with tempfile.TemporaryDirectory(prefix="batchsheet-install-") as work:
        work_dir = Path(work)
        xlam = build_xlam(work_dir / layout.addin.name)
        planned = [
            Planned("add-in", layout.addin, xlam.read_bytes()),
            Planned("config", layout.config_file, config_bytes(layout, interpreter)),
        ]
        if layout.applescript is not None:
            script = Path(xlwings.__file__).parent / APPLESCRIPT_NAME
            planned.append(Planned("AppleScript", layout.applescript, script.read_bytes()))
        templates = write_templates(work_dir / "templates")
        planned += [
            Planned("template", layout.templates_dir / t.name, t.read_bytes()) for t in templates
        ]
    return planned


def install(layout: Layout, out: Out, interpreter: str | None = None) -> int:
    previous = records.load(layout.manifest) or Manifest(layout.platform)
    planned = plan(layout, interpreter)

    conflicts = [p for p in planned if _state(p, previous) == "foreign"]
    if conflicts:
        out("Nothing was installed: these files are in the way and were not written by Batchsheet")
        out("(or were changed since). Move them somewhere else and run the install again:")
        for p in conflicts:
            out(f"  {p.path}")
        return FAILED

    record = Manifest(layout.platform, dict(previous.files), list(previous.folders))
    out(f"Installing the Batchsheet add-in for Excel on {_label(layout)}:")
    try:
        for p in planned:
            state = _state(p, previous)
            if state == "same":
                note = "already in place" if str(p.path) in record.files else "already there"
                out(f"  {p.role:<11} {p.path} ({note})")
                continue
            record.folders += _make_folders(p.path.parent)
            write_atomically(p.path, p.data, replace=True)
            record.files[str(p.path)] = records.sha256(p.data)
            out(f"  {p.role:<11} {p.path}")
        _drop_leftovers(planned, previous, record, out)
    except (OSError, WriteRefused) as e:
        out(f"{FAILURE}{_reason(e)}")
        out("If Excel is running, quit it and run the install again.")
        return _save_record(layout, record, out, FAILED)
    result = _save_record(layout, record, out, OK)
    if result == OK:
        _next_steps(layout, out)
    return result


def uninstall(layout: Layout, out: Out) -> int:
    record = records.load(layout.manifest)
    if record is None:
        out(f"Batchsheet is not installed for this user (no install record at {layout.manifest}).")
        return OK
    out(f"Removing the Batchsheet add-in for Excel on {_label(layout)}:")
    failed = False
    for name, digest in sorted(record.files.items()):
        path = Path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            out(f"  already gone  {path}")
            del record.files[name]
            continue
        if records.sha256(data) != digest:
            out(f"  kept          {path} (changed since it was installed)")
            del record.files[name]
            continue
        try:
            path.unlink()
        except OSError as e:
            out(f"  could not remove {path}: {e.strerror or e}")
            failed = True
            continue
        del record.files[name]
        out(f"  removed       {path}")
    if failed:
        out("If Excel is running, quit it and run the uninstall again.")
        return _save_record(layout, record, out, FAILED)
    with contextlib.suppress(FileNotFoundError):
        layout.manifest.unlink()
    for folder in sorted(set(record.folders), key=lambda f: len(Path(f).parts), reverse=True):
        # A folder that is not empty holds something else now, so it stays.
        with contextlib.suppress(OSError):
            Path(folder).rmdir()
    out("Done. Quit and restart Excel to take the Batchsheet tab away.")
    return OK


def status(layout: Layout, out: Out, interpreter: str | None = None) -> int:
    record = records.load(layout.manifest)
    planned = plan(layout, interpreter)
    out(f"Batchsheet add-in for Excel on {_label(layout)}:")
    installed = 0
    for p in planned:
        state = _state(p, record or Manifest(layout.platform))
        if state == "missing":
            words = "missing"
        elif state == "same":
            words = "present, current"
            installed += 1
        elif state == "ours":
            words = "present, out of date (install again to update)"
            installed += 1
        else:
            words = "present, not written by Batchsheet"
        out(f"  {p.role:<11} {p.path}: {words}")
    configured = read_setting(
        layout.config_file, layout.interpreter_setting, config_encoding(layout)
    )
    if configured:
        found = "" if Path(configured).exists() else " (not found on this computer)"
        out(f"  Python used by the add-in: {configured}{found}")
    if record is None:
        out("Not installed: run `batchsheet addin install`.")
    elif installed < len(planned):
        out("Partly installed: run `batchsheet addin install` to complete it.")
    else:
        out(f"Installed (record: {layout.manifest}).")
    store = store_python(running_pythons()) if layout.platform == "windows" else None
    if store is not None:
        # Such a Python sees its own private copy of AppData: "present" may be true only there.
        out(
            f"This Python comes from the Microsoft Store ({store}): Excel cannot see the files it "
            "writes under AppData, so the add-in may not be where Excel looks even where it "
            "says present above."
        )
        out(PYTHON_ORG_STEPS)
    return OK


def _state(p: Planned, record: Manifest) -> str:
    """missing | same | ours (ours, unchanged since, now out of date) | foreign."""
    try:
        current = p.path.read_bytes()
    except FileNotFoundError:
        return "missing"
    if records.same_content(current, p.data):
        return "same"
    if record.files.get(str(p.path)) == records.sha256(current):
        return "ours"
    return "foreign"


def _drop_leftovers(planned: list[Planned], previous: Manifest, record: Manifest, out: Out) -> None:
    """Remove files an earlier install added that this version no longer installs."""
    wanted = {str(p.path) for p in planned}
    for name, digest in previous.files.items():
        if name in wanted:
            continue
        path = Path(name)
        try:
            if records.sha256(path.read_bytes()) == digest:
                path.unlink()
                out(f"  removed     {path} (no longer part of Batchsheet)")
        except FileNotFoundError:
            pass
        record.files.pop(name, None)


def _make_folders(folder: Path) -> list[str]:
    """Create `folder` and its missing parents; the ones created, for uninstall to remove."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir()
    return [str(each) for each in missing]


def _save_record(layout: Layout, record: Manifest, out: Out, result: int) -> int:
    try:
        if not layout.manifest.parent.exists():
            record.folders += _make_folders(layout.manifest.parent)
        records.save(layout.manifest, record)
    except (OSError, WriteRefused) as e:
        out(f"{FAILURE}could not write the install record {layout.manifest}: {_reason(e)}")
        return FAILED
    return result


def _next_steps(layout: Layout, out: Out) -> None:
    out("")
    out("Done. Quit Excel completely and start it again: the Batchsheet tab appears in the ribbon.")
    out(f"The templates are in {layout.templates_dir}.")
    if layout.platform == "macos":
        out(
            "The first time you press a Batchsheet button, macOS asks whether Python may control "
            "Microsoft Excel: choose OK (System Settings > Privacy & Security > Automation)."
        )


def _label(layout: Layout) -> str:
    return "Windows" if layout.platform == "windows" else "macOS"


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"cannot use {error.filename}: {error.strerror or error}"
    if isinstance(error, OSError):
        return str(error.strerror or error)
    return str(error)


__all__ = ["ACTIONS", "FAILED", "OK", "install", "plan", "run", "status", "uninstall"]
