"""Which format a file holds, from its first row, when the user has not said."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..specs.model import Spec
from .csv_batch import parse_csv
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
    Pastel batch); none when it fits `spec`, or fits no format."""
    if recognises(spec, first_row):
        return []
    return [s for s in candidates(specs, first_row) if s.system != spec.system]


def first_row(data: bytes, path: str) -> list[str]:
    """The fields of a CSV file's first record, read as a format's file is read (its
    encoding guessed the same way), without parsing the rest of the file."""
    return first_record(data, path)[1]


def first_record(data: bytes, path: str) -> tuple[int | None, list[str]]:
    """The line of a CSV file's first record (blank lines come before it) and its fields."""
    end = -1
    while True:
        end = data.find(b"\n", end + 1)
        if end < 0 or data[: end + 1].strip(b" \t\r\n\xef\xbb\xbf"):
            break
    parsed = parse_csv(data if end < 0 else data[: end + 1], path)
    if not parsed.rows:
        return None, []
    line, fields = parsed.rows[0]
    return line, list(fields)
