"""The work behind the Lite buttons (`addin/lite/main.py`); filled in by the next commit."""

from __future__ import annotations

from typing import Any


async def validate(book: Any) -> None:
    raise NotImplementedError


async def clear_marks(book: Any) -> None:
    raise NotImplementedError


async def fix(book: Any, *, apply: bool = False) -> None:
    raise NotImplementedError


async def export_csv(book: Any) -> None:
    raise NotImplementedError


async def import_csv(book: Any, file_name: str = "") -> None:
    raise NotImplementedError
