"""The whole pipeline on one Pastel batch, at a large size and at a tenth of it.

    python -m bench.run --records 1000000 --only pipeline inspection --repeats 1 --out /tmp/x

`import` of the clean CSV → `validate` → `validate --mark` → `fix --apply` → `export`, each a
process of its own working on what the one before it left, as a user goes through them;
and `check` of the damaged CSV of the same size. Each is held against a floor, a whole
process too, run in the same turn: `import` against the writer's floor (the CSV's cells
spelled and deflated, nothing checked), the workbook commands against a python-calamine read
of the workbook `import` wrote, `check` against a csv.reader parse. Every step must end as
expected (exit code 0; 1 for `check`, whose batch is damaged) and refuse nothing: the export
must write every record the CSV holds.

The batch holds `docs_for_records(N)` documents (166,667 for N = 1,000,000: about N
records), so the growth column reads as the cost per record at N over that at N/10.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import generate, pastel_data
from .commands import CALAMINE_READ, CSV_PARSE, Run, batchsheet, installed_as_pip_does, run_child
from .figures import Figure

# The targets: the cost per record at N within 1.2× of that at N/10, for every
# command; `check` within 600 MB at 1,000,000 records.
GROWTH_LIMIT = 1.2
CHECK_MEMORY_MB = 600.0
REFUSAL_WORDS = (b"refused", b"Traceback", b"cannot read")


@dataclass(frozen=True)
class Step:
    """One timed process of the pipeline: how it is run, its floor, the exit code it must
    give."""

    name: str
    argv: Callable[[Paths], list[str]]
    floor: str
    code: int = 0
    memory: float | None = None  # MB, the target at the large size


@dataclass(frozen=True)
class Paths:
    """The files of one size: the inputs, and what the steps write in the scratch folder."""

    clean_csv: Path
    damaged_csv: Path
    book: Path
    export: Path
    work: Path


def pastel_files(records: int, seed: int, out: Path) -> generate.PastelFiles:
    return generate.PastelFiles(pastel_data.docs_for_records(records), seed, out)


def _steps() -> tuple[dict[str, Callable[[Paths], list[str]]], list[Step]]:
    exe, py = batchsheet(), sys.executable
    pastel = generate.PASTEL
    floors: dict[str, Callable[[Paths], list[str]]] = {
        "csv.reader parse": lambda p: [py, "-c", CSV_PARSE, str(p.damaged_csv), "cp1252"],
        "spelled cells": lambda p: [
            *(py, "-m", "bench.writer_floor", "spelled", pastel),
            *(str(p.clean_csv), str(p.work / "spelled.xlsx")),
        ],
        "calamine read": lambda p: [py, "-c", CALAMINE_READ, str(p.book)],
    }
    steps = [
        Step(
            "check CSV",
            lambda p: [exe, "check", str(p.damaged_csv), "--format", pastel],
            "csv.reader parse",
            code=1,
            memory=CHECK_MEMORY_MB,
        ),
        Step(
            "import CSV",
            lambda p: [
                *(exe, "import", str(p.clean_csv), "--format", pastel),
                *("-o", str(p.book), "--force"),
            ],
            "spelled cells",
        ),
        Step("validate BOOK", lambda p: [exe, "validate", str(p.book)], "calamine read"),
        Step(
            "validate BOOK --mark",
            lambda p: [exe, "validate", str(p.book), "--mark"],
            "calamine read",
        ),
        Step("fix BOOK --apply", lambda p: [exe, "fix", str(p.book), "--apply"], "calamine read"),
        Step(
            "export BOOK",
            lambda p: [exe, "export", str(p.book), "-o", str(p.export), "--force"],
            "calamine read",
        ),
    ]
    return floors, steps


# The order of one turn: each floor just before the first step held against it, and the
# calamine read once `import` has written the workbook it reads.
ORDER = (
    "csv.reader parse",
    "check CSV",
    "spelled cells",
    "import CSV",
    "calamine read",
    "validate BOOK",
    "validate BOOK --mark",
    "fix BOOK --apply",
    "export BOOK",
)


@dataclass(frozen=True)
class SizeRuns:
    records: int
    runs: dict[str, Run]
    problems: list[str]


def _one_size(paths: Paths, repeats: int, keep: Path | None) -> SizeRuns:
    floors, steps = _steps()
    argv = {**{n: f(paths) for n, f in floors.items()}, **{s.name: s.argv(paths) for s in steps}}
    expected = {s.name: s.code for s in steps}
    records = _records(paths.clean_csv)
    runs: dict[str, list[Run]] = {name: [] for name in ORDER}
    problems: list[str] = []
    for _ in range(repeats):
        for name in ORDER:
            log = paths.work / f"{name.replace(' ', '_').replace('-', '')}.out"
            print(f"    {name} ({records:,} records) ...", end="", flush=True)
            run = run_child(argv[name], log)
            print(f" {run.cpu:.1f} s CPU, {run.wall:.1f} s wall, {run.peak_mb:.0f} MB", flush=True)
            runs[name].append(run)
            problems += _problems(name, run, expected.get(name, 0), log)
            if name == "import CSV" and keep is not None and not keep.exists():
                # What `import` wrote, kept for the inspection figures.
                shutil.copyfile(paths.book, keep)
        exported = _records(paths.export) if paths.export.exists() else 0
        if exported != records:
            problems.append(f"export wrote {exported:,} records of {records:,}")
    best = {name: min(r, key=lambda r: r.cpu) for name, r in runs.items()}
    return SizeRuns(records, best, problems)


def _problems(name: str, run: Run, code: int, log: Path) -> list[str]:
    found = []
    if run.code != code:
        found.append(f"{name} exited {run.code}, not {code}")
    text = log.read_bytes()
    if any(w in text for w in REFUSAL_WORDS):
        found.append(f"{name}: {text.decode('utf-8', 'replace').strip()[-300:]}")
    return found


def _records(csv_path: Path) -> int:
    """Records of a Pastel CSV: its lines (the format has no header row)."""
    with open(csv_path, "rb") as f:
        return sum(1 for _ in f)


def pipeline_figures(records: int, seed: int, out: Path, repeats: int) -> list[Figure]:
    """Every step at `records` and at a tenth of it, with its floor; one Figure each."""
    installed_as_pip_does()
    sizes: dict[str, SizeRuns] = {}
    for label, n in (("large", records), ("small", max(records // 10, 100))):
        files = pastel_files(n, seed, out)
        generate.make_pastel(files, kinds=("csv", generate.CLEAN_CSV))
        work = out / "pipeline" / label
        work.mkdir(parents=True, exist_ok=True)
        paths = Paths(files.clean_csv, files.csv, work / "book.xlsx", work / "export.csv", work)
        print(f"  {label}: {files.docs:,} documents", flush=True)
        sizes[label] = _one_size(paths, repeats, files.clean_book)
    large, small = sizes["large"], sizes["small"]
    _, steps = _steps()
    figures = []
    for step in steps:
        ours, base = large.runs[step.name], large.runs[step.floor]
        ours_s, base_s = small.runs[step.name], small.runs[step.floor]
        fig = Figure(
            f"pipeline: {step.name}",
            f"{large.records:,} records",
            ours=ours.cpu,
            baseline=base.cpu,
            baseline_name=step.floor,
            ratio=ours.cpu / base.cpu,
            ratio_words=f"{ours.cpu / base.cpu:.2f}× CPU ({ours.wall / base.wall:.2f}× wall)",
            target=f"per record ≤ {GROWTH_LIMIT}× at a tenth"
            + (f"; ≤ {step.memory:.0f} MB" if step.memory else ""),
            wall=ours.wall,
            peak_mb=ours.peak_mb,
        )
        fig.growth_ours = (ours.cpu / large.records) / (ours_s.cpu / small.records)
        fig.growth_baseline = (base.cpu / large.records) / (base_s.cpu / small.records)
        fig.met = fig.growth_ours <= GROWTH_LIMIT and (
            step.memory is None or ours.peak_mb <= step.memory
        )
        fig.notes.append(
            f"{small.records:,} records: CPU {ours_s.cpu:.2f} s, wall {ours_s.wall:.2f} s, "
            f"{ours_s.peak_mb:.0f} MB; {step.floor} at {large.records:,}: CPU {base.cpu:.2f} s, "
            f"{base.peak_mb:.0f} MB; exit code {ours.code} ({ours_s.code} at the tenth)"
        )
        figures.append(fig)
    problems = [f"{large.records:,}: {p}" for p in large.problems]
    problems += [f"{small.records:,}: {p}" for p in small.problems]
    if problems:
        figures[0].notes.extend(f"FAILED: {p}" for p in problems)
        raise PipelineFailed(figures, problems)
    return figures


class PipelineFailed(RuntimeError):
    """A step exited otherwise than expected or refused: the figures, with what went wrong."""

    def __init__(self, figures: list[Figure], problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.figures = figures
