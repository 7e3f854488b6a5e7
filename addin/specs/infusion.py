"""Infusion customer adjustments: one header row of column names, one adjustment per row.

The columns themselves are data (the default in `infusion_columns.py`, or a set calibrated
from a real Infusion export); this module holds what does not change with them: the dialect
and the rules between columns.
"""

from __future__ import annotations

from .columns import ColumnSet, header_key
from .company import INFUSION_LISTS, INFUSION_VALUES
from .infusion_columns import DEFAULT_COLUMNS
from .model import (
    AmountTotals,
    DateInWindow,
    DocumentKey,
    FieldSpec,
    InList,
    RecordSpec,
    SettingsSpec,
    Spec,
    UniqueTogether,
)

NAME = "infusion-customer-adjustments"
INFUSION_SETTINGS = SettingsSpec(values=INFUSION_VALUES, lists=INFUSION_LISTS)


def _lookup(f: FieldSpec) -> InList:
    """A column's `lookup` as a rule: Infusion refuses a value its lists do not have.

    The list column is the one named like the sheet column (a customer's Sort Key is looked
    up among sort keys), else the list's codes.
    """
    assert f.lookup is not None
    try:
        columns = INFUSION_SETTINGS.list(f.lookup).columns
    except KeyError:
        columns = ()
    column = next((c.key for c in columns if header_key(c.label) == header_key(f.label)), None)
    return InList(field=f.key, list=f.lookup, column=column, severity="error")


def _spec(columns: ColumnSet) -> Spec:
    lookups = tuple(_lookup(f) for f in columns.fields if f.lookup and not f.export_only)
    return Spec(
        name=NAME,
        title="Infusion customer adjustments",
        system="Infusion",
        layout="table",
        records=(RecordSpec(keyword=None, fields=columns.fields, caption="Columns"),),
        encoding="utf-8",
        # Infusion's own export quotes fields holding `;` (a list separator in some regions).
        quote_also=";",
        delimiter_note=(
            "the file quotes it correctly, but Infusion's import guidance asks for no , or \" "
            "characters in any column. Use another character if you can."
        ),
        rules=(
            UniqueTogether(
                field="amount",
                fields=("account_number", "sort_key", "date", "reference", "amount"),
                code="duplicate-adjustment",
                title="the same adjustment twice in the batch",
                message="Same Account Number, Date, Reference and Amount as another row: "
                "every row posts a new adjustment, so this one would post twice. Delete it "
                "if it is a copy.",
            ),
            *lookups,
            DateInWindow(field="date"),
        ),
        settings=INFUSION_SETTINGS,
        totals=AmountTotals(
            amount="amount", amount_is="amount_is", rate="gst_rate", list="gst_rates"
        ),
        document=DocumentKey(
            fields=(("account_number", "sort_key"), ("date",), ("reference",), ("amount",)),
            noun="adjustment",
            labelled=3,
        ),
        summary="Customers → …More Options → Import / Export → Customers Adjustments. One "
        "header row naming the columns exactly as Infusion's export does, then one new "
        "adjustment per row. An import never changes an existing adjustment.",
    )


INFUSION_ADJUSTMENTS = _spec(DEFAULT_COLUMNS)
