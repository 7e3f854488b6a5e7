"""Building `Batchsheet.xlam` from xlwings' own ribbon add-in, on any OS, without Excel.

The starting point is the `quickstart_addin_ribbon.xlam` that `xlwings quickstart NAME --addin
--ribbon` copies: its `xlwings` VBA module is the RunPython machinery matching the installed
xlwings (DLL names, AppleScript name and version are baked into it). The build then

- replaces the quickstart's ribbon module with ours (`addin/vba/Batchsheet.bas`),
- gives the add-in's ThisWorkbook module our code (`addin/vba/ThisWorkbook.cls`: the
  application events behind the status-bar message), under the attributes it already has,
- sets `PROJECT_NAME` in the xlwings module, which names the add-in's config file
  (`batchsheet.conf`) and its optional config sheet,
- renames the config sheet `_myaddin.conf` to `_batchsheet.conf` (the leading underscore keeps
  it inactive, as xlwings ships it: settings come from the config file the installer writes),
- names the VBA project, and
- swaps the quickstart's ribbon XML for ours.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

import xlwings
from pyopenvba import ExcelFile

from ..files import write_atomically
from .ribbon_xml import ribbon_xml
from .vba_project import rename_project

ADDIN_FILE_NAME = "Batchsheet.xlam"
IMAGE_DPI = 'defaultImageDpi="32767"'
PROJECT_NAME = "batchsheet"
VBA_PROJECT_NAME = "Batchsheet"
RIBBON_MODULE = "BatchsheetRibbon"
WORKBOOK_MODULE = "ThisWorkbook"
CONFIG_SHEET = f"_{PROJECT_NAME}.conf"

QUICKSTART_RIBBON_MODULE = "RibbonMyAddin"
QUICKSTART_PROJECT_NAME = "myaddin"
QUICKSTART_CONFIG_SHEET = f"_{QUICKSTART_PROJECT_NAME}.conf"

VBA_ENTRY = "xl/vbaProject.bin"
WORKBOOK_ENTRY = "xl/workbook.xml"
ROOT_RELS_ENTRY = "_rels/.rels"
QUICKSTART_CUSTOMUI = "customUI/customUI.xml"
# The part name Office gives a 2009/07 (Office 2010+) ribbon, related with the 2007
# ui/extensibility relationship type the quickstart already uses.
CUSTOMUI_PART = "customUI/customUI14.xml"
# Zip entries written here get a fixed time so that the same sources build the same bytes.
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


class AddinBuildError(RuntimeError):
    """The installed xlwings' quickstart add-in is not shaped as this build expects."""


def quickstart_xlam() -> Path:
    return Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"


def ribbon_module_source() -> str:
    """Our VBA module as kept in the repository, with the CRLF line ends VBA stores."""
    text = (resources.files("addin") / "vba" / "Batchsheet.bas").read_text(encoding="utf-8")
    return "\r\n".join(text.replace("\r\n", "\n").split("\n"))


def workbook_module_source(attributes: str) -> str:
    """Our ThisWorkbook code under the module's own `Attribute` lines, with CRLF line ends."""
    text = (resources.files("addin") / "vba" / "ThisWorkbook.cls").read_text(encoding="utf-8")
    kept = [
        line
        for line in attributes.replace("\r\n", "\n").split("\n")
        if line.startswith("Attribute ")
    ]
    return "\r\n".join([*kept, *text.replace("\r\n", "\n").split("\n")])


def build_xlam(dest: Path) -> Path:
    """Build the add-in at `dest` (a file path; a folder gets `Batchsheet.xlam`) and return it."""
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / ADDIN_FILE_NAME
    with tempfile.TemporaryDirectory(prefix="batchsheet-xlam-") as work:
        edited = Path(work) / ADDIN_FILE_NAME
        _replace_vba(quickstart_xlam(), edited)
        data = _repackage(edited)
    write_atomically(dest, data, replace=True)
    return dest


def _replace_vba(source: Path, out: Path) -> None:
    with ExcelFile(source) as book:
        project = book.vba_project()
        if QUICKSTART_RIBBON_MODULE not in project.module_names():
            raise AddinBuildError(f"{source.name} has no {QUICKSTART_RIBBON_MODULE} module")
        project.rename_module(QUICKSTART_RIBBON_MODULE, RIBBON_MODULE)
        book.set_module(RIBBON_MODULE, ribbon_module_source())
        book.set_module(WORKBOOK_MODULE, workbook_module_source(book.get_module(WORKBOOK_MODULE)))
        book.set_module("xlwings", _with_project_name(book.get_module("xlwings")))
        book.save(out)


def _with_project_name(xlwings_module: str) -> str:
    old = f'Public Const PROJECT_NAME As String = "{QUICKSTART_PROJECT_NAME}"'
    new = f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'
    if xlwings_module.count(old) != 1:
        raise AddinBuildError("the xlwings VBA module does not declare PROJECT_NAME as expected")
    return xlwings_module.replace(old, new)


def _repackage(edited: Path) -> bytes:
    """The edited add-in with our project name, config sheet name and ribbon."""
    with zipfile.ZipFile(edited) as package:
        names = package.namelist()
        for needed in (VBA_ENTRY, WORKBOOK_ENTRY, ROOT_RELS_ENTRY, QUICKSTART_CUSTOMUI):
            if needed not in names:
                raise AddinBuildError(f"the quickstart add-in has no {needed}")
        replaced = {
            VBA_ENTRY: rename_project(package.read(VBA_ENTRY), VBA_PROJECT_NAME),
            WORKBOOK_ENTRY: _swap_once(
                _swap_once(
                    package.read(WORKBOOK_ENTRY),
                    f'name="{QUICKSTART_CONFIG_SHEET}"',
                    f'name="{CONFIG_SHEET}"',
                ),
                # Image compression for an add-in that holds no image: Excel's "high
                # fidelity" value, outside the enumeration of Microsoft's Open XML SDK
                # schema (96, 150, 220, 330), which the SDK's validator reports.
                f" {IMAGE_DPI}",
                "",
            ),
            ROOT_RELS_ENTRY: _swap_once(
                package.read(ROOT_RELS_ENTRY),
                f'Target="{QUICKSTART_CUSTOMUI}"',
                f'Target="{CUSTOMUI_PART}"',
            ),
        }
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in package.infolist():
                if info.filename == QUICKSTART_CUSTOMUI:
                    continue
                data = replaced.get(info.filename)
                target.writestr(info, package.read(info) if data is None else data)
            ribbon = zipfile.ZipInfo(CUSTOMUI_PART, FIXED_ZIP_TIME)
            ribbon.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(ribbon, ribbon_xml())
        return out.getvalue()


def _swap_once(xml: bytes, old: str, new: str) -> bytes:
    if xml.count(old.encode()) != 1:
        raise AddinBuildError(f"expected exactly one {old} in the quickstart add-in")
    return xml.replace(old.encode(), new.encode())
