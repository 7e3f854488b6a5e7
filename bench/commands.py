"""Whole commands as the user waits for them: each a process of its own, timed from start to
exit (start-up, reading, output and all), against a floor that is also a whole process,
measured in turns in the same run.

    `batchsheet validate BOOK`            against   a python-calamine read of the data sheet
    `batchsheet validate BOOK --mark`     against   the same read
    `batchsheet fix BOOK`                 against   the same read, and `validate`
    `batchsheet fix BOOK --apply`         against   the same read

A command that changes its workbook gets a fresh copy before every run (the copying is not
timed). Each figure reports the child's wall time, its CPU time (user + system, from
`wait4`) and its peak resident memory, the best of the repeats; output goes to a file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .figures import Data, Figure

CALAMINE_READ = (
    "from python_calamine import CalamineWorkbook\n"
    "import sys\n"
    "CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name('Batch')"
    ".to_python(skip_empty_area=False)\n"
)


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    code: int


def batchsheet() -> str:
    exe = shutil.which("batchsheet", path=str(Path(sys.executable).parent))
    if exe is None:
        raise RuntimeError("the batchsheet command is not installed (pip install -e .)")
    return exe


# GNU time starts the command from a process of its own, a megabyte or two: Linux counts a
# child's peak memory from the fork, so a child forked straight from this (larger) process
# would report this process's size as its own.
GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


def run_child(argv: Sequence[str], out: Path) -> Run:
    """One whole process; its wall time, CPU time and peak memory as the kernel counts them."""
    stats = out.with_suffix(".time")
    launcher = [GNU_TIME, "-f", "%M", "-o", str(stats)] if GNU_TIME else []
    with open(out, "wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen([*launcher, *argv], stdout=sink, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    # ru_maxrss and GNU time's %M are in kilobytes on Linux.
    peak_kb = usage.ru_maxrss
    if GNU_TIME:
        peak_kb = int(stats.read_text().split()[-1])
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, peak_kb / 1024, os.waitstatus_to_exitcode(status))


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.cpu)


def in_turns(
    commands: dict[str, tuple[list[str], Callable[[], None] | None]], repeats: int, out: Path
) -> dict[str, Run]:
    """Each command `repeats` times, in turns (a, b, c, a, b, c …), so the machine's load
    slows every side alike; `prepare` runs untimed before each run of its command."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, (argv, prepare) in commands.items():
            if prepare is not None:
                prepare()
            runs[name].append(run_child(argv, out / f"{name.replace(' ', '_')}.out"))
    return {name: best(r) for name, r in runs.items()}


def editing_figures(data: Data, repeats: int) -> list[Figure]:
    """validate, validate --mark, fix and fix --apply on the typed workbook, at the large
    and the small size, each against a calamine read of the same sheet."""
    exe = batchsheet()
    work = data.out / "commands"
    work.mkdir(parents=True, exist_ok=True)
    sizes: dict[str, dict[str, Run]] = {}
    rows: dict[str, int] = {}
    for label, source in (("large", data.typed_book), ("small", data.typed_book_small)):
        copy = work / f"{label}.xlsx"

        def fresh(source: Path = source, copy: Path = copy) -> None:
            shutil.copyfile(source, copy)

        fresh()
        rows[label] = _rows(source)
        commands: dict[str, tuple[list[str], Callable[[], None] | None]] = {
            "calamine read": ([sys.executable, "-c", CALAMINE_READ, str(copy)], None),
            "validate": ([exe, "validate", str(copy)], fresh),
            "validate --mark": ([exe, "validate", str(copy), "--mark"], fresh),
            "fix": ([exe, "fix", str(copy)], fresh),
            "fix --apply": ([exe, "fix", str(copy), "--apply"], fresh),
        }
        sizes[label] = in_turns(commands, repeats, work)
    large, small = sizes["large"], sizes["small"]
    floor = large["calamine read"]
    targets = {
        "validate --mark": (3.0, "calamine read", "≤ 3× the calamine read; ≤ 400 MB"),
        "fix": (1.3, "validate", "≤ 1.3× validate"),
        "fix --apply": (3.0, "calamine read", "≤ 3× the calamine read"),
    }
    figures = []
    for name in ("validate", "validate --mark", "fix", "fix --apply"):
        ours = large[name]
        limit, against, target = targets.get(name, (None, "calamine read", ""))
        base = large[against]
        ratio = ours.cpu / base.cpu
        command, *options = name.split()
        fig = Figure(
            f"`batchsheet {' '.join([command, 'BOOK', *options])}`",
            f"{rows['large']:,} rows",
            ours=ours.cpu,
            baseline=base.cpu,
            baseline_name=f"{against}, whole process",
            ratio=ratio,
            ratio_words=f"{ratio:.2f}× CPU ({ours.wall / base.wall:.2f}× wall); "
            f"peak {ours.peak_mb:.0f} MB",
            target=target,
        )
        if limit is not None:
            fig.met = ratio <= limit and (name != "validate --mark" or ours.peak_mb <= 400)
        fig.growth_ours = (ours.cpu / rows["large"]) / (small[name].cpu / rows["small"])
        fig.growth_baseline = (floor.cpu / rows["large"]) / (
            small["calamine read"].cpu / rows["small"]
        )
        fig.notes.append(
            f"wall {ours.wall:.2f} s, CPU {ours.cpu:.2f} s (best of {repeats}); floor: "
            f"calamine read {floor.wall:.2f} s wall, {floor.cpu:.2f} s CPU, "
            f"{floor.peak_mb:.0f} MB; exit code {ours.code}"
        )
        figures.append(fig)
    return figures


def _rows(book: Path) -> int:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Batch").height
