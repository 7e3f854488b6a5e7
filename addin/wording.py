"""Counts in words: "1 document", "2 documents", "1,204 errors"."""

from __future__ import annotations

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


# How many of many rows a sentence about them names.
ROWS_NAMED = 5


def numbered(numbers: list[int], first: int = ROWS_NAMED) -> str:
    """The first few of `numbers` and how many more: "3, 9, 15 and 4,997 more"."""
    shown = ", ".join(f"{n:,}" for n in numbers[:first])
    rest = len(numbers) - first
    return f"{shown} and {rest:,} more" if rest > 0 else shown
