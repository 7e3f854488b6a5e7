"""The in-memory Excel itself (`tests/memory_excel.py`), driven through xlwings' public API:
that it answers as Excel does where the add-in has been caught out before (issue 24): rows
hidden by hand or by an AutoFilter, error values, text Excel retypes, and macOS, where
alerts time out and a second button press runs beside the first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import xlwings as xw
from openpyxl import Workbook
from xlwings.constants import AutoFilterOperator, FindLookIn, SearchDirection, SearchOrder

from tests.memory_excel import (
    APPLE_EVENT_TIMED_OUT,
    LAST_COLUMN,
    TIMED_OUT,
    CellError,
    ComError,
    CommandError,
    Excel,
    auto_filter,
    com_error,
    data,
    hide_columns,
    hide_rows,
    put_error,
)

TODAY = dt.date(2026, 7, 1)


def _running(*args, **kw) -> Iterator[Excel]:
    running = Excel(*args, **kw)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def windows() -> Iterator[Excel]:
    """An en-US Excel for Windows whose today is fixed."""
    yield from _running("windows", today=TODAY)


@pytest.fixture
def macos() -> Iterator[Excel]:
    yield from _running("macos", today=TODAY)


@pytest.fixture
def day_first() -> Iterator[Excel]:
    """Excel for Windows set to day/month/year, as South African users often have it."""
    yield from _running("windows", date_order="dmy", today=TODAY)


def sheet_of(excel: Excel) -> xw.Sheet:
    return excel.blank().sheets[0]


def numbered(sheet: xw.Sheet, rows: int = 10) -> None:
    """A heading and rows 2..rows: a number, a yes/no and a code."""
    sheet.range("A1").value = [["n", "ok", "code"]] + [
        [n, "yes" if n % 2 else "no", f"W{n}"] for n in range(2, rows + 1)
    ]


# -- 1. hidden rows and columns ------------------------------------------------------------


def test_default_excel_is_windows_reading_month_first(excel):
    assert excel.platform == "windows"
    sheet = sheet_of(excel)
    sheet.range("A1").value = "05/04/2025"
    assert sheet.range("A1").value == dt.datetime(2025, 5, 4)
    with pytest.raises(ValueError):
        Excel("linux")


def test_find_of_values_skips_hidden_rows_a_find_of_formulas_does_not(windows):
    sheet = sheet_of(windows)
    numbered(sheet)
    hide_rows(sheet, [9, 10])
    area = sheet.range((1, 1), (1000, 3))
    # xlwings' find is a Find of values (LookIn xlValues): hidden cells are not seen.
    assert area.find("*", direction="backward", order="rows").row == 8
    assert area.find("W10", whole=True) is None
    found = area.api.Find(
        What="*",
        LookIn=FindLookIn.xlFormulas,
        SearchOrder=SearchOrder.xlByRows,
        SearchDirection=SearchDirection.xlPrevious,
    )
    assert (found.Row, found.Column) == (10, 3)
    # Reads see hidden cells as any other.
    assert sheet.range("A9:C10").value == [[9.0, "yes", "W9"], [10.0, "no", "W10"]]


def test_rows_and_columns_are_hidden_through_the_com_api(windows):
    sheet = sheet_of(windows)
    numbered(sheet)
    sheet.range("A9:B10").api.EntireRow.Hidden = True
    assert sheet.api.Rows(9).Hidden is True and sheet.range("C10").api.EntireRow.Hidden
    assert sheet.range("A8:A10").api.EntireRow.Hidden is None  # some hidden: COM's Null
    assert sheet.range("A1:C100").find("*", direction="backward").row == 8
    with pytest.raises(ComError):  # Hidden is set on entire rows or columns only
        sheet.range("A2").api.Hidden = True
    sheet.api.Rows(10).Hidden = False
    assert sheet.range("A1:C100").find("*", direction="backward").row == 10

    sheet.range("C1").api.EntireColumn.Hidden = True
    assert sheet.api.Columns("C").Hidden is True
    assert sheet.range("A1:C100").find("W4") is None
    assert sheet.range("A1:C100").api.Find("W4", LookIn=FindLookIn.xlFormulas).Row == 4
    hide_columns(sheet, "C", hidden=False)
    assert sheet.range("A1:C100").find("W4").row == 4


def test_find_searches_after_the_cell_and_wraps_and_remembers_its_settings(windows):
    sheet = sheet_of(windows)
    numbered(sheet)
    area = sheet.range("A1:C10").api
    after = sheet.range("C4").api
    assert area.Find("yes", After=after, LookIn=FindLookIn.xlValues, LookAt=1).Row == 5
    assert area.Find("yes", After=sheet.range("C9").api).Row == 3  # wrapped round
    # LookIn left out is the one used last: values, which do not see hidden rows.
    hide_rows(sheet, range(2, 11))
    assert area.Find("*", After=sheet.range("C1").api) is not None  # the heading row
    assert area.Find("W5") is None
    assert area.Find("w5", LookIn=FindLookIn.xlFormulas, MatchCase=False).Row == 5
    assert area.Find("w5", MatchCase=True) is None
    assert area.Find("W?", LookAt=1).Row == 2  # wildcards, whole cell


def test_an_autofilter_hides_the_rows_that_fail_its_criteria(windows):
    sheet = sheet_of(windows)
    numbered(sheet)
    assert sheet.api.AutoFilterMode is False and sheet.api.AutoFilter is None
    sheet.range("A1:C10").api.AutoFilter(Field=2, Criteria1="=yes")
    assert sheet.api.AutoFilterMode is True and sheet.api.FilterMode is True
    assert sheet.api.AutoFilter.Range.Address == "$A$1:$C$10"
    hidden = [r for r in range(1, 11) if sheet.api.Rows(r).Hidden]
    assert hidden == [2, 4, 6, 8, 10]
    assert sheet.range("A1:C100").find("*", direction="backward").row == 9
    assert len(sheet.range("A1:C10").value) == 10  # reads still see every row

    sheet.api.ShowAllData()
    assert not any(sheet.api.Rows(r).Hidden for r in range(1, 11))
    assert sheet.api.FilterMode is False and sheet.api.AutoFilterMode is True
    with pytest.raises(ComError):  # nothing to show: Excel refuses
        sheet.api.ShowAllData()
    sheet.range("A1").api.AutoFilter(Field=1, Criteria1=">7")  # one cell: its region
    assert [r for r in range(2, 11) if sheet.api.Rows(r).Hidden] == [2, 3, 4, 5, 6, 7]
    sheet.api.AutoFilterMode = False
    assert sheet.api.AutoFilter is None and not sheet.api.Rows(3).Hidden
    with pytest.raises(ComError):
        sheet.api.AutoFilterMode = True


@pytest.mark.parametrize(
    ("criteria", "shown"),
    [
        ({"Criteria1": "<>no"}, [3, 5, 7, 9]),
        ({"Criteria1": "=W1*"}, [10]),
        ({"Criteria1": "W4"}, [4]),
        ({"Criteria1": ["W2", "w3"], "Operator": AutoFilterOperator.xlFilterValues}, [2, 3]),
        ({"Criteria1": "=W2", "Operator": AutoFilterOperator.xlOr, "Criteria2": "=W9"}, [2, 9]),
    ],
)
def test_autofilter_criteria(windows, criteria, shown):
    sheet = sheet_of(windows)
    numbered(sheet)
    field = 2 if criteria["Criteria1"] == "<>no" else 3
    sheet.range("A1:C10").api.AutoFilter(Field=field, **criteria)
    assert [r for r in range(2, 11) if not sheet.api.Rows(r).Hidden] == shown


def test_a_blank_criterion_and_a_second_field(windows):
    sheet = sheet_of(windows)
    numbered(sheet)
    sheet.range("C5").value = None
    auto_filter(sheet, "A1:C10", 3, "<>")
    auto_filter(sheet, "A1:C10", 2, "=no")
    assert [r for r in range(2, 11) if not sheet.api.Rows(r).Hidden] == [2, 4, 6, 8, 10]
    auto_filter(sheet, "A1:C10", 2, None)  # a field without criteria: all of it again
    assert [r for r in range(2, 11) if sheet.api.Rows(r).Hidden] == [5]


def test_a_workbook_saved_with_hidden_rows_and_a_filter_opens_with_them(windows, tmp_path):
    wb = Workbook()
    ws = wb.active
    for n in range(1, 8):
        ws.append([f"r{n}"])
    ws.row_dimensions[6].hidden = ws.row_dimensions[7].hidden = True
    ws.column_dimensions["B"].hidden = True
    ws.auto_filter.ref = "A1:A7"
    wb.save(tmp_path / "hidden.xlsx")
    book = windows.open(tmp_path / "hidden.xlsx")
    sheet = book.sheets[0]
    assert sheet.api.AutoFilterMode and sheet.api.Rows(6).Hidden and sheet.api.Columns(2).Hidden
    assert sheet.range("A1:A100").find("*", direction="backward").row == 5


def test_on_macos_the_com_names_do_not_exist_and_a_user_filters_by_hand(macos):
    sheet = sheet_of(macos)
    numbered(sheet)
    with pytest.raises(AttributeError, match="Unknown property, element or command"):
        sheet.range("A1:C10").api.AutoFilter(Field=2, Criteria1="=yes")
    with pytest.raises(AttributeError):
        _ = sheet.api.AutoFilterMode
    auto_filter(sheet, "A1:C10", 2, "=yes")
    assert sheet.range("A1:C100").find("*", direction="backward").row == 9
    hide_rows(sheet, 9)
    assert sheet.range("A1:C100").find("*", direction="backward").row == 7


# -- 2. error values -----------------------------------------------------------------------

ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


def test_on_windows_an_error_reads_as_none_and_as_its_text_with_err_to_str(windows):
    sheet = sheet_of(windows)
    sheet.range("A1").value = [["x"] * len(ERRORS)]
    for c, error in enumerate(ERRORS, start=1):
        put_error(sheet, 1, c, error)
    row = sheet.range((1, 1), (1, len(ERRORS)))
    assert row.value == [None] * len(ERRORS)
    assert row.options(err_to_str=True).value == ERRORS
    assert sheet.range("A1").raw_value == -2146826246  # what COM hands xlwings
    assert sheet.range("A1").formula == "#N/A"
    assert sheet.range("A1:G1").find("*", direction="backward").column == len(ERRORS)
    assert data(sheet.book, sheet.name).get(1, 1) == CellError("#N/A")


def test_on_windows_errors_xlwings_does_not_know_read_as_their_com_number(windows):
    """`_xlwindows.cell_errors` has the seven classic errors only."""
    sheet = sheet_of(windows)
    put_error(sheet, 1, 1, "#SPILL!")
    put_error(sheet, 1, 2, "#CALC!")
    assert sheet.range("A1:B1").value == [com_error("#SPILL!"), com_error("#CALC!")]
    assert sheet.range("A1:B1").options(err_to_str=True).value == [-2146826243, -2146826238]


def test_on_macos_an_error_reads_as_empty_and_err_to_str_fails_on_rows(macos):
    sheet = sheet_of(macos)
    sheet.range("A1").value = [[1, 2], [3, 4]]
    put_error(sheet, 1, 2, "#N/A")
    put_error(sheet, 2, 1, "#SPILL!")
    assert sheet.range("A1:B2").value == [[1.0, None], [None, 4.0]]
    # An error is AppleScript's `missing value`, which xlwings reads as the empty value.
    assert sheet.range("A1:B2").options(empty="").value == [[1.0, ""], ["", 4.0]]
    assert sheet.range("B1").options(err_to_str=True).value == "#N/A"
    assert sheet.range("A1:B1").options(err_to_str=True).value == [1.0, "#N/A"]
    assert sheet.range("A2").options(err_to_str=True).value is None  # not one of its seven
    # xlwings 0.37.8's `_xlmac.Range.raw_value` cannot put errors back into several rows.
    with pytest.raises(TypeError, match="'NoneType' object is not iterable"):
        _ = sheet.range("A1:B2").options(err_to_str=True).value


def test_errors_typed_opened_or_worked_out_are_errors(windows, tmp_path):
    wb = Workbook()
    wb.active["A1"] = "#REF!"  # openpyxl stores an error value
    wb.active["A2"] = "=1/0"
    wb.save(tmp_path / "errors.xlsx")
    book = windows.open(tmp_path / "errors.xlsx")
    sheet = book.sheets[0]
    sheet.range("B1").value = "#n/a"
    assert sheet.range("A1:B2").options(err_to_str=True).value == [
        ["#REF!", "#N/A"],
        ["#DIV/0!", None],
    ]
    assert sheet.range("A2").formula == "=1/0"


# -- 3. text Excel retypes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored", "number_format"),
    [
        ("March 2025", dt.datetime(2025, 3, 1), "mmm-yy"),
        # A month and one or two digits is a day of this year when it can be (KB 214327).
        ("Jan-25", dt.datetime(2026, 1, 25), "d-mmm"),
        ("Dec 32", dt.datetime(1932, 12, 1), "mmm-yy"),
        ("SEPT2", dt.datetime(2026, 9, 2), "d-mmm"),
        ("5 Mar", dt.datetime(2026, 3, 5), "d-mmm"),
        ("5-Mar-25", dt.datetime(2025, 3, 5), "d-mmm-yy"),
        ("Mar 5, 2025", dt.datetime(2025, 3, 5), "d-mmm-yy"),
        ("2025/05/14", dt.datetime(2025, 5, 14), "m/d/yyyy"),
        ("2025-05-14", dt.datetime(2025, 5, 14), "m/d/yyyy"),
        ("05/04/2025", dt.datetime(2025, 5, 4), "m/d/yyyy"),
        ("5/4/29", dt.datetime(2029, 5, 4), "m/d/yyyy"),
        ("5/4/30", dt.datetime(1930, 5, 4), "m/d/yyyy"),
        ("1/2", dt.datetime(2026, 1, 2), "d-mmm"),
        ("5/2025", dt.datetime(2025, 5, 1), "mmm-yy"),
        ("5/14/2025 10:30", dt.datetime(2025, 5, 14, 10, 30), "m/d/yyyy h:mm"),
        ("1E5", 100000.0, "0.00E+00"),
        ("2310009E13", 2.310009e19, "0.00E+00"),
        ("1 1/2", 1.5, "# ?/?"),
        ("(100)", -100.0, "General"),
        ("15%", 0.15, "0%"),
        ("12.5%", 0.125, "0.00%"),
        ("10 AM", 10 / 24, "h:mm AM/PM"),
        ("22:15", (22 * 60 + 15) / 1440, "h:mm"),
        ("TRUE", True, "General"),
        ("false", False, "General"),
        ("001", 1.0, "General"),
        (" 42 ", 42.0, "General"),
        ("-0.5", -0.5, "General"),
        ("1,234.50", 1234.5, "#,##0.00"),
        ("$1,234", 1234.0, "$#,##0"),
        ("WIDG-100", "WIDG-100", "General"),
        ("Box 12", "Box 12", "General"),
        ("2/30/2025", "2/30/2025", "General"),
        ("13/5/2025", "13/5/2025", "General"),
        ("+27 11 555 0101", "+27 11 555 0101", "General"),
    ],
)
def test_text_written_to_a_general_cell_is_typed_as_excel_types_it(
    windows, typed, stored, number_format
):
    sheet = sheet_of(windows)
    sheet.range("B2").value = typed
    value = sheet.range("B2").value
    assert value == pytest.approx(stored) if isinstance(stored, float) else value == stored
    assert type(value) is type(stored)
    assert sheet.range("B2").number_format == number_format


def test_an_error_typed_is_an_error(windows):
    sheet = sheet_of(windows)
    sheet.range("A1").value = "#N/A"
    assert sheet.range("A1").value is None
    assert sheet.range("A1").options(err_to_str=True).value == "#N/A"


def test_day_first_excel_reads_numeric_dates_day_first(day_first):
    sheet = sheet_of(day_first)
    sheet.range("A1").value = [["05/04/2025", "13/5/2025", "2025/05/14", "14/5"]]
    assert sheet.range("A1:D1").value == [
        dt.datetime(2025, 4, 5),
        dt.datetime(2025, 5, 13),
        dt.datetime(2025, 5, 14),
        dt.datetime(2026, 5, 14),
    ]


def test_quote_text_format_and_formulas(windows):
    sheet = sheet_of(windows)
    sheet.range("A1").value = [["'001", "'=1+1", "'TRUE"]]
    assert sheet.range("A1:C1").value == ["001", "=1+1", "TRUE"]  # the ' is not kept
    sheet.range("A2:C2").number_format = "@"
    sheet.range("A2").value = [["001", "=1+1", "March 2025"]]
    assert sheet.range("A2:C2").value == ["001", "=1+1", "March 2025"]
    sheet.range("A3").value = [[4, "=A3*2+1", '="n"&A3', "=SUM(A3:B3)", "=NA()"]]
    assert sheet.range("A3:D3").value == [4.0, 9.0, "n4", "#NAME?"]  # SUM: not worked out
    assert sheet.range("B3").formula == "=A3*2+1"
    assert sheet.range("E3").options(err_to_str=True).value == "#N/A"
    assert set(data(sheet.book, sheet.name).formulas) == {(3, 2), (3, 3), (3, 4), (3, 5)}


def test_only_a_general_cell_takes_the_format_of_what_was_typed(windows):
    sheet = sheet_of(windows)
    sheet.range("A1").number_format = "0.000"
    sheet.range("A1").value = "15%"
    assert sheet.range("A1").value == 0.15 and sheet.range("A1").number_format == "0.000"


# -- 4. macOS: alerts that time out, a second press ----------------------------------------


def test_on_macos_an_unanswered_alert_raises_appscripts_timeout(macos):
    book = macos.blank()
    macos.app.answers = ["yes", TIMED_OUT]
    assert book.app.alert("Make these changes?", buttons="yes_no") == "yes"
    with pytest.raises(CommandError) as raised:
        book.app.alert("Done.")
    assert raised.value.errornumber == APPLE_EVENT_TIMED_OUT == -1712
    assert "Apple event timed out." in str(raised.value)
    assert [prompt for prompt, _ in macos.app.alerts] == ["Make these changes?", "Done."]


def test_on_windows_an_alert_never_times_out(windows):
    book = windows.blank()
    windows.app.answers = [TIMED_OUT]
    with pytest.raises(ValueError, match="waits"):
        book.app.alert("Done.")


def test_on_macos_a_second_press_runs_while_the_first_works(macos):
    book = macos.blank()
    said: list[str] = []

    def button(name: str) -> None:
        said.append(f"{name} starts")
        book.app.status_bar = f"{name} working"
        book.app.alert(f"{name} done")
        said.append(f"{name} ends")

    macos.app.press_during("status", lambda: button("second"))
    button("first")
    assert said == ["first starts", "second starts", "second ends", "first ends"]
    assert macos.app.statuses == ["first working", "second working"]
    assert [p for p, _ in macos.app.alerts] == ["second done", "first done"]
    assert macos.calls.count("second press") == 1

    said.clear()
    macos.app.press_during("alert", lambda: button("third"), nth=2)
    button("fourth")  # its own alert is the first; the third's is the second
    assert said == ["fourth starts", "fourth ends"]
    button("fifth")
    assert said[2:] == ["fifth starts", "third starts", "third ends", "fifth ends"]


def test_on_windows_no_second_press_can_start(windows):
    with pytest.raises(ValueError, match="waits for Python"):
        windows.app.press_during("status", lambda: None)


def test_the_sheets_last_column_is_excels(windows):
    """EntireRow reaches the last column of the sheet, as Excel's does."""
    sheet = sheet_of(windows)
    assert sheet.range("B3").api.EntireRow.Address == "$A$3:$XFD$3"
    assert sheet.range("B3").api.EntireRow.Count == LAST_COLUMN


@pytest.mark.parametrize("look_in", [FindLookIn.xlValues, FindLookIn.xlFormulas])
def test_find_of_any_cell_finds_what_a_pattern_of_any_text_finds(windows, look_in):
    """`*` is answered without spelling each cell out; `?*` (any text of one character or
    more) is spelled out cell by cell, and finds the same cells: a formula whose value is
    empty text only among formulas, an empty text constant never, FALSE and 0 always."""
    sheet = sheet_of(windows)
    sheet.range("A1").value = "x"
    sheet.range("B3").value = False
    sheet.range("C5").value = 0
    sheet.range("A7").formula = '=""'
    sheet.range("B9").value = ""
    area = sheet.range("A1:C20").api

    def last(what: str) -> tuple[int, int] | None:
        found = area.Find(
            what,
            After=sheet.range("A1").api,
            LookIn=look_in,
            SearchOrder=SearchOrder.xlByRows,
            SearchDirection=SearchDirection.xlPrevious,
        )
        return None if found is None else (found.Row, found.Column)

    expected = (7, 1) if look_in == FindLookIn.xlFormulas else (5, 3)
    assert last("*") == last("?*") == expected
    hide_rows(sheet, [5, 7])
    hidden = (7, 1) if look_in == FindLookIn.xlFormulas else (3, 2)
    assert last("*") == last("?*") == hidden
