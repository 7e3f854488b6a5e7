"""What the ribbon buttons decide without Excel: formats, file names, and what they say."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path, PurePath

from ..engine.csv_batch import parse_csv
from ..engine.csv_read import ReadError
from ..engine.findings import Report
from ..engine.identify import candidates
from ..specs import SPECS, Spec
from .marks import Summary

ALERT_TITLE = "Batchsheet"
HELP_TEXT = (
    "Batchsheet checks and exports accounting import batches.\n\n"
    "New batch: start a workbook from a format's template.\n"
    "Validate: mark bad cells red (errors) or amber (warnings); the Problems column says why.\n"
    "Clear marks: remove the marks; your data is not changed.\n"
    "Export CSV: write the file your accounting system imports (refused while errors remain).\n"
    "Import CSV: open an exported batch or an export from your accounting system as a new "
    "workbook.\n\n"
    "Each template's Instructions sheet lists every field and its format."
)
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


def new_batch_path(spec: Spec, home: Path, today: dt.date) -> Path:
    """Where New batch saves a new workbook: a Batchsheet folder in the user's Documents."""
    name = _UNSAFE_IN_NAMES.sub("-", f"{spec.title} {today:%Y-%m-%d}.xlsx")
    return free_path(home / "Documents" / "Batchsheet" / name)


def import_format(source: Path, current: Spec | None) -> tuple[Spec, str]:
    """The format a CSV holds, and a sentence when it had to be chosen among look-alikes.

    Pastel customer and supplier batches are the same layout: the batch open in Excel
    decides, then the file's Additional Costs column (only supplier invoices use it).
    """
    try:
        data = source.read_bytes()
    except OSError as e:
        raise ReadError(str(source), f"cannot read the file: {e.strerror or e}") from None
    parsed = parse_csv(data, str(source))
    first = parsed.rows[0][1] if parsed.rows else []
    found = candidates(SPECS.values(), first)
    if not found:
        raise ReadError(
            str(source),
            "this file is not a batch of any format Batchsheet knows "
            f"({', '.join(SPECS)}): its first line does not match",
            parsed.rows[0][0] if parsed.rows else None,
        )
    if len(found) == 1:
        return found[0], ""
    if current is not None and current in found:
        return current, f"Read as a {current.title}, like the workbook you imported from."
    supplier = SPECS.get("pastel-supplier")
    if supplier in found and _uses_additional_costs(parsed.rows):
        return supplier, f"Read as a {supplier.title}: its Additional Costs column is filled in."
    chosen = found[0]
    return chosen, (
        f"Read as a {chosen.title}. If these are {found[1].title}s, start a New batch of that "
        "format and import from there."
    )


def _uses_additional_costs(rows: list[tuple[int, list[str]]]) -> bool:
    spec = SPECS["pastel-supplier"]
    index = spec.record("Header").index("additional_costs")
    return any(
        fields[0].strip() == "Header" and len(fields) > index and fields[index].strip()
        for _, fields in rows
    )


def exported_text(done) -> str:
    report: Report = done.batch.report
    text = f"Wrote {done.path.name}: {done.documents} documents, {done.lines} records."
    if report.warnings:
        text += f"\n{report.warnings} warnings remain marked amber; they did not stop the export."
    return text


def export_refused_text(report: Report) -> str:
    return "Not exported: nothing was written.\n\n" + Summary.of(report).text()


def imported_text(done, note: str) -> str:
    text = (
        f"Imported {done.lines} records ({done.documents} documents) into {done.path.name}, "
        "opened as a new workbook."
    )
    if note:
        text += f"\n{note}"
    report: Report = done.batch.report
    if report.findings:
        text += "\n\n" + Summary.of(report).text()
    return text
