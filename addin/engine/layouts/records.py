"""Keyword records (Sage Pastel's Header/Detail): each line starts with its record's keyword,
a document is its first kind's record and the records after it, and no header row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...specs.model import Spec
from ..batch import Batch, Context, Row, validate_records
from .base import BatchLayout


class KeywordRecords(BatchLayout):
    name = "records"
    noun = "record"
    header_row = False
    keywords = True

    def validate(self, spec: Spec, rows: Iterable[Row], *, typed: bool, context: Context) -> Batch:
        return validate_records(spec, rows, typed=typed, context=context)

    def recognises(self, spec: Spec, first_row: Sequence[str]) -> bool:
        keyword = first_row[0].strip() if first_row else ""
        return any(r.keyword == keyword for r in spec.records)

    def documents(self, batch: Batch) -> int:
        first = batch.spec.records[0].keyword
        return sum(1 for r in batch.records if r.kind.keyword == first)

    def caption_rows(self, spec: Spec) -> int:
        # One caption row per record kind: what each column means on that kind's rows.
        return len(spec.records)


KEYWORD_RECORDS = KeywordRecords()
