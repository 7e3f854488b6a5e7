"""The layouts a format's file can have, each an object (see `base`), and validation by
the layout a spec declares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ...specs.columns import ColumnSet, ColumnSetError
from ...specs.model import RecordSpec, Spec
from ..batch import Batch, Context, Row
from ..bulk import without_cycle_collection
from .base import BatchLayout
from .lines import KEYWORDLESS_LINES
from .records import KEYWORD_RECORDS
from .table import HEADER_TABLE

LAYOUTS: dict[str, BatchLayout] = {
    layout.name: layout for layout in (KEYWORD_RECORDS, HEADER_TABLE, KEYWORDLESS_LINES)
}


def layout_of(spec: Spec) -> BatchLayout:
    return LAYOUTS[spec.layout]


@without_cycle_collection
def validate_rows(
    spec: Spec, rows: Iterable[Row], *, typed: bool = False, context: Context | None = None
) -> Batch:
    """Validate a batch held as rows of cells; `typed` when cells may be non-text (a workbook).

    Rows of text held in lists (a file's) are taken over: each list becomes its record's
    values, canonical text written in place.
    """
    return layout_of(spec).validate(spec, rows, typed=typed, context=context or Context())


def with_columns(spec: Spec, columns: ColumnSet) -> Spec:
    """`spec` with its columns replaced by a (calibrated) column set: a header-row format's."""
    if not layout_of(spec).header_row:
        raise ColumnSetError(f"{spec.name} is not a header-row format; it takes no column set")
    if columns.format != spec.name:
        raise ColumnSetError(f"the column set is for {columns.format!r}, not for {spec.name!r}")
    record = RecordSpec(keyword=None, fields=columns.fields, caption="Columns")
    return replace(spec, records=(record,))


__all__ = ["LAYOUTS", "BatchLayout", "layout_of", "validate_rows", "with_columns"]
