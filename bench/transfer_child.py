"""One import or export in a fresh process, reporting its time and the process's peak memory.

    python -m bench.transfer_child import FORMAT SOURCE.csv TARGET.xlsx
    python -m bench.transfer_child export BOOK.xlsx TARGET.csv

A fresh process per run, so the peak resident size belongs to this one transfer and nothing
measured before it. Prints one JSON object. The collector stays on: memory is
measured as a user would meet it.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from addin.specs import SPECS
from addin.transfer import export_book, import_csv


def _rss_mb() -> float:
    """Peak resident size of this process so far, in MB.

    VmHWM first: Linux carries ru_maxrss across fork and exec, so a child started by a
    large parent would report the parent's size. VmHWM belongs to this address space only.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    # Elsewhere ru_maxrss is the best there is (kilobytes on Linux, bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def main(argv: list[str]) -> int:
    action = argv[0]
    before = _rss_mb()
    start = time.perf_counter()
    if action == "import":
        spec_name, source, target = argv[1:4]
        done = import_csv(SPECS[spec_name], Path(source), Path(target), replace=True)
    elif action == "export":
        book, target = argv[1:3]
        done = export_book(Path(book), Path(target), replace=True)
    else:
        print(f"unknown action {action!r}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "records": done.lines,
                "errors": done.batch.report.errors,
                "start_mb": before,
                "peak_mb": _rss_mb(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
