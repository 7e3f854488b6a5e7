"""Saying what a long piece of work is doing while the user waits: on the terminal's stderr
for the command, in Excel's status bar for the buttons.

The work calls `stage("checking 120,388 records")` where it moves on to a new step; what is
listening (the terminal's counter, the status bar) shows it. Nothing listens by default, so
the engine costs nothing extra where no one watches: a pipe, a test, CI.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

Listener = Callable[[str | None], None]
_listeners: list[Listener] = []

# Work shorter than this shows nothing; longer work shows a line updated in place.
AFTER = 2.0
# The tests set it to 0 so the line shows at once.
AFTER_ENV = "BATCHSHEET_PROGRESS_AFTER"
TICK = 0.25


def stage(words: str) -> None:
    """The step the work is on now, in a few words ("writing book.xlsx")."""
    for listener in _listeners:
        listener(words)


@contextlib.contextmanager
def shown_to(listener: Listener) -> Iterator[None]:
    """While the block runs, `listener` hears every stage; None when it is over."""
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)
        listener(None)


class TerminalLine:
    """One line on a terminal, rewritten in place: the stage and the seconds so far.

    It waits `after` seconds before showing anything, so short work prints nothing extra,
    and it erases itself at the end, so the report that follows starts on a clean line.
    """

    def __init__(self, stream: TextIO, label: str, after: float = AFTER) -> None:
        self.stream = stream
        self.label = label
        self.after = after
        self.words = ""
        self.started = time.monotonic()
        self.shown = False
        # Loaded here, not with the module: `--help` and a short command never start a line.
        import threading

        self.done = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="progress", daemon=True)
        self.thread.start()

    def __call__(self, words: str | None) -> None:
        if words is None:
            self.done.set()
            self.thread.join()
            return
        self.words = words
        self._draw()

    def _run(self) -> None:
        while not self.done.wait(TICK):
            self._draw()

    def _draw(self) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed < self.after or not self.words:
            return
        with self.lock, contextlib.suppress(OSError, ValueError):
            if self.done.is_set():
                self._erase()
                return
            self.stream.write(f"\r\x1b[K{self.label}: {self.words} … {elapsed:.0f} s")
            self.stream.flush()
            self.shown = True

    def _erase(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False

    def close(self) -> None:
        with self.lock, contextlib.suppress(OSError, ValueError):
            self._erase()


@contextlib.contextmanager
def on_terminal(label: str, stream: TextIO | None = None) -> Iterator[None]:
    """Progress on `stream` (stderr) while the block runs, when it is a terminal."""
    stream = stream or sys.stderr
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if not interactive:
        yield
        return
    try:
        after = float(os.environ.get(AFTER_ENV, AFTER))
    except ValueError:
        after = AFTER
    line = TerminalLine(stream, label, after)
    try:
        with shown_to(line):
            yield
    finally:
        line.close()
