"""Each benchmark figure: our time and its baseline, measured in the same run."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from addin.engine.layouts import validate_rows
from addin.excel.workbook import validate_book
from addin.specs import SPECS

from . import csv_check, infusion_check, vs_frictionless, workbook_read
from .generate import PASTEL
from .timing import Timing, measure, measure_together


@dataclass
class Figure:
    """One line of the table: ours against a baseline, at the large and the small size."""

    name: str
    size: str
    ours: float | None = None
    baseline: float | None = None
    baseline_name: str = ""
    # ours ÷ baseline, or baseline ÷ ours where the baseline is the slower tool.
    ratio: float | None = None
    ratio_words: str = ""
    target: str = ""
    met: bool | None = None
    # Per-record time at the large size ÷ at the small size (1.0 is linear).
    growth_ours: float | None = None
    growth_baseline: float | None = None
    notes: list[str] = field(default_factory=list)
    # A whole process timed from start to exit (the command figures are named for theirs).
    whole_process: bool = False
    # A whole process's wall time and peak resident memory, where a figure reports them.
    wall: float | None = None
    peak_mb: float | None = None


def growth(large: Timing, large_n: int, small: Timing, small_n: int) -> float:
    return (large.median / large_n) / (small.median / small_n)


def check_note(ours: Timing, base: Timing, inverse: bool = False) -> str:
    """The same ratio in CPU time, and how far the repeats spread: a busy machine shows."""
    ratio = base.cpu_median / ours.cpu_median if inverse else ours.cpu_median / base.cpu_median
    return (
        f"CPU-time ratio {ratio:.2f} (ours {ours.cpu_median:.3f} s, baseline "
        f"{base.cpu_median:.3f} s); wall-time spread of repeats ours {ours.spread:.0%}, "
        f"baseline {base.spread:.0%}"
    )


@dataclass(frozen=True)
class Data:
    """Paths of the generated files a run measures, and the sizes they hold."""

    pastel_csv: Path
    pastel_csv_small: Path
    clean_book: Path
    clean_book_small: Path
    clean_csv: Path
    clean_csv_small: Path
    typed_book: Path
    typed_book_small: Path
    infusion_csv: Path
    infusion_csv_small: Path
    # The Pastel journal: damaged lines, the clean lines, our import of them, the damaged
    # lines as typed in Excel.
    journal_csv: Path
    journal_csv_small: Path
    journal_clean_csv: Path
    journal_clean_csv_small: Path
    journal_clean_book: Path
    journal_clean_book_small: Path
    journal_typed_book: Path
    journal_typed_book_small: Path
    out: Path


def csv_figure(data: Data, repeats: int) -> Figure:
    spec = SPECS[PASTEL]
    fig = Figure("CSV check (Pastel)", "", baseline_name="csv.reader parse")
    runs = {}
    for label, path in (("large", data.pastel_csv), ("small", data.pastel_csv_small)):
        base, ours = measure_together(
            [
                lambda p=path: csv_check.bare_parse(p, spec.encoding),
                lambda p=path: csv_check.check(PASTEL, p),
            ],
            repeats,
        )
        runs[label] = (ours, base)
    (ours, base), (ours_s, base_s) = runs["large"], runs["small"]
    n, n_s = ours.result[0], ours_s.result[0]
    fig.size = f"{n:,} records"
    fig.ours, fig.baseline = ours.median, base.median
    fig.ratio = ours.median / base.median
    fig.ratio_words = f"{fig.ratio:.2f}× the parse"
    fig.target, fig.met = "≤ 4×", fig.ratio <= 4
    fig.growth_ours = growth(ours, n, ours_s, n_s)
    fig.growth_baseline = growth(base, n, base_s, n_s)
    fig.notes.append(f"{ours.result[1]:,} errors, {ours.result[2]:,} warnings found")
    fig.notes.append(check_note(ours, base))
    return fig


def frictionless_figure(data: Data, repeats: int) -> Figure:
    fig = Figure("vs frictionless (Infusion CSV)", "", baseline_name="frictionless validate")
    missing = vs_frictionless.available()
    spec, why_not = infusion_check.engine_spec()

    def ours_on(path: Path) -> infusion_check.Checked:
        if spec is not None:
            return infusion_check.check_with_engine(spec, path)
        return infusion_check.check_with_stand_in(path)

    if spec is not None:
        try:
            ours_on(data.infusion_csv_small)
            fig.notes.append("ours: the engine's Infusion spec (read_csv_batch)")
        except Exception as e:  # the spec is being written; measure the stand-in meanwhile
            spec, why_not = None, f"the engine's Infusion check failed: {type(e).__name__}: {e}"
    if spec is None:
        fig.notes.append(
            f"ours: STAND-IN (engine column checks on a bench spec; {why_not}) - "
            "header handling and row rules not included"
        )
    runs = {}
    for label, path in (("large", data.infusion_csv), ("small", data.infusion_csv_small)):
        if missing:
            ours, theirs = measure(lambda p=path: ours_on(p), repeats), None
        else:
            ours, theirs = measure_together(
                [lambda p=path: ours_on(p), lambda p=path: vs_frictionless.validate(p)], repeats
            )
        runs[label] = (ours, theirs)
    (ours, theirs), (ours_s, theirs_s) = runs["large"], runs["small"]
    n, n_s = ours.result.rows, ours_s.result.rows
    fig.size = f"{n:,} rows"
    fig.ours = ours.median
    fig.growth_ours = growth(ours, n, ours_s, n_s)
    fig.notes.append(f"ours found {ours.result.errors:,} errors, {ours.result.warnings:,} warnings")
    if theirs is None or theirs_s is None:
        fig.notes.append(f"frictionless not measured: {missing}")
        return fig
    fig.baseline = theirs.median
    fig.ratio = theirs.median / ours.median
    fig.ratio_words = f"{fig.ratio:.1f}× faster"
    fig.target, fig.met = "≥ 10× faster", fig.ratio >= 10
    fig.growth_baseline = growth(theirs, n, theirs_s, n_s)
    fig.notes.append(f"frictionless found {theirs.result[1]:,} errors in {theirs.result[0]:,} rows")
    fig.notes.append(check_note(ours, theirs, inverse=True))
    return fig


def _read_figures(
    name: str, book: Path, book_small: Path, repeats: int
) -> tuple[Figure, dict[str, tuple[Timing, Timing]]]:
    spec = SPECS[PASTEL]
    fig = Figure(name, "", baseline_name="openpyxl read-only, values only")
    runs = {}
    for label, path in (("large", book), ("small", book_small)):
        base, ours = measure_together(
            [lambda p=path: workbook_read.openpyxl_rows(p, spec), lambda p=path: validate_book(p)],
            repeats,
        )
        runs[label] = (ours, base)
    (ours, base), (ours_s, base_s) = runs["large"], runs["small"]
    n, n_s = len(base.result), len(base_s.result)
    fig.size = f"{n:,} rows"
    fig.ours, fig.baseline = ours.median, base.median
    fig.ratio = ours.median / base.median
    fig.ratio_words = f"{fig.ratio:.2f}× the read"
    fig.target, fig.met = "≤ 2×", fig.ratio <= 2
    fig.growth_ours = growth(ours, n, ours_s, n_s)
    fig.growth_baseline = growth(base, n, base_s, n_s)
    report = ours.result.report
    fig.notes.append(f"{report.errors:,} errors, {report.warnings:,} warnings found")
    fig.notes.append(check_note(ours, base))
    return fig, runs


def workbook_figures(data: Data, repeats: int) -> list[Figure]:
    spec = SPECS[PASTEL]
    typed, runs = _read_figures(
        "Workbook validate (as typed in Excel)", data.typed_book, data.typed_book_small, repeats
    )
    ours_wb, _ = _read_figures(
        "Workbook validate (written by our import)",
        data.clean_book,
        data.clean_book_small,
        repeats,
    )
    typed.notes.append("the file as Excel saves it: shared strings and a <dimension>")
    ours_wb.notes.append(
        "our write-only writer leaves out <dimension> (openpyxl then parses the sheet twice) "
        "and writes every text inline (a rich-text object per cell on reading)"
    )
    figures = [typed, ours_wb]
    missing = workbook_read.calamine_available()
    if missing:
        typed.notes.append(f"python-calamine not measured: {missing}")
        return figures
    cal = Figure("Bare read: python-calamine", "", baseline_name="openpyxl read-only")
    timings = {}
    for label, path in (("large", data.typed_book), ("small", data.typed_book_small)):
        timings[label] = measure(lambda p=path: workbook_read.calamine_rows(p, spec), repeats)
    validated = measure(
        lambda: validate_rows(spec, workbook_read.calamine_rows(data.typed_book, spec), typed=True),
        repeats,
    )
    (_, base), (_, base_s) = runs["large"], runs["small"]
    large, small = timings["large"], timings["small"]
    n, n_s = len(base.result), len(base_s.result)
    cal.size = typed.size
    cal.ours, cal.baseline = large.median, base.median
    cal.ratio = base.median / large.median
    cal.ratio_words = f"{cal.ratio:.1f}× faster than openpyxl"
    cal.growth_ours = growth(large, n, small, n_s)
    cal.growth_baseline = growth(base, n, base_s, n_s)
    comparison = workbook_read.compare(spec, base.result, large.result)
    cal.notes.append("typed values: " + comparison.summary())
    cal.notes.extend(f"e.g. {k}: {v}" for k, v in comparison.examples.items())
    cal.notes.append(
        f"calamine read + validate_rows measured: {validated.median:.2f} s, "
        f"{validated.median / (base.median or 1):.2f}× the openpyxl bare read, "
        f"{(typed.ours or 0) / validated.median:.1f}× faster than today's validate"
    )
    figures.append(cal)
    return figures


def _child(args: list[str], cwd: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.transfer_child", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"transfer_child {args[0]} failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _transfer(name: str, large: list[str], small: list[str], repeats: int, cwd: Path) -> Figure:
    fig = Figure(name, "", target="< 500 MB peak")
    results = {}
    for label, args in (("large", large), ("small", small)):
        results[label] = [_child(args, cwd) for _ in range(repeats)]
    big, little = results["large"], results["small"]
    n, n_s = int(big[0]["records"]), int(little[0]["records"])
    seconds = statistics.median(r["seconds"] for r in big)
    seconds_s = statistics.median(r["seconds"] for r in little)
    peak = max(r["peak_mb"] for r in big)
    start = min(r["start_mb"] for r in big)
    fig.size = f"{n:,} records"
    fig.ours = seconds
    fig.ratio_words = f"{n / seconds:,.0f} records/s; peak {peak:.0f} MB"
    fig.met = peak < 500
    fig.growth_ours = (seconds / n) / (seconds_s / n_s)
    fig.notes.append(
        f"peak resident {peak:.0f} MB, of which {start:.0f} MB is Python with the package "
        f"loaded; small size peak {max(r['peak_mb'] for r in little):.0f} MB"
    )
    return fig


def transfer_figures(data: Data, repeats: int, cwd: Path) -> list[Figure]:
    out = data.out
    export = _transfer(
        "Export (workbook → CSV)",
        ["export", str(data.clean_book), str(out / "export-large.csv")],
        ["export", str(data.clean_book_small), str(out / "export-small.csv")],
        repeats,
        cwd,
    )
    imported = _transfer(
        "Import (CSV → workbook)",
        ["import", PASTEL, str(data.pastel_csv), str(out / "import-large.xlsx")],
        ["import", PASTEL, str(data.pastel_csv_small), str(out / "import-small.xlsx")],
        repeats,
        cwd,
    )
    export.notes.append("includes validate and the read-back check of the written file")
    imported.notes.append("the damaged batch: every finding marked on its row")
    return [export, imported]
