"""What the ribbon buttons decide without Excel: formats, file names, and what they say."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path, PurePath

from .. import specs
from ..engine.csv_batch import parse_csv
from ..engine.findings import Report
from ..engine.identify import candidates, first_record
from ..engine.totals import PARTS, left_out_words, money
from ..ledger import ALREADY_EXPORTED, NOTHING_EXPORTED
from ..refusals import ReadError
from ..specs import Spec
from ..wording import counted, plural
from .fixes import CellFix, shown
from .marks import Summary

# Lines of a preview or a list of documents an alert shows before "… and N more".
SHOWN_LINES = 15

ALERT_TITLE = "Batchsheet"
HELP_TEXT = (
    "Batchsheet checks and exports accounting import batches.\n\n"
    "New batch: start a workbook from a format's template.\n"
    "Validate: mark bad cells red (errors) or amber (warnings); the Problems column says why.\n"
    "Clear marks: remove the marks; your data is not changed.\n"
    "Fix: list the fixes that are certain (pasted spaces, codes as the master list has them, "
    "12.5 % as 1250 ...) and make them only if you say Yes; each is logged on the Audit sheet.\n"
    "Export CSV: write the file your accounting system imports (refused while errors remain).\n"
    "Import CSV: open an exported batch or an export from your accounting system as a new "
    "workbook.\n\n"
    "Each template's Instructions sheet lists every field and its format."
)
NOTHING_TO_FIX = "Nothing to fix with certainty. Validate marks what needs a look."
_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def suggested_export_name(book_name: str, format_name: str | None, today: dt.date) -> str:
    """The name the Save As dialog offers: the workbook's, the format, and the date."""
    stem = PurePath(book_name).stem
    middle = f"-{format_name}" if format_name else ""
    return f"{stem}{middle}-{today:%Y-%m-%d}.csv"


def free_path(path: Path) -> Path:
    """`path`, or `name (2).ext`, `name (3).ext`… whichever does not exist yet."""
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def new_batch_path(spec: Spec, documents: Path, today: dt.date) -> Path:
    """Where New batch saves a new workbook: a Batchsheet folder in the user's Documents
    (`documents`: the folder Explorer or Finder shows as Documents)."""
    name = _UNSAFE_IN_NAMES.sub("-", f"{spec.title} {today:%Y-%m-%d}.xlsx")
    return free_path(documents / "Batchsheet" / name)


def import_format(source: Path, current: Spec | None) -> tuple[Spec, str]:
    """The format a CSV holds, and a sentence when it had to be chosen among look-alikes.

    Pastel customer and supplier batches are the same layout: the batch open in Excel
    decides, then the file's Additional Costs column (only supplier invoices use it).
    """
    try:
        data = source.read_bytes()
    except OSError as e:
        raise ReadError(str(source), f"cannot read the file: {e.strerror or e}") from None
    line, first = first_record(data, str(source))
    found = candidates(specs.SPECS.values(), first)
    if not found:
        raise ReadError(
            str(source),
            "this file is not a batch of any format Batchsheet knows "
            f"({', '.join(specs.FORMAT_NAMES)}): its first line does not match",
            line,
        )
    if len(found) == 1:
        return found[0], ""
    parsed = parse_csv(data, str(source))
    if current is not None and current in found:
        return current, f"Read as a {current.title}, like the workbook you imported from."
    for spec in found:
        if spec.told_by is not None and _filled_in(spec, spec.told_by, parsed.rows):
            label = spec.record(spec.told_by[0]).field(spec.told_by[1]).label
            return spec, f"Read as a {spec.title}: its {label} column is filled in."
    chosen = found[0]
    return chosen, (
        f"Read as a {chosen.title}. If these are {found[1].title}s, start a New batch of that "
        "format and import from there."
    )


def _filled_in(spec: Spec, told_by: tuple[str, str], rows: list[tuple[int, list[str]]]) -> bool:
    """Whether any record of the kind named holds something in the field named."""
    keyword, key = told_by
    index = spec.record(keyword).index(key)
    return any(
        fields[0].strip() == keyword and len(fields) > index and fields[index].strip()
        for _, fields in rows
    )


def exported_text(done, hidden: int | None = 0) -> str:
    """What Export CSV says; `hidden`: how many of the batch's rows a filter or the user
    hid (None: some, not counted), all exported all the same."""
    report: Report = done.batch.report
    text = f"Wrote {done.path.name}: {done.held('{documents}, {lines}')}."
    if hidden is None or hidden:
        rows = "Some rows" if hidden is None else counted(hidden, "row")
        verb = "was" if hidden == 1 else "were"
        text += (
            f"\n{rows} of the batch {verb} hidden (by a filter or by hand) and {verb} "
            "exported too: the file holds the whole batch."
        )
    if report.warnings:
        remain = "remains" if report.warnings == 1 else "remain"
        text += (
            f"\n{counted(report.warnings, 'warning')} {remain} marked amber; "
            "they did not stop the export."
        )
    return text


def export_refused_text(report: Report) -> str:
    return "Not exported: nothing was written.\n\n" + Summary.of(report).text()


def imported_text(done, note: str, *, here: bool = False) -> str:
    """What Import CSV says: where the rows went (`here`: this batch's own sheet)."""
    place = "this batch" if here else f"{done.path.name}, opened as a new workbook"
    text = f"Imported {done.held()} into {place}."
    if note:
        text += f"\n{note}"
    report: Report = done.batch.report
    if report.findings:
        text += "\n\n" + Summary.of(report).text()
    return text


def reviewed_text(checked) -> str:
    """Validate's summary: the problems, the documents' totals, and which checks ran."""
    report: Report = checked.batch.report
    text = Summary.of(report).text()
    documents = checked.documents
    if documents:
        totals = checked.totals
        noun = checked.batch.spec.noun
        figures = ", ".join(
            f"{name} {_money(Decimal(t) if t is not None else None)}"
            for name, t in zip(checked.parts, map(totals.get, checked.parts))
        )
        lines = [f"{counted(len(documents), noun)}: {figures}."]
        missing = left_out_words(totals, noun, checked.batch.spec.totals)
        if missing:
            lines.append(f"{missing}.")
        for d in documents[:SHOWN_LINES]:
            ex, tax, inc = _money(d.exclusive), _money(d.tax), _money(d.inclusive)
            if checked.parts == PARTS:
                lines.append(f"Row {d.row} {d.label}: {ex} + {tax} = {inc}")
            else:
                named = ", ".join(f"{n} {v}" for n, v in zip(checked.parts, (ex, tax, inc)))
                lines.append(f"Row {d.row} {d.label}: {named}")
        if len(documents) > SHOWN_LINES:
            lines.append(f"… and {len(documents) - SHOWN_LINES} more.")
        text += "\n\n" + "\n".join(lines)
    ran = [c.name for c in report.checks if c.ran and c.needs == "settings"]
    skipped = [c.name for c in report.checks if not c.ran and c.needs == "settings"]
    if ran:
        text += "\n\nChecked against your settings: " + "; ".join(ran) + "."
    if skipped:
        text += f"\nNot checked ({len(skipped)}): fill in the Settings sheet to check them."
    # A ledger with nothing in it yet is the usual first batch, not news; one that cannot be
    # read is, since a batch exported twice then goes unnoticed.
    for c in report.checks:
        if c.needs != "ledger" or c.detail.startswith(NOTHING_EXPORTED):
            continue
        if c.ran:
            text += f"\nChecked against the batch ledger ({c.detail})."
            continue
        text += (
            f"\nNot checked against the batch ledger, so a {checked.batch.spec.noun} exported "
            f"before goes unnoticed: {c.detail}"
        )
    return text


def _money(d: Decimal | None) -> str:
    return money(d, grouped=True) or "?"


def ledger_text(checked, batch_id: int) -> str:
    again = [f for f in checked.batch.report.findings if f.code == ALREADY_EXPORTED]
    text = f"Recorded in the batch ledger as batch {batch_id}."
    if again:
        text += (
            f"\n{len(again):,} of its {plural(checked.batch.spec.noun)} were exported before "
            f"(first at row "
            f"{again[0].row}): {again[0].message}"
        )
    return text


def fix_preview_text(plan: list[CellFix]) -> str:
    lines = [f"Batchsheet can fix {len(plan)} cells with certainty:"]
    for f in plan[:SHOWN_LINES]:
        lines.append(f"{f.cell}: {shown(f.old)!r} → {f.new_text!r} ({f.rule})")
    if len(plan) > SHOWN_LINES:
        lines.append(f"… and {len(plan) - SHOWN_LINES} more.")
    lines.append("")
    lines.append("Make these changes? Each is logged on the Audit sheet; no other cell changes.")
    return "\n".join(lines)


def fixed_text(plan: list[CellFix], report: Report) -> str:
    return (
        f"Fixed {len(plan)} cells; each change is on the Audit sheet.\n\n"
        + Summary.of(report).text()
    )


def could_not_finish(e: Exception) -> str:
    """What the user sees of a failure nobody foresaw: a sentence, never a traceback."""
    return f"Batchsheet could not finish: {type(e).__name__}: {e}"
