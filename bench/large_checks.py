"""`check` of large files, as a whole process: a clean-looking batch and one with every row
wrong, the human report and `--json`, at a large size and at a tenth of it.

    python -m bench.run --records 1000000 --only checks --repeats 2 --out /tmp/bench-1m

- the damaged Pastel CSV of `docs_for_records(N)` documents (about N records, 3 % damaged):
  `check` and `check --json`;
- an Infusion CSV of N rows, every one wrong (`generate.make_infusion_wrong`): `check` and
  `check --json`.

Each against a csv.reader parse of its file, a whole process too, in turns. The targets
(issue 28): the cost per record at N within 1.2× of that at N/10; `check` of the Pastel
file within 600 MB at 1,000,000 records; `--json` of the file with every row wrong at most
1.5× the human report of it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from . import generate, pastel_data
from .commands import CSV_PARSE, Run, batchsheet, in_turns, installed_as_pip_does
from .figures import Figure

GROWTH_LIMIT = 1.2
CHECK_MEMORY_MB = 600.0
JSON_LIMIT = 1.5
PREFIX = "large check: "


@dataclass(frozen=True)
class Input:
    title: str
    format: str
    encoding: str
    large: Path
    small: Path
    unit: str


def _inputs(records: int, seed: int, out: Path) -> list[Input]:
    small = max(records // 10, 100)
    pastel = [
        generate.make_pastel(
            generate.PastelFiles(pastel_data.docs_for_records(n), seed, out), kinds=("csv",)
        ).csv
        for n in (records, small)
    ]
    wrong = [generate.make_infusion_wrong(n, seed, out) for n in (records, small)]
    return [
        Input("Pastel", generate.PASTEL, "cp1252", pastel[0], pastel[1], "records"),
        Input("Infusion, every row wrong", generate.INFUSION, "utf-8", wrong[0], wrong[1], "rows"),
    ]


def _count(path: Path, unit: str) -> int:
    with open(path, "rb") as f:
        lines = sum(1 for _ in f)
    return lines - (unit == "rows")  # Infusion's header row


def large_check_figures(records: int, seed: int, out: Path, repeats: int) -> list[Figure]:
    installed_as_pip_does()
    exe, py = batchsheet(), sys.executable
    work = out / "large-checks"
    work.mkdir(parents=True, exist_ok=True)
    figures = []
    for given in _inputs(records, seed, out):
        runs: dict[str, dict[str, Run]] = {}
        counts: dict[str, int] = {}
        for label, path in (("large", given.large), ("small", given.small)):
            counts[label] = _count(path, given.unit)
            check = [exe, "check", str(path), "--format", given.format]
            commands = {
                "parse": ([py, "-c", CSV_PARSE, str(path), given.encoding], None),
                "check": (check, None),
                "check --json": ([*check, "--json"], None),
            }
            print(f"  {given.title}: {counts[label]:,} {given.unit}", flush=True)
            runs[label] = in_turns(commands, repeats, work)
        large, small = runs["large"], runs["small"]
        floor = large["parse"]
        for name in ("check", "check --json"):
            ours = large[name]
            growth = (ours.cpu / counts["large"]) / (small[name].cpu / counts["small"])
            fig = Figure(
                f"{PREFIX}{name} ({given.title})",
                f"{counts['large']:,} {given.unit}",
                ours=ours.cpu,
                baseline=floor.cpu,
                baseline_name="csv.reader parse",
                ratio=ours.cpu / floor.cpu,
                ratio_words=f"{ours.cpu / floor.cpu:.2f}× CPU ({ours.wall / floor.wall:.2f}× wall)",
                wall=ours.wall,
                peak_mb=ours.peak_mb,
            )
            fig.growth_ours = growth
            fig.growth_baseline = (floor.cpu / counts["large"]) / (
                small["parse"].cpu / counts["small"]
            )
            targets = [f"per {given.unit[:-1]} ≤ {GROWTH_LIMIT}× at a tenth"]
            met = growth <= GROWTH_LIMIT
            if name == "check" and given.format == generate.PASTEL:
                targets.append(f"≤ {CHECK_MEMORY_MB:.0f} MB")
                met = met and ours.peak_mb <= CHECK_MEMORY_MB
            if name == "check --json" and given.format == generate.INFUSION:
                human = large["check"]
                targets.append(f"≤ {JSON_LIMIT}× the human report")
                met = met and ours.cpu <= JSON_LIMIT * human.cpu
                fig.notes.append(
                    f"against the human report: {ours.cpu / human.cpu:.2f}× CPU, "
                    f"{ours.peak_mb / human.peak_mb:.2f}× peak memory; at the tenth "
                    f"{small[name].cpu / small['check'].cpu:.2f}× CPU"
                )
            fig.target, fig.met = "; ".join(targets), met
            s = small[name]
            fig.notes.append(
                f"{counts['small']:,} {given.unit}: CPU {s.cpu:.2f} s, wall {s.wall:.2f} s, "
                f"{s.peak_mb:.0f} MB; parse at {counts['large']:,}: CPU {floor.cpu:.2f} s, "
                f"{floor.peak_mb:.0f} MB; exit code {ours.code} ({s.code} at the tenth)"
            )
            figures.append(fig)
    return figures
