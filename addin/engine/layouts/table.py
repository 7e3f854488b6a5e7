"""A header-row table (Infusion): the first row names the columns, in any order and any
subset, and every row below it is one record and one document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...specs.columns import header_key
from ...specs.model import RecordSpec, Spec
from ..batch import Batch, Context, Row
from ..table import bind_header, table_rows, validate_table
from .base import BatchLayout, FileRow


class HeaderTable(BatchLayout):
    name = "table"
    noun = "row"
    header_row = True
    keywords = False

    def validate(self, spec: Spec, rows: Iterable[Row], *, typed: bool, context: Context) -> Batch:
        return validate_table(spec, rows, typed=typed, context=context)

    def recognises(self, spec: Spec, first_row: Sequence[str]) -> bool:
        # At least two names, and at least half of them, are the format's columns: an
        # export carries columns the column set may not know yet.
        names = [header_key(n) for n in first_row if n.strip()]
        known = {header_key(f.label) for f in spec.records[0].fields}
        hits = sum(1 for n in names if n in known)
        return hits >= 2 and hits * 2 >= len(names)

    def record_kinds(self, spec: Spec, rows: list[FileRow]) -> dict[str | None, RecordSpec]:
        # The rows are read as the file's header row names its columns.
        return {None: bind_header(spec, *rows[0]).columns} if rows else {}

    def written_rows(self, batch: Batch) -> list[list[str]]:
        return table_rows(batch)

    def caption_rows(self, spec: Spec) -> int:
        return 1


HEADER_TABLE = HeaderTable()
