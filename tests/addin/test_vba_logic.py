"""What our VBA module computes, run in pyopenvba's VBA interpreter (no Excel needed).

The module's pure functions decide what Python is asked to do: the Python statement for each
button, how a path travels inside it, the suggested export file name. Those run here as VBA;
what needs Excel (dialogs, RunPython) is checked by reading the source.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pyopenvba.interpreter import Interpreter, VBADate

from addin.excel.layout import FORMAT_NAME
from addin.excel.template import write_templates
from addin.installer.xlam import ribbon_module_source
from addin.specs import SPECS

# What RunPython's command may contain: nothing cmd.exe, a POSIX shell or AppleScript's "|"
# splitting would act on.
SAFE_COMMAND = re.compile(r"[A-Za-z0-9_ .,;()'=-]+")


def vba_string(text: str) -> str:
    """`text` as VBA holds it: UTF-16 code units, so characters beyond U+FFFF are two units."""
    data = text.encode("utf-16-le", "surrogatepass")
    return "".join(chr(int.from_bytes(data[i : i + 2], "little")) for i in range(0, len(data), 2))


def python_value(expression: str) -> object:
    # Only bytes.fromhex(...).decode(...) is expected; no builtins beyond bytes are offered.
    return eval(expression, {"__builtins__": {}, "bytes": bytes})


paths = st.text(min_size=1, max_size=60) | st.sampled_from(
    [
        r"C:\Users\Zoë\Documents\March batch.csv",
        r"\\server\share\100% sure & done\x.csv",
        '/Users/jane/It\'s "quoted" $HOME `id` | more.csv',
        "/Users/李/批次.csv",
        "C:\\emoji 😀 folder\\batch.csv",
        "trailing backslash\\",
    ]
)


@settings(max_examples=150, deadline=None)
@given(paths)
@example("\ud800 lone surrogate")
def test_python_text_carries_any_path_through_safely(vba: Interpreter, path: str) -> None:
    expression = vba.run("PythonText", [vba_string(path)])
    assert isinstance(expression, str)
    assert SAFE_COMMAND.fullmatch(expression), expression
    assert python_value(expression) == path


@pytest.mark.parametrize(
    ("tag", "dialog_answer", "expected_call"),
    [
        ("validate", None, ("validate", ())),
        ("fix", None, ("fix", ())),
        ("clear_marks", None, ("clear_marks", ())),
        ("show_help", None, ("show_help", ())),
        (
            "export_csv",
            r"C:\Users\Zoë\It's 100%\out.csv",
            ("export_csv", (r"C:\Users\Zoë\It's 100%\out.csv",)),
        ),
        (
            "import_csv",
            "/Users/jane/$HOME|x/in.csv",
            ("import_csv", ("/Users/jane/$HOME|x/in.csv",)),
        ),
    ]
    + [(f"new_batch:{name}", None, ("new_batch", (name,))) for name in SPECS],
)
def test_each_button_becomes_one_call_to_its_entry_point(
    vba: Interpreter,
    monkeypatch: pytest.MonkeyPatch,
    tag: str,
    dialog_answer: str | None,
    expected_call: tuple[str, tuple[str, ...]],
) -> None:
    import addin.excel.ribbon as entry_points

    action = vba.run("TagAction", [tag])
    argument = dialog_answer if dialog_answer is not None else vba.run("TagArgument", [tag])
    command = (
        vba.run("PythonCall", [action, vba_string(argument)])
        if argument
        else vba.run("PythonCall", [action])
    )
    assert isinstance(command, str) and SAFE_COMMAND.fullmatch(command), command

    function_name = entry_points.ENTRY_POINTS[action]
    original = getattr(entry_points, function_name)
    calls: list[tuple[str, tuple[object, ...]]] = []

    def record(*args: object) -> None:
        inspect.signature(original).bind(*args)  # the call fits the real entry point
        calls.append((function_name, args))

    monkeypatch.setattr(entry_points, function_name, record)
    exec(command, {})
    assert calls == [expected_call]


@pytest.mark.parametrize(
    ("book", "format_name", "today"),
    [
        ("March batch.xlsx", "pastel-customer", dt.date(2025, 3, 31)),
        ("pastel-supplier1", "pastel-supplier", dt.date(2025, 1, 2)),
        ("a.b.c.xlsm", "pastel-customer", dt.date(2024, 12, 9)),
        ("Zoë's batch.xlsx", "pastel-supplier", dt.date(2026, 7, 4)),
        (".hidden", "pastel-customer", dt.date(2025, 10, 10)),
    ],
)
def test_the_suggested_export_name_matches_python(
    vba: Interpreter, book: str, format_name: str, today: dt.date
) -> None:
    from addin.excel.ribbon import suggested_export_name

    in_vba = vba.run("SuggestedExportName", [book, format_name, VBADate.from_datetime(today)])
    assert in_vba == suggested_export_name(book, format_name, today)


def test_the_suggested_export_name_reads_well(vba: Interpreter) -> None:
    name = vba.run(
        "SuggestedExportName",
        ["March batch.xlsx", "pastel-customer", VBADate.from_datetime(dt.date(2025, 3, 4))],
    )
    assert name == "March batch-pastel-customer-2025-03-04.csv"


def test_the_vba_reads_the_format_a_template_records(vba: Interpreter, tmp_path: Path) -> None:
    source = ribbon_module_source()
    assert f'Private Const FORMAT_NAME As String = "{FORMAT_NAME}"' in source
    found = set()
    for template in write_templates(tmp_path):
        defined = openpyxl.load_workbook(template).defined_names[FORMAT_NAME]
        # Excel shows a workbook-level constant name's RefersTo as "=" + its formula text.
        found.add(vba.run("TextOfName", ["=" + defined.attr_text]))
    assert found == set(SPECS)
    assert vba.run("TextOfName", ["=Batch!$A$1"]) == ""
    assert vba.run("TextOfName", ['="say ""hi"""']) == 'say "hi"'


def sub_body(source: str, header: str) -> str:
    start = source.index(header)
    ends = "End Function" if " Function " in header else "End Sub"
    return source[start : source.index(ends, start)]


def test_the_button_callback_turns_every_failure_into_a_plain_alert() -> None:
    body = sub_body(ribbon_module_source(), "Public Sub OnBatchsheetButton")
    lines = [line.strip() for line in body.splitlines()]
    assert lines[2] == "On Error GoTo Failed"  # before anything can fail
    handler = body[body.index("Failed:") :]
    assert "MsgBox" in handler and "Err.Description" in handler
    assert "Resume" not in handler and "Err.Raise" not in handler


def test_a_cancelled_dialog_runs_nothing() -> None:
    body = sub_body(ribbon_module_source(), "Public Sub RunButton")
    for ask in ("AskExportPath", "AskImportPath"):
        after = body[body.index(ask) :].splitlines()
        assert after[1].strip() == 'If argument = "" Then Exit Sub \' cancelled'
    for asker in ("Private Function AskExportPath", "Private Function AskImportPath"):
        source = ribbon_module_source()
        start = source.index(asker)
        function = source[start : source.index("End Function", start)]
        # Excel answers False for Cancel; the function then returns "" without asking Python.
        assert "If VarType(chosen) = vbBoolean Then Exit Function" in function
        assert "RunPython" not in function


def test_the_module_source_is_plain_ascii() -> None:
    # A VBA project stores source in its code page (1252 here); ASCII reads the same in all.
    bas = Path(__file__).resolve().parents[2] / "addin" / "vba" / "Batchsheet.bas"
    bas.read_bytes().decode("ascii")


# -- finding the problems: Next problem, Previous problem, the status bar -------------------


def test_the_cell_to_select_is_the_first_error_else_the_first_warning(vba: Interpreter) -> None:
    assert vba.run("ProblemColumn", ["F K", "B"]) == "F"
    assert vba.run("ProblemColumn", ["", "K N"]) == "K"
    assert vba.run("ProblemColumn", ["  AD ", ""]) == "AD"
    assert vba.run("ProblemColumn", ["", ""]) == ""


def test_the_status_bar_names_the_row_and_fits_the_bar(vba: Interpreter) -> None:
    assert vba.run("StatusText", [12, "F: Period Number must be from 1 to 13; 14 is not."]) == (
        "Batchsheet, row 12: F: Period Number must be from 1 to 13; 14 is not."
    )
    long = vba.run("StatusText", [3, "K: " + "a, b " * 200])
    assert len(long) == 250 and long.endswith("\u2026")
    assert "\n" not in vba.run("StatusText", [4, "F: one\nK: two"])


@pytest.mark.parametrize(
    ("current", "forward", "after"),
    [(10, True, 10), (10, False, 10), (0, True, 1048576), (0, False, 2), (1, True, 1048576)],
)
def test_a_search_starts_at_the_cursor_or_at_the_end_that_finds_the_first(
    vba: Interpreter, current: int, forward: bool, after: int
) -> None:
    assert vba.run("SearchAfterRow", [current, 2, 1048576, forward]) == after


def test_going_round_is_told(vba: Interpreter) -> None:
    assert vba.run("WentRound", [50, 7, True]) is True
    assert vba.run("WentRound", [50, 70, True]) is False
    assert vba.run("WentRound", [50, 70, False]) is True
    assert vba.run("WentRound", [50, 7, False]) is False


def test_moving_to_a_problem_is_a_few_calls_whatever_the_sheet() -> None:
    """Excel finds the marked row (Match, LOOKUP); the macro never reads the marking columns
    whole nor loops over rows, and it starts no Python."""
    body = sub_body(ribbon_module_source(), "Private Sub GoToProblem")
    assert body.count("MarkedRow(") == 4 and "For " not in body and "Do " not in body
    marked = sub_body(ribbon_module_source(), "Private Function MarkedRow")
    assert 'Application.Match("?*", area, 0)' in marked and "LOOKUP(2,1/(LEN(" in marked
    assert "For side = 0 To 1" in marked and "Do " not in marked  # the two columns, not rows
    assert "RunPython" not in body
    shown = sub_body(ribbon_module_source(), "Public Sub ShowProblemAt")
    assert "RunPython" not in shown and "For " not in shown
    assert "On Error GoTo Quiet" in shown  # a click never raises a VBA error
    workbook = (
        Path(__file__).resolve().parents[2] / "addin" / "vba" / "ThisWorkbook.cls"
    ).read_text()
    assert "#If" not in workbook and "BatchsheetRibbon.ShowProblemAt Sh, Target" in workbook


def test_the_user_s_find_options_are_left_as_they_were() -> None:
    """Range.Find with LookIn/LookAt saves them into Excel's Find dialog (and with values it
    skips hidden rows): the module finds headings with Application.Match and marked rows
    without Find (https://learn.microsoft.com/en-us/office/vba/api/excel.range.find,
    "The settings for LookIn, LookAt, SearchOrder, and MatchByte are saved each time you
    use this method")."""
    source = ribbon_module_source()
    code = "\n".join(line.split("'")[0] for line in source.splitlines())
    assert ".Find(" not in code and ".FindNext(" not in code and "Find(What" not in code
    column = sub_body(source, "Private Function MarkingColumn")
    assert "Application.Match(heading, sheet.Rows(1), 0)" in column
