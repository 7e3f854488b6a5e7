"""The cross-field rules a spec can declare, each implemented once."""

from __future__ import annotations

import datetime as dt
import operator
import re
from itertools import compress
from operator import itemgetter
from typing import Any

from ..specs.model import (
    SETTINGS_RULES,
    NotBefore,
    OnlyForDocumentTypes,
    PatternWhen,
    Rule,
    Spec,
    UniqueInBatch,
    UniqueTogether,
    ZeroWhen,
)
from . import company_rules
from .fields import decimal_or_none, parse_date
from .findings import Finding, Report

# Plain decimals with a digit other than 0: numbers that are certainly not zero.
_NONZERO = re.compile(r"[+-]?(?=[\d.]*[1-9])(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_VALUES = itemgetter(2)  # Record.values
_ROW = itemgetter(1)  # Record.row


def column(records: list, index: int) -> list[str]:
    """One field of every record: the rules below look at columns, each in one C-level pass."""
    return list(map(itemgetter(index), map(_VALUES, records)))


def matching(records: list, when: dict[str, tuple[str, ...]]) -> list:
    """The records whose fields hold one of the given values, for every field named."""
    if not records:
        return []
    kind = records[0].kind
    for key, allowed in when.items():
        accepted = set(allowed)
        records = list(
            compress(records, map(accepted.__contains__, column(records, kind.index(key))))
        )
    return records


def _repeats(records: list, keys: list) -> list[tuple[Any, Any, int]]:
    """Each record whose key an earlier record has: the record, its key, the earlier row."""
    rows = list(map(_ROW, records))
    # Built from the end, so each key keeps the row where it first appears.
    first = dict(zip(reversed(keys), reversed(rows)))
    again = map(operator.ne, map(first.__getitem__, keys), rows)
    return [(r, k, first[k]) for r, k in compress(zip(records, keys), again)]


def apply(rule: Rule, spec: Spec, records: list, report: Report, context) -> None:
    if isinstance(rule, SETTINGS_RULES):
        # These say whether they ran even on an empty batch.
        company_rules.apply(rule, spec, records, report, context)
        return
    if not records:
        return
    kind = records[0].kind
    if not any(f.key == rule.field for f in kind.fields):
        # A header-row sheet may leave the column out; its own finding says so.
        return
    index = kind.index(rule.field)
    field = kind.fields[index]

    def add(record, message: str, fix: str | None = None) -> None:
        report.findings.append(
            Finding(
                rule.severity,
                record.row,
                field.column,
                field.label,
                rule.code,
                message,
                record.values[index],
                fix,
            )
        )

    if isinstance(rule, PatternWhen):
        pattern = re.compile(rule.pattern, re.ASCII)
        source = re.compile(rule.normalise_from, re.ASCII) if rule.normalise_from else None
        candidates = matching(records, rule.when)
        unmatched = map(operator.not_, map(pattern.fullmatch, column(candidates, index)))
        for record in compress(candidates, unmatched):
            value = record.values[index]
            if source is not None and source.fullmatch(value):
                record.values[index] = source.sub(rule.normalise_to or "", value)
                report.rewrites.append(
                    Finding(
                        "warning",
                        record.row,
                        field.column,
                        field.label,
                        rule.code,
                        f"{field.label} {value} is written {record.values[index]} in the file.",
                        value,
                        record.values[index],
                    )
                )
                continue
            if value:
                add(record, rule.message)
    elif isinstance(rule, NotBefore):
        later, earlier = column(records, index), column(records, kind.index(rule.other))
        # A blank or unreadable date on either side compares as never too early.
        late = {v: parse_date(v) or dt.date.max for v in set(later)}
        early = {v: parse_date(v) or dt.date.min for v in set(earlier)}
        too_early = map(operator.lt, map(late.__getitem__, later), map(early.__getitem__, earlier))
        for record in compress(records, too_early):
            add(record, rule.message)
    elif isinstance(rule, ZeroWhen):
        candidates = matching(records, rule.when)
        values = column(candidates, index)
        distinct = set(values)
        unsure = compress(distinct, map(operator.not_, map(_NONZERO.fullmatch, distinct)))
        zero = {v for v in unsure if not decimal_or_none(v)}
        for record in compress(candidates, map(zero.__contains__, values)):
            add(record, rule.message)
    elif isinstance(rule, OnlyForDocumentTypes):
        possible = {t.key for t in spec.document_types} & set(rule.document_types)
        chosen = context.document_type
        misplaced = not possible or (chosen is not None and chosen not in rule.document_types)
        if misplaced:
            for record in compress(records, map(rule.value.__eq__, column(records, index))):
                add(record, rule.message, "N")
    elif isinstance(rule, UniqueTogether):
        present = {f.key: i for i, f in enumerate(kind.fields)}
        where = [present[k] for k in rule.fields if k in present]
        blank = ("",) * len(where)
        combinations = list(zip(*(column(records, i) for i in where)))
        for record, combination, first in _repeats(records, combinations):
            if combination != blank:
                add(record, f"{rule.message} (also on {context.row_word} {first})")
    elif isinstance(rule, UniqueInBatch):
        for record, value, first in _repeats(records, column(records, index)):
            if value:
                add(record, f"{rule.message} (also on {context.row_word} {first})")
