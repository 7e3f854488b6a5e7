"""Keyword records (Sage Pastel's Header/Detail): each line starts with its record's keyword,
a document is its first kind's record and the records after it, and no header row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...specs.model import Spec
from ..batch import Batch, Context, Row, validate_records
from .base import BatchLayout, FileRow


class KeywordRecords(BatchLayout):
    name = "records"
    noun = "record"
    header_row = False
    keywords = True

    def validate(self, spec: Spec, rows: Iterable[Row], *, typed: bool, context: Context) -> Batch:
        return validate_records(spec, rows, typed=typed, context=context)

    def unjoined(self, spec: Spec, rows: list[FileRow]) -> tuple[list[FileRow], list[int]]:
        """Some generators write a Header and its Details on one line (29 + 14 + 14 … fields):
        each record is read as its own, on the same line. A line whose next record does not
        start exactly where the previous kind's fields end is left whole (its extra fields
        stay an error)."""
        kinds = {r.keyword: len(r.fields) for r in spec.records}
        narrowest = min(kinds.values())
        out: list[FileRow] = []
        joined: list[int] = []
        for number, cells in rows:
            # Nearly every line is one record: only a line longer than its kind is looked at.
            if len(cells) <= narrowest or len(cells) <= kinds.get(cells[0], len(cells)):
                out.append((number, cells))
                continue
            parts = _records_in(cells, kinds)
            if len(parts) > 1:
                joined.append(number)
            out.extend((number, part) for part in parts)
        return (out, joined) if joined else (rows, [])

    def recognises(self, spec: Spec, first_row: Sequence[str]) -> bool:
        keyword = first_row[0].strip() if first_row else ""
        return any(r.keyword == keyword for r in spec.records)

    def documents(self, batch: Batch) -> int:
        first = batch.spec.records[0].keyword
        return sum(1 for r in batch.records if r.kind.keyword == first)

    def caption_rows(self, spec: Spec) -> int:
        # One caption row per record kind: what each column means on that kind's rows.
        return len(spec.records)


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
