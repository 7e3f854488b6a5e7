"""Typed cell values from Excel (numbers, dates, booleans) as the text a CSV would hold.

Excel stores what a person types as a binary float or a date serial, and quietly changes
codes on the way: `001` becomes 1, `1-2` becomes a date, a long number becomes 1.23E+12.
This is where those are recognised and explained.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from ..specs.model import FieldSpec
from .fields import canonical_number, format_date
from .findings import Problem

# Excel keeps 15 significant digits; a number past that lost its tail.
_EXCEL_DIGITS = 15
# Excel's 1900 date system: serial 1 is 1 January 1900, and the phantom 29 February 1900
# (serial 60, kept from Lotus 1-2-3) shifts every later day by one, so from 1 March 1900 on
# a serial counts days from 30 December 1899. The last day is 9999-12-31 (2958465).
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
FIRST_EXCEL_DAY = dt.datetime(1900, 1, 1)
PHANTOM_LEAP_SERIAL = 60
LAST_SERIAL = 2958465
# The 1904 date system (Excel for Mac's old default, `<workbookPr date1904="1"/>`): serial
# 0 is 1 January 1904, 1,462 days after the 1900 system's serial for that day.
FIRST_1904_DAY = dt.datetime(1904, 1, 1)
LAST_1904_SHIFT = 1462


# The errors a cell can show, and what usually causes each, in a bookkeeper's words.
EXCEL_ERRORS = {
    "#N/A": "a lookup (VLOOKUP, XLOOKUP, MATCH) found nothing",
    "#DIV/0!": "a division by zero or by an empty cell",
    "#VALUE!": "a formula was given text where it needs a number",
    "#REF!": "a formula refers to cells that were deleted",
    "#NAME?": "a formula uses a name or function Excel does not know",
    "#NUM!": "a number out of Excel's range",
    "#NULL!": "a formula names two ranges that do not meet",
    "#SPILL!": "a formula's results have no room to spill into",
    "#CALC!": "a formula that could not be calculated",
    "#GETTING_DATA": "data Excel was still fetching when the workbook was saved",
    "#CONNECT!": "a linked data source Excel could not reach",
    "#BLOCKED!": "a linked data source Excel was not allowed to reach",
    "#UNKNOWN!": "a data type this version of Excel does not know",
    "#FIELD!": "a field of a linked data type that does not exist",
}
ERROR_VALUE = "error-value"
# How an error reaches Python from Excel on Windows: the CVErr code 0x800A0000 plus the
# xlErr number, as a signed 32-bit int (-2146826246 for #N/A); xlwings turns only seven of
# them into text (`_xlwindows.cell_errors`), the rest arrive as these ints.
# https://learn.microsoft.com/en-us/office/vba/api/excel.xlcverror
_XL_ERR = {
    "#NULL!": 2000, "#DIV/0!": 2007, "#VALUE!": 2015, "#REF!": 2023, "#NAME?": 2029,
    "#NUM!": 2036, "#N/A": 2042, "#GETTING_DATA": 2043, "#SPILL!": 2045, "#CONNECT!": 2046,
    "#BLOCKED!": 2047, "#UNKNOWN!": 2048, "#FIELD!": 2049, "#CALC!": 2050,
}  # fmt: skip
COM_ERRORS = {-2146828288 + number: text for text, number in _XL_ERR.items()}


def error_text(value: object) -> str | None:
    """The error a value read from Excel (xlwings with `err_to_str`) stands for, or None."""
    if type(value) is str:
        return value if value in EXCEL_ERRORS else None
    if type(value) is int:
        return COM_ERRORS.get(value)
    return None


# Every value `error_text` may name: a row holding none of them holds no error. (A float or
# bool equal to one is let through to `error_text`, which tells them apart by type.)
_ERROR_VALUES = frozenset(EXCEL_ERRORS).union(COM_ERRORS)


def error_cells(values: Sequence[Sequence[Any]]) -> list[tuple[int, int, str]]:
    """The cells of a sheet's values (1-based row and column) holding an error, and its text.
    A row is looked at cell by cell only when it holds one: most hold none."""
    return [
        (r, c, error)
        for r, row in enumerate(values, start=1)
        if not _ERROR_VALUES.isdisjoint(row)
        for c, value in enumerate(row, start=1)
        if (error := error_text(value)) is not None
    ]


def error_value_message(ref: str, error: str) -> str:
    """What a cell showing `error` is told: never "is required", never read as empty. An
    empty `error`: a formula whose value Excel for Mac hands over as nothing, an error and an
    empty result alike."""
    if not error:
        return (
            f"{ref} holds a formula whose value Excel for Mac does not hand over (an error "
            "such as #N/A, or an empty result), so it has no value to import; correct the "
            "formula, or type the value"
        )
    cause = EXCEL_ERRORS.get(error.upper(), "a formula that failed")
    return (
        f"{ref} shows the error {error} ({cause}), so it has no value to import; correct "
        "the formula, or type the value"
    )


# Whether the workbook whose cells are being read counts dates from 1904 (set by the Excel
# side around reading one, `counting_from_1904`): a number in a date cell is a serial of it.
_FROM_1904: ContextVar[bool] = ContextVar("from_1904", default=False)


@contextlib.contextmanager
def counting_from_1904(yes: bool) -> Iterator[None]:
    token = _FROM_1904.set(yes)
    try:
        yield
    finally:
        _FROM_1904.reset(token)


class NotAnExcelDate(ValueError):
    """A date before the first day Excel's date system counts."""


def date_serial(value: dt.date, *, date1904: bool = False) -> float:
    """The serial Excel stores for `value` in the workbook's date system; Excel holds no
    date before the system's first day: NotAnExcelDate."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime(*value.timetuple()[:3])
    first = FIRST_1904_DAY if date1904 else FIRST_EXCEL_DAY
    if moment < first:
        raise NotAnExcelDate(
            f"{moment:%d/%m/%Y} is before {first:%d/%m/%Y}, the first date "
            + ("this workbook's 1904 date system holds" if date1904 else "Excel holds")
        )
    if date1904:
        return (moment - FIRST_1904_DAY) / dt.timedelta(days=1)
    serial = (moment - EXCEL_EPOCH) / dt.timedelta(days=1)
    return serial if serial > PHANTOM_LEAP_SERIAL else serial - 1


def serial_day(serial: int, *, date1904: bool = False) -> dt.date | None:
    """The day a whole serial stands for; None for Excel's phantom 29 February 1900 and for
    serials outside the date system."""
    if date1904:
        last = LAST_SERIAL - LAST_1904_SHIFT
        return (FIRST_1904_DAY + dt.timedelta(days=serial)).date() if 0 <= serial <= last else None
    if not 1 <= serial <= LAST_SERIAL or serial == PHANTOM_LEAP_SERIAL:
        return None
    shift = 0 if serial > PHANTOM_LEAP_SERIAL else 1
    return (EXCEL_EPOCH + dt.timedelta(days=serial + shift)).date()


def number_text(value: int | float) -> str:
    """The decimal text Excel shows for a number (never a float artefact, never an exponent)."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    shortest = repr(value)
    # The shortest text that reads back as this float, when it has no exponent and no more
    # digits than Excel keeps, is what rounding to those digits gives: no Decimal needed.
    if "e" not in shortest and len(shortest.lstrip("-0").replace(".", "")) <= _EXCEL_DIGITS:
        text = shortest[:-2] if shortest.endswith(".0") else shortest
        return "0" if text == "-0" else text
    # Excel shows and computes with 15 significant digits: =0.1+0.2 is 0.3 there, so here too.
    return canonical_number(Decimal(format(value, f".{_EXCEL_DIGITS}g")))


# A shortest repr that is not plain Excel text: more significant digits than Excel keeps,
# an exponent, inf or nan. Then `.0` endings and minus zero, which plain text drops.
_ODD = re.compile(r"^(?:-?[0.]*[1-9](?:\.?[0-9]){15}|[^\n]*[en])[^\n]*$", re.M)
_POINT_ZERO = re.compile(r"\.0$", re.M)
_MINUS_ZERO = re.compile(r"^-0$", re.M)


def number_texts(values: list[float]) -> list[str]:
    """`number_text` of many floats at once: the same texts, made by a few passes over
    their joined reprs instead of a Python call each (a sheet holds hundreds of thousands);
    only the odd ones are made one by one."""
    if not values:
        return []
    joined = "\n".join(map(float.__repr__, values))
    texts = _MINUS_ZERO.sub("0", _POINT_ZERO.sub("", joined)).split("\n")
    # Nothing odd can be there when no repr has an exponent, inf or nan, and none is long
    # enough to hold more digits than Excel keeps (sheets' amounts nearly always): the
    # search for them would look along every line.
    if "e" not in joined and "n" not in joined and max(map(len, texts)) <= _EXCEL_DIGITS:
        return texts
    line, seen = 0, 0
    for m in _ODD.finditer(joined):
        line += joined.count("\n", seen, m.start())
        seen = m.start()
        texts[line] = number_text(values[line])
    return texts


def cell_text(f: FieldSpec, value: object) -> tuple[str, Problem | None]:
    """Text of a typed cell for field `f`, and what Excel probably did to it.

    An error problem replaces the field's own diagnosis of the text; a warning adds to it.
    """
    if value is None:
        return "", None
    if isinstance(value, str):
        return value, None
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), None
    if isinstance(value, (int, float)):
        return _number_cell(f, value)
    if isinstance(value, (dt.datetime, dt.date)):
        return _date_cell(f, value)
    if isinstance(value, dt.time):
        return value.isoformat(), Problem(
            severity="error",
            code="time-in-cell",
            message=f"{f.label} holds a time of day ({value.isoformat()}); format the cell as Text "
            "and type the value again.",
        )
    return str(value), None


# Field kinds where a number in the cell is simply its text, with nothing to say about it.
NUMBER_AS_TEXT = frozenset({"integer", "number", "code", "flag", "yesno", "raw"})


def _number_cell(f: FieldSpec, value: int | float) -> tuple[str, Problem | None]:
    text = number_text(value)
    if f.kind in NUMBER_AS_TEXT:
        return text, None
    if f.kind == "date":
        fix = None
        day = serial_day(int(value), date1904=_FROM_1904.get()) if value == int(value) else None
        if day is not None:
            fix = format_date(day)
        return text, Problem(
            severity="error",
            code="number-in-date",
            message=(
                f"{f.label} holds the number {text} instead of a date: the cell is formatted as a "
                "number. Format it as a date (DD/MM/YYYY) or type the date as text."
            ),
            fix=fix,
        )
    digits = len(text.lstrip("-").replace(".", "").lstrip("0"))
    if digits > _EXCEL_DIGITS or abs(value) >= 1e11:
        message = (
            f"{f.label} holds the number {text}: Excel turns a long code into a number, shows "
            f"it as {value:.2E} and keeps only {_EXCEL_DIGITS} digits. Format the column as "
            "Text and type or paste the code again."
        )
    else:
        message = (
            f"{f.label} holds the number {text}, not text: Excel drops leading zeros from codes "
            "typed into a General cell (001 becomes 1). Format the column as Text and type the "
            "code again if it had any."
        )
    return text, Problem(severity="warning", code="number-in-text", message=message)


def _date_cell(f: FieldSpec, value: dt.date) -> tuple[str, Problem | None]:
    day = value.date() if isinstance(value, dt.datetime) else value
    text = format_date(day)
    if f.kind in ("date", "raw"):
        return text, None
    if f.kind in ("integer", "number"):
        return text, Problem(
            severity="error",
            code="date-in-number",
            message=(
                f"{f.label} holds a date ({text}) where a number belongs: Excel reads entries like "
                "1/2 or 3-4 as dates. Format the cell as a number and type the value again."
            ),
        )
    return text, Problem(
        severity="warning",
        code="date-in-text",
        message=f"{f.label} holds a date ({text}), not text: Excel turns codes such as "
        f"{day.day}-{day.month} into dates. Format the column as Text and type the code again.",
    )
