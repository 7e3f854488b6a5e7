"""Where a `check`'s memory goes, stage by stage: what each stage leaves held, and its peak.

    python -m bench.memory /tmp/bench-1m/pastel-batch-166667docs-s20250514-v2.csv \
        --format pastel-customer [--json]

Runs the steps of `batchsheet check` in this process, in its order (the file's bytes read,
decoded, its records checked a slice at a time where the format allows (`sliced_check`) with
the review's totals, the report or the JSON written to /dev/null), and after each prints
the resident memory it leaves and the peak reached while it ran (Linux: VmRSS and VmHWM,
the peak reset between stages through /proc/self/clear_refs), with the CPU it took. One
process, not a best of N: peaks are what a whole process reaches, but run it on a quiet
machine for the CPU column.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from addin.engine.batch import Context
from addin.engine.csv_batch import decoded_csv
from addin.ledger import Ledger
from addin.report import report_lines, write_json
from addin.sliced_check import check_text, sliceable
from addin.specs import get_spec


def _status() -> dict[str, int]:
    """VmRSS and VmHWM in MB."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) // 1024
    return found


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return False
    return True


def stages(path: Path, format_name: str, as_json: bool) -> list[tuple[str, float, int, int]]:
    """(stage, CPU s, resident after MB, peak during MB) for each step of a check."""
    spec = get_spec(format_name)
    held: dict[str, Any] = {}
    # A path where no ledger is: the check looks, finds none, and says so.
    ledger = Ledger(Path(os.devnull).parent / "no-ledger" / "ledger.sqlite3")

    def show() -> None:
        with open(os.devnull, "w", encoding="utf-8") as sink:
            if as_json:
                write_json(held["review"], sink)
            else:
                sink.write("\n".join(report_lines(held["review"], str(path), "line")))

    def decode() -> None:
        # As `cli._csv_text` does: the bytes are let go once decoded.
        held["text"], held["read"] = decoded_csv(held.pop("data"), str(path), spec.encoding)

    def check() -> None:
        context = Context(row_word="line")
        held["review"] = check_text(spec, held["text"], held["read"], context, ledger)

    steps: list[tuple[str, Callable[[], None]]] = [
        ("read the file's bytes", lambda: held.update(data=path.read_bytes())),
        ("decode (the bytes let go)", decode),
        (f"check ({'a slice at a time' if sliceable(spec) else 'whole'}), review", check),
        ("let the text go", lambda: held.pop("text")),
        ("the JSON" if as_json else "the report", show),
    ]
    out = []
    gc.disable()  # as the command's bulk work runs
    for name, step in steps:
        resettable = _reset_peak()
        started = time.process_time()
        step()
        cpu = time.process_time() - started
        now = _status()
        out.append((name, cpu, now["VmRSS"], now["VmHWM"] if resettable else -1))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n")[0])
    p.add_argument("csv", type=Path)
    p.add_argument("--format", required=True)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    print("| Stage | CPU | Resident after | Peak during |")
    print("|---|---:|---:|---:|")
    for name, cpu, rss, peak in stages(args.csv, args.format, args.json):
        shown = f"{peak:,} MB" if peak >= 0 else "—"
        print(f"| {name} | {cpu:.2f} s | {rss:,} MB | {shown} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
