"""The benchmark table, for the terminal and for bench/RESULTS.md (the same Markdown)."""

from __future__ import annotations

from .figures import Figure

_HEAD = (
    "| Figure | Size | Ours | Baseline | Result | Target | Met | Growth ×10 (ours / baseline) |",
    "|---|---|---:|---:|---|---|---|---|",
)


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f} s"


def _growth(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _met(value: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "—"}[value]


def table(figures: list[Figure]) -> str:
    lines = list(_HEAD)
    for f in figures:
        baseline = _seconds(f.baseline)
        if f.baseline_name and f.baseline is not None:
            baseline += f" ({f.baseline_name})"
        lines.append(
            f"| {f.name} | {f.size or '—'} | {_seconds(f.ours)} | {baseline} | "
            f"{f.ratio_words or '—'} | {f.target or '—'} | {_met(f.met)} | "
            f"{_growth(f.growth_ours)} / {_growth(f.growth_baseline)} |"
        )
    notes = [f"- **{f.name}**: {note}" for f in figures for note in f.notes]
    if notes:
        lines += ["", "Notes:", "", *notes]
    return "\n".join(lines)


def summary(figures: list[Figure]) -> str:
    """One line for the README, from the whole commands."""
    by_name: dict[str, Figure] = {}
    for f in figures:
        if f.ratio:
            by_name.setdefault(f.name, f)  # the first: the one held to the target
    libraries = {
        f.baseline_name.split(",")[0]: f
        for f in figures
        if f.name == "batchsheet import CSV (Pastel)" and f.ratio
    }
    parts = []
    if f := by_name.get("batchsheet check CSV (Pastel)"):
        parts.append(
            f"`batchsheet check` of {f.size}: {f.ours:.2f} s CPU, {f.ratio:.1f}× a csv.reader "
            "parse of the file"
        )
    if f := by_name.get("batchsheet check CSV (Infusion) vs frictionless"):
        parts.append(f"{f.ratio:.1f}× faster than frictionless-py on {f.size} of Infusion")
    if f := by_name.get("batchsheet validate BOOK"):
        parts.append(
            f"`validate` of a workbook of {f.size}: {f.ours:.2f} s, {f.ratio:.1f}× a "
            "python-calamine read of the sheet"
        )
    if f := by_name.get("batchsheet validate BOOK --mark"):
        parts.append(f"`--mark` {f.ratio:.1f}×")
    if f := by_name.get("batchsheet export BOOK"):
        parts.append(f"`export` {f.ours:.2f} s ({f.ratio:.1f}× the read)")
    if f := by_name.get("batchsheet import CSV (Pastel)"):
        words = f"`import` of {f.size}: {f.ours:.2f} s ({f.ratio:.2f}× its writer's own floor"
        if xw := libraries.get("XlsxWriter constant-memory"):
            words += f"; XlsxWriter alone takes {xw.baseline:.1f} s to write the same cells"
        parts.append(words + ")")
    if f := by_name.get("batchsheet --help"):
        parts.append(f"start-up (`--help`) {f.ours:.2f} s")
    return "; ".join(parts) + " (whole processes, CPU time)." if parts else ""


def _whole(f: Figure) -> bool:
    return f.whole_process or f.name.startswith("batchsheet")


def ledger_table(figures: list[Figure]) -> str:
    """`check` against each large ledger, held against the same check with none."""
    lines = [
        "| Ledger | Checked | CPU | Wall | Peak RSS | No ledger (CPU) | Ratio | Target | Met |",
        "|---|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.name.removeprefix(LEDGER)} | {f.size} | {_seconds(f.ours)} | "
            f"{_seconds(f.wall)} | {_mb(f.peak_mb)} | {_seconds(f.baseline)} | "
            f"{f.ratio_words or '—'} | {f.target or '—'} | {_met(f.met)} |"
        )
    return "\n".join(lines)


PIPELINE = "pipeline: "
INSPECTION = "inspect_package"
LEDGER = "check against a ledger of "
LARGE_CHECK = "large check: "


def _large(f: Figure) -> bool:
    return f.name.startswith((PIPELINE, INSPECTION, LEDGER, LARGE_CHECK))


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} MB"


def pipeline_table(figures: list[Figure], prefix: str = PIPELINE) -> str:
    """The pipeline's steps (or the large checks): each a whole process, against its floor
    and its own cost per record at a tenth of the size."""
    lines = [
        "| Command | Records | CPU | Wall | Peak RSS | Floor (CPU) | Ratio to floor "
        "| Per record ×10 (ours / floor) | Target | Met |",
        "|---|---:|---:|---:|---:|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| `batchsheet {f.name.removeprefix(prefix)}` | {f.size.split()[0]} | "
            f"{_seconds(f.ours)} | {_seconds(f.wall)} | {_mb(f.peak_mb)} | "
            f"{f.baseline_name} {_seconds(f.baseline)} | {f.ratio_words or '—'} | "
            f"{_growth(f.growth_ours)} / {_growth(f.growth_baseline)} | {f.target or '—'} | "
            f"{_met(f.met)} |"
        )
    return "\n".join(lines)


def inspection_table(figures: list[Figure]) -> str:
    lines = [
        "| Workbook | Rows | CPU per 100,000 rows | At a tenth | Ratio | Target | Met |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {_spelling(f)} | {f.size.split()[0]} | {_seconds(f.ours)} | {_seconds(f.baseline)} "
            f"| {f.ratio_words or '—'} | {f.target or '—'} | {_met(f.met)} |"
        )
    return "\n".join(lines)


def _spelling(f: Figure) -> str:
    return f.name.removeprefix(INSPECTION).strip(" ()")


def large_markdown(
    figures: list[Figure], command: str, machine: dict[str, str], repeats: int
) -> list[str]:
    """The sections of bench/RESULTS.md for the pipeline, the inspection and the ledger:
    each replaced by a run that measures it, the others left as they were."""
    steps = [f for f in figures if f.name.startswith(PIPELINE)]
    inspected = [f for f in figures if f.name.startswith(INSPECTION)]
    against_ledger = [f for f in figures if f.name.startswith(LEDGER)]
    checks = [f for f in figures if f.name.startswith(LARGE_CHECK)]

    def head(title: str) -> list[str]:
        return [
            f"## {title}",
            "",
            f"- Date: {machine['date']}; code `{machine['commit']}`",
            f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['system']}, "
            f"Python {machine['python']}",
            f"- Load average (1, 5, 15 min): {machine['load']}",
            f"- Command: `{command}` (the best of {repeats} by CPU)",
            "",
        ]

    sections = []
    if steps:
        lines = head(f"{steps[0].size}: the whole pipeline")
        lines += [
            "Each step a process of its own on what the step before it left, timed from start "
            "to exit (CPU user + system, wall, peak resident memory), in turns with its floor. "
            "The last column but two is the cost per record at this size over the same "
            "command's at a tenth of it, in the same run: 1.00 is linear.",
            "",
            pipeline_table(steps),
            "",
            *(f"- **{f.name.removeprefix(PIPELINE)}**: {n}" for f in steps for n in f.notes),
        ]
        sections.append("\n".join(lines))
    if inspected:
        lines = head(f"{inspected[0].size.split()[0]} rows: the package inspection")
        lines += [
            "`inspect_package` in process (CPU, the median of at least three repeats) on the "
            "workbooks `import` wrote, and on the same workbooks with every cell spelled "
            '`<c s="…" r="…">`. The extent is also found both ways, each timed alone (CPU): '
            "the one pass the inspection uses and cell by cell (`_measured`).",
            "",
            inspection_table(inspected),
            "",
            *(f"- **{_spelling(f)}**: {n}" for f in inspected for n in f.notes),
        ]
        sections.append("\n".join(lines))
    if checks:
        lines = head(f"{checks[0].size.split()[0]} records: `check`, `--json`, every row wrong")
        lines += [
            "`batchsheet check` of the bench's damaged Pastel CSV and of an Infusion CSV with "
            "every row wrong (`bench/large_checks.py`), the human report and `--json`, each a "
            "process of its own in turns with a csv.reader parse of the same file. The last "
            "column but two is the cost per record at this size over the same command's at a "
            "tenth of it, in the same run: 1.00 is linear.",
            "",
            pipeline_table(checks, LARGE_CHECK),
            "",
            *(f"- **{f.name.removeprefix(LARGE_CHECK)}**: {n}" for f in checks for n in f.notes),
        ]
        sections.append("\n".join(lines))
    if against_ledger:
        lines = head("The batch ledger as it grows: `check` against 1,000,000 ledger records")
        lines += [
            "`batchsheet check` of the Pastel CSV, a whole process each, against a ledger the "
            "bench wrote with `Ledger.record`, and with no ledger, in turns "
            "(`bench/ledger_check.py`).",
            "",
            ledger_table(against_ledger),
            "",
            *(f"- **{f.name.removeprefix(LEDGER)}**: {n}" for f in against_ledger for n in f.notes),
        ]
        sections.append("\n".join(lines))
    return sections


def with_section(text: str, section: str) -> str:
    """`text` with `section` in place of the section of the same heading, or appended."""
    heading = section.split("\n", 1)[0]
    start = text.find(heading + "\n")
    if start < 0:
        return text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    end = text.find("\n## ", start + len(heading))
    rest = text[end + 1 :] if end >= 0 else ""
    return text[:start] + section.rstrip("\n") + "\n" + ("\n" + rest if rest else "")


def results_markdown(
    figures: list[Figure],
    command: str,
    machine: dict[str, str],
    repeats: int,
    sections: dict[str, str] | None = None,
) -> str:
    """The whole file; `sections` (title: Markdown) follow the README line."""
    extra = [
        line for title, text in (sections or {}).items() for line in (f"## {title}", "", text, "")
    ]
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"- Date: {machine['date']}",
            f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['system']}",
            f"- Python: {machine['python']}",
            f"- Load average (1, 5, 15 min): {machine['load']}. Other work on the machine "
            "inflates wall times; each figure's notes give the same ratio in CPU time.",
            f"- Code: `{machine['commit']}`",
            f"- Command: `{command}` (medians of {repeats} repeats; the CSV figure of at least 5)",
            "",
            "Ratios are measured in the same run as their baselines. Growth is the time per "
            "record at the large size divided by the time per record at a tenth of it: 1.00 "
            "is linear.",
            "",
            "## Whole commands, as the user waits for them",
            "",
            "Each command is its own process, timed from start to exit; its floor is a whole "
            "process too, run in turns with it.",
            "",
            table([f for f in figures if _whole(f)]),
            "",
            "## In-process breakdown",
            "",
            "The engine's parts timed inside one process: where a command's time goes, not "
            "what a user waits for.",
            "",
            table([f for f in figures if not _whole(f) and not _large(f)]),
            "",
            "## For the README",
            "",
            summary(figures),
            "",
            *extra,
            *(s + "\n" for s in large_markdown(figures, command, machine, repeats)),
        ]
    )
