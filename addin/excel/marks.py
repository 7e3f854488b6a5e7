"""The marking columns: which cells of a row are wrong, and what is wrong, in plain words.

The template's conditional formats colour a cell when its column letter is listed in its
row's *Errors in* or *Warnings in* cell, so marking a sheet is one block of text, written
in one call however many problems there are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..engine.batch import Batch
from ..engine.findings import Finding, Report, cell_place, column_letter
from ..engine.layouts import layout_of
from .layout import CELL_TEXT_LIMIT, Layout

Marks = tuple[str, str, str]
# The Problems cell holds one problem a line; its cell wraps them at the column's width
# (`layout.PROBLEMS_WIDTH`) and the row grows to show them all.
PROBLEM_SEPARATOR = "\n"


def marks_by_row(findings: list[Finding]) -> dict[int, Marks]:
    """Row -> (columns with errors, columns with warnings, the problems in words)."""
    errors: dict[int, list[str]] = {}
    warnings: dict[int, list[str]] = {}
    words: dict[int, list[str]] = {}
    for f in findings:
        target = errors if f.severity == "error" else warnings
        columns = target.setdefault(f.row, [])
        # A finding about a whole sheet or file (a missing column) has no column to colour.
        if f.column and f.column not in columns:
            columns.append(f.column)
        text = f"{f.column}: {f.message}" if f.column else f.message
        if f.fix is not None:
            text += f" Suggested: {f.fix!r}." if f.fix else " Suggested: leave it blank."
        words.setdefault(f.row, []).append(text)
    out: dict[int, Marks] = {}
    for row, texts in words.items():
        problems = PROBLEM_SEPARATOR.join(texts)
        if len(problems) > CELL_TEXT_LIMIT:
            problems = problems[: CELL_TEXT_LIMIT - 1] + "…"
        out[row] = (" ".join(errors.get(row, [])), " ".join(warnings.get(row, [])), problems)
    return out


def marks_block(findings: list[Finding], first_row: int, last_row: int) -> list[list[str | None]]:
    """The marking columns for rows first_row..last_row, as one 2-D block (blank = None)."""
    marks = marks_by_row(findings)
    empty: list[str | None] = [None, None, None]
    return [
        [m or None for m in marks[row]] if row in marks else list(empty)
        for row in range(first_row, last_row + 1)
    ]


@dataclass(frozen=True)
class Summary:
    """What a person wants to know first about a validated batch."""

    errors: int
    warnings: int
    common: list[tuple[str, int]]
    first_row: int | None
    first_message: str | None

    @classmethod
    def of(cls, report: Report, top: int = 3) -> Summary:
        counts = Counter(f"{f.field}: {f.code.replace('-', ' ')}" for f in report.findings)
        first = next((f for f in report.findings if f.severity == "error"), None)
        first = first or (report.findings[0] if report.findings else None)
        return cls(
            report.errors,
            report.warnings,
            counts.most_common(top),
            first.row if first else None,
            first.message if first else None,
        )

    def text(self, row_word: str = "row") -> str:
        if not self.errors and not self.warnings:
            return "No problems found: the batch is ready to export."
        lines = [f"{_count(self.errors, 'error')}, {_count(self.warnings, 'warning')}."]
        if self.common:
            lines.append("Most common: " + "; ".join(f"{what} ({n})" for what, n in self.common))
        if self.first_row is not None:
            lines.append(f"First at {row_word} {self.first_row}: {self.first_message}")
        if self.errors:
            lines.append("Fix the cells marked red before exporting; amber cells are warnings.")
        return "\n".join(lines)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def mark_cells(batch: Batch, cells: dict[str, tuple[str, str]]) -> None:
    """Put each cell's finding (`{ref: (code, message)}`, an error) in place of whatever its
    value was otherwise called: a value that cannot be known is not "required"."""
    if not cells:
        return
    report = batch.report
    width = None if layout_of(batch.spec).header_row else Layout(batch.spec).data_width
    places: dict[tuple[int, str], tuple[str, str]] = {}
    for ref, said in cells.items():
        row, index = cell_place(ref)
        if width is None or index <= width:
            places[(row, column_letter(index))] = said
    rows = {row for row, _ in places}
    fields = {
        (r.row, column_letter(i)): f.label
        for r in batch.records
        if r.row in rows
        for i, f in enumerate(r.kind.fields, 1)
    }
    report.findings = [f for f in report.findings if (f.row, f.column) not in places]
    for (row, column), (code, message) in places.items():
        report.findings.append(
            Finding(
                severity="error",
                row=row,
                column=column,
                field=fields.get((row, column), ""),
                code=code,
                message=message,
            )
        )
    report.sort()
