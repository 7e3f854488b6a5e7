"""Excel calls per Validate, counted on xlwings' remote engine.

The remote engine (`xw.Book(json=...)`) holds a workbook as JSON and records every change
Python makes as an action instead of calling Excel; each action is one call Excel would
have answered. Reads come from the JSON sent with the request, so the actions are the whole
cost that grows with the sheet. The engine is licensed for noncommercial use: this runs only
when `XLWINGS_LICENSE_KEY` is set, and only once the ribbon entry point exists.
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from addin.excel.layout import (
    DATA_SHEET,
    FORMAT_NAME,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    MARK_HEADINGS,
    Layout,
)
from addin.specs.model import Spec

ENTRY_POINT = "addin.excel.ribbon.validate"


@dataclass(frozen=True)
class Calls:
    rows: int
    actions: int
    by_kind: dict[str, int]


def unavailable() -> tuple[Callable[..., Any] | None, str | None]:
    """The Validate entry point, or why the count cannot be taken here."""
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        return None, "XLWINGS_LICENSE_KEY is not set (xlwings' remote engine needs a license key)"
    try:
        from addin.excel import ribbon
    except ImportError as e:
        return None, f"{ENTRY_POINT} is not importable ({e})"
    validate = getattr(ribbon, "validate", None)
    if validate is None:
        return None, f"{ENTRY_POINT} does not exist yet"
    return validate, None


def _cell(value: Any) -> Any:
    # Office Scripts hands Python dates as their text, empty cells as "".
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%d/%m/%Y")
    return value


def book_json(spec: Spec, rows: Iterable[list[Any]]) -> dict[str, Any]:
    """The payload the Office Scripts client sends for a batch workbook holding `rows`."""
    import xlwings as xw

    layout = Layout(spec)
    width = layout.data_width + len(MARK_HEADINGS)
    captions = [
        [r.keyword or "", *(f.label for f in r.fields[1:])]
        for r in spec.records[: layout.caption_rows]
    ]
    values = [row + [""] * (width - len(row)) for row in captions]
    values += [[_cell(v) for v in row] + [""] * (width - len(row)) for row in rows]
    sheet = {
        "name": DATA_SHEET,
        "values": values,
        "pictures": [],
        "shapes": [],
        "charts": [],
        "notes": [],
        "tables": [],
        "print_area": None,
        "visibility": "Visible",
    }
    others = [dict(sheet, name=name, values=[[""]]) for name in (INSTRUCTIONS_SHEET, LISTS_SHEET)]
    return {
        "client": "Microsoft Office Scripts",
        "version": xw.__version__,
        "book": {"name": "batch.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [
            {
                "name": FORMAT_NAME,
                "sheet_index": None,
                "address": None,
                "book_scope": True,
                "scope_sheet_index": None,
                "scope_sheet_name": None,
                "refers_to": f'="{spec.name}"',
            }
        ],
        "sheets": [sheet, *others],
    }


def count(validate: Callable[..., Any], spec: Spec, rows: list[list[Any]]) -> Calls:
    """Run Validate once on a remote book of `rows` and count the actions it queued."""
    import xlwings as xw

    book = xw.Book(json=book_json(spec, rows))
    # The entry point is written elsewhere: give it the book if it asks for one.
    if inspect.signature(validate).parameters:
        validate(book)
    else:
        validate()
    actions = book.json()["actions"]
    return Calls(len(rows), len(actions), dict(Counter(a["func"] for a in actions)))
