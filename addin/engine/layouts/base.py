"""What a layout is: how a format's records stand in its file and on its sheet.

Everything that differs between layouts is asked of the layout object; nothing outside this
package compares a spec's layout name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

# A file's row: the line it starts on, and its fields.
FileRow = tuple[int, list[str]]

if TYPE_CHECKING:
    from ...specs.model import RecordSpec, Spec
    from ..batch import Batch, Context, Row


class BatchLayout(ABC):
    name: str
    # What one line of the file is called when they are counted.
    noun: str
    # A header row names the columns (in the file, and as the sheet's first row); such a
    # format's columns are a column set, calibrated from the system's own export.
    header_row: bool
    # Every record starts with its keyword (Header, Detail), which a sheet offers as a list.
    keywords: bool

    @abstractmethod
    def validate(self, spec: Spec, rows: Iterable[Row], *, typed: bool, context: Context) -> Batch:
        """The batch of `rows` (a file's or a sheet's) with every finding."""

    @abstractmethod
    def recognises(self, spec: Spec, first_row: Sequence[str]) -> bool:
        """Whether a file starting with `first_row` looks like one of `spec`'s."""

    def unjoined(self, spec: Spec, rows: list[FileRow]) -> tuple[list[FileRow], list[int]]:
        """A file's rows with records that were joined on one line read apart, and the
        lines that held them; none are, by default."""
        return rows, []

    def record_kinds(self, spec: Spec, rows: list[FileRow]) -> dict[str | None, RecordSpec]:
        """The record kinds a file's rows are read as, by keyword (under None where rows
        have no keyword): the spec's own, by default."""
        return {r.keyword: r for r in spec.records}

    def written_rows(self, batch: Batch) -> list[list[str]]:
        """The rows of the batch's import file, as texts: each record's, by default."""
        return [r.values for r in batch.records]

    def documents(self, batch: Batch) -> int:
        """How many documents the batch holds: one a record, by default."""
        return len(batch.records)

    @abstractmethod
    def caption_rows(self, spec: Spec) -> int:
        """Rows above a sheet's data."""
