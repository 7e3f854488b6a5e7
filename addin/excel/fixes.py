"""Certain fixes: the corrections validation already knows, gathered into a plan of cells.

Validation puts a fix on a finding when the correction is certain (a pasted non-breaking
space, `12.5` % written as `1250`, a code whose leading zeros Excel dropped). The plan takes
the fixes of the kinds the catalogue calls certain, applies them to a copy of the sheet's values,
validates again (one fix can reveal the next: a trimmed code may then need its capitals), and
lists every cell that ends up different. What is applied is exactly that list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.batch import Batch, Context
from ..engine.catalogue import certain_fixes
from ..engine.findings import Finding, column_index, column_letter
from ..engine.layouts import layout_of, validate_rows
from ..specs.model import FieldSpec, Spec
from .layout import DATA_SHEET
from .sheet_values import field_value

# One fix can make another visible; real sheets settle in two or three rounds.
ROUNDS = 5

Rows = list[tuple[int, tuple[Any, ...]]]


@dataclass(frozen=True)
class CellFix:
    row: int
    column: str
    old: Any
    new: Any
    rule: str
    # The new value as the field spells it, what Validate suggested (`1234.50`); `new` is
    # the value the cell gets (the number 1234.5, shown by its format as 1234.50).
    text: str = ""

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}"

    @property
    def new_text(self) -> str:
        return self.text or shown(self.new)

    def to_json(self) -> dict[str, Any]:
        return {
            "cell": self.cell,
            "old": shown(self.old),
            "new": self.new_text,
            "rule": self.rule,
        }


def shown(value: Any) -> str:
    """A cell value as the preview and the Audit sheet show it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def certain(findings: Sequence[Finding], fixes: dict[str, str]) -> list[Finding]:
    """The findings whose fix is certain (`fixes`: `catalogue.certain_fixes`)."""
    return [f for f in findings if f.code in fixes and f.fix is not None and f.column]


def plan_fixes(
    spec: Spec,
    rows: Rows,
    context: Context,
    *,
    locked: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
) -> list[CellFix]:
    """Every cell a certain fix changes, with its value before and after.

    `rows` are the sheet's numbered rows as the engine reads them; `locked` cells (row,
    1-based column), such as formulas, are never changed.
    """
    return plan_and_check(spec, rows, context, locked=locked, whole=False)[0]


def plan_and_check(
    spec: Spec,
    rows: Rows,
    context: Context,
    *,
    locked: set[tuple[int, int]] = frozenset(),  # type: ignore[assignment]
    whole: bool = True,
) -> tuple[list[CellFix], Batch | None]:
    """`plan_fixes`, and the validation of the rows with every fix made when the last
    round had it (None when the rounds ran out first, or it was not of every row).

    After the first round, `whole` False validates again only the documents a round
    changed: a certain fix is a cell's own, so the others cannot gain one.
    """
    original = {number: cells for number, cells in rows}
    current = {number: list(cells) for number, cells in rows}
    rules: dict[tuple[int, int], list[str]] = {}
    header = rows[0][0] if layout_of(spec).header_row and rows else 0
    documents = None if whole else _documents(spec, rows)
    subject = list(current)
    texts: dict[tuple[int, int], str] = {}
    batch: Batch | None = None
    for round_ in range(ROUNDS):
        batch = validate_rows(
            spec, [(n, tuple(current[n])) for n in subject], typed=True, context=context
        )
        changed_rows: set[int] = set()
        done: set[tuple[int, int]] = set()
        fixes = certain_fixes(spec)
        for f in certain([*batch.report.findings, *batch.report.rewrites], fixes):
            place = (f.row, column_index(f.column))
            cells = current.get(f.row)
            if cells is None or place in done or place in locked or place[1] > len(cells):
                continue
            value = _cell_value(spec, batch, place, cells, f.fix or "", header)
            if value == cells[place[1] - 1]:
                continue
            cells[place[1] - 1] = value
            texts[place] = f.fix or ""
            done.add(place)
            rule = fixes[f.code]
            if rule not in rules.setdefault(place, []):
                rules[place].append(rule)
            changed_rows.add(f.row)
        if not changed_rows:
            if round_ and documents is not None:
                batch = None  # a validation of some documents only
            break
        if documents is not None:
            subject = _rows_of(documents, changed_rows, header)
    else:
        batch = None
    plan = []
    for (row, column), names in sorted(rules.items()):
        old, new = original[row][column - 1], current[row][column - 1]
        if old != new:
            plan.append(
                CellFix(
                    row, column_letter(column), old, new, "; ".join(names), texts[(row, column)]
                )
            )
    return plan, batch


def _documents(spec: Spec, rows: Rows) -> list[list[int]]:
    """The sheet's rows grouped by document: a record sheet's from each row of its first
    record kind to the next; a table's one row each."""
    if layout_of(spec).header_row:
        return [[n] for n, _ in rows[1:]]
    first = spec.records[0].keyword
    out: list[list[int]] = []
    for number, cells in rows:
        keyword = cells[0].strip() if cells and isinstance(cells[0], str) else None
        if keyword == first or not out:
            out.append([])
        out[-1].append(number)
    return out


def _rows_of(documents: list[list[int]], changed: set[int], header: int) -> list[int]:
    """The rows of every document holding a changed row, with a table's header row."""
    picked = [n for doc in documents if not changed.isdisjoint(doc) for n in doc]
    return [header, *picked] if header else picked


def _cell_value(
    spec: Spec, batch: Batch, place: tuple[int, int], cells: list[Any], text: str, header: int
) -> Any:
    """The value a fixed cell gets: a number or date where the field's cell holds one."""
    f = _field_at(spec, batch, place, cells, header)
    if f is None:
        return text if text != "" else None
    return field_value(f, text)


def _field_at(
    spec: Spec, batch: Batch, place: tuple[int, int], cells: list[Any], header: int
) -> FieldSpec | None:
    row, column = place
    if layout_of(spec).header_row:
        # The header row holds names, kept as text.
        if row == header or batch.columns is None:
            return None
        fields = batch.columns.fields
        return fields[column - 1] if column <= len(fields) else None
    keyword = cells[0].strip() if cells and isinstance(cells[0], str) else None
    try:
        kind = spec.record(keyword)
    except KeyError:
        return None
    return kind.fields[column - 1] if column <= len(kind.fields) else None


def audit_rows(fixes: list[CellFix], now: dt.datetime) -> list[list[str]]:
    """The Audit sheet's rows for `fixes` made at `now`: cell, old value, new, rule, time."""
    stamp = now.isoformat(sep=" ", timespec="seconds")
    return [[f"{DATA_SHEET}!{f.cell}", shown(f.old), f.new_text, f.rule, stamp] for f in fixes]
