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
    """One line for the README."""
    by_name: dict[str, Figure] = {}
    for f in figures:
        # The first of a name is the headline (validate of the workbook as Excel saves it).
        by_name.setdefault(f.name.split(" (")[0], f)
    parts = []
    if (f := by_name.get("CSV check")) and f.ratio:
        parts.append(
            f"`check` of {f.size} in {f.ours:.2f} s ({f.ratio:.1f}× a bare csv.reader parse)"
        )
    if (f := by_name.get("vs frictionless")) and f.ratio:
        parts.append(f"{f.ratio:.1f}× faster than frictionless-py")
    if (f := by_name.get("Workbook validate")) and f.ratio:
        parts.append(
            f"`validate` of a workbook of {f.size} in {f.ours:.1f} s ({f.ratio:.2f}× the bare read)"
        )
    for f in figures:
        if f.name.startswith(("Export", "Import")) and f.ratio_words:
            parts.append(f"{f.name.split(' ')[0].lower()} {f.ratio_words}")
    return "; ".join(parts) + "." if parts else ""


def results_markdown(
    figures: list[Figure], command: str, machine: dict[str, str], repeats: int
) -> str:
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
            table(figures),
            "",
            "## For the README",
            "",
            summary(figures),
            "",
        ]
    )
