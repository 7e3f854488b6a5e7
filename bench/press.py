"""A press of a ribbon button as the user pays for it: a whole Python process.

xlwings' RunPython starts a new Python on every press (on macOS always), so a press costs
its start-up (importing xlwings and the ribbon) and then its work. Each figure here is a
process of its own, timed from start to exit as the command figures are (`commands.py`:
CPU user + system and wall, best CPU of the repeats, in turns with its floors):

    press Validate      imports the in-memory Excel (`tests/memory_excel.py`) and the
                        ribbon, builds a Pastel customer batch in it, presses Validate
    press Export CSV    the same on the clean batch, Export CSV to a scratch file
    harness floor       the same process without the ribbon and without the press:
                        xlwings, the in-memory Excel and the book built in it
    import xlwings      `python -c "import xlwings"`, the floor the issue's target is
                        held against
    import xlwings + ribbon, `batchsheet --help`, `python -c pass`: start-up, for context
                        (the last two from a user's install of the package, `user_install`)

at 1,000 and 10,000 rows. "Press minus harness floor" is the ribbon's import and the press's
work; Excel's side of the calls (the in-memory engine answering them) is in it too, and
shown apart by the in-process breakdown. Modules the harness and the ribbon both load are
paid in the floor, so "import xlwings + ribbon" minus "import xlwings" is also reported:
the ribbon's import as a real press pays it.

The in-process breakdown (never instead of the whole processes): `python -X importtime`
of `import xlwings, addin.excel.ribbon`, grouped; and a fresh process that presses once
with each step of the press timed (CPU), the in-memory Excel's own work taken apart.

    python -m bench.press                    # 1,000 and 10,000 rows, 3 repeats
    python -m bench.press --repeats 5
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from addin.excel.layout import DATA_SHEET, FORMAT_NAME, Layout
from addin.ledger_place import ENV as LEDGER_ENV
from addin.specs import SPECS

from . import generate, pastel_data
from .commands import Run, in_turns, installed_as_pip_does, user_install
from .figures import Figure

ROOT = Path(__file__).resolve().parent.parent
PASTEL = "pastel-customer"
ROWS = (1_000, 10_000)
# The targets, CPU seconds.
PRESS_OVER_XLWINGS = 0.15
HELP_TARGET = 0.05

# One process: the in-memory Excel, the batch built in it as the test of a press builds it
# (tests/test_press_imports.py), then - unless the button is "none" - the ribbon and a press.
# Each alert's first line goes to stdout, so the bench can check the press did its work.
PRESS = """\
import pickle, sys
harness, values, sheet_name, format_name, spec, button, target = sys.argv[1:8]
sys.path.insert(0, harness)
from tests.memory_excel import Excel
with open(values, "rb") as f:
    rows = pickle.load(f)
excel = Excel()
book = excel.batch(rows, sheet_name, format_name, spec)
if button == "validate":
    from addin.excel import ribbon
    ribbon.validate(book)
elif button == "export_csv":
    from addin.excel import ribbon
    ribbon.export_csv(target, book)
for text, mode in excel.app.alerts:
    print(mode, text.splitlines()[0])
"""

# The same press once, in a fresh process, each step timed in CPU seconds: the ribbon's
# import, then the steps of the press (the ribbon's own functions wrapped with a timer),
# with the in-memory Excel's work (`Calls.excel_seconds`) inside each step taken apart.
DETAIL = """\
import json, pickle, sys, time
harness, values, sheet_name, format_name, spec, button, target = sys.argv[1:8]
sys.path.insert(0, harness)
clock = time.process_time
t0 = clock()
from tests.memory_excel import Excel
t1 = clock()
with open(values, "rb") as f:
    rows = pickle.load(f)
excel = Excel()
book = excel.batch(rows, sheet_name, format_name, spec)
t2 = clock()
from addin.excel import ribbon
t3 = clock()
steps = {}
calls = excel.calls
def timed(name, fn):
    def wrapper(*args, **kwargs):
        started, excel_before = clock(), calls.excel_seconds
        try:
            return fn(*args, **kwargs)
        finally:
            spent, excel = clock() - started, calls.excel_seconds - excel_before
            python, seen = steps.get(name, (0.0, 0.0))
            steps[name] = (python + spent - excel, seen + excel)
    return wrapper
for name in ("_data", "grid_rows", "context_of", "checked", "review", "write_marks",
             "select_first_problem", "export_batch", "_hidden_rows", "record_export", "_alert"):
    setattr(ribbon, name, timed(name, getattr(ribbon, name)))
calls.clear()
t4 = clock()
if button == "validate":
    ribbon.validate(book)
else:
    ribbon.export_csv(target, book)
t5 = clock()
json.dump({
    "harness import": t1 - t0, "book built": t2 - t1, "ribbon import": t3 - t2,
    "press": t5 - t4, "excel": calls.excel_seconds, "steps": steps,
    "alerts": [text.splitlines()[0] for text, _ in excel.app.alerts],
}, sys.stdout)
"""


@dataclass(frozen=True)
class Batch:
    """One size of the batch: the values of its data sheet, pickled for the children."""

    rows: int
    typed: Path  # the batch as typed in Excel, a few per cent damaged: what Validate reads
    clean: Path  # the clean batch: what Export CSV writes out


def harness(work: Path) -> Path:
    """A copy of the in-memory Excel in the scratch folder, compiled there: the children
    load it from the copy, so nothing is written beside the tests."""
    folder = work / "harness"
    tests = folder / "tests"
    tests.mkdir(parents=True, exist_ok=True)
    (tests / "__init__.py").write_text("", encoding="utf-8")
    shutil.copyfile(ROOT / "tests" / "memory_excel.py", tests / "memory_excel.py")
    compileall.compile_dir(folder, quiet=1)
    return folder


def sheet_values(book: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(book)).get_sheet_by_name(DATA_SHEET).to_python()


def batches(out: Path, seed: int, work: Path) -> list[Batch]:
    """The typed and the clean Pastel batch of about 1,000 and 10,000 rows (generated in
    `out` once, as every figure's data is), their sheets' values pickled in `work`."""
    found = []
    first = Layout(SPECS[PASTEL]).first_data_row
    for rows in ROWS:
        docs = pastel_data.docs_for_records(rows)
        files = generate.make_pastel(
            generate.PastelFiles(docs, seed, out), kinds=["clean", "typed"]
        )
        paths, sheet_rows = [], 0
        for kind, book in (("typed", files.typed_book), ("clean", files.clean_book)):
            values = sheet_values(book)
            sheet_rows = sheet_rows or len(values)
            path = work / f"{kind}-{rows}.pickle"
            path.write_bytes(pickle.dumps(values))
            paths.append(path)
        found.append(Batch(sheet_rows - first + 1, paths[0], paths[1]))
    return found


def press_argv(harness: Path, values: Path, button: str, target: Path) -> list[str]:
    return [
        sys.executable, "-c", PRESS, str(harness), str(values), DATA_SHEET, FORMAT_NAME,
        PASTEL, button, str(target),
    ]  # fmt: skip


def _alerts(out: Path) -> list[str]:
    return out.read_text(encoding="utf-8", errors="replace").splitlines()


@dataclass(frozen=True)
class Measured:
    rows: int
    runs: dict[str, Run]
    said: dict[str, list[str]]  # each press's alerts, first lines


def measure_size(batch: Batch, repeats: int, work: Path, start_up: bool) -> Measured:
    py = sys.executable
    home = harness(work)
    target = work / "export.csv"
    commands: dict[str, tuple[list[str], Callable[[], None] | None]] = {}
    if start_up:
        user = user_install(work)
        commands["python -c pass"] = ([str(user / "python"), "-c", "pass"], None)
        commands["batchsheet --help"] = ([str(user / "batchsheet"), "--help"], None)
        commands["import xlwings + ribbon"] = (
            [py, "-c", "import xlwings, addin.excel.ribbon"],
            None,
        )
    commands["import xlwings"] = ([py, "-c", "import xlwings"], None)
    commands["harness floor (typed)"] = (press_argv(home, batch.typed, "none", target), None)
    commands["press Validate"] = (press_argv(home, batch.typed, "validate", target), None)
    commands["harness floor (clean)"] = (press_argv(home, batch.clean, "none", target), None)
    commands["press Export CSV"] = (
        press_argv(home, batch.clean, "export_csv", target),
        lambda: target.unlink(missing_ok=True),
    )
    runs = in_turns(commands, repeats, work)
    said = {
        name: _alerts(work / f"{name.replace(' ', '_')}.out")
        for name in ("press Validate", "press Export CSV")
    }
    for name, run in runs.items():
        if run.code != 0:
            said_last = _alerts(work / f"{name.replace(' ', '_')}.out")[-5:]
            raise RuntimeError(f"{name} exited {run.code}: {said_last}")
    return Measured(batch.rows, runs, said)


def _over(a: Run, b: Run) -> str:
    return f"+{a.cpu - b.cpu:.3f} s CPU (wall +{a.wall - b.wall:.3f} s)"


def press_figures_from(sizes: list[Measured], repeats: int) -> list[Figure]:
    figures = []
    for i, m in enumerate(sizes):
        r = m.runs
        xl = r["import xlwings"]
        at_target = i == 0  # the target is at 1,000 rows
        for button, floor in (
            ("press Validate", "harness floor (typed)"),
            ("press Export CSV", "harness floor (clean)"),
        ):
            ours, base = r[button], r[floor]
            over = ours.cpu - base.cpu
            fig = Figure(
                f"{button} (in-memory Excel)",
                f"{m.rows:,} rows",
                ours=ours.cpu,
                baseline=xl.cpu,
                baseline_name="import xlwings, whole process",
                ratio_words=(
                    f"{_over(ours, xl)} over import xlwings; {_over(ours, base)} over the "
                    f"harness floor"
                ),
                target=f"≤ import xlwings + {PRESS_OVER_XLWINGS} s CPU" if at_target else "",
                met=over <= PRESS_OVER_XLWINGS if at_target else None,
                whole_process=True,
            )
            fig.notes.append(
                f"wall {ours.wall:.2f} s, CPU {ours.cpu:.3f} s, {ours.peak_mb:.0f} MB (best of "
                f"{repeats}); import xlwings: wall {xl.wall:.2f} s, CPU {xl.cpu:.3f} s; "
                f"{floor}: wall {base.wall:.2f} s, CPU {base.cpu:.3f} s, {base.peak_mb:.0f} MB; "
                f"the harness's own cost (floor minus import xlwings) {base.cpu - xl.cpu:.3f} s "
                f"CPU; the press said: {' | '.join(m.said[button]) or 'nothing'}"
            )
            if at_target:
                fig.notes.append(
                    "Met is judged on press minus harness floor (the ribbon's import and the "
                    "press, beyond xlwings and the book already in Excel)"
                )
            figures.append(fig)
        if "batchsheet --help" in r:
            figures += _start_up_figures(r, repeats)
    return figures


def _start_up_figures(r: dict[str, Run], repeats: int) -> list[Figure]:
    bare, helped, both, xl = (
        r["python -c pass"],
        r["batchsheet --help"],
        r["import xlwings + ribbon"],
        r["import xlwings"],
    )
    help_fig = Figure(
        "batchsheet --help (press issue's target)",
        "—",
        ours=helped.cpu,
        baseline=bare.cpu,
        baseline_name="python -c pass, whole process",
        ratio_words=f"{_over(helped, bare)} over python -c pass",
        target=f"≤ {HELP_TARGET} s CPU",
        met=helped.cpu <= HELP_TARGET,
        whole_process=True,
    )
    help_fig.notes.append(
        f"wall {helped.wall:.3f} s, CPU {helped.cpu:.3f} s, {helped.peak_mb:.0f} MB (best of "
        f"{repeats}); python -c pass: wall {bare.wall:.3f} s, CPU {bare.cpu:.3f} s"
    )
    ribbon_fig = Figure(
        "import xlwings + addin.excel.ribbon",
        "—",
        ours=both.cpu,
        baseline=xl.cpu,
        baseline_name="import xlwings, whole process",
        ratio_words=f"{_over(both, xl)} over import xlwings",
        whole_process=True,
    )
    ribbon_fig.notes.append(
        f"the ribbon's import as a press pays it, no harness: wall {both.wall:.3f} s, CPU "
        f"{both.cpu:.3f} s, {both.peak_mb:.0f} MB; import xlwings: wall {xl.wall:.3f} s, "
        f"CPU {xl.cpu:.3f} s, {xl.peak_mb:.0f} MB; python -c pass CPU {bare.cpu:.3f} s"
    )
    return [help_fig, ribbon_fig]


# -- the in-process breakdown --------------------------------------------------------------

GROUPS = (
    ("xlwings", re.compile(r"xlwings(\.|$)")),
    (
        "pydantic + spec models",
        re.compile(
            r"(pydantic|pydantic_core|annotated_types|typing_inspection)(\.|$)|addin\.specs"
        ),
    ),
    ("the engine", re.compile(r"addin\.engine(\.|$)")),
    ("interpreter start-up (site)", re.compile(r"site$|__editable__|_distutils_hack")),
)
REST = "the rest (the ribbon's own modules, stdlib)"


def import_times(repeats: int) -> dict[str, tuple[int, int, int]]:
    """`python -X importtime -c "import xlwings, addin.excel.ribbon"`: each module's (self,
    cumulative, depth) in microseconds, the least of `repeats` runs for each."""
    best: dict[str, tuple[int, int, int]] = {}
    order: list[str] = []
    for _ in range(repeats):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import xlwings, addin.excel.ribbon"],
            capture_output=True,
            text=True,
            check=True,
        )
        for line in done.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if not m:
                continue
            own, cumulative, name = int(m[1]), int(m[2]), m[4]
            depth = len(m[3]) // 2
            if name not in best:
                order.append(name)
                best[name] = (own, cumulative, depth)
            else:
                old = best[name]
                best[name] = (min(old[0], own), min(old[1], cumulative), old[2])
    return {name: best[name] for name in order}


def _group(name: str) -> str | None:
    return next((g for g, pattern in GROUPS if pattern.match(name)), None)


def grouped(times: dict[str, tuple[int, int, int]]) -> dict[str, float]:
    """Milliseconds of each group: every module's own time goes to its own group, or to
    the group of the nearest module that imported it (the import tree of -X importtime,
    whose lines list a module after those it imported, one level deeper)."""
    totals = {g: 0.0 for g, _ in GROUPS} | {REST: 0.0}
    # Walk the lines backwards: a parent comes after its children, at a lesser depth.
    stack: list[tuple[int, str | None]] = []  # (depth, group) of the open parents
    pending: list[tuple[int, str, int]] = []
    for name, (own, _, depth) in reversed(list(times.items())):
        pending.append((depth, name, own))
    for depth, name, own in pending:
        while stack and stack[-1][0] >= depth:
            stack.pop()
        inherited = next((g for _, g in reversed(stack) if g), None)
        group = _group(name) or inherited
        totals[group or REST] += own / 1000
        stack.append((depth, group))
    return totals


def top(times: dict[str, tuple[int, int, int]], n: int = 12) -> list[tuple[str, float, float]]:
    """The modules with the most cumulative time (ms), and their own."""
    ranked = sorted(times.items(), key=lambda kv: kv[1][1], reverse=True)[:n]
    return [(name, cumulative / 1000, own / 1000) for name, (own, cumulative, _) in ranked]


def press_detail(batch: Batch, button: str, repeats: int, work: Path) -> dict[str, Any]:
    """One press in a fresh process, each step timed; the least of `repeats` for each."""
    home = harness(work)
    values = batch.typed if button == "validate" else batch.clean
    runs = []
    for _ in range(repeats):
        argv = press_argv(home, values, button, work / "detail.csv")
        argv[2] = DETAIL
        # A fresh batch ledger in the scratch folder, as `run_child` gives every press.
        ledger = work / "detail-ledger.sqlite3"
        ledger.unlink(missing_ok=True)
        env = {**os.environ, LEDGER_ENV: str(ledger)}
        done = subprocess.run(argv, capture_output=True, text=True, check=True, env=env)
        runs.append(json.loads(done.stdout))
    best = {k: min(r[k] for r in runs) for k in ("harness import", "book built", "ribbon import")}
    best |= {k: min(r[k] for r in runs) for k in ("press", "excel")}
    best["steps"] = {
        name: tuple(min(r["steps"][name][i] for r in runs) for i in (0, 1))
        for name in runs[0]["steps"]
    }
    best["alerts"] = runs[0]["alerts"]
    return best


def breakdown(batch: Batch, repeats: int, work: Path) -> str:
    """The in-process breakdown, as Markdown."""
    times = import_times(max(repeats, 3))
    groups = grouped(times)
    lines = [
        f'`python -X importtime -c "import xlwings, addin.excel.ribbon"`, least of '
        f"{max(repeats, 3)} runs per module; each module's own time goes to its group or to "
        "that of the nearest module that imported it first:",
        "",
        "| Group | ms (own times summed) |",
        "|---|---:|",
        *(f"| {g} | {ms:.0f} |" for g, ms in groups.items()),
        f"| all | {sum(groups.values()):.0f} |",
        "",
        "Top modules by cumulative time:",
        "",
        "| Module | cumulative ms | own ms |",
        "|---|---:|---:|",
        *(f"| {name} | {cum:.1f} | {own:.1f} |" for name, cum, own in top(times)),
        "",
    ]
    for button in ("validate", "export_csv"):
        d = press_detail(batch, button, repeats, work)
        rest = d["press"] - sum(python + excel for python, excel in d["steps"].values())
        lines += [
            f"`{button}` at {batch.rows:,} rows, one press in a fresh process, CPU s (least "
            f"of {repeats}): harness import {d['harness import']:.3f}, book built "
            f"{d['book built']:.3f}, ribbon import {d['ribbon import']:.3f}, press "
            f"{d['press']:.3f} of which the in-memory Excel's own work {d['excel']:.3f}. "
            f"The press said: {' | '.join(d['alerts'])}",
            "",
            "| Step of the press | Python s | in-memory Excel s |",
            "|---|---:|---:|",
            *(
                f"| {name} | {python:.4f} | {excel:.4f} |"
                for name, (python, excel) in d["steps"].items()
                if python or excel
            ),
            f"| the rest of the press (lock file, status bar, ...) | {rest:.4f} | — |",
            "",
        ]
        if button == "export_csv":
            lines += ["`record_export` includes its own `review` of the batch.", ""]
    return "\n".join(lines)


def press_figures(
    out: Path, seed: int, repeats: int, with_breakdown: bool = True
) -> tuple[list[Figure], str]:
    """The press figures at 1,000 and 10,000 rows, and (unless not asked) the breakdown."""
    installed_as_pip_does()
    with tempfile.TemporaryDirectory(prefix="batchsheet-press-") as scratch:
        work = Path(scratch)
        sized = batches(out, seed, work)
        measured = [measure_size(b, repeats, work, start_up=i == 0) for i, b in enumerate(sized)]
        text = breakdown(sized[0], repeats, work) if with_breakdown else ""
    return press_figures_from(measured, repeats), text


def main(argv: Sequence[str] | None = None) -> int:
    from .report import table

    p = argparse.ArgumentParser(prog="python -m bench.press", description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=generate.OUT, help="generated data (bench/out)")
    args = p.parse_args(argv)
    figures, text = press_figures(args.out, args.seed, args.repeats)
    print(table(figures))
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
