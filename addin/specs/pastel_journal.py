"""Sage Pastel Partner general ledger journal and cashbook batches: one 18-field line per
transaction, no keyword, no title row (`shared/specs/pastel-journal-batch.md`).

Journal and cashbook batches share the layout; the batch opened in Pastel decides which
they become. A cashbook batch belongs to one bank account, which is not in the file: every
line is balanced by it, so it has no balance rule, and its totals give the bank's movement.
Facts marked *inferred* in the format notes come from public generators, not from Sage.
"""

from __future__ import annotations

from decimal import Decimal

from .company import GL_ACCOUNT, PASTEL_LISTS, PASTEL_VALUES
from .model import (
    Balanced,
    ChoiceBySign,
    DebitCreditTotals,
    DocumentKey,
    FieldSpec,
    FlaggedInList,
    InList,
    PatternWhen,
    PeriodMatchesDate,
    RecordSpec,
    SettingsSpec,
    SetTogether,
    Spec,
    TaxMatchesRate,
    UniqueTogether,
)
from .pastel import PASTEL_DELIMITER_NOTE, period_field, tax_type_field, text_field

PARTIES: dict[str, tuple[str, ...]] = {"gdc": ("D", "C")}
GL_LINES: dict[str, tuple[str, ...]] = {"gdc": ("G",)}


def _amount(key: str, label: str, column: str, help: str, **kw) -> FieldSpec:
    # 12.2: Pastel's SDK writes "15.2", the whole width of 12 digits, the point and 2.
    return FieldSpec(
        key=key,
        label=label,
        column=column,
        kind="number",
        digits_before=12,
        digits_after=2,
        min_decimals=2,
        help=help,
        **kw,
    )


def _rate(key: str, label: str, column: str, help: str) -> FieldSpec:
    return FieldSpec(
        key=key,
        label=label,
        column=column,
        kind="number",
        digits_before=7,
        digits_after=6,
        minimum=Decimal(0),
        help=help,
    )


def _line(book: str) -> RecordSpec:
    return RecordSpec(
        keyword=None,
        caption=f"{book} line",
        fields=(
            period_field(
                "Period", "A", "The period of the financial year the line posts to, 1 to 13."
            ),
            FieldSpec(
                key="date",
                label="Date",
                column="B",
                kind="date",
                required=True,
                help="The transaction date, DD/MM/YYYY.",
            ),
            FieldSpec(
                key="gdc",
                label="GDC",
                column="C",
                kind="code",
                required=True,
                choices=("G", "D", "C"),
                example="G",
                help="G general ledger, D customer, C supplier: what Account Number is.",
            ),
            text_field(
                "account",
                "Account Number",
                "D",
                # 1000/000, the spelling Pastel shows a GL account in, is rewritten to 7.
                8,
                "G: the GL account, 7 digits (7000000; 7000/000 is rewritten). D or C: the "
                "customer's or supplier's code, up to 6 characters.",
                required=True,
                excel_text=True,
                example="7000000",
            ),
            text_field("reference", "Reference", "E", 8, "Up to 8 characters.", excel_text=True),
            text_field("description", "Description", "F", 36, "Up to 36 characters."),
            _amount(
                "amount",
                "Amount",
                "G",
                "Positive is a debit, negative a credit (12 digits, 2 decimals).",
                required=True,
                nonzero=True,
                example="1250.00",
            ),
            tax_type_field(
                "tax_type",
                "Tax Type",
                "H",
                "0 no tax, else 1 to 30: the line of the company's tax table.",
                blank_means="0",
            ),
            _amount("tax_amount", "Tax Amount", "I", "The tax of the line; negative is a credit."),
            FieldSpec(
                key="open_item",
                label="Open Item",
                column="J",
                kind="code",
                choices=("O", "A"),
                blank_means="not an open item",
                help="Customer and supplier lines: O an original invoice, A an allocation.",
            ),
            text_field(
                "project", "Projects Code", "K", 5, "Project code, up to 5.", excel_text=True
            ),
            text_field(
                "contra",
                "Contra Account",
                "L",
                8,
                "A GL account, 7 digits, that takes the other side of this line; blank when "
                "other lines balance it.",
                excel_text=True,
            ),
            _rate(
                "exchange_rate",
                "Exchange Rate",
                "M",
                "For a foreign-currency customer or supplier; blank or 1 at home (7.6).",
            ),
            _rate(
                "bank_exchange_rate",
                "Bank Exchange Rate",
                "N",
                "For a foreign-currency bank account (7.6).",
            ),
            FieldSpec(
                key="batch_id",
                label="Batch ID",
                column="O",
                kind="integer",
                digits_before=2,
                minimum=Decimal(0),
                maximum=Decimal(99),
                blank_means="once",
                help="How many times Pastel repeats the line, 1 to 99; 0 or blank: once.",
            ),
            tax_type_field(
                "discount_tax_type",
                "Discount Tax Type",
                "P",
                "0 no tax, else 1 to 30: the tax table's line for the discount.",
                blank_means="0",
            ),
            _amount("discount_amount", "Discount Amount", "Q", "Settlement discount given."),
            _amount(
                "home_amount",
                "Home Amount",
                "R",
                "The amount in the home currency, for foreign-currency lines.",
            ),
        ),
    )


def _rules(cashbook: bool) -> tuple:
    every_field = tuple(f.key for f in _line("Journal").fields)
    rules: list = [
        PatternWhen(
            field="account",
            when=GL_LINES,
            pattern=r"\d{7}",
            rewrite=GL_ACCOUNT,
            code="gl-account-digits",
            title="a GL account that is not 7 digits",
            message="A G line's Account Number is a GL account of 7 digits, for example "
            "7000000 (7000/000 is accepted and rewritten).",
        ),
        PatternWhen(
            field="account",
            when=PARTIES,
            pattern=r".{1,6}",
            code="party-code-too-long",
            title="a customer or supplier code longer than 6",
            message="A D or C line's Account Number is the customer's or supplier's code in "
            "Pastel, 1 to 6 characters.",
        ),
        PatternWhen(
            field="contra",
            pattern=r"\d{7}",
            rewrite=GL_ACCOUNT,
            code="contra-digits",
            title="a contra account that is not 7 digits",
            message="Contra Account is a GL account of 7 digits, for example 8400000 "
            "(8400/000 is accepted and rewritten), or blank.",
        ),
        ChoiceBySign(
            field="open_item",
            amount="amount",
            by="gdc",
            # Pastel's own journals: a debit to a customer and a credit to a supplier are
            # originals, the opposite signs allocations; a cashbook's items are allocations.
            expected={
                "D": ("A", "A") if cashbook else ("O", "A"),
                "C": ("A", "A") if cashbook else ("A", "O"),
                "G": ("", ""),
            },
        ),
        SetTogether(field="tax_amount", other="tax_type", unset=("", "0", "00")),
        UniqueTogether(
            field="amount",
            fields=every_field,
            code="duplicate-line",
            title="the same line twice in the batch",
            message="The same line as another, field for field: it would post twice. Delete "
            "it if it is a copy",
        ),
        # After the GL patterns, so 7000/000 is looked up as 7000000.
        InList(field="account", list="gl_accounts", when=GL_LINES),
        InList(field="account", list="customers", when={"gdc": ("D",)}),
        InList(field="account", list="suppliers", when={"gdc": ("C",)}),
        InList(field="contra", list="gl_accounts"),
        InList(field="project", list="projects"),
        FlaggedInList(
            field="account",
            list="gl_accounts",
            column="kind",
            values=("control", "tax"),
            when=GL_LINES,
            code="journal-to-control-account",
            title="a G line to a control or tax account",
            message="A G line posts straight to a control or tax account (customer or "
            "supplier control, VAT): Pastel keeps those from the customer, supplier and tax "
            "postings. Use a D or C line for a customer or supplier, or the account you mean.",
        ),
        PeriodMatchesDate(field="period", date="date"),
        TaxMatchesRate(field="tax_amount", amount="amount", tax="tax_type", list="tax_types"),
    ]
    if cashbook:
        rules.append(
            FlaggedInList(
                field="account",
                list="gl_accounts",
                column="kind",
                values=("bank",),
                when=GL_LINES,
                code="cashbook-to-bank-account",
                title="a cashbook line to a bank account",
                message="A cashbook line to a bank account: the batch's own bank account takes "
                "the other side of every line. If this is a transfer to another bank account, "
                "check it is not the batch's own.",
            )
        )
    else:
        rules.append(Balanced(field="amount", unless="contra", by=("date", "reference")))
    return tuple(rules)


PASTEL_JOURNAL_SETTINGS = SettingsSpec(values=PASTEL_VALUES, lists=PASTEL_LISTS)
# A journal entry: the lines sharing a Date and a Reference.
ENTRY = ("date", "reference")


def _spec(name: str, title: str, kind: str, noun: str, *, cashbook: bool, summary: str) -> Spec:
    """A journal or a cashbook batch: the same line, rules and totals, but a cashbook's bank
    account takes the other side of every line."""
    return Spec(
        name=name,
        title=title,
        system="Sage Pastel Partner",
        layout="lines",
        encoding="cp1252",
        records=(_line(kind),),
        rules=_rules(cashbook=cashbook),
        settings=PASTEL_JOURNAL_SETTINGS,
        totals=DebitCreditTotals(amount="amount", contra="contra", bank=cashbook),
        document=DocumentKey(fields=tuple((key,) for key in ENTRY), noun=noun, groups=True),
        delimiter_note=PASTEL_DELIMITER_NOTE,
        blank_spaces=True,
        summary=summary,
    )


PASTEL_JOURNAL = _spec(
    "pastel-journal",
    "Sage Pastel Partner general ledger journal batch",
    "Journal",
    "journal entry",
    cashbook=False,
    summary="Process → Journals → batch → Batch → Import. One line per transaction, 18 "
    "fields, no title row. Positive amounts are debits, negative credits; the lines of each "
    "Date and Reference that name no contra account balance.",
)

PASTEL_CASHBOOK = _spec(
    "pastel-cashbook",
    "Sage Pastel Partner cashbook batch",
    "Cashbook",
    "cashbook entry",
    cashbook=True,
    summary="Process → Cashbook → payments or receipts batch → Batch → Import. The journal's "
    "18-field line; the batch's bank account takes the other side of every line, so the "
    "lines need not balance.",
)
