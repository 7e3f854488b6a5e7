"""Building the Batchsheet Excel add-in and installing it for the current user."""

from __future__ import annotations

from .actions import ACTIONS, run
from .xlam import build_xlam

__all__ = ["ACTIONS", "build_xlam", "run"]
