"""Which format a file holds, from its first row, when the user has not said."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..specs.model import Spec
from .csv_batch import parse_csv
from .csv_read import UTF8_BOM, starts_with_separator_line
from .layouts import layout_of


def recognises(spec: Spec, first_row: Sequence[str]) -> bool:
    """Whether a file starting with `first_row` looks like one of `spec`'s batches.

    Record formats start with one of their keywords (Pastel's Header). A header-row format
    is recognised when at least two names, and at least half of them, are its columns: an
    export carries columns the column set may not know yet.
    """
    return layout_of(spec).recognises(spec, first_row)


def candidates(specs: Iterable[Spec], first_row: Sequence[str]) -> list[Spec]:
    return [s for s in specs if recognises(s, first_row)]


def shown_instead(spec: Spec, specs: Iterable[Spec], first_row: Sequence[str]) -> list[Spec]:
    """The formats `first_row` shows when it is not `spec`'s (an Infusion file checked as a
    Pastel batch, a Pastel document batch checked as a journal); none when it fits `spec`,
    or fits no format, or only formats of `spec`'s kind whose files look alike."""
    if recognises(spec, first_row):
        return []
    return [
        s
        for s in candidates(specs, first_row)
        if s.system != spec.system or s.layout != spec.layout
    ]


# Blank lines before the first record, after a byte-order mark if there is one.
_BLANK_LINES = re.compile(rb"(?:\xef\xbb\xbf)?(?:[ \t\r]*\n)*")


def first_row(data: bytes, path: str) -> list[str]:
    """The fields of a CSV file's first record, read as a format's file is read (its
    encoding guessed the same way), without parsing the rest of the file."""
    return first_record(data, path)[1]


def first_record(data: bytes, path: str) -> tuple[int | None, list[str]]:
    """The line of a CSV file's first record (blank lines come before it) and its fields."""
    if starts_with_separator_line(data):
        # Excel's `sep=` line goes with the first record: it says how to split it.
        start = 0
        end = data.find(b"\n", data.find(b"\n") + 1)
    else:
        start = _BLANK_LINES.match(data).end()  # type: ignore[union-attr]  # it matches empty
        end = data.find(b"\n", start)
    # Only that line is parsed, with the byte-order mark that tells its encoding.
    mark = UTF8_BOM if data.startswith(UTF8_BOM) and start else b""
    head = mark + data[start : len(data) if end < 0 else end + 1]
    if not head.strip():
        return None, []
    parsed = parse_csv(head, path)
    if not parsed.rows:
        return None, []
    line, fields = parsed.rows[0]
    return line + data.count(b"\n", 0, start), list(fields)
