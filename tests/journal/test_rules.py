"""Every error and warning of the journal and cashbook spec: a file that makes it fire, with
the user's words, its line and column and the exit code, and nothing else found.

Files are checked with `batchsheet check --json`; `row` is the 1-based line of the file.
"""

from __future__ import annotations

import pytest

from tests.conftest import codes, found

from .conftest import CASHBOOK, FORMATS, JOURNAL, entry, line, where

CONTRA = "8400000"  # a line with a contra account balances itself: no balance to keep


def single(**changes: str) -> list[list[str]]:
    """One line that takes no part in the balance (it names a contra account)."""
    return [line(**{"contra": CONTRA, **changes})]


def pair(**changes: str) -> list[list[str]]:
    """A balanced entry whose first line has `changes`."""
    return [line(**changes), line(account="9500000", amount="-100.00")]


# (name, rows, the findings expected as (severity, code, row, column), words of the first)
ERRORS = [
    ("period blank", pair(period=""), [("error", "required", 1, "A")], "Period is required"),
    ("date blank", [line(date=""), line(date="", account="9500000", amount="-100.00")],
     [("error", "required", 1, "B"), ("error", "required", 2, "B")], "Date is required"),
    ("GDC blank", single(gdc=""), [("error", "required", 1, "C")], "GDC is required"),
    ("account blank", pair(account=""), [("error", "required", 1, "D")],
     "Account Number is required"),
    ("amount blank", single(amount=""), [("error", "required", 1, "G")], "Amount is required"),
    ("period 14", pair(period="14"), [("error", "out-of-range", 1, "A")],
     "Period must be from 1 to 13; 14 is not"),
    ("period 0", pair(period="0"), [("error", "out-of-range", 1, "A")],
     "Period must be from 1 to 13; 0 is not"),
    ("date not real", single(date="31/02/2025"), [("error", "not-a-date", 1, "B")],
     "Date 31/02/2025 is not a real date. Write DD/MM/YYYY"),
    ("GDC X", single(gdc="X"), [("error", "not-allowed", 1, "C")],
     "GDC must be one of G, D or C; 'X' is not"),
    ("GL account of 6 digits", pair(account="320000"), [("error", "gl-account-digits", 1, "D")],
     "A G line's Account Number is a GL account of 7 digits"),
    ("GL account of 8 digits", pair(account="32000000"),
     [("error", "gl-account-digits", 1, "D")], "7000/000 is accepted and rewritten"),
    ("GL account of letters", pair(account="ABC001"), [("error", "gl-account-digits", 1, "D")],
     "GL account of 7 digits"),
    ("contra of 6 digits", single(contra="840000"), [("error", "contra-digits", 1, "L")],
     "Contra Account is a GL account of 7 digits"),
    ("contra 8400/00", single(contra="8400/00"), [("error", "contra-digits", 1, "L")],
     "8400/000 is accepted and rewritten"),
    ("customer code of 7", single(gdc="D", account="ABCDEFG"),
     [("error", "party-code-too-long", 1, "D")],
     "A D or C line's Account Number is the customer's or supplier's code in Pastel, 1 to 6"),
    ("supplier code of 8", single(gdc="C", account="SUPPLIER"),
     [("error", "party-code-too-long", 1, "D")], "1 to 6 characters"),
    ("amount not a number", single(amount="abc"), [("error", "not-a-number", 1, "G")],
     "Amount must be a number written with . as the decimal point"),
    ("amount with a thousands separator", single(amount="1 000.00"),
     [("error", "not-a-number", 1, "G")], "Amount must be a number"),
    ("amount with 3 decimals", single(amount="1.234"),
     [("error", "too-many-decimals", 1, "G")], "Amount has 3 decimals; at most 2 fit"),
    ("amount with 13 digits", single(amount="1234567890123.00"),
     [("error", "too-many-digits", 1, "G")], "Amount has 13 digits before the point; at most 12"),
    ("amount 0", single(amount="0"), [("error", "zero", 1, "G")], "Amount is 0"),
    ("amount 0.00", single(amount="-0.00"), [("error", "zero", 1, "G")], "Amount is 0"),
    ("tax type 31", single(tax_type="31", tax_amount="15.00"),
     [("error", "not-allowed", 1, "H")], "Tax Type must be one of 00 to 30; '31' is not"),
    ("tax type -1", single(tax_type="-1", tax_amount="15.00"),
     [("error", "not-allowed", 1, "H")], "'-1' is not"),
    ("discount tax type 31", single(discount_tax_type="31"),
     [("error", "not-allowed", 1, "P")], "Discount Tax Type must be one of 00 to 30"),
    ("open item Z on a customer line", single(gdc="D", account="ABC001", open_item="Z"),
     [("error", "not-allowed", 1, "J")], "Open Item must be one of O or A; 'Z' is not"),
    ("reference of 9", [line(reference="JNL123456"),
                        line(reference="JNL123456", account="9500000", amount="-100.00")],
     [("error", "too-long", 1, "E"), ("error", "too-long", 2, "E")], "Reference"),
    ("description of 37", pair(description="x" * 37), [("error", "too-long", 1, "F")],
     "Description"),
    ("project of 6", pair(project="PRJ123"), [("error", "too-long", 1, "K")], "Projects Code"),
    ("a character cp1252 cannot hold", pair(description="T\u0101maki"),
     [("error", "not-encodable", 1, "F")],
     "U+0101 LATIN SMALL LETTER A WITH MACRON, which the import file (Windows-1252) cannot hold"),
    ("a line break", pair(description="two\nlines"), [("error", "line-break", 1, "F")], ""),
]  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("name", "rows", "expected", "words"), ERRORS, ids=[e[0] for e in ERRORS])
def test_each_error_is_said_where_it_is_and_alone(check, write, fmt, name, rows, expected, words):
    result = check(write(rows, encoding="utf-8"), fmt)
    assert result["code"] == 1, name
    assert where(result) == expected, name
    assert words in result["findings"][0]["message"]
    assert result["errors"] == len(expected) and result["warnings"] == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_clean_lines_have_no_findings(check, write, fmt):
    rows = [*entry("JNL1"), *entry("12345678", "-12.34", description="x" * 36)]
    rows += single(gdc="D", account="ABCDEF", amount="-5.00", open_item="A", project="PRJ12")
    rows += single(gdc="C", account="S1", amount="5.00", open_item="A", tax_type="30",
                   tax_amount="0.65", discount_tax_type="15", reference="JNL3")  # fmt: skip
    result = check(write(rows), fmt)
    assert (result["code"], result["findings"]) == (0, [])


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_gl_account_typed_as_7000_000_is_accepted_and_written_as_7_digits(check, write, fmt):
    rows = pair(account="3200/000")
    result = check(write([*rows, line(reference="J2", contra="8400/000")]), fmt)
    assert (result["code"], result["findings"]) == (0, [])


# -- warnings ---------------------------------------------------------------------------------


def test_an_unbalanced_entry_names_debits_credits_difference_and_its_lines(check, write):
    rows = [*entry("JNL1"), line(reference="JNL2", amount="250.00"),
            line(reference="JNL2", account="9500000", amount="-240.50")]  # fmt: skip
    result = check(write(rows))
    assert result["code"] == 0
    assert where(result) == [("warning", "out-of-balance", 3, "G")]
    assert result["findings"][0]["message"] == (
        "The lines of Date 31/05/2025 and Reference JNL2 do not balance: debits 250.00, "
        "credits 240.50, difference 9.50 (lines 3, 4). Debits must equal credits: correct an "
        "amount, or add the missing line."
    )


def test_the_lines_of_an_entry_balance_wherever_they_stand(check, write):
    one, two = entry("JNL1")
    rows = [one, *entry("JNL2"), line(reference="JNL1", date="30/05/2025", amount="7.00"), two]
    result = check(write(rows))
    # JNL1 of 30/05 is another entry: Date and Reference together make an entry.
    assert where(result) == [("warning", "out-of-balance", 4, "G")]
    assert result["findings"][0]["message"].startswith(
        "The lines of Date 30/05/2025 and Reference JNL1 do not balance: debits 7.00, "
        "credits 0.00, difference 7.00 (line 4). "
    )
    balanced = check(write([one, *entry("JNL2"), two], name="b.csv"))
    assert balanced["findings"] == []


def test_lines_with_a_contra_account_are_left_out_of_the_balance(check, write):
    rows = [line(amount="100.00"), line(account="9500000", amount="-100.00", contra=CONTRA),
            line(reference="JNL2", amount="55.00", contra=CONTRA)]  # fmt: skip
    result = check(write(rows))
    (finding,) = found(result, "out-of-balance")
    assert (finding["row"], finding["column"]) == (1, "G")
    assert "debits 100.00, credits 0.00, difference 100.00" in finding["message"]
    assert len(result["findings"]) == 1
    contra_only = [line(amount="100.00", contra=CONTRA), line(amount="-3.00", contra=CONTRA)]
    assert check(write(contra_only, name="c.csv"))["findings"] == []


def test_an_unbalanced_batch_is_said_once_for_the_batch(check, write):
    rows = [line(amount="100.00"), line(account="9500000", amount="-90.00"),
            line(reference="JNL2", amount="50.00"),
            line(reference="JNL2", account="9500000", amount="-40.00")]  # fmt: skip
    result = check(write(rows))
    assert result["code"] == 0
    assert where(result) == [
        ("warning", "out-of-balance", 1, ""),
        ("warning", "out-of-balance", 1, "G"),
        ("warning", "out-of-balance", 3, "G"),
    ]
    assert result["findings"][0]["message"] == (
        "The batch does not balance: debits 150.00, credits 130.00, difference 20.00. Pastel "
        "will not update a batch whose debits and credits differ."
    )
    # Entries out by amounts that cancel: each is said, the batch balances.
    offset = [line(amount="100.00"), line(account="9500000", amount="-90.00"),
              line(reference="JNL2", amount="50.00"),
              line(reference="JNL2", account="9500000", amount="-60.00")]  # fmt: skip
    assert where(check(write(offset, name="o.csv"))) == [
        ("warning", "out-of-balance", 1, "G"),
        ("warning", "out-of-balance", 3, "G"),
    ]


def test_a_balanced_batch_has_no_balance_warning(check, write):
    rows = [*entry("JNL1", "0.01"), *entry("JNL2", "999999999999.99"), *entry("JNL3", "-7.77")]
    assert check(write(rows))["findings"] == []


def test_a_cashbook_batch_never_gets_a_balance_warning(check, write):
    rows = [line(amount="100.00"), line(reference="JNL2", amount="-90.00"),
            line(reference="JNL2", amount="-5.00")]  # fmt: skip
    assert check(write(rows), CASHBOOK)["findings"] == []
    assert codes(check(write(rows, name="j.csv"), JOURNAL)) == ["out-of-balance"] * 3


# Open Item against the sign: (format, GDC, amount, open item, warned with the expected code)
SIGNS = [
    (JOURNAL, "D", "100.00", "O", None), (JOURNAL, "D", "100.00", "A", "O"),
    (JOURNAL, "D", "-100.00", "A", None), (JOURNAL, "D", "-100.00", "O", "A"),
    (JOURNAL, "C", "-100.00", "O", None), (JOURNAL, "C", "-100.00", "A", "O"),
    (JOURNAL, "C", "100.00", "A", None), (JOURNAL, "C", "100.00", "O", "A"),
    (CASHBOOK, "D", "100.00", "A", None), (CASHBOOK, "D", "100.00", "O", "A"),
    (CASHBOOK, "D", "-100.00", "A", None), (CASHBOOK, "D", "-100.00", "O", "A"),
    (CASHBOOK, "C", "100.00", "A", None), (CASHBOOK, "C", "100.00", "O", "A"),
    (CASHBOOK, "C", "-100.00", "A", None), (CASHBOOK, "C", "-100.00", "O", "A"),
    (JOURNAL, "D", "100.00", "", None), (CASHBOOK, "C", "-100.00", "", None),
]  # fmt: skip


@pytest.mark.parametrize(("fmt", "gdc", "amount", "code", "wanted"), SIGNS)
def test_open_item_follows_the_sign_rule(check, write, fmt, gdc, amount, code, wanted):
    rows = single(gdc=gdc, account="ABC001", amount=amount, open_item=code)
    result = check(write(rows), fmt)
    if wanted is None:
        assert result["findings"] == []
        return
    assert where(result) == [("warning", "choice-by-sign", 1, "J")]
    sign = "positive (a debit)" if amount[0] != "-" else "negative (a credit)"
    assert result["findings"][0]["message"] == (
        f"Open Item {code} on a line with GDC {gdc} and a {sign} Amount: the accounting "
        f"system writes {wanted} there. Check the line's sign and its Open Item."
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_open_item_on_a_g_line_is_a_warning_with_the_fix_to_clear_it(check, write, fmt):
    result = check(write(pair(open_item="O")), fmt)
    assert result["code"] == 0
    assert where(result) == [("warning", "choice-by-sign", 1, "J")]
    (finding,) = result["findings"]
    assert finding["message"] == (
        "Open Item is for lines with GDC D or C; a GDC G line leaves it blank."
    )
    assert finding["fix"] == ""


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("tax_type", "tax_amount", "words"),
    [("0", "15.00", "Tax Amount is 15.00, but Tax Type is 0: fill in both, or clear both."),
     ("", "15.00", "Tax Amount is 15.00, but Tax Type is blank: fill in both, or clear both."),
     ("1", "0.00", "Tax Type is 1, but Tax Amount is 0.00: fill in both, or clear both."),
     ("01", "", "Tax Type is 01, but Tax Amount is blank: fill in both, or clear both.")],
)  # fmt: skip
def test_a_tax_amount_and_its_type_go_together(check, write, fmt, tax_type, tax_amount, words):
    result = check(write(pair(tax_type=tax_type, tax_amount=tax_amount)), fmt)
    assert result["code"] == 0
    assert where(result) == [("warning", "set-together", 1, "I")]
    assert result["findings"][0]["message"] == words


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_line_twice_is_a_warning_on_the_second(check, write, fmt):
    rows = [*single(), *single(reference="JNL2"), *single()]
    result = check(write(rows), fmt)
    assert result["code"] == 0
    assert where(result) == [("warning", "duplicate-line", 3, "G")]
    message = result["findings"][0]["message"]
    assert message.startswith("The same line as another, field for field: it would post twice")
    assert "line 1" in message
    # Written differently, the same line: 100 and 100.00, 3200/000 and 3200000.
    spelled = [*single(), *single(amount="100", account="3200/000")]
    assert codes(check(write(spelled, name="s.csv"), fmt)) == ["duplicate-line"]
    # One field apart: two lines.
    assert (
        check(write([*single(), *single(description="other")], name="o.csv"), fmt)["findings"] == []
    )
