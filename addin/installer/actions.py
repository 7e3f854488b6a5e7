"""`batchsheet addin install | uninstall | status`.

Install builds the add-in and templates, then puts them, the config file and (on macOS) xlwings'
AppleScript where Excel finds them, recording every file and folder it added, by full path, in a
manifest. Uninstall removes exactly what the manifest lists, and only files still as install left
them. Nothing of the user's is ever overwritten:

- a file install did not write and would have to replace stops the install before anything is
  written;
- a file install wrote and the user changed since (`Manifest.unchanged`, which status and
  uninstall ask too) is kept as it is, said so, and every other file is installed.

A manifest written by an older version may hold paths relative to the folder that install ran in.
They are taken relative to this folder only when that puts every such file where this home's
layout puts files; otherwise which folder they meant cannot be known, and install and uninstall
stop, saying so and which files to delete by hand, rather than guess.
"""

from __future__ import annotations

import contextlib
import os
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
from .layout import APPLESCRIPT_NAME, HomeError, Layout, UnsupportedPlatform, layout_for
from .manifest import Manifest, ManifestError
from .xlam import build_xlam

OK = 0
FAILED = 2
ACTIONS = ("install", "uninstall", "status")

Out = Callable[[str], None]
# How a line saying the action failed starts, as every message of the command does.
FAILURE = "batchsheet: "
# Why install, status and uninstall leave a file as it is (`Manifest.unchanged`).
CHANGED = "changed since it was installed"


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
    except (UnsupportedPlatform, HomeError, InterpreterPathError, ManifestError) as e:
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
    unsettled = _settle_paths(previous, layout)
    if unsettled:
        _relative_record(layout, previous, unsettled, "install", out)
        return FAILED
    planned = plan(layout, interpreter)
    states = [(p, _state(p, previous)) for p in planned]

    conflicts = [p for p, state in states if state == "foreign"]
    if conflicts:
        out("Nothing was installed: these files are in the way and were not written by Batchsheet.")
        out("Move them somewhere else and run the install again:")
        for p in conflicts:
            out(f"  {p.path}")
        return FAILED

    record = Manifest(layout.platform, dict(previous.files), list(previous.folders))
    out(f"Installing the Batchsheet add-in for Excel on {_label(layout)}:")
    kept = []
    try:
        for p, state in states:
            if state in ("current", "there"):
                note = "already in place" if state == "current" else "already there"
                out(f"  {p.role:<11} {p.path} ({note})")
                continue
            if state == "changed":
                # The user's now: the record keeps what install wrote, so uninstall keeps it too.
                out(f"  {p.role:<11} {p.path} (kept: {CHANGED})")
                kept.append(p)
                continue
            record.folders += _make_folders(p.path.parent)
            write_atomically(p.path, p.data, replace=True)
            record.add(p.path, p.data)
            out(f"  {p.role:<11} {p.path}")
        _drop_leftovers(planned, previous, record, out)
    except (OSError, WriteRefused) as e:
        out(f"{FAILURE}{_reason(e)}")
        out("If Excel is running, quit it and run the install again.")
        return _save_record(layout, record, out, FAILED)
    result = _save_record(layout, record, out, OK)
    if result == OK:
        if kept:
            out(
                f"Kept {_files(len(kept))} you changed since Batchsheet installed "
                f"{'it' if len(kept) == 1 else 'them'}; for this version's, move "
                f"{'it' if len(kept) == 1 else 'them'} somewhere else and run the install again."
            )
        _next_steps(layout, out)
    return result


def uninstall(layout: Layout, out: Out) -> int:
    record = records.load(layout.manifest)
    if record is None:
        out(f"Batchsheet is not installed for this user (no install record at {layout.manifest}).")
        return OK
    unsettled = _settle_paths(record, layout)
    if unsettled:
        _relative_record(layout, record, unsettled, "uninstall", out)
        return FAILED
    out(f"Removing the Batchsheet add-in for Excel on {_label(layout)}:")
    failed = False
    for name in sorted(record.files):
        path = Path(name)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            out(f"  already gone  {path}")
            del record.files[name]
            continue
        if not record.unchanged(name, data):
            out(f"  kept          {path} ({CHANGED})")
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


STATUS_WORDS = {
    "missing": "missing",
    "current": "present, current",
    "there": "present, current (not written by Batchsheet: uninstall leaves it)",
    "ours": "present, out of date (install again to update)",
    "changed": "present, changed since it was installed (install and uninstall keep it)",
    "foreign": "present, not written by Batchsheet",
}


def status(layout: Layout, out: Out, interpreter: str | None = None) -> int:
    record = records.load(layout.manifest)
    unsettled = _settle_paths(record, layout) if record is not None else []
    planned = plan(layout, interpreter)
    out(f"Batchsheet add-in for Excel on {_label(layout)}:")
    installed = 0
    for p in planned:
        state = _state(p, record or Manifest(layout.platform))
        if state not in ("missing", "foreign"):
            installed += 1
        out(f"  {p.role:<11} {p.path}: {STATUS_WORDS[state]}")
    configured = read_setting(
        layout.config_file, layout.interpreter_setting, config_encoding(layout)
    )
    if configured:
        found = "" if Path(configured).exists() else " (not found on this computer)"
        out(f"  Python used by the add-in: {configured}{found}")
    if unsettled:
        out(
            f"The install record {layout.manifest} holds relative paths written by an older "
            "version of Batchsheet, relative to the folder it was installed from, which is not "
            "this one: run status or uninstall from that folder to see or remove what it "
            "installed."
        )
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
    """What is at `p.path` now, as install, status and uninstall all see it.

    missing; recorded and unchanged since install: current, or ours (now out of date);
    recorded and changed since: changed (the user's now); not recorded: there (the same as
    ours, put there by something else), or foreign.
    """
    try:
        current = p.path.read_bytes()
    except FileNotFoundError:
        return "missing"
    same = records.same_content(current, p.data)
    if record.recorded(p.path):
        if not record.unchanged(p.path, current):
            return "changed"
        return "current" if same else "ours"
    return "there" if same else "foreign"


def _drop_leftovers(planned: list[Planned], previous: Manifest, record: Manifest, out: Out) -> None:
    """Remove files an earlier install added that this version no longer installs."""
    wanted = {str(p.path) for p in planned}
    for name in previous.files:
        if name in wanted:
            continue
        path = Path(name)
        try:
            if previous.unchanged(name, path.read_bytes()):
                path.unlink()
                out(f"  removed     {path} (no longer part of Batchsheet)")
        except FileNotFoundError:
            pass
        record.files.pop(name, None)


def _known_folders(layout: Layout) -> dict[Path, Path]:
    """The folders install puts files in: each as the layout names it, by its resolved path."""
    folders = [layout.startup_dir, layout.config_file.parent, layout.templates_dir]
    if layout.applescript is not None:
        folders.append(layout.applescript.parent)
    known: dict[Path, Path] = {}
    for folder in folders:
        with contextlib.suppress(OSError, RuntimeError):
            known[folder.resolve()] = folder
    return known


def _settle_paths(record: Manifest, layout: Layout) -> list[str]:
    """Name every file of `record` as the layout does, so a planned path finds its entry.

    A file recorded through a link, or relative to the folder an older version ran in, is
    renamed when its folder is one install puts files in. Relative paths are taken relative to
    this folder only if that places every one of them so: this is then the folder that install
    ran in. Otherwise they are returned, and `record` is left as it was.
    """
    known = _known_folders(layout)
    here = Path.cwd()

    def placed(name: str) -> str | None:
        path = here / name  # `name` itself when it is a full path
        try:
            folder = known.get(path.parent.resolve())
        except (OSError, RuntimeError):
            return None
        return None if folder is None else str(folder / path.name)

    files: dict[str, str] = {}
    relative = []
    unsettled = []
    for name, digest in record.files.items():
        key = placed(name)
        if not Path(name).is_absolute():
            relative.append(name)
            if key is None:
                unsettled.append(name)
        files[key or name] = digest
    if unsettled:
        return sorted(unsettled)
    record.files = files
    # Relative folders are taken relative to this folder only when relative files showed it is
    # the one install ran in; with none to show it, they are dropped (at worst an empty folder
    # stays behind), never a guess at which folder to remove.
    record.folders = [
        name if Path(name).is_absolute() else os.path.normpath(here / name)
        for name in record.folders
        if relative or Path(name).is_absolute()
    ]
    return []


def _relative_record(
    layout: Layout, record: Manifest, names: list[str], action: str, out: Out
) -> None:
    """Say that `record` names files relative to a folder it does not record, and which."""
    done = "installed" if action == "install" else "removed"
    out(
        f"Nothing was {done}: the install record {layout.manifest} holds relative paths "
        "written by an older version of Batchsheet, and which folder they are relative to "
        "was not recorded."
    )
    if action == "install":
        out(
            "Run the install from the folder you installed from (it then records full paths), "
            "or run uninstall from the folder you installed from, or delete these files and "
            "then the install record:"
        )
    else:
        out(
            "Either run uninstall from the folder you installed from, or delete these files "
            "and then the install record:"
        )
    for name in names:
        found = _where_layout_puts(layout, name)
        if found is None:
            out(f"  {name} (relative to the folder you installed from)")
            continue
        try:
            mine = record.unchanged(name, found.read_bytes())
        except OSError:
            mine = True
        out(f"  {found}" + ("" if mine else f" ({CHANGED}: yours, keep it if you want it)"))
    out(f"  {layout.manifest}")


def _where_layout_puts(layout: Layout, name: str) -> Path | None:
    """The file that `name`, recorded relative to some folder, most likely stands for: the
    one this layout puts in the folder that `name` ends with, if there is a file there."""
    recorded = Path(name)
    for folder in _known_folders(layout).values():
        try:
            tail = folder.relative_to(layout.home).parts
        except ValueError:
            continue
        if tail and recorded.parent.parts[-len(tail) :] == tail:
            candidate = folder / recorded.name
            if candidate.is_file():
                return candidate
    return None


def _files(count: int) -> str:
    return "1 file" if count == 1 else f"{count} files"


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
