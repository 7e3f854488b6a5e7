"""An Excel that lives in memory, plugged into xlwings as an engine of its own.

The ribbon's Python runs against xlwings' own `Book`, `Sheet` and `Range` classes; only the
layer below them (the engine, as `xlwings/base_classes.py` lays it out) is ours. It answers
as Excel does through xlwings 0.37.8, on Windows (COM, `xlwings/_xlwindows.py`) by default or
on macOS (AppleScript, `xlwings/_xlmac.py`) with `Excel(platform="macos")`:

- numbers come back as floats, dates as `datetime`, empty cells as `None`;
- text written to a cell is typed the way Excel types what is typed into a General cell
  (`excel_entry`): numbers, percentages, fractions, dates, times, TRUE/FALSE and error
  values are recognised, `'` keeps the text, `=` starts a formula, and a cell formatted `@`
  keeps the text as it is;
- a cell can hold an Excel error value (`put_error`), which xlwings reads as None, or as its
  text with `err_to_str=True`, each platform in its own way;
- a cell's text can wrap (`Range.wrap_text`, or a template's column format); a row then
  shows as many lines as its wrapped text holds (`Sheet.row_lines`), as Excel fits it;
- rows and columns can be hidden, by hand (`hide_rows`, `Range.api.EntireRow.Hidden`) or by
  an AutoFilter (`Range.api.AutoFilter`, `auto_filter`); reads see hidden cells, a search of
  values (`Range.find`) does not;
- on macOS an alert can go unanswered until appscript gives up (`TIMED_OUT`), and a second
  button press can run while the first is still working (`App.press_during`);
- with `Excel(platform="lite")` it answers as xlwings Lite does (see "xlwings Lite" below):
  the workbook is reached only from a script (`Excel.run_script`), whose reads come from the
  values loaded when it started and whose writes are applied when it returns.

Every call that would cross into Excel is counted, with the cells it moves, so a test can
say how many calls a button takes. A sheet's used range can be made larger than its data
(`Sheet.formatted_to`), as it is when a user formats whole columns.

Each behaviour cites where it comes from: the xlwings source it copies, or Microsoft's
documentation. What no source settles is said to be a choice of this model.
"""

from __future__ import annotations

import asyncio
import calendar
import datetime as dt
import functools
import inspect
import itertools
import re
import sys
import time
import types
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlwings
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from xlwings import main as xlmain
from xlwings.constants import (
    AutoFilterOperator,
    FindLookIn,
    LookAt,
    SearchDirection,
    SearchOrder,
)

LAST_ROW = 1_048_576
LAST_COLUMN = 16_384
WINDOWS, MACOS, LITE = "windows", "macos", "lite"
Cell = tuple[int, int]


# -- error values -----------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    """An Excel error value held by a cell (#N/A, #DIV/0!, ...): never text."""

    text: str

    def __post_init__(self) -> None:
        if self.text not in XL_ERRORS:
            raise ValueError(f"not an Excel error value: {self.text!r}")

    def __str__(self) -> str:
        return self.text


# The xlErr numbers of the error values. #NULL! to #SPILL! are on
# https://learn.microsoft.com/en-us/office/vba/api/excel.xlcverror; the newer ones
# (xlErrGettingData 2043 ... xlErrCalc 2050) are constants of Excel's type library that the
# page does not list yet.
XL_ERRORS = {
    "#NULL!": 2000,
    "#DIV/0!": 2007,
    "#VALUE!": 2015,
    "#REF!": 2023,
    "#NAME?": 2029,
    "#NUM!": 2036,
    "#N/A": 2042,
    "#GETTING_DATA": 2043,
    "#SPILL!": 2045,
    "#CONNECT!": 2046,
    "#BLOCKED!": 2047,
    "#UNKNOWN!": 2048,
    "#FIELD!": 2049,
    "#CALC!": 2050,
}
# The seven error values a user can type (and VBA's CVErr documents):
# https://learn.microsoft.com/en-us/office/vba/excel/concepts/cells-and-ranges/cell-error-values
TYPED_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")


def com_error(text: str) -> int:
    """The int pywin32 hands Python for an error value: the CVErr scode 0x800A0000 plus the
    xlErr number, as a signed 32-bit int (-2146826246 for #N/A)."""
    return -2146828288 + XL_ERRORS[text]


# What xlwings knows of them on Windows: `_xlwindows.cell_errors`, the same seven. Any other
# error (#SPILL!, #CALC!, ...) is not in it, so `_clean_value_data_element` hands its int on.
WINDOWS_CELL_ERRORS = {com_error(t): t for t in TYPED_ERRORS}
# ... and on macOS: `_xlmac.cell_errors`, the same seven texts.
MAC_CELL_ERRORS = TYPED_ERRORS


class _MissingValue:
    """appscript's `k.missing_value`: what Excel for Mac's AppleScript `value` answers for a
    cell holding an error value (xlwings 0.15.5 release notes: errors were "returned as
    constant on Windows (e.g. -2146826246) or k.missing_value on Mac")."""

    def __repr__(self) -> str:
        return "k.missing_value"


MISSING_VALUE = _MissingValue()


class ComError(Exception):
    """A call Excel refuses over COM (pywin32 raises `pywintypes.com_error`)."""


class CommandError(Exception):
    """Stand-in for `appscript.reference.CommandError`, which xlwings' macOS engine raises
    when an Apple event fails (appscript only installs on macOS). Like appscript's, it has
    `errornumber`, `errormessage` and `int()`; -1712 is "Apple event timed out." (aem's
    error table, py-appscript `aem/aemsend.py`)."""

    def __init__(self, errornumber: int, errormessage: str = "", command: str = "") -> None:
        super().__init__(errornumber, errormessage, command)
        self.errornumber = errornumber
        self.errormessage = errormessage
        self.command = command

    def __int__(self) -> int:
        return self.errornumber

    def __str__(self) -> str:
        return (
            f"Command failed:\n\t\tOSERROR: {self.errornumber}\n\t\t"
            f"MESSAGE: {self.errormessage}\n\t\tCOMMAND: {self.command}"
        )


APPLE_EVENT_TIMED_OUT = -1712
# Seconds an appscript command waits for its reply unless told otherwise.
APPLE_EVENT_TIMEOUT = 60


class _TimedOut:
    def __repr__(self) -> str:
        return "TIMED_OUT"


# An answer for `App.answers`: nobody answered the alert (see `App.alert`).
TIMED_OUT = _TimedOut()


# -- what Excel makes of text typed into a cell -------------------------------------------

_MONTHS = {
    name: n
    for n in range(1, 13)
    for name in (calendar.month_name[n].lower(), calendar.month_abbr[n].lower())
}
_MONTHS["sept"] = 9
_HAS_DIGIT = re.compile(r"\d")
_NUMBER_ENTRY = re.compile(
    r"(?P<open>\()?\s*(?P<sign>[-+])?\s*(?P<cur>\$)?\s*"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)"
    r"(?P<exp>[eE][-+]?\d+)?\s*(?P<pct>%)?\s*(?P<close>\))?"
)
_FRACTION = re.compile(r"(?P<sign>-)?(?P<whole>\d+) +(?P<num>\d+)/(?P<den>\d+)")
_TIME = re.compile(
    r"(?P<h>\d{1,2})(?::(?P<mi>\d{1,2}))?(?::(?P<s>\d{1,2}(?:\.\d+)?))?\s*(?P<ampm>[ap]m?)?",
    re.I,
)
_ISO = re.compile(r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})")
_NUMERIC3 = re.compile(r"(?P<a>\d{1,2})(?P<sep>[-/])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})")
_NUMERIC2 = re.compile(r"(?P<a>\d{1,2})[-/](?P<b>\d{1,4})")
_DAY_MONTH = re.compile(
    r"(?P<d>\d{1,2})[-/ ]+(?P<mon>[a-z]{3,9})\.?(?:[-/ ,]+(?P<y>\d{2}|\d{4}))?", re.I
)
_MONTH_DAY = re.compile(
    r"(?P<mon>[a-z]{3,9})\.?[-/ ]*(?P<n>\d{1,4})(?:,? +(?P<y>\d{2}|\d{4}))?", re.I
)
_DATE_TIME = re.compile(
    r"(?P<date>.+?)\s+(?P<time>\d{1,2}(?::\d{1,2}){1,2}(?:\.\d+)?(?:\s*[ap]m?)?|\d{1,2}\s*[ap]m?)",
    re.I,
)

Entry = tuple[Any, str | None]  # the value, and the number format Excel gives a General cell


@dataclass(frozen=True)
class Typing:
    """How the Excel being modelled reads dates: `mdy` as en-US Windows does; `dmy` as a
    South African (or British) one set to day/month/year. (en-ZA Windows' own short date is
    yyyy/mm/dd, which both orders read as the same date.) `today` gives the year of dates
    typed without one."""

    date_order: str = "mdy"
    today: dt.date | None = None

    def year(self) -> int:
        return (self.today or dt.date.today()).year


def excel_entry(text: str, typing: Typing = Typing()) -> Entry | None:
    """What Excel stores for `text` typed (or written through COM's Range.Value) into a cell
    that is not formatted as text: a number, a date, a time, a boolean or an error value,
    with the number format it gives a General cell; None when the text stays text.

    Modelled on English (United States) Excel: `$` currency, `,` thousands, `.` decimals;
    dates in the date order of `typing`. Sources, each rule's own below."""
    s = text.strip(" ")
    upper = s.upper()
    # TRUE and FALSE in any case become booleans; the seven error texts become errors.
    if upper in ("TRUE", "FALSE"):
        return upper == "TRUE", None
    if upper in TYPED_ERRORS:
        return CellError(upper), None
    if not _HAS_DIGIT.search(s):
        return None
    for parse in (_number_entry, _fraction_entry, _time_entry, _date_time_entry):
        entry = parse(s, typing)
        if entry is not None:
            return entry
    return _date_entry(s, typing)


def _number_entry(s: str, typing: Typing) -> Entry | None:
    """Numbers as Excel reads them as you type: `001` is 1, `1,234.50` is 1234.5 (comma
    style), `$5` currency, `15%` is 0.15 in a percent format, `(100)` is -100, `1E5` is
    100000 in scientific format. Excel applies these formats to a General cell itself
    ("Using automatic number formatting", Excel Bible; Microsoft KB 215203 on percentages).
    The exact format codes are this model's."""
    m = _NUMBER_ENTRY.fullmatch(s)
    if m is None or bool(m["open"]) != bool(m["close"]) or (m["open"] and m["sign"]):
        return None
    digits, exp = m["digits"], m["exp"] or ""
    if exp and ("," in digits or m["pct"] or m["cur"]):
        return None
    value = float(digits.replace(",", "") + exp)
    if m["sign"] == "-" or m["open"]:
        value = -value
    decimals = "." in digits
    if m["pct"]:
        return value / 100, "0.00%" if decimals else "0%"
    if m["cur"]:
        return value, "$#,##0.00" if decimals else "$#,##0"
    if "," in digits:
        return value, "#,##0.00" if decimals else "#,##0"
    return value, "0.00E+00" if exp else None


def _fraction_entry(s: str, typing: Typing) -> Entry | None:
    """`1 1/2` is 1.5 in a fraction format: a whole number, a space and a proper fraction.
    (A bare `1/2` is a date, 2 January.)"""
    m = _FRACTION.fullmatch(s)
    if m is None or int(m["den"]) == 0 or int(m["num"]) >= int(m["den"]):
        return None
    value = int(m["whole"]) + int(m["num"]) / int(m["den"])
    return (-value if m["sign"] else value), "# ?/?" if int(m["den"]) < 10 else "# ??/??"


def _time_of_day(s: str) -> tuple[float, str] | None:
    """A time typed alone (`10 AM`, `10:30`, `22:15:30`) as the fraction of a day Excel
    stores, and a time format: a time is a number, and xlwings reads a time-only cell as that
    float (xlwings issues #86 and #2105)."""
    m = _TIME.fullmatch(s)
    if m is None or (m["mi"] is None and m["ampm"] is None):
        return None
    h, mi, sec = int(m["h"]), int(m["mi"] or 0), float(m["s"] or 0)
    if m["ampm"]:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m["ampm"][0].lower() == "p" else 0)
    if h > 23 or mi > 59 or sec >= 60:
        return None
    shown = "h:mm:ss" if m["s"] else "h:mm"
    return (h * 3600 + mi * 60 + sec) / 86400, shown + (" AM/PM" if m["ampm"] else "")


def _time_entry(s: str, typing: Typing) -> Entry | None:
    return _time_of_day(s)


def _date_time_entry(s: str, typing: Typing) -> Entry | None:
    """A date followed by a time (`5/14/2025 10:30`): one datetime."""
    m = _DATE_TIME.fullmatch(s)
    if m is None:
        return None
    day, moment = _date_entry(m["date"], typing), _time_of_day(m["time"])
    if day is None or moment is None:
        return None
    fraction, _ = moment
    return day[0] + dt.timedelta(seconds=round(fraction * 86400)), "m/d/yyyy h:mm"


def _year(digits: str) -> int | None:
    """A typed year: two digits are 1930-2029 (00-29 this century, 30-99 the last; Microsoft
    KB 214391, "How Excel works with two-digit year numbers"); four digits from 1900."""
    n = int(digits)
    if len(digits) <= 2:
        return 2000 + n if n <= 29 else 1900 + n
    return n if len(digits) == 4 and 1900 <= n <= 9999 else None


def _day(year: int | None, month: int | None, day: int) -> dt.datetime | None:
    if year is None or month is None or year < 1900:
        return None
    try:
        return dt.datetime(year, month, day)
    except ValueError:
        return None


def _date_entry(s: str, typing: Typing) -> Entry | None:
    """Dates as Excel reads them as you type (Microsoft KB 214391): numeric dates in the
    regional date order; a year first (`2025/05/14`) is year/month/day in either order;
    month names in English."""
    numeric = "m/d/yyyy" if typing.date_order == "mdy" else "dd/mm/yyyy"
    if m := _ISO.fullmatch(s):
        day = _day(int(m["y"]), int(m["m"]), int(m["d"]))
        return (day, numeric) if day else None
    if m := _NUMERIC3.fullmatch(s):
        a, b = int(m["a"]), int(m["b"])
        month, d = (a, b) if typing.date_order == "mdy" else (b, a)
        day = _day(_year(m["y"]), month, d)
        return (day, numeric) if day else None
    if m := _NUMERIC2.fullmatch(s):
        return _two_part_numeric(m, typing)
    if m := _DAY_MONTH.fullmatch(s):
        year = _year(m["y"]) if m["y"] else typing.year()
        day = _day(year, _MONTHS.get(m["mon"].lower()), int(m["d"]))
        return (day, "d-mmm-yy" if m["y"] else "d-mmm") if day else None
    if m := _MONTH_DAY.fullmatch(s):
        return _month_first(m, typing)
    return None


def _two_part_numeric(m: re.Match[str], typing: Typing) -> Entry | None:
    """Two numbers (`5/14`, `14/5`, `5/2025`): Excel first reads them as a day and month of
    the current year in the regional order, and failing that as a month and year, the 1st
    (KB 214391, "Entering dates that contain only day/month or month/year components")."""
    a, b = int(m["a"]), int(m["b"])
    month, d = (a, b) if typing.date_order == "mdy" else (b, a)
    if len(m["b"]) <= 2 and (day := _day(typing.year(), month, d)):
        return day, "d-mmm"
    day = _day(_year(m["b"]), a, 1)
    return (day, "mmm-yy") if day else None


def _month_first(m: re.Match[str], typing: Typing) -> Entry | None:
    """A month name and a number (`Jan-25`, `Dec 31`, `MARCH1`, `March 2025`): Excel takes one
    or two digits for the day of the month in the current year, and only when they exceed
    the days of that month for a year, the 1st (Microsoft KB 214327, "Wrong date returned
    when you enter month and digits": Dec 31 is 31 December this year, Dec 32 is 1 December
    1932; the gene names SEPT2 and MARCH1 become 2-Sep and 1-Mar, Ziemann et al., Genome
    Biology 2016). Four digits are a year. With a year after it (`Mar 5, 2025`), the number
    is the day."""
    month = _MONTHS.get(m["mon"].lower())
    n = m["n"]
    if month is None:
        return None
    if m["y"]:
        day = _day(_year(m["y"]), month, int(n)) if len(n) <= 2 else None
        return (day, "d-mmm-yy") if day else None
    if len(n) == 4:
        day = _day(int(n), month, 1)
        return (day, "mmm-yy") if day else None
    if len(n) <= 2 and 1 <= int(n) <= calendar.monthrange(typing.year(), month)[1]:
        return dt.datetime(typing.year(), month, int(n)), "d-mmm"
    day = _day(_year(n), month, 1) if len(n) <= 2 else None
    return (day, "mmm-yy") if day else None


# -- formulas: the simple ones are worked out -------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
     (?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
    |(?P<str>"(?:[^"]|"")*")
    |(?P<err>\#(?:N/A|DIV/0!|VALUE!|REF!|NAME\?|NUM!|NULL!))
    |(?P<na>NA\(\s*\))
    |(?P<bool>TRUE|FALSE)(?![\w(])
    |(?P<ref>\$?[A-Z]{1,3}\$?\d+)(?![\w(!:])
    |(?P<op>[-+*/^&()])
    )""",
    re.X | re.I,
)


class _NotSimple(Exception):
    pass


class _ErrorResult(Exception):
    def __init__(self, error: str) -> None:
        self.error = CellError(error)


def _tokens(formula: str) -> list[tuple[str, str]]:
    out, pos, body = [], 0, formula[1:]
    while pos < len(body.rstrip()):
        m = _TOKEN.match(body, pos)
        if m is None or m.end() == pos:
            raise _NotSimple
        kind = m.lastgroup or ""
        out.append((kind, m[kind]))
        pos = m.end()
    if not out:
        raise _NotSimple
    return out


class _Formula:
    """The value of a formula made only of constants, single-cell references on its own
    sheet, `NA()`, the arithmetic operators and `&`, by the precedence of ECMA-376's
    formula operators (Part 1, "Operators": unary minus before `^`, so `=-2^2` is 4).
    References are read once, when the formula is written: nothing is recalculated."""

    def __init__(self, tokens: list[tuple[str, str]], sheet: Sheet) -> None:
        self.tokens, self.at, self.sheet = tokens, 0, sheet

    def value(self) -> Any:
        try:
            result = self._concat()
            if self.at != len(self.tokens):
                raise _NotSimple
        except _ErrorResult as e:
            return e.error
        return 0.0 if result is None else result

    def _peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise _NotSimple
        self.at += 1
        return self.tokens[self.at - 1]

    def _concat(self) -> Any:
        left = self._sum()
        while self._peek() == "&":
            self._take()
            left = _text(left) + _text(self._sum())
        return left

    def _sum(self) -> Any:
        left = self._product()
        while self._peek() in ("+", "-"):
            op = self._take()[1]
            right = _number(self._product())
            left = _number(left) + (right if op == "+" else -right)
        return left

    def _product(self) -> Any:
        left = self._power()
        while self._peek() in ("*", "/"):
            op = self._take()[1]
            a, b = _number(left), _number(self._power())
            if op == "/" and b == 0:
                raise _ErrorResult("#DIV/0!")
            left = a * b if op == "*" else a / b
        return left

    def _power(self) -> Any:
        left = self._unary()
        while self._peek() == "^":
            self._take()
            a, b = _number(left), _number(self._unary())
            try:
                result = a**b
            except ZeroDivisionError:
                raise _ErrorResult("#DIV/0!") from None
            except OverflowError:
                raise _ErrorResult("#NUM!") from None
            if isinstance(result, complex) or (a == 0 and b == 0):
                raise _ErrorResult("#NUM!")
            left = float(result)
        return left

    def _unary(self) -> Any:
        if self._peek() in ("-", "+"):
            op = self._take()[1]
            value = _number(self._unary())
            return -value if op == "-" else value
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "bool":
            return text.upper() == "TRUE"
        if kind in ("err", "na"):
            raise _ErrorResult("#N/A" if kind == "na" else text.upper())
        if kind == "ref":
            value = self.sheet.grid.get(_corner(text.upper()))
            if isinstance(value, CellError):
                raise _ErrorResult(value.text)
            return value
        if text == "(":
            inner = self._concat()
            if self._take()[1] != ")":
                raise _NotSimple
            return inner
        raise _NotSimple


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    try:
        return float(str(value).strip())
    except ValueError:
        raise _ErrorResult("#VALUE!") from None


def _text(value: Any) -> str:
    return "" if value is None else _as_text(value)


def formula_value(formula: str, sheet: Sheet) -> Any:
    """A formula's value where `_Formula` can work it out; else the text `#NAME?`, which is
    what this engine has always stored for a formula it does not calculate."""
    try:
        return _Formula(_tokens(formula), sheet).value()
    except _NotSimple:
        return "#NAME?"


# -- the engine --------------------------------------------------------------------------


@dataclass
class Calls:
    """What crossed into Excel: each call by kind, and the cells the transfers moved; and
    the CPU time spent on this side of the calls, standing in for Excel's own work."""

    log: list[tuple[str, int]] = field(default_factory=list)
    excel_seconds: float = 0.0

    def add(self, kind: str, cells: int = 0) -> None:
        self.log.append((kind, cells))

    def count(self, kind: str | None = None) -> int:
        return sum(1 for k, _ in self.log if kind is None or k == kind)

    def kinds(self) -> Counter[str]:
        return Counter(k for k, _ in self.log)

    def largest(self, kind: str) -> int:
        return max((n for k, n in self.log if k == kind), default=0)

    def clear(self) -> None:
        self.log.clear()
        self.excel_seconds = 0.0


def _excel_work(method):
    """Time a call as Excel's work, not the caller's."""

    @functools.wraps(method)
    def timed(self, *args, **kw):
        started = time.process_time()
        try:
            return method(self, *args, **kw)
        finally:
            self.sheet_impl.calls.excel_seconds += time.process_time() - started

    return timed


class Engine:
    name = "memory"

    def __init__(self, platform: str = WINDOWS, typing: Typing | None = None) -> None:
        if platform not in (WINDOWS, MACOS, LITE):
            raise ValueError(f"platform is {WINDOWS!r}, {MACOS!r} or {LITE!r}, not {platform!r}")
        self.platform = platform
        self.typing = typing or Typing()
        self.calls = Calls()
        self.apps = Apps(self)

    @property
    def type(self) -> str:
        # xlwings Lite's engine is "remote" (`_xlremote.Engine.type`): xlwings then opens a
        # book from the add-in's JSON, never from a path (`main.Books.open`), and chunks a
        # scalar's write (`conversion.standard.WriteValueToRangeStage`).
        return "remote" if self.platform == LITE else "desktop"

    # The conversions xlwings asks an engine for, as the platform's engine makes them.
    def prepare_xl_data_element(self, x: Any, date_format: Any) -> Any:
        # _xlwindows.Engine.prepare_xl_data_element / _xlmac.Engine.prepare_xl_data_element:
        # None is written as "" on both; macOS sends ints as floats (GH 227).
        if x is None:
            return ""
        if self.platform == LITE:
            return _lite_data_element(x)
        if self.platform == MACOS and isinstance(x, int) and not isinstance(x, bool):
            return float(x)
        return x

    def clean_value_data(self, data, datetime_builder, empty_as, number_builder, err_to_str):
        clean = {WINDOWS: _clean_windows, MACOS: _clean_mac, LITE: _clean_lite}[self.platform]
        return [
            [clean(c, datetime_builder, empty_as, number_builder, err_to_str) for c in row]
            for row in data
        ]


def _clean_windows(value, datetime_builder, empty_as, number_builder, err_to_str):
    """xlwings/_xlwindows.py `_clean_value_data_element`, as it is: an error value arrives
    from COM as an int; one of the seven it knows reads as None, or as its text with
    `err_to_str`; any other error (#SPILL!, #CALC!) passes on as the int."""
    if value in ("", None):
        return empty_as
    elif isinstance(value, dt.date):
        # `_com_time_to_datetime`
        return datetime_builder(
            month=value.month,
            day=value.day,
            year=value.year,
            hour=getattr(value, "hour", 0),
            minute=getattr(value, "minute", 0),
            second=getattr(value, "second", 0),
            microsecond=getattr(value, "microsecond", 0),
            tzinfo=None,
        )
    elif number_builder is not None and isinstance(value, float):
        value = number_builder(value)
    elif isinstance(value, int) and value in WINDOWS_CELL_ERRORS:
        return WINDOWS_CELL_ERRORS[value] if err_to_str else None
    return value


def _clean_mac(value, datetime_builder, empty_as, number_builder, err_to_str):
    """xlwings/_xlmac.py `_clean_value_data_element`, as it is: "" and `k.missing_value`
    (an error value's AppleScript value) read as `empty_as`. `err_to_str` is handled earlier,
    in `_xlmac.Range.raw_value` (see `Range._mac_raw_value`)."""
    if value == "" or value is MISSING_VALUE:
        return empty_as
    return _built(value, datetime_builder, number_builder)


def _built(value, datetime_builder, number_builder):
    """A datetime or float as the caller's builders make it: the last step of `_xlmac`'s
    and `_xlremote`'s `_clean_value_data_element` alike."""
    if isinstance(value, dt.datetime) and datetime_builder is not dt.datetime:
        return datetime_builder(
            month=value.month,
            day=value.day,
            year=value.year,
            hour=value.hour,
            minute=value.minute,
            second=value.second,
            microsecond=value.microsecond,
            tzinfo=None,
        )
    if number_builder is not None and isinstance(value, float):
        return number_builder(value)
    return value


class Apps:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._apps: list[App] = []

    def keys(self) -> list[int]:
        return [a.pid for a in self._apps]

    def add(self, spec=None, add_book=True, xl=None, visible=None) -> App:
        app = App(self.engine, 1000 + len(self._apps))
        self._apps.insert(0, app)
        return app

    @staticmethod
    def cleanup() -> None:
        pass

    def __iter__(self):
        return iter(self._apps)

    def __len__(self) -> int:
        return len(self._apps)

    def __getitem__(self, pid: int) -> App:
        return next(a for a in self._apps if a.pid == pid)


@dataclass
class _Press:
    event: str
    nth: int
    press: Callable[[], Any]
    seen: int = 0


class App:
    version = "16.0"

    def __init__(self, engine: Engine, pid: int) -> None:
        self.engine = engine
        self.calls = engine.calls
        self.pid = pid
        self.books = Books(self)
        self.alerts: list[tuple[str, str]] = []  # (prompt, mode)
        # What the user answers to yes/no alerts, in turn; TIMED_OUT: no answer (macOS).
        self.answers: list[Any] = []
        self.statuses: list[str | bool] = []
        self._status: str | bool = False
        self._presses: list[_Press] = []
        self.screen_updating = True
        self.display_alerts = True
        self.calculation = "automatic"
        self.visible = True
        self.enable_events = True
        self.interactive = True
        self.startup_path = ""
        self.cut_copy_mode = False
        # Range.Find's LookIn, LookAt, SearchOrder and MatchByte "are saved each time you use
        # this method" (https://learn.microsoft.com/en-us/office/vba/api/excel.range.find);
        # these are the Find dialog's own defaults.
        self.find_settings: dict[str, Any] = {
            "LookIn": FindLookIn.xlFormulas,
            "LookAt": LookAt.xlPart,
            "SearchOrder": SearchOrder.xlByRows,
            "MatchByte": False,
        }

    @property
    def api(self) -> App:
        return self

    @property
    def selection(self) -> Range | None:
        book = self.books.active
        return book.selection if book else None

    def activate(self, steal_focus: bool = False) -> None:
        pass

    def alert(self, prompt, title, buttons, mode, callback):
        """The alert, answered from `answers` (yes/no kinds) or "ok". TIMED_OUT in `answers`
        is an alert nobody answers: on macOS, xlwings shows it with StandardAdditions'
        `display_alert` through appscript (`_xlmac.App.alert`), whose commands give up after
        60 s (`timeout` defaults to 60 in py-appscript's `reference.Command.__call__`) and
        raise CommandError -1712. On Windows, `win32api.MessageBox` waits for ever
        (`_xlwindows.App.alert`), so TIMED_OUT there is a mistake in the test."""
        self._event("alert")
        self.calls.add("alert")
        self.alerts.append((prompt, mode))
        if self.engine.platform == LITE:
            # `_xlremote.App.alert` queues the alert for the add-in to show and answers
            # nothing.
            return None
        if self.answers and self.answers[0] is TIMED_OUT:
            self.answers.pop(0)
            if self.engine.platform != MACOS:
                raise ValueError("on Windows an alert waits for its answer: no TIMED_OUT")
            raise CommandError(APPLE_EVENT_TIMED_OUT, "Apple event timed out.", "display_alert")
        if buttons in ("yes_no", "yes_no_cancel", "ok_cancel"):
            return self.answers.pop(0)
        return "ok"

    def press_during(self, event: str, press: Callable[[], Any], nth: int = 1) -> None:
        """Run `press` (a second button press: a call of a ribbon function) while the button
        being run is still working, at its `nth` "status" (right after the status bar is
        set) or "alert" (just before the alert shows).

        Only on macOS: xlwings' AppleScript runs Python in the background (the shell
        command in `xlwings-0.37.8.applescript` VbaHandler ends in `&`), so RunPython returns
        to Excel at once and the ribbon answers the next click while Python still runs. On
        Windows RunPython waits for Python (`ExecuteWindows`, `WaitOnReturn = True`, in the
        add-in's `Main.bas`), so no second press can start meanwhile. The two Pythons really
        run side by side; here the second runs to its end at that point of the first."""
        if self.engine.platform != MACOS:
            raise ValueError("on Windows RunPython waits for Python: no second press meanwhile")
        if event not in ("status", "alert"):
            raise ValueError(f"event is 'status' or 'alert', not {event!r}")
        self._presses.append(_Press(event, nth, press))

    def _event(self, event: str) -> None:
        for waiting in list(self._presses):
            if waiting.event != event:
                continue
            waiting.seen += 1
            if waiting.seen == waiting.nth:
                self._presses.remove(waiting)
                self.calls.add("second press")
                waiting.press()

    @property
    def status_bar(self) -> str | bool:
        self._no_status_bar_in_lite()
        return self._status

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self._no_status_bar_in_lite()
        self.calls.add("status bar")
        self.statuses.append(value)
        self._status = value
        self._event("status")

    def _no_status_bar_in_lite(self) -> None:
        # `_xlremote.App.status_bar`: Office.js' Application has no status bar.
        if self.engine.platform == LITE:
            raise NotImplementedError(
                "App.status_bar is not supported on this engine: it has no equivalent setting."
            )

    def calculate(self) -> None:
        pass

    def quit(self) -> None:
        pass

    def kill(self) -> None:
        pass


class Books:
    def __init__(self, app: App) -> None:
        self.app = app
        self._books: list[Book] = []
        self.active: Book | None = None

    @property
    def api(self) -> Books:
        return self

    def __call__(self, name_or_index: str | int) -> Book:
        if isinstance(name_or_index, int):
            return self._books[name_or_index - 1]
        for b in self._books:
            if b.name.lower() == name_or_index.lower():
                return b
        raise KeyError(name_or_index)

    def __len__(self) -> int:
        return len(self._books)

    def __iter__(self):
        return iter(self._books)

    def add(self) -> Book:
        book = Book(self.app, f"Book{len(self._books) + 1}", None)
        book.sheets.add(name="Sheet1")
        return self._opened(book)

    def open(self, fullname: str | None = None, *args: Any, **kw: Any) -> Book:
        """The workbook at `fullname` as Excel holds it once opened: its values and error
        values, formulas (worked out where simple), number formats, hidden rows and columns
        and AutoFilter range.

        Not in xlwings Lite, whose books are the workbooks the add-in sends over
        (`_xlremote.Books.open` takes that JSON, not a path): "Book(path) is not possible"."""
        if self.app.engine.platform == LITE or fullname is None:
            raise NotImplementedError(
                "xlwings Lite cannot open a workbook file; a script works on the workbook "
                "it is given"
            )
        return self.load(fullname)

    def load(self, fullname: str) -> Book:
        """The workbook at `fullname`, opened by the user (for tests: in Lite too)."""
        self.app.calls.add("open")
        path = Path(fullname)
        book = Book(self.app, path.name, str(path.resolve()))
        wb = load_workbook(path)
        for ws in wb.worksheets:
            sheet = book.sheets.add(name=ws.title)
            _load_cells(sheet, ws)
            _load_layout(sheet, ws)
            sheet.formatted_to = (ws.max_row, ws.max_column)
        for name, defined in wb.defined_names.items():
            book.names.add(name, "=" + defined.attr_text)
        book.sheets.active = book.sheets._sheets[0]
        return self._opened(book)

    def _opened(self, book: Book) -> Book:
        self._books.append(book)
        self.active = book
        return book


def _load_cells(sheet: Sheet, ws: Any) -> None:
    for row in ws.iter_rows():
        for cell in row:
            if cell.number_format != "General":
                sheet.formats[cell.row, cell.column] = cell.number_format
            if cell.has_style and cell.alignment.wrap_text is not None:
                sheet.wraps[cell.row, cell.column] = bool(cell.alignment.wrap_text)
            value = cell.value
            if value is None:
                continue
            where = (cell.row, cell.column)
            if cell.data_type == "e" and value in XL_ERRORS:
                sheet.grid[where] = CellError(value)
            elif cell.data_type == "f":
                text = value if isinstance(value, str) else getattr(value, "text", str(value))
                sheet.formulas[where] = text
                sheet.grid[where] = as_stored(formula_value(text, sheet))
            else:
                sheet.grid[where] = as_stored(value)


def _load_layout(sheet: Sheet, ws: Any) -> None:
    for letter, dim in ws.column_dimensions.items():
        low = dim.min or column_index_from_string(letter)
        columns = range(low, (dim.max or low) + 1)
        if dim.number_format and dim.number_format != "General":
            for c in columns:
                sheet.column_formats[c] = dim.number_format
        if dim.alignment is not None and dim.alignment.wrap_text:
            sheet.wrapped_columns.update(columns)
        if dim.hidden:
            sheet.hidden_columns.update(columns)
    sheet.hidden_rows.update(r for r, dim in ws.row_dimensions.items() if dim.hidden)
    if ws.auto_filter.ref:
        c1, r1, c2, r2 = range_boundaries(ws.auto_filter.ref)
        sheet.autofilter = ((r1, c1), (r2, c2))


class Book:
    def __init__(self, app: App, name: str, fullname: str | None) -> None:
        self.app = app
        self.calls = app.calls
        self.name = name
        self._fullname = fullname
        self.sheets = Sheets(self)
        self.names = Names(self)
        self.closed = False
        self.selection: Range | None = None
        self.lite: LiteRun | None = None

    @property
    def api(self) -> Book:
        return self

    @property
    def fullname(self) -> str:
        if self.app.engine.platform == LITE:
            return self.name  # `_xlremote.Book.fullname`: the add-in knows no path
        return self._fullname or self.name

    def lite_run(self) -> LiteRun:
        """The script running on this workbook (Lite); reaching it otherwise is a mistake."""
        if self.lite is None:
            raise LiteViolation("xlwings Lite reaches a workbook only from a running script")
        return self.lite

    async def flush(self) -> None:
        self.lite_run().flush()

    async def load(self, values: bool | None = None) -> None:
        """`Book.load`: the queued writes applied, every sheet's values loaded anew."""
        run = self.lite_run()
        run.flush()
        run.load(self)

    def close(self) -> None:
        self.calls.add("close")
        self.closed = True
        self.app.books._books.remove(self)
        if self.app.books.active is self:
            books = self.app.books._books
            self.app.books.active = books[-1] if books else None

    def save(self, path: str | None = None, password: str | None = None) -> None:
        self.calls.add("save")

    def activate(self) -> None:
        self.app.books.active = self

    def to_pdf(self, *args: Any, **kw: Any) -> None:
        raise NotImplementedError


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._sheets: list[Sheet] = []
        self.active: Sheet | None = None

    @property
    def api(self) -> Sheets:
        return self

    def __call__(self, name_or_index: str | int) -> Sheet:
        self.book.calls.add("sheet")
        if isinstance(name_or_index, int):
            return self._sheets[name_or_index - 1]
        for s in self._sheets:
            if s.name.lower() == name_or_index.lower():
                return s
        raise KeyError(name_or_index)  # what COM raises, in effect

    def __len__(self) -> int:
        return len(self._sheets)

    def __iter__(self):
        return iter(self._sheets)

    def named(self, name: str) -> Sheet | None:
        """For tests: the sheet, without a call into Excel."""
        return next((s for s in self._sheets if s.name == name), None)

    def add(self, before=None, after=None, name: str | None = None) -> Sheet:
        self.book.calls.add("add sheet")
        sheet = Sheet(self.book, name or f"Sheet{len(self._sheets) + 1}")
        self._sheets.append(sheet)
        self.active = sheet
        if self.book.lite is not None:
            # `_xlremote.Sheets.add`: the new sheet is in the book's data at once, empty;
            # adding it in Excel is queued, and undone here if the script fails.
            self.book.lite.values[sheet] = {}
            self.book.lite.used[sheet] = (1, 1)
            self.book.lite.added.append(sheet)
        return sheet


class Grid(dict[Cell, Any]):
    """A sheet's values by (row, column); remembers where error values were put, so that a
    read can answer them as the platform does without looking at every cell."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: set[Cell] = set()

    def __setitem__(self, key: Cell, value: Any) -> None:
        if isinstance(value, CellError):
            self.errors.add(key)
        super().__setitem__(key, value)

    def clear(self) -> None:
        super().clear()
        self.errors.clear()

    def errors_in(self, first: Cell, last: Cell) -> list[Cell]:
        (r1, c1), (r2, c2) = first, last
        return [
            (r, c)
            for r, c in self.errors
            if r1 <= r <= r2 and c1 <= c <= c2 and isinstance(self.get((r, c)), CellError)
        ]


@dataclass
class _Filter:
    """An AutoFilter: its range (headings in the first row) and each field's criterion."""

    first: Cell
    last: Cell
    criteria: dict[int, Callable[[Any], bool]] = field(default_factory=dict)


class Sheet:
    def __init__(self, book: Book, name: str) -> None:
        self.book = book
        self.calls = book.calls
        self._name = name
        self.grid = Grid()
        self.formulas: dict[Cell, str] = {}
        self.formats: dict[Cell, str] = {}
        self.column_formats: dict[int, str] = {}
        # Wrap text: set on cells (True or False), else as the column's format says.
        self.wraps: dict[Cell, bool] = {}
        self.wrapped_columns: set[int] = set()
        # The used range also covers formatted cells; a user who formats whole columns
        # makes it reach the sheet's last row.
        self.formatted_to: tuple[int, int] = (0, 0)
        # Rows hidden by hand, rows an AutoFilter hides, columns hidden by hand.
        self.hidden_rows: set[int] = set()
        self.filtered_rows: set[int] = set()
        self.hidden_columns: set[int] = set()
        self._filter: _Filter | None = None
        self.visible = True

    @property
    def platform(self) -> str:
        return self.book.app.engine.platform

    @property
    def api(self) -> Any:
        # On macOS `.api` is an appscript reference (`_xlmac.Sheet.api` returns `self.xl`);
        # in Lite, the sheet's data as the add-in sent it (`_xlremote.Sheet.api`).
        if self.platform == LITE:
            return {"name": self.name, "values": self.lite_values()}
        return SheetApi(self) if self.platform == WINDOWS else AppleScriptReference("sheet")

    def lite_values(self) -> dict[Cell, Any]:
        return self.book.lite_run().values[self]

    def queue(self, action: Callable[[], None]) -> bool:
        """In Lite: `action` queued until the script returns (True); else False."""
        if self.platform != LITE:
            return False
        self.book.lite_run().queue.append(action)
        return True

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    @property
    def names(self) -> Names:
        return self.book.names

    @property
    def index(self) -> int:
        return self.book.sheets._sheets.index(self) + 1

    def range(self, arg1: Any, arg2: Any = None) -> Range:
        if isinstance(arg1, tuple) and len(arg1) == 4:
            # xlwings slices a range as (row, column, rows, columns).
            r, c, rows, columns = (int(x) for x in arg1)
            return Range(self, (r, c), (r + max(rows, 1) - 1, c + max(columns, 1) - 1))
        first = _corner(arg1)
        second = _corner(arg2, last=True) if arg2 is not None else _corner(arg1, last=True)
        return Range(self, first, second)

    def activate(self) -> None:
        self.calls.add("activate")
        self.book.sheets.active = self
        self.book.activate()

    def select(self) -> None:
        self.activate()

    def clear_contents(self) -> None:
        self.calls.add("clear")
        if self.queue(self._clear_contents):
            return
        self._clear_contents()

    def _clear_contents(self) -> None:
        self.grid.clear()
        self.formulas.clear()

    @property
    def used_range(self) -> Range:
        self.calls.add("used range")
        if self.platform == LITE:
            # `_xlremote.Sheet.used_range`: the address the add-in sent with the values.
            return Range(self, (1, 1), self.book.lite_run().used[self])
        return Range(self, (1, 1), self.used_extent())

    async def get_used_range(self, values_only: bool = False) -> Range | None:
        """`_xlremote.Sheet.get_used_range` (xlwings Lite only): the used range's address asked
        of Excel after the queued writes, through Office.js `Worksheet.getUsedRange(valuesOnly)`
        (https://learn.microsoft.com/javascript/api/excel/excel.worksheet#excel-excel-worksheet-getusedrange-member(1)):
        with `values_only`, the cells holding values only, not those merely formatted; None
        for a sheet with nothing in it."""
        if self.platform != LITE:
            # `_xlremote.Sheet.get_used_range` raises off Pyodide; COM has no such method.
            raise NotImplementedError("Sheet.get_used_range() is only supported in xlwings Lite")
        self.book.lite_run().flush()
        self.calls.add("used range")
        if not values_only:
            r, c = self.used_extent()
            return Range(self, (1, 1), (r, c))
        if not self.grid:
            return None
        last_row = max(r for r, _ in self.grid)
        last_column = max(c for _, c in self.grid)
        return Range(self, (1, 1), (last_row, last_column))

    def used_extent(self) -> Cell:
        rows = [r for r, _ in self.grid] + [self.formatted_to[0]]
        columns = [c for _, c in self.grid] + [self.formatted_to[1]]
        return max(max(rows), 1), max(max(columns), 1)

    # The cell as Excel stores it after `value` is written to it.
    def store(self, r: int, c: int, value: Any) -> None:
        self.formulas.pop((r, c), None)
        if value is None or value == "":
            self.grid.pop((r, c), None)
            return
        if isinstance(value, str):
            value = self._typed(r, c, value)
        self.grid[r, c] = as_stored(value)

    def _typed(self, r: int, c: int, text: str) -> Any:
        """Text as Excel takes it into a cell (through COM, Range.Value takes text as typed):
        a leading `'` keeps the rest as text and is not part of the value; a cell formatted
        `@` keeps text as it is; `=` starts a formula; otherwise `excel_entry`, and a General
        cell takes the format Excel gives what was typed."""
        shown = self.number_format(r, c)
        if text.startswith("'"):
            return text[1:]
        if shown == "@":
            return text
        if text.startswith("="):
            self.formulas[r, c] = text
            return formula_value(text, self)
        entry = excel_entry(text, self.book.app.engine.typing)
        if entry is None:
            return text
        value, number_format = entry
        if number_format and shown == "General":
            self.formats[r, c] = number_format
        return value

    def get(self, r: int, c: int) -> Any:
        """For tests: a cell's value, without a call into Excel."""
        return self.grid.get((r, c))

    def number_format(self, r: int, c: int) -> str:
        return self.formats.get((r, c)) or self.column_formats.get(c, "General")

    def wrap_text(self, r: int, c: int) -> bool:
        return self.wraps.get((r, c), c in self.wrapped_columns)

    def row_lines(self, r: int) -> int:
        """For tests: the lines row `r` shows of its cells' text. Excel fits a row to the
        text of its wrapped cells ("Microsoft Excel will change the row height of the
        range, if necessary, to accommodate the text in the range",
        https://learn.microsoft.com/en-us/office/vba/api/excel.range.wraptext); a cell
        that does not wrap shows its text on one line, line breaks and all. Lines that
        wrap at the column's width are not counted: the model has no fonts."""
        texts = [str(v) for (row, c), v in self.grid.items() if row == r and self.wrap_text(r, c)]
        return max([1, *(t.count("\n") + 1 for t in texts)])

    # -- hidden rows and columns -----------------------------------------------------------

    def row_hidden(self, r: int) -> bool:
        return r in self.hidden_rows or r in self.filtered_rows

    def set_rows_hidden(self, rows: Iterable[int], hidden: bool) -> None:
        for r in rows:
            if hidden:
                self.hidden_rows.add(r)
            else:
                self.hidden_rows.discard(r)
                self.filtered_rows.discard(r)

    def set_columns_hidden(self, columns: Iterable[int], hidden: bool) -> None:
        for c in columns:
            (self.hidden_columns.add if hidden else self.hidden_columns.discard)(c)

    # -- Find ------------------------------------------------------------------------------

    def search(
        self,
        first: Cell,
        last: Cell,
        what: str,
        *,
        after: Cell,
        look_in: int,
        whole: bool,
        by_rows: bool,
        forward: bool,
        match_case: bool,
    ) -> Cell | None:
        """Range.Find over first:last (https://learn.microsoft.com/en-us/office/vba/api/
        excel.range.find): the search starts after `after`, wraps round, and reaches `after`
        itself last; `*` and `?` are wildcards, `~` escapes them.

        LookIn xlValues (what xlwings' `Range.find` asks for) searches what cells show, and
        cells in hidden rows or columns show nothing: Find does not see them, while LookIn
        xlFormulas does (Stack Overflow 29357633 and the Microsoft Tech Community thread
        "What's the differences between LookIn:=xlFormulas and LookIn:=xlFormulas2": values
        are searched as Range.Text; the Microsoft page does not say it)."""
        if look_in == FindLookIn.xlComments:
            return None
        matches = _matcher(what, whole, match_case)
        if look_in == FindLookIn.xlFormulas:
            text_of, hidden_rows, hidden_columns = self._formula_text, set(), set()
        else:
            text_of = _shown_text
            hidden_rows, hidden_columns = self.hidden_rows | self.filtered_rows, self.hidden_columns
        (r1, c1), (r2, c2) = first, last
        if matches is bool:
            # `*`: a cell's text (`_as_text`) is empty only where it holds nothing, and its
            # formula text only where it holds no formula either: none is spelled out.
            formulas = self.formulas if look_in == FindLookIn.xlFormulas else {}

            def hit(cell: Cell, v: Any) -> bool:
                return (v is not None and v != "") or bool(formulas.get(cell))
        else:

            def hit(cell: Cell, v: Any) -> bool:
                return matches(text_of(cell, v))

        hits = [
            (r, c)
            for (r, c), v in self.grid.items()
            if r1 <= r <= r2
            and c1 <= c <= c2
            and r not in hidden_rows
            and c not in hidden_columns
            and hit((r, c), v)
        ]
        return _next_hit(hits, after, by_rows, forward)

    def _formula_text(self, cell: Cell, value: Any) -> str:
        return self.formulas.get(cell) or _as_text(value)

    # -- AutoFilter ------------------------------------------------------------------------

    @property
    def autofilter(self) -> tuple[Cell, Cell] | None:
        return (self._filter.first, self._filter.last) if self._filter else None

    @autofilter.setter
    def autofilter(self, area: tuple[Cell, Cell] | None) -> None:
        self._filter = _Filter(*area) if area else None

    @property
    def filter_mode(self) -> bool:
        return bool(self._filter and self._filter.criteria)

    def apply_filter(self, first: Cell, last: Cell, field_: int | None, criterion: Any) -> None:
        """Range.AutoFilter (https://learn.microsoft.com/en-us/office/vba/api/
        excel.range.autofilter): with no field it toggles the AutoFilter of the range (a
        single cell stands for its current region); a field without criteria shows all of
        that field; a criterion hides each row of the list whose cell fails it. One
        AutoFilter per sheet: a later call filters the list already filtered.

        Choice of this model: the filter decides every row of its list, so a row hidden by
        hand that meets the criteria is shown again."""
        if first == last:
            first, last = self._current_region(first)
        if field_ is None:
            if self._filter is not None:
                self.remove_filter()
            else:
                self._filter = _Filter(first, last)
            return
        if self._filter is None:
            self._filter = _Filter(first, last)
        c1, c2 = self._filter.first[1], self._filter.last[1]
        if not 1 <= field_ <= c2 - c1 + 1:
            raise ComError("AutoFilter method of Range class failed")
        if criterion is None:
            self._filter.criteria.pop(field_, None)
        else:
            self._filter.criteria[field_] = criterion
        self._refilter()

    def _refilter(self) -> None:
        assert self._filter is not None
        (r1, c1), (r2, _) = self._filter.first, self._filter.last
        tests = [(c1 + f - 1, keep) for f, keep in self._filter.criteria.items()]
        get = self.grid.get
        for r in range(r1 + 1, r2 + 1):
            if all(keep(get((r, c))) for c, keep in tests):
                self.filtered_rows.discard(r)
                self.hidden_rows.discard(r)
            else:
                self.filtered_rows.add(r)

    def show_all(self) -> None:
        """Worksheet.ShowAllData: "Makes all rows of the currently filtered list visible"
        (https://learn.microsoft.com/en-us/office/vba/api/excel.worksheet.showalldata).
        With nothing filtered Excel refuses it (run-time error 1004, "ShowAllData method of
        Worksheet class failed": widely reported, not on that page)."""
        if not self.filter_mode:
            raise ComError("ShowAllData method of Worksheet class failed")
        assert self._filter is not None
        self._filter.criteria.clear()
        self._show_list()

    def remove_filter(self) -> None:
        if self._filter is not None:
            self._show_list()
        self._filter = None

    def _show_list(self) -> None:
        assert self._filter is not None
        rows = range(self._filter.first[0] + 1, self._filter.last[0] + 1)
        self.set_rows_hidden(rows, False)

    def _current_region(self, cell: Cell) -> tuple[Cell, Cell]:
        """Range.CurrentRegion: the block around the cell bounded by empty rows and
        columns."""
        (r1, c1), (r2, c2) = cell, cell
        grown = True
        while grown:
            grown = False
            for r, c in list(self._edge(r1, c1, r2, c2)):
                if (r, c) in self.grid:
                    r1, c1, r2, c2 = min(r1, r), min(c1, c), max(r2, r), max(c2, c)
                    grown = True
        return (r1, c1), (r2, c2)

    @staticmethod
    def _edge(r1: int, c1: int, r2: int, c2: int) -> Iterable[Cell]:
        rows = range(max(r1 - 1, 1), min(r2 + 1, LAST_ROW) + 1)
        columns = range(max(c1 - 1, 1), min(c2 + 1, LAST_COLUMN) + 1)
        for r in (r1 - 1, r2 + 1):
            if 1 <= r <= LAST_ROW:
                yield from ((r, c) for c in columns)
        for c in (c1 - 1, c2 + 1):
            if 1 <= c <= LAST_COLUMN:
                yield from ((r, c) for r in rows)


def _matcher(what: str, whole: bool, match_case: bool) -> Callable[[str], bool]:
    if what and set(what) == {"*"}:
        return bool  # any cell that is not empty
    pattern = ""
    escaped = False
    for ch in what:
        if escaped:
            pattern, escaped = pattern + re.escape(ch), False
        elif ch == "~":
            escaped = True
        else:
            pattern += {"*": ".*", "?": "."}.get(ch, re.escape(ch))
    compiled = re.compile(pattern, re.S | (0 if match_case else re.I))
    test = compiled.fullmatch if whole else compiled.search
    return lambda text: bool(text) and test(text) is not None


def _next_hit(hits: list[Cell], after: Cell, by_rows: bool, forward: bool) -> Cell | None:
    if not hits:
        return None

    def key(cell: Cell) -> Cell:
        return cell if by_rows else (cell[1], cell[0])

    start = key(after)
    keys = list(map(key, hits))
    if forward:
        later = [k for k in keys if k > start]
        found = min(later) if later else min(keys)
    else:
        earlier = [k for k in keys if k < start]
        found = max(earlier) if earlier else max(keys)
    return found if by_rows else (found[1], found[0])


def criterion(criteria1: Any, operator: int = AutoFilterOperator.xlAnd, criteria2: Any = None):
    """Range.AutoFilter's criteria as one test of a cell's value: `=` blank, `<>` not blank,
    `=text` / `text` equal (`*` and `?` wildcards, any case), `<>text`, `>5`, `<=5`...;
    Operator xlAnd or xlOr joins Criteria2; xlFilterValues takes a list of values."""
    if operator == AutoFilterOperator.xlFilterValues:
        wanted = {str(v).lower() for v in criteria1}
        return lambda value: _as_text(value).lower() in wanted
    first = _one_criterion(criteria1)
    if criteria2 is None:
        return first
    second = _one_criterion(criteria2)
    if operator == AutoFilterOperator.xlOr:
        return lambda value: first(value) or second(value)
    if operator == AutoFilterOperator.xlAnd:
        return lambda value: first(value) and second(value)
    raise NotImplementedError(f"AutoFilter Operator {operator} is not modelled")


_COMPARE = re.compile(r"(<>|>=|<=|=|>|<)?(.*)", re.S)


def _one_criterion(text: Any) -> Callable[[Any], bool]:
    m = _COMPARE.fullmatch(str(text))
    assert m is not None
    op, operand = m[1] or "=", m[2]
    if operand == "" and op in ("=", "<>"):
        return (lambda v: v in (None, "")) if op == "=" else (lambda v: v not in (None, ""))
    if op in ("=", "<>"):
        same = _matcher(operand, True, False)
        return (lambda v: same(_as_text(v))) if op == "=" else (lambda v: not same(_as_text(v)))
    try:
        bound = float(operand)
    except ValueError:
        bound = None
    compare = {
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }[op]

    def test(value: Any) -> bool:
        if value in (None, ""):
            return False
        if bound is not None and isinstance(value, int | float) and not isinstance(value, bool):
            return compare(float(value), bound)
        return compare(_as_text(value).lower(), operand.lower())

    return test


class Range:
    def __init__(self, sheet: Sheet, first: Cell, last: Cell) -> None:
        self.sheet_impl = sheet
        self.first, self.last = first, last
        self.options: Any = None
        self.arg1_input = ""

    @property
    def api(self) -> Any:
        # On macOS `.api` is an appscript reference (`_xlmac.Range.api` returns `self.xl`);
        # in Lite, the range's loaded values (`_xlremote.Range.api`, `get_range_api`).
        if self.sheet_impl.platform == LITE:
            return self._lite_values()
        if self.sheet_impl.platform == WINDOWS:
            return RangeApi(self.sheet_impl, self.first, self.last)
        return AppleScriptReference("range")

    @property
    def sheet(self) -> Sheet:
        return self.sheet_impl

    @property
    def row_hidden(self) -> bool | None:
        """What `Range.rows.hidden` reads: True when every row is hidden, False when none,
        None when some are. On Windows `_xlwindows.Range.row_hidden` asks COM row by row
        (`EntireRow.Rows.Item(i).Hidden`), one call a row; on macOS `_xlmac.Range.row_hidden`
        asks `entire_row.rows.hidden` once."""
        sheet = self.sheet_impl
        rows = range(self.first[0], self.last[0] + 1)
        if sheet.platform == LITE:
            # `_xlremote.Range.row_hidden`: visibility is not in the loaded data.
            raise NotImplementedError(
                "Reading row visibility synchronously isn't supported on this engine. "
                "Use 'await myrange.rows.get_hidden()' to fetch it."
            )
        if sheet.platform == WINDOWS:
            for _ in rows:
                sheet.calls.add("row hidden")
        else:
            sheet.calls.add("row hidden")
        states = {sheet.row_hidden(r) for r in rows}
        return states.pop() if len(states) == 1 else None

    async def get_row_hidden(self) -> bool | None:
        """`_xlremote.Range.get_row_hidden`: asked of Excel on demand, after the queued
        writes; None when some rows are hidden and some not."""
        sheet = self.sheet_impl
        sheet.book.lite_run().flush()
        sheet.calls.add("row hidden")
        states = {sheet.row_hidden(r) for r in range(self.first[0], self.last[0] + 1)}
        return states.pop() if len(states) == 1 else None

    @property
    def coords(self) -> tuple[Sheet, int, int, int, int]:
        (r1, c1), (r2, c2) = self.first, self.last
        return self.sheet_impl, r1, c1, r2 - r1 + 1, c2 - c1 + 1

    @property
    def row(self) -> int:
        return self.first[0]

    @property
    def column(self) -> int:
        return self.first[1]

    @property
    def shape(self) -> tuple[int, int]:
        return self.coords[3], self.coords[4]

    def __len__(self) -> int:
        rows, columns = self.shape
        return rows * columns

    @property
    def max_cells_per_read(self) -> int:
        return xlwings.base_classes.DEFAULT_MAX_CELLS_PER_READ

    @property
    def max_cells_per_write(self) -> int:
        return xlwings.base_classes.DEFAULT_MAX_CELLS_PER_WRITE

    def _cells(self):
        (r1, c1), (r2, c2) = self.first, self.last
        return itertools.product(range(r1, r2 + 1), range(c1, c2 + 1))

    @property
    @_excel_work
    def raw_value(self) -> Any:
        rows, columns = self.shape
        self.sheet_impl.calls.add("read", rows * columns)
        if self.sheet_impl.platform == LITE:
            return self._lite_values()
        if self.sheet_impl.platform == MACOS:
            return self._mac_raw_value()
        (r1, c1), (r2, c2) = self.first, self.last
        get = self.sheet_impl.grid.get
        across = range(c1, c2 + 1)
        grid = tuple(tuple(map(get, zip(itertools.repeat(r), across))) for r in range(r1, r2 + 1))
        errors = self.sheet_impl.grid.errors_in(self.first, self.last)
        if errors:
            # COM hands an error value over as an int (`com_error`).
            patched = [list(row) for row in grid]
            for r, c in errors:
                patched[r - r1][c - c1] = com_error(get((r, c)).text)
            grid = tuple(map(tuple, patched))
        # COM answers one cell with its value, and any range as rows of values.
        return grid[0][0] if rows == columns == 1 else grid

    def _lite_values(self) -> list[tuple[Any, ...]]:
        """The range's values as loaded when the script started: always rows of values,
        one cell too (`_xlremote.get_range_api`)."""
        (r1, c1), (r2, c2) = self.first, self.last
        get = self.sheet_impl.lite_values().get
        return [
            tuple(_lite_cell(get((r, c))) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1)
        ]

    def _apple_event_value(self, read: Callable[[Any], Any]) -> Any:
        """AppleScript's answer for the range: a scalar for one cell, a flat list for one
        row (as xlwings' `conversion.standard._rows_2d` says of AppleScript), else a list of
        rows."""
        (r1, c1), (r2, c2) = self.first, self.last
        get = self.sheet_impl.grid.get
        grid = [[read(get((r, c))) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if len(grid) == 1:
            return grid[0][0] if len(grid[0]) == 1 else grid[0]
        return grid

    def _mac_raw_value(self) -> Any:
        """xlwings/_xlmac.py `Range.raw_value`, as it is: AppleScript's `value` answers ""
        for an empty cell and `missing value` for an error value; with `err_to_str` a second
        Apple event reads `string value` and puts back the seven error texts it knows.

        Its `ensure_2d` returns nothing for a range of more than one row, so with
        `err_to_str` such a read raises TypeError ('NoneType' object is not iterable) in
        xlwings 0.37.8; this engine runs the same code and raises the same."""

        def ensure_2d(values):
            # Usually done in converter, but macOS doesn't deliver any info about
            # errors with values
            if not isinstance(values, list):
                return [[values]]
            elif not isinstance(values[0], list):
                return [values]

        values = self._apple_event_value(_apple_script_value)
        if (self.options or {}).get("err_to_str", False):
            rows, columns = self.shape
            self.sheet_impl.calls.add("read text", rows * columns)
            string_values = self._apple_event_value(_shown_value)
            values = ensure_2d(values)
            string_values = ensure_2d(string_values)
            for row_ix, row in enumerate(string_values):  # type: ignore[arg-type]
                for col_ix, c in enumerate(row):
                    if c in MAC_CELL_ERRORS:
                        values[row_ix][col_ix] = c  # type: ignore[index]
        return values

    @raw_value.setter
    @_excel_work
    def raw_value(self, value: Any) -> None:
        rows, columns = self.shape
        self.sheet_impl.calls.add("write", rows * columns)
        if self.sheet_impl.queue(lambda: self._store(value)):
            return
        self._store(value)

    def _store(self, value: Any) -> None:
        if not isinstance(value, (list, tuple)):
            for r, c in self._cells():
                self.sheet_impl.store(r, c, value)
            return
        grid = value if value and isinstance(value[0], (list, tuple)) else [value]
        r1, c1 = self.first
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                self.sheet_impl.store(r1 + i, c1 + j, v)

    @_excel_work
    def clear_contents(self) -> None:
        rows, columns = self.shape
        self.sheet_impl.calls.add("clear", rows * columns)
        if self.sheet_impl.queue(self._clear):
            return
        self._clear()

    def _clear(self) -> None:
        for cell in self._cells():
            self.sheet_impl.grid.pop(cell, None)
            self.sheet_impl.formulas.pop(cell, None)

    def clear(self) -> None:
        self.clear_contents()

    def find(self, text: str, whole: bool, direction: str, order: str, match_case: bool):
        """xlwings' `Range.find` as `_xlwindows.Range.find` (and, alike, `_xlmac.Range.find`)
        makes it: one Find with LookIn xlValues, starting after the last cell going forward
        and after the first going backward; a one-cell range is searched as two cells (Find
        sent to one cell searches the sheet) and a hit outside it refused.

        In Lite, `_xlremote.Range.find` is a coroutine: the search is asked of Excel when it
        is awaited, after the queued writes. Not awaited, it finds nothing."""
        if self.sheet_impl.platform == LITE:

            async def found() -> Range | None:
                self.sheet_impl.book.lite_run().flush()
                return self._find(text, whole, direction, order, match_case)

            return found()
        return self._find(text, whole, direction, order, match_case)

    def _find(self, text: str, whole: bool, direction: str, order: str, match_case: bool):
        sheet = self.sheet_impl
        if self.shape == (1, 1):
            row, column = self.first
            neighbor = column + (1 if column < LAST_COLUMN else -1)
            search = RangeApi(sheet, (row, min(column, neighbor)), (row, max(column, neighbor)))
            after = RangeApi(sheet, (row, neighbor), (row, neighbor))
        else:
            search = RangeApi(sheet, self.first, self.last)
            corner = self.last if direction == "forward" else self.first
            after = RangeApi(sheet, corner, corner)
        found = search.Find(
            What=text,
            After=after,
            LookIn=FindLookIn.xlValues,
            LookAt=LookAt.xlWhole if whole else LookAt.xlPart,
            SearchOrder=SearchOrder.xlByRows if order == "rows" else SearchOrder.xlByColumns,
            SearchDirection=(
                SearchDirection.xlNext if direction == "forward" else SearchDirection.xlPrevious
            ),
            MatchCase=match_case,
            MatchByte=False,
            SearchFormat=False,
        )
        if found is None:
            return None
        if self.shape == (1, 1) and (found.Row, found.Column) != self.first:
            return None
        return Range(sheet, (found.Row, found.Column), (found.Row, found.Column))

    @property
    @_excel_work
    def formula(self) -> Any:
        if self.sheet_impl.platform == LITE:
            # `_xlremote.Range.formula`: formulas are not in the loaded data.
            raise NotImplementedError(
                "Reading formulas synchronously isn't supported on this engine. "
                "Use 'await myrange.get_formula()' to fetch them on demand."
            )
        return self._formulas()

    async def get_formula(self) -> Any:
        """`_xlremote.Range.get_formula`: asked of Excel after the queued writes; always
        rows of formulas (a constant's as its text, an empty cell's "")."""
        self.sheet_impl.book.lite_run().flush()
        got = self._formulas()
        return [list(row) for row in got] if isinstance(got, tuple) else [[got]]

    def _formulas(self) -> Any:
        rows, columns = self.shape
        self.sheet_impl.calls.add("read formulas", rows * columns)
        (r1, c1), (r2, c2) = self.first, self.last
        sheet = self.sheet_impl
        grid = tuple(
            tuple(
                sheet.formulas.get((r, c), _as_text(sheet.grid.get((r, c))))
                for c in range(c1, c2 + 1)
            )
            for r in range(r1, r2 + 1)
        )
        return grid[0][0] if rows == columns == 1 else grid

    @formula.setter
    def formula(self, value: Any) -> None:
        self.raw_value = value

    @property
    def number_format(self) -> str:
        if self.sheet_impl.platform == LITE:
            # `_xlremote.Range.number_format`: formats are not in the loaded data.
            raise NotImplementedError(
                "Reading the number format synchronously isn't supported on this engine. "
                "Use 'await myrange.get_number_format()' to fetch it on demand."
            )
        return self.sheet_impl.number_format(*self.first)

    @number_format.setter
    def number_format(self, value: str) -> None:
        rows, columns = self.shape
        self.sheet_impl.calls.add("number format", rows * columns)

        def formatted() -> None:
            for cell in self._cells():
                self.sheet_impl.formats[cell] = value

        if not self.sheet_impl.queue(formatted):
            formatted()

    @property
    def wrap_text(self) -> bool | None:
        """As xlwings' `Range.wrap_text` says: True or False when every cell agrees; when
        they do not, None on Windows and False on macOS."""
        if self.sheet_impl.platform == LITE:
            # `_xlremote.Range.wrap_text`: not in the loaded data.
            raise NotImplementedError(
                "Reading the wrap text flag synchronously isn't supported on this engine. "
                "Use 'await myrange.get_wrap_text()' to fetch it on demand."
            )
        self.sheet_impl.calls.add("wrap text")
        states = {self.sheet_impl.wrap_text(r, c) for r, c in self._cells()}
        if len(states) == 1:
            return states.pop()
        return None if self.sheet_impl.platform == WINDOWS else False

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        rows, columns = self.shape
        self.sheet_impl.calls.add("wrap text", rows * columns)

        def wrapped() -> None:
            for cell in self._cells():
                self.sheet_impl.wraps[cell] = bool(value)

        if not self.sheet_impl.queue(wrapped):
            wrapped()

    @property
    def address(self) -> str:
        return _address(self.first, self.last)

    def get_address(self, row_absolute=True, col_absolute=True, external=False) -> str:
        return self.address

    def __call__(self, arg1: int, arg2: int | None = None) -> Range:
        r, c = self.first
        if arg2 is None:
            columns = self.shape[1]
            arg1, arg2 = (arg1 - 1) // columns + 1, (arg1 - 1) % columns + 1
        cell = (r + arg1 - 1, c + arg2 - 1)
        return Range(self.sheet_impl, cell, cell)

    def select(self) -> None:
        self.sheet_impl.calls.add("select")
        if not self.sheet_impl.queue(self._select):  # `_xlremote.Range.select`: queued
            self._select()

    def _select(self) -> None:
        book = self.sheet_impl.book
        book.sheets.active = self.sheet_impl
        book.selection = self

    @property
    def has_array(self) -> bool:
        return False


def _apple_script_value(value: Any) -> Any:
    if value is None:
        return ""
    return MISSING_VALUE if isinstance(value, CellError) else value


def _shown_value(value: Any) -> Any:
    return _as_text(value)


# -- the COM object model, as far as the add-in reaches it (Windows) ---------------------


class AppleScriptReference:
    """What `.api` is on macOS: an appscript reference (`_xlmac.Range.api` and `Sheet.api`
    return `self.xl`). AppleScript's names are lower case (`entire_row`, `find`); a COM name
    raises as appscript's `Reference.__getattr__` raises ("Unknown property, element or
    command"). Setting an attribute just sets it on the Python object, as on a real
    reference: Excel never hears of it. The AppleScript object model itself is not
    modelled."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name[:1].isupper():
            raise AttributeError(f"Unknown property, element or command: {name!r}")
        raise NotImplementedError(f"the AppleScript {self.kind} is not modelled: {name!r}")


# XlCellType.xlCellTypeVisible (https://learn.microsoft.com/en-us/office/vba/api/excel.xlcelltype)
XL_CELL_TYPE_VISIBLE = 12


class _Counted:
    """A many-area range as far as the add-in asks it: its count of cells."""

    def __init__(self, of: RangeApi, count: int) -> None:
        self.of = of
        self.Count = count


class RangeApi:
    """A COM Range object (what `Range.api` is on Windows): the members the add-in could
    reach for hidden rows and columns, AutoFilter and Find."""

    def __init__(self, sheet: Sheet, first: Cell, last: Cell) -> None:
        (r1, c1), (r2, c2) = first, last
        self.sheet_impl = sheet
        self.first, self.last = (min(r1, r2), min(c1, c2)), (max(r1, r2), max(c1, c2))

    def __repr__(self) -> str:
        return f"<Range {self.sheet_impl.name}!{self.Address}>"

    @property
    def Row(self) -> int:
        return self.first[0]

    @property
    def Column(self) -> int:
        return self.first[1]

    @property
    def Address(self) -> str:
        return _address(self.first, self.last)

    @property
    def Count(self) -> int:
        (r1, c1), (r2, c2) = self.first, self.last
        return (r2 - r1 + 1) * (c2 - c1 + 1)

    @property
    def Worksheet(self) -> SheetApi:
        return SheetApi(self.sheet_impl)

    def Cells(self, row: int, column: int) -> RangeApi:
        cell = (self.first[0] + row - 1, self.first[1] + column - 1)
        return RangeApi(self.sheet_impl, cell, cell)

    @property
    def EntireRow(self) -> RangeApi:
        return RangeApi(self.sheet_impl, (self.first[0], 1), (self.last[0], LAST_COLUMN))

    @property
    def EntireColumn(self) -> RangeApi:
        return RangeApi(self.sheet_impl, (1, self.first[1]), (LAST_ROW, self.last[1]))

    @property
    def Rows(self) -> Lines:
        return Lines(self, "rows")

    @property
    def Columns(self) -> Lines:
        return Lines(self, "columns")

    @property
    def Value(self) -> Any:
        return Range(self.sheet_impl, self.first, self.last).raw_value

    @Value.setter
    def Value(self, value: Any) -> None:
        Range(self.sheet_impl, self.first, self.last).raw_value = value

    @property
    def Formula(self) -> Any:
        return Range(self.sheet_impl, self.first, self.last).formula

    @property
    def Text(self) -> str:
        r, c = self.first
        sheet = self.sheet_impl
        if sheet.row_hidden(r) or c in sheet.hidden_columns:
            return ""
        return _as_text(sheet.grid.get((r, c)))

    @property
    def Hidden(self) -> bool | None:
        """True when every cell is in a hidden row or column, False when none is, None
        (COM's Null) when some are."""
        sheet = self.sheet_impl
        (r1, c1), (r2, c2) = self.first, self.last
        if c1 == 1 and c2 == LAST_COLUMN:
            states = {sheet.row_hidden(r) for r in range(r1, r2 + 1)}
        elif r1 == 1 and r2 == LAST_ROW:
            states = {c in sheet.hidden_columns for c in range(c1, c2 + 1)}
        else:
            states = {
                sheet.row_hidden(r) or c in sheet.hidden_columns
                for r in range(r1, min(r2, r1 + 10_000) + 1)
                for c in range(c1, min(c2, c1 + 100) + 1)
            }
        return states.pop() if len(states) == 1 else None

    @Hidden.setter
    def Hidden(self, hidden: bool) -> None:
        """Range.Hidden: "When setting this property, the specified range must occupy an
        entire column or row" (https://learn.microsoft.com/en-us/office/vba/api/
        excel.range.hidden): use EntireRow or EntireColumn."""
        sheet = self.sheet_impl
        (r1, c1), (r2, c2) = self.first, self.last
        sheet.calls.add("hide")
        if c1 == 1 and c2 == LAST_COLUMN:
            sheet.set_rows_hidden(range(r1, r2 + 1), bool(hidden))
        elif r1 == 1 and r2 == LAST_ROW:
            sheet.set_columns_hidden(range(c1, c2 + 1), bool(hidden))
        else:
            raise ComError("Unable to set the Hidden property of the Range class")

    def SpecialCells(self, Type: int, Value: Any = None) -> RangeApi:
        """Range.SpecialCells (https://learn.microsoft.com/en-us/office/vba/api/
        excel.range.specialcells) for xlCellTypeVisible (12), the only type modelled: the
        cells not in a hidden row or column, as a range whose `Count` is theirs (a real
        one may have many areas). None visible: Excel raises "No cells were found"."""
        if Type != XL_CELL_TYPE_VISIBLE:
            raise NotImplementedError(f"SpecialCells({Type}) is not modelled")
        sheet = self.sheet_impl
        sheet.calls.add("special cells")
        (r1, c1), (r2, c2) = self.first, self.last
        rows = sum(not sheet.row_hidden(r) for r in range(r1, r2 + 1))
        columns = sum(c not in sheet.hidden_columns for c in range(c1, c2 + 1))
        if rows * columns == 0:
            raise ComError("No cells were found.")
        return _Counted(self, rows * columns)

    @_excel_work
    def Find(
        self,
        What: Any,
        After: RangeApi | None = None,
        LookIn: int | None = None,
        LookAt: int | None = None,
        SearchOrder: int | None = None,
        SearchDirection: int = SearchDirection.xlNext,
        MatchCase: bool = False,
        MatchByte: bool | None = None,
        SearchFormat: bool | None = None,
    ) -> RangeApi | None:
        """Range.Find (https://learn.microsoft.com/en-us/office/vba/api/excel.range.find):
        LookIn, LookAt, SearchOrder and MatchByte left out are the ones last used; After left
        out is the upper-left cell; sent to one cell, Find searches the whole sheet (as
        xlwings' `_xlwindows.Range.find` notes). Nothing found: None (COM's Nothing)."""
        sheet = self.sheet_impl
        sheet.calls.add("find")
        saved = sheet.book.app.find_settings
        given = {"LookIn": LookIn, "LookAt": LookAt, "SearchOrder": SearchOrder}
        given["MatchByte"] = MatchByte
        for name, value in given.items():
            if value is not None:
                saved[name] = value
        first, last = self.first, self.last
        if first == last:
            first, last = (1, 1), (LAST_ROW, LAST_COLUMN)
        start = first if After is None else After.first
        if not (first[0] <= start[0] <= last[0] and first[1] <= start[1] <= last[1]):
            raise ComError("Find method of Range class failed: After is outside the range")
        found = sheet.search(
            first,
            last,
            _as_text(What),
            after=start,
            look_in=saved["LookIn"],
            whole=saved["LookAt"] == LookAt_.xlWhole,
            by_rows=saved["SearchOrder"] == SearchOrder_.xlByRows,
            forward=SearchDirection != SearchDirection_.xlPrevious,
            match_case=bool(MatchCase),
        )
        return RangeApi(sheet, found, found) if found else None

    def AutoFilter(
        self,
        Field: int | None = None,
        Criteria1: Any = None,
        Operator: int = AutoFilterOperator.xlAnd,
        Criteria2: Any = None,
        SubField: Any = None,
        VisibleDropDown: bool = True,
    ) -> None:
        """Range.AutoFilter: see `Sheet.apply_filter` and `criterion`."""
        sheet = self.sheet_impl
        sheet.calls.add("autofilter")
        test = None
        if Field is not None and (Criteria1 is not None or Criteria2 is not None):
            test = criterion(Criteria1, Operator, Criteria2)
        sheet.apply_filter(self.first, self.last, Field, test)


# The constants' classes, under names the keyword arguments of Find do not hide.
LookAt_, SearchOrder_, SearchDirection_ = LookAt, SearchOrder, SearchDirection


class Lines:
    """`Range.Rows` / `Range.Columns`: called with an index, one row (column) of the range;
    `Count`; `Hidden` as the whole range's."""

    def __init__(self, area: RangeApi, kind: str) -> None:
        self.area, self.kind = area, kind

    def __call__(self, index: int | str) -> RangeApi:
        (r1, c1), (r2, c2) = self.area.first, self.area.last
        if self.kind == "rows":
            r = r1 + int(index) - 1
            return RangeApi(self.area.sheet_impl, (r, c1), (r, c2))
        c = column_index_from_string(index) if isinstance(index, str) else int(index)
        c = c1 + c - 1
        return RangeApi(self.area.sheet_impl, (r1, c), (r2, c))

    @property
    def Count(self) -> int:
        (r1, c1), (r2, c2) = self.area.first, self.area.last
        return r2 - r1 + 1 if self.kind == "rows" else c2 - c1 + 1

    @property
    def Hidden(self) -> bool | None:
        return self.area.Hidden

    @Hidden.setter
    def Hidden(self, hidden: bool) -> None:
        self.area.Hidden = hidden


class SheetApi:
    """A COM Worksheet object (what `Sheet.api` is on Windows): its cells, rows and columns,
    and its AutoFilter."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet_impl = sheet

    @property
    def Name(self) -> str:
        return self.sheet_impl.name

    def _whole(self) -> RangeApi:
        return RangeApi(self.sheet_impl, (1, 1), (LAST_ROW, LAST_COLUMN))

    def Cells(self, row: int, column: int) -> RangeApi:
        return self._whole().Cells(row, column)

    def Range(self, cell1: Any, cell2: Any = None) -> RangeApi:
        def corners(arg: Any) -> tuple[Cell, Cell]:
            if isinstance(arg, RangeApi):
                return arg.first, arg.last
            return _corner(arg), _corner(arg, last=True)

        first, last = corners(cell1)
        if cell2 is not None:
            last = corners(cell2)[1]
        return RangeApi(self.sheet_impl, first, last)

    @property
    def Rows(self) -> Lines:
        return Lines(self._whole(), "rows")

    @property
    def Columns(self) -> Lines:
        return Lines(self._whole(), "columns")

    @property
    def AutoFilterMode(self) -> bool:
        """Worksheet.AutoFilterMode: whether the AutoFilter arrows show; it can be set to
        False, removing the filter, but not to True
        (https://learn.microsoft.com/en-us/office/vba/api/excel.worksheet.autofiltermode)."""
        return self.sheet_impl.autofilter is not None

    @AutoFilterMode.setter
    def AutoFilterMode(self, value: bool) -> None:
        self.sheet_impl.calls.add("autofilter")
        if value:
            raise ComError("Unable to set the AutoFilterMode property of the Worksheet class")
        self.sheet_impl.remove_filter()

    @property
    def FilterMode(self) -> bool:
        """Worksheet.FilterMode: True while a filter's criteria hide rows of the list."""
        return self.sheet_impl.filter_mode

    def ShowAllData(self) -> None:
        self.sheet_impl.calls.add("show all")
        self.sheet_impl.show_all()

    @property
    def AutoFilter(self) -> AutoFilterApi | None:
        return AutoFilterApi(self.sheet_impl) if self.sheet_impl.autofilter else None


class AutoFilterApi:
    """The Worksheet.AutoFilter object: the filtered list's Range, FilterMode, ShowAllData."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet_impl = sheet

    @property
    def Range(self) -> RangeApi:
        area = self.sheet_impl.autofilter
        assert area is not None
        return RangeApi(self.sheet_impl, *area)

    @property
    def FilterMode(self) -> bool:
        return self.sheet_impl.filter_mode

    def ShowAllData(self) -> None:
        self.sheet_impl.calls.add("show all")
        self.sheet_impl.show_all()


class Names:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._names: dict[str, Name] = {}

    @property
    def api(self) -> Names:
        return self

    def __call__(self, name_or_index: str | int) -> Name:
        self.book.calls.add("name")
        if isinstance(name_or_index, int):
            return list(self._names.values())[name_or_index - 1]
        for key, name in self._names.items():
            if key.lower() == name_or_index.lower():
                return name
        raise KeyError(name_or_index)  # COM raises; xlwings passes it on

    def contains(self, name_or_index: str) -> bool:
        return name_or_index.lower() in {k.lower() for k in self._names}

    def __len__(self) -> int:
        return len(self._names)

    def add(self, name: str, refers_to: str) -> Name:
        self._names[name] = Name(self.book, name, refers_to)
        return self._names[name]


class Name:
    def __init__(self, book: Book, name: str, refers_to: str) -> None:
        self.book = book
        self.name = name
        self.refers_to = refers_to

    @property
    def api(self) -> Name:
        return self

    def delete(self) -> None:
        del self.book.names._names[self.name]


def _corner(arg: Any, *, last: bool = False) -> Cell:
    if isinstance(arg, Range):
        return arg.last if last else arg.first
    if isinstance(arg, tuple):
        return int(arg[0]), int(arg[1])
    if isinstance(arg, str):
        parts = arg.replace("$", "").split(":")
        text = parts[-1] if last else parts[0]
        m = re.fullmatch(r"([A-Za-z]+)(\d+)", text)
        if m is None:
            raise ValueError(f"not a cell address: {arg!r}")
        return int(m[2]), column_index_from_string(m[1].upper())
    raise TypeError(f"not a cell: {arg!r}")


def _address(first: Cell, last: Cell) -> str:
    (r1, c1), (r2, c2) = first, last
    one = f"${get_column_letter(c1)}${r1}"
    return one if (r1, c1) == (r2, c2) else f"{one}:${get_column_letter(c2)}${r2}"


def as_stored(value: Any) -> Any:
    """A value as Excel holds it: every number a float, every date a datetime."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _as_text(value: Any) -> str:
    """A value as COM's Range.Formula spells a constant: numbers to 15 digits, booleans in
    capitals, dates month/day/year (the en-US spelling Formula always uses), errors as
    their text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format(value, ".15g").upper().replace("E+0", "E+").replace("E-0", "E-")
    if isinstance(value, dt.datetime):
        day = f"{value.month}/{value.day}/{value.year}"
        return day if value.time() == dt.time() else f"{day} {value:%H:%M:%S}"
    return str(value)


def _shown_text(cell: Cell, value: Any) -> str:
    return _as_text(value)


# -- xlwings Lite ----------------------------------------------------------------------------
#
# xlwings Lite runs xlwings' API in the browser through its remote engine (in xlwings
# 0.37.8, the module `_xlremote` of xlwings' licensed package, read here, never imported).
# What a script sees, as https://lite.xlwings.org/async-api says it: "Getting a sync book
# [...] fetches all values from the entire workbook" when the script starts; "When you
# assign a value to a range [...] it's only applied [...] when a script finishes"; "Anything
# you read via the sync API reflects the workbook state from the start of [...] the script";
# and "if a script raises an exception, its pending actions are discarded" (xlwings' own
# `Book.flush` docstring). Reads that are not in the loaded values are made on demand and
# awaited (`find`, `get_formula`, `rows.get_hidden`); each first applies the queued writes
# (`client_read` flushes; `Book.flush` docstring: "Asynchronous getters [...] flush
# pending actions automatically before they read").


class LiteViolation(AssertionError):
    """A script did what xlwings Lite cannot: read a workbook file, open a workbook."""


def _lite_data_element(x: Any) -> Any:
    """`_xlremote.Engine.prepare_xl_data_element`: a date is sent as its ISO text, a
    datetime as `YYYY-MM-DD HH:MM:SS` (or its date alone at midnight)."""
    if isinstance(x, dt.datetime):
        if x.time() == dt.time(0, 0):
            return x.date().isoformat()
        return x.replace(tzinfo=None).isoformat(sep=" ").split(".")[0]
    if isinstance(x, dt.date):
        return x.isoformat()
    return x


_LITE_DATETIME = re.compile(
    r"^(-?(?:[1-9][0-9]*)?[0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])T(2[0-3]|[01][0-9])"
    r":([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9]):[0-5][0-9])?$"
)
_LITE_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!")


def _clean_lite(value, datetime_builder, empty_as, number_builder, err_to_str):
    """`_xlremote._clean_value_data_element`, as it is: "" reads as `empty_as`, an ISO
    datetime text (how the add-in sends a date) as a datetime, one of eight error texts as
    None unless `err_to_str`."""
    if value == "":
        return empty_as
    if isinstance(value, str):
        if _LITE_DATETIME.match(value):
            value = dt.datetime.fromisoformat(value[:-1])
        elif not err_to_str and value in _LITE_ERRORS:
            value = None
    return _built(value, datetime_builder, number_builder)


def _lite_cell(value: Any) -> Any:
    """A cell's value as the add-in hands it to Python: Office.js' `Range.values` gives ""
    for an empty cell and an error's text for an error value
    (https://learn.microsoft.com/en-us/javascript/api/excel/excel.range#excel-excel-range-values-member);
    a date goes as its ISO text; a JavaScript number that is a safe integer arrives in
    Pyodide as an int, any other as a float
    (https://pyodide.org/en/stable/usage/type-conversions.html, "JavaScript to Python")."""
    if value is None:
        return ""
    if isinstance(value, CellError):
        return value.text
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53 - 1:
        return int(value)
    return value


@dataclass
class LiteRun:
    """One script's run: each sheet's values as loaded when it started (or last reloaded),
    its used range then, and the writes queued since."""

    values: dict[Any, dict[Cell, Any]] = field(default_factory=dict)
    used: dict[Any, Cell] = field(default_factory=dict)
    queue: list[Callable[[], None]] = field(default_factory=list)
    added: list[Any] = field(default_factory=list)

    def load(self, book: Book) -> None:
        """Every sheet's values at once, as `getBookData` sends them."""
        book.calls.add("load", sum(len(s.grid) for s in book.sheets))
        for sheet in book.sheets:
            self.values[sheet] = dict(sheet.grid)
            self.used[sheet] = sheet.used_extent()

    def flush(self) -> None:
        """Apply the queued writes in order (`Book.flush`)."""
        queued, self.queue = self.queue, []
        for action in queued:
            action()


# What a workbook file is read with; a Lite script has no workbook file to read.
_FILE_READERS = ("openpyxl", "python_calamine")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb", ".xls")
_guarded: list[list[str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    opened = args[0] if event == "open" and args else None
    workbook = isinstance(opened, (str, Path)) and str(opened).lower().endswith(_WORKBOOK_SUFFIXES)
    if _guarded and workbook:
        _guarded[-1].append(f"opened {opened}")
        raise LiteViolation(f"{opened}: xlwings Lite has no workbook file to read")


sys.addaudithook(_audit)


class _NoReaders:
    """While a Lite script runs: neither library that reads a workbook file may be imported
    or called. Their modules are taken out of `sys.modules` and refused on import, and every
    name a loaded module holds for one of their readers is swapped for one that refuses."""

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        self.hidden: dict[str, types.ModuleType] = {}
        self.swapped: list[tuple[Any, str, Any]] = []

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.split(".")[0] in _FILE_READERS:
            self.violations.append(f"imported {name}")
            raise ImportError(f"{name}: not to be imported by an xlwings Lite script")

    def __enter__(self) -> _NoReaders:
        readers = set()
        for name in list(sys.modules):
            if name.split(".")[0] in _FILE_READERS:
                module = sys.modules.pop(name)
                self.hidden[name] = module
                readers |= {
                    id(v)
                    for k, v in vars(module).items()
                    if k in ("load_workbook", "CalamineWorkbook")
                }
        for module in list(sys.modules.values()):
            space = getattr(module, "__dict__", None)
            if not isinstance(space, dict):
                continue
            for key, value in list(space.items()):
                if id(value) in readers:
                    self.swapped.append((module, key, value))
                    setattr(module, key, self._refusing(key))
        sys.meta_path.insert(0, self)  # type: ignore[arg-type]
        _guarded.append(self.violations)
        return self

    def _refusing(self, name: str) -> Callable[..., Any]:
        def refused(*args: Any, **kw: Any) -> Any:
            self.violations.append(f"called {name}")
            raise LiteViolation(f"{name}: xlwings Lite has no workbook file to read")

        return refused

    def __exit__(self, *exc: Any) -> None:
        _guarded.pop()
        sys.meta_path.remove(self)  # type: ignore[arg-type]
        for module, key, value in self.swapped:
            setattr(module, key, value)
        sys.modules.update(self.hidden)


# -- for tests ---------------------------------------------------------------------------


def data(book: xlwings.Book, name: str = "Batch") -> Sheet:
    """For tests: a workbook's sheet (the data sheet by default), without a call into Excel."""
    sheet = book.impl.sheets.named(name)
    assert sheet is not None, f"no sheet {name!r}"
    return sheet


def no_formulas(excel: Excel) -> bool:
    """Whether no cell of any open workbook holds a formula (text written never becomes one)."""
    return not any(s.formulas for b in excel.app.books for s in b.sheets)


def engine_sheet(sheet: Any) -> Sheet:
    """The engine's sheet behind an xlwings Sheet (or the engine's sheet itself)."""
    impl = getattr(sheet, "impl", sheet)
    if not isinstance(impl, Sheet):
        raise TypeError(f"not a sheet of the memory engine: {sheet!r}")
    return impl


def _column(c: int | str) -> int:
    return column_index_from_string(c.upper()) if isinstance(c, str) else int(c)


def hide_rows(sheet: Any, rows: int | Iterable[int], hidden: bool = True) -> None:
    """For tests: hide (or show) rows by hand, as a user does, without a call into Excel."""
    engine_sheet(sheet).set_rows_hidden([rows] if isinstance(rows, int) else rows, hidden)


def hide_columns(sheet: Any, columns: int | str | Iterable[int | str], hidden: bool = True) -> None:
    """For tests: hide (or show) columns by number or letter, without a call into Excel."""
    many = [columns] if isinstance(columns, int | str) else columns
    engine_sheet(sheet).set_columns_hidden(map(_column, many), hidden)


def auto_filter(
    sheet: Any,
    area: str,
    field: int,
    criteria1: Any,
    operator: int = AutoFilterOperator.xlAnd,
    criteria2: Any = None,
) -> None:
    """For tests, on either platform: a user filters `area` (headings in its first row) on
    its `field`th column, as Range.AutoFilter does, without a call into Excel."""
    impl = engine_sheet(sheet)
    test = criterion(criteria1, operator, criteria2) if criteria1 is not None else None
    impl.apply_filter(_corner(area), _corner(area, last=True), field, test)


def put_error(sheet: Any, row: int, column: int | str, error: str = "#N/A") -> None:
    """For tests: the cell holds the error value `error` (its text: "#N/A", "#DIV/0!", ...,
    "#SPILL!", "#CALC!"), as a formula's result or a pasted value leaves it."""
    impl = engine_sheet(sheet)
    where = (row, _column(column))
    impl.formulas.pop(where, None)
    impl.grid[where] = CellError(error)


# -- plugging it in ---------------------------------------------------------------------


def _apple_modules(engine: Engine) -> dict[str, types.ModuleType]:
    """Stand-ins for appscript's `k` and `osax.OSAX(pid=...).display_alert`, the
    StandardAdditions command xlwings' macOS engine shows alerts with (`_xlmac.App.alert`).
    Like appscript's, the command gives up after `timeout` seconds, 60 unless given
    (py-appscript `reference.Command.__call__`), raising CommandError -1712; an alert
    answered later (TIMED_OUT in `App.answers`, then the answer) is answered when the
    command waits long enough."""

    class Keywords:
        def __getattr__(self, name: str) -> str:
            return f"k.{name}"

    k = Keywords()

    class OSAX:
        def __init__(self, pid: int | None = None, **_: Any) -> None:
            self.app = engine.apps[pid] if pid is not None else next(iter(engine.apps))

        def activate(self) -> None:
            self.app.calls.add("activate")

        def display_alert(
            self, title: str, message: str = "", buttons: Any = "OK", as_: Any = None,
            timeout: float | None = 60,
        ) -> dict[str, str]:  # fmt: skip
            app = self.app
            app._event("alert")
            app.calls.add("alert")
            app.alerts.append((message, "critical" if as_ == k.critical else "info"))
            answer = app.answers.pop(0) if app.answers and isinstance(buttons, list) else "OK"
            if answer is TIMED_OUT:
                if timeout is not None and timeout <= APPLE_EVENT_TIMEOUT:
                    raise CommandError(
                        APPLE_EVENT_TIMED_OUT, "Apple event timed out.", "display_alert"
                    )
                answer = app.answers.pop(0)  # the user answers, later
            return {k.button_returned: str(answer).capitalize()}

    appscript = types.ModuleType("appscript")
    appscript.k = k  # type: ignore[attr-defined]
    osax = types.ModuleType("osax")
    osax.OSAX = OSAX  # type: ignore[attr-defined]
    return {"appscript": appscript, "osax": osax}


async def _awaited(done: Any) -> Any:
    return await done


class Excel:
    """The engine, active in xlwings while the test runs, and its one Excel instance.

    `platform`: "windows" (COM, the default), "macos" (AppleScript) or "lite" (xlwings
    Lite: see `run_script`). `date_order`: how
    numeric dates typed into cells are read, "mdy" (en-US, the default) or "dmy" (a South
    African Excel set to day/month/year). `today`: the date whose year dates typed without
    one take (the real today by default)."""

    def __init__(
        self, platform: str = WINDOWS, *, date_order: str = "mdy", today: dt.date | None = None
    ) -> None:
        if date_order not in ("mdy", "dmy"):
            raise ValueError(f"date_order is 'mdy' or 'dmy', not {date_order!r}")
        self.engine = Engine(platform, Typing(date_order, today))
        self.wrapped = xlmain.Engine(impl=self.engine)
        self.before = xlmain.engines.active
        xlmain.engines.add(self.wrapped)
        self.wrapped.activate()
        self.app_impl = self.engine.apps.add()
        # On macOS xlwings brings appscript and its StandardAdditions (`osax`); Python on
        # Windows has neither. Stand-ins answer for them while this Excel runs.
        self.modules: dict[str, Any] = {}
        self.lite_violations: list[str] = []
        if platform == MACOS:
            for name, module in _apple_modules(self.engine).items():
                self.modules[name] = sys.modules.get(name)
                sys.modules[name] = module

    @property
    def platform(self) -> str:
        return self.engine.platform

    @property
    def calls(self) -> Calls:
        return self.engine.calls

    @property
    def app(self) -> App:
        return self.app_impl

    def open(self, path: Path) -> xlwings.Book:
        """The workbook at `path`, opened as a user opens it; the calls to open it are not
        counted against what a button does."""
        if self.platform == LITE:
            # The user opened it in Excel; a script cannot (`Books.open`).
            book = xlmain.Book(impl=self.app_impl.books.load(str(path)))
        else:
            book = xlwings.Book(str(path))
        self.calls.clear()
        return book

    def run_script(
        self, script: Callable[..., Any], book: xlwings.Book, *args: Any, **kw: Any
    ) -> None:
        """Press a Lite script's button: `script(book, *args, **kw)` (a coroutine function
        or a plain one) run as xlwings Lite runs it. Every sheet's values are loaded first;
        the writes it queues are applied, in order, when it returns, and dropped if it
        raises; while it runs, nothing may import or call a workbook file's reader
        (`lite_violations` lists any attempt, and the attempt fails)."""
        if self.platform != LITE:
            raise ValueError("run_script is xlwings Lite's; this Excel is not in Lite mode")
        impl = book.impl
        run = impl.lite = LiteRun()
        run.load(impl)
        try:
            with _NoReaders(self.lite_violations):
                done = script(book, *args, **kw)
                if inspect.isawaitable(done):
                    asyncio.run(_awaited(done))
        except BaseException:
            for sheet in run.added:
                impl.sheets._sheets.remove(sheet)
            raise
        else:
            run.flush()
        finally:
            impl.lite = None

    def blank(self) -> xlwings.Book:
        book = xlmain.Book(impl=self.app_impl.books.add())
        self.calls.clear()
        return book

    def batch(
        self, rows: Iterable[Iterable[Any]], sheet: str, name: str, format_name: str
    ) -> xlwings.Book:
        """A workbook built without a file: `rows` (row 1 first) as Excel holds them on a
        sheet called `sheet`, the format in the defined name `name`. What a press reads;
        the names are given, so building it loads nothing of the product."""
        book = self.blank()
        grid = book.impl.sheets.named("Sheet1")
        grid.name = sheet
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v not in (None, ""):
                    grid.grid[r, c] = as_stored(v)
        book.impl.names.add(name, f'="{format_name}"')
        self.calls.clear()
        return book

    def close(self) -> None:
        for name, before in self.modules.items():
            if before is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = before
        xlmain.engines.engines.remove(self.wrapped)
        xlmain.engines.engines_by_name.pop(self.engine.name, None)
        xlmain.engines.active = self.before
