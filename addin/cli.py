"""The `batchsheet` command: the engine behind the Excel buttons, headless.

Exit codes: 0 no errors (warnings allowed), 1 errors found (for `export`: nothing written),
2 the input cannot be read, a usage mistake, or an I/O failure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .engine.batch import Batch
from .engine.csv_read import ReadError
from .engine.findings import Report
from .files import WriteRefused
from .specs import SPECS, UnknownFormat, get_spec

OK, FOUND_ERRORS, CANNOT = 0, 1, 2


class Usage(Exception):
    """A mistake in how the command was called."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="batchsheet",
        description=f"Validate, export and import accounting import batches ({', '.join(SPECS)}).",
        epilog="Exit codes: 0 no errors, 1 errors found, 2 cannot read the input or usage error.",
    )
    p.add_argument("--version", action="version", version=f"batchsheet {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    t = sub.add_parser("templates", help="write the workbook templates (.xltx), one per format")
    t.add_argument("--out", type=Path, default=Path("workbook_templates"), metavar="DIR")

    i = sub.add_parser("import", help="turn a CSV file into a workbook of the format's template")
    i.add_argument("csv", type=Path, metavar="CSV")
    i.add_argument("--format", required=True, metavar="FORMAT", help=", ".join(SPECS))
    i.add_argument("-o", "--output", type=Path, metavar="BOOK.xlsx")
    i.add_argument("--force", action="store_true", help="replace an existing workbook")

    v = sub.add_parser("validate", help="check every row of a Batchsheet workbook")
    v.add_argument("book", type=Path, metavar="BOOK.xlsx")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.add_argument("--mark", action="store_true", help="write the marks into the workbook")

    e = sub.add_parser("export", help="write the import CSV of a workbook; refuses on errors")
    e.add_argument("book", type=Path, metavar="BOOK.xlsx")
    e.add_argument("-o", "--output", type=Path, metavar="CSV")
    e.add_argument("--force", action="store_true", help="replace an existing CSV")

    c = sub.add_parser("check", help="check a CSV file against a format")
    c.add_argument("csv", type=Path, metavar="CSV")
    c.add_argument("--format", required=True, metavar="FORMAT", help=", ".join(SPECS))
    c.add_argument("--json", action="store_true", help="print one JSON object")

    a = sub.add_parser("addin", help="install the Excel add-in (Windows, macOS)")
    a.add_argument("action", choices=("install", "uninstall", "status"))
    a.add_argument("--platform", choices=("windows", "macos"))
    a.add_argument("--home", type=Path, metavar="DIR", help="home folder to install into")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A console that cannot show a character must not turn a report into a crash.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) and CANNOT
    if args.command is None:
        parser.print_help(sys.stderr)
        return CANNOT
    try:
        return COMMANDS[args.command](args)
    except (ReadError, WriteRefused, UnknownFormat, Usage) as e:
        return _cannot(args, str(e), e)
    except KeyboardInterrupt:
        print("batchsheet: interrupted; nothing was written", file=sys.stderr)
        return 130
    except MemoryError:
        return _cannot(args, "the input is too large to hold in memory", None)
    except OSError as e:
        return _cannot(args, f"{e.filename or ''}: {e.strerror or e}".lstrip(": "), None)
    except Exception as e:  # the last line of defence: a message, never a traceback
        if os.environ.get("BATCHSHEET_DEBUG"):
            raise
        return _cannot(
            args, f"unexpected failure ({type(e).__name__}: {e}); please report it", None
        )


def _cannot(args: argparse.Namespace, message: str, error: Exception | None) -> int:
    print(f"batchsheet: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        out: dict[str, object] = {"format": getattr(args, "format", None), "error": message}
        if isinstance(error, ReadError):
            out.update(file=error.path, line=error.line, column=error.column)
        print(json.dumps(out))
    return CANNOT


def _spec(name: str):
    try:
        return get_spec(name)
    except UnknownFormat as e:
        raise Usage(str(e)) from None


# -- commands ------------------------------------------------------------------------------


def cmd_templates(args: argparse.Namespace) -> int:
    from .excel.template import write_templates

    for path in write_templates(args.out):
        print(path)
    return OK


def cmd_import(args: argparse.Namespace) -> int:
    from .transfer import import_csv

    spec = _spec(args.format)
    target = args.output or args.csv.with_suffix(".xlsx")
    done = import_csv(spec, args.csv, target, replace=args.force)
    report = done.batch.report
    print(
        f"{target}: imported {done.lines} records ({done.documents} documents) from {args.csv}; "
        f"{_counts(report)} marked on the sheet."
    )
    return FOUND_ERRORS if report.errors else OK


def cmd_validate(args: argparse.Namespace) -> int:
    from .excel.workbook import mark_book, validate_book

    batch = validate_book(args.book)
    if args.mark:
        mark_book(args.book, batch)
    _show(batch, str(args.book), args.json, "row")
    return FOUND_ERRORS if batch.report.errors else OK


def cmd_export(args: argparse.Namespace) -> int:
    from .transfer import ExportRefused, export_book

    target = args.output or args.book.with_suffix(".csv")
    try:
        done = export_book(args.book, target, replace=args.force)
    except ExportRefused as refused:
        _show(refused.batch, str(args.book), False, "row", stream=sys.stderr)
        print(
            f"batchsheet: {args.book}: not exported: fix the {refused.batch.report.errors} "
            "errors first (nothing was written)",
            file=sys.stderr,
        )
        return FOUND_ERRORS
    report = done.batch.report
    print(
        f"{target}: wrote {done.documents} documents, {done.lines} records"
        + (f" ({_counts(report)})" if report.warnings else "")
    )
    return OK


def cmd_check(args: argparse.Namespace) -> int:
    from .transfer import read_csv_file

    batch = read_csv_file(_spec(args.format), args.csv)
    _show(batch, str(args.csv), args.json, "line")
    return FOUND_ERRORS if batch.report.errors else OK


def cmd_addin(args: argparse.Namespace) -> int:
    from .installer import run

    return run(args.action, platform=args.platform, home=args.home)


COMMANDS = {
    "templates": cmd_templates,
    "import": cmd_import,
    "validate": cmd_validate,
    "export": cmd_export,
    "check": cmd_check,
    "addin": cmd_addin,
}


# -- output --------------------------------------------------------------------------------


def _counts(report: Report) -> str:
    e, w = report.errors, report.warnings
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"


def _show(batch: Batch, name: str, as_json: bool, row_word: str, stream=None) -> None:
    stream = stream or sys.stdout
    report = batch.report
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False), file=stream)
        return
    if not report.findings:
        print(f"{name}: {len(batch.records)} records, no problems", file=stream)
        return
    print(f"{name}: {len(batch.records)} records, {_counts(report)}", file=stream)
    width = max(len(str(f.row)) for f in report.findings)
    for f in report.findings:
        line = f"  {row_word} {f.row:>{width}}  {f.column:<2} {f.severity:<7} {f.message}"
        if f.fix is not None:
            line += f"  → {f.fix!r}" if f.fix else "  → blank"
        print(line, file=stream)
