"""Counts in words: "1 document", "2 documents", "1,204 errors"."""

from __future__ import annotations

import re

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
    many = _PLURALS.get(last) or (last + "es" if last.endswith(("s", "x", "ch")) else last + "s")
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
