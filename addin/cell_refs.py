"""Cell references as a sheet names them: column letters and numbers, `AD3` and back.

Below the specs and the engine alike: a spec letters its columns, the engine places its
findings, the Excel side writes cells, all in the same words.
"""

from __future__ import annotations


def column_index(letter: str) -> int:
    """1-based column number of a column letter (A -> 1, AC -> 29)."""
    n = 0
    for ch in letter:
        n = n * 26 + (ord(ch) - 64)
    return n


def cell_place(ref: str) -> tuple[int, int]:
    """Row and 1-based column of a cell reference (AD3 -> (3, 30))."""
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters) :]), column_index(letters)


def column_letter(index: int) -> str:
    """Column letter of a 1-based column number."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
