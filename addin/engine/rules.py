"""The cross-field rules a spec can declare, each implemented once."""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import compress, repeat
from operator import itemgetter
from typing import Any

from ..specs.model import (
    SETTINGS_RULES,
    Balanced,
    ChoiceBySign,
    FieldSpec,
    NotBefore,
    OnlyForDocumentTypes,
    PatternWhen,
    RecordSpec,
    Rule,
    SetTogether,
    Spec,
    TaxTypeAsRate,
    UniqueInBatch,
    UniqueTogether,
    ZeroWhen,
)
from ..wording import numbered, plural
from . import company_rules
from .batch_wide import BatchWide
from .fields import canonical_number, decimal_or_none, decimal_places, parse_date
from .findings import Finding, Report
from .records import Records

# Plain decimals with a digit other than 0: numbers that are certainly not zero.
_NONZERO = re.compile(r"[+-]?(?=[\d.]*[1-9])(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_ROW = itemgetter(1)  # Record.row


@dataclass
class _Keyed:
    """The records with a key filled in (blank keys repeat each other and are never said
    to), in order: their rows, keys and the rule's field's value."""

    rows: list[int]
    keys: list[Any]
    values: list[str]

    def extend(self, other: _Keyed) -> None:
        self.rows += other.rows
        self.keys += other.keys
        self.values += other.values


def _keyed(table: Records, keys: Sequence, blank: Any, index: int) -> _Keyed:
    filled = list(map(operator.ne, keys, repeat(blank)))
    return _Keyed(
        list(map(_ROW, compress(table.records, filled))),
        list(compress(keys, filled)),
        list(compress(table.column(index), filled)),
    )


def _say_repeats(on: _On, keyed: _Keyed) -> None:
    """Each record whose key an earlier record has, naming the earlier row."""
    rows, keys = keyed.rows, keyed.keys
    # Built from the end, so each key keeps the row where it first appears.
    first = dict(zip(reversed(keys), reversed(rows)))
    again = map(operator.ne, map(first.__getitem__, keys), rows)
    word = on.context.row_word
    for row, key, value in compress(zip(rows, keys, keyed.values), again):
        on.add_at(row, value, f"{on.rule.message} (also on {word} {first[key]})")


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
    on = _On(rule, spec, table, kind.index(rule.field), report, context, kind)
    across = ACROSS.get(type(rule))
    if across is None:
        CHECKS[type(rule)](on)
        return
    gather, say = across
    wide: BatchWide | None = context.batch_wide
    if wide is None:
        say(on, gather(on))
    else:
        wide.gather(rule, kind, on.index, gather(on))


def say_gathered(spec: Spec, wide: BatchWide, report: Report, context) -> None:
    """What the rules that read across the batch say of it, from what each slice gathered
    (`BatchWide`), in the spec's order of rules: as `apply` says it of the whole batch."""
    for rule in spec.rules:
        gathered = wide.gathered.get(id(rule))
        if gathered is not None:
            kind, index, found = gathered
            on = _On(rule, spec, Records([]), index, report, context, kind)
            ACROSS[type(rule)][1](on, found)


@dataclass
class _On:
    """What a rule's check works with: the rule, its records, the place of its field."""

    rule: Any
    spec: Spec
    table: Records
    index: int
    report: Report
    context: Any
    kind: RecordSpec

    @property
    def field(self) -> FieldSpec:
        return self.kind.fields[self.index]

    def add(self, record, message: str, fix: str | None = None) -> None:
        self.add_at(record.row, record.values[self.index], message, fix)

    def add_at(self, row: int, value: str, message: str, fix: str | None = None) -> None:
        field = self.field
        self.report.findings.append(
            Finding(
                severity=self.rule.severity,
                row=row,
                column=field.column,
                field=field.label,
                code=self.rule.code,
                message=message,
                value=value,
                fix=fix,
            )
        )


def _pattern_when(on: _On) -> None:
    rule, table, index, field = on.rule, on.table, on.index, on.field
    pattern = re.compile(rule.pattern, re.ASCII)
    source = re.compile(rule.rewrite.spelled, re.ASCII) if rule.rewrite else None
    candidates = table.where(rule.when) if rule.when else table
    unmatched = map(operator.not_, map(pattern.fullmatch, candidates.column(index)))
    for record in compress(candidates.records, unmatched):
        value = record.values[index]
        if source is not None and source.fullmatch(value):
            # An accepted spelling: rewritten to the canonical one, and said so.
            record.values[index] = source.sub(rule.rewrite.canonical, value)
            table.rewritten(index)
            on.report.rewrites.append(
                Finding(
                    severity="warning",
                    row=record.row,
                    column=field.column,
                    field=field.label,
                    code=rule.code,
                    message=f"{field.label} {value} is written {record.values[index]} in the file.",
                    value=value,
                    fix=record.values[index],
                )
            )
        elif value:
            on.add(record, rule.message)


def _not_before(on: _On) -> None:
    table, kind = on.table, on.kind
    later, earlier = table.column(on.index), table.column(kind.index(on.rule.other))
    # A blank or unreadable date on either side compares as never too early.
    late = {v: parse_date(v) or dt.date.max for v in set(later)}
    early = {v: parse_date(v) or dt.date.min for v in set(earlier)}
    for record, after, before in zip(table.records, later, earlier):
        if late[after] < early[before]:
            on.add(record, on.rule.message)


# A finding is a batch-wide habit, said once, when at least this many lines and this share
# of the lines it could be on have it: fewer are slips worth marking one by one.
HABIT_LINES = 20
HABIT_SHARE = 0.5


@dataclass
class _Found:
    """The records a rule found (rows and the field's values) among `candidates` records."""

    rows: list[int]
    values: list[str]
    candidates: int

    def extend(self, other: _Found) -> None:
        self.rows += other.rows
        self.values += other.values
        self.candidates += other.candidates


def _zeros_found(on: _On) -> _Found:
    candidates = on.table.where(on.rule.when)
    values = candidates.column(on.index)
    zero = _zeros(values)
    found = list(map(zero.__contains__, values))
    return _Found(
        list(map(_ROW, compress(candidates.records, found))),
        list(compress(values, found)),
        len(candidates.records),
    )


def _say_zeros(on: _On, found: _Found) -> None:
    if on.rule.habit_message and _habit(len(found.rows), found.candidates):
        _say_habit(on, found.rows, found.candidates)
        return
    for row, value in zip(found.rows, found.values):
        on.add_at(row, value, on.rule.message)


def _habit(found: int, candidates: int) -> bool:
    return found >= HABIT_LINES and found >= HABIT_SHARE * candidates


def _say_habit(on: _On, rows: list[int], candidates: int) -> None:
    """One finding for the batch, on its first such row and no cell."""
    shown = f"{on.context.row_word}s {numbered(rows)}"
    field = on.field
    on.report.findings.append(
        Finding(
            severity=on.rule.severity,
            row=rows[0],
            column="",
            field=field.label,
            code=on.rule.code,
            message=on.rule.habit_message.format(
                count=f"{len(rows):,}", lines=f"{candidates:,}", rows=shown
            ),
        )
    )


@dataclass
class _ByCode:
    """The records a rule found, by the code they hold, codes in the order first found."""

    codes: dict[str, tuple[list[int], list[str]]]

    def extend(self, other: _ByCode) -> None:
        for code, (rows, values) in other.codes.items():
            held = self.codes.setdefault(code, ([], []))
            held[0].extend(rows)
            held[1].extend(values)


def _taxed_as_rate(on: _On) -> _ByCode:
    rule, table = on.rule, on.table
    carrying: dict[str, tuple[list[int], list[str]]] = {}
    settings = on.context.settings
    if settings is not None and settings.list(rule.list) is not None:
        return _ByCode(carrying)  # the tax table decides what each code is
    kind = on.kind
    exclusive, inclusive = kind.index(rule.exclusive), kind.index(rule.inclusive)
    candidates = table.where(rule.when) if rule.when else table
    for record, code in zip(candidates.records, candidates.column(on.index)):
        if code not in rule.rates:
            continue
        unit = decimal_or_none(record.values[exclusive])
        total = decimal_or_none(record.values[inclusive])
        if not unit or total is None:
            continue
        # The price with tax, less the price, is the rate: to within a cent's rounding.
        if abs(total - unit * (1 + Decimal(code) / 100)) <= Decimal("0.01"):
            rows, values = carrying.setdefault(code, ([], []))
            rows.append(record.row)
            values.append(record.values[on.index])
    return _ByCode(carrying)


def _say_taxed_as_rate(on: _On, found: _ByCode) -> None:
    for code, (rows, values) in found.codes.items():
        on.add_at(
            rows[0],
            values[0],
            f"Tax Type {code} is line {code} of your tax table, not {code} %: "
            f"{len(rows):,} lines ({on.context.row_word}s {numbered(rows)}) are priced with "
            f"{code} % tax. Check that line {code} of the tax table is the rate you mean, or "
            "load the tax table on the Settings sheet to have every line checked.",
        )


def _zeros(values: Sequence[str]) -> set[str]:
    """The distinct values that are zero or blank. Most are plainly a number other than
    zero, which one pattern says in C (a price column holds a hundred thousand distinct
    values); only the others are read as numbers."""
    distinct = list(set(values))
    unsure = compress(distinct, map(operator.not_, map(_NONZERO.fullmatch, distinct)))
    return {v for v in unsure if not decimal_or_none(v)}


def _only_for_document_types(on: _On) -> None:
    rule = on.rule
    possible = {t.key for t in on.spec.document_types} & set(rule.document_types)
    chosen = on.context.document_type
    if possible and (chosen is None or chosen in rule.document_types):
        return
    for record, value in zip(on.table.records, on.table.column(on.index)):
        if value == rule.value:
            on.add(record, rule.message, "N")


def _together(on: _On) -> _Keyed:
    present = {f.key: i for i, f in enumerate(on.kind.fields)}
    where = [present[k] for k in on.rule.fields if k in present]
    combinations = list(zip(*(on.table.column(i) for i in where)))
    return _keyed(on.table, combinations, ("",) * len(where), on.index)


def _in_batch(on: _On) -> _Keyed:
    return _keyed(on.table, on.table.column(on.index), "", on.index)


def _balanced(on: _On) -> None:
    """Each group of lines (and the batch) whose signed amounts do not add up to zero, on
    its first line, with its debits, credits and difference. A group with an amount that
    cannot be read is not judged: that amount's own error says what is wrong."""
    rule, table, kind = on.rule, on.table, on.kind
    n = len(table.records)
    present = {f.key: i for i, f in enumerate(kind.fields)}
    contras = table.column(present[rule.unless]) if rule.unless in present else [""] * n
    by = [k for k in rule.by if k in present]
    keys = list(zip(*(table.column(present[k]) for k in by))) if by else [()] * n
    groups: dict[tuple[str, ...], _Sums] = {}
    batch = _Sums()
    # An amount with more decimals than the field takes has an error of its own: like an
    # unreadable one, it leaves its entry unjudged rather than summed as written.
    places = on.field.digits_after
    for record, text, contra, key in zip(table.records, table.column(on.index), contras, keys):
        if contra:
            continue  # a contra account takes this line's other side
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Sums()
        amount = decimal_or_none(text)
        if (
            amount is not None
            and places is not None
            and decimal_places(canonical_number(amount)) > places
        ):
            amount = None
        group.add(record, amount)
        batch.add(record, amount)
    labels = [kind.fields[present[k]].label for k in by]
    word = on.context.row_word
    unbalanced = [(key, g) for key, g in groups.items() if g.known and g.difference]
    for key, group in unbalanced:
        named = " and ".join(f"{label} {value or '(blank)'}" for label, value in zip(labels, key))
        rows = [r.row for r in group.records]
        on.add(
            group.records[0],
            f"The lines of {named} do not balance: {group.words()} "
            f"({word if len(rows) == 1 else plural(word)} "
            f"{numbered(rows)}). Debits must equal credits: "
            "correct an amount, or add the missing line.",
        )
    if by and batch.known and batch.difference and len(unbalanced) != 1:
        first = table.records[0]
        on.report.findings.append(
            Finding(
                severity=rule.severity,
                row=first.row,
                column="",
                field=on.field.label,
                code=rule.code,
                message=f"The batch does not balance: {batch.words()}. Pastel will not update "
                "a batch whose debits and credits differ.",
            )
        )


@dataclass
class _Sums:
    """The debits and credits of some lines."""

    debits: Decimal = Decimal(0)
    credits: Decimal = Decimal(0)
    known: bool = True
    records: list = field(default_factory=list)

    def add(self, record: Any, amount: Decimal | None) -> None:
        self.records.append(record)
        if amount is None:
            self.known = False
        elif amount > 0:
            self.debits += amount
        else:
            self.credits -= amount

    @property
    def difference(self) -> Decimal:
        return self.debits - self.credits

    def words(self) -> str:
        return (
            f"debits {canonical_number(self.debits, 2)}, credits "
            f"{canonical_number(self.credits, 2)}, difference "
            f"{canonical_number(self.difference, 2)}"
        )


def _choice_by_sign(on: _On) -> None:
    rule, table, kind = on.rule, on.table, on.kind
    by, amount = kind.field(rule.by), kind.field(rule.amount)
    codes = table.column(on.index)
    parties = table.column(kind.index(rule.by))
    amounts = table.column(kind.index(rule.amount))
    label = on.field.label
    allowed = on.field.choices
    for record, code, party, text in zip(table.records, codes, parties, amounts):
        expected = rule.expected.get(party)
        value = decimal_or_none(text)
        if expected is None or not code or not value:
            continue
        if allowed and code not in allowed:
            continue  # a code the field does not take: its own error says so
        want = expected[0] if value > 0 else expected[1]
        if code == want:
            continue
        if not want:
            users = " or ".join(p for p, e in rule.expected.items() if any(e))
            on.add(
                record,
                f"{label} is for lines with {by.label} {users}; a {by.label} {party} line "
                "leaves it blank.",
                "",
            )
            continue
        sign = "positive (a debit)" if value > 0 else "negative (a credit)"
        on.add(
            record,
            f"{label} {code} on a line with {by.label} {party} and a {sign} {amount.label}: "
            f"the accounting system writes {want} there. Check the line's sign and its {label}.",
        )


def _set_together(on: _On) -> None:
    rule, table, kind = on.rule, on.table, on.kind
    other = kind.field(rule.other)
    label = on.field.label
    for record, value, partner in zip(
        table.records, table.column(on.index), table.column(kind.index(rule.other))
    ):
        given = _given(value, rule.unset)
        if given == _given(partner, rule.unset):
            continue
        if given:
            said = f"{label} is {value}, but {other.label} is {partner or 'blank'}"
        else:
            said = f"{other.label} is {partner}, but {label} is {value or 'blank'}"
        on.add(record, f"{said}: fill in both, or clear both.")


def _given(value: str, unset: tuple[str, ...]) -> bool:
    """Whether a value counts as filled in: neither one of `unset` nor a number of 0."""
    if value in unset:
        return False
    number = decimal_or_none(value)
    return number is None or number != 0


CHECKS: dict[type, Callable[[_On], None]] = {
    PatternWhen: _pattern_when,
    NotBefore: _not_before,
    OnlyForDocumentTypes: _only_for_document_types,
    Balanced: _balanced,
    ChoiceBySign: _choice_by_sign,
    SetTogether: _set_together,
}

# The rules that read across the whole batch: what each gathers of some records, and what
# it says of all it gathered. The whole batch is said of at once; a batch checked a slice at
# a time (`BatchWide`) gathers slice by slice and is said of at the end (`say_gathered`).
ACROSS: dict[type, tuple[Callable[[_On], Any], Callable[[_On, Any], None]]] = {
    UniqueTogether: (_together, _say_repeats),
    UniqueInBatch: (_in_batch, _say_repeats),
    ZeroWhen: (_zeros_found, _say_zeros),
    TaxTypeAsRate: (_taxed_as_rate, _say_taxed_as_rate),
}
