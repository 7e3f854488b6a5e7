"""The cross-field rules a spec can declare, each implemented once."""

from __future__ import annotations

import functools
import re
from decimal import Decimal

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


def matching(records: list, when: dict[str, tuple[str, ...]]) -> list:
    """The records whose fields hold one of the given values, for every field named."""
    if not records:
        return []
    kind = records[0].kind
    for key, allowed in when.items():
        i, accepted = kind.index(key), set(allowed)
        records = [r for r in records if r.values[i] in accepted]
    return records


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
        for record in matching(records, rule.when):
            value = record.values[index]
            if pattern.fullmatch(value):
                continue
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
        other = kind.index(rule.other)
        # A batch holds few distinct dates: read each once.
        day = functools.lru_cache(maxsize=None)(parse_date)
        for record in records:
            later, earlier = record.values[index], record.values[other]
            if later and earlier:
                a, b = day(later), day(earlier)
                if a is not None and b is not None and a < b:
                    add(record, rule.message)
    elif isinstance(rule, ZeroWhen):
        for record in matching(records, rule.when):
            d = decimal_or_none(record.values[index])
            if d is None or d == Decimal(0):
                add(record, rule.message)
    elif isinstance(rule, OnlyForDocumentTypes):
        possible = {t.key for t in spec.document_types} & set(rule.document_types)
        chosen = context.document_type
        misplaced = not possible or (chosen is not None and chosen not in rule.document_types)
        if misplaced:
            for record in records:
                if record.values[index] == rule.value:
                    add(record, rule.message, "N")
    elif isinstance(rule, UniqueTogether):
        present = {f.key: i for i, f in enumerate(kind.fields)}
        where = [present[k] for k in rule.fields if k in present]
        first_row: dict[tuple[str, ...], int] = {}
        for record in records:
            combination = tuple(record.values[i] for i in where)
            if not any(combination):
                continue
            if combination in first_row:
                add(record, f"{rule.message} (also on {context.row_word} {first_row[combination]})")
            else:
                first_row[combination] = record.row
    elif isinstance(rule, UniqueInBatch):
        first_seen: dict[str, int] = {}
        for record in records:
            value = record.values[index]
            if not value:
                continue
            if value in first_seen:
                add(record, f"{rule.message} (also on {context.row_word} {first_seen[value]})")
            else:
                first_seen[value] = record.row
