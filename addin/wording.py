"""Counts in words: "1 document", "2 documents", "1,204 errors"."""

from __future__ import annotations

import re
import shutil
import textwrap

# How much a report lists without being asked (`--all`, `--totals` ask for more); here, not
# in report.py, because `batchsheet --help` says them without loading the report.
# Up to this many findings, every one is listed.
SHORT_LIST = 20
# Up to this many documents, their totals are listed.
SHORT_BATCH = 20
# Words whose plural is not the word with an s.
_PLURALS = {"batch": "batches"}


def counted(n: int, word: str) -> str:
    """`n` and the word for one thing or for many, with thousands separated."""
    if n == 1:
        return f"1 {word}"
    return f"{n:,} {plural(word)}"


def plural(word: str) -> str:
    if word in _PLURALS:
        return _PLURALS[word]
    head, _, last = word.rpartition(" ")
    if last in _PLURALS:
        many = _PLURALS[last]
    elif last.endswith(("s", "x", "ch")):
        many = last + "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "o", "u"):
        many = last[:-1] + "ies"  # entry, entries
    else:
        many = last + "s"
    return f"{head} {many}".lstrip()


def listed(items: list[str]) -> str:
    """Items as a sentence names them: "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# How many of many rows a sentence about them names.
ROWS_NAMED = 5


def numbered(numbers: list[int], first: int = ROWS_NAMED) -> str:
    """The first few of `numbers` and how many more: "3, 9, 15 and 4,997 more"."""
    shown = ", ".join(f"{n:,}" for n in numbers[:first])
    rest = len(numbers) - first
    return f"{shown} and {rest:,} more" if rest > 0 else shown


# Characters that act on a terminal rather than show: C0 and C1 controls (ESC starts the
# sequences that retitle a window or clear the screen) and the bidirectional overrides
# that reorder what follows. Tab and line feed lay text out and stay.
_ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` as it may reach a terminal: each acting character shown as its escape
    (`\\x1b`, `\\u202e`), so a value read from a file is seen, never obeyed."""
    return _ACTING.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


# The narrowest the output is laid out for: a narrower terminal is written for as if it
# were this wide.
NARROWEST = 60


def terminal_width() -> int:
    """The columns the output is wrapped to: the terminal's (or $COLUMNS), 80 when it is
    not going to a terminal."""
    return max(NARROWEST, shutil.get_terminal_size((80, 24)).columns)


def hanging(head: str, text: str, width: int) -> list[str]:
    """`head` then `text`, wrapped to `width`, each further line starting under the text's
    first character: a long message is wrapped, never cut, and its start stays readable."""
    if len(head) > width // 2:  # a wide head leaves the text too narrow a column
        indent = " " * (len(head) - len(head.lstrip()) + 4)
    else:
        indent = " " * len(head)
    return textwrap.wrap(
        text,
        width,
        initial_indent=head,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [head.rstrip()]


def paragraph(text: str, width: int | None = None) -> list[str]:
    """A line of the command's output, wrapped to the terminal: its own indent kept, and
    further lines indented two more."""
    indent = text[: len(text) - len(text.lstrip())]
    return textwrap.wrap(
        text.strip(),
        width or terminal_width(),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    ) or [text.rstrip()]
