"""The declaration of an import format.

A spec is data: every field's column, label, type, limits, allowed values and help text,
plus the cross-field rules the format needs. The engine, the CSV dialect, the workbook
template and the Instructions sheet are all derived from it, so a new format is a new spec,
not new engine code.

The models are frozen dataclasses, annotated as pydantic reads them: `validation.py` holds
every declaration to these annotations in the test suite, and reads a column-set file a user
gives through them. A button press (a new Python each time) builds its spec without loading
pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar, Literal

# "raw": kept as it is and never checked (a column that is never written to an import file).
FieldKind = Literal["keyword", "text", "integer", "number", "date", "flag", "yesno", "code", "raw"]
Severity = Literal["error", "warning"]


# Every model is a frozen dataclass built by keyword only, so a declaration names every value
# it sets and an unknown name is a TypeError where it is written. Equality, hashing and the
# repr are `_Declared`'s, the same for every model: dataclasses would compile the three anew
# for each of the thirty models as this module loads, a third of the 20 ms it costs every
# button press.


class _Declared:
    # How pydantic reads these classes (`validation.py`): no key a model does not have, and
    # a built instance checked field by field as a dict of its values would be.
    __pydantic_config__: ClassVar[dict[str, str]] = {
        "extra": "forbid",
        "revalidate_instances": "always",
    }

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__dataclass_fields__)  # type: ignore[attr-defined]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Declared) or other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((self.__class__, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__dataclass_fields__)  # type: ignore[attr-defined]
        return f"{self.__class__.__name__}({shown})"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Rewrite(_Declared):
    """An accepted spelling of a value, rewritten to the canonical one (`1000/000` is the
    GL account `1000000`): a pattern the whole value matches, and its replacement."""

    spelled: str
    canonical: str
    # The change in words, as Fix's Audit sheet and the instructions show it.
    words: str


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class FieldSpec(_Declared):
    """One field of a record: one column of the sheet and of the CSV."""

    key: str
    label: str
    column: str
    kind: FieldKind
    help: str = ""
    example: str = ""
    required: bool = False
    # Required only when another field of the same record holds one of these values.
    required_when: dict[str, tuple[str, ...]] | None = None
    max_length: int | None = None
    digits_before: int | None = None
    digits_after: int | None = None
    # Written with at least this many decimals (prices: 85.00).
    min_decimals: int = 0
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[str, ...] | None = None
    # What a blank means, for the instructions ("0", "1", "not set").
    blank_means: str | None = None
    import_ignored: bool = False
    # Identifiers Excel would mangle in a General cell (leading zeros, 1-2 as a date).
    excel_text: bool = False
    warn_negative: bool = False
    warn_longer_than: int | None = None
    # Percent × 100 written as a whole number (12.5 % is 1250).
    hundredths_of_percent: bool = False
    # Optional, but a blank draws a warning.
    recommended: bool = False
    nonzero: bool = False
    # `1,234.50`, `$12.00` and `(5.00)` read as the number they mean, with a warning.
    accept_formatted: bool = False
    # Table layouts. Keys of columns that may stand in for this one (Account Number or Sort
    # Key): the requirement is met by whichever of them the sheet has.
    alternatives: tuple[str, ...] = ()
    # Carried by the accounting system's export only; never written to an import file.
    export_only: bool = False
    # The master list (customers, GL accounts, ...) a value must be in once one is loaded.
    lookup: str | None = None

    def __post_init__(self) -> None:
        if self.kind in ("integer", "number") and self.digits_before is None:
            raise ValueError(f"{self.label}: a number needs digits_before")
        if self.kind == "code" and not self.choices:
            raise ValueError(f"{self.label}: a code needs its choices")

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("integer", "number")


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class RecordSpec(_Declared):
    """A kind of record (Pastel's Header or Detail; the one row kind of a table format)."""

    keyword: str | None
    fields: tuple[FieldSpec, ...]
    caption: str = ""

    def field(self, key: str) -> FieldSpec:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def index(self, key: str) -> int:
        for i, f in enumerate(self.fields):
            if f.key == key:
                return i
        raise KeyError(key)


# Cross-field rules. Each names the fields it reads by key; the engine implements each kind once.


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class PatternWhen(_Declared):
    """A field must match a pattern (while other fields hold certain values, with `when`)."""

    rule: Literal["pattern-when"] = "pattern-when"
    record: str | None = None
    field: str
    when: dict[str, tuple[str, ...]] | None = None
    pattern: str
    # An accepted spelling rewritten to the canonical one (1000/000 -> 1000000).
    rewrite: Rewrite | None = None
    severity: Severity = "error"
    code: str
    message: str
    # What the kind of finding is called in a summary ("a GL code of the wrong length");
    # a rule's own code needs it, the engine's codes have theirs (`engine.catalogue`).
    title: str = ""


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class NotBefore(_Declared):
    """A date that should not be earlier than another date of the same record."""

    rule: Literal["not-before"] = "not-before"
    record: str | None = None
    field: str
    other: str
    severity: Severity = "warning"
    code: str
    message: str
    title: str = ""


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class ZeroWhen(_Declared):
    """A number that should not be 0 (or blank) while another field holds certain values."""

    rule: Literal["zero-when"] = "zero-when"
    record: str | None = None
    field: str
    when: dict[str, tuple[str, ...]]
    severity: Severity = "warning"
    code: str
    message: str
    # A batch-wide habit when most lines do it (a generator that never fills the field):
    # said once for the batch, with `{count}`, `{lines}` and `{rows}` ("rows 4, 5, 7, 8, 10
    # and 52 more") filled in, instead of a mark on every cell. None: always cell by cell.
    habit_message: str | None = None
    title: str = ""


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class TaxTypeAsRate(_Declared):
    """A tax code that may have been written as the rate it stands for (15 for 15 %): with
    no tax table to look it up, said once per batch when the lines' prices carry that rate."""

    rule: Literal["tax-type-as-rate"] = "tax-type-as-rate"
    record: str | None = None
    field: str
    exclusive: str
    inclusive: str
    # The tax table whose loading makes this rule unnecessary (the table's own check decides).
    list: str
    # Codes that are also common VAT/GST rates, in percent.
    rates: tuple[str, ...] = ("14", "15")
    when: dict[str, tuple[str, ...]] | None = None
    severity: Severity = "warning"
    code: str = "tax-type-as-rate"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class OnlyForDocumentTypes(_Declared):
    """A value that only makes sense in batches of certain document types."""

    rule: Literal["only-for-document-types"] = "only-for-document-types"
    record: str | None = None
    field: str
    value: str
    document_types: tuple[str, ...]
    severity: Severity = "warning"
    code: str
    message: str
    title: str = ""


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class UniqueInBatch(_Declared):
    """A value that should appear once in a batch."""

    rule: Literal["unique-in-batch"] = "unique-in-batch"
    record: str | None = None
    field: str
    severity: Severity = "warning"
    code: str
    message: str
    title: str = ""


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class UniqueTogether(_Declared):
    """A combination of values that should appear once in a batch; marked on `field`.

    Fields absent from the sheet count as blank; rows blank in all of them are skipped.
    """

    rule: Literal["unique-together"] = "unique-together"
    record: str | None = None
    field: str
    fields: tuple[str, ...]
    severity: Severity = "warning"
    code: str
    message: str
    title: str = ""


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Balanced(_Declared):
    """Signed amounts that add up to zero, debits equal to credits: over the batch and
    over each group of lines `by` shares (a journal entry's Date and Reference). Lines with
    `unless` filled in balance themselves (a contra account takes their other side)."""

    rule: Literal["balanced"] = "balanced"
    record: str | None = None
    field: str
    unless: str | None = None
    by: tuple[str, ...] = ()
    severity: Severity = "warning"
    code: str = "out-of-balance"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class ChoiceBySign(_Declared):
    """A code that follows from the sign of an amount and the value of another field (a
    journal's Open Item: O on a debit to a customer, A on a credit). `expected` maps each
    value of `by` to the code for a positive and for a negative amount; "" means blank."""

    rule: Literal["choice-by-sign"] = "choice-by-sign"
    record: str | None = None
    field: str
    amount: str
    by: str
    expected: dict[str, tuple[str, str]]
    severity: Severity = "warning"
    code: str = "choice-by-sign"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SetTogether(_Declared):
    """Two fields filled in together or not at all (a tax amount and its tax type): a
    number of 0 or a value in `unset` counts as not filled in."""

    rule: Literal["set-together"] = "set-together"
    record: str | None = None
    field: str
    other: str
    unset: tuple[str, ...] = ("",)
    severity: Severity = "warning"
    code: str = "set-together"


# Company settings: what a workbook's Settings sheet (or a settings file) may hold. A rule that
# needs a setting or a master list runs only when the user has filled it in.

SettingKind = Literal["month", "integer", "date", "text", "choice"]


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SettingValue(_Declared):
    """One company-wide value (the month the financial year starts, the conversion date)."""

    key: str
    label: str
    kind: SettingKind
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    # A choice setting's words, the first being what a blank cell means.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class ListColumn(_Declared):
    """A column of a master list; the first column of a list holds its codes."""

    key: str
    label: str
    kind: Literal["text", "rate"] = "text"
    help: str = ""
    # Values a bookkeeper may type in a flag column (a GL account's control/bank/tax kind).
    choices: tuple[str, ...] | None = None
    # An accepted spelling of the codes rewritten to the canonical one (1000/000 -> 1000000).
    rewrite: Rewrite | None = None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class MasterListSpec(_Declared):
    """A list pasted from the accounting system's export: customers, GL accounts, ..."""

    key: str
    title: str
    columns: tuple[ListColumn, ...]
    help: str = ""

    def column(self, key: str) -> ListColumn:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class SettingsSpec(_Declared):
    """What a format's Settings sheet holds: values, then one block per master list."""

    values: tuple[SettingValue, ...] = ()
    lists: tuple[MasterListSpec, ...] = ()

    def list(self, key: str) -> MasterListSpec:
        for m in self.lists:
            if m.key == key:
                return m
        raise KeyError(key)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class InList(_Declared):
    """A code that must be one of a master list's codes, once that list is filled in.

    `column` names the list column to look in (default: its first); `when` limits the rule
    to records whose other fields hold certain values (line type 4 looks in the items).
    """

    rule: Literal["in-list"] = "in-list"
    record: str | None = None
    field: str
    list: str
    column: str | None = None
    when: dict[str, tuple[str, ...]] | None = None
    severity: Severity = "warning"
    code: str = "not-in-list"
    message: str = ""


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class FlaggedInList(_Declared):
    """A code whose master-list entry carries a flag the user should look at (a GL control
    account)."""

    rule: Literal["flagged-in-list"] = "flagged-in-list"
    record: str | None = None
    field: str
    list: str
    column: str
    values: tuple[str, ...]
    when: dict[str, tuple[str, ...]] | None = None
    severity: Severity = "warning"
    code: str
    message: str
    title: str = ""


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class PeriodMatchesDate(_Declared):
    """A period number that should be the period the date falls in under the financial year."""

    rule: Literal["period-matches-date"] = "period-matches-date"
    record: str | None = None
    field: str
    date: str
    first_month: str = "first_month"
    periods: str = "periods"
    severity: Severity = "warning"
    code: str = "period-not-date"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class PriceIncludesTax(_Declared):
    """An inclusive price that should be the exclusive price plus the tax type's rate."""

    rule: Literal["price-includes-tax"] = "price-includes-tax"
    record: str | None = None
    field: str
    exclusive: str
    tax: str
    list: str
    rate_column: str = "rate"
    when: dict[str, tuple[str, ...]] | None = None
    # How far apart the two may be: prices are rounded to cents.
    tolerance: Decimal = Decimal("0.01")
    severity: Severity = "warning"
    code: str = "inclusive-price-mismatch"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class RateOnForeignAccount(_Declared):
    """An exchange rate left at 1 (or blank) on an account the master list says is foreign."""

    rule: Literal["rate-on-foreign-account"] = "rate-on-foreign-account"
    record: str | None = None
    field: str
    account: str
    list: str
    currency_column: str = "currency"
    home_currency: str = "home_currency"
    severity: Severity = "warning"
    code: str = "rate-one-foreign-account"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class TaxMatchesRate(_Declared):
    """A tax amount that should be the amount's tax at the rate of its tax type, the amount
    read as exclusive or as inclusive of it (either is accepted: *inferred*)."""

    rule: Literal["tax-matches-rate"] = "tax-matches-rate"
    record: str | None = None
    field: str
    amount: str
    tax: str
    list: str
    rate_column: str = "rate"
    tolerance: Decimal = Decimal("0.01")
    severity: Severity = "warning"
    code: str = "tax-amount-mismatch"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DateInWindow(_Declared):
    """A date that should fall on or after the conversion date and in the current
    financial year."""

    rule: Literal["date-in-window"] = "date-in-window"
    record: str | None = None
    field: str
    not_before: str | None = "conversion_date"
    financial_year: bool = True
    first_month: str = "first_month"
    severity: Severity = "warning"
    code: str = "date-outside-window"


Rule = (
    PatternWhen
    | NotBefore
    | ZeroWhen
    | TaxTypeAsRate
    | OnlyForDocumentTypes
    | UniqueInBatch
    | UniqueTogether
    | InList
    | FlaggedInList
    | PeriodMatchesDate
    | PriceIncludesTax
    | RateOnForeignAccount
    | DateInWindow
    | Balanced
    | ChoiceBySign
    | SetTogether
    | TaxMatchesRate
)

# Settings rules: each names the settings or lists it needs, and runs only once they are there.
SETTINGS_RULES = (
    InList,
    FlaggedInList,
    PeriodMatchesDate,
    PriceIncludesTax,
    RateOnForeignAccount,
    DateInWindow,
    TaxMatchesRate,
)


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class LineTotals(_Declared):
    """Document totals from Header/Detail lines: quantity × price, less the line discount."""

    kind: Literal["lines"] = "lines"
    record: str
    quantity: str
    exclusive: str
    inclusive: str
    # Percent × 100 (1250 is 12.5 %).
    discount: str | None = None
    when: dict[str, tuple[str, ...]] | None = None


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class AmountTotals(_Declared):
    """Totals of one-row documents: a signed amount, inclusive or exclusive of a named rate."""

    kind: Literal["amount"] = "amount"
    amount: str
    amount_is: str | None = None
    inclusive_word: str = "Inclusive"
    rate: str | None = None
    list: str | None = None
    rate_column: str = "rate"


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DebitCreditTotals(_Declared):
    """Totals of ledger lines: debits (positive amounts), credits (negative ones) and their
    difference, per entry (the lines sharing the spec's document key) and for the batch.
    A line with `contra` filled in posts both sides. With `bank` (a cashbook batch) the
    third figure is the bank account's movement: it takes the other side of every line."""

    kind: Literal["debit-credit"] = "debit-credit"
    amount: str
    contra: str | None = None
    bank: bool = False


Totals = LineTotals | AmountTotals | DebitCreditTotals


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DocumentKey(_Declared):
    """What identifies a document to a person and, with its amounts, to the batch ledger.

    Each entry is a field of the document's first record, or fields that stand in for one
    another (Account Number or Sort Key): the first filled in counts.
    """

    fields: tuple[tuple[str, ...], ...]
    # What one is called to a bookkeeper: an Infusion row is an adjustment, not a document.
    noun: str = "document"
    # How many of `fields`, from the first, name it to a person; the rest tell documents
    # apart in the ledger only, and the totals show them already (Infusion's amount).
    labelled: int | None = None
    # Lines with the same key are one document (a journal entry is its Date and Reference,
    # however many lines it has, wherever they are); else each first record starts one.
    groups: bool = False


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class DocumentType(_Declared):
    key: str
    label: str


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class OlderLayout(_Declared):
    """A record kind's layout in an older version of the system: `fields` wide, with a value
    that is not a date in `column`, where the current layout has one."""

    record: str
    fields: int
    column: str
    name: str
    change: str


@dataclass(frozen=True, kw_only=True, eq=False, repr=False)
class Spec(_Declared):
    """A whole import format."""

    name: str
    title: str
    system: str
    # records: each line starts with its kind's keyword (Pastel); table: a header row names
    # the columns (Infusion); lines: one kind of line, no keyword and no header row.
    layout: Literal["records", "table", "lines"]
    records: tuple[RecordSpec, ...]
    encoding: str
    document_types: tuple[DocumentType, ...] = ()
    rules: tuple[Rule, ...] = ()
    # Text fields containing a comma or a double quote get a warning saying this (what is
    # known of how the system's import reads them); None: no warning.
    delimiter_note: str | None = None
    # Characters that get a field quoted besides `,`, `"` and line breaks.
    quote_also: str = ""
    # UTF-8 formats: whether the file starts with a byte-order mark unless asked otherwise.
    bom: bool = False
    summary: str = ""
    settings: SettingsSpec = SettingsSpec()
    totals: Totals | None = None
    document: DocumentKey | None = None
    # Among formats whose files look alike (Pastel's customer and supplier batches), a file
    # with this field filled in on any record of its kind is this format's: (record, field).
    told_by: tuple[str, str] | None = None
    # Layouts of the system's older versions that a file may still be in: recognised and
    # named, rather than read field by field into the wrong columns.
    older_layouts: tuple[OlderLayout, ...] = ()
    # A field holding only spaces is blank, as the system's own generators write unused
    # fields (`' '` in Pastel's cashbook scripts), not a value with spaces around it.
    blank_spaces: bool = False

    def record(self, keyword: str | None) -> RecordSpec:
        for r in self.records:
            if r.keyword == keyword:
                return r
        raise KeyError(keyword)

    @property
    def noun(self) -> str:
        """What the batch is a batch of, as a bookkeeper says it: documents, adjustments."""
        return self.document.noun if self.document is not None else "document"

    @property
    def width(self) -> int:
        return max(len(r.fields) for r in self.records)
