"""Working on a whole batch at once."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def without_cycle_collection(work: Callable[P, T]) -> Callable[P, T]:
    """Run `work` with Python's cyclic garbage collector paused.

    Reading a batch allocates millions of small objects that hold no reference cycles; the
    collector would scan all of them again and again as they pile up, which took half the
    time of a 120,000-record check. Reference counting still frees everything as usual.
    """

    @functools.wraps(work)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused
