"""Infusion customer adjustments: one header row of column names, one adjustment per row.

The columns themselves are data (`infusion_columns.json`, or a set calibrated from a real
Infusion export); this module holds what does not change with them: the dialect and the
rules between columns.
"""

from __future__ import annotations

from importlib import resources

from .columns import ColumnSet, parse_column_set
from .model import RecordSpec, Spec, UniqueTogether

NAME = "infusion-customer-adjustments"
DEFAULT_COLUMNS_FILE = "infusion_columns.json"


def default_columns() -> ColumnSet:
    text = resources.files("addin.specs").joinpath(DEFAULT_COLUMNS_FILE).read_text("utf-8")
    return parse_column_set(text, DEFAULT_COLUMNS_FILE)


def _spec(columns: ColumnSet) -> Spec:
    return Spec(
        name=NAME,
        title="Infusion customer adjustments",
        system="Infusion",
        layout="table",
        records=(RecordSpec(keyword=None, fields=columns.fields, caption="Columns"),),
        encoding="utf-8",
        # Infusion's own export quotes fields holding `;` (a list separator in some regions).
        quote_also=";",
        rules=(
            UniqueTogether(
                field="amount",
                fields=("account_number", "sort_key", "date", "reference", "amount"),
                code="duplicate-adjustment",
                message="Same Account Number, Date, Reference and Amount as another row: "
                "every row posts a new adjustment, so this one would post twice. Delete it "
                "if it is a copy.",
            ),
        ),
        summary="Customers → …More Options → Import / Export → Customers Adjustments. One "
        "header row naming the columns exactly as Infusion's export does, then one new "
        "adjustment per row. An import never changes an existing adjustment.",
    )


INFUSION_ADJUSTMENTS = _spec(default_columns())
