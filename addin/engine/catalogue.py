"""Every kind of finding, by its code: what it is called, and whether its fix is certain.

A finding's message says what is wrong with one cell; the title here names the kind, so a
summary of a batch can say "262 × a required value is blank" and show a few of them. A kind
whose fixes are certain says what the Audit sheet calls the change; Fix applies only those.
A spec's rule names its own code and carries its words (`title`; a rewrite's words for the
Audit sheet), collected here with the engine's (`spec_kinds`). A kind of the engine's own
has one severity; a spec rule's is the rule's to set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .findings import Severity

if TYPE_CHECKING:  # the model loads pydantic: `--help` builds no format
    from ..specs.model import Spec


@dataclass(frozen=True)
class Kind:
    title: str
    # What the Audit sheet calls the change of a certain fix; None: no certain fix.
    certain: str | None = None
    # Whether a finding of this kind stops an export; None where the spec's rule, or the
    # situation (a file being written), decides.
    severity: Severity | None = None


KINDS: dict[str, Kind] = {
    # Reading the file
    "unbalanced-quote": Kind("a quoted field never ends", severity="error"),
    "not-utf8": Kind("the file is not UTF-8", severity="warning"),
    "encoding-guess": Kind("the file's character set was guessed", severity="warning"),
    "not-encodable": Kind(
        "a character the import's character set cannot hold",
        "remove pasted characters the file cannot hold (zero-width spaces)",
        severity="error",
    ),
    "formula-not-calculated": Kind("a formula with no saved value"),
    "error-value": Kind("a cell showing an error (#N/A, #DIV/0! …)", severity="error"),
    # Records and columns
    "unknown-keyword": Kind(
        "a row that is neither a Header nor a Detail",
        "record word spelled as the format has it",
        severity="error",
    ),
    "records-joined": Kind("two records joined on one line", severity="error"),
    "records-joined-read": Kind("records joined on one line, read apart", severity="warning"),
    "older-layout": Kind("a record in an older version's layout", severity="error"),
    "extra-field": Kind("a value past the record's last field", severity="error"),
    "first-not-header": Kind("the batch does not start with a Header"),
    "detail-before-header": Kind("a Detail before any Header"),
    "header-without-details": Kind("a Header with no Detail lines", severity="error"),
    "missing-header": Kind("no header row", severity="error"),
    "missing-column": Kind("a required column is missing", severity="error"),
    "unknown-column": Kind("a column the format does not know"),
    "unnamed-column": Kind("a column with no name", severity="error"),
    "duplicate-column": Kind("a column named twice"),
    "header-spelling": Kind(
        "a column name spelt differently from the export",
        "column name as Infusion spells it",
    ),
    "export-only-column": Kind("a column only the export has", severity="error"),
    "from-export": Kind("a row that looks copied from the export", severity="warning"),
    # Values
    "required": Kind("a required value is blank", severity="error"),
    "blank-recommended": Kind("a value that is usually filled in is blank", severity="warning"),
    "not-allowed": Kind(
        "a value that is not one of the allowed ones",
        "flag as Y or N",
        severity="error",
    ),
    "not-a-number": Kind(
        "not a number",
        "plain number",
        severity="error",
    ),
    "not-whole": Kind(
        "not a whole number",
        "percentage × 100 (12.5 → 1250)",
        severity="error",
    ),
    "too-many-decimals": Kind(
        "too many decimals",
        "binary float artefact rounded",
        severity="error",
    ),
    "too-many-digits": Kind("too many digits", severity="error"),
    "out-of-range": Kind("a number out of range", severity="error"),
    "negative": Kind("a negative number", severity="warning"),
    "zero": Kind("an amount of 0", severity="error"),
    "looks-like-percent": Kind("a rate written as a fraction", severity="warning"),
    "formatted-number": Kind(
        "a number written with separators or symbols",
        "plain number",
        severity="warning",
    ),
    "not-a-date": Kind(
        "not a date",
        "date as DD/MM/YYYY",
        severity="error",
    ),
    "time-in-cell": Kind("a date cell that holds a time", severity="error"),
    "date-in-number": Kind("a date where a number belongs", severity="error"),
    "date-in-text": Kind("a date where text belongs", severity="warning"),
    "number-in-date": Kind("a number where a date belongs", severity="error"),
    "number-in-text": Kind("a number Excel may have reformatted", severity="warning"),
    "too-long": Kind("text longer than the field allows", severity="error"),
    "long-for-older-versions": Kind("text too long for older versions", severity="warning"),
    "surrounding-spaces": Kind(
        "spaces before or after a value",
        "trim surrounding spaces",
        severity="warning",
    ),
    "line-break": Kind("a line break inside a value", severity="error"),
    "control-character": Kind("an invisible control character", severity="error"),
    "pasted-characters": Kind(
        "characters pasted from another program",
        "replace pasted characters (non-breaking or zero-width spaces, smart quotes)",
        severity="warning",
    ),
    "delimiter-in-text": Kind("a comma or double quote in text", severity="warning"),
    # Rules between fields and against the company's settings
    "pattern-when": Kind("a value in the wrong form for its line"),
    "not-before": Kind("a date before another date"),
    "zero-when": Kind("a value that must be 0 on this line"),
    "only-for-document-types": Kind("a value this document type does not take"),
    "unique-in-batch": Kind("a value repeated in the batch"),
    "unique-together": Kind("the same entry twice in the batch"),
    "tax-type-as-rate": Kind("a tax type that may be a rate written as a code"),
    "not-in-list": Kind(
        "a code not in the company's list",
        "code as the master list has it",
    ),
    "flagged-in-list": Kind("a code the company's list flags"),
    "period-not-date": Kind("a period that does not match the date"),
    "inclusive-price-mismatch": Kind("an inclusive price that does not add up"),
    "rate-one-foreign-account": Kind("an exchange rate of 1 on a foreign-currency account"),
    "date-outside-window": Kind("a date outside the allowed window"),
    "already-exported": Kind("exported before, by the batch ledger"),
    "out-of-balance": Kind("debits and credits that do not balance"),
    "choice-by-sign": Kind("a code that does not go with the amount's sign"),
    "set-together": Kind("one of two values that go together is missing"),
    "tax-amount-mismatch": Kind("a tax amount that is not the tax table's rate"),
}

# The kinds whose fixes Fix makes, and what the Audit sheet calls each change.
CERTAIN: dict[str, str] = {code: k.certain for code, k in KINDS.items() if k.certain}


def spec_kinds(spec: Spec) -> dict[str, Kind]:
    """The kinds `spec`'s own rules declare, with the words each rule carries: a new
    format's rules name their findings in the format's module, not here."""
    kinds: dict[str, Kind] = {}
    for rule in spec.rules:
        words = getattr(rule, "title", "")
        if words and rule.code not in KINDS:
            rewrite = getattr(rule, "rewrite", None)
            kinds[rule.code] = Kind(words, rewrite.words if rewrite is not None else None)
    return kinds


def certain_fixes(spec: Spec | None) -> dict[str, str]:
    """The kinds whose fixes Fix makes for `spec`'s batches: the engine's and the rules'."""
    if spec is None:
        return CERTAIN
    own = {code: k.certain for code, k in spec_kinds(spec).items() if k.certain}
    return {**CERTAIN, **own} if own else CERTAIN


def title(code: str, spec: Spec | None = None) -> str:
    """The kind of finding `code` is, in plain words; an unknown code is spelt out."""
    kind = KINDS.get(code) or (spec_kinds(spec).get(code) if spec is not None else None)
    return kind.title if kind is not None else code.replace("-", " ")
