"""Keyword-less lines: one kind of record, one per line, with no keyword and no header row
(Sage Pastel's general-ledger journal batch is written this way). Each line is a document;
nothing in a line says which format it is, so a file of this layout is never recognised
by its content: the user names the format."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...specs.model import Spec
from ..batch import Batch, Context, Row, checked_records, extra_cells, fitted, is_blank
from ..findings import Report
from .base import BatchLayout


class KeywordlessLines(BatchLayout):
    name = "lines"
    noun = "record"
    header_row = False
    keywords = False

    def validate(self, spec: Spec, rows: Iterable[Row], *, typed: bool, context: Context) -> Batch:
        kind = spec.records[0]
        width = len(kind.fields)
        report = Report(spec.name)
        # A file's cells are text; a sheet's may be anything, and empty is None there.
        empty = None if typed else ""
        kept: list[Row] = []
        for number, cells in rows:
            if all(map(is_blank, cells)):
                continue
            fit, past = fitted(cells, width, empty)
            if past:
                report.findings.extend(extra_cells(kind, number, cells, {}, context))
            kept.append((number, fit))
        grouped: dict[str | None, list[Row]] = {kind.keyword: kept}
        order = [kind.keyword] * len(kept)
        return checked_records(spec, grouped, order, typed, report, context, structure=False)

    def recognises(self, spec: Spec, first_row: Sequence[str]) -> bool:
        return False

    def caption_rows(self, spec: Spec) -> int:
        return 1


KEYWORDLESS_LINES = KeywordlessLines()
