"""A data sheet's values, as read in one call from Excel or openpyxl, as numbered rows.

Both adapters hand over the sheet from cell A1 down; this is the one place that knows
where the data starts and where the marking columns begin.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import count, repeat
from operator import itemgetter
from typing import Any

from ..engine.layouts import layout_of
from ..specs.model import Spec
from .layout import MARK_HEADINGS, Layout, caption

# How far down the caption rows are looked for: rows a user inserted above them (a title,
# a date) push them down.
CAPTION_SEARCH_ROWS = 20

Rows = list[tuple[int, tuple[Any, ...]]]


def table_width(header: Sequence[Any]) -> int:
    """Columns of a header-row sheet: up to the marking columns, or its last named column."""
    names = [v.strip() if isinstance(v, str) else v for v in header]
    if MARK_HEADINGS[0] in names:
        return names.index(MARK_HEADINGS[0])
    while names and names[-1] in (None, ""):
        names.pop()
    return len(names)


def data_width(spec: Spec, values: Sequence[Sequence[Any]]) -> int:
    """How many columns of the sheet hold data; the marking columns follow."""
    if layout_of(spec).header_row:
        return table_width(values[0] if values else ())
    return Layout(spec).data_width


def data_start(spec: Spec, values: Sequence[Sequence[Any]]) -> int:
    """The first data row of a records sheet: below its caption rows, wherever rows inserted
    above them have moved them."""
    first = Layout(spec).first_data_row
    if not layout_of(spec).keywords:
        return first
    captions = {caption(r.keyword) for r in spec.records}
    found = [
        n
        for n, row in enumerate(values[:CAPTION_SEARCH_ROWS], start=1)
        if row and isinstance(row[0], str) and row[0].strip() in captions
    ]
    return max(found[-1] + 1, first) if found else first


def grid_rows(spec: Spec, values: Sequence[Sequence[Any]]) -> Rows:
    """Numbered rows for the engine: a header-row sheet from its header row, a record sheet
    from its first data row; cells right of the data are left out."""
    width = data_width(spec, values)
    first = 1 if layout_of(spec).header_row else data_start(spec, values)
    below = values[first - 1 :]
    # A sheet's rows are all as wide as it is: cut in one pass, padded only when short.
    if all(map(operator.ge, map(len, below), repeat(width))):
        cut = map(tuple, map(itemgetter(slice(0, width)), below))
        return list(zip(count(first), cut))
    return [
        (number, tuple(row[:width]) + (None,) * (width - len(row)))
        for number, row in enumerate(below, start=first)
    ]
