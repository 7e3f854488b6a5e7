"""Keyword-less lines: one kind of record, one per line, with no keyword and no header row
(Sage Pastel's general-ledger journal batch is written this way). Each line is a document;
nothing in a line says which format it is, so a file of this layout is never recognised
by its content: the user names the format."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...specs.model import FieldSpec, Spec
from ..batch import (
    Batch,
    Context,
    Row,
    checked_records,
    extra_cells,
    fitted,
    is_blank,
    spaces_only,
)
from ..fields import parse_date
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

    def documents(self, batch: Batch) -> int:
        """A line each, unless lines that share the document key are one (a journal entry)."""
        key = batch.spec.document
        if key is None or not key.groups:
            return len(batch.records)
        kind = batch.spec.records[0]
        at = [kind.index(group[0]) for group in key.fields]
        return len({tuple(r.values[i] for i in at) for r in batch.records})

    def recognises(self, spec: Spec, first_row: Sequence[str]) -> bool:
        """A line of the kind's shape: no wider than the kind, every required field there,
        and each code, date and whole number one the field takes. Nothing else in a line
        says which format it is, so formats of one shape (a journal's and a cashbook's) are
        recognised alike, and the user is asked which."""
        kind = spec.records[0]
        fields = kind.fields
        required = [i for i, f in enumerate(fields) if f.required]
        if not first_row or len(first_row) > len(fields) or len(first_row) <= max(required):
            return False
        for f, value in zip(fields, first_row):
            text = "" if spec.blank_spaces and spaces_only(value) else value.strip()
            if not (_takes(f, text) if text else not f.required):
                return False
        return True

    def caption_rows(self, spec: Spec) -> int:
        return 1


def _takes(f: FieldSpec, text: str) -> bool:
    """Whether a field plainly takes `text`: a code it lists, a date, a whole number."""
    if f.kind == "code":
        return text in (f.choices or ())
    if f.kind == "date":
        return parse_date(text) is not None
    if f.kind == "integer":
        return text.isdigit()
    return True


KEYWORDLESS_LINES = KeywordlessLines()
