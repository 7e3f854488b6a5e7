"""Every kind of finding, by its code, in a few plain words.

A finding's message says what is wrong with one cell; the title here names the kind, so a
summary of a batch can say "262 × a required value is blank" and show a few of them.
Codes of spec rules are listed too: a spec names its rule's code, the catalogue its words.
"""

from __future__ import annotations

TITLES: dict[str, str] = {
    # Reading the file
    "unbalanced-quote": "a quoted field never ends",
    "not-utf8": "the file is not UTF-8",
    "encoding-guess": "the file's character set was guessed",
    "not-encodable": "a character the import's character set cannot hold",
    "formula-not-calculated": "a formula with no saved value",
    # Records and columns
    "unknown-keyword": "a row that is neither a Header nor a Detail",
    "records-joined": "two records joined on one line",
    "extra-field": "a value past the record's last field",
    "first-not-header": "the batch does not start with a Header",
    "detail-before-header": "a Detail before any Header",
    "header-without-details": "a Header with no Detail lines",
    "missing-header": "no header row",
    "missing-column": "a required column is missing",
    "unknown-column": "a column the format does not know",
    "unnamed-column": "a column with no name",
    "duplicate-column": "a column named twice",
    "header-spelling": "a column name spelt differently from the export",
    "export-only-column": "a column only the export has",
    "from-export": "a row that looks copied from the export",
    # Values
    "required": "a required value is blank",
    "blank-recommended": "a value that is usually filled in is blank",
    "not-allowed": "a value that is not one of the allowed ones",
    "not-a-number": "not a number",
    "not-whole": "not a whole number",
    "too-many-decimals": "too many decimals",
    "too-many-digits": "too many digits",
    "out-of-range": "a number out of range",
    "negative": "a negative number",
    "zero": "an amount of 0",
    "looks-like-percent": "a rate written as a fraction",
    "formatted-number": "a number written with separators or symbols",
    "not-a-date": "not a date",
    "time-in-cell": "a date cell that holds a time",
    "date-in-number": "a date where a number belongs",
    "date-in-text": "a date where text belongs",
    "number-in-date": "a number where a date belongs",
    "number-in-text": "a number Excel may have reformatted",
    "too-long": "text longer than the field allows",
    "long-for-older-versions": "text too long for older versions",
    "surrounding-spaces": "spaces before or after a value",
    "line-break": "a line break inside a value",
    "control-character": "an invisible control character",
    "pasted-characters": "characters pasted from another program",
    "delimiter-in-text": "a comma or double quote in text",
    # Rules between fields and against the company's settings
    "pattern-when": "a value in the wrong form for its line",
    "not-before": "a date before another date",
    "zero-when": "a value that must be 0 on this line",
    "only-for-document-types": "a value this document type does not take",
    "unique-in-batch": "a value repeated in the batch",
    "unique-together": "the same entry twice in the batch",
    "duplicate-adjustment": "the same adjustment twice in the batch",
    "gl-code-digits": "a GL code of the wrong length",
    "document-date-before-date": "a document date before the date",
    "additional-costs-not-supplier-invoice": "additional costs on a document that takes none",
    "duplicate-order-number": "an order number used twice",
    "posting-to-control-account": "a posting to a control, bank or tax account",
    "zero-cost-price": "a cost price of 0",
    "not-in-list": "a code not in the company's list",
    "flagged-in-list": "a code the company's list flags",
    "period-not-date": "a period that does not match the date",
    "inclusive-price-mismatch": "an inclusive price that does not add up",
    "rate-one-foreign-account": "an exchange rate of 1 on a foreign-currency account",
    "date-outside-window": "a date outside the allowed window",
    "already-exported": "a document exported before",
}


def title(code: str) -> str:
    """The kind of finding `code` is, in plain words; an unknown code is spelt out."""
    return TITLES.get(code) or code.replace("-", " ")
