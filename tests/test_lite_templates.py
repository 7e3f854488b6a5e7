"""The xlwings Lite templates: committed as the code writes them, built like the workbooks
Lite itself saves, the ribbon template's sheets unchanged, and a `main.py` that runs with
nothing but the requirements it declares."""

from __future__ import annotations

import ast
import base64
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree
from openpyxl import load_workbook

from addin.excel.layout import DATA_SHEET, LAST_ROW
from addin.excel.template import BatchWorkbookWriter, template_name
from addin.lite import bundle as bundle_module
from addin.lite.bundle import (
    REQUIREMENTS,
    SETTINGS_BUDGET,
    UNVENDORED,
    BundleError,
    build_bundle,
    carried_modules,
)
from addin.lite.templates import lite_template_name
from addin.lite.webextension import lite_properties, settings_size
from addin.specs import SPECS
from tests.conftest import REPO
from tests.test_templates import _parts

COMMITTED = REPO / "workbook_templates"
LITE = sorted(lite_template_name(spec) for spec in SPECS.values())
WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
WETP = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"

# The shape of the web extension part of the five public Lite workbooks read for this
# (github.com/amararun/xlwings-lite-apps-codes-docs, commit f90d89d): each element in
# document order, with its attributes' names. Properties are compared by name below.
PUBLIC_SHAPE = [
    (f"{{{WE}}}webextension", {"id"}),
    (f"{{{WE}}}reference", {"id", "version", "store", "storeType"}),
    (f"{{{WE}}}alternateReferences", set()),
    (f"{{{WE}}}reference", {"id", "version", "store", "storeType"}),
    (f"{{{WE}}}properties", set()),
    (f"{{{WE}}}bindings", set()),
    (f"{{{WE}}}snapshot", set()),
]
PUBLIC_PROPERTIES = {"main.py", "requirements.txt", "pyodideVersion", "addinVersion"}
PUBLIC_PANE = {"dockstate", "visibility", "width", "row"}


def test_committed_lite_templates_match_what_the_code_writes(run, tmp_path: Path):
    assert run("templates", "--lite", "--out", tmp_path).code == 0
    generated = sorted(p.name for p in tmp_path.iterdir())
    assert generated == LITE
    assert generated == sorted(p.name for p in COMMITTED.glob("*-lite.xlsx")), (
        "run `batchsheet templates --lite --force` and commit workbook_templates/"
    )
    for name in generated:
        assert _parts(tmp_path / name) == _parts(COMMITTED / name), (
            f"{name} is not what the code writes: run `batchsheet templates --lite --force` "
            "and commit the result"
        )


def test_lite_templates_are_not_replaced_without_force(run, tmp_path: Path):
    out = tmp_path / "t"
    assert run("templates", "--lite", "--out", out).code == 0
    first = out / LITE[0]
    first.write_bytes(b"the user's own work")
    again = run("templates", "--lite", "--out", out)
    assert again.code == 2
    assert "already exists; use --force" in again.err
    assert first.read_bytes() == b"the user's own work"
    forced = run("templates", "--lite", "--out", out, "--force")
    assert forced.code == 0
    assert first.read_bytes().startswith(b"PK")
    # The ribbon's templates are not written by --lite, nor the Lite ones without it.
    assert not list(out.glob("*.xltx"))
    plain = run("templates", "--out", tmp_path / "plain")
    assert plain.code == 0
    assert not list((tmp_path / "plain").glob("*-lite.xlsx"))


def _xml(book: Path, part: str):
    with zipfile.ZipFile(book) as z:
        return ElementTree.fromstring(z.read(part))


@pytest.mark.parametrize("name", LITE)
def test_the_web_extension_is_built_as_public_lite_workbooks_are(name: str):
    book = COMMITTED / name
    with zipfile.ZipFile(book) as z:
        names = set(z.namelist())
        types = ElementTree.fromstring(z.read("[Content_Types].xml"))
        root_rels = ElementTree.fromstring(z.read("_rels/.rels"))
        pane_rels = ElementTree.fromstring(z.read("xl/webextensions/_rels/taskpanes.xml.rels"))
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{{{CT}}}Override")}
    assert overrides["/xl/webextensions/taskpanes.xml"] == (
        "application/vnd.ms-office.webextensiontaskpanes+xml"
    )
    assert overrides["/xl/webextensions/webextension1.xml"] == (
        "application/vnd.ms-office.webextension+xml"
    )
    to_panes = [
        r
        for r in root_rels.iter(f"{{{PR}}}Relationship")
        if r.get("Type")
        == "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
    ]
    assert [r.get("Target") for r in to_panes] == ["xl/webextensions/taskpanes.xml"]
    ids = [r.get("Id") for r in root_rels.iter(f"{{{PR}}}Relationship")]
    assert len(ids) == len(set(ids)), "two package relationships share an id"
    [to_extension] = list(pane_rels.iter(f"{{{PR}}}Relationship"))
    assert to_extension.get("Type") == (
        "http://schemas.microsoft.com/office/2011/relationships/webextension"
    )
    assert to_extension.get("Target") == "webextension1.xml"
    assert {"xl/webextensions/taskpanes.xml", "xl/webextensions/webextension1.xml"} <= names

    panes = _xml(book, "xl/webextensions/taskpanes.xml")
    assert panes.tag == f"{{{WETP}}}taskpanes"
    [pane] = list(panes)
    assert pane.tag == f"{{{WETP}}}taskpane" and set(pane.attrib) == PUBLIC_PANE
    # Shown when the workbook opens (the public workbooks were saved with it closed: 0).
    assert pane.get("visibility") == "1" and pane.get("dockstate") == "right"
    [ref] = list(pane)
    assert ref.tag == f"{{{WETP}}}webextensionref"
    assert ref.get(f"{{{R}}}id") == to_extension.get("Id")

    extension = _xml(book, "xl/webextensions/webextension1.xml")
    with zipfile.ZipFile(book) as z:
        raw = z.read("xl/webextensions/webextension1.xml")
    # Attributes in double quotes, a value's quotes as &quot;, as Excel writes them.
    assert raw.count(b' value="') == raw.count(b"<we:property ") > 0
    assert b' value="&quot;' in raw
    shape = [(e.tag, set(e.attrib)) for e in extension.iter() if e.tag != f"{{{WE}}}property"]
    assert shape == PUBLIC_SHAPE
    reference, alternate = extension.iter(f"{{{WE}}}reference")
    assert reference.get("id") == "wa200008175" and reference.get("storeType") == "OMEX"
    assert alternate.get("store") == "WA200008175" and alternate.get("storeType") == "OMEX"
    assert re.fullmatch(r"\{[0-9A-F-]{36}\}", extension.get("id", ""))
    properties = list(extension.iter(f"{{{WE}}}property"))
    assert all(set(p.attrib) == {"name", "value"} for p in properties)
    decoded = {p.get("name"): json.loads(p.get("value", "")) for p in properties}
    assert set(decoded) >= PUBLIC_PROPERTIES
    assert all(isinstance(decoded[n], str) for n in PUBLIC_PROPERTIES)
    assert decoded["xlwingsSettingsWorkbook"] == {"startupBehavior": "taskpane"}
    assert decoded["Office.AutoShowTaskpaneWithDocument"] is True
    # No workbook id: every batch made from the template would share it.
    assert "xlwingsWorkbookId" not in decoded


def test_each_template_holds_its_own_extension_id_and_the_same_code():
    ids, codes = set(), set()
    for name in LITE:
        ids.add(_xml(COMMITTED / name, "xl/webextensions/webextension1.xml").get("id"))
        with zipfile.ZipFile(COMMITTED / name) as z:
            codes.add(json.dumps(lite_properties(z), sort_keys=True))
    assert len(ids) == len(LITE)
    assert len(codes) == 1


@pytest.mark.parametrize("spec_name", sorted(SPECS))
def test_the_lite_template_has_the_ribbon_template_s_sheets(spec_name: str):
    """Sheets, styles, dropdowns, marking columns and conditional formats are the ribbon
    template's, part for part; only the package's type and Lite's parts differ."""
    spec = SPECS[spec_name]
    lite = _parts(COMMITTED / lite_template_name(spec))
    ribbon = _parts(COMMITTED / template_name(spec))
    same = set(ribbon) - {"[Content_Types].xml", "_rels/.rels", "docProps/core.xml"}
    assert same <= set(lite)
    assert {p: lite[p] for p in same} == {p: ribbon[p] for p in same}
    assert set(lite) - set(ribbon) == {
        "xl/webextensions/taskpanes.xml",
        "xl/webextensions/_rels/taskpanes.xml.rels",
        "xl/webextensions/webextension1.xml",
    }
    assert not any(p.startswith("xl/webextensions/") for p in ribbon)
    workbook = load_workbook(COMMITTED / lite_template_name(spec))
    # A workbook, not a template: Lite opens it as itself.
    assert workbook.template is False
    layout = BatchWorkbookWriter(spec).layout
    ws = workbook[DATA_SHEET]
    errors, warnings, _ = layout.mark_columns
    formulas = " ".join(r.formula[0] for cf in ws.conditional_formatting for r in cf.rules)
    first = layout.first_data_row
    assert f"${errors}{first}" in formulas and f"${warnings}{first}" in formulas
    assert {str(cf.sqref) for cf in ws.conditional_formatting} == {
        f"A{first}:{layout.last_data_column}{LAST_ROW}"
    }


@pytest.mark.parametrize("name", LITE)
def test_validate_reads_an_empty_lite_template_as_an_empty_batch(run, tmp_path: Path, name):
    book = shutil.copyfile(COMMITTED / name, tmp_path / name)
    done = run("validate", book)
    assert done.code == 0, done.out + done.err
    assert re.search(r": 0 (records|rows), no problems\n", done.out), done.out
    assert "Traceback" not in done.out + done.err


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_every_lite_template(tmp_path: Path):
    for name in LITE:
        out = tmp_path / "out"
        done = subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
             "--convert-to", "pdf", "--outdir", str(out), str(COMMITTED / name)],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        pdf = out / f"{Path(name).stem}.pdf"
        assert done.returncode == 0 and pdf.is_file(), done.stderr
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000


# -- the bundled main.py -----------------------------------------------------------------


def _stored(name: str = LITE[0]) -> dict[str, object]:
    with zipfile.ZipFile(COMMITTED / name) as z:
        return lite_properties(z)


def _archive(main_py: str) -> zipfile.ZipFile:
    tree = ast.parse(main_py)
    [packed] = [
        n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign)
        and [getattr(t, "id", None) for t in n.targets] == ["_BATCHSHEET"]
        and isinstance(n.value, ast.Constant)
    ]
    return zipfile.ZipFile(io.BytesIO(base64.b64decode(packed)))


def test_the_bundle_is_the_repository_s_code_byte_for_byte():
    main_py = _stored()["main.py"]
    assert isinstance(main_py, str)
    with _archive(main_py) as archive:
        carried = archive.namelist()
        assert carried == sorted(carried)
        for name in carried:
            assert archive.read(name) == (REPO / name).read_bytes(), name
            assert archive.getinfo(name).date_time == (1980, 1, 1, 0, 0, 0)
    assert "addin/lite/scripts.py" in carried and "addin/specs/infusion_columns.py" in carried
    # The desktop front end stays out.
    assert not [n for n in carried if n.startswith(("addin/installer/", "addin/vba/"))]
    assert "addin/cli.py" not in carried and "addin/excel/ribbon.py" not in carried
    assert "addin/lite/main.py" not in carried and "addin/lite/bundle.py" not in carried


def test_the_bundle_is_the_same_bytes_on_every_build():
    first, second = build_bundle(), build_bundle()
    assert first.archive == second.archive
    assert first.main_py == second.main_py
    assert first.main_py == _stored()["main.py"]


def test_app_mode_shows_the_scripts_own_module_docstring():
    main_py = _stored()["main.py"]
    assert isinstance(main_py, str)
    scripts_text = (REPO / "addin" / "lite" / "main.py").read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(main_py)) == ast.get_docstring(ast.parse(scripts_text))
    # After the loader, the scripts' text follows unchanged.
    docstring_end = ast.parse(scripts_text).body[0].end_lineno or 0
    rest = "".join(scripts_text.splitlines(keepends=True)[docstring_end:])
    assert main_py.endswith(rest)


def test_requirements_name_each_outside_import_once_as_lite_is_told_to():
    requirements = _stored()["requirements.txt"]
    assert isinstance(requirements, str)
    lines = requirements.splitlines()
    assert lines == sorted(set(lines), key=lines.index)
    named = {**REQUIREMENTS, **UNVENDORED}
    assert set(lines) <= set(named.values())
    assert "xlwings==0.37.8" in lines  # the scripts' text imports xlwings
    assert "sqlite3" in lines  # the batch ledger: Lite loads it only when named
    # Each line is imported by something carried, or by the scripts' text.
    text = (REPO / "addin/lite/main.py").read_text(encoding="utf-8")
    with _archive(_stored()["main.py"]) as archive:  # type: ignore[arg-type]
        text += "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".py"))
    for line in lines:
        module = next(k for k, v in named.items() if v == line)
        assert re.search(rf"^\s*(?:import|from) {module}\b", text, re.M), line


def test_requirements_pins_are_those_pyproject_allows():
    import tomllib
    from packaging.requirements import Requirement

    declared = {
        Requirement(d).name: Requirement(d)
        for d in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    }
    for line in REQUIREMENTS.values():
        wanted = Requirement(line)
        allowed = declared[wanted.name]
        pinned = [s.version for s in wanted.specifier if s.operator == "=="]
        if pinned:
            assert allowed.specifier.contains(pinned[0]), (line, str(allowed))
        else:
            # A Pyodide build: bounded by the same range the desktop product allows.
            assert wanted.specifier == allowed.specifier, (line, str(allowed))


def test_the_settings_stay_well_under_excel_s_limit():
    properties = _stored()
    size = settings_size(properties)
    assert size <= SETTINGS_BUDGET
    assert SETTINGS_BUDGET < 1_000_000  # below where Excel was seen to refuse (office-js#3957)
    print(f"Lite settings: {size:,} characters, main.py {len(str(properties['main.py'])):,}")


def test_scripts_that_reach_the_desktop_front_end_are_refused(monkeypatch):
    monkeypatch.setattr(bundle_module, "ENTRY", "addin.excel.ribbon")
    with pytest.raises(BundleError, match=r"addin\.installer\.caller \(imported by addin\.excel"):
        build_bundle()


def test_the_workbook_file_modules_and_their_libraries_stay_out():
    """Lite has no workbook file: the modules that read and write one (reached only by the
    command line's imports inside `transfer.py`'s functions) are not carried, and Lite is
    not told to install openpyxl, python-calamine or defusedxml."""
    carried = carried_modules()
    assert "addin.transfer" in carried
    assert not {"addin.excel.workbook", "addin.excel.template", "addin.excel.package"} & set(
        carried
    )
    lines = _stored()["requirements.txt"].splitlines()  # type: ignore[union-attr]
    assert not [line for line in lines if line.split("=")[0].split(">")[0] in (
        "openpyxl", "python-calamine", "defusedxml", "lxml"
    )], lines  # fmt: skip


def test_scripts_that_load_a_workbook_file_module_are_refused(monkeypatch):
    monkeypatch.setattr(bundle_module, "ENTRY", "addin.excel.readback")
    with pytest.raises(
        BundleError,
        match=r"reach addin\.excel\.package \(imported by addin\.excel\.readback as it loads\)",
    ):
        build_bundle()


def test_an_import_lite_would_not_install_is_refused(monkeypatch):
    kept = dict(REQUIREMENTS)
    del kept["pydantic"]
    monkeypatch.setattr(bundle_module, "REQUIREMENTS", kept)
    with pytest.raises(BundleError, match="import pydantic, which Lite installs only if"):
        build_bundle()


# -- main.py in a fresh Python -----------------------------------------------------------

# A stand-in for the two names main.py takes from xlwings. Lite's own `xlwings.script` is
# xlwings PRO code, which neither the product nor its tests may use; this one only records
# what is decorated, as Lite's task pane lists it.
STAND_IN = '''
SCRIPTS = {}


class Book:
    """Only a name for main.py's type hints."""


def script(function=None, **options):
    def register(f):
        SCRIPTS[f.__name__] = (f, options)
        return f

    return register(function) if function is not None else register
'''

PROBE = r"""
import importlib, inspect, json, runpy, sys
sys.path.insert(0, sys.argv[1])
import xlwings
runpy.run_path(sys.argv[2], run_name="main")
import addin
for module in json.loads(sys.argv[3]):
    importlib.import_module(module)
print(json.dumps({
    "scripts": {
        name: {
            "label": options.get("name"),
            "signature": str(inspect.signature(f)),
            "doc": inspect.getdoc(f),
            "coroutine": inspect.iscoroutinefunction(f),
        }
        for name, (f, options) in xlwings.SCRIPTS.items()
    },
    "addin": addin.__file__,
    "xlwings": xlwings.__file__,
}))
"""


def _unreachable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


def test_main_py_runs_in_a_fresh_python_with_only_its_requirements(tmp_path: Path):
    """main.py and requirements.txt, as the committed template stores them, in a new
    virtual environment holding only what requirements.txt names (from PyPI; a line naming
    a standard-library module, which Pyodide ships apart, is CPython's own here), with a
    stand-in for Lite's runtime first on sys.path (see STAND_IN): the six scripts are
    registered with their signatures and docstrings, every carried module imports, and
    `addin` is the one unpacked from main.py, not the repository's."""
    stored = _stored()
    main_py, requirements = stored["main.py"], stored["requirements.txt"]
    assert isinstance(main_py, str) and isinstance(requirements, str)
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.py").write_text(main_py, encoding="utf-8")
    (work / "requirements.txt").write_text(requirements, encoding="utf-8")
    from_pypi = [line for line in requirements.splitlines() if line not in sys.stdlib_module_names]
    assert len(from_pypi) == len(requirements.splitlines()) - len(UNVENDORED)
    (work / "from-pypi.txt").write_text("".join(f"{line}\n" for line in from_pypi))
    stand_in = tmp_path / "lite-runtime"
    (stand_in / "xlwings").mkdir(parents=True)
    (stand_in / "xlwings" / "__init__.py").write_text(STAND_IN, encoding="utf-8")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r",
         work / "from-pypi.txt"],
        capture_output=True, text=True, timeout=900, cwd=work,
    )  # fmt: skip
    if installed.returncode != 0:
        _unreachable(f"pip could not install requirements.txt: {installed.stderr[-500:]}")
    with _archive(main_py) as archive:
        modules = sorted(
            n[: -len(".py")].removesuffix("/__init__").replace("/", ".")
            for n in archive.namelist()
            if n.endswith(".py")
        )
    done = subprocess.run(
        [python, "-I", "-c", PROBE, stand_in, work / "main.py", json.dumps(modules)],
        capture_output=True, text=True, timeout=300, cwd=work,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert Path(seen["xlwings"]).parent == stand_in / "xlwings"
    assert not Path(seen["addin"]).is_relative_to(REPO)
    assert Path(seen["addin"]).name == "__init__.py"
    scripts_text = ast.parse((REPO / "addin/lite/main.py").read_text(encoding="utf-8"))
    declared = {
        f.name: f
        for f in scripts_text.body
        if isinstance(f, ast.AsyncFunctionDef | ast.FunctionDef) and f.decorator_list
    }
    assert set(seen["scripts"]) == {
        "validate",
        "clear_marks",
        "fix",
        "export_csv",
        "import_csv",
        "forget_export",
    }
    assert set(seen["scripts"]) == set(declared)
    signatures = {n: s["signature"] for n, s in seen["scripts"].items()}
    assert signatures == {
        "validate": "(book: xlwings.Book) -> None",
        "clear_marks": "(book: xlwings.Book) -> None",
        "fix": "(book: xlwings.Book, apply: bool = False) -> None",
        "export_csv": "(book: xlwings.Book) -> None",
        "import_csv": "(book: xlwings.Book, file_name: str = '') -> None",
        "forget_export": "(book: xlwings.Book, batch: int = 0) -> None",
    }
    for name, found in seen["scripts"].items():
        assert found["doc"] == ast.get_docstring(declared[name]), name
        assert found["label"], f"{name} has no button label"


def test_marking_a_lite_workbook_keeps_its_scripts(run, tmp_path: Path):
    """A Lite workbook that the command marks (or fixes) is edited part by part: Lite's
    parts come out byte for byte as they went in."""
    from addin.excel.book_edit import SheetEdit, edit_book

    spec = SPECS["infusion-customer-adjustments"]
    book = shutil.copyfile(COMMITTED / lite_template_name(spec), tmp_path / "batch.xlsx")
    layout = BatchWorkbookWriter(spec).layout
    edit_book(book, DATA_SHEET, SheetEdit(cells={(layout.first_data_row, 1): "not a number"}))
    with zipfile.ZipFile(COMMITTED / lite_template_name(spec)) as z:
        before = {n: z.read(n) for n in z.namelist() if n.startswith("xl/webextensions/")}
    done = run("validate", book, "--mark")
    assert done.code == 1, done.out + done.err
    with zipfile.ZipFile(book) as z:
        after = {n: z.read(n) for n in z.namelist() if n.startswith("xl/webextensions/")}
        assert lite_properties(z) == _stored(lite_template_name(spec))
    assert after == before
    errors_column = layout.mark_columns[0]
    marked = load_workbook(book)[DATA_SHEET][f"{errors_column}{layout.first_data_row}"].value
    assert marked, "the row was not marked"
