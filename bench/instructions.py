"""The CSV check against its floor in instructions executed, not seconds.

    python -m bench.instructions                  # a tenth of the full size
    python -m bench.instructions --records 100000

Wall and CPU times on a shared machine move by a third from one minute to the next;
instructions counted by valgrind's cachegrind do not move at all, so an engine change can be
judged by one run. Instructions miss what memory costs (cache misses, page faults), so the
timed ratio in `bench.run` stays the figure of record; this one is for comparing changes.
Needs `valgrind` (Debian: `apt-get install valgrind`).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import generate

# One process per measurement: interpreter start-up is measured alone and taken off.
_CHILD = """
import csv, io, sys
from pathlib import Path
from addin.engine.csv_batch import read_csv_batch
from addin.specs import SPECS
what, spec, path = sys.argv[1], SPECS[sys.argv[2]], Path(sys.argv[3])
data = path.read_bytes()
read_csv_batch(spec, data, str(path))  # compile the spec's patterns outside the count
if what == "bare":
    len(list(csv.reader(io.StringIO(data.decode(spec.encoding), newline=""))))
elif what == "check":
    read_csv_batch(spec, data, str(path))
"""


def instructions(what: str, spec: str, path: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={Path(tmp) / 'out'}",
                sys.executable,
                "-c",
                _CHILD,
                what,
                spec,
                str(path),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{run.stderr}")
    return int(found.group(1).replace(",", ""))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions")
    parser.add_argument(
        "--records",
        type=int,
        default=10_000,
        help="Infusion rows; Pastel gets a fifth as many documents (about 1.2 records each row)",
    )
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    docs, out = max(args.records // 5, 1), generate.OUT
    pastel = generate.make_pastel(generate.PastelFiles(docs, args.seed, out), kinds=["csv"])
    infusion = generate.InfusionFiles(args.records, args.seed, out)
    generate.make_infusion(infusion, workbooks=False)
    files = {"pastel-customer": pastel.csv, "infusion-customer-adjustments": infusion.csv}
    for spec, path in files.items():
        start = instructions("none", spec, path)
        bare = instructions("bare", spec, path) - start
        check = instructions("check", spec, path) - start
        print(
            f"{spec}: {path.name}: check {check / 1e6:,.1f} M instructions, csv.reader parse "
            f"{bare / 1e6:,.1f} M: {check / bare:.2f}× the parse"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
