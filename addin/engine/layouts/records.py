"""Keyword records (Sage Pastel's Header/Detail): each line starts with its record's keyword,
a document is its first kind's record and the records after it, and no header row."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import itemgetter

from ...specs.model import OlderLayout, Spec
from ...wording import numbered
from ..batch import Batch, Context, Row, is_blank, validate_records
from ..fields import parse_date
from ..findings import Finding, column_index
from .base import BatchLayout, FileRow


class KeywordRecords(BatchLayout):
    name = "records"
    noun = "record"
    header_row = False
    keywords = True

    def validate(self, spec: Spec, rows: Iterable[Row], *, typed: bool, context: Context) -> Batch:
        if not spec.older_layouts:
            return validate_records(spec, rows, typed=typed, context=context)
        rows = rows if isinstance(rows, list) else list(rows)
        older = [_in_layout(layout, rows) for layout in spec.older_layouts]
        batch = validate_records(spec, rows, typed=typed, context=context)
        wide = context.batch_wide
        if wide is None:
            name_older_layouts(batch, dict(enumerate(older)), context)
        else:
            for place, numbers in enumerate(older):
                wide.older.setdefault(place, []).extend(numbers)
        return batch

    def unjoined(self, spec: Spec, rows: list[FileRow]) -> tuple[list[FileRow], list[int]]:
        """Some generators write a Header and its Details on one line (29 + 14 + 14 … fields):
        each record is read as its own, on the same line. A line whose next record does not
        start exactly where the previous kind's fields end is left whole (its extra fields
        stay an error)."""
        kinds = {r.keyword: len(r.fields) for r in spec.records}
        keywords = set(kinds)
        # Nearly every line is one record: only a line with a keyword just past its kind's
        # fields is looked at, found in bulk.
        split: dict[int, list[list[str]]] = {}
        lengths = list(map(len, map(itemgetter(1), rows)))
        for width in set(kinds.values()):
            for i in compress(range(len(rows)), map(operator.gt, lengths, repeat(width))):
                cells = rows[i][1]
                if kinds.get(cells[0]) == width and cells[width].strip() in keywords:
                    split[i] = _records_in(cells, kinds)
        if not split:
            return rows, []
        out: list[FileRow] = []
        for i, (number, cells) in enumerate(rows):
            parts = split.get(i)
            out.extend((number, part) for part in parts) if parts else out.append((number, cells))
        return out, [rows[i][0] for i in sorted(split)]

    def recognises(self, spec: Spec, first_row: Sequence[str]) -> bool:
        keyword = first_row[0].strip() if first_row else ""
        return any(r.keyword == keyword for r in spec.records)

    def documents(self, batch: Batch) -> int:
        first = batch.spec.records[0].keyword
        return sum(1 for r in batch.records if r.kind.keyword == first)

    def caption_rows(self, spec: Spec) -> int:
        # One caption row per record kind: what each column means on that kind's rows.
        return len(spec.records)


def _in_layout(layout: OlderLayout, rows: list[Row]) -> list[int]:
    """The rows of `layout`'s kind that are exactly its width and hold something other than
    a date where the current layout has one."""
    at = column_index(layout.column) - 1
    lengths = map(len, map(itemgetter(1), rows))
    exact = compress(rows, map(operator.eq, lengths, repeat(layout.fields)))
    return [
        number
        for number, cells in exact
        if cells[0] == layout.record
        and not is_blank(cells[at])
        and not isinstance(cells[at], dt.date)
        and parse_date(str(cells[at]).strip()) is None
    ]


def name_older_layouts(batch: Batch, older: dict[int, list[int]], context: Context) -> None:
    """One finding for each of the spec's older layouts that has records (`older`: their
    lines, by the layout's place in the spec)."""
    for place, layout in enumerate(batch.spec.older_layouts):
        numbers = older.get(place)
        if numbers:
            _name_older_layout(batch, layout, numbers, context)


def _name_older_layout(
    batch: Batch, layout: OlderLayout, numbers: list[int], context: Context
) -> None:
    """One finding for the rows in the older layout, in place of each field's complaint."""
    rows = set(numbers)
    report = batch.report
    report.findings = [f for f in report.findings if f.row not in rows]
    word = context.row_word
    where = (
        f"this {word}" if len(numbers) == 1 else f"{len(numbers):,} {word}s ({numbered(numbers)})"
    )
    report.findings.append(
        Finding(
            severity="error",
            row=numbers[0],
            column=layout.column,
            field=f"{layout.record} layout",
            code="older-layout",
            message=f"{layout.record} records on {where} are in {layout.name}. {layout.change}",
        )
    )
    report.sort()


def _records_in(cells: list[str], kinds: dict[str | None, int]) -> list[list[str]]:
    """The records one line holds, cut where each kind's fields end and a keyword follows."""
    parts = []
    start = 0
    while True:
        width = kinds.get(cells[start].strip())
        end = start + width if width is not None else len(cells)
        if width is None or end >= len(cells) or cells[end].strip() not in kinds:
            parts.append(cells[start:])
            return parts
        parts.append(cells[start:end])
        start = end


KEYWORD_RECORDS = KeywordRecords()
