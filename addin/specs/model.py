"""The declaration of an import format.

A spec is data: every field's column, label, type, limits, allowed values and help text,
plus the cross-field rules the format needs. The engine, the CSV dialect, the workbook
template and the Instructions sheet are all derived from it, so a new format is a new spec,
not new engine code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# "raw": kept as it is and never checked (a column that is never written to an import file).
FieldKind = Literal["keyword", "text", "integer", "number", "date", "flag", "yesno", "code", "raw"]
Severity = Literal["error", "warning"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldSpec(_Frozen):
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

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.kind in ("integer", "number") and self.digits_before is None:
            raise ValueError(f"{self.label}: a number needs digits_before")
        if self.kind == "code" and not self.choices:
            raise ValueError(f"{self.label}: a code needs its choices")
        return self

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("integer", "number")


class RecordSpec(_Frozen):
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


class PatternWhen(_Frozen):
    """A field must match a pattern while another field holds certain values."""

    rule: Literal["pattern-when"] = "pattern-when"
    record: str
    field: str
    when: dict[str, tuple[str, ...]]
    pattern: str
    # An accepted spelling rewritten to the canonical one (1000/000 -> 1000000).
    normalise_from: str | None = None
    normalise_to: str | None = None
    severity: Severity = "error"
    code: str
    message: str


class NotBefore(_Frozen):
    """A date that should not be earlier than another date of the same record."""

    rule: Literal["not-before"] = "not-before"
    record: str
    field: str
    other: str
    severity: Severity = "warning"
    code: str
    message: str


class ZeroWhen(_Frozen):
    """A number that should not be 0 (or blank) while another field holds certain values."""

    rule: Literal["zero-when"] = "zero-when"
    record: str
    field: str
    when: dict[str, tuple[str, ...]]
    severity: Severity = "warning"
    code: str
    message: str


class OnlyForDocumentTypes(_Frozen):
    """A value that only makes sense in batches of certain document types."""

    rule: Literal["only-for-document-types"] = "only-for-document-types"
    record: str
    field: str
    value: str
    document_types: tuple[str, ...]
    severity: Severity = "warning"
    code: str
    message: str


class UniqueInBatch(_Frozen):
    """A value that should appear once in a batch."""

    rule: Literal["unique-in-batch"] = "unique-in-batch"
    record: str
    field: str
    severity: Severity = "warning"
    code: str
    message: str


class UniqueTogether(_Frozen):
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


Rule = Annotated[
    PatternWhen | NotBefore | ZeroWhen | OnlyForDocumentTypes | UniqueInBatch | UniqueTogether,
    Field(discriminator="rule"),
]


class DocumentType(_Frozen):
    key: str
    label: str


class Spec(_Frozen):
    """A whole import format."""

    name: str
    title: str
    system: str
    layout: Literal["records", "table"]
    records: tuple[RecordSpec, ...]
    encoding: str
    document_types: tuple[DocumentType, ...] = ()
    rules: tuple[Rule, ...] = ()
    # Text fields containing a delimiter or a quote get a warning (the importer may choke).
    warn_delimiters_in_text: bool = False
    # Characters that get a field quoted besides `,`, `"` and line breaks.
    quote_also: str = ""
    # UTF-8 formats: whether the file starts with a byte-order mark unless asked otherwise.
    bom: bool = False
    summary: str = ""

    def record(self, keyword: str | None) -> RecordSpec:
        for r in self.records:
            if r.keyword == keyword:
                return r
        raise KeyError(keyword)

    @property
    def width(self) -> int:
        return max(len(r.fields) for r in self.records)
