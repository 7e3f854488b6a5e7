"""Every rule of the Pastel spec: a batch that makes it fire, and a batch where it stays quiet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import addin
from addin.engine.batch import Context
from addin.engine.csv_batch import batch_csv_bytes, read_csv_batch
from addin.specs import get_spec
from addin.specs.model import SETTINGS_RULES
from tests.pastel_rows import csv_bytes, detail, header, remark

H = header
D = detail


def check(rows: list[list[str]], spec: str = "pastel-customer", context: Context | None = None):
    return read_csv_batch(get_spec(spec), csv_bytes(rows), "batch.csv", context)


def codes(batch) -> set[tuple[str, int, str]]:
    return {(f.code, f.row, f.column) for f in batch.report.findings}


def test_a_valid_batch_has_no_findings():
    batch = check(
        [H(), D(), remark(), H(order_number="PO-2"), D(line_type="6", code="1000000", store="")]
    )
    assert batch.report.findings == []


# (name, rows that fire it, expected (code, line, column), rows where it stays quiet)
CASES = [
    ("first record is a Detail", [D(), H(), D()], ("first-not-header", 1, "A"), [H(), D()]),
    (
        "Detail before any Header",
        [D(), D(), H(), D()],
        ("detail-before-header", 2, "A"),
        [H(), D(), D()],
    ),
    (
        "Header without Details",
        [H(), H(order_number="P2"), D()],
        ("header-without-details", 1, "A"),
        [H(), D(), H(order_number="P2"), D()],
    ),
    (
        "Header without Details at the end",
        [H(), D(), H(order_number="P2")],
        ("header-without-details", 3, "A"),
        [H(), D()],
    ),
    ("unknown keyword", [H(), ["Trailer", "x"]], ("unknown-keyword", 2, "A"), [H(), D()]),
    ("customer code blank", [H(account=""), D()], ("required", 1, "E"), [H(account="A"), D()]),
    ("period blank", [H(period=""), D()], ("required", 1, "F"), [H(period="1"), D()]),
    ("date blank", [H(date=""), D()], ("required", 1, "G"), [H(), D()]),
    ("inc/exc blank", [H(inclusive=""), D()], ("required", 1, "I"), [H(inclusive="Y"), D()]),
    ("line type blank", [H(), D(line_type="")], ("required", 2, "L"), [H(), D()]),
    (
        "quantity blank on an inventory line",
        [H(), D(quantity="")],
        ("required", 2, "C"),
        [H(), remark()],
    ),
    (
        "unit price blank on a GL line",
        [H(), D(line_type="6", code="1000000", unit_price="")],
        ("required", 2, "D"),
        [H(), D(line_type="6", code="1000000")],
    ),
    ("inclusive price blank", [H(), D(inclusive_price="")], ("required", 2, "E"), [H(), D()]),
    ("discount type blank", [H(), D(discount_type="")], ("required", 2, "H"), [H(), D()]),
    ("code blank on an inventory line", [H(), D(code="")], ("required", 2, "J"), [H(), D()]),
    (
        "customer code too long",
        [H(account="ABCDEFG"), D()],
        ("too-long", 1, "E"),
        [H(account="ABCDEF"), D()],
    ),
    (
        "item code Excel wrote in scientific notation",
        [H(), D(code="1.23457E+11")],
        ("excel-scientific", 2, "J"),
        [H(), D(code="123457000000")],
    ),
    (
        "description too long",
        [H(), D(description="x" * 41)],
        ("too-long", 2, "K"),
        [H(), D(description="x" * 40)],
    ),
    (
        "quantity not a number",
        [H(), D(quantity="ten")],
        ("not-a-number", 2, "C"),
        [H(), D(quantity="10")],
    ),
    (
        "price with 10 digits",
        [H(), D(unit_price="1234567890.00")],
        ("too-many-digits", 2, "D"),
        [H(), D(unit_price="123456789.00")],
    ),
    (
        "price with 5 decimals",
        [H(), D(unit_price="1.23456")],
        ("too-many-decimals", 2, "D"),
        [H(), D(unit_price="1.2345")],
    ),
    (
        "exchange rate with 7 decimals",
        [H(exchange_rate="18.1234567"), D()],
        ("too-many-decimals", 1, "Y"),
        [H(exchange_rate="18.123456"), D()],
    ),
    (
        "exchange rate 0",
        [H(exchange_rate="0"), D()],
        ("out-of-range", 1, "Y"),
        [H(exchange_rate=""), D()],
    ),
    (
        "date not a real date",
        [H(date="31/02/2025"), D()],
        ("not-a-date", 1, "G"),
        [H(date="28/02/2025"), D()],
    ),
    (
        "document date not a date",
        [H(document_date="2025/06/30"), D()],
        ("not-a-date", 1, "U"),
        [H(document_date=""), D()],
    ),
    ("period 14", [H(period="14"), D()], ("out-of-range", 1, "F"), [H(period="13"), D()]),
    ("period 0", [H(period="0"), D()], ("out-of-range", 1, "F"), [H(period="1"), D()]),
    (
        "settlement terms 33",
        [H(settlement_terms="33"), D()],
        ("out-of-range", 1, "T"),
        [H(settlement_terms="32"), D()],
    ),
    ("tax type 31", [H(), D(tax_type="31")], ("not-allowed", 2, "G"), [H(), D(tax_type="30")]),
    (
        "discount type 4",
        [H(), D(discount_type="4")],
        ("not-allowed", 2, "H"),
        [H(), D(discount_type="3")],
    ),
    (
        "discount percentage 10000",
        [H(), D(discount_percentage="10000")],
        ("out-of-range", 2, "I"),
        [H(), D(discount_percentage="9999")],
    ),
    (
        "discount percentage with decimals",
        [H(), D(discount_percentage="1250.5")],
        ("not-whole", 2, "I"),
        [H(), D(discount_percentage="1250")],
    ),
    ("line type 5", [H(), D(line_type="5")], ("not-allowed", 2, "L"), [H(), D(line_type="4")]),
    (
        "inc/exc not Y or N",
        [H(inclusive="X"), D()],
        ("not-allowed", 1, "I"),
        [H(inclusive="N"), D()],
    ),
    ("deleted flag not Y", [H(deleted="X"), D()], ("not-allowed", 1, "C"), [H(deleted="Y"), D()]),
    (
        "email flag not Y",
        [H(email_status="1"), D()],
        ("not-allowed", 1, "AC"),
        [H(email_status=""), D()],
    ),
    (
        "additional costs not Y/N",
        [H(additional_costs="X"), D()],
        ("not-allowed", 1, "AB"),
        [H(additional_costs="N"), D()],
    ),
    (
        "GL code of non-ASCII digits",
        [H(), D(line_type="6", code="100000\u0660", store="")],
        ("gl-code-digits", 2, "J"),
        [H(), D(line_type="6", code="1000000", store="")],
    ),
    (
        "quantity of non-ASCII digits",
        [H(), D(quantity="\u0661\u0662")],
        ("not-a-number", 2, "C"),
        [H(), D(quantity="12")],
    ),
    (
        "GL line code not 7 digits",
        [H(), D(line_type="6", code="100000", store="")],
        ("gl-code-digits", 2, "J"),
        [H(), D(line_type="6", code="1000000", store="")],
    ),
    (
        "line break in a cell",
        [H(), D(description="two\r\nlines")],
        ("line-break", 2, "K"),
        [H(), D(description="two lines")],
    ),
    (
        "character Windows-1252 cannot hold",
        [H(), D(description="Tāmaki")],
        ("not-encodable", 2, "K"),
        [H(), D(description="Café €5")],
    ),
    (
        "control character in text",
        [H(), D(description="Bell\x07")],
        ("control-character", 2, "K"),
        [H(), D(description="Bell\tTab")],
    ),
    (
        "data past the last Detail column",
        [H(), [*D(), "x"]],
        ("extra-field", 2, "O"),
        [H(), [*D(), "", ""]],
    ),
    (
        "a Detail joined on a Header's line one field late (not read apart)",
        [[*H(), "", *D()]],
        ("records-joined", 1, "AE"),
        [H(), D()],
    ),
    # warnings
    (
        "document date before date",
        [H(document_date="01/05/2025"), D()],
        ("document-date-before-date", 1, "U"),
        [H(document_date="14/05/2025"), D()],
    ),
    (
        "discount percentage like a percent",
        [H(), D(discount_percentage="10")],
        ("looks-like-percent", 2, "I"),
        [H(), D(discount_percentage="1000")],
    ),
    ("negative quantity", [H(), D(quantity="-1")], ("negative", 2, "C"), [H(), D(quantity="1")]),
    (
        "negative price",
        [H(), D(unit_price="-1.00")],
        ("negative", 2, "D"),
        [H(), D(unit_price="0.00")],
    ),
    (
        "zero cost on a customer inventory line",
        [H(), D(cost_price="0.00")],
        ("zero-cost-price", 2, "B"),
        [H(), D(cost_price="0.00", line_type="6", code="1000000", store="")],
    ),
    (
        "comma in a text field",
        [H(), D(description="Bolts, zinc")],
        ("delimiter-in-text", 2, "K"),
        [H(), D(description="Bolts zinc")],
    ),
    (
        "quote in a text field",
        [H(message_1='The "best"'), D()],
        ("delimiter-in-text", 1, "K"),
        [H(message_1="The best"), D()],
    ),
    (
        "order number over 15",
        [H(order_number="O" * 16), D()],
        ("long-for-older-versions", 1, "H"),
        [H(order_number="O" * 15), D()],
    ),
    (
        "order number over 25",
        [H(order_number="O" * 26), D()],
        ("too-long", 1, "H"),
        [H(order_number="O" * 25), D()],
    ),
    (
        "additional costs on a customer batch",
        [H(additional_costs="Y"), D()],
        ("additional-costs-not-supplier-invoice", 1, "AB"),
        [H(additional_costs="N"), D()],
    ),
    (
        "order number twice",
        [H(), D(), H(), D()],
        ("duplicate-order-number", 3, "H"),
        [H(), D(), H(order_number="PO-2"), D()],
    ),
    (
        "non-breaking space",
        [H(), D(code="WIDG\u00a0100")],
        ("pasted-characters", 2, "J"),
        [H(), D(code="WIDG 100")],
    ),
    (
        "smart quotes",
        [H(message_1="\u2018best\u2019"), D()],
        ("pasted-characters", 1, "K"),
        [H(message_1="'best'"), D()],
    ),
    (
        "space at the edge of a code",
        [H(account="ABC1 "), D()],
        ("surrounding-spaces", 1, "E"),
        [H(account="ABC1"), D()],
    ),
]


@pytest.mark.parametrize(("name", "fires", "expected", "quiet"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_and_stays_quiet(name, fires, expected, quiet):
    code = expected[0]
    assert expected in codes(check(fires)), name
    assert code not in {c for c, _, _ in codes(check(quiet))}, name


def test_every_rule_code_the_engine_can_emit_is_exercised():
    """A rule added to the Pastel spec or the shared field checks needs a case above."""
    exercised = {c[2][0] for c in CASES}
    excel_only = {
        "number-in-text",
        "date-in-text",
        "number-in-date",
        "date-in-number",
        "time-in-cell",
    }
    read_only = {"unbalanced-quote"}
    package = Path(addin.__file__).parent
    modules = ["specs/pastel.py", "engine/batch.py", "engine/fields.py", "engine/rules.py"]
    source = "\n".join((package / m).read_text() for m in modules)
    emitted = set(re.findall(r'"(?:error|warning)",\s*"([a-z-]+)"', source))
    emitted |= set(re.findall(r'code="([a-z-]+)"', source))
    emitted -= {"error", "warning"}
    # Options only Infusion's fields use; tests/infusion exercises them.
    emitted -= {"blank-recommended", "formatted-number", "zero"}
    # Rules that need company settings; tests/test_company_rules.py exercises them.
    emitted -= {r.code for r in get_spec("pastel-customer").rules if isinstance(r, SETTINGS_RULES)}
    missing = emitted - exercised - excel_only - read_only
    assert not missing, f"rules without a test here: {sorted(missing)}"


def test_a_file_valid_in_two_encodings_is_read_in_the_formats_own_and_says_so():
    windows_1252 = "Header,,,,ABC001,3,14/05/2025,Ç£,N\r\nDetail,,1,1.00,1.00,,1,0,0,X,x,4\r\n"
    batch = read_csv_batch(get_spec("pastel-customer"), windows_1252.encode("cp1252"), "f.csv")
    assert batch.records[0].get("order_number") == "Ç£"
    (guess,) = [f for f in batch.report.findings if f.code == "encoding-guess"]
    assert guess.row == 1 and "'ǣ'" in guess.message
    plain = read_csv_batch(get_spec("pastel-customer"), "Header,,,,É1".encode("cp1252"), "g.csv")
    assert "encoding-guess" not in {f.code for f in plain.report.findings}


def test_supplier_batch_allows_additional_costs_unless_told_it_is_not_an_invoice():
    rows = [H(additional_costs="Y"), D()]
    assert not any(
        f.code.startswith("additional") for f in check(rows, "pastel-supplier").report.findings
    )
    grv = check(rows, "pastel-supplier", Context(document_type="grv", row_word="line"))
    assert ("additional-costs-not-supplier-invoice", 1, "AB") in codes(grv)
    invoice = check(rows, "pastel-supplier", Context(document_type="supplier-invoice"))
    assert not invoice.report.findings


def test_zero_cost_price_is_normal_on_supplier_batches():
    assert not check([H(), D(cost_price="0.00")], "pastel-supplier").report.findings


def test_remark_lines_need_nothing_but_their_line_type():
    blank_remark = detail(
        **{
            k: ""
            for k in (
                "cost_price",
                "quantity",
                "unit_price",
                "inclusive_price",
                "unit",
                "tax_type",
                "discount_type",
                "discount_percentage",
                "code",
                "description",
                "store",
            )
        },
        line_type="7",
    )
    assert check([H(), blank_remark]).report.findings == []


def test_blank_optional_numbers_are_accepted():
    rows = [H(discount="", settlement_terms="", exchange_rate=""), D(discount_percentage="")]
    assert check(rows).report.findings == []


FIXES = [
    # Spelled as the field writes it: a quantity with as few decimals as it needs.
    ("thousands separator", D(quantity="1,234.50"), "C", "not-a-number", "1234.5"),
    ("thousands separator in a price", D(unit_price="1,234.5"), "D", "not-a-number", "1234.50"),
    ("percent with decimals", D(discount_percentage="12.5"), "I", "not-whole", "1250"),
    ("ISO date", None, "G", "not-a-date", "14/05/2025"),
    ("float artefact", D(unit_price="143.7500000001"), "D", "too-many-decimals", "143.75"),
    ("Yes for Y", None, "I", "not-allowed", "Y"),
    ("zero-width space", D(code="WIDG\u200b100"), "J", "not-encodable", "WIDG100"),
    ("non-breaking space", D(code="WIDG\u00a0100"), "J", "pasted-characters", "WIDG 100"),
]


@pytest.mark.parametrize(("name", "row", "column", "code", "fix"), FIXES, ids=[f[0] for f in FIXES])
def test_certain_fixes_are_suggested(name, row, column, code, fix):
    head = (
        H(date="2025-05-14")
        if name == "ISO date"
        else H(inclusive="Yes")
        if name == "Yes for Y"
        else H()
    )
    rows = [head, row or D()]
    found = [f for f in check(rows).report.findings if f.code == code and f.column == column]
    assert found and found[0].fix == fix


def test_uncertain_problems_offer_no_fix():
    batch = check([H(), D(unit_price="1.23456", quantity="ten")])
    assert {f.code: f.fix for f in batch.report.findings} == {
        "too-many-decimals": None,
        "not-a-number": None,
    }


def test_messages_name_the_field_and_what_is_expected():
    (f,) = check([H(period="14"), D()]).report.findings
    assert f.field == "Period Number"
    assert "Period Number must be from 1 to 13" in f.message
    assert f.value == "14"


def test_accepted_spellings_are_written_canonically():
    rows = [
        [
            "Header",
            "",
            " ",
            "N",
            "ABC001",
            "3",
            "4/5/2025",
            "PO-1",
            "n",
            "0.0",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "00",
            "30-06-2025",
            "",
            "",
            "",
            "1.000000",
            "",
            "",
            "",
            "N",
        ],
        ["Detail", "85", "10.0", "125", "143.750", "EACH", "01", "0", "0", "1000/000", "x", "6"],
    ]
    batch = check(rows)
    assert batch.report.findings == []
    assert batch_csv_bytes(batch) == (
        b"Header,,,,ABC001,3,04/05/2025,PO-1,N,0,,,,,,,,,,0,30/06/2025,,,,1,,,,\r\n"
        b"Detail,85.00,10,125.00,143.75,EACH,01,0,0,1000000,x,6,,\r\n"
    )
