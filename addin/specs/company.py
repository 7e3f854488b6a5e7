"""Company settings and master lists, declared once for every format that uses them.

A bookkeeper pastes these from the accounting system's own exports onto the Settings sheet
(or keeps them in a settings file). Every rule that needs one names it here by key.
"""

from __future__ import annotations

from .model import ListColumn, MasterListSpec, Rewrite, SettingValue

FIRST_MONTH = SettingValue(
    key="first_month",
    label="Financial year starts in month",
    kind="month",
    minimum=1,
    maximum=12,
    help="The calendar month period 1 starts in: 3 or March for a March-to-February year.",
)
PERIODS = SettingValue(
    key="periods",
    label="Number of periods",
    kind="integer",
    minimum=1,
    maximum=13,
    help="12, or 13 when the company keeps a year-end adjustment period.",
)
HOME_CURRENCY = SettingValue(
    key="home_currency",
    label="Home currency",
    kind="text",
    help="The company's own currency code (ZAR); accounts in it are not foreign.",
)
CONVERSION_DATE = SettingValue(
    key="conversion_date",
    label="Conversion date",
    kind="date",
    help="The date the company started in Infusion, DD/MM/YYYY: nothing is posted before it.",
)

QUOTE_FIELDS = SettingValue(
    key="quote_fields",
    label="Quote fields",
    kind="choice",
    choices=("minimal", "all"),
    help="all: every field of the export in double quotes, as some generators write them; "
    "minimal (blank): only the fields that need it.",
)

CODE = "code"


def _codes(key: str, title: str, code_label: str, help: str, *more: ListColumn) -> MasterListSpec:
    return MasterListSpec(
        key=key,
        title=title,
        columns=(ListColumn(key=CODE, label=code_label, help=help), *more),
        help=help,
    )


CURRENCY = ListColumn(
    key="currency",
    label="Currency",
    help="Blank for home-currency accounts; the currency code (USD) for foreign ones.",
)
RATE = ListColumn(key="rate", label="Rate %", kind="rate", help="Tax rate in percent: 15 for 15 %.")
GL_KINDS = ("control", "bank", "tax")
# Pastel shows GL accounts as 1000/000 and imports them as 1000000: the one place that says so.
GL_ACCOUNT = Rewrite(
    spelled=r"(\d{4})/(\d{3})",
    canonical=r"\1\2",
    words="GL account as 7 digits (1000/000 → 1000000)",
)

PASTEL_TAX_TYPES = _codes(
    "tax_types", "Tax table", "Tax type", "The lines of the company's tax table (01, 02 …).", RATE
)
PASTEL_CUSTOMERS = _codes(
    "customers",
    "Customers",
    "Customer code",
    "Customer account codes from Pastel's customer list.",
    CURRENCY,
)
PASTEL_SUPPLIERS = _codes(
    "suppliers",
    "Suppliers",
    "Supplier code",
    "Supplier account codes from Pastel's supplier list.",
    CURRENCY,
)
PASTEL_ITEMS = _codes(
    "items", "Inventory items", "Item code", "Inventory item codes (line type 4 lines)."
)
PASTEL_GL = MasterListSpec(
    key="gl_accounts",
    title="GL accounts",
    columns=(
        ListColumn(
            key=CODE,
            label="Account",
            help="General ledger account numbers, 1000000 or 1000/000.",
            rewrite=GL_ACCOUNT,
        ),
        ListColumn(
            key="kind",
            label="Control/bank/tax",
            choices=GL_KINDS,
            help="control, bank or tax for accounts that documents should not post to directly.",
        ),
    ),
    help="The chart of accounts (line type 6 lines).",
)
PASTEL_STORES = _codes("stores", "Stores", "Store", "Multi-store codes.")
PASTEL_PROJECTS = _codes("projects", "Projects", "Project code", "Project codes.")
PASTEL_SALES_ANALYSIS = _codes(
    "sales_analysis", "Sales analysis", "Sales analysis code", "Sales analysis codes."
)

PASTEL_VALUES = (FIRST_MONTH, PERIODS, HOME_CURRENCY, QUOTE_FIELDS)
PASTEL_LISTS = (
    PASTEL_TAX_TYPES,
    PASTEL_CUSTOMERS,
    PASTEL_SUPPLIERS,
    PASTEL_ITEMS,
    PASTEL_GL,
    PASTEL_STORES,
    PASTEL_PROJECTS,
    PASTEL_SALES_ANALYSIS,
)

INFUSION_CUSTOMERS = MasterListSpec(
    key="customers",
    title="Customers",
    columns=(
        ListColumn(key=CODE, label="Account Number", help="Customer account numbers."),
        ListColumn(key="sort_key", label="Sort Key", help="The customers' sort keys."),
    ),
    help="Customers from Infusion's customer export.",
)
INFUSION_GL = _codes("gl_accounts", "GL IDs", "GL ID", "The GL IDs of Infusion's GL list.")
INFUSION_GST = _codes(
    "gst_rates", "GST rates", "GST Rate", "The GST rate names of your Infusion licence.", RATE
)
INFUSION_COST_CENTRES = _codes(
    "cost_centres", "Cost centres", "Cost Centre", "The company's cost centres."
)

INFUSION_VALUES = (FIRST_MONTH, CONVERSION_DATE)
INFUSION_LISTS = (INFUSION_CUSTOMERS, INFUSION_GL, INFUSION_GST, INFUSION_COST_CENTRES)
