"""`batchsheet check` against a large batch ledger, and against none.

    python -m bench.run --only ledger     # 1,000,000 ledger records, the bench's Pastel file

The bench writes two ledgers of `LEDGER_RECORDS` document records each, with the product's
own `Ledger.record`:

- unrelated: documents that are not in the checked file, in batches of the file's size;
- the same documents: the checked file's own documents, recorded again and again (50 times
  for the 20,000 documents of the full-size file), so every document of the check is in
  the ledger as many times, and the check warns on every one with the first batch.

`batchsheet check` of the bench's damaged Pastel CSV is then timed as a whole process against
each, and with no ledger at all (a path where none is), in turns; the ratio to the check
without a ledger is what a ledger adds.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from addin.engine.batch import Context
from addin.engine.csv_batch import read_csv_batch
from addin.engine.totals import DocumentTotal, document_totals
from addin.ledger import ALREADY_EXPORTED, Ledger
from addin.specs import get_spec

from .commands import Run, batchsheet, in_turns, installed_as_pip_does
from .figures import Figure
from .generate import PASTEL, PastelFiles, make_pastel
from .report import LEDGER

LEDGER_RECORDS = 1_000_000
# The target: a check against such a ledger at most this many times one without.
LIMIT = 1.2
NO_LEDGER = "no ledger"
UNRELATED = "unrelated documents"
SAME = "the checked documents, recorded many times"


def _checked_documents(csv_path: Path) -> list[DocumentTotal]:
    spec = get_spec(PASTEL)
    batch = read_csv_batch(spec, csv_path.read_bytes(), str(csv_path), Context(row_word="line"))
    return list(document_totals(batch))


def _unrelated(start: int, count: int) -> Iterator[DocumentTotal]:
    """Documents no generated file holds: accounts and numbers of their own."""
    for n in range(start, start + count):
        amount = Decimal(n % 100_000) / 100
        yield DocumentTotal(
            row=n % 10_000 + 1,
            key=(f"LEDGER{n % 5000:05d}", f"INV-L{n:08d}"),
            exclusive=amount,
            tax=None,
            inclusive=amount,
            column="A",
            format=PASTEL,
        )


def _fill(path: Path, batches: Iterator[list[DocumentTotal]]) -> tuple[int, int]:
    """A fresh ledger at `path` holding `batches`; how many batches and records."""
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    ledger = Ledger(path)
    count = records = 0
    for documents in batches:
        ledger.record(PASTEL, path.parent / f"export-{count + 1}.csv", documents)
        count += 1
        records += len(documents)
    return count, records


def make_ledgers(csv_path: Path, work: Path) -> dict[str, tuple[Path, int, int]]:
    """The two ledgers, written afresh by this code's `Ledger.record`: name → path,
    batches, records."""
    work.mkdir(parents=True, exist_ok=True)
    documents = _checked_documents(csv_path)
    per_batch = len(documents)
    times = max(LEDGER_RECORDS // per_batch, 1)
    made: dict[str, tuple[Path, int, int]] = {}
    unrelated = work / "unrelated.sqlite3"
    made[UNRELATED] = (
        unrelated,
        *_fill(
            unrelated,
            (
                list(_unrelated(start, min(per_batch, LEDGER_RECORDS - start)))
                for start in range(0, LEDGER_RECORDS, per_batch)
            ),
        ),
    )
    same = work / "same.sqlite3"
    made[SAME] = (same, *_fill(same, (documents for _ in range(times))))
    return made


def ledger_figures(records: int, seed: int, out: Path, repeats: int) -> list[Figure]:
    """The check of the Pastel file of `records` (N/5 documents, as `bench.run` makes it)
    against each ledger and against none."""
    installed_as_pip_does()
    files = make_pastel(PastelFiles(max(records // 5, 1), seed, out), kinds=("csv",))
    work = out / "ledger"
    started = dt.datetime.now()
    ledgers = make_ledgers(files.csv, work)
    made_in = (dt.datetime.now() - started).total_seconds()
    exe = batchsheet()
    source = str(files.csv)

    def check(ledger: Path) -> list[str]:
        return [exe, "check", source, "--format", PASTEL, "--ledger", str(ledger)]

    absent = work / "absent.sqlite3"
    absent.unlink(missing_ok=True)
    commands: dict[str, tuple[list[str], None]] = {NO_LEDGER: (check(absent), None)}
    commands.update({name: (check(path), None) for name, (path, _, _) in ledgers.items()})
    runs = in_turns(commands, repeats, work)
    if absent.exists():
        raise RuntimeError(f"check created the ledger {absent}")
    floor = runs[NO_LEDGER]
    held_records = _records(files.csv)
    figures = []
    for name, (path, batches, held) in ledgers.items():
        ours = runs[name]
        ratio = ours.cpu / floor.cpu
        fig = Figure(
            f"{LEDGER}{name}",
            f"{held_records:,} records",
            ours=ours.cpu,
            baseline=floor.cpu,
            baseline_name="the same check with no ledger, whole process",
            ratio=ratio,
            ratio_words=f"{ratio:.2f}× CPU ({ours.wall / floor.wall:.2f}× wall); "
            f"peak {ours.peak_mb:.0f} MB",
            target=f"≤ {LIMIT}× the check with no ledger",
            met=ratio <= LIMIT,
            wall=ours.wall,
            peak_mb=ours.peak_mb,
        )
        fig.notes.append(
            f"ledger {path.name}: {held:,} records in {batches:,} batches, "
            f"{path.stat().st_size / 2**20:.0f} MB; "
            + _said(ours, floor, repeats, commands[name][0])
        )
        figures.append(fig)
    figures[0].notes.append(f"both ledgers written by Ledger.record in {made_in:.0f} s")
    return figures


def _said(ours: Run, floor: Run, repeats: int, argv: list[str]) -> str:
    """The timings, and what the check said (run again with --json, untimed)."""
    done = subprocess.run([*argv, "--json"], capture_output=True, check=False)
    findings = json.loads(done.stdout)["findings"]
    named = Counter(
        f["message"].split("(ledger batch ")[1].split(")")[0]
        for f in findings
        if f["code"] == ALREADY_EXPORTED
    )
    return (
        f"wall {ours.wall:.2f} s, CPU {ours.cpu:.2f} s, {ours.peak_mb:.0f} MB (best of "
        f"{repeats}); no ledger: wall {floor.wall:.2f} s, CPU {floor.cpu:.2f} s, "
        f"{floor.peak_mb:.0f} MB; exit code {ours.code}; {sum(named.values()):,} documents "
        "warned as exported before"
        + (f", naming ledger batch {', '.join(sorted(named))}" if named else "")
    )


def _records(csv_path: Path) -> int:
    with open(csv_path, "rb") as f:
        return sum(1 for _ in f)
