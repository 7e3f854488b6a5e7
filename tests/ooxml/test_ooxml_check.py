"""Every kind of file Batchsheet writes, held to validators the project did not write.

The corpus (`tests/ooxml/corpus.py`) is built once per session by the real command. The
validators come from the ooxml-check kit beside the repository (`../shared/ooxml-check`,
or wherever `OOXML_CHECK` says): `validate.py` (ECMA-376 schemas and what Excel enforces on
load), Microsoft's Open XML SDK validator (`OOXML_SDK_VALIDATE`, else the launcher its
`sdk/setup.sh` leaves in `~/.cache/ooxml-sdk-validator`), and, on the add-in, `vba_check.py`
([MS-OVBA] consistency, the modules against `addin/vba`) and `lo_vba_check.py` (LibreOffice
loads the add-in and compiles each VBA module). A tool that is not installed skips its test,
except in CI (`CI=true`), where it fails: CI must run them all.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from addin.installer.xlam import quickstart_xlam
from tests.conftest import REPO
from tests.ooxml.corpus import EXAMPLE_FILES, build_corpus

KIT = Path(os.environ.get("OOXML_CHECK") or REPO.parent / "shared" / "ooxml-check").resolve()
SYSTEM_PYTHON = Path("/usr/bin/python3")  # Debian's, which python3-uno installs into
VBA_DIR = REPO / "addin" / "vba"


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: every validator must run)")
    pytest.skip(reason)


def kit_tool(name: str) -> Path:
    tool = KIT / name
    if not tool.is_file():
        unavailable(f"{tool} is missing: the ooxml-check kit is not there (set OOXML_CHECK)")
    return tool


def needs_modules(*names: str) -> None:
    missing = [n for n in names if importlib.util.find_spec(n) is None]
    if missing:
        unavailable(f"{', '.join(missing)} not installed (pip install -e '.[test]')")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[list[Path], list[str]]:
    """The corpus, and each step of it that failed (the validators check the rest)."""
    failures: list[str] = []
    return build_corpus(tmp_path_factory.mktemp("ooxml-corpus"), failures), failures


@pytest.fixture(scope="session")
def corpus(built) -> list[Path]:
    return built[0]


@pytest.fixture(scope="session")
def xlam(corpus) -> Path:
    found = [p for p in corpus if p.suffix == ".xlam"]
    if not found:
        pytest.fail("the add-in was not built (test_the_corpus_holds_every_kind_of_file says why)")
    return found[0]


def test_every_step_of_the_corpus_does_what_a_user_expects(built):
    _, failures = built
    assert not failures, f"{len(failures)} steps failed:\n" + "\n".join(failures)


def test_the_corpus_holds_every_kind_of_file(corpus):
    names = {p.name for p in corpus}
    assert len(names) == len(corpus), "two entries of the same name"
    wanted = {f"{f}.template.xltx" for f in EXAMPLE_FILES}
    wanted |= {f"{f}-lite.template.xlsx" for f in EXAMPLE_FILES}
    for f in EXAMPLE_FILES:
        wanted |= {f"{f}.imported{s}.xlsx" for s in ("", ".marked", ".fixed")}
    wanted.add("infusion-customer-adjustments.imported.new-batch.xlsx")
    fixable = "pastel-customer-fixable.imported"
    wanted |= {f"{fixable}{s}.xlsx" for s in ("", ".marked", ".fixed", ".fixed.marked",
                                               ".fixed.edited.fixed")}  # fmt: skip
    infusion = "infusion-fixable.imported.edited"
    wanted |= {f"{infusion}{s}.xlsx" for s in ("", ".fixed", ".fixed.marked",
                                                ".fixed.edited.fixed")}  # fmt: skip
    for writer in ("xlsxwriter", "excel-style"):
        wanted |= {f"{writer}{s}.xlsx" for s in ("", ".marked", ".fixed")}
    wanted.add("Batchsheet.xlam")
    assert wanted <= names, sorted(wanted - names)
    libreoffice = {f"libreoffice{s}.xlsx" for s in ("", ".marked", ".fixed")}
    if not libreoffice <= names:
        unavailable("LibreOffice (soffice) is not installed: no workbook saved by it in the corpus")


# -- validate.py -------------------------------------------------------------------------------


def test_validate_py_finds_no_error(corpus, tmp_path):
    tool = kit_tool("validate.py")
    needs_modules("lxml")
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, str(tool), "--json", str(report), *map(str, corpus)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert report.is_file(), f"validate.py wrote no report (exit {done.returncode}):\n{done.stderr}"
    checked = json.loads(report.read_text())
    assert {Path(f["file"]).name for f in checked} == {p.name for p in corpus}
    errors = [
        f"{Path(f['file']).name}: {i['part'] or '-'} [{i['check']}] {i['message']}"
        for f in checked
        for i in f["findings"]
        if i["severity"] == "ERROR"
    ]
    assert not errors, f"validate.py: {len(errors)} ERRORs\n" + "\n".join(errors)
    assert done.returncode == 0, done.stdout + done.stderr


# -- Microsoft's Open XML SDK validator -----------------------------------------------------


@dataclass(frozen=True)
class SdkError:
    file: str
    kind: str
    part: str
    path: str
    id: str
    message: str

    def __str__(self) -> str:
        return f"{Path(self.file).name}: {self.part} {self.path} [{self.id}] {self.message}"


_SDK_FILE = re.compile(
    r"^== (?P<file>.+?)  SDK (?:errors=(?P<count>\d+)|(?P<broken>could not open.*))$"
)
_SDK_ERROR = re.compile(
    r"^   (?P<kind>\S+) (?P<part>\S+) (?P<path>\S*) \[(?P<id>[^\]]+)\] (?P<message>.*)$"
)


def sdk_errors(output: str) -> dict[str, list[SdkError]]:
    """The launcher's report, by file: a `== FILE  SDK errors=N` line, then one line per
    error, `   KIND PART XPATH [ID] DESCRIPTION` (a description may run on to more lines).
    A file the SDK could not open is one error of id `could-not-open`."""
    found: dict[str, list[SdkError]] = {}
    counts: dict[str, int] = {}
    current: str | None = None
    for line in output.splitlines():
        head = _SDK_FILE.match(line)
        if head:
            current = head["file"]
            found[current] = []
            if head["broken"]:
                broken = SdkError(current, "-", "-", "", "could-not-open", head["broken"])
                found[current].append(broken)
                counts[current] = 1
            else:
                counts[current] = int(head["count"])
            continue
        error = _SDK_ERROR.match(line)
        if current is not None and error:
            found[current].append(SdkError(current, **error.groupdict()))
        elif current is not None and found[current] and line.strip():
            last = found[current][-1]
            found[current][-1] = replace(last, message=f"{last.message} {line.strip()}")
    for file, errors in found.items():
        assert len(errors) == counts[file], f"{file}: read {len(errors)} of {counts[file]} errors"
    return found


def sdk_false_positive(error: SdkError) -> bool:
    """The one known false positive: the SDK's schema holds a `<font>`'s children to one
    order where ECMA-376 allows any, and openpyxl writes another (Excel opens its files)."""
    return (
        error.id == "Sch_UnexpectedElementContentExpectingComplex"
        and error.part == "/xl/styles.xml"
        and "x:font[" in error.path
    )


def sdk_launcher() -> Path:
    named = os.environ.get("OOXML_SDK_VALIDATE")
    launcher = Path(named) if named else Path.home() / ".cache/ooxml-sdk-validator/validate"
    if not os.access(launcher, os.X_OK):
        unavailable(
            f"no Open XML SDK validator at {launcher}: bash {KIT}/sdk/setup.sh DIR builds one "
            "(set OOXML_SDK_VALIDATE to the launcher it prints)"
        )
    if shutil.which("mono") is None:
        unavailable("mono is not installed: the Open XML SDK validator runs on it")
    return launcher


def test_the_open_xml_sdk_finds_no_error(corpus):
    launcher = sdk_launcher()
    done = subprocess.run(
        [str(launcher), *map(str, corpus)], capture_output=True, text=True, timeout=600
    )
    found = sdk_errors(done.stdout)
    assert {Path(f).name for f in found} == {p.name for p in corpus}, done.stdout + done.stderr
    errors = [str(e) for file in found.values() for e in file if not sdk_false_positive(e)]
    assert not errors, f"Open XML SDK: {len(errors)} errors\n" + "\n".join(errors)


def test_only_the_known_false_positive_is_filtered():
    font = "/x:styleSheet[1]/x:fonts[1]/x:font[1]"
    known = "Sch_UnexpectedElementContentExpectingComplex"
    output = "\n".join(
        [
            "== /t/a.xlsx  SDK errors=6",
            f"   Schema /xl/styles.xml {font} [{known}] The element has unexpected child "
            "element 'http://schemas.openxmlformats.org/spreadsheetml/2006/main:color'.",
            f"   Schema /xl/styles.xml {font} [Sch_InvalidElementContentExpectingComplex] x",
            f"   Schema /xl/styles.xml {font} [Sem_AttributeValueDataTypeDetailed] x",
            f"   Schema /xl/workbook.xml /x:workbook[1]/x:font[1] [{known}] x",
            f"   Schema /xl/worksheets/sheet1.xml {font} [{known}] x",
            f"   Schema /xl/styles.xml /x:styleSheet[1]/x:fills[1]/x:fill[1] [{known}] x",
            "== /t/b.xlsx  SDK could not open: FileFormatException: broken",
            "== /t/c.xlsx  SDK errors=0",
        ]
    )
    found = sdk_errors(output)
    assert {f: len(e) for f, e in found.items()} == {"/t/a.xlsx": 6, "/t/b.xlsx": 1,
                                                       "/t/c.xlsx": 0}  # fmt: skip
    kept = [e for e in found["/t/a.xlsx"] if not sdk_false_positive(e)]
    assert len(kept) == 5
    assert all((e.id, e.part, e.path) != (known, "/xl/styles.xml", font) for e in kept)
    assert not sdk_false_positive(found["/t/b.xlsx"][0])


# -- the add-in's VBA ------------------------------------------------------------------------


def test_vba_check_finds_no_inconsistency(xlam):
    tool = kit_tool("vba_check.py")
    needs_modules("olefile", "oletools")
    done = subprocess.run(
        [sys.executable, str(tool), str(xlam), str(VBA_DIR)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "MATCHES repo Batchsheet.bas" in out and "MATCHES repo ThisWorkbook.cls" in out, out
    assert "no dir/PROJECT/stream inconsistencies found" in out, out


def system_python_has_uno() -> bool:
    if not SYSTEM_PYTHON.is_file():
        return False
    probe = [str(SYSTEM_PYTHON), "-c", "import uno"]
    return subprocess.run(probe, capture_output=True, timeout=60).returncode == 0


def libreoffice_compiles(tool: Path, book: Path, folder: Path) -> dict[str, str]:
    """Each VBA module LibreOffice imported from `book`, with "" when it compiles in VBA
    mode, else what LibreOffice said (or "does not compile")."""
    env = {**os.environ, "TMPDIR": str(folder)}
    done = subprocess.run(
        [str(SYSTEM_PYTHON), str(tool), str(book)],
        capture_output=True, text=True, timeout=600, env=env, cwd=folder,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "loaded by LibreOffice: True" in out, out
    assert "positive control (empty VBA module): compiles" in out, out
    assert "negative control (syntax error): detected" in out, out
    modules = {}
    for name, verdict in re.findall(r"^module (\S+): (.*)$", out, re.M):
        if verdict.startswith("compiles"):
            modules[name] = ""
        else:
            modules[name] = verdict.removeprefix("DOES NOT COMPILE").strip() or "does not compile"
    return modules


def test_libreoffice_loads_the_addin_and_compiles_its_vba(xlam, tmp_path):
    tool = kit_tool("lo_vba_check.py")
    if shutil.which("soffice") is None:
        unavailable("LibreOffice (soffice) is not installed; .ci/run installs libreoffice-calc")
    if not system_python_has_uno():
        unavailable(f"{SYSTEM_PYTHON} cannot import uno: apt-get install python3-uno")
    ours = libreoffice_compiles(tool, xlam, tmp_path)
    assert {"BatchsheetRibbon", "ThisWorkbook"} <= set(ours), ours
    failing = {m: why for m, why in ours.items() if why}
    if failing:
        # The add-in is built from xlwings' quickstart add-in, whose own modules (xlwings,
        # Dictionary) LibreOffice's Basic cannot compile: a module that fails there too is
        # LibreOffice's limit, not ours; it is named in the warnings summary.
        baseline = libreoffice_compiles(tool, quickstart_xlam(), tmp_path)
        theirs = {m for m, why in baseline.items() if why}
        for module in sorted(failing.keys() & theirs):
            warnings.warn(
                f"LibreOffice cannot compile the VBA module {module} of the add-in, nor of "
                f"xlwings' {quickstart_xlam().name} it is built from",
                stacklevel=1,
            )
        ours_only = {m: why for m, why in failing.items() if m not in theirs}
        assert not ours_only, f"VBA modules LibreOffice cannot compile: {ours_only}"
