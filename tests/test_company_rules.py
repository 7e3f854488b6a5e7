"""Every rule that needs company settings: a batch that fires it, and one where it stays quiet."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from addin.engine.batch import Context
from addin.engine.csv_batch import read_csv_batch
from addin.engine.settings import CompanySettings, parse_settings, settings_from_grid
from addin.specs import SPECS, get_spec
from addin.specs.model import SETTINGS_RULES
from tests.infusion.conftest import csv_bytes as infusion_bytes
from tests.infusion.conftest import row as infusion_row
from tests.pastel_rows import csv_bytes, detail, header, remark

H, D = header, detail
TODAY = dt.date(2025, 6, 1)

PASTEL = {
    "settings": {"first_month": "March", "periods": 12, "home_currency": "ZAR"},
    "lists": {
        "tax_types": [{"code": "00", "rate": "0"}, {"code": "01", "rate": "15"}],
        "customers": ["ABC001", "DUR002", {"code": "USA001", "currency": "USD"}, "007"],
        "suppliers": [{"code": "SUP001", "currency": "ZAR"}, {"code": "EUR001", "currency": "EUR"}],
        "items": ["WIDG-100", "BOLT/M10"],
        "gl_accounts": [
            {"code": "1000/000"},
            {"code": "8400000", "kind": "Control"},
            {"code": "8410000", "kind": "bank"},
            {"code": "9500000", "kind": "tax"},
        ],
        "stores": ["001", "002"],
        "projects": ["PRJ01"],
        "sales_analysis": ["GAUT"],
    },
}
INFUSION = {
    "settings": {"first_month": 4, "conversion_date": "01/07/2024"},
    "lists": {
        "customers": [
            {"code": "C1042", "sort_key": "ACME"},
            {"code": "C0007"},
            {"code": "00042"},
        ],
        "gl_accounts": ["6120", "6150"],
        "gst_rates": [{"code": "GST 15%", "rate": "15"}, {"code": "Exempt", "rate": "0"}],
        "cost_centres": ["AUCKLAND", "Default"],
    },
}


def settings_of(data: dict, format_name: str) -> CompanySettings:
    return parse_settings(json.dumps(data), "test").for_spec(get_spec(format_name).settings)


def pastel(rows, format_name: str = "pastel-customer", data: dict | None = PASTEL):
    spec = get_spec(format_name)
    settings = settings_of(data, format_name) if data is not None else None
    context = Context(row_word="line", settings=settings, today=TODAY)
    return read_csv_batch(spec, csv_bytes(rows), "b.csv", context)


def infusion(rows, data: dict | None = INFUSION, today: dt.date = TODAY):
    spec = get_spec("infusion-customer-adjustments")
    settings = settings_of(data, spec.name) if data is not None else None
    context = Context(row_word="line", settings=settings, today=today)
    header_row = ["Account Number", "Date", "Reference", "Description", "GL ID", "Amount",
                  "GST Rate", "Amount Is", "Cost Centre", "Notes"]  # fmt: skip
    return read_csv_batch(spec, infusion_bytes([header_row, *rows]), "a.csv", context)


def found(batch) -> set[tuple[str, int, str]]:
    return {(f.code, f.row, f.column) for f in batch.report.findings}


def test_a_batch_that_matches_the_settings_has_no_findings():
    rows = [
        H(period="3", date="14/05/2025", sales_analysis="GAUT"),
        D(tax_type="01", store="001"),
        remark(),
        H(order_number="PO-2", account="USA001", exchange_rate="18.245"),
        D(line_type="6", code="1000000", store="", tax_type="00", inclusive_price="125.00"),
    ]
    assert pastel(rows).report.findings == []


# (name, rows that fire it, expected (code, line, column), rows where it stays quiet)
PASTEL_CASES = [
    ("period disagrees with the date", [H(period="4"), D(tax_type="01")],
     ("period-not-date", 1, "F"), [H(period="3"), D(tax_type="01")]),
    ("inclusive price is not price plus tax", [H(), D(tax_type="01", inclusive_price="150.00")],
     ("inclusive-price-mismatch", 2, "E"), [H(), D(tax_type="01", inclusive_price="143.75")]),
    ("unknown customer", [H(account="XYZ999"), D(tax_type="01")],
     ("not-in-list", 1, "E"), [H(account="DUR002"), D(tax_type="01")]),
    ("unknown item", [H(), D(tax_type="01", code="WIDG-999")],
     ("not-in-list", 2, "J"), [H(), D(tax_type="01", code="BOLT/M10")]),
    ("unknown GL account", [H(), D(tax_type="01", line_type="6", code="4000000", store="")],
     ("not-in-list", 2, "J"), [H(), D(tax_type="01", line_type="6", code="1000/000", store="")]),
    ("unknown store", [H(), D(tax_type="01", store="009")],
     ("not-in-list", 2, "N"), [H(), D(tax_type="01", store="002")]),
    ("unknown project", [H(), D(tax_type="01", project="PRJ99")],
     ("not-in-list", 2, "M"), [H(), D(tax_type="01", project="PRJ01")]),
    ("unknown sales analysis code", [H(sales_analysis="WCAPE"), D(tax_type="01")],
     ("not-in-list", 1, "S"), [H(sales_analysis="GAUT"), D(tax_type="01")]),
    ("unknown tax type", [H(), D(tax_type="05")],
     ("not-in-list", 2, "G"), [H(), D(tax_type="01")]),
    ("posting to a control account",
     [H(), D(tax_type="01", line_type="6", code="8400000", store="")],
     ("posting-to-control-account", 2, "J"),
     [H(), D(tax_type="01", line_type="6", code="1000000", store="")]),
    ("exchange rate 1 on a foreign account", [H(account="USA001"), D(tax_type="01")],
     ("rate-one-foreign-account", 1, "Y"), [H(account="USA001", exchange_rate="18.2"),
                                            D(tax_type="01")]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fires", "expected", "quiet"), PASTEL_CASES)
def test_each_pastel_settings_rule_fires_and_stays_quiet(name, fires, expected, quiet):
    assert expected in found(pastel(fires)), name
    assert not {f for f in found(pastel(quiet)) if f[0] == expected[0]}, name


@pytest.mark.parametrize(("name", "fires", "expected", "quiet"), PASTEL_CASES)
def test_without_settings_no_settings_rule_fires(name, fires, expected, quiet):
    assert expected[0] not in {f[0] for f in found(pastel(fires, data=None))}, name


def test_period_rule_knows_the_year_end_period_and_the_year_boundary():
    thirteen = {**PASTEL, "settings": {"first_month": 3, "periods": 13}}
    february = [H(period="13", date="20/02/2026"), D(tax_type="01")]
    assert "period-not-date" not in {f[0] for f in found(pastel(february, data=thirteen))}
    (finding,) = [f for f in pastel(february).report.findings if f.code == "period-not-date"]
    assert "February is period 12" in finding.message and "12 periods" in finding.message
    january = [H(period="11", date="31/01/2026"), D(tax_type="01")]
    assert "period-not-date" not in {f[0] for f in found(pastel(january))}


def test_price_rule_allows_rounding_and_four_decimal_prices():
    rows = [H(), D(tax_type="01", unit_price="2.45", inclusive_price="2.8175"),
            D(tax_type="1", unit_price="2.45", inclusive_price="2.82")]  # fmt: skip
    assert "inclusive-price-mismatch" not in {f[0] for f in found(pastel(rows))}


def test_supplier_batches_look_codes_up_among_suppliers():
    rows = [H(account="ABC001"), D(tax_type="01")]
    assert ("not-in-list", 1, "E") in found(pastel(rows, "pastel-supplier"))
    ok = [H(account="SUP001"), D(tax_type="01")]
    assert not found(pastel(ok, "pastel-supplier"))
    foreign = [H(account="EUR001"), D(tax_type="01")]
    assert ("rate-one-foreign-account", 1, "Y") in found(pastel(foreign, "pastel-supplier"))


def test_home_currency_accounts_are_not_foreign():
    rows = [H(account="SUP001"), D(tax_type="01")]
    codes = {f[0] for f in found(pastel(rows, "pastel-supplier"))}
    assert "rate-one-foreign-account" not in codes


@pytest.mark.parametrize(
    ("value", "fix", "words"),
    [
        ("abc001", "ABC001", "letter for letter"),
        ("7", "007", "leading zeros"),
        ("ABC010", None, "closest code in the list is 'ABC001'"),
        ("QQQQQQ", None, "add it there first"),
    ],
)
def test_unknown_codes_come_with_a_certain_fix_or_the_closest_code(value, fix, words):
    (finding,) = [f for f in pastel([H(account=value), D(tax_type="01")]).report.findings]
    assert (finding.code, finding.fix) == ("not-in-list", fix)
    assert words in finding.message


def test_a_lost_leading_zero_is_fixed_only_when_one_code_matches():
    two = {**PASTEL, "lists": {**PASTEL["lists"], "stores": ["001", "0001"]}}
    (finding,) = [f for f in pastel([H(), D(tax_type="01", store="1")], data=two).report.findings]
    assert finding.fix is None
    (one,) = [f for f in pastel([H(), D(tax_type="01", store="1")]).report.findings]
    assert one.fix == "001"


def test_tax_type_1_becomes_01_when_the_table_uses_two_digits():
    (finding,) = pastel([H(), D(tax_type="1")]).report.findings
    assert (finding.code, finding.column, finding.fix) == ("not-in-list", "G", "01")
    one_digit = {**PASTEL, "lists": {**PASTEL["lists"], "tax_types": [{"code": "1", "rate": "15"}]}}
    assert pastel([H(), D(tax_type="1")], data=one_digit).report.findings == []


# -- Infusion -------------------------------------------------------------------------------

INFUSION_CASES = [
    ("unknown account", [infusion_row(Account_Number="C9999", Date="05/06/2025")],
     ("not-in-list", 2, "A"), [infusion_row(Date="05/06/2025")]),
    ("unknown GL ID", [infusion_row(GL_ID="9999", Date="05/06/2025")],
     ("not-in-list", 2, "E"), [infusion_row(GL_ID="6150", Date="05/06/2025")]),
    ("unknown GST rate", [infusion_row(GST_Rate="GST 12.5%", Date="05/06/2025")],
     ("not-in-list", 2, "G"), [infusion_row(GST_Rate="Exempt", Date="05/06/2025")]),
    ("unknown cost centre", [infusion_row(Cost_Centre="WELLINGTON", Date="05/06/2025")],
     ("not-in-list", 2, "I"), [infusion_row(Cost_Centre="Default", Date="05/06/2025")]),
    ("date before the conversion date", [infusion_row(Date="05/02/2024")],
     ("date-outside-window", 2, "B"), [infusion_row(Date="05/06/2025")]),
    ("date outside the financial year", [infusion_row(Date="31/03/2025")],
     ("date-outside-window", 2, "B"), [infusion_row(Date="01/04/2025")]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fires", "expected", "quiet"), INFUSION_CASES)
def test_each_infusion_settings_rule_fires_and_stays_quiet(name, fires, expected, quiet):
    assert expected in found(infusion(fires)), name
    assert not found(infusion(quiet)), name
    assert expected[0] not in {f[0] for f in found(infusion(fires, data=None))}


def test_infusion_lookups_are_errors_and_dates_warnings():
    batch = infusion([infusion_row(GL_ID="9999", Date="05/02/2024")])
    severities = {f.code: f.severity for f in batch.report.findings}
    assert severities == {"not-in-list": "error", "date-outside-window": "warning"}
    assert not batch.exportable


def test_a_sort_key_is_looked_up_among_sort_keys():
    header_row = ["Sort Key", "Date", "GL ID", "Amount"]
    spec = get_spec("infusion-customer-adjustments")
    context = Context(settings=settings_of(INFUSION, spec.name), today=TODAY)
    rows = [
        header_row,
        ["ACME", "05/06/2025", "6120", "10.00"],
        ["C1042", "05/06/2025", "6120", "1.00"],
    ]
    batch = read_csv_batch(spec, infusion_bytes(rows), "s.csv", context)
    assert {f for f in found(batch) if f[0] == "not-in-list"} == {("not-in-list", 3, "A")}


def test_infusion_account_number_with_lost_zeros_gets_its_fix():
    (finding,) = infusion([infusion_row(Account_Number="42", Date="05/06/2025")]).report.findings
    assert finding.fix == "00042"


# -- what ran --------------------------------------------------------------------------------


def test_the_report_says_which_checks_ran_and_why_others_did_not():
    partial = {"settings": {}, "lists": {"customers": ["ABC001"]}}
    checks = {c.name: c for c in pastel([H(), D()], data=partial).report.checks}
    assert checks["Customer Code in Customers"].ran
    assert checks["Customer Code in Customers"].detail == "1 code in test"
    period = checks["Period Number against the Date under the financial year"]
    assert not period.ran and "no financial year start month" in period.detail
    assert not checks["Code (Line Type 4) in Inventory items"].ran
    nothing = pastel([H(), D()], data=None).report.checks
    assert nothing and not any(c.ran for c in nothing)


def test_settings_that_cannot_be_read_are_reported_and_skipped():
    broken = {"settings": {"first_month": "Marchember", "periods": 40},
              "lists": {"tax_types": [{"code": "01", "rate": "fifteen"}]}}  # fmt: skip
    settings = settings_of(broken, "pastel-customer")
    assert "first_month" not in settings.values and "periods" not in settings.values
    assert len(settings.problems) == 3


def test_the_settings_sheet_is_read_by_block_titles():
    grid = [
        ["Company", None, None, "Customers", None],
        ["Setting", "Value", None, "Customer code", "Currency"],
        ["Financial year starts in month", 3, None, "ABC001", None],
        ["Number of periods", "12", None, 7, "usd"],
        ["Conversion date", dt.datetime(2024, 7, 1), None, " DUR002\u00a0", None],
    ]
    settings = settings_from_grid(get_spec("pastel-customer").settings, grid)
    assert settings.values == {"first_month": 3, "periods": 12}
    assert [r["code"] for r in settings.lists["customers"].rows] == ["ABC001", "7", "DUR002"]
    infusion_settings = settings_from_grid(get_spec("infusion-customer-adjustments").settings, grid)
    assert infusion_settings.values["conversion_date"] == dt.date(2024, 7, 1)


def journal_line(**changes: str) -> list[str]:
    """A balanced pair's first line of a journal (period 3, May: the financial year starts in
    March), fields by key."""
    values = {
        "period": "3", "date": "14/05/2025", "gdc": "G", "account": "1000000",
        "reference": "JNL1", "description": "Accrual", "amount": "115.00", "tax_type": "0",
        "tax_amount": "0.00", "open_item": "", "project": "", "contra": "",
        "exchange_rate": "", "bank_exchange_rate": "", "batch_id": "0",
        "discount_tax_type": "0", "discount_amount": "0.00", "home_amount": "0.00",
    }  # fmt: skip
    values.update(changes)
    return list(values.values())


def journal(lines: list[list[str]], format_name: str = "pastel-journal", data=PASTEL):
    spec = get_spec(format_name)
    settings = settings_of(data, format_name) if data is not None else None
    context = Context(row_word="line", settings=settings, today=TODAY)
    return read_csv_batch(spec, csv_bytes(lines), "j.csv", context)


JOURNAL_CASES = [
    ("period disagrees with the date", "pastel-journal", [journal_line(period="4")],
     ("period-not-date", 1, "A"), [journal_line()]),
    ("unknown GL account", "pastel-journal", [journal_line(account="4000000")],
     ("not-in-list", 1, "D"), [journal_line(account="1000/000")]),
    ("unknown customer", "pastel-journal", [journal_line(gdc="D", account="XYZ999")],
     ("not-in-list", 1, "D"), [journal_line(gdc="D", account="ABC001")]),
    ("unknown supplier", "pastel-journal", [journal_line(gdc="C", account="ABC001")],
     ("not-in-list", 1, "D"), [journal_line(gdc="C", account="SUP001")]),
    ("unknown contra", "pastel-journal", [journal_line(contra="4000000")],
     ("not-in-list", 1, "L"), [journal_line(contra="1000000")]),
    ("a G line to a control account", "pastel-journal", [journal_line(account="8400000")],
     ("journal-to-control-account", 1, "D"), [journal_line(account="8410000")]),
    ("a cashbook G line to a bank account", "pastel-cashbook",
     [journal_line(account="8410000")], ("cashbook-to-bank-account", 1, "D"),
     [journal_line()]),
    ("tax that is not the rate", "pastel-journal",
     [journal_line(tax_type="1", tax_amount="20.00")], ("tax-amount-mismatch", 1, "I"),
     [journal_line(tax_type="1", tax_amount="15.00")]),
    ("tax of an amount with its tax", "pastel-journal",
     [journal_line(tax_type="1", tax_amount="17.00")], ("tax-amount-mismatch", 1, "I"),
     [journal_line(tax_type="01", tax_amount="17.25")]),
    ("a tax type the table lacks", "pastel-journal",
     [journal_line(tax_type="7", tax_amount="15.00")], ("tax-amount-mismatch", 1, "I"),
     [journal_line(tax_type="1", tax_amount="15.00")]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "format_name", "fires", "expected", "quiet"), JOURNAL_CASES)
def test_each_journal_settings_rule_fires_and_stays_quiet(
    name, format_name, fires, expected, quiet
):
    assert expected in found(journal(fires, format_name)), name
    assert not {f for f in found(journal(quiet, format_name)) if f[0] == expected[0]}, name
    assert expected[0] not in {f[0] for f in found(journal(fires, format_name, data=None))}


def test_every_settings_rule_code_is_exercised_here():
    """A settings rule added to a spec needs a case above (or, for the journal and cashbook
    formats, in tests/journal/test_settings.py)."""
    from tests.journal.test_settings import CASES as JOURNAL_CASES

    exercised = {c[2][0] for c in PASTEL_CASES + INFUSION_CASES}
    exercised |= {c[3][0] for c in JOURNAL_CASES}
    declared = {
        r.code for spec in SPECS.values() for r in spec.rules if isinstance(r, SETTINGS_RULES)
    }
    assert declared and declared <= exercised, sorted(declared - exercised)
