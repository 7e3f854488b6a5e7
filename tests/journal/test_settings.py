"""The rules that need company settings, for journal and cashbook lines: each fires with a
settings file or the workbook's Settings sheet, stays quiet when the line agrees, and never
runs without settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import codes

from .conftest import CASHBOOK, FORMATS, JOURNAL, line, where

CONTRA = "8400000"
SETTINGS = {
    "settings": {"first_month": "March", "periods": 12},
    "lists": {
        "tax_types": [{"code": "0", "rate": "0"}, {"code": "1", "rate": "15"}],
        "customers": ["ABC001"],
        "suppliers": ["SUP010"],
        "projects": ["SAL"],
        "gl_accounts": [
            {"code": "3200000"},
            {"code": "9500000"},
            {"code": "8400000"},
            {"code": "9600000", "kind": "control"},
            {"code": "9650000", "kind": "tax"},
            {"code": "8410000", "kind": "bank"},
        ],
    },
}


def single(**changes: str) -> list[list[str]]:
    return [line(**{"contra": CONTRA, **changes})]


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "company.json"
    path.write_text(json.dumps(SETTINGS))
    return path


# (name, formats, rows that fire it, (code, column), words, rows where it stays quiet)
CASES = [
    ("tax not the rate", FORMATS, single(tax_type="1", tax_amount="20.00"),
     ("tax-amount-mismatch", "I"),
     "Tax Amount 20.00 is not 15 % (Tax Type 1 of your tax table) of the Amount 100.00: that "
     "would be 15.00, or 13.04 if the Amount includes the tax.",
     single(tax_type="1", tax_amount="15.00")),
    ("tax of an inclusive amount", FORMATS, single(tax_type="1", tax_amount="13.10"),
     ("tax-amount-mismatch", "I"), "13.04 if the Amount includes the tax",
     single(tax_type="1", tax_amount="13.04")),
    ("tax type not in the table", FORMATS, single(tax_type="5", tax_amount="5.00"),
     ("tax-amount-mismatch", "I"), "Tax Type 5 is not a line of your tax table",
     single(tax_type="1", tax_amount="-15.00", amount="-100.00")),
    ("period not the date's", FORMATS, single(period="4"), ("period-not-date", "A"),
     "May", single(period="3")),
    ("GL account not in the list", FORMATS, single(account="3300000"), ("not-in-list", "D"),
     "GL accounts", single(account="9500000")),
    ("customer not in the list", FORMATS, single(gdc="D", account="XYZ001"),
     ("not-in-list", "D"), "Customers", single(gdc="D", account="ABC001")),
    ("supplier not in the list", FORMATS, single(gdc="C", account="ABC001"),
     ("not-in-list", "D"), "Suppliers", single(gdc="C", account="SUP010")),
    ("contra not in the list", FORMATS, single(contra="8500000"), ("not-in-list", "L"),
     "GL accounts", single(contra="8400/000")),
    ("project not in the list", FORMATS, single(project="XYZ"), ("not-in-list", "K"),
     "Projects", single(project="SAL")),
    ("G line to a control account", FORMATS, single(account="9600000"),
     ("journal-to-control-account", "D"),
     "A G line posts straight to a control or tax account", single(account="3200000")),
    ("G line to the VAT account", FORMATS, single(account="9650/000"),
     ("journal-to-control-account", "D"), "VAT", single(account="3200000")),
    ("cashbook G line to a bank account", (CASHBOOK,), single(account="8410000"),
     ("cashbook-to-bank-account", "D"), "A cashbook line to a bank account",
     single(account="3200000")),
]  # fmt: skip


PARAMS = [(fmt, name, *rest) for name, formats, *rest in CASES for fmt in formats]


@pytest.mark.parametrize(
    ("fmt", "name", "fires", "expected", "words", "quiet"),
    PARAMS,
    ids=[f"{p[1]}-{p[0]}" for p in PARAMS],
)
def test_each_settings_rule_fires_and_stays_quiet(
    check, write, settings_file, fmt, name, fires, expected, words, quiet
):
    result = check(write(fires), fmt, "--settings", settings_file)
    (finding,) = result["findings"]
    assert (finding["code"], finding["row"], finding["column"]) == (expected[0], 1, expected[1])
    assert words in finding["message"], finding["message"]
    calm = check(write(quiet, name="quiet.csv"), fmt, "--settings", settings_file)
    assert calm["findings"] == [], name
    without = check(write(fires, name="bare.csv"), fmt)
    assert without["findings"] == [], name


def test_a_journal_g_line_to_a_bank_account_is_not_questioned(check, write, settings_file):
    assert (
        check(write(single(account="8410000")), JOURNAL, "--settings", settings_file)["findings"]
        == []
    )


def test_settings_findings_are_warnings_and_the_batch_still_exports(
    run, check, write, settings_file, tmp_path
):
    rows = [*single(account="3300000"), *single(reference="J2", account="9600000")]
    result = check(write(rows), JOURNAL, "--settings", settings_file)
    assert result["code"] == 0
    assert where(result) == [
        ("warning", "not-in-list", 1, "D"),
        ("warning", "journal-to-control-account", 2, "D"),
    ]
    book = tmp_path / "b.xlsx"
    assert run("import", write(rows), "--format", JOURNAL, "-o", book,
               "--settings", settings_file).code == 0  # fmt: skip
    assert run("export", book, "-o", tmp_path / "out.csv").code == 0
    assert (tmp_path / "out.csv").read_bytes().count(b"\r\n") == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_samples_agree_with_their_own_settings(check, settings_file, tmp_path, fmt):
    from .conftest import SAMPLES

    data = json.loads(settings_file.read_text())
    data["lists"]["gl_accounts"] = []  # codes the samples use are not all in the list above
    data["lists"]["customers"] = ["ABC001", "USA001"]
    data["lists"]["suppliers"] = ["SUP010"]
    path = tmp_path / "samples.json"
    path.write_text(json.dumps(data))
    result = check(SAMPLES[fmt], fmt, "--settings", path)
    assert codes(result) == [], result["findings"]
    assert any(c["ran"] and "tax table" in c["check"] for c in result["checks"])


def test_the_workbooks_settings_sheet_is_what_validate_uses(run, write, settings_file, tmp_path):
    source = write([*single(tax_type="1", tax_amount="20.00"), *single(reference="J2", period="4")])
    book = tmp_path / "b.xlsx"
    done = run("import", source, "--format", JOURNAL, "-o", book, "--settings", settings_file)
    assert done.code == 0, done.err
    report = json.loads(run("validate", book, "--json").out)
    assert [(f["code"], f["row"], f["column"]) for f in report["findings"]] == [
        ("tax-amount-mismatch", 2, "I"),
        ("period-not-date", 3, "A"),
    ]
    ran = {c["check"] for c in report["checks"] if c["ran"]}
    assert {"Tax Amount against the tax table's rate",
            "Period against the Date under the financial year"} <= ran  # fmt: skip
    # The Settings sheet, given to check as --settings, says the same.
    by_book = json.loads(run("check", source, "--format", JOURNAL, "--settings", book,
                             "--json").out)  # fmt: skip
    assert [f["code"] for f in by_book["findings"]] == ["tax-amount-mismatch", "period-not-date"]
