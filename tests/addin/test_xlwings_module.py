"""What the build leaves out of xlwings' VBA module, and that everything Batchsheet runs stays.

Batchsheet enters the module at the procedures its own modules call (BatchsheetRibbon,
ThisWorkbook) and at CleanUp, which xlwings' Python runs by name on macOS when it exits. From
there, every procedure and DLL function named in code (on Windows and on macOS alike: both
branches of every #If are read) is reachable; the build may leave out only what is not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyopenvba import ExcelFile

from addin.installer.xlam import (
    ENTRY_PROCEDURES,
    UNUSED_DECLARES,
    UNUSED_PROCEDURES,
    quickstart_xlam,
    ribbon_module_source,
    workbook_module_source,
)

REPO = Path(__file__).resolve().parents[2]
KIT = Path(os.environ.get("OOXML_CHECK") or REPO.parent / "shared" / "ooxml-check").resolve()
SYSTEM_PYTHON = Path("/usr/bin/python3")  # Debian's, which python3-uno installs into

HEADER = re.compile(
    r"^\s*(?:(?:Public|Private|Friend)\s+)?(?:Static\s+)?(?:Sub|Function|Property\s+\w+)\s+(\w+)",
    re.IGNORECASE,
)
DECLARE = re.compile(
    r"^\s*(?:(?:Public|Private)\s+)?Declare\s+(?:PtrSafe\s+)?(?:Sub|Function)\s+(\w+)",
    re.IGNORECASE,
)


def names_in_code(source: str) -> set[str]:
    """The identifiers of `source` (lower-cased), leaving out comments and string literals."""
    found: set[str] = set()
    for line in source.splitlines():
        code = ""
        quoted = False
        for char in line:
            if char == '"':
                quoted = not quoted
            elif char == "'" and not quoted:
                break
            elif not quoted:
                code += char
        if not re.match(r"\s*Rem\b", code, re.IGNORECASE):
            found |= {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code)}
    return found


def callables(module: str) -> dict[str, str]:
    """Every procedure (its whole text, both forms of a conditional header) and every
    Declare'd DLL function of `module`, by lower-case name."""
    found: dict[str, str] = {}
    current: str | None = None
    for line in module.split("\n"):
        declared = DECLARE.match(line)
        if declared:
            found.setdefault(declared.group(1).lower(), "")
            continue
        header = HEADER.match(line)
        if current is None and header:
            current = header.group(1).lower()
            found[current] = found.get(current, "")
        if current is not None:
            found[current] += line + "\n"
            if re.match(r"^\s*End (?:Sub|Function|Property)\b", line, re.IGNORECASE):
                current = None
    return found


def reachable(module: str, roots: set[str]) -> set[str]:
    """The procedures and DLL functions of `module` that calls from `roots` can reach."""
    defined = callables(module)
    seen: set[str] = set()
    todo = [r for r in roots if r in defined]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += [n for n in names_in_code(defined[name]) if n in defined and n not in seen]
    return seen


def ours() -> str:
    return ribbon_module_source() + "\n" + workbook_module_source("")


@pytest.fixture(scope="module")
def quickstart_module() -> str:
    with ExcelFile(quickstart_xlam()) as book:
        return str(book.get_module("xlwings"))


@pytest.fixture(scope="module")
def built_module(built_xlam: Path) -> str:
    with ExcelFile(built_xlam) as book:
        return str(book.get_module("xlwings"))


def entry_points(module: str) -> set[str]:
    """What Batchsheet calls in the module: by name from our modules, and CleanUp."""
    return (names_in_code(ours()) & set(callables(module))) | {"cleanup"}


def test_the_build_knows_every_way_in(quickstart_module: str) -> None:
    assert entry_points(quickstart_module) == {n.lower() for n in ENTRY_PROCEDURES}
    assert {"runpython", "toposixpath"} <= names_in_code(ours())


def test_nothing_batchsheet_can_reach_is_left_out(
    quickstart_module: str, built_module: str
) -> None:
    needed = reachable(quickstart_module, entry_points(quickstart_module))
    # RunPython and all it calls on either system, settings-only paths included.
    assert {"runpython", "executemac", "executewindows", "getconfig", "toposixpath"} <= needed
    assert {"xlpy", "xlpyloaddll", "loadlibrary", "checkconda", "cleanup"} <= needed
    assert needed <= set(callables(built_module))
    # ... and what the built module's own entry points reach is all there too.
    built = reachable(built_module, entry_points(built_module))
    assert built <= set(callables(built_module))
    assert built == needed | {"batchsheetcallername"}


def test_what_is_left_out_is_unreachable_and_gone(
    quickstart_module: str, built_module: str
) -> None:
    stripped = {n.lower() for n in (*UNUSED_PROCEDURES, *UNUSED_DECLARES)}
    before = set(callables(quickstart_module))
    assert stripped <= before
    assert not stripped & reachable(quickstart_module, entry_points(quickstart_module))
    assert not stripped & set(callables(built_module))
    # Nothing left, ours included, names any of them.
    assert not stripped & names_in_code(built_module + "\n" + ours())
    # Gone: the UDF import (which adds a VBA module to a workbook), the unused DLL functions
    # and the C library's system(). Kept: what settings can reach, such as conda activation.
    for text in ("VBComponents", "XLPyDLLNDims", "XLPyDLLVersion", 'Lib "libc.dylib"'):
        assert text not in built_module, text
    assert "CONDA PATH" in built_module and "XLPyDLLActivateAuto" in built_module


def test_the_unreachable_part_is_exactly_what_is_left_out(quickstart_module: str) -> None:
    """Every procedure nothing reaches is left out: none is kept by oversight."""
    unreachable = set(callables(quickstart_module)) - reachable(
        quickstart_module, entry_points(quickstart_module)
    )
    assert unreachable == {n.lower() for n in (*UNUSED_PROCEDURES, *UNUSED_DECLARES)}


# -- LibreOffice compiles our modules ---------------------------------------------------------


def test_libreoffice_still_compiles_our_modules(built_xlam: Path, tmp_path: Path) -> None:
    tool = KIT / "lo_vba_check.py"
    if not tool.is_file():
        pytest.skip(f"{tool} is missing: the ooxml-check kit is not there (set OOXML_CHECK)")
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    probe = [str(SYSTEM_PYTHON), "-c", "import uno"]
    if not SYSTEM_PYTHON.is_file() or subprocess.run(probe, capture_output=True).returncode:
        pytest.skip(f"{SYSTEM_PYTHON} cannot import uno (apt-get install python3-uno)")
    done = subprocess.run(
        [str(SYSTEM_PYTHON), str(tool), str(built_xlam)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        cwd=tmp_path,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "positive control (empty VBA module): compiles" in out, out
    assert "negative control (syntax error): detected" in out, out
    verdicts = dict(re.findall(r"^module (\S+): (.*)$", out, re.MULTILINE))
    for module in ("BatchsheetRibbon", "ThisWorkbook"):
        assert verdicts.get(module, "").startswith("compiles"), out
    assert set(verdicts) == {"BatchsheetRibbon", "Dictionary", "Sheet2", "ThisWorkbook", "xlwings"}
