"""The records of one kind, column by column: what the field checks leave and the rules read."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import compress
from operator import itemgetter

_VALUES = itemgetter(2)  # Record.values


def column(records: list, index: int) -> list[str]:
    """One field of every record, read off the records."""
    return list(map(itemgetter(index), map(_VALUES, records)))


class Records:
    """The records of one kind with their fields column by column, so that a rule looks at
    a column in one C-level pass. `columns` are the canonical texts the field checks left,
    by field position; a column a rule rewrites is read off the records again."""

    def __init__(self, records: list, columns: Sequence[Sequence[str] | None] | None = None):
        self.records = records
        width = len(records[0].values) if records else 0
        self._columns: list[Sequence[str] | None] = (
            list(columns) if columns is not None else [None] * width
        )
        # A selection of another table's records (`kept`): its columns are taken from there.
        self._from: tuple[Records, Sequence[bool]] | None = None

    def column(self, index: int) -> Sequence[str]:
        if not self.records:
            return ()
        found = self._columns[index]
        if found is None:
            if self._from is not None:
                table, keep = self._from
                found = list(compress(table.column(index), keep))
            else:
                found = column(self.records, index)
            self._columns[index] = found
        return found

    def rewritten(self, index: int) -> None:
        self._columns[index] = None
        self._from = None

    def kept(self, keep: Sequence[bool]) -> Records:
        """The records where `keep` holds; each column is taken from this table's when it
        is asked for."""
        out = Records(list(compress(self.records, keep)))
        out._from = (self, keep)
        return out

    def where(self, when: dict[str, tuple[str, ...]]) -> Records:
        """The records whose fields hold one of the given values, for every field named."""
        if not when or not self.records:
            return self
        kind = self.records[0].kind
        keep: list[bool] = [True] * len(self.records)
        for key, allowed in when.items():
            held = map(set(allowed).__contains__, self.column(kind.index(key)))
            keep = list(map(operator.and_, keep, held))
        return self.kept(keep)
