"""Infusion's columns as Batchsheet ships them, until a real export calibrates them.

Inferred from Infusion's journal, cashbook and cost-centre fields: the exact header names are
only known from Infusion's own export, so `batchsheet calibrate` makes a column set from one
(a JSON file, read by `columns.py`) and a workbook keeps the set it was made with. This
default is declared here, as the Pastel formats are, so that the spec is built without
reading JSON through pydantic on every button press; `batchsheet calibrate` and the tests
write it out as JSON when one is wanted (`ColumnSet.dumps`).
"""

from __future__ import annotations

from .columns import ColumnSet
from .model import FieldSpec

FIELDS = (
    FieldSpec(
        key="account_number",
        label="Account Number",
        column="A",
        kind="text",
        help=(
            "The customer's account number in Infusion, leading zeros kept. Required unless the row"
            " gives the Sort Key instead."
        ),
        example="C1042",
        required=True,
        excel_text=True,
        alternatives=("sort_key",),
        lookup="customers",
    ),
    FieldSpec(
        key="sort_key",
        label="Sort Key",
        column="B",
        kind="text",
        help="The customer's sort key: identifies the customer when Account Number is not given.",
        excel_text=True,
        lookup="customers",
    ),
    FieldSpec(
        key="date",
        label="Date",
        column="C",
        kind="date",
        help="Date of the adjustment, DD/MM/YYYY; it must be a real date.",
        example="05/02/2025",
        required=True,
    ),
    FieldSpec(
        key="reference",
        label="Reference",
        column="D",
        kind="text",
        help="Your reference for the adjustment.",
        example="ADJ-2502-01",
        excel_text=True,
    ),
    FieldSpec(
        key="description",
        label="Description",
        column="E",
        kind="text",
        help=(
            "What the adjustment is for, as the customer's statement should show it. Optional, but "
            "a blank draws a warning."
        ),
        example="Bad debt write-off inv 18833",
        recommended=True,
    ),
    FieldSpec(
        key="gl_id",
        label="GL ID",
        column="F",
        kind="text",
        help=(
            "The general ledger account the adjustment posts to, exactly as in Infusion's GL list."
        ),
        example="6120",
        required=True,
        excel_text=True,
        lookup="gl_accounts",
    ),
    FieldSpec(
        key="amount",
        label="Amount",
        column="G",
        kind="number",
        help=(
            "Signed amount with at most 2 decimals, not 0: positive raises what the customer owes, "
            "negative lowers it. No thousands separators or currency sign."
        ),
        example="-287.50",
        required=True,
        digits_before=13,
        digits_after=2,
        min_decimals=2,
        nonzero=True,
        accept_formatted=True,
    ),
    FieldSpec(
        key="gst_rate",
        label="GST Rate",
        column="H",
        kind="text",
        help="One of the GST rate names of your Infusion licence.",
        example="GST 15%",
        lookup="gst_rates",
    ),
    FieldSpec(
        key="amount_is",
        label="Amount Is",
        column="I",
        kind="code",
        help="Whether Amount includes GST: Inclusive or Exclusive, spelled exactly so.",
        choices=("Inclusive", "Exclusive"),
    ),
    FieldSpec(
        key="cost_centre",
        label="Cost Centre",
        column="J",
        kind="text",
        help="The cost centre, when your company uses cost centres; Default when it does not.",
        example="AUCKLAND",
        excel_text=True,
        lookup="cost_centres",
    ),
    FieldSpec(
        key="notes",
        label="Notes",
        column="K",
        kind="text",
        help="Any notes kept with the adjustment.",
    ),
    FieldSpec(
        key="adjustment_number",
        label="Adjustment Number",
        column="L",
        kind="text",
        help="Infusion's own number for an existing adjustment: export only.",
        export_only=True,
    ),
    FieldSpec(
        key="status",
        label="Status",
        column="M",
        kind="text",
        help="Whether an existing adjustment is posted: export only.",
        export_only=True,
    ),
    FieldSpec(
        key="posted_by",
        label="Posted By",
        column="N",
        kind="text",
        help="Who posted an existing adjustment: export only.",
        export_only=True,
    ),
    FieldSpec(
        key="date_posted",
        label="Date Posted",
        column="O",
        kind="text",
        help="When an existing adjustment was posted: export only.",
        export_only=True,
    ),
    FieldSpec(
        key="customer_name",
        label="Customer Name",
        column="P",
        kind="text",
        help="The customer's name, shown by the export: export only.",
        export_only=True,
    ),
    FieldSpec(
        key="gst_amount",
        label="GST Amount",
        column="Q",
        kind="text",
        help="GST worked out by Infusion: export only.",
        export_only=True,
    ),
    FieldSpec(
        key="total",
        label="Total",
        column="R",
        kind="text",
        help="Total worked out by Infusion: export only.",
        export_only=True,
    ),
)

DEFAULT_COLUMNS = ColumnSet(
    format="infusion-customer-adjustments",
    fields=FIELDS,
    source=(
        "default: inferred from Infusion's journal, cashbook and cost-centre fields; calibrate from"
        " a real export with `batchsheet calibrate`"
    ),
)
