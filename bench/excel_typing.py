"""Cells the way Excel stores what a person types into the template.

Numbers land as numbers and dates as dates; codes stay text in the template's text columns,
except where someone typed into a General cell: then `001` became 1 and `1-2` a date. A
workbook of such cells is what Validate meets in real life, unlike one our own import wrote.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from addin.engine.fields import NUMBER_RE, parse_date
from addin.specs.model import FieldSpec, Spec


def typed(f: FieldSpec, text: str) -> Any:
    """What Excel holds after `text` is typed into a cell formatted for field `f`."""
    if text == "":
        return None
    if f.kind in ("integer", "number") and NUMBER_RE.fullmatch(text.strip()):
        d = Decimal(text.strip())
        return int(d) if d == d.to_integral_value() else float(d)
    if f.kind == "date":
        day = parse_date(text.strip())
        if day is not None:
            return dt.datetime(day.year, day.month, day.day)
    return text


def _store_as_number(row: list[Any]) -> None:
    if row[0] == "Detail" and isinstance(row[13], str) and row[13].isdigit():
        row[13] = int(row[13])


def _gl_as_number(row: list[Any]) -> None:
    if row[0] == "Detail" and isinstance(row[9], str) and row[9].isdigit():
        row[9] = int(row[9])


def _code_as_date(row: list[Any]) -> None:
    if row[0] == "Detail":
        row[9] = dt.datetime(2025, 2, 1)  # someone typed the item code 1-2


def _customer_as_number(row: list[Any]) -> None:
    if row[0] == "Header":
        row[4] = 1234  # the customer code 001234, typed into a General cell


EXCEL_DAMAGE: list[Callable[[list[Any]], None]] = [
    _store_as_number,
    _gl_as_number,
    _code_as_date,
    _customer_as_number,
]


def _account_as_number(row: list[Any]) -> None:
    if isinstance(row[3], str) and row[3].isdigit():
        row[3] = int(row[3])  # a GL account typed into a General cell


def _contra_as_number(row: list[Any]) -> None:
    if isinstance(row[11], str) and row[11].isdigit():
        row[11] = int(row[11])


def _tax_type_as_number(row: list[Any]) -> None:
    if isinstance(row[7], str) and row[7].isdigit():
        row[7] = int(row[7])


# A journal line's codes lost to General cells (Account Number, Contra Account, Tax Type).
JOURNAL_EXCEL_DAMAGE: list[Callable[[list[Any]], None]] = [
    _account_as_number,
    _contra_as_number,
    _tax_type_as_number,
]


def typed_lines(
    spec: Spec, lines: Iterable[list[str]], seed: int, bad_share: float
) -> Iterator[list[Any]]:
    """Typed rows of a keyword-less format's lines (the Pastel journal): each field as
    `typed`; `bad_share` of them also lose a code to Excel's typing."""
    rng = random.Random(seed)
    (kind,) = spec.records
    for line in lines:
        row = [typed(f, t) for f, t in zip(kind.fields, line)]
        if rng.random() < bad_share:
            JOURNAL_EXCEL_DAMAGE[rng.randrange(len(JOURNAL_EXCEL_DAMAGE))](row)
        yield row


def typed_rows(
    spec: Spec, records: Iterable[list[str]], seed: int, bad_share: float
) -> Iterator[list[Any]]:
    """Typed rows of text records; `bad_share` of them also lose a code to Excel's typing."""
    rng = random.Random(seed)
    kinds = {r.keyword: r for r in spec.records}
    for record in records:
        kind = kinds.get(record[0])
        if kind is None:
            yield list(record)
            continue
        row = [record[0], *(typed(f, t) for f, t in zip(kind.fields[1:], record[1:]))]
        if rng.random() < bad_share:
            EXCEL_DAMAGE[rng.randrange(len(EXCEL_DAMAGE))](row)
        yield row
