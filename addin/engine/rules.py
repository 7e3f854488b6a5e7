"""The cross-field rules a spec can declare, each implemented once."""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Sequence
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
    """One field of every record, read off the records."""
    return list(map(itemgetter(index), map(_VALUES, records)))


class Records:
    """The records of one kind with their fields column by column, so that a rule looks at
    a column in one C-level pass. `columns` are the canonical texts the field checks left,
    by field position; a column a rule rewrites is read off the records again."""

    def __init__(self, records: list, columns: Sequence[Sequence[str]] | None = None):
        self.records = records
        width = len(records[0].values) if records else 0
        self._columns: list[Sequence[str] | None] = (
            list(columns) if columns is not None else [None] * width
        )

    def column(self, index: int) -> Sequence[str]:
        if not self.records:
            return ()
        found = self._columns[index]
        if found is None:
            found = self._columns[index] = column(self.records, index)
        return found

    def rewritten(self, index: int) -> None:
        self._columns[index] = None

    def where(self, when: dict[str, tuple[str, ...]]) -> Records:
        """The records whose fields hold one of the given values, for every field named."""
        if not when or not self.records:
            return self
        kind = self.records[0].kind
        keep: list[bool] = [True] * len(self.records)
        for key, allowed in when.items():
            held = map(set(allowed).__contains__, self.column(kind.index(key)))
            keep = list(map(operator.and_, keep, held))
        return Records(list(compress(self.records, keep)))


def _repeats(records: list, keys: Sequence) -> list[tuple[Any, Any, int]]:
    """Each record whose key an earlier record has: the record, its key, the earlier row."""
    rows = list(map(_ROW, records))
    # Built from the end, so each key keeps the row where it first appears.
    first = dict(zip(reversed(keys), reversed(rows)))
    again = map(operator.ne, map(first.__getitem__, keys), rows)
    return [(r, k, first[k]) for r, k in compress(zip(records, keys), again)]


def apply(rule: Rule, spec: Spec, table: Records, report: Report, context) -> None:
    records = table.records
    if isinstance(rule, SETTINGS_RULES):
        # These say whether they ran even on an empty batch.
        company_rules.apply(rule, spec, table, report, context)
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
        candidates = table.where(rule.when)
        unmatched = map(operator.not_, map(pattern.fullmatch, candidates.column(index)))
        for record in compress(candidates.records, unmatched):
            value = record.values[index]
            if source is not None and source.fullmatch(value):
                record.values[index] = source.sub(rule.normalise_to or "", value)
                table.rewritten(index)
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
        later, earlier = table.column(index), table.column(kind.index(rule.other))
        # A blank or unreadable date on either side compares as never too early.
        late = {v: parse_date(v) or dt.date.max for v in set(later)}
        early = {v: parse_date(v) or dt.date.min for v in set(earlier)}
        too_early = map(operator.lt, map(late.__getitem__, later), map(early.__getitem__, earlier))
        for record in compress(records, too_early):
            add(record, rule.message)
    elif isinstance(rule, ZeroWhen):
        candidates = table.where(rule.when)
        values = candidates.column(index)
        distinct = set(values)
        unsure = compress(distinct, map(operator.not_, map(_NONZERO.fullmatch, distinct)))
        zero = {v for v in unsure if not decimal_or_none(v)}
        for record in compress(candidates.records, map(zero.__contains__, values)):
            add(record, rule.message)
    elif isinstance(rule, OnlyForDocumentTypes):
        possible = {t.key for t in spec.document_types} & set(rule.document_types)
        chosen = context.document_type
        misplaced = not possible or (chosen is not None and chosen not in rule.document_types)
        if misplaced:
            for record in compress(records, map(rule.value.__eq__, table.column(index))):
                add(record, rule.message, "N")
    elif isinstance(rule, UniqueTogether):
        present = {f.key: i for i, f in enumerate(kind.fields)}
        where = [present[k] for k in rule.fields if k in present]
        blank = ("",) * len(where)
        combinations = list(zip(*(table.column(i) for i in where)))
        for record, combination, first in _repeats(records, combinations):
            if combination != blank:
                add(record, f"{rule.message} (also on {context.row_word} {first})")
    elif isinstance(rule, UniqueInBatch):
        for record, value, first in _repeats(records, table.column(index)):
            if value:
                add(record, f"{rule.message} (also on {context.row_word} {first})")
