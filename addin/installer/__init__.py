"""Building the Batchsheet Excel add-in and installing it for the current user.

The names below load on first use: a button press imports `addin.installer.caller` and
should not pay for the add-in builder (pyopenvba) it never uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .actions import ACTIONS, run
    from .xlam import build_xlam

__all__ = ["ACTIONS", "build_xlam", "run"]

_HOMES = {"ACTIONS": ".actions", "run": ".actions", "build_xlam": ".xlam"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home, __name__), name)
