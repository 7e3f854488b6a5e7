"""Whole commands as the user waits for them: each a process of its own, timed from start to
exit (start-up, reading, output and all), against a floor that is also a whole process,
measured in turns in the same run.

    `batchsheet --help`                   against   `python -c pass` (both as a user's
                                          `pip install .` installs them)
    `batchsheet check CSV` (and --json)   against   a csv.reader parse of the file
    frictionless validating the file      against   `batchsheet check` of it (Infusion)
    `batchsheet validate BOOK`            against   a python-calamine read of the data sheet
    `batchsheet validate BOOK --mark`     against   the same read
    `batchsheet fix BOOK`                 against   the same read, and `validate`
    `batchsheet fix BOOK --apply`         against   the same read
    `batchsheet export BOOK`              against   the same read
    `batchsheet import CSV`               against   the writer writing the same cells

and the same four (`check` and `--json`, `validate`, `export`, `import`) on a Pastel journal
of as many lines as the document batch has records, against the same floors, so the cost
per line of a journal compares with the cost per record of a document batch.

A command that changes its workbook gets a fresh copy before every run (the copying is not
timed). Each figure reports the child's wall time, its CPU time (user + system, from
`wait4`) and its peak resident memory, the best of the repeats; output goes to a file.
Every figure is measured at the large size and at a tenth of it, for its growth.
"""

from __future__ import annotations

import compileall
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .figures import Data, Figure

ROOT = Path(__file__).resolve().parent.parent

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
    """One whole process; its wall time, CPU time and peak memory as the kernel counts them.

    Its batch ledger is a fresh one in the scratch folder: a benchmark must not fill the
    user's ledger, and every run starts as a first export does."""
    stats = out.with_suffix(".time")
    ledger = out.parent / "ledger.sqlite3"
    ledger.unlink(missing_ok=True)
    env = {**os.environ, "BATCHSHEET_LEDGER": str(ledger)}
    launcher = [GNU_TIME, "-f", "%M", "-o", str(stats)] if GNU_TIME else []
    with open(out, "wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen([*launcher, *argv], stdout=sink, stderr=subprocess.STDOUT, env=env)
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


CSV_PARSE = (
    "import csv, io, sys\n"
    "text = open(sys.argv[1], 'rb').read().decode(sys.argv[2])\n"
    "rows = list(csv.reader(io.StringIO(text, newline='')))\n"
)
FRICTIONLESS = (
    "import sys\n"
    "from pathlib import Path\n"
    "from bench.vs_frictionless import validate\n"
    "validate(Path(sys.argv[1]))\n"
)


@dataclass(frozen=True)
class Command:
    """One timed command: how it is run, what it is held against, and its target."""

    name: str
    argv: Callable[[Path, Path], list[str]]  # (input, scratch folder) -> argv
    against: str
    limit: float | None = None
    target: str = ""
    memory: float | None = None  # MB
    changes_input: bool = False
    # Where the baseline is the slower one (frictionless), the ratio is theirs ÷ ours.
    faster_than: bool = False


@dataclass(frozen=True)
class Group:
    """Commands on one input, with their floors, at both sizes."""

    title: str
    large: Path
    small: Path
    floors: dict[str, Callable[[Path, Path], list[str]]]
    commands: list[Command]
    unit: str = "records"


def groups(data: Data) -> list[Group]:
    exe = batchsheet()
    py = sys.executable
    pastel, infusion = "pastel-customer", "infusion-customer-adjustments"

    def check(fmt: str, *extra: str) -> Callable[[Path, Path], list[str]]:
        return lambda src, _: [exe, "check", str(src), "--format", fmt, *extra]

    def on_book(*words: str) -> Callable[[Path, Path], list[str]]:
        command, *options = words
        return lambda src, _: [exe, command, str(src), *options]

    calamine = {"calamine read": lambda src, _: [py, "-c", CALAMINE_READ, str(src)]}
    return [
        Group(
            "start-up",
            data.pastel_csv,
            data.pastel_csv_small,
            # Both from a user's install (`user_install`), as a user starts them.
            {
                "python -c pass": lambda src, work: [
                    str(user_install(work) / "python"),
                    "-c",
                    "pass",
                ]
            },
            [
                Command(
                    "batchsheet --help",
                    lambda src, work: [str(user_install(work) / "batchsheet"), "--help"],
                    "python -c pass",
                    target="≤ 0.15 s CPU",
                )
            ],
            unit="",
        ),
        Group(
            "Pastel CSV",
            data.pastel_csv,
            data.pastel_csv_small,
            {"csv.reader parse": lambda src, _: [py, "-c", CSV_PARSE, str(src), "cp1252"]},
            [
                Command(
                    "batchsheet check CSV (Pastel)",
                    check(pastel),
                    "csv.reader parse",
                    3.0,
                    "≤ 3× the parse; ≤ 250 MB",
                    250,
                ),
                Command(
                    "batchsheet check CSV --json (Pastel)",
                    check(pastel, "--json"),
                    "csv.reader parse",
                    3.0,
                    "≤ 3× the parse; ≤ 250 MB",
                    250,
                ),
            ],
        ),
        Group(
            "Infusion CSV",
            data.infusion_csv,
            data.infusion_csv_small,
            {
                "csv.reader parse": lambda src, _: [py, "-c", CSV_PARSE, str(src), "utf-8"],
                **(
                    {"frictionless validate": lambda src, _: [py, "-c", FRICTIONLESS, str(src)]}
                    if _has_frictionless()
                    else {}
                ),
            },
            [
                Command(
                    "batchsheet check CSV (Infusion)",
                    check(infusion),
                    "csv.reader parse",
                    3.0,
                    "≤ 3× the parse; ≤ 250 MB",
                    250,
                ),
                *(
                    [
                        Command(
                            "batchsheet check CSV (Infusion) vs frictionless",
                            check(infusion),
                            "frictionless validate",
                            4.0,
                            "≥ 4× faster than frictionless",
                            faster_than=True,
                        )
                    ]
                    if _has_frictionless()
                    else []
                ),
            ],
            unit="rows",
        ),
        Group(
            "workbook as typed in Excel",
            data.typed_book,
            data.typed_book_small,
            calamine,
            [
                Command(
                    "batchsheet validate BOOK",
                    on_book("validate"),
                    "calamine read",
                    2.0,
                    "≤ 2× the calamine read; ≤ 250 MB",
                    250,
                ),
                Command(
                    "batchsheet validate BOOK --mark",
                    on_book("validate", "--mark"),
                    "calamine read",
                    3.0,
                    "≤ 3× the calamine read; ≤ 400 MB",
                    400,
                    changes_input=True,
                ),
                Command(
                    "batchsheet fix BOOK",
                    on_book("fix"),
                    "batchsheet validate BOOK",
                    1.3,
                    "≤ 1.3× validate",
                ),
                Command(
                    "batchsheet fix BOOK --apply",
                    on_book("fix", "--apply"),
                    "calamine read",
                    3.0,
                    "≤ 3× the calamine read",
                    changes_input=True,
                ),
            ],
            unit="rows",
        ),
        Group(
            "clean workbook (as our import writes it)",
            data.clean_book,
            data.clean_book_small,
            calamine,
            [
                Command(
                    "batchsheet export BOOK",
                    lambda src, work: [
                        exe,
                        "export",
                        str(src),
                        "-o",
                        str(work / "export.csv"),
                        "--force",
                    ],
                    "calamine read",
                ),
            ],
        ),
        _import_group("clean Pastel CSV", data.clean_csv, data.clean_csv_small, pastel, "records"),
        _import_group("Infusion CSV", data.infusion_csv, data.infusion_csv_small, infusion, "rows"),
        *_journal_groups(data),
    ]


def _journal_groups(data: Data) -> list[Group]:
    """The document batch's `check`, `validate`, `export` and `import`, on a journal."""
    exe, py = batchsheet(), sys.executable
    journal = "pastel-journal"
    calamine = {"calamine read": lambda src, _: [py, "-c", CALAMINE_READ, str(src)]}

    def check(*extra: str) -> Callable[[Path, Path], list[str]]:
        return lambda src, _: [exe, "check", str(src), "--format", journal, *extra]

    return [
        Group(
            "Pastel journal CSV",
            data.journal_csv,
            data.journal_csv_small,
            {"csv.reader parse": lambda src, _: [py, "-c", CSV_PARSE, str(src), "cp1252"]},
            [
                Command(
                    "batchsheet check CSV (journal)",
                    check(),
                    "csv.reader parse",
                    3.0,
                    "≤ 3× the parse; ≤ 250 MB",
                    250,
                ),
                Command(
                    "batchsheet check CSV --json (journal)",
                    check("--json"),
                    "csv.reader parse",
                    3.0,
                    "≤ 3× the parse; ≤ 250 MB",
                    250,
                ),
            ],
            unit="lines",
        ),
        Group(
            "journal as typed in Excel",
            data.journal_typed_book,
            data.journal_typed_book_small,
            calamine,
            [
                Command(
                    "batchsheet validate BOOK (journal)",
                    lambda src, _: [exe, "validate", str(src)],
                    "calamine read",
                    2.0,
                    "≤ 2× the calamine read; ≤ 250 MB",
                    250,
                ),
            ],
            unit="rows",
        ),
        Group(
            "clean journal workbook (as our import writes it)",
            data.journal_clean_book,
            data.journal_clean_book_small,
            calamine,
            [
                Command(
                    "batchsheet export BOOK (journal)",
                    lambda src, work: [
                        exe,
                        "export",
                        str(src),
                        "-o",
                        str(work / "export.csv"),
                        "--force",
                    ],
                    "calamine read",
                ),
            ],
            unit="rows",
        ),
        _import_group(
            "clean journal CSV",
            data.journal_clean_csv,
            data.journal_clean_csv_small,
            journal,
            "lines",
        ),
    ]


# The floors `import` is held against: writers writing the same typed cells, whole processes.
WRITER_FLOORS = {
    "spelled": "spelled cells (the least our writer does)",
    "openpyxl": "openpyxl write-only",
    "xlsxwriter": "XlsxWriter constant-memory",
    "rustpy": "rustpy-xlsxwriter (Rust)",
}


def _import_group(title: str, large: Path, small: Path, fmt: str, unit: str) -> Group:
    from .writer_floor import available

    exe, py = batchsheet(), sys.executable

    def floor(writer: str) -> Callable[[Path, Path], list[str]]:
        return lambda src, work: [
            py, "-m", "bench.writer_floor", writer, fmt, str(src), str(work / f"{writer}.xlsx")
        ]  # fmt: skip

    floors = {name: floor(w) for w, name in WRITER_FLOORS.items() if available(w)}
    name = f"batchsheet import CSV ({title.split()[-2]})"
    commands = [
        Command(
            name,
            lambda src, work: [
                exe,
                "import",
                str(src),
                "--format",
                fmt,
                "-o",
                str(work / "import.xlsx"),
                "--force",
            ],
            against,
            1.3 if writer == "spelled" else None,
            "≤ 1.3× the writer's own floor; ≤ 300 MB" if writer == "spelled" else "",
            memory=300 if writer == "spelled" else None,
        )
        for writer, against in WRITER_FLOORS.items()
        if against in floors
    ]
    return Group(title, large, small, floors, commands, unit)


def _has_frictionless() -> bool:
    from .vs_frictionless import available

    return available() is None


def command_figures(data: Data, repeats: int, only: Sequence[str] | None = None) -> list[Figure]:
    """Every command of `groups`, at the large and the small size, in turns with its
    floors; `only` picks the groups whose title or commands hold one of its words."""
    work = data.out / "commands"
    work.mkdir(parents=True, exist_ok=True)
    installed_as_pip_does()
    figures = []
    for group in groups(data):
        names = [group.title, *(c.name for c in group.commands)]
        if only and not any(w.casefold() in n.casefold() for w in only for n in names):
            continue
        figures += _group_figures(group, repeats, work)
    return figures


def installed_as_pip_does() -> None:
    """Compile the package's modules to bytecode, as `pip install` does: a user's command
    reads them compiled, and a checkout run with PYTHONDONTWRITEBYTECODE would otherwise
    compile forty modules from source in every timed process (about 0.07 s)."""
    for package in (ROOT / "addin", ROOT / "bench"):
        compileall.compile_dir(package, quiet=1)


def user_install(work: Path) -> Path:
    """The folder of commands of a fresh environment with the package installed as the
    README's `pip install .` installs it (built in isolation, its modules compiled), without
    its dependencies: for start-up figures of what loads none of them (`--help`).

    The checkout's own environment is an editable install, whose import hook every process
    there loads at start-up (about 15 ms of `pathlib`, `re` and the like that a user's
    install never loads): timed there, `--help` would carry it."""
    env = work / "user-env"
    if env in _USER_ENVS:
        return env / "bin"
    # Built from a copy: a build writes `build/` and `*.egg-info` beside its sources. A
    # folder left by an earlier run holds that run's code: built again.
    source = work / "user-source"
    for old in (env, source):
        shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "build",
                                                     "bench", "tests", "docs")
    )  # fmt: skip
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    subprocess.run(
        [env / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", str(source)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    _USER_ENVS.add(env)
    return env / "bin"


_USER_ENVS: set[Path] = set()


def _group_figures(group: Group, repeats: int, work: Path) -> list[Figure]:
    sizes: dict[str, dict[str, Run]] = {}
    counts: dict[str, int] = {}
    for label, source in (("large", group.large), ("small", group.small)):
        copy = work / f"{label}{source.suffix}"

        def fresh(source: Path = source, copy: Path = copy) -> None:
            shutil.copyfile(source, copy)

        fresh()
        counts[label] = _size(source)
        commands: dict[str, tuple[list[str], Callable[[], None] | None]] = {
            name: (argv(copy, work), None) for name, argv in group.floors.items()
        }
        for c in group.commands:
            commands[c.name] = (c.argv(copy, work), fresh if c.changes_input else None)
        sizes[label] = in_turns(commands, repeats, work)
    large, small = sizes["large"], sizes["small"]
    figures = []
    for c in group.commands:
        ours, base = large[c.name], large[c.against]
        if c.faster_than:
            ratio = base.cpu / ours.cpu
            words = f"{ratio:.2f}× faster (CPU; {base.wall / ours.wall:.2f}× wall)"
        else:
            ratio = ours.cpu / base.cpu
            words = f"{ratio:.2f}× CPU ({ours.wall / base.wall:.2f}× wall)"
        words += f"; peak {ours.peak_mb:.0f} MB"
        fig = Figure(
            c.name,
            f"{counts['large']:,} {group.unit}".strip() if group.unit else "—",
            ours=ours.cpu,
            baseline=base.cpu,
            baseline_name=f"{c.against}, whole process",
            ratio=ratio,
            ratio_words=words,
            target=c.target,
        )
        if c.name == "batchsheet --help":
            fig.met = ours.cpu <= 0.15
        elif c.limit is not None:
            fig.met = (ratio >= c.limit if c.faster_than else ratio <= c.limit) and (
                c.memory is None or ours.peak_mb <= c.memory
            )
        if group.unit:
            fig.growth_ours = (ours.cpu / counts["large"]) / (small[c.name].cpu / counts["small"])
            fig.growth_baseline = (base.cpu / counts["large"]) / (
                small[c.against].cpu / counts["small"]
            )
        fig.notes.append(
            f"{group.title}: wall {ours.wall:.2f} s, CPU {ours.cpu:.2f} s, {ours.peak_mb:.0f} MB "
            f"(best of {repeats}); {c.against}: wall {base.wall:.2f} s, CPU {base.cpu:.2f} s, "
            f"{base.peak_mb:.0f} MB; exit code {ours.code}"
        )
        figures.append(fig)
    return figures


def _size(source: Path) -> int:
    """Rows of a workbook's data sheet, or records of a CSV (its lines, less a header row)."""
    if source.suffix == ".xlsx":
        return _rows(source)
    with open(source, "rb") as f:
        lines = sum(1 for _ in f)
    return lines - (1 if b"Account Number" in source.read_bytes()[:200] else 0)


def _rows(book: Path) -> int:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Batch").height
