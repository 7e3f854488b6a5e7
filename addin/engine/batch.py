"""A grid of raw cell values -> records -> findings.

The grid is what a sheet or a CSV holds: rows of `str`, `int`, `float`, `datetime` or `None`,
each with the number the user sees (the sheet row, or the line of the file). Nothing here
knows about Excel or files.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, compress, count, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from ..specs.model import FieldSpec, RecordSpec, Spec
from . import rules
from .cells import NUMBER_AS_TEXT, cell_text, number_texts
from .fields import diagnose_column, field_check
from .findings import Finding, Problem, Report, column_letter
from .records import Records

if TYPE_CHECKING:
    from .batch_wide import BatchWide
    from .settings import CompanySettings

Row = tuple[int, Sequence[Any]]


@dataclass
class Context:
    """What the user told us about the batch beyond its rows."""

    document_type: str | None = None
    # How the user counts places: sheet rows, or lines of a file.
    row_word: str = "row"
    # The company's settings and master lists, as far as the user filled them in.
    settings: CompanySettings | None = None
    # The day "the current financial year" is counted from (tests fix it).
    today: dt.date | None = None
    # Set while a batch is checked a slice at a time: what reads across the whole batch is
    # gathered here and said at the end (see `batch_wide`).
    batch_wide: BatchWide | None = None


class Record(NamedTuple):
    kind: RecordSpec
    row: int
    # Canonical text of every field of `kind`, in column order: what the CSV will hold.
    values: list[str]

    def get(self, key: str) -> str:
        return self.values[self.kind.index(key)]


# A batch has as many records as lines; made without a Python call each, they cost little.
_new_record = partial(tuple.__new__, Record)


@dataclass
class Batch:
    spec: Spec
    records: list[Record]
    report: Report
    context: Context = field(default_factory=Context)
    # Table layouts: the columns as the header row names them, lettered as they stand.
    columns: RecordSpec | None = None
    # The records of each kind with the columns their checks built, as validated: what
    # reads a whole column (the totals) reads it here rather than off every record.
    kinds: dict[str | None, Records] = field(default_factory=dict)

    @property
    def exportable(self) -> bool:
        return self.report.errors == 0


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# An unused field as some generators write it: spaces, or spaces in single quotes (`' '`,
# a script's literal of a space written as it stands).
_SPACES = re.compile(r"\s*(?:'\s*')?\s*")


def spaces_only(value: Any) -> bool:
    """Whether a cell is blank as a `Spec.blank_spaces` format reads it."""
    return value is None or (isinstance(value, str) and _SPACES.fullmatch(value) is not None)


def _spaces_blanked(rows: list[Row], empty: Any) -> list[Row]:
    """`rows` with every cell `spaces_only` calls blank made blank. A batch repeats its
    values: each distinct one is looked at once, and rows are rebuilt only when some cell
    holds spaces."""
    distinct = set(chain.from_iterable(map(itemgetter(1), rows)))
    spaces = {v for v in distinct if v and spaces_only(v)}
    if not spaces:
        return rows
    return [
        (n, [empty if c in spaces else c for c in cells] if spaces.intersection(cells) else cells)
        for n, cells in rows
    ]


def finding(
    row: int, f: FieldSpec, problem: Problem, value: Any = None, column: str | None = None
) -> Finding:
    return Finding(
        severity=problem.severity,
        row=row,
        column=column or f.column,
        field=f.label,
        code=problem.code,
        message=problem.message,
        value=value,
        fix=problem.fix,
    )


def validate_records(
    spec: Spec, rows: Iterable[Row], *, typed: bool = False, context: Context
) -> Batch:
    """Validate a batch of keyword records (the records layout; see `layouts`)."""
    report = Report(spec.name)
    grouped, order = _split_records(spec, rows, report, context, typed)
    return checked_records(spec, grouped, order, typed, report, context, structure=True)


def checked_records(
    spec: Spec,
    grouped: dict[str | None, list[Row]],
    order: list[str | None],
    typed: bool,
    report: Report,
    context: Context,
    *,
    structure: bool,
) -> Batch:
    """The checks every layout of records shares, once its rows are grouped by record kind
    (`order`: the kind of each record in file order); `structure` when records make up
    documents by their kinds' order (a first kind's record, then the others')."""
    by_kind: dict[str | None, Records] = {}
    for kind in spec.records:
        kind_rows = grouped.get(kind.keyword, [])
        if spec.blank_spaces:
            kind_rows = _spaces_blanked(kind_rows, None if typed else "")
        by_kind[kind.keyword] = check_fields(spec, kind, kind_rows, typed, report)
    in_order = {k: iter(v.records) for k, v in by_kind.items()}
    records = list(map(next, map(in_order.__getitem__, order)))
    if structure:
        _check_structure(spec, records, report, context)
    for kind in spec.records:
        _check_required_when(kind, by_kind[kind.keyword], report)
    for rule in spec.rules:
        rules.apply(rule, spec, by_kind.get(rule.record, Records([])), report, context)
    report.sort()
    return Batch(spec, records, report, context, kinds=by_kind)


def _split_records(
    spec: Spec, rows: Iterable[Row], report: Report, context: Context, typed: bool
) -> tuple[dict[str | None, list[Row]], list[str | None]]:
    """Rows grouped by record kind, and the kind of each record in file order."""
    keywords = {r.keyword: r for r in spec.records}
    lowered = {k.lower(): k for k in keywords if k}
    grouped: dict[str | None, list[Row]] = {k: [] for k in keywords}
    widths = {k: len(r.fields) for k, r in keywords.items()}
    # A file's cells are text; a sheet's may be anything, and empty is None there.
    empty = None if typed else ""
    rows = rows if isinstance(rows, list) else list(rows)
    cells_of = list(map(itemgetter(1), rows))
    try:
        firsts = list(map(itemgetter(0), cells_of))
    except IndexError:  # an empty row: a sheet's, past its last filled cell
        firsts = [cells[0] if cells else None for cells in cells_of]
    # A file as written: every row starts with its keyword exactly and is its kind's width.
    # Then the rows are grouped in bulk.
    lengths = list(map(len, cells_of))
    for keyword in grouped:
        of_kind = list(map(operator.eq, firsts, repeat(keyword)))
        if keyword is None:
            break
        width = widths[keyword]
        kind_lengths = set(compress(lengths, of_kind))
        if kind_lengths <= {width}:
            grouped[keyword] = list(compress(rows, of_kind))
            continue
        # A sheet's rows are as wide as its widest kind: a Detail row carries the Header's
        # empty columns. Cut in bulk when every cell past the kind's width is empty.
        if min(kind_lengths) < width:
            break
        kind_rows = list(compress(rows, of_kind))
        kind_cells = list(map(itemgetter(1), kind_rows))
        tails = set(chain.from_iterable(map(itemgetter(slice(width, None)), kind_cells)))
        if not tails <= {None, ""}:
            break
        cut = map(itemgetter(slice(0, width)), kind_cells)
        grouped[keyword] = list(zip(map(itemgetter(0), kind_rows), cut))
    else:
        if sum(map(len, grouped.values())) == len(rows):
            return grouped, firsts
    # Nearly every row starts with its keyword exactly and is its kind's width (a file's
    # with a few damaged rows): those are taken as they are, and only the rest are looked
    # at one by one, each put back in its place.
    exact = {k: k for k in keywords if isinstance(k, str)}
    order: list[str | None] = [exact.get(first) if type(first) is str else None for first in firsts]
    regular = map(operator.eq, lengths, map(widths.get, order))
    placed: list[Row] = list(rows)
    for i in compress(count(), map(operator.not_, regular)):
        number, cells = rows[i]
        raw = cells[0] if cells else None
        kind = keywords.get(raw) if type(raw) is str else None
        if kind is None:
            order[i] = None
            if is_blank(raw) and all(map(is_blank, cells)):
                continue
            keyword = raw.strip() if isinstance(raw, str) else raw
            kind = keywords.get(keyword) if isinstance(keyword, str) else None
            if kind is None:
                report.findings.append(_unknown_keyword(number, raw, lowered))
                continue
        fit, past = fitted(cells, widths[kind.keyword], empty)
        if past:
            report.findings.extend(extra_cells(kind, number, cells, keywords, context))
        order[i] = kind.keyword
        placed[i] = (number, fit)
    kept = list(map(operator.is_not, order, repeat(None)))
    grouped = {k: list(compress(placed, map(operator.eq, order, repeat(k)))) for k in keywords}
    return grouped, list(compress(order, kept))


def fitted(cells: Sequence[Any], width: int, empty: Any) -> tuple[Sequence[Any], bool]:
    """A row cut or padded (with `empty`) to `width` cells, and whether anything but empty
    cells was cut off: every layout fits its rows to its record's width this way."""
    if len(cells) == width:
        return cells, False
    if len(cells) < width:
        return [*cells, *([empty] * (width - len(cells)))], False
    tail = cells[width:]
    # Counted in C: a sheet row past its kind's width is nearly always empty there.
    return cells[:width], tail.count(None) + tail.count("") != len(tail)


def _unknown_keyword(number: int, raw: Any, lowered: dict[str, str]) -> Finding:
    expected = " or ".join(k for k in lowered.values())
    text = raw.strip() if isinstance(raw, str) else raw
    fix = lowered.get(text.lower()) if isinstance(text, str) else None
    if is_blank(raw):
        message = f"Column A is blank; every record starts with {expected}."
    else:
        message = f"Column A holds {text!r}; every record starts with {expected}."
    return Finding(
        severity="error",
        row=number,
        column="A",
        field="Record type",
        code="unknown-keyword",
        message=message,
        value=raw,
        fix=fix,
    )


def extra_cells(
    kind: RecordSpec, number: int, cells: Sequence[Any], keywords: dict, context: Context
) -> list[Finding]:
    width = len(kind.fields)
    out = []
    for i in range(width, len(cells)):
        value = cells[i]
        if is_blank(value):
            continue
        column = column_letter(i + 1)
        if isinstance(value, str) and value.strip() in keywords:
            out.append(
                Finding(
                    severity="error",
                    row=number,
                    column=column,
                    field="Record type",
                    code="records-joined",
                    message=(
                        f"A {value.strip()} record starts in column {column} of this "
                        f"{kind.keyword} {context.row_word}: two records are joined on one "
                        f"{context.row_word}. Put each record on its own {context.row_word}."
                    ),
                    value=value,
                )
            )
            break
        out.append(
            Finding(
                severity="error",
                row=number,
                column=column,
                field=f"Past {kind.fields[-1].label}",
                code="extra-field",
                message=(
                    f"A {kind.keyword} record has {width} fields (A to {kind.fields[-1].column}); "
                    f"column {column} must be empty."
                ),
                value=value,
            )
        )
    return out


def check_fields(
    spec: Spec, kind: RecordSpec, rows: list[Row], typed: bool, report: Report
) -> Records:
    """Every field of every record of one kind, column by column: the canonical texts, and
    each cell's problems in `report`. The one field check of every layout."""
    numbers = list(map(itemgetter(0), rows))
    cells = list(map(itemgetter(1), rows))
    columns: list[Sequence[Any]] = list(zip(*cells)) or [() for _ in kind.fields]
    # A file's rows are lists of text already: they become the records' values, and only the
    # cells whose canonical text differs are rewritten. A sheet's cells are turned to text.
    in_place = not typed and set(map(type, cells)) <= {list}
    canonical: list[Sequence[str]] = []
    for position, (f, raw) in enumerate(zip(kind.fields, columns)):
        if f.kind == "keyword":
            keyword = kind.keyword or ""
            if in_place:
                for i in compress(count(), map(keyword.__ne__, raw)):
                    cells[i][position] = keyword
            canonical.append([keyword] * len(raw))
            continue
        texts, overridden = _texts(f, raw, typed, numbers, report)
        changes, problems = diagnose_column(field_check(spec, kind.keyword, f), texts)
        for i, problem in problems:
            if i not in overridden:
                report.findings.append(finding(numbers[i], f, problem, raw[i]))
        if changes:
            texts = list(texts)
            for i, text in changes.items():
                texts[i] = text
                if in_place:
                    cells[i][position] = text
        canonical.append(texts)
    values = cells if in_place else list(map(list, zip(*canonical)))
    records = list(map(_new_record, zip(repeat(kind), numbers, values)))
    return Records(records, canonical)


_TEXT_CELLS = {str, type(None)}
_NUMBER_CELLS = {str, type(None), int, float}
# Cells whose values may stand for each other as keys of one table: no bool (True == 1),
# and ints and floats only where they become the same text (numbers, below).
_DISTINCT_CELLS = {str, type(None), int, dt.datetime, dt.date, dt.time}
_BLANK = {None: ""}


def _texts(
    f: FieldSpec, raw: Sequence[Any], typed: bool, numbers: list[int], report: Report
) -> tuple[Sequence[str], set[int]]:
    """Text of every cell of a column; positions whose own diagnosis an Excel error replaces.

    A sheet's column repeats its values (dates, codes, amounts): each distinct value is
    turned to text once, and the column is mapped through that table in one pass in C
    (`map(table.get, raw, raw)` leaves text cells as they are).
    """
    if not typed:
        return raw, set()
    kinds = set(map(type, raw))
    if kinds <= _TEXT_CELLS:
        return (list(map(_BLANK.get, raw, raw)) if type(None) in kinds else raw), set()
    if f.kind in NUMBER_AS_TEXT and kinds <= _NUMBER_CELLS:
        # A number where it belongs: each distinct one turned to text once, sorted by
        # type in C (a price column holds a hundred thousand distinct values).
        distinct = list(set(raw))
        types = list(map(type, distinct))
        floats = list(compress(distinct, map(operator.is_, types, repeat(float))))
        ints = list(compress(distinct, map(operator.is_, types, repeat(int))))
        table: dict[Any, str] = dict(zip(floats, number_texts(floats)))
        table.update(zip(ints, map(str, ints)))
        table[None] = ""
        return list(map(table.get, raw, raw)), set()
    if kinds <= _DISTINCT_CELLS:
        return _distinct_texts(f, raw, numbers, report)
    texts: list[str] = []
    overridden: set[int] = set()
    for i, value in enumerate(raw):
        if value is None or type(value) is str:
            texts.append(value or "")
            continue
        text, problem = cell_text(f, value)
        texts.append(text)
        if problem is not None:
            report.findings.append(finding(numbers[i], f, problem, value))
            if problem.severity == "error":
                overridden.add(i)
    return texts, overridden


def _distinct_texts(
    f: FieldSpec, raw: Sequence[Any], numbers: list[int], report: Report
) -> tuple[list[str], set[int]]:
    """`_texts` of a column of text, whole numbers, dates and times: each distinct typed
    value once, and a finding on every cell of a value with a problem."""
    results = {v: cell_text(f, v) for v in set(raw) if v is not None and type(v) is not str}
    table: dict[Any, str] = {v: text for v, (text, _) in results.items()}
    table[None] = ""
    # A text cell is not in the table: `get` gives it back as it is.
    texts = cast(list[str], list(map(table.get, raw, raw)))
    troubled = {v: p for v, (_, p) in results.items() if p is not None}
    overridden: set[int] = set()
    if troubled:
        # Found by identity of kind as well as value: a date and a datetime never collide.
        for i in compress(count(), map(troubled.__contains__, raw)):
            value = raw[i]
            if type(value) is str or value is None:
                continue
            problem = troubled[value]
            report.findings.append(finding(numbers[i], f, problem, value))
            if problem.severity == "error":
                overridden.add(i)
    return texts, overridden


def _check_structure(spec: Spec, records: list[Record], report: Report, context: Context) -> None:
    """Documents by the order of the spec's record kinds: a record of the first kind starts
    one (Pastel's Header), the others are its lines (Detail), and it needs at least one."""
    first = spec.records[0].keyword or ""
    lines = " or ".join(r.keyword or "" for r in spec.records[1:])
    header: Record | None = None
    details = 0
    word = context.row_word
    for position, record in enumerate(records):
        if record.kind.keyword == first:
            if header is not None and details == 0:
                report.findings.append(_no_details(header, first, lines, word))
            header, details = record, 0
        elif header is None:
            code = "first-not-header" if position == 0 else "detail-before-header"
            report.findings.append(
                Finding(
                    severity="error",
                    row=record.row,
                    column="A",
                    field=record.kind.keyword or lines,
                    code=code,
                    message=(
                        f"A {record.kind.keyword} comes before any {first}: the batch must start "
                        f"with a {first} record, and every {lines} belongs to the {first} above it."
                    ),
                    value=record.values[0],
                )
            )
        else:
            details += 1
    if header is not None and details == 0:
        report.findings.append(_no_details(header, first, lines, word))


def _no_details(header: Record, first: str, lines: str, word: str) -> Finding:
    return Finding(
        severity="error",
        row=header.row,
        column="A",
        field=first,
        code="header-without-details",
        message=f"This {first} has no {lines} lines: add at least one {lines} {word} below it, or "
        f"delete the {first}.",
        value=header.values[0],
    )


def required_when_finding(row: int, f: FieldSpec, condition: str) -> Finding:
    """A field left blank where another field's value makes it required."""
    return Finding(
        severity="error",
        row=row,
        column=f.column,
        field=f.label,
        code="required",
        message=f"{f.label} is required when {condition}. {f.help}",
    )


def _check_required_when(kind: RecordSpec, table: Records, report: Report) -> None:
    for i, f in enumerate(kind.fields):
        if not f.required_when:
            continue
        # Few cells are blank, and in most columns none (one pass in C says so): find them
        # in one pass over the column, then look closer.
        column = table.column(i)
        if all(column):
            continue
        blank = list(compress(count(), map(operator.not_, column)))
        reported: set[int] = set()
        for key, shown in f.required_when.items():
            other = table.column(kind.index(key))
            held = map(set(shown).__contains__, map(other.__getitem__, blank))
            condition = f"{kind.field(key).label} is {' or '.join(shown)}"
            for position in compress(blank, held):
                if position not in reported:
                    reported.add(position)
                    row = table.records[position].row
                    report.findings.append(required_when_finding(row, f, condition))
