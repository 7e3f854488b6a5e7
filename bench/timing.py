"""Timing: medians of repeats, with the cyclic garbage collector kept out of the numbers."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Timing:
    seconds: tuple[float, ...]
    # What the last repeat returned, so a figure can report what it measured (rows, errors).
    result: Any = None
    # CPU time of this process per repeat: unlike wall time, other programs on a shared
    # machine do not inflate it, so it checks the wall-time ratios.
    cpu: tuple[float, ...] = ()

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def spread(self) -> float:
        """(max - min) / median: how far the repeats disagree."""
        return (max(self.seconds) - min(self.seconds)) / self.median if self.median else 0.0


def measure(fn: Callable[[], Any], repeats: int) -> Timing:
    """Run `fn` `repeats` times; the collector runs between repeats, never inside one.

    Both sides of every ratio are measured this way, so a collection pause landing in one
    side's repeat cannot tilt the ratio.
    """
    seconds = []
    cpu = []
    result = None
    for _ in range(repeats):
        result = None  # free the previous repeat's result before the next one starts
        gc.collect()
        gc.disable()
        try:
            start, start_cpu = time.perf_counter(), time.process_time()
            result = fn()
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        finally:
            gc.enable()
    return Timing(tuple(seconds), result, tuple(cpu))


def measure_together(fns: list[Callable[[], Any]], repeats: int) -> list[Timing]:
    """Time several functions in turns (a, b, a, b, ...), one `measure` each round.

    Other work on the machine then slows every side alike instead of whichever side
    happened to be running, so the ratios between them hold up on a busy machine.
    """
    seconds: list[list[float]] = [[] for _ in fns]
    cpu: list[list[float]] = [[] for _ in fns]
    results: list[Any] = [None] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            results[i] = None
            t = measure(fn, 1)
            seconds[i].append(t.seconds[0])
            cpu[i].append(t.cpu[0])
            results[i] = t.result
    return [Timing(tuple(s), r, tuple(c)) for s, r, c in zip(seconds, results, cpu)]
