"""Reading a workbook's cells: openpyxl read-only (what the engine uses) and python-calamine.

Both read exactly the cells `read_book` reads: the data sheet from the first data row, the
spec's columns only.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from addin.engine.layouts import validate_rows
from addin.excel.layout import DATA_SHEET, Layout
from addin.specs.model import Spec

Rows = list[tuple[int, tuple[Any, ...]]]


def openpyxl_rows(path: Path, spec: Spec) -> Rows:
    """The bare read: openpyxl read-only, values only, no checks."""
    layout = Layout(spec)
    wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        cells = wb[DATA_SHEET].iter_rows(
            min_row=layout.first_data_row, max_col=layout.data_width, values_only=True
        )
        return list(enumerate(cells, start=layout.first_data_row))
    finally:
        wb.close()


def calamine_available() -> str | None:
    try:
        import python_calamine  # noqa: F401
    except ImportError as e:
        return f"python-calamine is not installed ({e})"
    return None


def calamine_rows(path: Path, spec: Spec) -> Rows:
    """The same cells through python-calamine (Rust), as it returns them."""
    from python_calamine import CalamineWorkbook

    layout = Layout(spec)
    wb = CalamineWorkbook.from_path(str(path))
    try:
        grid = wb.get_sheet_by_name(DATA_SHEET).to_python(skip_empty_area=False)
    finally:
        wb.close()
    width = layout.data_width
    first = layout.first_data_row
    return [(n, tuple(row[:width])) for n, row in enumerate(grid[first - 1 :], start=first)]


@dataclass
class Comparison:
    """How calamine's cells differ from openpyxl's, and whether the engine cares."""

    cells: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    rows_openpyxl: int = 0
    rows_calamine: int = 0
    same_findings: bool = False
    same_records: bool = False

    def summary(self) -> str:
        parts = [f"{k} {n:,}" for k, n in self.kinds.most_common() if k != "identical"]
        differ = "; ".join(parts) if parts else "none"
        return (
            f"{self.kinds['identical']:,} of {self.cells:,} cells identical; differences: "
            f"{differ}; engine findings {'same' if self.same_findings else 'DIFFER'}, "
            f"canonical records {'same' if self.same_records else 'DIFFER'}"
        )


def _kind(a: Any, b: Any) -> str:
    if type(a) is type(b) and a == b:
        return "identical"
    if a is None and b == "":
        return "empty: None vs ''"
    if isinstance(a, int) and isinstance(b, float) and a == b:
        return "int vs float"
    if isinstance(a, dt.datetime) and type(b) is dt.date and a == dt.datetime.combine(b, dt.time()):
        return "datetime vs date"
    return f"{type(a).__name__} vs {type(b).__name__}"


def compare(spec: Spec, ours: Rows, theirs: Rows) -> Comparison:
    """Cell by cell, then through the engine: same findings, same canonical records?"""
    out = Comparison(rows_openpyxl=len(ours), rows_calamine=len(theirs))
    # calamine stops at the last used row; openpyxl's read-only rows do too. Pad both.
    for (_, a_row), (_, b_row) in zip(ours, theirs):
        for a, b in zip(a_row, b_row):
            kind = _kind(a, b)
            out.cells += 1
            out.kinds[kind] += 1
            if kind != "identical" and kind not in out.examples:
                out.examples[kind] = f"{a!r} / {b!r}"
    a_batch = validate_rows(spec, ours, typed=True)
    b_batch = validate_rows(spec, theirs, typed=True)

    def key(f: Any) -> tuple[Any, ...]:
        return (f.row, f.column, f.severity, f.code, f.message, f.fix)

    out.same_findings = [key(f) for f in a_batch.report.findings] == [
        key(f) for f in b_batch.report.findings
    ]
    out.same_records = [r.values for r in a_batch.records] == [r.values for r in b_batch.records]
    return out
