"""What a message tells the user to do, named as the part of Batchsheet they are using.

The engine's messages reach a terminal and the ribbon alike. One that says what to do next
names a command (`batchsheet new-batch`) to someone at a terminal and a button (New batch)
to someone in Excel; the ribbon says which it is while a press runs (`pressing`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Each action: the command that does it, and the button that does it (None: no button does;
# the command is named, to be run in a terminal).
_ACTIONS: dict[str, tuple[str, str | None]] = {
    "new-batch": ("`batchsheet new-batch`", "New batch"),
    "import": ("`batchsheet import`", "Import CSV"),
}

_BUTTONS: ContextVar[bool] = ContextVar("buttons", default=False)


def action(name: str) -> str:
    """The command or button that does `name`, for whoever is reading."""
    command, button = _ACTIONS[name]
    if _BUTTONS.get() and button is not None:
        return button
    return command


@contextmanager
def pressing() -> Iterator[None]:
    """While a ribbon button runs: messages name buttons."""
    token = _BUTTONS.set(True)
    try:
        yield
    finally:
        _BUTTONS.reset(token)
