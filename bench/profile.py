"""Where the time goes: cProfile over check, validate, import and export.

    python -m bench.profile                    # all four, on the full-size files
    python -m bench.profile check validate --records 10000 --top 20
    python -m bench.profile check --journal --out /tmp/bench    # on the Pastel journal

Prints, for each operation, the functions with the most time of their own (share of the
whole) and the package's functions by time including what they call. Profiling slows pure
Python more than C, so read shares, not seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from addin.excel.workbook import validate_book
from addin.specs import SPECS
from addin.transfer import export_book, import_csv

from . import csv_check, generate
from .run import SIZES, prepare

OPERATIONS = ("check", "validate", "import", "export")


def _where(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name  # a built-in
    parts = Path(filename).parts
    for anchor in ("addin", "openpyxl", "xml", "csv", "re", "decimal", "bench"):
        if anchor in parts:
            filename = "/".join(parts[parts.index(anchor) :])
            break
    else:
        filename = Path(filename).name
    return f"{name} ({filename}:{line})"


def profile(fn: Callable[[], Any]) -> tuple[float, pstats.Stats]:
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(fn)
    wall = time.perf_counter() - start
    return wall, pstats.Stats(profiler)


def hot_spots(stats: pstats.Stats, top: int) -> str:
    entries: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _, _, tt, _, _ in entries.values())
    own = sorted(entries.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    lines = ["  own time (share of all):"]
    lines += [
        f"    {tt / total:6.1%}  {calls:>9,} calls  {_where(key)}"
        for key, (_, calls, tt, _, _) in own
    ]
    ours = [
        (key, value)
        for key, value in entries.items()
        if "/addin/" in key[0].replace("\\", "/") and not key[2].startswith("<")
    ]
    ours.sort(key=lambda kv: kv[1][3], reverse=True)
    lines.append("  package functions, including what they call:")
    lines += [
        f"    {ct / total:6.1%}  {calls:>9,} calls  {_where(key)}"
        for key, (_, calls, _, ct, _) in ours[:top]
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n")[0])
    p.add_argument("operations", nargs="*", metavar="OPERATION", help=", ".join(OPERATIONS))
    p.add_argument("--records", type=int, default=SIZES["full"], help="the large size (rows)")
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=generate.OUT, help="generated data (bench/out)")
    p.add_argument(
        "--journal",
        action="store_true",
        help="the Pastel journal's files (as many lines as the document batch has records)",
    )
    args = p.parse_args(argv)
    unknown = set(args.operations) - set(OPERATIONS)
    if unknown:
        p.error(f"unknown operation {', '.join(sorted(unknown))}; choose from {OPERATIONS}")
    data = prepare(args.records, args.seed, args.out)
    fmt = generate.JOURNAL if args.journal else generate.PASTEL
    spec = SPECS[fmt]
    damaged, typed_book, clean_book = (
        (data.journal_csv, data.journal_typed_book, data.journal_clean_book)
        if args.journal
        else (data.pastel_csv, data.typed_book, data.clean_book)
    )
    scratch = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    # Export records its batch: in a ledger of the scratch folder, never the user's.
    os.environ.setdefault("BATCHSHEET_LEDGER", str(scratch / "ledger.sqlite3"))
    runs: dict[str, tuple[str, Callable[[], Any]]] = {
        "check": (f"check {damaged.name}", lambda: csv_check.check(fmt, damaged)),
        "validate": (f"validate {typed_book.name}", lambda: validate_book(typed_book)),
        "import": (
            f"import {damaged.name}",
            lambda: import_csv(spec, damaged, scratch / "import.xlsx", replace=True),
        ),
        "export": (
            f"export {clean_book.name}",
            lambda: export_book(clean_book, scratch / "export.csv", replace=True),
        ),
    }
    for name in args.operations or OPERATIONS:
        title, fn = runs[name]
        wall, stats = profile(fn)
        print(f"\n== {title}: {wall:.2f} s under the profiler")
        print(hot_spots(stats, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
