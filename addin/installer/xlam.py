"""Building `Batchsheet.xlam` from xlwings' own ribbon add-in, on any OS, without Excel.

The starting point is the `quickstart_addin_ribbon.xlam` that `xlwings quickstart NAME --addin
--ribbon` copies: its `xlwings` VBA module is the RunPython machinery matching the installed
xlwings (DLL names, AppleScript name and version are baked into it). The build then

- replaces the quickstart's ribbon module with ours (`addin/vba/Batchsheet.bas`),
- gives the add-in's ThisWorkbook module our code (`addin/vba/ThisWorkbook.cls`: the
  application events behind the status-bar message), under the attributes it already has,
- sets `PROJECT_NAME` in the xlwings module, which names the add-in's config file
  (`batchsheet.conf`) and its optional config sheet,
- leaves out of the xlwings module the procedures nothing Batchsheet runs can reach (the UDF
  import behind xlwings' own ribbon, frozen executables, array helpers; see UNUSED_PROCEDURES),
- and keeps the calling workbook's name off RunPython's command line as it is: the workbooks'
  full names are not pasted in at all, and a name with a character cmd.exe, the macOS shell,
  AppleScript or xlwings would act on travels encoded (see `caller_name_vba`, and
  `addin.installer.caller`, which reads it),
- renames the config sheet `_myaddin.conf` to `_batchsheet.conf` (the leading underscore keeps
  it inactive, as xlwings ships it: settings come from the config file the installer writes),
- names the VBA project, and
- swaps the quickstart's ribbon XML for ours.
"""

from __future__ import annotations

import io
import re
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
        book.set_module("xlwings", xlwings_module_source(book.get_module("xlwings")))
        book.save(out)


def xlwings_module_source(quickstart_module: str) -> str:
    """xlwings' VBA module as the add-in carries it (see the module's docstring)."""
    module = _with_project_name(quickstart_module)
    module = _without_unused(module)
    return _with_safe_caller_name(module)


def _with_project_name(xlwings_module: str) -> str:
    old = f'Public Const PROJECT_NAME As String = "{QUICKSTART_PROJECT_NAME}"'
    new = f'Public Const PROJECT_NAME As String = "{PROJECT_NAME}"'
    if xlwings_module.count(old) != 1:
        raise AddinBuildError("the xlwings VBA module does not declare PROJECT_NAME as expected")
    return xlwings_module.replace(old, new)


# -- what nothing Batchsheet runs can reach -------------------------------------------------

# Where Batchsheet enters the xlwings module: our ribbon module calls RunPython and (on macOS)
# ToPosixPath, and xlwings' Python runs CleanUp by name when it exits on macOS.
ENTRY_PROCEDURES = ("RunPython", "ToPosixPath", "CleanUp")
# Procedures none of those reach, whatever the settings: they serve the "Import Functions"
# button of xlwings' own ribbon (the UDF import, which also adds a VBA module to a workbook),
# the UDF server's array and shutdown helpers, frozen executables and xlwings' ribbon settings.
# What RunPython can reach stays, settings-only paths included: the UDF server and its DLL
# ("USE UDF SERVER"), conda activation ("CONDA PATH"), the licence key of embedded code.
UNUSED_PROCEDURES = (
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
)
# DLL functions only those procedures call, and the C library's system(), which nothing calls
# (code that can run a shell command is what antivirus heuristics look for on macOS).
UNUSED_DECLARES = ("XLPyDLLNDims", "XLPyDLLVersion", "system")

_HEADER = re.compile(
    r"^\s*(?:(?:Public|Private|Friend)\s+)?(?:Static\s+)?"
    r"(?:Sub|Function|Property\s+(?:Get|Let|Set))\s+(\w+)",
    re.IGNORECASE,
)
_END = re.compile(r"^\s*End\s+(?:Sub|Function|Property)\b", re.IGNORECASE)
_DIRECTIVE_IF = re.compile(r"^\s*#If\b", re.IGNORECASE)
_DIRECTIVE_END_IF = re.compile(r"^\s*#End\s+If\b", re.IGNORECASE)


def _without_unused(module: str) -> str:
    """The module without UNUSED_PROCEDURES and UNUSED_DECLARES; refused when one is missing
    or anything left (ours included) still names one."""
    lines = module.split("\n")
    for name in UNUSED_PROCEDURES:
        start, end = _procedure_span(lines, name)
        del lines[start : end + 1]
        # One blank line where the procedure was, not two.
        if 0 < start < len(lines) and not lines[start].strip() and not lines[start - 1].strip():
            del lines[start]
    for name in UNUSED_DECLARES:
        declares = [i for i, line in enumerate(lines) if _declares(line, name)]
        if not declares:
            raise AddinBuildError(f"the xlwings VBA module declares no {name}")
        for i in reversed(declares):
            del lines[i]
    # An #If that held only such a declaration goes with it.
    empty = [
        i
        for i in range(len(lines) - 1)
        if _DIRECTIVE_IF.match(lines[i]) and _DIRECTIVE_END_IF.match(lines[i + 1])
    ]
    for i in reversed(empty):
        del lines[i : i + 2]
    stripped = "\n".join(lines)
    named = names_in_code("\n".join([stripped, ribbon_module_source(), workbook_module_source("")]))
    still = sorted({n for n in (*UNUSED_PROCEDURES, *UNUSED_DECLARES) if n.lower() in named})
    if still:
        raise AddinBuildError(f"the add-in's VBA still calls {', '.join(still)}")
    return stripped


def _declares(line: str, name: str) -> bool:
    return re.match(rf"^\s*(?:(?:Public|Private)\s+)?Declare\s.*\b{name}\s+Lib\b", line) is not None


def _procedure_span(lines: list[str], name: str) -> tuple[int, int]:
    """First and last line of procedure `name`, with the #If around a header that has one
    form for Excel and another for other Office programs."""
    headers = [i for i, line in enumerate(lines) if _header_name(line) == name.lower()]
    if not headers:
        raise AddinBuildError(f"the xlwings VBA module has no procedure {name}")
    start, last = headers[0], headers[-1]
    if last != start and not (
        start > 0
        and _DIRECTIVE_IF.match(lines[start - 1])
        and last + 1 < len(lines)
        and _DIRECTIVE_END_IF.match(lines[last + 1])
    ):
        raise AddinBuildError(f"the xlwings VBA module declares {name} in an unexpected way")
    if last != start:
        start, last = start - 1, last + 1
    end = next((i for i in range(last + 1, len(lines)) if _END.match(lines[i])), None)
    if end is None or any(_header_name(line) for line in lines[last + 1 : end]):
        raise AddinBuildError(f"the xlwings VBA procedure {name} has no end")
    return start, end


def _header_name(line: str) -> str:
    match = _HEADER.match(line)
    return match.group(1).lower() if match else ""


def names_in_code(source: str) -> set[str]:
    """Every identifier in `source` outside its comments and string literals, lower-cased."""
    found: set[str] = set()
    for line in source.split("\n"):
        code = re.sub(r'"(?:[^"]|"")*"', '""', line)
        code = code.split("'", 1)[0]
        if re.match(r"^\s*Rem\b", code, re.IGNORECASE):
            continue
        found |= {word.lower() for word in re.findall(r"[A-Za-z_]\w*", code)}
    return found


# -- the calling workbook's name on RunPython's command line --------------------------------

# RunPython pastes the workbooks' full names into its command line only for
# ADD_WORKBOOK_TO_PYTHONPATH, which Batchsheet's config turns off; on macOS it also runs them
# through MacScript, which a double quote in a name breaks. They are left empty instead.
_FULL_NAMES = (
    (
        "    ' The first 5 args are not technically part of the PYTHONPATH, but it's just easier "
        "to add it here (used by xlwings.utils.prepare_sys_path)\n"
    )
    + """    #If Mac Then
        If InStr(ActiveWorkbook.FullName, "://") = 0 Then
            ActiveFullName = ToPosixPath(ActiveWorkbook.FullName)
            ThisFullName = ToPosixPath(ThisWorkbook.FullName)
        Else
            ActiveFullName = ActiveWorkbook.FullName
            ThisFullName = ThisWorkbook.FullName
        End If
    #Else
        ActiveFullName = ActiveWorkbook.FullName
        ThisFullName = ThisWorkbook.FullName
    #End If
"""
)
_NO_FULL_NAMES = """\
    ' Batchsheet: ActiveFullName and ThisFullName stay empty. The command line below is read
    ' by cmd.exe or the macOS shell, which act on a "%", "$", "`" or double quote in a
    ' workbook's path, and split by AppleScript at "|"; the names only serve
    ' ADD_WORKBOOK_TO_PYTHONPATH, which Batchsheet's config turns off.
"""
_MAC_NAME = 'ParameterString = ParameterString + "|" + ActiveWorkbook.Name'
_WINDOWS_NAME = '" --wb=" & """" & ActiveWorkbook.Name & """ --from_xl=1"'
CALLER_NAME_FUNCTION = "BatchsheetCallerName"
# Characters of a workbook's name that must not reach the command line as they are: cmd.exe
# expands %NAME% (and !NAME! when delayed expansion is on) even between double quotes, the
# macOS shell acts on $, ` , \ and " between them, AppleScript splits RunPython's parameters
# at |, and xlwings' Book.caller cuts the name at its first =. Control characters too.
UNSAFE_IN_CALLER_NAME = '"$%=\\`|!'


def caller_name_vba() -> str:
    """The VBA function the xlwings module passes the calling workbook's name through."""
    unsafe = UNSAFE_IN_CALLER_NAME.replace('"', '""')
    return f"""
' Added by Batchsheet's build (addin/installer/xlam.py): the calling workbook's name as it goes
' on Python's command line (--wb=). A name with a character cmd.exe, the macOS shell,
' AppleScript or xlwings would act on travels as "=" and the hex digits of its UTF-16 code
' units; addin/installer/caller.py reads both forms.
Private Function {CALLER_NAME_FUNCTION}(ByVal bookName As String) As String
    Dim i As Long, unit As Long, digits As String, plain As Boolean
    plain = True
    For i = 1 To Len(bookName)
        unit = AscW(Mid$(bookName, i, 1))
        ' AscW answers a negative Integer for code units above &H7FFF.
        If unit < 0 Then unit = unit + 65536
        If unit < 32 Or unit = 127 Or InStr("{unsafe}", Mid$(bookName, i, 1)) > 0 Then plain = False
        digits = digits & Right$("000" & Hex$(unit), 4)
    Next i
    If plain Then
        {CALLER_NAME_FUNCTION} = bookName
    Else
        {CALLER_NAME_FUNCTION} = "=" & digits
    End If
End Function
"""


def _with_safe_caller_name(module: str) -> str:
    passed = f"{CALLER_NAME_FUNCTION}(ActiveWorkbook.Name)"
    for old, new in (
        (_FULL_NAMES, _NO_FULL_NAMES),
        (_MAC_NAME, _MAC_NAME.replace("ActiveWorkbook.Name", passed)),
        (_WINDOWS_NAME, _WINDOWS_NAME.replace("ActiveWorkbook.Name", passed)),
    ):
        if module.count(old) != 1:
            raise AddinBuildError(
                "the xlwings VBA module does not pass the workbook's name as expected"
            )
        module = module.replace(old, new)
    return module.rstrip("\n") + "\n" + caller_name_vba()


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
