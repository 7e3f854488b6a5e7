"""The calling workbook's name, from Excel to Python, whatever characters it holds.

RunPython (the add-in's xlwings module) puts the workbook's name on Python's command line:
on macOS inside a shell command that AppleScript first splits at "|", on Windows inside a
cmd.exe line; xlwings' Book.caller then reads it back and cuts it at its first "=". The
add-in's build (`addin.installer.xlam`) sends such names encoded and leaves the workbooks'
full names off the line; `addin.installer.caller` reads the name back.

The macOS path runs here for real as far as a Linux machine can: the parameters the built
module's ExecuteMac joins, split and pasted into a shell command as xlwings' AppleScript does,
run by /bin/sh with a stand-in Python that records its arguments.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import xlwings
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pyopenvba import ExcelFile
from pyopenvba.interpreter import Interpreter

from addin.installer.caller import (
    NOT_FOUND,
    caller_book,
    caller_name,
    decode_caller_name,
)
from addin.installer.xlam import UNSAFE_IN_CALLER_NAME

APPLESCRIPT = Path(xlwings.__file__).parent / f"xlwings-{xlwings.__version__}.applescript"
SH = Path("/bin/sh")
EXCEL_APP = "/Applications/Microsoft Excel.app"

# Names a user can give a workbook on macOS (any but ":" and "/") or Windows.
TRICKY_NAMES = [
    "March batch.xlsx",
    "a=b.xlsx",
    "==.xlsx",
    "Cost $HOME.xlsx",
    "$(touch pwned).xlsx",
    "`id`.xlsx",
    "one ` tick.xlsx",
    'He said "hi".xlsx',
    "A|B|C.xlsx",
    "100% sure!.xlsx",
    "%USERNAME% batch.xlsx",
    "back\\slash.xlsx",
    "It's mine.xlsx",
    "a & b ^ <c>.xlsx",
    "Zoë 😀 批次.xlsx",
    " leading and trailing .xlsx ",
    "line\nbreak.xlsx",
    "=0041",
]


def procedure(module: str, name: str) -> str:
    """One procedure's source, header to End line."""
    match = re.search(
        rf"^(?:(?:Public|Private)\s+)?(Sub|Function)\s+{name}\b.*?^End \1\b[^\n]*",
        module,
        re.MULTILINE | re.DOTALL,
    )
    assert match, f"the xlwings module has no {name}"
    return match.group(0)


def code_lines(source: str) -> list[str]:
    """Lines of VBA without their comments (quotes in strings kept apart)."""
    out = []
    for line in source.split("\n"):
        blanked = re.sub(r'"(?:[^"]|"")*"', lambda m: "S" * len(m.group(0)), line)
        cut = blanked.find("'")
        out.append(line if cut < 0 else line[:cut])
    return out


@pytest.fixture(scope="module")
def xlwings_module(built_xlam: Path) -> str:
    with ExcelFile(built_xlam) as book:
        return book.get_module("xlwings")


@pytest.fixture(scope="module")
def caller_vba(xlwings_module: str) -> Interpreter:
    """The built module's own function for the name, running as VBA."""
    interpreter = Interpreter()
    interpreter.add_module(procedure(xlwings_module, "BatchsheetCallerName"), name="Names")
    return interpreter


def to_vba(text: str) -> str:
    """`text` as VBA holds it: UTF-16 code units, so characters beyond U+FFFF are two units."""
    data = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(data[i : i + 2], "little")) for i in range(0, len(data), 2))


def from_vba(units: str) -> str:
    return b"".join(ord(u).to_bytes(2, "little") for u in units).decode(
        "utf-16-le", "surrogatepass"
    )


def sent_name(vba: Interpreter, name: str) -> str:
    """What the built module puts on the command line for a workbook called `name`."""
    result = vba.run("BatchsheetCallerName", [to_vba(name)])
    assert isinstance(result, str)
    return from_vba(result)


# -- the name as the add-in sends it ---------------------------------------------------------


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=40))
@example("a=b.xlsx")
def test_every_name_is_sent_plain_or_encoded_and_read_back(
    caller_vba: Interpreter, name: str
) -> None:
    sent = sent_name(caller_vba, name)
    unsafe = set(UNSAFE_IN_CALLER_NAME) | {chr(c) for c in [*range(32), 127]}
    if sent == name:
        assert not unsafe & set(name)
    else:
        assert re.fullmatch(r"=(?:[0-9A-F]{4})+", sent), sent
        assert unsafe & set(name)
    assert decode_caller_name(sent) == name


def test_a_plain_name_is_sent_as_it_is(caller_vba: Interpreter) -> None:
    for name in ("March batch.xlsx", "Zoë 😀 批次.xlsx", "It's mine.xlsx", "a & b ^ <c>.xlsx"):
        assert sent_name(caller_vba, name) == name


# -- macOS: ExecuteMac, the AppleScript, the shell --------------------------------------------


def concatenation(expression: str, values: dict[str, str]) -> str:
    """A VBA expression of parts joined by & or +: string literals, GetConfig(...) (empty
    here, as Batchsheet's config sets none of those read on the command line) and the
    expressions `values` gives."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(expression):
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and char in "&+":
            parts.append(expression[start:i])
            start = i + 1
    parts.append(expression[start:])
    out = []
    for part in (p.strip() for p in parts):
        if part.startswith('"'):
            out.append(part[1:-1].replace('""', '"'))
        elif re.fullmatch(r'GetConfig\("[A-Z_]+"\)', part):
            out.append("")
        else:
            assert part in values, f"no value for {part!r} in {expression!r}"
            out.append(values[part])
    return "".join(out)


def mac_parameter(
    module: str, vba: Interpreter, book: str, interpreter: str, command: str, log: str
) -> str:
    """The one parameter ExecuteMac hands AppleScriptTask, as the built module makes it."""
    run_python = procedure(module, "RunPython")
    code = "\n".join(code_lines(run_python))
    # Where RunPython still fills in the workbooks' full names, they are their POSIX paths.
    names = "ActiveFullName =" in code
    mac_path = next(
        line
        for line in code_lines(run_python)
        if "PYTHONPATH = AddExcelDir" in line and "_MAC" in line
    )
    pythonpath = concatenation(
        mac_path.split("=", 1)[1],
        {
            "AddExcelDir": "false",
            "ActiveFullName": f"/Users/jane/Documents/{book}" if names else "",
            "ThisFullName": "/Users/jane/Library/Startup/Batchsheet.xlam" if names else "",
        },
    )
    execute_mac = procedure(module, "ExecuteMac")
    assert """PYTHONPATH = Replace(PYTHONPATH, "'", "\\'")""" in execute_mac
    values = {
        "PYTHONPATH": pythonpath.replace("'", "\\'"),
        "PythonInterpreter": interpreter,
        "PythonCommand": command,
        "ActiveWorkbook.Name": book,
        "BatchsheetCallerName(ActiveWorkbook.Name)": sent_name(vba, book),
        "Left(Application.Path, Len(Application.Path) - 4)": EXCEL_APP,
        "LOG_FILE": log,
    }
    parameter = ""
    for line in code_lines(execute_mac):
        assigned = re.match(r"^\s*ParameterString = (.*)$", line)
        if assigned:
            parameter = concatenation(assigned.group(1), {**values, "ParameterString": parameter})
    return parameter


def applescript_command(parameter: str) -> str:
    """The shell command xlwings' AppleScript (VbaHandler) makes of the parameter."""
    script = APPLESCRIPT.read_text()
    # What is reproduced below, as the installed xlwings ships it.
    assert (
        "set {PYTHONPATH, PythonInterpreter, PythonCommand, WorkbookName, ApplicationFullName, "
        'LOG_FILE} to SplitString(ParameterString, "|")'
    ) in script
    assert (
        'set ShellCommand to PythonInterpreter & " -B -u -W ignore -c \\"import xlwings.utils;'
        'xlwings.utils.prepare_sys_path(\'" & PYTHONPATH & "\');" & ¬\n'
        '\t\tPythonCommand & " \\" \\"--wb=" & WorkbookName & "\\" \\"--from_xl=1\\" \\"--app=" & '
        'ApplicationFullName & "\\" > /dev/null 2>\\"" & LOG_FILE & "\\" & "'
    ) in script
    fields = parameter.split("|")
    assert len(fields) == 6, f"AppleScript splits the parameter into {len(fields)} at |: {fields}"
    pythonpath, interpreter, command, book, application, log = fields
    return (
        f"{interpreter} -B -u -W ignore -c \"import xlwings.utils;xlwings.utils.prepare_sys_path('"
        f'{pythonpath}\');{command} " "--wb={book}" "--from_xl=1" "--app={application}" '
        f'> /dev/null 2>"{log}" & '
    )


def run_as_macos_would(tmp_path: Path, command_line: str) -> list[str]:
    """Run the shell command; the arguments the stand-in Python received."""
    record = tmp_path / "argv.json"
    record.unlink(missing_ok=True)
    done = subprocess.run(
        [str(SH), "-c", command_line],
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "RECORD": str(record)},
        # Were a name ever pasted as it is, what the shell made of it stays in here.
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 20  # the command runs Python in the background
    while not record.exists() or not record.read_text().endswith("]"):
        assert time.monotonic() < deadline, f"Python never started: {done.stderr}"
        time.sleep(0.02)
    argv = json.loads(record.read_text())
    assert isinstance(argv, list)
    return argv


@pytest.fixture(scope="module")
def stand_in_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stand-in")
    assert " " not in str(folder)  # the interpreter is pasted unquoted, as the config allows
    python = folder / "python3"
    python.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        "with open(os.environ['RECORD'] + '.part', 'w') as f:\n"
        "    json.dump(sys.argv[1:], f)\n"
        "os.replace(os.environ['RECORD'] + '.part', os.environ['RECORD'])\n"
    )
    python.chmod(0o755)
    return python


needs_sh = pytest.mark.skipif(not SH.exists(), reason="no /bin/sh")


@needs_sh
@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_on_macos_the_name_reaches_python_intact(
    xlwings_module: str,
    caller_vba: Interpreter,
    vba: Interpreter,
    stand_in_python: Path,
    tmp_path: Path,
    name: str,
) -> None:
    command = vba.run("PythonCall", ["export_csv", f"/Users/jane/{name}.csv"])
    assert isinstance(command, str)
    log = str(tmp_path / "xlwings.log")
    parameter = mac_parameter(xlwings_module, caller_vba, name, str(stand_in_python), command, log)
    argv = run_as_macos_would(tmp_path, applescript_command(parameter))

    assert argv[:5] == ["-B", "-u", "-W", "ignore", "-c"]
    # The Python statement is ours as sent, and the sys.path setup carries no workbook names.
    assert (
        argv[5] == f"import xlwings.utils;xlwings.utils.prepare_sys_path('false;;;;;;;');{command} "
    )
    assert argv[6:] == [argv[6], "--from_xl=1", f"--app={EXCEL_APP}"]
    assert caller_name(argv) == name


@needs_sh
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=25))
def test_on_macos_any_name_reaches_python_intact(
    xlwings_module: str,
    caller_vba: Interpreter,
    stand_in_python: Path,
    tmp_path: Path,
    name: str,
) -> None:
    command = "import addin"
    parameter = mac_parameter(
        xlwings_module, caller_vba, name, str(stand_in_python), command, str(tmp_path / "x.log")
    )
    argv = run_as_macos_would(tmp_path, applescript_command(parameter))
    assert caller_name(argv) == name


# -- Windows: ExecuteWindows and cmd.exe ------------------------------------------------------


def test_on_windows_the_name_goes_between_quotes_with_nothing_cmd_expands(
    xlwings_module: str, caller_vba: Interpreter
) -> None:
    line = '" --wb=" & """" & BatchsheetCallerName(ActiveWorkbook.Name) & """ --from_xl=1"'
    assert line in "\n".join(code_lines(procedure(xlwings_module, "ExecuteWindows")))
    for name in TRICKY_NAMES:
        if set(name) & set('\\/:*?"<>|\n'):
            continue  # not a name Windows allows
        sent = sent_name(caller_vba, name)
        # cmd.exe expands %NAME% (and !NAME! with delayed expansion) even between quotes; a
        # quote would end them. The C runtime then takes --wb="X" as --wb=X.
        assert not set(sent) & set('%!"'), sent
        assert caller_name(["-c", "import x", f"--wb={sent}", "--from_xl=1"]) == name


def test_no_workbook_path_is_pasted_into_the_command_line(xlwings_module: str) -> None:
    """RunPython's PYTHONPATH argument went through the shell and cmd.exe with the active
    workbook's full path in it, and on macOS through MacScript, which a quote breaks."""
    for name in ("RunPython", "ExecuteMac", "ExecuteWindows"):
        code = "\n".join(code_lines(procedure(xlwings_module, name)))
        assert "FullName" not in code.replace("ActiveFullName", "").replace("ThisFullName", "")
        assert not re.search(r"\b(?:Active|This)FullName\s*=", code)


# -- Python: finding the book -----------------------------------------------------------------


class FakeBook:
    def __init__(self, name: str) -> None:
        self.name = name


class FakeApp:
    def __init__(self, hwnd: int, *names: str) -> None:
        self.hwnd = hwnd
        self.books = [FakeBook(n) for n in names]


def fake_xlwings(*apps: FakeApp, caller: Any = None) -> Any:
    def book_caller() -> Any:
        if caller is None:
            raise Exception("Book.caller() must not be called directly.")
        return caller

    return SimpleNamespace(apps=list(apps), Book=SimpleNamespace(caller=book_caller))


def encoded(name: str) -> str:
    return "=" + name.encode("utf-16-be", "surrogatepass").hex().upper()


def test_a_plain_name_is_left_to_xlwings() -> None:
    theirs = object()
    xw = fake_xlwings(FakeApp(1, "March.xlsx"), caller=theirs)
    assert caller_book(["-c", "--wb=March.xlsx", "--from_xl=1"], xw) is theirs


def test_an_encoded_name_is_found_in_the_excel_that_called() -> None:
    first, second = FakeApp(101, "a=b.xlsx"), FakeApp(202, "a=b.xlsx", "other.xlsx")
    xw = fake_xlwings(first, second)
    found = caller_book(["-c", f"--wb={encoded('a=b.xlsx')}", "--from_xl=1", "--hwnd=202"], xw)
    assert found is second.books[0]
    # Without a window (macOS), any Excel; the exact name first, then ignoring case.
    mixed = FakeApp(1, "A=B.XLSX", "a=b.xlsx")
    assert caller_book(["-c", f"--wb={encoded('a=b.xlsx')}"], fake_xlwings(mixed)) is mixed.books[1]
    upper = FakeApp(1, "A=B.XLSX")
    assert caller_book(["-c", f"--wb={encoded('a=b.xlsx')}"], fake_xlwings(upper)) is upper.books[0]


def test_a_name_with_an_equals_sign_from_an_older_add_in_is_read_whole() -> None:
    app = FakeApp(1, "a=b.xlsx")
    assert caller_book(["-c", "--wb=a=b.xlsx"], fake_xlwings(app)) is app.books[0]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["-c", f"--wb={encoded('gone=.xlsx')}", "--from_xl=1"], " (gone=.xlsx)"),  # closed
        (["-c", "--wb=plain.xlsx", "--from_xl=1"], ""),  # xlwings itself fails
        (["-c"], ""),  # not started by a button
        (["-c", "--wb==00zz"], ""),  # garbled
    ],
)
def test_a_book_that_cannot_be_found_is_a_sentence_not_a_traceback(
    argv: list[str], named: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        caller_book(argv, fake_xlwings(FakeApp(1, "other.xlsx")))
    message = str(exited.value.code)
    assert message.startswith(
        f"Batchsheet could not find the workbook whose button was pressed{named}. "
    )
    assert "press the button again" in message and "Traceback" not in message


def test_the_failure_reaches_excel_as_python_s_error_output() -> None:
    """RunPython shows what Python wrote to its error output; a sentence, and exit status 1."""
    done = subprocess.run(
        [sys.executable, "-c", "from addin.installer.caller import caller_book; caller_book()"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Batchsheet could not find the workbook")
    assert "Traceback" not in done.stderr
    assert NOT_FOUND.split("{", 1)[0] in done.stderr


def test_xlwings_itself_cuts_a_name_at_its_first_equals_sign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Why a name with "=" cannot be left to xw.Book.caller(): it looks for "a", not "a=b.xlsx"."""
    import xlwings.main

    class Books(list[Any]):
        def open(self, name: str, *args: object) -> None:
            raise FileNotFoundError(f"looked for {name!r}")

    book = SimpleNamespace(name="a=b.xlsx", fullname="/Users/jane/a=b.xlsx", impl=object())
    app = SimpleNamespace(version=16, books=Books([book]))
    monkeypatch.setattr(
        xlwings.main,
        "apps",
        type("Apps", (list,), {"active": property(lambda self: self[0])})([app]),
    )
    monkeypatch.setattr(sys, "argv", ["-c", "--wb=a=b.xlsx", "--from_xl=1"])
    with pytest.raises(FileNotFoundError, match="looked for 'a'"):
        xlwings.Book.caller()


# -- the ribbon's entry points ----------------------------------------------------------------


def test_the_ribbon_finds_its_workbook_through_caller_book(monkeypatch: pytest.MonkeyPatch) -> None:
    import addin.excel.ribbon as ribbon
    import addin.installer.caller as caller

    found = object()
    monkeypatch.setattr(caller, "caller_book", lambda argv=None, xw=None: found)
    assert ribbon._caller(None) is found


def test_a_button_whose_workbook_cannot_be_found_says_so_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import addin.excel.ribbon as ribbon

    monkeypatch.setattr(sys, "argv", ["-c", f"--wb={encoded('a=b.xlsx')}", "--from_xl=1"])
    monkeypatch.setitem(sys.modules, "xlwings", fake_xlwings(FakeApp(1, "other.xlsx")))
    with pytest.raises(SystemExit) as exited:
        ribbon.validate()
    assert str(exited.value.code).startswith(
        "Batchsheet could not find the workbook whose button was pressed (a=b.xlsx)."
    )
