"""Header-row batches (Infusion): a header row names the columns, every row below is a record.

The header row is bound to the spec's columns by name, in any order and any subset; the
rows are then checked by the same per-column engine as every other format, against a
record kind whose fields are lettered where the sheet has them. Columns the import file
never carries (export-only, or unknown to the column set) are kept as they are, unchecked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from ..actions import action
from ..specs.columns import clean_header, header_key
from ..specs.model import FieldSpec, RecordSpec, Spec
from ..wording import listed, plural
from . import rules
from .batch import (
    Batch,
    Context,
    Record,
    Row,
    check_fields,
    fitted,
    is_blank,
    required_when_finding,
)
from .cells import number_text
from .fields import RECOMMENDED
from .findings import Finding, Report, column_letter
from .records import Records

NAMES_FIELD = "Header row"


@dataclass
class Header:
    """The header row bound to a spec: the sheet's record kind and what was found on the way."""

    row: int
    columns: RecordSpec
    findings: list[Finding]
    # (field, its alternatives) present together: either may fill a row.
    either: list[tuple[FieldSpec, list[FieldSpec]]]
    unnamed: list[FieldSpec]


def header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_text(value)
    return str(value)


def is_written(f: FieldSpec) -> bool:
    """Whether a bound column can go into an import file at all."""
    return f.kind != "raw"


def _kept(f: FieldSpec, label: str, letter: str) -> FieldSpec:
    return replace(f, label=label, column=letter, kind="raw", required=False)


def _unknown(label: str, letter: str) -> FieldSpec:
    return FieldSpec(key=f"column-{letter}", label=label, column=letter, kind="raw")


def bind_header(spec: Spec, number: int, cells: Sequence[Any]) -> Header:
    """The sheet's columns named by a header row, and every finding about the names."""
    known = {header_key(f.label): f for f in spec.records[0].fields}
    names = [header_text(c) for c in cells]
    while names and clean_header(names[-1]) == "":
        names.pop()
    findings: list[Finding] = []
    bound: list[FieldSpec] = []
    unnamed: list[FieldSpec] = []
    seen: dict[str, str] = {}

    def note(severity, letter, code, message, value, fix=None) -> None:
        findings.append(
            Finding(
                severity=severity,
                row=number,
                column=letter,
                field=NAMES_FIELD,
                code=code,
                message=message,
                value=value,
                fix=fix,
            )
        )

    for i, name in enumerate(names):
        letter = column_letter(i + 1)
        clean = clean_header(name)
        key = header_key(clean)
        if not clean:
            unnamed.append(_unknown("", letter))
            bound.append(unnamed[-1])
            continue
        if key in seen:
            note(
                "error",
                letter,
                "duplicate-column",
                f"The column {clean!r} appears twice (also in column {seen[key]}); names are "
                "compared ignoring case and spacing. Remove or rename one of them.",
                name,
            )
            bound.append(_unknown(clean, letter))
            continue
        seen[key] = letter
        f = known.get(key)
        if f is None:
            note(
                "warning",
                letter,
                "unknown-column",
                f"The column {clean!r} is not in the column set of {spec.title}: it is kept on "
                f"the sheet but not written to the import file. If {spec.system}'s export has it, "
                "calibrate the column set from that export (batchsheet calibrate).",
                name,
            )
            bound.append(_unknown(clean, letter))
            continue
        if clean != f.label:
            note(
                "warning",
                letter,
                "header-spelling",
                f"The column {clean!r} is spelled differently from {spec.system}'s {f.label!r}; "
                f"{spec.system} matches names exactly, so the file is written with "
                f"{f.label!r}.",
                name,
                f.label,
            )
        if f.export_only:
            bound.append(_kept(f, f.label, letter))
        else:
            bound.append(replace(f, column=letter))
    either = _requirements(spec, bound, number, findings)
    return Header(number, RecordSpec(keyword=None, fields=tuple(bound)), findings, either, unnamed)


def _requirements(
    spec: Spec, bound: list[FieldSpec], number: int, findings: list[Finding]
) -> list[tuple[FieldSpec, list[FieldSpec]]]:
    """Settle required-ness against the columns present; report the missing ones."""
    present = {f.key: i for i, f in enumerate(bound) if is_written(f)}
    either: list[tuple[FieldSpec, list[FieldSpec]]] = []
    for f in spec.records[0].fields:
        if f.export_only:
            continue
        alternatives = [bound[present[k]] for k in f.alternatives if k in present]
        if f.key in present:
            if f.required and alternatives:
                mine = present[f.key]
                bound[mine] = replace(bound[mine], required=False)
                for alt in alternatives:
                    bound[present[alt.key]] = replace(alt, required=False)
                either.append((bound[mine], [bound[present[a.key]] for a in alternatives]))
            continue
        if f.required and alternatives:
            stand_in = present[alternatives[0].key]
            bound[stand_in] = replace(bound[stand_in], required=True)
        elif f.required:
            names = " or ".join(
                repr(g.label) for g in (f, *(spec.records[0].field(k) for k in f.alternatives))
            )
            findings.append(
                Finding(
                    severity="error",
                    row=number,
                    column="",
                    field=f.label,
                    code="missing-column",
                    message=(
                        f"There is no {names} column, and {spec.system} needs it on every row. "
                        f"Add a column headed exactly {f.label!r}."
                    ),
                )
            )
        elif f.recommended:
            findings.append(
                Finding(
                    severity="warning",
                    row=number,
                    column="",
                    field=f.label,
                    code="blank-recommended",
                    message=(
                        f"There is no {f.label!r} column; "
                        + RECOMMENDED.format(what="these entries")
                    ),
                )
            )
    return either


def validate_table(
    spec: Spec, rows: Iterable[Row], *, typed: bool = False, context: Context
) -> Batch:
    """Validate a header row and the records below it; the first row given is the header."""
    report = Report(spec.name)
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None or all(map(is_blank, first[1])):
        row = first[0] if first else 1
        named = ", ".join(f.label for f in spec.records[0].fields[:2])
        report.findings.append(
            Finding(
                severity="error",
                row=row,
                column="",
                field=NAMES_FIELD,
                code="missing-header",
                message=(
                    f"The first {context.row_word} must name the columns, exactly as "
                    f"{spec.system}'s export does ({named}, ...); it is blank."
                ),
            )
        )
        return Batch(spec, [], report, context, RecordSpec(keyword=None, fields=()))
    header = bind_header(spec, first[0], first[1])
    report.findings.extend(header.findings)
    kind = header.columns
    width = len(kind.fields)
    data = list(iterator)
    if not typed and _all_full_width(data, width):
        return _check_records(spec, header, data, typed, report, context)
    rows, data = data, []
    # A file's cells are text; a sheet's may be anything, and empty is None there.
    empty = None if typed else ""
    for number, cells in rows:
        if all(map(is_blank, cells)):
            continue
        fit, past = fitted(cells, width, empty)
        if past:
            report.findings.extend(_extra_cells(number, cells, width, context))
        data.append((number, fit))
    return _check_records(spec, header, data, typed, report, context)


def _all_full_width(rows: list[Row], width: int) -> bool:
    """Whether every row of text is as wide as the header and none is blank (a file as
    written): then no row needs a look of its own."""
    cells = list(map(itemgetter(1), rows))
    return set(map(len, cells)) <= {width} and all(map(str.strip, map("".join, cells)))


def _check_records(
    spec: Spec, header: Header, data: list[Row], typed: bool, report: Report, context: Context
) -> Batch:
    kind = header.columns
    table = check_fields(spec, kind, data, typed, report) if kind.fields else Records([])
    records = table.records
    _check_either(header, records, report)
    _check_unnamed(header, records, report)
    _check_export_only(spec, header, records, report, context)
    for rule in spec.rules:
        rules.apply(rule, spec, table, report, context)
    report.sort()
    return Batch(spec, records, report, context, kind, {kind.keyword: table})


def _extra_cells(number: int, cells: Sequence[Any], width: int, context: Context) -> list[Finding]:
    return [
        Finding(
            severity="error",
            row=number,
            column=column_letter(i + 1),
            field=f"Past column {column_letter(width)}",
            code="extra-field",
            message=f"This {context.row_word} has more fields than the header row names ({width}); "
            f"column {column_letter(i + 1)} has no column name. A comma inside a field that is "
            "not in quotes does this.",
            value=cells[i],
        )
        for i in range(width, len(cells))
        if not is_blank(cells[i])
    ]


def _check_either(header: Header, records: list[Record], report: Report) -> None:
    for f, alternatives in header.either:
        index = header.columns.index(f.key)
        others = [header.columns.index(a.key) for a in alternatives]
        names = " or ".join(a.label for a in alternatives)
        for record in records:
            if record.values[index] == "" and all(record.values[i] == "" for i in others):
                report.findings.append(
                    required_when_finding(record.row, f, f"{names} is blank: give one of them")
                )


def _check_unnamed(header: Header, records: list[Record], report: Report) -> None:
    for f in header.unnamed:
        index = header.columns.index(f.key)
        filled = next((r for r in records if r.values[index] != ""), None)
        if filled is not None:
            report.findings.append(
                Finding(
                    severity="error",
                    row=header.row,
                    column=f.column,
                    field=NAMES_FIELD,
                    code="unnamed-column",
                    message=(
                        f"Column {f.column} holds values (first on row {filled.row}) but has no "
                        "name in the header row, so the import cannot tell what they are. Name "
                        "the column or clear it."
                    ),
                    value=filled.values[index],
                )
            )


def _check_export_only(
    spec: Spec, header: Header, records: list[Record], report: Report, context: Context
) -> None:
    """A sheet copied from the system's export: a warning while its export-only columns are
    empty, one error naming them while any holds a value, since an import file cannot carry
    them. Validate says it, so the button marks it before Export refuses the sheet."""
    export_only = [f for f in header.columns.fields if f.export_only]
    if not export_only:
        return
    filled = [f for f in export_only if any(r.values[header.columns.index(f.key)] for r in records)]
    again = (
        f"Importing these {plural(spec.noun)} again posts each a second time: for new ones "
        f"use {action('new-batch')}, which keeps the columns and clears the rows."
    )
    if not filled:
        names = ", ".join(f.label for f in export_only)
        report.findings.append(
            Finding(
                severity="warning",
                row=header.row,
                column="",
                field=NAMES_FIELD,
                code="from-export",
                message=(
                    f"This sheet came from an {spec.system} export ({names} are export-only "
                    f"columns). {again}"
                ),
            )
        )
        return
    one = len(filled) == 1
    names = listed([f"{f.label} ({f.column})" for f in filled])
    report.findings.append(
        Finding(
            severity="error",
            row=header.row,
            column=filled[0].column,
            field=filled[0].label,
            code="export-only-column",
            message=(
                f"This sheet came from an {spec.system} export: {names} "
                f"{'is a column' if one else 'are columns'} only the export carries, and an "
                f"import file cannot hold {'it' if one else 'them'}, so the sheet cannot be "
                f"exported as it is. {again} If you do mean to import these rows, delete "
                f"{'that column' if one else 'those columns'}."
            ),
        )
    )


def written_columns(batch: Batch) -> list[tuple[FieldSpec, int]]:
    """Template fields an import file carries, in template order, with their sheet index.

    Optional columns empty in every row are left out, as Infusion allows.
    """
    columns = batch.columns
    if columns is None:
        return []
    where = {f.key: i for i, f in enumerate(columns.fields) if is_written(f)}
    out = []
    for f in batch.spec.records[0].fields:
        i = where.get(f.key)
        if i is None:
            continue
        if columns.fields[i].required or any(r.values[i] != "" for r in batch.records):
            out.append((f, i))
    return out


def table_rows(batch: Batch) -> list[list[str]]:
    """The header row and records of an import file, as texts."""
    columns = written_columns(batch)
    return [
        [f.label for f, _ in columns],
        *([r.values[i] for _, i in columns] for r in batch.records),
    ]


def sheet_columns(spec: Spec, columns: RecordSpec, *, new_batch: bool = False) -> RecordSpec:
    """The columns a sheet gets from a bound header row, lettered in order.

    Known columns get their declaration back (a bound copy may have had its required-ness
    settled against the other columns present); columns that are never written stay as
    they are. A new batch leaves out export-only and unnamed columns: its rows are new.
    """
    declared = {f.key: f for f in spec.records[0].fields}
    kept = [
        f if f.kind == "raw" else declared.get(f.key, f)
        for f in columns.fields
        if not (new_batch and (f.export_only or f.label == ""))
    ]
    fields = tuple(replace(f, column=column_letter(i)) for i, f in enumerate(kept, start=1))
    return RecordSpec(keyword=None, fields=fields)
