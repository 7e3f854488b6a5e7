"""The built Batchsheet.xlam: its VBA, its ribbon, and an independent client opening it."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xlwings
from pyopenvba import ExcelFile
from pyopenvba.cfb import CFB

from addin.installer import build_xlam
from addin.installer.ribbon_xml import VBA_ACTIONS
from addin.installer.vba_project import VBAProjectNameError, project_name, rename_project
from addin.installer.xlam import (
    CONFIG_SHEET,
    PROJECT_NAME,
    RIBBON_MODULE,
    VBA_PROJECT_NAME,
    caller_name_vba,
    quickstart_xlam,
    ribbon_module_source,
)
from addin.specs import SPECS

with warnings.catch_warnings():
    # oletools builds its parsers with pyparsing names that now warn on import.
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

CUSTOMUI_2009 = "http://schemas.microsoft.com/office/2009/07/customui"
UI_EXTENSIBILITY_2007 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BAS_FILE = Path(__file__).resolve().parents[2] / "addin" / "vba" / "Batchsheet.bas"


def normalised(source: str) -> list[str]:
    """VBA source as lines to compare: no attribute lines, no line-end or trailing-space noise."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = [line.rstrip() for line in lines if not line.startswith("Attribute VB_")]
    while kept and not kept[-1]:
        kept.pop()
    return kept


def built_modules(xlam: Path) -> dict[str, str]:
    with ExcelFile(xlam) as book:
        return book.vba_modules()


# --- VBA ---------------------------------------------------------------------------------


def test_olevba_decodes_our_module_back_to_the_repository_source(built_xlam: Path) -> None:
    parser = VBA_Parser(str(built_xlam))
    try:
        found = {
            stream: code
            for _, stream, _, code in parser.extract_macros()
            if stream == f"VBA/{RIBBON_MODULE}"
        }
    finally:
        parser.close()
    assert list(found) == [f"VBA/{RIBBON_MODULE}"]
    decoded = found[f"VBA/{RIBBON_MODULE}"]
    assert normalised(decoded) == normalised(BAS_FILE.read_text(encoding="utf-8"))


def test_pyopenvba_reads_our_module_verbatim(built_xlam: Path) -> None:
    assert built_modules(built_xlam)[RIBBON_MODULE] == ribbon_module_source()
    assert ribbon_module_source().startswith(f'Attribute VB_Name = "{RIBBON_MODULE}"\r\n')


def test_the_quickstart_ribbon_module_is_replaced_and_the_rest_kept(built_xlam: Path) -> None:
    with ExcelFile(quickstart_xlam()) as book:
        before = book.vba_modules()
    after = built_modules(built_xlam)
    assert "RibbonMyAddin" in before
    assert set(after) == (set(before) - {"RibbonMyAddin"}) | {RIBBON_MODULE}
    for name in set(before) - {"RibbonMyAddin", "xlwings", "ThisWorkbook"}:
        assert after[name] == before[name], name
    # ThisWorkbook keeps its attributes and gets the application events.
    kept = [line for line in before["ThisWorkbook"].splitlines() if line.startswith("Attribute")]
    assert after["ThisWorkbook"].splitlines()[: len(kept)] == kept
    assert "Private WithEvents ExcelApp As Application" in after["ThisWorkbook"]
    assert "BatchsheetRibbon.ShowProblemAt Sh, Target" in after["ThisWorkbook"]


# The procedures of xlwings' module the build leaves out: nothing Batchsheet runs reaches them
# (tests/addin/test_xlwings_module.py works that out from the quickstart's own module).
STRIPPED_PROCEDURES = {
    "ImportPythonUDFs",
    "ImportPythonUDFsToAddin",
    "ImportPythonUDFsBase",
    "ImportXlwingsUdfsModule",
    "GetUdfModules",
    "NDims",
    "KillPy",
    "GetDLLVersion",
    "RunFrozenPython",
    "SaveConfigToFile",
    "IsFullName",
    "GetBaseName",
    "has_dynamic_array",
}
STRIPPED_DECLARES = {"XLPyDLLNDims", "XLPyDLLVersion", "system"}
VBA_HEADER = re.compile(
    r"^\s*(?:(?:Public|Private|Friend)\s+)?(?:Sub|Function|Property\s+\w+)\s+(\w+)", re.IGNORECASE
)


def split_procedures(module: str) -> tuple[dict[str, list[str]], list[str]]:
    """Each procedure's lines, by name, and the lines outside every procedure."""
    procedures: dict[str, list[str]] = {}
    outside: list[str] = []
    current: str | None = None
    for line in module.split("\n"):
        header = VBA_HEADER.match(line)
        if current is None and header:
            current = header.group(1)
            procedures[current] = [line]
        elif current is not None:
            procedures[current].append(line)
            if re.match(r"^\s*End (?:Sub|Function|Property)\b", line):
                current = None
        elif line.strip():
            outside.append(line)
    return procedures, outside


def test_the_xlwings_module_changes_only_as_the_build_says(built_xlam: Path) -> None:
    with ExcelFile(quickstart_xlam()) as book:
        before, outside_before = split_procedures(book.get_module("xlwings"))
    after, outside_after = split_procedures(built_modules(built_xlam)["xlwings"])

    assert set(before) - set(after) == STRIPPED_PROCEDURES
    assert set(after) - set(before) == {"BatchsheetCallerName"}
    edited = {
        "RunPython",  # the workbooks' full names stay off the command line
        "ExecuteMac",  # the caller's name goes through BatchsheetCallerName
        "ExecuteWindows",
    }
    for name in set(before) & set(after):
        if name not in edited:
            assert after[name] == before[name], name
    passed = "BatchsheetCallerName(ActiveWorkbook.Name)"
    for name in ("ExecuteMac", "ExecuteWindows"):
        changed = [(b, a) for b, a in zip(before[name], after[name]) if b != a]
        assert len(before[name]) == len(after[name]) and len(changed) == 1
        assert changed[0][1] == changed[0][0].replace("ActiveWorkbook.Name", passed)
    # RunPython: the block that filled in the workbooks' full names gives way to a comment.
    run_before, run_after = before["RunPython"], after["RunPython"]
    start = next(i for i, line in enumerate(run_before) if "' The first 5 args" in line)
    end = next(i for i in range(start, len(run_before)) if run_before[i].strip() == "#End If")
    assert [line.strip() for line in run_before[start + 1 : end + 1]] == [
        "#If Mac Then",
        'If InStr(ActiveWorkbook.FullName, "://") = 0 Then',
        "ActiveFullName = ToPosixPath(ActiveWorkbook.FullName)",
        "ThisFullName = ToPosixPath(ThisWorkbook.FullName)",
        "Else",
        "ActiveFullName = ActiveWorkbook.FullName",
        "ThisFullName = ThisWorkbook.FullName",
        "End If",
        "#Else",
        "ActiveFullName = ActiveWorkbook.FullName",
        "ThisFullName = ThisWorkbook.FullName",
        "#End If",
    ]
    at = next(i for i, line in enumerate(run_after) if "' Batchsheet:" in line)
    below = next(i for i in range(at, len(run_after)) if not run_after[i].strip().startswith("'"))
    assert run_after[:at] + run_after[below:] == run_before[:start] + run_before[end + 1 :]

    # Outside the procedures: the project's name, the comment above BatchsheetCallerName, and
    # the declarations only the stripped procedures used (with the #If around them, and the
    # one around GetUdfModules' header).
    removed = list(outside_before)
    for line in outside_after:
        if line in removed:
            removed.remove(line)
    added = [line for line in outside_after if line not in outside_before]
    assert added == [
        f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"',
        *split_procedures(caller_name_vba())[1],
    ]
    declared = {line.split(" Lib ")[0].split()[-1] for line in removed if " Lib " in line}
    assert declared == STRIPPED_DECLARES
    rest = [line for line in removed if " Lib " not in line]
    assert sorted(rest) == sorted(
        ['Public Const PROJECT_NAME As String = "myaddin"', '#If App = "Microsoft Excel" Then']
        + ["    #If Mac Then", "    #End If"] * 2
    )
    # The xlwings VBA this add-in carries must match the Python package it will talk to.
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in outside_after


def test_the_vba_project_is_named(built_xlam: Path) -> None:
    with ExcelFile(built_xlam) as book:
        assert book.vba_project().name == VBA_PROJECT_NAME
        assert book.validate() == []
        vba_bin = book.vba_project_bytes()
    assert project_name(vba_bin) == VBA_PROJECT_NAME
    project_stream = CFB.from_bytes(vba_bin).get_stream("PROJECT").decode("cp1252")
    assert f'Name="{VBA_PROJECT_NAME}"' in project_stream.splitlines()
    # VBA refuses a module named like its project.
    assert VBA_PROJECT_NAME.casefold() not in {m.casefold() for m in built_modules(built_xlam)}


def test_rename_project_round_trips_and_refuses_bad_names() -> None:
    with zipfile.ZipFile(quickstart_xlam()) as package:
        vba_bin = package.read("xl/vbaProject.bin")
    assert project_name(vba_bin) == "MyAddin"
    assert project_name(rename_project(vba_bin, "Another_Name2")) == "Another_Name2"
    for bad in ("2fast", "has space", "Ünïcode", "", "x" * 129):
        with pytest.raises(VBAProjectNameError):
            rename_project(vba_bin, bad)


def test_the_config_sheet_is_named_after_the_project(built_xlam: Path) -> None:
    with zipfile.ZipFile(built_xlam) as package:
        workbook = ET.fromstring(package.read("xl/workbook.xml"))
    sheets = [s.get("name") for s in workbook.iter(f"{{{SPREADSHEET}}}sheet")]
    # xlwings looks for a sheet called PROJECT_NAME & ".conf"; the leading underscore keeps it
    # switched off, as xlwings ships it, so the config file the installer writes is what counts.
    declared = re.search(
        r'PROJECT_NAME As String = "([^"]+)"', built_modules(built_xlam)["xlwings"]
    )
    assert declared is not None
    assert sheets == [CONFIG_SHEET] == [f"_{declared.group(1)}.conf"]


def test_the_build_is_reproducible_and_accepts_a_folder(tmp_path: Path, built_xlam: Path) -> None:
    again = build_xlam(tmp_path)
    assert again == tmp_path / "Batchsheet.xlam"
    assert again.read_bytes() == built_xlam.read_bytes()


# --- ribbon ------------------------------------------------------------------------------


def ribbon_part(xlam: Path) -> tuple[str, bytes, list[str]]:
    """The ribbon's part name, its bytes, and every part name in the package."""
    with zipfile.ZipFile(xlam) as package:
        rels = ET.fromstring(package.read("_rels/.rels"))
        targets = [
            r.get("Target", "")
            for r in rels.iter(f"{{{PACKAGE_RELS}}}Relationship")
            if r.get("Type") == UI_EXTENSIBILITY_2007
        ]
        assert len(targets) == 1
        name = targets[0].lstrip("/")
        return name, package.read(name), package.namelist()


@pytest.fixture(scope="module")
def ribbon(built_xlam: Path) -> ET.Element:
    _, data, _ = ribbon_part(built_xlam)
    return ET.fromstring(data)


def test_the_ribbon_part_is_related_and_nothing_is_orphaned(built_xlam: Path) -> None:
    name, data, names = ribbon_part(built_xlam)
    assert name == "customUI/customUI14.xml"
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"')
    assert [n for n in names if n.startswith("customUI/")] == [name]
    with zipfile.ZipFile(built_xlam) as package:
        types = package.read("[Content_Types].xml").decode()
    assert 'Extension="xml"' in types  # the ribbon part's content type comes from this default


def test_the_ribbon_uses_the_office_2010_namespace(ribbon: ET.Element) -> None:
    assert ribbon.tag == f"{{{CUSTOMUI_2009}}}customUI"
    assert all(e.tag.startswith(f"{{{CUSTOMUI_2009}}}") for e in ribbon.iter())


def test_the_repository_ribbon_is_well_formed() -> None:
    source = BAS_FILE.with_name("customUI.xml").read_bytes()
    ET.fromstring(source)


# Elements and attributes of the Office 2010+ ribbon schema (customUI14.xsd, namespace
# http://schemas.microsoft.com/office/2009/07/customui) for the part of it a tab uses. A button
# in a menu (CT_MenuButton) takes a description but no size; one in a group (CT_ButtonRegular)
# the other way round.
_POSITION = {"insertAfterMso", "insertBeforeMso", "insertAfterQ", "insertBeforeQ"}
_IDENTITY = {"id", "idQ", "idMso", "tag"}
_LABELS = {"label", "getLabel", "visible", "getVisible", "keytip", "getKeytip"}
_TIPS = {"screentip", "getScreentip", "supertip", "getSupertip"}
_IMAGE = {"image", "imageMso", "getImage", "showImage", "getShowImage"}
_CONTROL = (
    _IDENTITY
    | _POSITION
    | _LABELS
    | _TIPS
    | _IMAGE
    | {
        "enabled",
        "getEnabled",
        "showLabel",
        "getShowLabel",
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "customUI": {"onLoad", "loadImage"},
    "ribbon": {"startFromScratch"},
    "tabs": set(),
    "tab": _IDENTITY | _POSITION | _LABELS,
    "group": _IDENTITY | _POSITION | _LABELS | _TIPS | _IMAGE | {"autoScale", "centerVertically"},
    "button@group": _CONTROL | {"onAction", "size", "getSize"},
    "button@menu": _CONTROL | {"onAction", "description", "getDescription"},
    "menu@group": _CONTROL | {"size", "getSize", "itemSize", "title", "getTitle"},
    "menuSeparator": {"id", "idQ", "tag", "title", "getTitle"} | _POSITION,
    "separator": {"id", "idQ", "tag", "visible", "getVisible"} | _POSITION,
}
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_IMAGE_MSO = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def test_the_ribbon_uses_only_schema_elements_and_attributes(ribbon: ET.Element) -> None:
    parents = {child: parent for parent in ribbon.iter() for child in parent}
    seen_ids: set[str] = set()
    for element in ribbon.iter():
        name = local(element.tag)
        key = name
        if name in ("button", "menu"):
            key = f"{name}@{local(parents[element].tag)}"
        assert key in ALLOWED_ATTRIBUTES, f"<{key}> is not allowed here"
        unknown = set(element.attrib) - ALLOWED_ATTRIBUTES[key]
        assert not unknown, f"<{key}> has attributes outside the schema: {unknown}"
        if "id" in element.attrib:
            assert _ID.fullmatch(element.get("id", "")), element.get("id")
            assert element.get("id") not in seen_ids, f"duplicate id {element.get('id')}"
            seen_ids.add(element.get("id", ""))
        for attribute in ("label", "screentip", "supertip", "tag", "description"):
            assert len(element.get(attribute, "")) <= 1024
        if "imageMso" in element.attrib:
            assert _IMAGE_MSO.fullmatch(element.get("imageMso", ""))
        if "size" in element.attrib:
            assert element.get("size") in ("normal", "large")
    assert local(next(iter(ribbon)).tag) == "ribbon"


def controls(ribbon: ET.Element) -> list[ET.Element]:
    return [e for e in ribbon.iter() if "onAction" in e.attrib]


def test_the_tab_has_the_buttons_the_product_needs(ribbon: ET.Element) -> None:
    tabs = [e for e in ribbon.iter(f"{{{CUSTOMUI_2009}}}tab")]
    assert [t.get("label") for t in tabs] == ["Batchsheet"]
    labels = [e.get("label") for e in tabs[0].iter() if local(e.tag) in ("button", "menu")]
    for wanted in ("Validate", "Clear marks", "Export CSV", "Import CSV", "New batch", "Help"):
        assert wanted in labels
    for control in controls(ribbon):
        assert control.get("screentip") and control.get("supertip"), control.get("id")
    for element in tabs[0].iter():
        if local(element.tag) in ("menu",) or (
            local(element.tag) == "button" and (element.get("size") == "large")
        ):
            assert element.get("imageMso"), element.get("id")


# Icons Excel draws: control IDs from Microsoft's list of Excel's ribbon controls
# (OfficeDev/office-fluent-ui-command-identifiers, excelcontrols.xlsx). A name from another
# Office program (Outlook's AcceptInvitation, Word's SpellingAndGrammar) draws blank in Excel.
EXCEL_IMAGE_MSO = frozenset(
    {
        "ClearFormats",
        "DataValidation",
        "ReviewNextComment",
        "ReviewPreviousComment",
        "FileNew",
        "FileOpen",
        "FileSaveAs",
        "Help",
        "Spelling",
    }
)


def test_every_icon_is_one_excel_draws(ribbon: ET.Element) -> None:
    icons = {e.get("id"): e.get("imageMso") for e in ribbon.iter() if e.get("imageMso")}
    assert icons and {i for i in icons.values()} <= EXCEL_IMAGE_MSO, icons


def test_the_import_button_says_what_it_does(ribbon: ET.Element) -> None:
    """It makes a new workbook beside the CSV (`ribbon.import_csv`), never a sheet of this one."""
    button = next(e for e in ribbon.iter() if e.get("tag") == "import_csv")
    assert "new workbook" in button.get("supertip", "")
    assert "new sheet" not in button.get("supertip", "")


def public_subs(source: str) -> dict[str, str]:
    """Public Sub name -> its parameter list, as written."""
    found = re.findall(r"^(?:Public\s+)?Sub\s+(\w+)\s*\(([^)]*)\)", source, re.MULTILINE)
    return dict(found)


def test_every_on_action_names_a_sub_of_our_module(ribbon: ET.Element) -> None:
    source = ribbon_module_source()
    subs = public_subs(source)
    assert controls(ribbon)
    for control in controls(ribbon):
        module, _, sub = control.get("onAction", "").rpartition(".")
        assert module == RIBBON_MODULE, control.get("onAction")
        assert sub in subs, f"{sub} is not a Sub in {RIBBON_MODULE}"
        # The ribbon calls a button's onAction with the control as the only argument.
        assert re.fullmatch(r"(ByRef\s+)?\w+\s+As\s+IRibbonControl", subs[sub].strip())
        assert not re.search(rf"^Private\s+Sub\s+{sub}\b", source, re.MULTILINE)


def test_every_tag_names_a_python_entry_point(ribbon: ET.Element) -> None:
    import addin.excel.ribbon as entry_points
    from addin.excel.ribbon import ENTRY_POINTS

    formats = []
    for control in controls(ribbon):
        action, _, argument = control.get("tag", "").partition(":")
        if action in VBA_ACTIONS:
            continue
        assert action in ENTRY_POINTS, f"tag {control.get('tag')!r} names no entry point"
        assert callable(getattr(entry_points, ENTRY_POINTS[action]))
        if action == "new_batch":
            formats.append(argument)
        else:
            assert argument == ""
    assert sorted(formats) == sorted(SPECS)


def test_the_vba_dispatch_covers_exactly_the_ribbon_tags(ribbon: ET.Element) -> None:
    from addin.excel.ribbon import ENTRY_POINTS

    source = ribbon_module_source()
    body = source[
        source.index("Public Sub RunButton") : source.index(
            "End Sub", source.index("Public Sub RunButton")
        )
    ]
    cases = set(re.findall(r'"(\w+)"', " ".join(re.findall(r"^\s*Case (.+)$", body, re.MULTILINE))))
    tags = {c.get("tag", "").partition(":")[0] for c in controls(ribbon)}
    assert cases == tags == set(ENTRY_POINTS) | set(VBA_ACTIONS)


# --- an independent client -----------------------------------------------------------------


def test_libreoffice_opens_the_addin(built_xlam: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs libreoffice-calc")
    # LibreOffice's type detection does not know the add-in content type, so the Excel 2007+
    # macro-enabled filter is named; opening with it, then writing .xlsm, makes LibreOffice read
    # the whole package, VBA project included.
    command = [
        soffice,
        "--headless",
        "--norestore",
        f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
        "--infilter=Calc MS Excel 2007 VBA XML",
        "--convert-to",
        "xlsm:Calc MS Excel 2007 VBA XML",
        "--outdir",
        str(tmp_path / "out"),
        str(built_xlam),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    converted = tmp_path / "out" / "Batchsheet.xlsm"
    assert converted.exists(), result.stdout + result.stderr
    with zipfile.ZipFile(converted) as package:
        workbook = ET.fromstring(package.read("xl/workbook.xml"))
        assert [s.get("name") for s in workbook.iter(f"{{{SPREADSHEET}}}sheet")] == [CONFIG_SHEET]
    # What LibreOffice read of our module, written back by LibreOffice itself.
    parser = VBA_Parser(str(converted))
    try:
        modules = {
            stream.rpartition("/")[2]: code for _, stream, _, code in parser.extract_macros()
        }
    finally:
        parser.close()
    assert RIBBON_MODULE in modules, sorted(modules)
    assert normalised(modules[RIBBON_MODULE]) == normalised(ribbon_module_source())
