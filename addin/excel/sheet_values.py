"""What goes into each cell when a batch is written to a sheet.

Numbers land as numbers and dates as dates where their text reads back unchanged, so people
can sum and sort; codes and anything that would not survive the trip land as text. The
openpyxl builder and the live-Excel import both use these decisions.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal

from ..engine.cells import number_text
from ..engine.fields import NUMBER_RE, canonical_number, format_date, parse_date
from ..specs.model import FieldSpec
from .layout import number_format

# Text Excel would take for a formula, or that a spreadsheet program may run when edited:
# Excel drops leading spaces (and pasted invisible ones) before it looks at the first sign.
FORMULA_LIKE = re.compile(r"^[ \t\r\n\u00a0\u180e\u200b-\u200d\u2060\ufeff]*[=+\-@\t\r]")
# Characters an .xlsx cannot hold at all (XML 1.0 forbids them).
NOT_IN_WORKBOOK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@functools.cache
def _plain_pattern(min_decimals: int) -> re.Pattern[str]:
    """Number text as `canonical_number` spells it with `min_decimals`: no leading zeros, a
    fraction of at least `min_decimals` digits that ends in a non-zero digit when longer,
    never minus zero."""
    fraction = (
        r"(?:\.[0-9]*[1-9])?" if not min_decimals else rf"\.[0-9]{{{min_decimals}}}(?:[0-9]*[1-9])?"
    )
    return re.compile(rf"(?!-0(?:\.0*)?$)-?(?:0|[1-9][0-9]*){fraction}", re.ASCII)


@functools.cache
def plain_number_text(min_decimals: int) -> Callable[[str], str | None]:
    """For a field with `min_decimals`: a text already spelled canonically with at most 15
    digits (which a double holds exactly, so Excel holds and shows this very number) as a
    cell's number, found without Decimal: the text itself, or its whole part when its
    fraction is all zeros; None: ask the long way (`field_value`)."""
    match = _plain_pattern(min_decimals).fullmatch

    def plain(text: str) -> str | None:
        if not match(text) or len(text) - text.count(".") - text.startswith("-") > 15:
            return None
        whole, _, fraction = text.partition(".")
        return whole if not fraction.strip("0") else text

    return plain


def plain_number(text: str, min_decimals: int) -> int | float | None:
    """The number of a canonical number text (`plain_number_text`); None: ask the long way."""
    spelled = plain_number_text(min_decimals)(text)
    if spelled is None:
        return None
    return float(spelled) if "." in spelled else int(spelled)


def field_value(f: FieldSpec, text: str) -> object:
    """The cell value for a field's text: a number, a date, or the text itself."""
    if text == "":
        return None
    fmt = number_format(f)
    if fmt == "@":
        return text
    if f.kind in ("integer", "number"):
        quick = plain_number(text, f.min_decimals)
        return quick if quick is not None else _exact_number(text, f.min_decimals)
    if f.kind == "date":
        day = parse_date(text)
        # Excel holds no date before 1900: such a date stays the text it was.
        if day is not None and day.year >= 1900 and format_date(day) == text:
            return dt.datetime(day.year, day.month, day.day)
        return text
    return text


def _exact_number(text: str, min_decimals: int) -> int | float | str:
    if not NUMBER_RE.fullmatch(text):
        return text
    d = Decimal(text)
    value: int | float = int(d) if d == d.to_integral_value() and abs(d) < 2**53 else float(d)
    # Only when Excel will hand back exactly this text.
    if canonical_number(Decimal(number_text(value)), min_decimals) == text:
        return value
    return text


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and bool(FORMULA_LIKE.match(value))


def as_typed_text(value: object) -> object:
    """A value to write into a live cell: text carries the `'` prefix that makes Excel keep
    it as the text it is (the prefix is not part of the value).

    Excel reads what is written into a General cell as if typed, in the user's locale:
    `March 2025`, `Jan-25`, `5 Mar`, `1E5`, `1 1/2`, `(100)`, `15%`, `10 AM`, `TRUE`, `#N/A`
    and `001` become dates, numbers, times, booleans or errors, `=…` a formula, and a
    leading `'` of the text itself would be taken as the prefix and lost. Which texts
    convert depends on the locale's date and number settings, so every text is prefixed,
    not only those a pattern here could foresee."""
    if isinstance(value, str) and value:
        return "'" + value
    return value
