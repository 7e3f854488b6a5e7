"""What `check`, `validate` and `export` print: a report a bookkeeper reads in one screen.

A short batch's findings are listed whole. A long one's are counted by kind, errors first,
each kind with its first few rows; `--all` lists every finding, `--totals` every document's
totals, and `--json` carries everything either way.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO, cast

from .engine.bulk import without_cycle_collection
from .engine.catalogue import title
from .engine.findings import Finding, FindingsJson, Report
from .wording import (
    SHORT_BATCH,
    SHORT_LIST,
    counted,
    hanging,
    numbered,
    plural,
    terminal_width,
)

if TYPE_CHECKING:
    from .review import Review
    from .specs.model import Spec, Totals

# Kinds of problem shown in a summary; the rest are counted in one line.
MOST_KINDS = 20


def report_lines(
    checked: Review,
    name: str,
    row_word: str,
    *,
    every_finding: bool = False,
    every_total: bool = False,
    width: int | None = None,
) -> list[str]:
    """The whole human report of a checked batch, line by line, `width` characters at
    most (the terminal's when not given)."""
    # Imported here: `--help` reads this module's limits, and must not build the formats.
    from .engine.layouts import layout_of

    width = width or terminal_width()
    batch = checked.batch
    report = batch.report
    records = counted(checked.records, layout_of(batch.spec).noun)
    if not report.findings:
        lines = hanging("", f"{name}: {records}, no problems", width)
    else:
        lines = hanging("", f"{name}: {records}, {problem_counts(report)}", width)
        if every_finding or len(report.findings) <= SHORT_LIST:
            lines += finding_lines(report.findings, row_word, width=width)
        else:
            lines += summary_lines(report.findings, row_word, width, batch.spec)
    each = every_total or len(checked.documents) <= SHORT_BATCH
    lines += totals_lines(checked, row_word, each, width)
    lines += check_lines(report, width, every_check=every_finding)
    return lines


# Findings and documents encoded this many at a time: a batch with a finding on every row
# is never held as JSON whole.
JSON_PIECE = 4096


@dataclass(frozen=True)
class _Pieces:
    """A long list of the JSON, written `JSON_PIECE` items at a time: each piece is the
    items' JSON as `json.dumps` writes the list, less its brackets."""

    items: Sequence[Any]
    text: Callable[[Sequence[Any]], str]

    def pieces(self) -> Iterator[str]:
        yield "["
        for start in range(0, len(self.items), JSON_PIECE):
            if start:
                yield ", "
            yield self.text(self.items[start : start + JSON_PIECE])
        yield "]"


@without_cycle_collection
def write_json(checked: Review, stream: TextIO) -> None:
    """`json.dumps(checked.to_json(), ensure_ascii=False)` and a line end, written in pieces:
    the same bytes, without the whole of it as dicts and as text at once. The collector is
    paused, as it is while the batch is read: the pieces are many objects, none in a cycle."""
    # Imported here, as `layout_of` is: `--help` reads this module and builds no format.
    from .engine.totals import DocumentsJson

    report = checked.batch.report
    fields = report.json_fields(_Pieces(report.findings, FindingsJson()))
    # As `Review.to_json` adds them to the report's fields.
    fields["documents"] = _Pieces(checked.documents, DocumentsJson(checked.parts))
    fields["totals"] = checked.totals
    stream.write("{")
    for i, (key, value) in enumerate(fields.items()):
        stream.write(f"{', ' if i else ''}{json.dumps(key, ensure_ascii=False)}: ")
        if isinstance(value, _Pieces):
            for piece in value.pieces():
                stream.write(piece)
        else:
            stream.write(json.dumps(value, ensure_ascii=False))
    stream.write("}\n")


def problem_counts(report: Report) -> str:
    return f"{counted(report.errors, 'error')}, {counted(report.warnings, 'warning')}"


def finding_lines(
    findings: list[Finding], row_word: str, indent: str = "  ", width: int | None = None
) -> list[str]:
    width = width or terminal_width()
    places = max((len(str(f.row)) for f in findings), default=1)
    return [line for f in findings for line in _finding(f, row_word, places, width, indent)]


def _finding(f: Finding, row_word: str, places: int, width: int, indent: str) -> list[str]:
    head = f"{indent}{row_word} {f.row:>{places}}  {f.column:<2} {f.severity:<7} "
    text = f.message
    if f.fix is not None:
        text += f"  → {f.fix!r}" if f.fix else "  → blank"
    return hanging(head, text, width)


def summary_lines(
    findings: list[Finding], row_word: str, width: int, spec: Spec | None = None
) -> list[str]:
    """Findings counted by kind, errors first and the commonest first, each kind with its
    first rows: as many rows per kind as keep the summary on one screen."""
    kinds = Counter((f.severity, f.code) for f in findings)
    order = sorted(kinds, key=lambda k: (k[0] != "error", -kinds[k], k[1]))
    shown = order[:MOST_KINDS]
    per_kind = 3 if len(shown) <= 6 else 2 if len(shown) <= 12 else 1
    examples: dict[tuple[str, str], list[Finding]] = {k: [] for k in shown}
    for f in findings:
        first = examples.get((f.severity, f.code))
        if first is not None and len(first) < per_kind:
            first.append(f)
    places = max(len(str(f.row)) for first in examples.values() for f in first)
    count_width = max(len(f"{kinds[k]:,}") for k in shown)
    lines: list[str] = []
    severity = ""
    for kind in shown:
        if kind[0] != severity:
            severity = kind[0]
            total = sum(n for k, n in kinds.items() if k[0] == severity)
            lines.append(f"{severity.capitalize()}s ({total:,}):")
        head = f"  {kinds[kind]:>{count_width},} × "
        lines += hanging(head, f"{title(kind[1], spec)} [{kind[1]}]", width)
        for f in examples[kind]:
            lines += _finding(f, row_word, places, width, "      ")
    rest = order[MOST_KINDS:]
    if rest:
        lines += hanging(
            "  ",
            f"… and {counted(len(rest), 'more kind')} of problem "
            f"({counted(sum(kinds[k] for k in rest), 'finding')})",
            width,
        )
    lines.append("Every finding: --all; all of it as JSON: --json")
    return lines


# The narrowest a document's label is given before it is wrapped within its column.
LABEL_AT_LEAST = 16


def totals_lines(checked: Review, row_word: str, each: bool, width: int) -> list[str]:
    """The batch's totals, after each document's when `each`: amounts as a bookkeeper
    reads them (`1,187,982,195.07`), right-aligned in columns as wide as they need."""
    # Imported here, as `layout_of` is: `--help` reads this module and builds no format.
    from .engine.totals import money

    documents = checked.documents
    if not documents:
        return []
    totals = checked.totals
    noun = checked.batch.spec.noun
    names = checked.parts
    batch_amounts = [_grouped(cast("str | None", totals[name])) for name in names]
    if not each:
        parts = ", ".join(f"{name} {amount}" for name, amount in zip(names, batch_amounts))
        return [
            *hanging(
                "",
                f"Totals of {counted(len(documents), noun)}: {parts} (each {noun}'s: --totals)",
                width,
            ),
            *left_out_lines(totals, noun, checked.batch.spec.totals, width),
        ]
    rows = [
        (
            f"{row_word} {d.row}",
            d.label,
            [
                money(d.exclusive, grouped=True) or "?",
                money(d.tax, grouped=True) or "?",
                money(d.inclusive, grouped=True) or "?",
            ],
        )
        for d in documents
    ]
    rows.append(("Total", "", batch_amounts))
    where = max(len(r[0]) for r in rows)
    amounts = [max(len(name), *(len(r[2][i]) for r in rows)) for i, name in enumerate(names)]
    fixed = 2 + where + 2 + 2 + sum(amounts) + len(amounts) - 1
    label = max(LABEL_AT_LEAST, min(width - fixed, max(len(r[1]) for r in rows)))
    title = f"{plural(noun).capitalize()} ({len(documents):,}):"
    heads = " ".join(f"{n.capitalize():>{w}}" for n, w in zip(names, amounts))
    lead = 2 + where + 2 + label + 2
    if len(title) + 1 > lead:
        lines = [title, f"{'':<{lead}}{heads}"]
    else:
        lines = [f"{title:<{lead}}{heads}"]
    for place, text, figures in rows:
        pieces = textwrap.wrap(text, label, break_on_hyphens=False) or [""]
        columns = " ".join(f"{a:>{w}}" for a, w in zip(figures, amounts))
        lines.append(f"  {place:<{where}}  {pieces[0]:<{label}}  {columns}")
        lines += [f"  {'':<{where}}  {piece}" for piece in pieces[1:]]
    return lines + left_out_lines(totals, noun, checked.batch.spec.totals, width)


def _grouped(amount: str | None) -> str:
    """A batch total (`Documents.totals`, as the JSON has it) as the report shows it."""
    from .engine.totals import money

    return money(Decimal(amount), grouped=True) or "?" if amount is not None else "?"


def left_out_lines(
    totals: dict[str, object], noun: str, spec_totals: Totals | None, width: int
) -> list[str]:
    """What the batch's totals leave out (`totals.left_out_words`), as report lines."""
    from .engine.totals import left_out_words

    words = left_out_words(totals, noun, spec_totals)
    return hanging("  ", f"{words}.", width) if words else []


def check_lines(report: Report, width: int, *, every_check: bool = False) -> list[str]:
    """The checks that ran, and those that could not. Skipped ones that share a reason
    (no settings at all) are counted in one line, named with `every_check` (`--all`)."""
    lines = [
        line
        for c in report.checks
        if c.ran
        for line in hanging("Checked: ", f"{c.name} ({c.detail})", width)
    ]
    why: dict[tuple[str, str], list[str]] = {}
    for c in report.checks:
        if not c.ran:
            why.setdefault((c.detail, c.brief), []).append(c.name)
    for (detail, brief), names in why.items():
        if len(names) == 1:
            lines += hanging("Not checked: ", f"{names[0]}: {detail}", width)
        elif every_check or not brief:
            lines += hanging("Not checked, ", f"{detail}: {'; '.join(names)}", width)
        else:
            lines += hanging(
                "Not checked: ", f"{counted(len(names), 'check')}, {brief}; --all names them", width
            )
    return lines


def grouped_notes(findings: Iterable[Finding], row_word: str, first: int = 3) -> list[str]:
    """Notes of one kind as one line each: how many, the first rows, one message in full."""
    by_code: dict[str, list[Finding]] = {}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    lines = []
    for code, notes in by_code.items():
        if len(notes) == 1:
            lines.append(f"  note: {row_word} {notes[0].row}: {notes[0].message}")
            continue
        rows = numbered([n.row for n in notes], first)
        lines.append(
            f"  note: {len(notes):,} × {title(code)} ({row_word}s {rows}); "
            f"the first: {notes[0].message}"
        )
    return lines
