"""What `check`, `validate` and `export` print: a report a bookkeeper reads in one screen.

A short batch's findings are listed whole. A long one's are counted by kind, errors first,
each kind with its first few rows; `--all` lists every finding, `--totals` every document's
totals, and `--json` carries everything either way.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .engine.catalogue import title
from .engine.findings import Finding, Report
from .wording import counted, numbered

if TYPE_CHECKING:
    from .review import Review

# Up to this many findings, every one is listed without being asked for.
SHORT_LIST = 20
# Up to this many documents, their totals are listed without being asked for.
SHORT_BATCH = 20
# Kinds of problem shown in a summary; the rest are counted in one line.
MOST_KINDS = 20
# Paragraphs are wrapped to this many characters.
WIDTH = 100


def report_lines(
    checked: Review,
    name: str,
    row_word: str,
    *,
    every_finding: bool = False,
    every_total: bool = False,
) -> list[str]:
    """The whole human report of a checked batch, line by line."""
    # Imported here: `--help` reads this module's limits, and must not build the formats.
    from .engine.layouts import layout_of

    batch = checked.batch
    report = batch.report
    records = counted(len(batch.records), layout_of(batch.spec).noun)
    if not report.findings:
        lines = [f"{name}: {records}, no problems"]
    else:
        lines = [f"{name}: {records}, {problem_counts(report)}"]
        if every_finding or len(report.findings) <= SHORT_LIST:
            lines += finding_lines(report.findings, row_word)
        else:
            lines += summary_lines(report.findings, row_word)
    lines += totals_lines(checked, row_word, every_total or len(checked.documents) <= SHORT_BATCH)
    lines += check_lines(report)
    return lines


def problem_counts(report: Report) -> str:
    return f"{counted(report.errors, 'error')}, {counted(report.warnings, 'warning')}"


def finding_lines(findings: list[Finding], row_word: str, indent: str = "  ") -> list[str]:
    width = max((len(str(f.row)) for f in findings), default=1)
    return [f"{indent}{_finding(f, row_word, width)}" for f in findings]


def _finding(f: Finding, row_word: str, width: int) -> str:
    line = f"{row_word} {f.row:>{width}}  {f.column:<2} {f.severity:<7} {f.message}"
    if f.fix is not None:
        line += f"  → {f.fix!r}" if f.fix else "  → blank"
    return line


def summary_lines(findings: list[Finding], row_word: str) -> list[str]:
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
    width = max(len(str(f.row)) for first in examples.values() for f in first)
    count_width = max(len(f"{kinds[k]:,}") for k in shown)
    lines: list[str] = []
    severity = ""
    for kind in shown:
        if kind[0] != severity:
            severity = kind[0]
            total = sum(n for k, n in kinds.items() if k[0] == severity)
            lines.append(f"{severity.capitalize()}s ({total:,}):")
        lines.append(f"  {kinds[kind]:>{count_width},} × {title(kind[1])} [{kind[1]}]")
        for f in examples[kind]:
            lines.append(f"      {_finding(f, row_word, width)}")
    rest = order[MOST_KINDS:]
    if rest:
        lines.append(
            f"  … and {counted(len(rest), 'more kind')} of problem "
            f"({counted(sum(kinds[k] for k in rest), 'finding')})"
        )
    lines.append("Every finding: --all; all of it as JSON: --json")
    return lines


def totals_lines(checked: Review, row_word: str, each: bool) -> list[str]:
    """The batch's totals, after each document's when `each`."""
    # Imported here, as `layout_of` is: `--help` reads this module and builds no format.
    from .engine.totals import money

    documents = checked.documents
    if not documents:
        return []
    totals = checked.totals
    noun = "document"
    if not each:
        return [
            f"Totals of {counted(len(documents), noun)}: exclusive "
            f"{totals['exclusive'] or '?'}, tax {totals['tax'] or '?'}, inclusive "
            f"{totals['inclusive'] or '?'} (each document's: --totals)",
            *left_out_lines(totals, noun),
        ]
    labels = [d.label for d in documents]
    width = min(max(len(label) for label in labels), 40)
    rows = max(len(str(d.row)) for d in documents)
    lines = [
        f"Documents ({len(documents):,}):  {'':<{rows + len(row_word) + 1}}  {'':<{width}}  "
        f"{'Exclusive':>14} {'Tax':>12} {'Inclusive':>14}"
    ]
    for d in documents:
        lines.append(
            f"  {row_word} {d.row:>{rows}}  {d.label[:width]:<{width}}  "
            f"{money(d.exclusive) or '?':>14} {money(d.tax) or '?':>12} "
            f"{money(d.inclusive) or '?':>14}"
        )
    lines.append(
        f"  {'Total':<{rows + len(row_word) + 1}}  {'':<{width}}  "
        f"{totals['exclusive'] or '?':>14} {totals['tax'] or '?':>12} "
        f"{totals['inclusive'] or '?':>14}"
    )
    return lines + left_out_lines(totals, noun)


def left_out_lines(totals: dict[str, object], noun: str) -> list[str]:
    """What the batch's totals leave out (`totals.left_out_words`), as a report line."""
    from .engine.totals import left_out_words

    words = left_out_words(totals, noun)
    return [f"  {words} (--settings)."] if words else []


def check_lines(report: Report) -> list[str]:
    """The checks that ran, and those that could not; skipped ones that share a reason
    (no settings at all) are named in one paragraph."""
    lines = [f"Checked: {c.name} ({c.detail})" for c in report.checks if c.ran]
    why: dict[str, list[str]] = {}
    for c in report.checks:
        if not c.ran:
            why.setdefault(c.detail, []).append(c.name)
    for detail, names in why.items():
        if len(names) == 1:
            lines.append(f"Not checked: {names[0]}: {detail}")
        else:
            lines += textwrap.wrap(
                f"Not checked, {detail}: {'; '.join(names)}",
                width=WIDTH,
                subsequent_indent="  ",
                break_on_hyphens=False,
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
