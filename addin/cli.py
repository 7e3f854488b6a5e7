"""The `batchsheet` command: the engine behind the Excel buttons, headless.

Exit codes: 0 no errors (warnings allowed), 1 errors found (for `export`: nothing written),
2 the input cannot be read, a usage mistake, or an I/O failure.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .engine.bulk import paused_collector
from .files import editing, reading, streamed, write_atomically
from .ledger_place import ENV
from .progress import on_terminal, stage
from .refusals import ReadError, Refusal
from .specs import FORMAT_NAMES, get_spec
from .wording import SHORT_BATCH, SHORT_LIST, counted, paragraph, printable

# The rest is imported by the commands that use it: `--help` and a usage mistake answer at
# once, and `check` never loads what only workbooks need.
if TYPE_CHECKING:
    from .engine.batch import Batch
    from .engine.csv_read import Parsed
    from .engine.findings import Report
    from .engine.settings import SettingsFile
    from .ledger import Ledger
    from .review import Review
    from .specs.columns import ColumnSet
    from .specs.model import Spec

OK, FOUND_ERRORS, CANNOT = 0, 1, 2


class Usage(Refusal):
    """A mistake in how the command was called."""


class Stopped(KeyboardInterrupt):
    """A termination signal (SIGTERM, SIGHUP): cleaned up after exactly as Ctrl+C is."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


SIGPIPE = getattr(signal, "SIGPIPE", 13)
PIPE_PIECE = 65_536
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))
# The arguments and options that name a file a command reads.
INPUT_ARGUMENTS = ("book", "csv", "export", "settings", "columns")
# The commands that read the batch ledger (export records in it too).
LEDGER_COMMANDS = ("validate", "export", "check")


@contextlib.contextmanager
def _stop_on_signals():
    """While a command runs, a termination signal unwinds it like Ctrl+C, so every
    temporary file is removed on the way out; the previous handlers come back after."""

    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    previous = {}
    for sig in STOP_SIGNALS:
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            previous[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class _Parser(argparse.ArgumentParser):
    """The command's parser, which knows its subcommands' parsers by name."""

    commands: Mapping[str, argparse.ArgumentParser]


def _parser() -> _Parser:
    p = _Parser(
        prog="batchsheet",
        description="Validate, export and import accounting import batches "
        f"({', '.join(FORMAT_NAMES)}).",
        epilog="Exit codes: 0 no errors, 1 errors found, 2 cannot read the input or usage error.",
    )
    p.add_argument("--version", action="version", version=f"batchsheet {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    p.commands = sub.choices

    t = sub.add_parser("templates", help="write the workbook templates (.xltx), one per format")
    t.add_argument("--out", type=Path, default=Path("workbook_templates"), metavar="DIR")
    t.add_argument("--force", action="store_true", help="replace templates already there")
    t.add_argument(
        "--lite",
        action="store_true",
        help="write the xlwings Lite templates (.xlsx), which run in Excel with no Python",
    )

    i = sub.add_parser("import", help="turn a CSV file into a workbook of the format's template")
    i.add_argument("csv", type=Path, metavar="CSV")
    i.add_argument(
        "--format",
        metavar="FORMAT",
        help=f"{', '.join(FORMAT_NAMES)} (optional when the file shows it)",
    )
    i.add_argument("-o", "--output", type=Path, metavar="BOOK.xlsx")
    i.add_argument("--force", action="store_true", help="replace an existing workbook")
    _columns_option(i)
    _settings_option(i, "checked against and kept on the workbook's Settings sheet")

    v = sub.add_parser("validate", help="check every row of a Batchsheet workbook")
    v.add_argument("book", type=Path, metavar="BOOK.xlsx")
    v.add_argument("--json", action="store_true", help="print one JSON object")
    v.add_argument("--mark", action="store_true", help="write the marks into the workbook")
    _report_options(v)
    _columns_option(v, "instead of the one the workbook keeps")
    _settings_option(v, "instead of the workbook's Settings sheet")
    _ledger_option(v)

    e = sub.add_parser("export", help="write the import CSV of a workbook; refuses on errors")
    e.add_argument("book", type=Path, metavar="BOOK.xlsx")
    e.add_argument("-o", "--output", type=Path, metavar="CSV")
    e.add_argument("--force", action="store_true", help="replace an existing CSV")
    e.add_argument("--bom", action="store_true", help="start a UTF-8 file with a byte-order mark")
    e.add_argument(
        "--quote",
        choices=("minimal", "all"),
        help="all: every field in double quotes; minimal: only where needed (default: the "
        "workbook's Settings sheet, else minimal)",
    )
    e.add_argument(
        "--all",
        action="store_true",
        dest="every_finding",
        help="when refused, list every finding (else counted by kind)",
    )
    _columns_option(e, "instead of the one the workbook keeps")
    _settings_option(e, "instead of the workbook's Settings sheet")
    _ledger_option(e)

    c = sub.add_parser("check", help="check a CSV file against a format")
    c.add_argument("csv", type=Path, metavar="CSV")
    c.add_argument(
        "--format",
        metavar="FORMAT",
        help=f"{', '.join(FORMAT_NAMES)} (optional when the file shows it, or with --columns)",
    )
    c.add_argument("--json", action="store_true", help="print one JSON object")
    _report_options(c)
    _columns_option(c)
    _settings_option(c, "to check codes, periods and prices against")
    _ledger_option(c)

    f = sub.add_parser(
        "fix", help="list the certain fixes of a workbook; --apply writes them (Audit sheet)"
    )
    f.add_argument("book", type=Path, metavar="BOOK.xlsx")
    f.add_argument("--apply", action="store_true", help="write the listed fixes into the workbook")
    f.add_argument("--json", action="store_true", help="print one JSON object")
    _columns_option(f, "instead of the one the workbook keeps")
    _settings_option(f, "instead of the workbook's Settings sheet")

    s = sub.add_parser("settings", help="company settings: export a workbook's Settings sheet")
    s.add_argument("action", choices=("export",))
    s.add_argument("book", type=Path, metavar="BOOK.xlsx")
    s.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: BOOK.settings.json")
    s.add_argument("--force", action="store_true", help="replace an existing settings file")

    g = sub.add_parser("ledger", help="the batches exported so far: list, or forget one")
    g.add_argument("action", choices=("list", "forget"))
    g.add_argument("which", nargs="?", metavar="ID|FILE", help="forget: a batch id or its file")
    g.add_argument("--json", action="store_true", help="list: print one JSON object")
    _ledger_option(g)

    k = sub.add_parser(
        "calibrate", help="compare an export's column names with a column set; write the result"
    )
    k.add_argument("export", type=Path, metavar="EXPORT.csv")
    k.add_argument(
        "-o", "--output", type=Path, metavar="COLUMNS-FILE", help="default: EXPORT.columns.json"
    )
    k.add_argument("--format", default="infusion-customer-adjustments", metavar="FORMAT")
    k.add_argument("--force", action="store_true", help="replace an existing column set")
    _columns_option(k, "to start from instead of the default")

    n = sub.add_parser("new-batch", help="an empty workbook with the columns of a workbook")
    n.add_argument("book", type=Path, metavar="BOOK.xlsx")
    n.add_argument("-o", "--output", type=Path, metavar="NEW.xlsx")
    n.add_argument("--force", action="store_true", help="replace an existing workbook")

    a = sub.add_parser("addin", help="install the Excel add-in (Windows, macOS)")
    a.add_argument("action", choices=("install", "uninstall", "status"))
    a.add_argument("--platform", choices=("windows", "macos"))
    a.add_argument("--home", type=Path, metavar="DIR", help="home folder to install into")
    return p


def _columns_option(p: argparse.ArgumentParser, words: str = "") -> None:
    p.add_argument(
        "--columns",
        type=Path,
        metavar="FILE",
        help=f"column set of a header-row format (from calibrate) {words}".strip(),
    )


def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--all",
        action="store_true",
        dest="every_finding",
        help=f"list every finding (listed anyway up to {SHORT_LIST}; else counted by kind)",
    )
    p.add_argument(
        "--totals",
        action="store_true",
        help=f"list the totals of every document or adjustment (listed anyway up to {SHORT_BATCH})",
    )


def _settings_option(p: argparse.ArgumentParser, words: str) -> None:
    p.add_argument(
        "--settings",
        type=Path,
        metavar="FILE",
        help=f"company settings: a JSON file, or a workbook's Settings sheet; {words}",
    )


def _ledger_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ledger",
        type=Path,
        metavar="FILE",
        help=f"the batch ledger (default: ${ENV}, else ~/.batchsheet/ledger.sqlite3)",
    )


def _inputs(args: argparse.Namespace) -> list[Path]:
    """Every file the command reads, by its arguments or options: none is its output."""
    named = [getattr(args, name, None) for name in INPUT_ARGUMENTS]
    if args.command in LEDGER_COMMANDS:
        from .ledger_place import default_path

        named.append(getattr(args, "ledger", None) or default_path())
    return [Path(p) for p in named if p is not None]


class _Printable:
    """A stream whose every line is `printable`: whatever a file or workbook holds reaches
    the terminal as text, never as an escape sequence it obeys (one step for every message,
    report and list the command prints)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        text = printable(text)
        if len(text) <= PIPE_PIECE:
            return self.stream.write(text)
        # A long text in pieces the size of a pipe's buffer: one write of a whole report
        # into a pipe whose reader stopped (`| head`) can end without the EPIPE that says
        # so. (Short ones are flushed at the end, `_main`.)
        for start in range(0, len(text), PIPE_PIECE):
            self.stream.write(text[start : start + PIPE_PIECE])
            self.stream.flush()
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    for stream in (out, err):
        # A console that cannot show a character must not turn a report into a crash.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    # A stream closed when Python started (`>&-`) is None, and stays so.
    sys.stdout = _Printable(out) if out is not None else out
    sys.stderr = _Printable(err) if err is not None else err
    try:
        return _main(argv, err)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None, terminal: TextIO) -> int:
    """The command; `terminal`: the stderr its progress line is drawn on, as it is."""
    # openpyxl warns about oddities of a damaged workbook in Python's own words (a file and
    # line of openpyxl); what the user needs to know of it, the command says itself.
    warnings.filterwarnings("ignore", module=r"openpyxl(\.|$)")
    parser = _parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:
            # Said by the subcommand, with its own usage: that is where the option belongs.
            where = parser.commands.get(args.command, parser)
            where.error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as e:
        return int(e.code or 0) and CANNOT
    if args.command is None:
        parser.print_help(sys.stderr)
        return CANNOT
    try:
        with (
            _stop_on_signals(),
            on_terminal(f"batchsheet {args.command}", terminal),
            paused_collector(),
            reading(*_inputs(args)),
        ):
            code = COMMANDS[args.command](args)
            # What is still buffered goes now, while a reader that stopped reading is
            # still told apart from success (141), not at exit.
            if sys.stdout is not None:
                sys.stdout.flush()
            return code
    except Refusal as e:
        return _cannot(args, str(e), e)
    except Stopped as e:
        name = signal.Signals(e.signum).name
        print(f"batchsheet: stopped by {name}; nothing was written", file=sys.stderr)
        return 128 + e.signum
    except KeyboardInterrupt:
        print("batchsheet: interrupted; nothing was written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped reading (`| head`): stop quietly, as Unix tools do. Output
        # still buffered must not fail again at exit, so it goes nowhere.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + SIGPIPE
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
    _say(f"batchsheet: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        out: dict[str, object] = {"format": getattr(args, "format", None), "error": message}
        if isinstance(error, ReadError):
            out.update(file=error.path, line=error.line, column=error.column)
        print(json.dumps(out))
    return CANNOT


def _spec(name: str | None, columns: Path | None = None) -> Spec:
    """The format asked for, with the column set of `columns` when given.

    A column set names its format, so with one the format may go unsaid.
    """
    column_set = _column_set(columns)
    if name is None and column_set is not None:
        name = column_set.format
    if name is None:
        raise Usage(f"say which format with --format: {', '.join(FORMAT_NAMES)}")
    spec = get_spec(name)
    if column_set is None:
        return spec
    from .engine.layouts import with_columns

    return with_columns(spec, column_set)


def _column_set(path: Path | None) -> ColumnSet | None:
    if path is None:
        return None
    from .specs.columns import load_column_set

    return load_column_set(path)


def _identify(path: Path) -> Spec:
    """The format a CSV file shows in its first row; a usage error when it is not one."""
    from .files import read_bytes

    # The file first: one that cannot be read is said before any format is built.
    data = read_bytes(path)
    from .engine.identify import candidates, first_row
    from .specs import SPECS

    found = candidates(SPECS.values(), first_row(data, str(path)))
    if len(found) == 1:
        return found[0]
    if found:
        names = " or ".join(f"--format {s.name}" for s in found)
        raise Usage(f"{path}: this is a {found[0].system} file; say which kind with {names}")
    raise Usage(
        f"{path}: line 1 does not show which format the file holds; say it with --format "
        f"(one of: {', '.join(FORMAT_NAMES)})"
    )


def _confirm_csv(spec: Spec, data: bytes, path: Path) -> None:
    """A usage error when the file is plainly not a CSV of `spec`: a workbook, or a file
    whose first line shows another format. Said once, instead of an error on every line."""
    from .engine.identify import first_record, shown_instead
    from .excel.package import WORKBOOK_SIGNATURES
    from .specs import SPECS

    if data.startswith(WORKBOOK_SIGNATURES):
        raise Usage(
            f"{path}: this is an Excel workbook, not a CSV file; check a workbook with "
            f"`batchsheet validate {path}`"
        )
    line, first = first_record(data, str(path))
    others = shown_instead(spec, SPECS.values(), first)
    if others:
        kinds = " or ".join(s.title for s in others)
        raise Usage(
            f"{path}: line {line} is not that of {spec.name} but of {kinds}; say "
            + " or ".join(f"--format {s.name}" for s in others)
        )


# -- commands ------------------------------------------------------------------------------


def cmd_templates(args: argparse.Namespace) -> int:
    from .excel.template import write_templates

    if args.lite:
        from .lite.templates import write_lite_templates

        written = write_lite_templates(args.out, replace=args.force)
    else:
        written = write_templates(args.out, replace=args.force)
    for path in written:
        print(path)
    return OK


def _settings_file(args: argparse.Namespace) -> SettingsFile | None:
    from .settings_files import load_settings

    path = getattr(args, "settings", None)
    return load_settings(path) if path is not None else None


def _ledger(args: argparse.Namespace) -> Ledger:
    from .ledger import Ledger

    return Ledger(getattr(args, "ledger", None))


def cmd_import(args: argparse.Namespace) -> int:
    from .transfer import import_csv

    if args.output is None and streamed(args.csv):
        raise ReadError(
            str(args.csv), "a pipe has no folder to write beside; name the workbook with -o"
        )

    if args.format is None and args.columns is None:
        spec = _identify(args.csv)
    else:
        from .files import read_bytes

        spec = _spec(args.format, args.columns)
        _confirm_csv(spec, read_bytes(args.csv), args.csv)
    target = args.output or args.csv.with_suffix(".xlsx")
    settings_file = _settings_file(args)
    settings = settings_file.for_spec(spec.settings) if settings_file is not None else None
    done = import_csv(spec, args.csv, target, replace=args.force, settings=settings)
    from .report import finding_lines

    report = done.batch.report
    unplaced = done.unplaced
    errors = report.errors - sum(f.severity == "error" for f in unplaced)
    warnings = report.warnings - sum(f.severity == "warning" for f in unplaced)
    marked = f"{counted(errors, 'error')}, {counted(warnings, 'warning')} marked on the sheet"
    _say(f"{target}: imported {done.held()} from {args.csv}; {marked}.")
    if unplaced:
        # The header row and the file as a whole have no row of the sheet to be marked on.
        _say(f"  About the file itself ({len(unplaced)}, not on the sheet):")
        print("\n".join(finding_lines(unplaced, "line", indent="    ")))
    return FOUND_ERRORS if report.errors else OK


def cmd_validate(args: argparse.Namespace) -> int:
    with editing(args.book) if args.mark else contextlib.nullcontext():
        return _validate(args)


def _validate(args: argparse.Namespace) -> int:
    from .excel.workbook import check_book, mark_book
    from .review import review

    book, batch = check_book(
        args.book, columns=_column_set(args.columns), settings=_settings_file(args)
    )
    checked = review(batch, _ledger(args))
    if args.mark:
        mark_book(args.book, book, batch)
    _show(
        checked,
        str(args.book),
        args.json,
        "row",
        every_finding=args.every_finding,
        every_total=args.totals,
    )
    return FOUND_ERRORS if batch.report.errors else OK


def cmd_export(args: argparse.Namespace) -> int:
    from .review import Review
    from .transfer import ExportRefused, export_book

    target = args.output or args.book.with_suffix(".csv")
    try:
        done = export_book(
            args.book,
            target,
            replace=args.force,
            bom=True if args.bom else None,
            quote=args.quote,
            columns=_column_set(args.columns),
            settings=_settings_file(args),
        )
    except ExportRefused as refused:
        _show(
            Review(refused.batch),
            str(args.book),
            False,
            "row",
            stream=sys.stderr,
            every_finding=args.every_finding,
        )
        errors = counted(refused.batch.report.errors, "error")
        _say(
            f"batchsheet: {args.book}: not exported: fix the {errors} first (nothing was written)",
            file=sys.stderr,
        )
        return FOUND_ERRORS
    report = done.batch.report
    # The ledger first: a reader that stops reading the output must not keep it from
    # remembering a batch that is written.
    recorded, notes = _record(done.batch, target, _ledger(args))
    _say(
        f"{target}: wrote {done.held('{documents}, {lines}')}"
        + (f" ({_counts(report)})" if report.warnings else "")
    )
    for line in notes:
        _say(line, file=sys.stderr)
    _say(recorded, file=sys.stderr if recorded.startswith("batchsheet:") else sys.stdout)
    return OK


def _record(batch: Batch, target: Path, ledger: Ledger) -> tuple[str, list[str]]:
    """Remember an exported batch in the ledger: what to say about it, and the notes on
    documents exported before.

    The file is written by then: a ledger that cannot be written is a warning, not a failure.
    """
    from .ledger import ALREADY_EXPORTED, LedgerError
    from .report import grouped_notes
    from .review import review

    try:
        checked = review(batch, ledger)
        again = [f for f in batch.report.findings if f.code == ALREADY_EXPORTED]
        batch_id = ledger.record(batch.spec.name, target, checked.documents)
    except LedgerError as e:
        return f"batchsheet: warning: the export is not in the batch ledger: {e}", []
    return (
        f"  recorded as batch {batch_id} in the batch ledger ({ledger.path})",
        grouped_notes(again, "row"),
    )


def cmd_check(args: argparse.Namespace) -> int:
    # The format from the file, as import finds it, when neither option says it.
    spec = (
        _identify(args.csv)
        if args.format is None and args.columns is None
        else _spec(args.format, args.columns)
    )
    from .engine.batch import Context
    from .sliced_check import check_text

    stage(f"reading {args.csv.name}")
    text, read = _csv_text(spec, args.csv)
    stage(f"checking {args.csv.name}")
    settings_file = _settings_file(args)
    settings = settings_file.for_spec(spec.settings) if settings_file is not None else None
    context = Context(row_word="line", settings=settings)
    checked = check_text(spec, text, read, context, _ledger(args))
    del text
    _show(
        checked,
        str(args.csv),
        args.json,
        "line",
        every_finding=args.every_finding,
        every_total=args.totals,
    )
    return FOUND_ERRORS if checked.batch.report.errors else OK


def _csv_text(spec: Spec, path: Path) -> tuple[str, Parsed]:
    """A CSV file's text and what reading it as text found (`csv_batch.decoded_csv`), its
    bytes let go: a large batch's check holds the text, not both."""
    from .engine.csv_batch import decoded_csv
    from .files import read_bytes

    data = read_bytes(path)
    _confirm_csv(spec, data, path)
    return decoded_csv(data, str(path), spec.encoding)


def cmd_fix(args: argparse.Namespace) -> int:
    with editing(args.book) if args.apply else contextlib.nullcontext():
        return _fix(args)


def _fix(args: argparse.Namespace) -> int:
    from .excel.book_fixes import apply_fixes, plan_book_fixes
    from .excel.fixes import shown
    from .excel.layout import AUDIT_SHEET
    from .excel.workbook import mark_unknown

    plan = plan_book_fixes(
        args.book,
        columns=_column_set(args.columns),
        settings=_settings_file(args),
        applying=args.apply,
    )
    left = apply_fixes(args.book, plan) if args.apply and plan.fixes else None
    if args.json:
        print(
            json.dumps(
                {
                    "book": str(args.book),
                    "applied": bool(args.apply and plan.fixes),
                    "fixes": [f.to_json() for f in plan.fixes],
                },
                ensure_ascii=False,
            )
        )
        return OK
    if not plan.fixes:
        _say(f"{args.book}: nothing to fix with certainty")
        after = plan.after if args.apply else None
        if after is not None:
            mark_unknown(after, plan.book)
            if after.report.errors:
                _say(f"  left to correct: {_counts(after.report)}; validate --mark shows them")
                return FOUND_ERRORS
        return OK
    verb = "fixed" if args.apply else "would fix"
    _say(f"{args.book}: {verb} {len(plan.fixes)} cell{'s' * (len(plan.fixes) != 1)}")
    width = max(len(f.cell) for f in plan.fixes)
    for f in plan.fixes:
        _say(f"  {f.cell:<{width}}  {shown(f.old)!r} → {f.new_text!r}  ({f.rule})")
    if left is not None:
        _say(f"  every change is listed on the {AUDIT_SHEET} sheet")
        report = left.report
        if report.findings:
            _say(f"  left to correct: {_counts(report)}, marked on the sheet")
        else:
            _say("  no problems left: the batch is ready to export")
        # As validate does: errors left mean the batch is not ready (exit 1).
        return FOUND_ERRORS if report.errors else OK
    _say("  nothing was changed; run again with --apply to write these fixes")
    return OK


def cmd_settings(args: argparse.Namespace) -> int:
    from .excel.workbook import read_book

    book = read_book(args.book)
    if book.settings is None:
        raise Usage(f"{args.book}: the workbook has no Settings sheet")
    target = args.output or args.book.with_suffix(".settings.json")
    write_atomically(
        target, book.settings.dumps().encode("utf-8"), replace=args.force, inputs=(args.book,)
    )
    for problem in book.settings.problems:
        _say(f"  not exported: {problem}")
    lists = ", ".join(
        f"{m.spec.title} ({len(m.rows)})" for m in book.settings.lists.values() if m.filled()
    )
    _say(f"{target}: settings of {args.book}" + (f"; lists: {lists}" if lists else ""))
    return OK


def cmd_ledger(args: argparse.Namespace) -> int:
    from .ledger import batch_noun

    ledger = _ledger(args)
    if args.action == "list":
        if args.which:
            raise Usage("ledger list takes no batch")
        batches = ledger.batches()
        if args.json:
            out = {"ledger": str(ledger.path), "batches": [b.to_json() for b in batches]}
            print(json.dumps(out, ensure_ascii=False))
            return OK
        if not batches:
            print(f"{ledger.path}: no batches exported yet")
            return OK
        print(f"{ledger.path}: {counted(len(batches), 'batch')}")
        from .report import terminal_width

        width = terminal_width()
        formats = max(len(b.format) for b in batches)
        held = [counted(b.documents, batch_noun(b.format)) for b in batches]
        sizes = max(map(len, held))
        for b, size in zip(batches, held):
            line = (
                f"  {b.id:>4}  {b.exported_at.replace('T', ' ')}  {b.format:<{formats}}  "
                f"{size:>{sizes}}"
            )
            # The file on the batch's line when it fits, else under it: never cut.
            if len(line) + 2 + len(b.file) <= width:
                print(f"{line}  {b.file}")
            else:
                print(line)
                _say(f"        {b.file}")
        return OK
    if not args.which:
        raise Usage("say which batch to forget: its id (from ledger list) or its file")
    gone = ledger.forget(args.which)
    if not gone:
        raise Usage(f"no batch {args.which!r} in the ledger {ledger.path} (see: ledger list)")
    for b in gone:
        count = counted(b.documents, batch_noun(b.format))
        _say(f"forgot batch {b.id} ({count} exported to {b.file})")
    return OK


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .engine.calibrate import calibrate
    from .engine.csv_batch import parse_csv
    from .engine.layouts import layout_of
    from .engine.table import header_text
    from .files import read_bytes
    from .specs import SPECS

    spec = _spec(args.format, args.columns)
    if not layout_of(spec).header_row:
        raise Usage(
            f"{spec.name} has no header row to calibrate; calibrate applies to "
            + ", ".join(s.name for s in SPECS.values() if layout_of(s).header_row)
        )
    parsed = parse_csv(read_bytes(args.export), str(args.export), spec.encoding)
    if not parsed.rows:
        raise ReadError(str(args.export), "the file has no header row", 1)
    names = [header_text(v) for v in parsed.rows[0][1]]
    result = calibrate(spec, names, args.export.name)
    target = args.output or args.export.with_suffix(".columns.json")
    _say(f"{args.export}: {len(names)} columns, compared with the {spec.name} column set")
    width = max((len(m.name) for m in result.matches), default=0)
    for m in result.matches:
        _say(f"  {m.column:<3} {m.name:<{width}}  {m.words()}")
    if result.absent:
        _say(
            "  Configured but not in the export (kept in the column set): "
            + ", ".join(f.label for f in result.absent)
        )
    write_atomically(
        target, result.columns.dumps().encode("utf-8"), replace=args.force, inputs=(args.export,)
    )
    _say(f"{target}: calibrated column set written; use it with --columns {target}")
    return OK


def cmd_new_batch(args: argparse.Namespace) -> int:
    from .transfer import new_batch

    target = args.output or args.book.with_name(f"{args.book.stem}-new.xlsx")
    done = new_batch(args.book, target, replace=args.force)
    _say(
        f"{target}: new batch, no rows"
        + (f"; columns {', '.join(done.columns)}" if done.columns else "")
    )
    if done.dropped:
        _say(f"  left out the export-only columns {', '.join(done.dropped)}")
    return OK


def cmd_addin(args: argparse.Namespace) -> int:
    from .installer import run
    from .installer.actions import FAILURE

    gone: set[int] = set()

    def out(line: str) -> None:
        # What failed goes where every command's failures go.
        stream = sys.stderr if line.startswith(FAILURE) else sys.stdout
        if id(stream) in gone:
            return
        try:
            print(line, file=stream)
        except (OSError, ValueError):
            # Nobody reads any more (`| head -1`, a closed stdout): the install goes on to
            # its end all the same; an install that stops half-way is worse than silence.
            gone.add(id(stream))

    return run(args.action, platform=args.platform, home=args.home, out=out)


COMMANDS = {
    "templates": cmd_templates,
    "import": cmd_import,
    "validate": cmd_validate,
    "export": cmd_export,
    "check": cmd_check,
    "calibrate": cmd_calibrate,
    "new-batch": cmd_new_batch,
    "fix": cmd_fix,
    "settings": cmd_settings,
    "ledger": cmd_ledger,
    "addin": cmd_addin,
}


# -- output --------------------------------------------------------------------------------


def _say(text: str, file: TextIO | None = None) -> None:
    """Print a message wrapped to the terminal's width (`wording.paragraph`)."""
    print("\n".join(paragraph(text)), file=file)


def _counts(report: Report) -> str:
    from .report import problem_counts

    return problem_counts(report)


def _show(
    checked: Review,
    name: str,
    as_json: bool,
    row_word: str,
    stream=None,
    *,
    every_finding: bool = False,
    every_total: bool = False,
) -> None:
    from .report import report_lines, write_json

    stream = stream or sys.stdout
    if as_json:
        write_json(checked, stream)
        return
    lines = report_lines(
        checked, name, row_word, every_finding=every_finding, every_total=every_total
    )
    stream.write("\n".join(lines) + "\n")
