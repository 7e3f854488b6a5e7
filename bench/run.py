"""Run every benchmark and print the table.

    python -m bench.run                   # full: 20,000 Pastel documents, 100,000-row workbook
    python -m bench.run --size small      # a smoke run, well under a minute
    python -m bench.run --records 50000   # the large size; growth is measured from a tenth of it
    python -m bench.run --write-results   # also rewrite bench/RESULTS.md
    python -m bench.run --only press      # a ribbon button's press, a whole process each
    python -m bench.run --records 1000000 --only pipeline inspection --repeats 1 \
        --out /tmp/bench-1m --write-results   # the whole pipeline at 1,000,000 records
    python -m bench.run --records 1000000 --only checks --repeats 2 \
        --out /tmp/bench-1m --write-results   # check, --json, every row wrong, at 1,000,000
    python -m bench.run --only ledger     # `check` against ledgers of 1,000,000 records

`pipeline`, `inspection`, `checks` and `ledger` run only when named in --only: at a million records
the first two take a quarter of an hour. They make only the files they need, and with
--write-results put their own section into bench/RESULTS.md, leaving the rest of it as it was.

Sizes: with `--records N`, the workbook and Infusion files hold N rows, the Pastel files
N/5 documents (about 1.2 N records: 20,000 documents of 5 lines for N = 100,000), the Pastel
journal 1.2 N lines (120,000 for N = 100,000), and each figure is measured again at a tenth
of that to show how it grows. The press figures (`bench/press.py`) are at 1,000 and 10,000
rows whatever the size: a press's cost at a typical batch is mostly start-up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import generate, journal_data, pastel_data
from .button import button_figures
from .commands import command_figures
from .figures import (
    Data,
    Figure,
    csv_figure,
    frictionless_figure,
    transfer_figures,
    workbook_figures,
)
from .inspection import inspection_figures
from .large_checks import large_check_figures
from .ledger_check import ledger_figures
from .pipeline import PipelineFailed, pipeline_figures
from .press import press_figures
from .report import large_markdown, results_markdown, table, with_section

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"small": 5_000, "full": 100_000}
REPEATS = {"small": 2, "full": 3}
FIGURES = ("commands", "press", "csv", "frictionless", "workbook", "button", "transfer")
# Named in --only to run: the whole pipeline, the package inspection and `check` of large
# files, at the large size; `check` against ledgers of 1,000,000 records.
LARGE = ("pipeline", "inspection", "checks", "ledger")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--size", choices=tuple(SIZES), default="full")
    p.add_argument("--records", type=int, help="the large size in rows (overrides --size)")
    p.add_argument("--repeats", type=int, help="repeats per timing (median reported)")
    p.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=generate.OUT, help="generated data (bench/out)")
    p.add_argument(
        "--only",
        nargs="+",
        metavar="FIGURE",
        choices=FIGURES + LARGE,
        help=", ".join(FIGURES + LARGE),
    )
    p.add_argument(
        "--group",
        nargs="+",
        metavar="TITLE",
        help="of the command figures, only the groups whose title or commands hold one of "
        "these words (help, check, validate, fix, export, import, Pastel, Infusion, journal)",
    )
    p.add_argument("--write-results", action="store_true", help="rewrite bench/RESULTS.md")
    return p


def prepare(records: int, seed: int, out: Path) -> Data:
    """Generate (once) every file the figures read."""
    small = max(records // 10, 100)
    big_docs, small_docs = max(records // 5, 1), max(small // 5, 1)
    files = ("csv", "clean")
    pastel = generate.make_pastel(generate.PastelFiles(big_docs, seed, out), kinds=files)
    pastel_s = generate.make_pastel(generate.PastelFiles(small_docs, seed, out), kinds=files)
    # The typed workbooks hold N rows, not N/5 documents: the validate target is per row.
    typed = generate.make_pastel(
        generate.PastelFiles(pastel_data.docs_for_records(records), seed, out), kinds=["typed"]
    )
    typed_s = generate.make_pastel(
        generate.PastelFiles(pastel_data.docs_for_records(small), seed, out), kinds=["typed"]
    )
    infusion = generate.make_infusion(generate.InfusionFiles(records, seed, out))
    infusion_s = generate.make_infusion(generate.InfusionFiles(small, seed, out))
    # The journal holds as many lines as the document batch has records, for the same N.
    lines, lines_s = journal_data.lines_for_records(records), journal_data.lines_for_records(small)
    journal = generate.make_journal(generate.JournalFiles(lines, seed, out))
    journal_s = generate.make_journal(generate.JournalFiles(lines_s, seed, out))
    return Data(
        pastel_csv=pastel.csv,
        pastel_csv_small=pastel_s.csv,
        clean_book=pastel.clean_book,
        clean_book_small=pastel_s.clean_book,
        clean_csv=pastel.clean_csv,
        clean_csv_small=pastel_s.clean_csv,
        typed_book=typed.typed_book,
        typed_book_small=typed_s.typed_book,
        infusion_csv=infusion.csv,
        infusion_csv_small=infusion_s.csv,
        journal_csv=journal.csv,
        journal_csv_small=journal_s.csv,
        journal_clean_csv=journal.clean_csv,
        journal_clean_csv_small=journal_s.clean_csv,
        journal_clean_book=journal.clean_book,
        journal_clean_book_small=journal_s.clean_book,
        journal_typed_book=journal.typed_book,
        journal_typed_book_small=journal_s.typed_book,
        out=out,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    records = args.records or SIZES[args.size]
    repeats = args.repeats or REPEATS[args.size]
    command = "python -m bench.run " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    started = time.perf_counter()
    load_before = _load()
    prepared: list[Data] = []

    def data() -> Data:
        """Every file the usual figures read, made the first time one asks."""
        if not prepared:
            print(f"Preparing data in {args.out} (large size {records:,} rows) ...", flush=True)
            prepared.append(prepare(records, args.seed, args.out))
            print(f"  ready in {time.perf_counter() - started:.0f} s", flush=True)
        return prepared[0]

    sections: dict[str, str] = {}

    def press() -> list[Figure]:
        figures, text = press_figures(args.out, args.seed, repeats)
        sections["A press of a ribbon button: in-process breakdown"] = text
        return figures

    steps: dict[str, Callable[[], list[Figure]]] = {
        "csv": lambda: [csv_figure(data(), max(repeats, 5))],
        "frictionless": lambda: [frictionless_figure(data(), repeats)],
        "workbook": lambda: workbook_figures(data(), repeats),
        "button": lambda: button_figures(data(), repeats),
        # Each transfer repeat is a fresh process; in a smoke run two are plenty.
        "commands": lambda: command_figures(data(), repeats, args.group),
        "press": press,
        "transfer": lambda: transfer_figures(
            data(), repeats if args.size == "full" or args.records else 2, ROOT
        ),
        "pipeline": lambda: pipeline_figures(records, args.seed, args.out, repeats),
        # In process, and a second or two at the large size: at least three repeats.
        "inspection": lambda: inspection_figures(records, args.seed, args.out, max(repeats, 3)),
        "checks": lambda: large_check_figures(records, args.seed, args.out, repeats),
        "ledger": lambda: ledger_figures(records, args.seed, args.out, repeats),
    }
    figures: list[Figure] = []
    failed = False
    for name in args.only or FIGURES:
        step_start = time.perf_counter()
        print(f"Measuring {name} ...", flush=True)
        try:
            figures.extend(steps[name]())
        except PipelineFailed as e:
            failed = True
            print(f"FAILED: {e}", flush=True)
            figures.extend(e.figures)
        except Exception as e:
            failed = True
            traceback.print_exc()
            figures.append(Figure(name, "", notes=[f"FAILED: {type(e).__name__}: {e}"]))
        print(f"  {time.perf_counter() - step_start:.0f} s", flush=True)

    print()
    print(table(figures))
    for title, text in sections.items():
        print(f"\n{title}\n\n{text}")
    print(f"\nTotal {time.perf_counter() - started:.0f} s; medians of {repeats} repeats.")
    if args.write_results:
        path = Path(__file__).resolve().parent / "RESULTS.md"
        facts = machine()
        facts["load"] = f"{load_before} at the start, {facts['load']} at the end"
        if args.only and set(args.only) <= set(LARGE):
            # Only the large figures: their section, the rest of the file as it was.
            text = path.read_text(encoding="utf-8")
            for section in large_markdown(figures, command, facts, repeats):
                text = with_section(text, section)
        else:
            text = results_markdown(figures, command, facts, repeats, sections)
        path.write_text(text, encoding="utf-8")
        print(f"Wrote {path}")
    return 1 if failed else 0


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    return {
        "date": dt.date.today().isoformat(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "commit": commit or "unknown",
        "load": _load(),
    }


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
