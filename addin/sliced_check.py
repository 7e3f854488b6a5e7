"""`batchsheet check` of a CSV file, a slice of documents at a time.

A batch of a million records held whole is about 1.5 GB: each line's fields as texts in a
list, then their columns and records as checked. Checked a slice of documents at a time,
only a slice's records are held, with what the batch keeps from one to the next: the
findings, each document's figures, and what the few checks that read across the whole batch
gather (`engine.batch_wide`). The report is the same, byte for byte, as the whole batch's
(`tests/test_sliced_check.py` holds the two to it on every kind of file, slices as small as
one document).

A batch is sliced where its documents start: a format of keyword records (Pastel's Header
and Detail) whose every rule is a rule of one record, of one document, or one of those
`rules.ACROSS` gathers. Any other batch, and a file whose lines do not split alike
(`csv_read.line_texts`, `fields_of`), is checked whole, as before.
"""

from __future__ import annotations

from typing import cast

from .engine import rules
from .engine.batch import Batch, Context
from .engine.batch_wide import BatchWide
from .engine.bulk import without_cycle_collection
from .engine.csv_batch import LinesRead, batch_from_rows, name_file_notes, rows_batch
from .engine.csv_read import Parsed, fields_of, line_texts, parse, unblank
from .engine.findings import Report
from .engine.layouts import KEYWORD_RECORDS, layout_of
from .engine.layouts.records import name_older_layouts
from .engine.totals import Documents, LineTotals, document_totals
from .ledger import Ledger
from .progress import stage
from .review import Review, name_settings_problems, review, reviewed
from .specs.model import (
    SETTINGS_RULES,
    ChoiceBySign,
    NotBefore,
    OnlyForDocumentTypes,
    PatternWhen,
    SetTogether,
    Spec,
)

# Lines read, checked and let go at a time: about 45 MB of a Pastel batch's records with
# their columns while they are checked.
SLICE_LINES = 50_000

# Rules that look at one record at a time (or one value against the company's lists):
# a slice says of its records what the whole batch says of them.
_RECORD_RULES = (PatternWhen, NotBefore, OnlyForDocumentTypes, ChoiceBySign, SetTogether)


def sliceable(spec: Spec) -> bool:
    """Whether a batch of `spec` is checked a slice of documents at a time."""
    return (
        layout_of(spec) is KEYWORD_RECORDS
        and isinstance(spec.totals, LineTotals | None)
        and all(
            isinstance(rule, _RECORD_RULES + SETTINGS_RULES) or type(rule) in rules.ACROSS
            for rule in spec.rules
        )
        and _said_in_order(spec)
    )


def _said_in_order(spec: Spec) -> bool:
    """Whether no rule after one of `rules.ACROSS` checks the same field. Sliced, what the
    batch-wide rules say comes after every slice's findings; the findings are sorted by row
    and column, and two on one cell keep the order they were said in, which is the rules'
    order when the batch is checked whole."""
    across: set[tuple[str | None, str]] = set()
    for rule in spec.rules:
        field = (rule.record, rule.field)
        if field in across:
            return False
        if type(rule) in rules.ACROSS:
            across.add(field)
    return True


@without_cycle_collection
def check_text(
    spec: Spec,
    text: str,
    read: Parsed,
    context: Context,
    ledger: Ledger | None,
    *,
    slice_lines: int = SLICE_LINES,
) -> Review:
    """The review of a CSV file's batch (`text` and what reading it as text found, as
    `csv_batch.decoded_csv` gives them), a slice of documents at a time where it can be."""
    lines = line_texts(text) if sliceable(spec) else None
    checked = _sliced(spec, lines, read, context, ledger, slice_lines) if lines else None
    del lines
    if checked is not None:
        return checked
    found = parse(text)
    read.rows, read.stop = found.rows, found.stop
    del found
    return review(batch_from_rows(spec, read, context), ledger)


def _sliced(
    spec: Spec,
    lines: list[str],
    read: Parsed,
    context: Context,
    ledger: Ledger | None,
    slice_lines: int,
) -> Review | None:
    """The review, slice by slice; None where a line's quotes do not end on it (the whole
    file is then read as one, by `csv_read.parse`, from its text). `lines` is emptied as
    they are read: each slice's are let go once its fields are split."""
    first = spec.records[0].keyword
    report = Report(spec.name)
    wide = context.batch_wide = BatchWide()
    lines_read = LinesRead()
    parts: list[Documents] = []
    records = 0
    first_row: tuple[int, list[str]] | None = None
    pending: list[tuple[int, list[str]]] = []
    total = len(lines)
    try:
        for start in range(0, total, slice_lines):
            fields = fields_of(lines[:slice_lines])
            if fields is None:
                return None
            del lines[:slice_lines]
            rows = pending + unblank(fields, start + 1)
            del fields
            if first_row is None and rows:
                first_row = rows[0]
            if start + slice_lines < total:
                # Cut before the last document that starts here: it may go on in the next.
                cut = _last_start(rows, first)
                rows, pending = rows[:cut], rows[cut:]
            else:
                pending = []
            if not rows:
                continue
            stage(f"checking lines {rows[0][0]:,} to {rows[-1][0]:,}")
            batch, found = rows_batch(spec, Parsed(rows), context)
            _add(report, batch.report)
            lines_read.extend(found)
            records += len(batch.records)
            documents = document_totals(batch, context.settings)
            if documents:
                parts.append(cast(Documents, documents).settled())
            # The slice's records go now, not when the next slice's names are bound.
            del batch, rows, found, documents
    finally:
        context.batch_wide = None
    if first_row is None:
        # No record at all: the whole batch's check says what an empty batch lacks.
        return None
    batch = Batch(spec, [], report, context)
    # Said in the whole batch's order; `name_file_notes` sorts the findings once, at the end
    # (the sort is stable: an earlier one would change no order).
    rules.say_gathered(spec, wide, report, context)
    name_older_layouts(batch, wide.older, context)
    lines_read.name(batch, renumber=False)
    read.rows = [first_row]
    name_file_notes(batch, read)
    name_settings_problems(batch)
    stage("adding up the totals")
    joined = Documents.joined(spec.name, parts) if parts else []
    del parts
    return reviewed(batch, ledger, joined, records)


def _last_start(rows: list[tuple[int, list[str]]], first: str | None) -> int:
    """The place of the last row that starts a document, past the first row; 0 if none
    does (the rows are then one document, or its start, carried on whole)."""
    for i in range(len(rows) - 1, 0, -1):
        if rows[i][1][0] == first:
            return i
    return 0


def _add(report: Report, part: Report) -> None:
    """A slice's findings after those of the slices before it; its checks where the report
    has none of that name yet (`Report.check`)."""
    report.findings += part.findings
    report.rewrites += part.rewrites
    for check in part.checks:
        report.check(check.name, check.ran, check.detail, check.brief, check.needs)
