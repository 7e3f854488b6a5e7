"""Sage Pastel Partner customer and supplier document batches (Header/Detail records).

Facts marked *inferred* in the format notes come from public generators, not from Sage;
they live here and nowhere else so they are easy to change once verified.
"""

from __future__ import annotations

from decimal import Decimal

from .company import GL_ACCOUNT, PASTEL_LISTS, PASTEL_VALUES
from .model import (
    DocumentKey,
    DocumentType,
    FieldSpec,
    FlaggedInList,
    InList,
    LineTotals,
    NotBefore,
    OlderLayout,
    OnlyForDocumentTypes,
    PatternWhen,
    PeriodMatchesDate,
    PriceIncludesTax,
    RateOnForeignAccount,
    RecordSpec,
    SettingsSpec,
    Spec,
    TaxTypeAsRate,
    UniqueInBatch,
    ZeroWhen,
)

# Every batch the public Pastel generators wrote quotes every field, so Pastel reads quoted
# fields; a comma inside one is not proven to import (see the spec's open questions).
PASTEL_DELIMITER_NOTE = (
    "the file quotes it, and Pastel reads quoted fields, but a comma or quote inside one is "
    "not confirmed to import. Use another character if you can."
)
TAX_TYPES = tuple(str(n) for n in range(31)) + tuple(f"{n:02d}" for n in range(10))
GOODS_LINES: dict[str, tuple[str, ...]] = {"line_type": ("4", "6")}


def text_field(key: str, label: str, column: str, max_length: int, help: str, **kw) -> FieldSpec:
    """A text field of a Pastel record (shared by the document, journal and cashbook lines)."""
    return FieldSpec(
        key=key, label=label, column=column, kind="text", max_length=max_length, help=help, **kw
    )


def tax_type_field(key: str, label: str, column: str, help: str, **kw) -> FieldSpec:
    """A line of the company's tax table, 0 to 30 (01 and 1 the same line)."""
    return FieldSpec(
        key=key,
        label=label,
        column=column,
        kind="code",
        choices=TAX_TYPES,
        excel_text=True,
        help=help,
        **kw,
    )


def period_field(label: str, column: str, help: str) -> FieldSpec:
    """The period of the financial year a Pastel record posts to, 1 to 13."""
    return FieldSpec(
        key="period",
        label=label,
        column=column,
        kind="integer",
        required=True,
        digits_before=2,
        minimum=Decimal(1),
        maximum=Decimal(13),
        example="3",
        help=help,
    )


def _flag(key: str, label: str, column: str, meaning: str, **kw) -> FieldSpec:
    return FieldSpec(
        key=key,
        label=label,
        column=column,
        kind="flag",
        choices=("", "Y"),
        blank_means=f"not {meaning}",
        help=f"Y = {meaning}; leave blank when not {meaning}.",
        **kw,
    )


def _price(key: str, label: str, column: str, help: str) -> FieldSpec:
    return FieldSpec(
        key=key,
        label=label,
        column=column,
        kind="number",
        digits_before=9,
        digits_after=4,
        min_decimals=2,
        required_when=GOODS_LINES if key != "cost_price" else None,
        warn_negative=True,
        help=help,
    )


def _header(party: str) -> RecordSpec:
    party_code = "Supplier Code" if party == "supplier" else "Customer Code"
    return RecordSpec(
        keyword="Header",
        caption="On a Header row",
        fields=(
            FieldSpec(
                key="record",
                label="Header",
                column="A",
                kind="keyword",
                help="The word Header: starts a new document.",
            ),
            text_field(
                "document_number",
                "Document Number",
                "B",
                8,
                "Ignored when importing: Pastel numbers documents itself.",
                import_ignored=True,
                excel_text=True,
            ),
            _flag("deleted", "Deleted", "C", "deleted", import_ignored=True),
            _flag("print_status", "Print Status", "D", "printed"),
            FieldSpec(
                key="account",
                label=party_code,
                column="E",
                kind="text",
                required=True,
                max_length=6,
                excel_text=True,
                example="ABC001",
                help=f"The {party}'s account code in Pastel, 1 to 6 characters.",
            ),
            period_field(
                "Period Number",
                "F",
                "Period of the company's financial year (1 to 13), not the calendar month.",
            ),
            FieldSpec(
                key="date",
                label="Date",
                column="G",
                kind="date",
                required=True,
                example="14/05/2025",
                help="Document date, DD/MM/YYYY.",
            ),
            text_field(
                "order_number",
                "Order Number",
                "H",
                25,
                "Customer's order number; in supplier batches usually the supplier's own "
                "invoice number. Up to 25 characters (older Pastel versions take 15).",
                excel_text=True,
                warn_longer_than=15,
            ),
            FieldSpec(
                key="inclusive",
                label="Inc/Exc",
                column="I",
                kind="yesno",
                required=True,
                choices=("Y", "N"),
                example="N",
                help="Y = the prices are inclusive of tax, N = exclusive.",
            ),
            FieldSpec(
                key="discount",
                label="Discount",
                column="J",
                kind="number",
                digits_before=9,
                digits_after=4,
                blank_means="0",
                warn_negative=True,
                help="Document (invoice) discount; blank or 0 when none.",
            ),
            text_field("message_1", "Invoice Message 1", "K", 30, "Printed on the document."),
            text_field("message_2", "Invoice Message 2", "L", 30, "Printed on the document."),
            text_field("message_3", "Invoice Message 3", "M", 30, "Printed on the document."),
            *(
                text_field(
                    f"address_{n}", f"Delivery Address {n}", column, 30, "Delivery address line."
                )
                for n, column in zip(range(1, 6), "NOPQR")
            ),
            text_field(
                "sales_analysis",
                "Sales Analysis Code",
                "S",
                5,
                "Sales analysis code, up to 5 characters.",
                excel_text=True,
            ),
            FieldSpec(
                key="settlement_terms",
                label="Settlement Terms",
                column="T",
                kind="integer",
                digits_before=2,
                minimum=Decimal(0),
                maximum=Decimal(32),
                blank_means="0",
                help="Settlement terms code, 0 to 32.",
            ),
            FieldSpec(
                key="document_date",
                label="Document Date",
                column="U",
                kind="date",
                example="30/06/2025",
                help="DD/MM/YYYY: the due date for invoices, expiry for quotes, "
                "delivery for orders.",
            ),
            text_field("telephone", "Telephone", "V", 16, "Contact telephone.", excel_text=True),
            text_field("fax", "Fax Number", "W", 16, "Contact fax number.", excel_text=True),
            text_field("contact", "Contact Person", "X", 16, "Contact person."),
            FieldSpec(
                key="exchange_rate",
                label="Exchange Rate",
                column="Y",
                kind="number",
                digits_before=7,
                digits_after=6,
                minimum=Decimal("0.000001"),
                blank_means="1",
                help="Home-currency units per foreign unit, above 0; 1 for home-currency accounts.",
            ),
            text_field("freight_method", "Freight Method", "Z", 10, "How the goods travel."),
            text_field("ship_deliver", "Ship/Deliver", "AA", 16, "Shipping or delivery note."),
            FieldSpec(
                key="additional_costs",
                label="Additional Costs",
                column="AB",
                kind="yesno",
                choices=("Y", "N"),
                blank_means="N",
                help="Supplier invoices only: Y = an additional-cost invoice; N or blank = normal.",
            ),
            _flag("email_status", "Email Status", "AC", "emailed"),
        ),
    )


def _detail(party: str) -> RecordSpec:
    selling = "exclusive purchase price" if party == "supplier" else "exclusive selling price"
    return RecordSpec(
        keyword="Detail",
        caption="On a Detail row",
        fields=(
            FieldSpec(
                key="record",
                label="Detail",
                column="A",
                kind="keyword",
                help="The word Detail: a line of the document above it.",
            ),
            _price("cost_price", "Cost Price", "B", "Cost price per unit (9 digits, 4 decimals)."),
            FieldSpec(
                key="quantity",
                label="Quantity",
                column="C",
                kind="number",
                digits_before=9,
                digits_after=4,
                required_when=GOODS_LINES,
                warn_negative=True,
                example="10",
                help="Quantity (9 digits, 4 decimals).",
            ),
            _price(
                "unit_price",
                "Unit Selling Price",
                "D",
                f"The {selling} per unit, before tax (9 digits, 4 decimals).",
            ),
            _price(
                "inclusive_price",
                "Inclusive Price",
                "E",
                "The price per unit including tax (9 digits, 4 decimals).",
            ),
            text_field("unit", "Unit", "F", 4, "Unit of measure, up to 4 characters."),
            tax_type_field(
                "tax_type",
                "Tax Type",
                "G",
                "00 to 30: the line of the company's tax table, not a percentage.",
                example="01",
            ),
            FieldSpec(
                key="discount_type",
                label="Discount Type",
                column="H",
                kind="code",
                choices=("0", "1", "2", "3"),
                required_when=GOODS_LINES,
                help="0 none, 1 settlement, 2 invoice, 3 both.",
            ),
            FieldSpec(
                key="discount_percentage",
                label="Discount Percentage",
                column="I",
                kind="integer",
                digits_before=4,
                minimum=Decimal(0),
                maximum=Decimal(9999),
                blank_means="0",
                hundredths_of_percent=True,
                example="1250",
                help="Percent × 100 with no decimals: 12.5 % is 1250; 0 to 9999.",
            ),
            text_field(
                "code",
                "Code",
                "J",
                15,
                "Inventory item code (line type 4) or GL account, 7 digits (line type 6).",
                excel_text=True,
                required_when=GOODS_LINES,
            ),
            text_field(
                "description",
                "Description",
                "K",
                40,
                "Line description; the remark on remark lines.",
            ),
            FieldSpec(
                key="line_type",
                label="Line Type",
                column="L",
                kind="code",
                required=True,
                choices=("4", "6", "7"),
                help="4 inventory, 6 general ledger, 7 remark.",
            ),
            text_field(
                "project",
                "Projects Code",
                "M",
                5,
                "Project code, up to 5 characters.",
                excel_text=True,
            ),
            text_field(
                "store", "Store", "N", 3, "Multi-store code, inventory lines only.", excel_text=True
            ),
        ),
    )


def _rules(party: str) -> tuple:
    rules: list = [
        PatternWhen(
            record="Detail",
            field="code",
            when={"line_type": ("6",)},
            pattern=r"\d{7}",
            rewrite=GL_ACCOUNT,
            code="gl-code-digits",
            title="a GL code of the wrong length",
            message="A general ledger line (line type 6) needs a 7-digit GL account in Code, "
            "for example 1000000 (1000/000 is accepted and rewritten).",
        ),
        NotBefore(
            record="Header",
            field="document_date",
            other="date",
            code="document-date-before-date",
            title="a document date before the date",
            message="Document Date is earlier than Date: the due, expiry or delivery date "
            "usually comes after the document date.",
        ),
        OnlyForDocumentTypes(
            record="Header",
            field="additional_costs",
            value="Y",
            document_types=("supplier-invoice",),
            code="additional-costs-not-supplier-invoice",
            title="additional costs on a document that takes none",
            message="Additional Costs Y only applies to supplier invoices; use N or leave blank.",
        ),
        UniqueInBatch(
            record="Header",
            field="order_number",
            code="duplicate-order-number",
            title="an order number used twice",
            message="The same Order Number appears on another document in this batch: "
            "check it is not the same document entered twice.",
        ),
    ]
    accounts = "suppliers" if party == "supplier" else "customers"
    rules += [
        # After the GL pattern rule, so 1000/000 is compared as 1000000.
        InList(record="Header", field="account", list=accounts),
        InList(record="Header", field="sales_analysis", list="sales_analysis"),
        InList(record="Detail", field="code", list="items", when={"line_type": ("4",)}),
        InList(record="Detail", field="code", list="gl_accounts", when={"line_type": ("6",)}),
        InList(record="Detail", field="store", list="stores"),
        InList(record="Detail", field="project", list="projects"),
        InList(record="Detail", field="tax_type", list="tax_types", when=GOODS_LINES),
        FlaggedInList(
            record="Detail",
            field="code",
            list="gl_accounts",
            column="kind",
            values=("control", "bank", "tax"),
            when={"line_type": ("6",)},
            code="posting-to-control-account",
            title="a posting to a control, bank or tax account",
            message="Documents should not post to control, bank or tax accounts directly: "
            "Pastel posts to those itself (the debtors or creditors control account, the tax "
            "account). Use an income, expense or asset account.",
        ),
        PeriodMatchesDate(record="Header", field="period", date="date"),
        PriceIncludesTax(
            record="Detail",
            field="inclusive_price",
            exclusive="unit_price",
            tax="tax_type",
            list="tax_types",
            when=GOODS_LINES,
        ),
        RateOnForeignAccount(
            record="Header", field="exchange_rate", account="account", list=accounts
        ),
        TaxTypeAsRate(
            record="Detail",
            field="tax_type",
            exclusive="unit_price",
            inclusive="inclusive_price",
            list="tax_types",
            when=GOODS_LINES,
        ),
    ]
    if party == "customer":
        rules.append(
            ZeroWhen(
                record="Detail",
                field="cost_price",
                when={"line_type": ("4",)},
                code="zero-cost-price",
                title="a cost price of 0",
                message="Cost Price is 0 on an inventory line: Pastel will post the sale "
                "with no cost of sales. Fill in the item's cost.",
                habit_message="Cost Price is 0 on {count} of the {lines} inventory lines "
                "({rows}): the batch leaves cost prices to Pastel, as some generators "
                "do. If Pastel does not fill them in for you, it posts these sales with no "
                "cost of sales.",
            )
        )
    return tuple(rules)


PASTEL_SETTINGS = SettingsSpec(values=PASTEL_VALUES, lists=PASTEL_LISTS)
PASTEL_TOTALS = LineTotals(
    record="Detail",
    quantity="quantity",
    exclusive="unit_price",
    inclusive="inclusive_price",
    discount="discount_percentage",
    when=GOODS_LINES,
)
PASTEL_DOCUMENT = DocumentKey(fields=(("account",), ("date",), ("order_number",)))


PASTEL_OLDER_LAYOUTS = (
    OlderLayout(
        record="Header",
        fields=27,
        column="U",
        name="the older 27-field Header (Cost Code in column U; no Freight, Ship/Deliver or "
        "Email Status)",
        change="Batchsheet reads the current 29-field Header, with Document Date in U: "
        "export the batch again from a current Pastel, or move each field to its "
        "column (the Instructions sheet lists them) and import again.",
    ),
)

PASTEL_CUSTOMER = Spec(
    name="pastel-customer",
    title="Sage Pastel Partner customer document batch",
    system="Sage Pastel Partner",
    layout="records",
    encoding="cp1252",
    records=(_header("customer"), _detail("customer")),
    document_types=(
        DocumentType(key="quotation", label="Quotation"),
        DocumentType(key="sales-order", label="Sales order"),
        DocumentType(key="invoice", label="Invoice"),
        DocumentType(key="credit-note", label="Credit note"),
        DocumentType(key="debit-note", label="Debit note"),
    ),
    rules=_rules("customer"),
    settings=PASTEL_SETTINGS,
    totals=PASTEL_TOTALS,
    document=PASTEL_DOCUMENT,
    older_layouts=PASTEL_OLDER_LAYOUTS,
    delimiter_note=PASTEL_DELIMITER_NOTE,
    summary="Process → Customers → batch → Import. One Header record per document followed by "
    "its Detail lines; no title row. The document type is the batch you import into.",
)

PASTEL_SUPPLIER = Spec(
    name="pastel-supplier",
    title="Sage Pastel Partner supplier document batch",
    system="Sage Pastel Partner",
    layout="records",
    encoding="cp1252",
    records=(_header("supplier"), _detail("supplier")),
    document_types=(
        DocumentType(key="purchase-order", label="Purchase order"),
        DocumentType(key="grv", label="Goods received voucher"),
        DocumentType(key="supplier-invoice", label="Supplier invoice"),
        DocumentType(key="return", label="Return to supplier"),
        DocumentType(key="supplier-credit-note", label="Supplier credit note"),
    ),
    rules=_rules("supplier"),
    settings=PASTEL_SETTINGS,
    totals=PASTEL_TOTALS,
    document=PASTEL_DOCUMENT,
    # Only supplier invoices carry Additional Costs.
    told_by=("Header", "additional_costs"),
    older_layouts=PASTEL_OLDER_LAYOUTS,
    delimiter_note=PASTEL_DELIMITER_NOTE,
    summary="Process → Suppliers → batch → Import. One Header record per document followed by "
    "its Detail lines; no title row. The document type is the batch you import into.",
)
