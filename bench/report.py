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
            table([f for f in figures if not _whole(f)]),
            "",
            "## For the README",
            "",
            summary(figures),
            "",
            *extra,
        ]
    )
