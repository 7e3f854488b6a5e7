"""Where one whole command's time goes, stage by stage, without a profiler's distortion.

    python -m bench.stages check bench/out/pastel-batch-20000docs-s20250514-v2.csv \
        --format pastel-customer
    python -m bench.stages validate bench/out/pastel-typed-16667docs-s20250514-v2.xlsx

Runs `batchsheet ARGS…` in this process and prints on stderr the CPU time spent before
each stage the command announces (`progress.stage`: reading, checking, adding up, writing
…), from start-up to exit. Each stage runs until the next is announced, so the last one
holds the output and the freeing of the batch as the command returns. The command's own
output goes to stdout as usual (send it to /dev/null). Run it on a quiet machine and more
than once: it is one process, not a best of N.
"""

from __future__ import annotations

import atexit
import sys
import time

_started = time.process_time()
_last = [_started, "start-up (imports)"]


def _heard(words: str | None) -> None:
    now = time.process_time()
    print(f"{now - _last[0]:7.3f} s  {_last[1]}", file=sys.stderr)
    _last[:] = [now, words or "interpreter exit"]


def _at_exit() -> None:
    now = time.process_time()
    print(f"{now - _last[0]:7.3f} s  {_last[1]}", file=sys.stderr)
    print(f"{now:7.3f} s  CPU in all (the interpreter's own start not included)", file=sys.stderr)


def main() -> int:
    from addin import progress
    from addin.cli import main as batchsheet

    atexit.register(_at_exit)
    with progress.shown_to(_heard):
        return batchsheet(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
