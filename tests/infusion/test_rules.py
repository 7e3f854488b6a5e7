"""Every Infusion rule: a file that makes it fire, and one where it stays quiet.

Files are checked with `batchsheet check --json`; `row` is the 1-based line of the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import codes, found

from .conftest import HEADER, row


def test_a_clean_file_has_no_findings(check, write):
    result = check(write([HEADER, row(), row(Reference="ADJ-2")]))
    assert result["code"] == 0 and result["findings"] == []
    assert result["format"] == "infusion-customer-adjustments"


@pytest.mark.parametrize("missing", ["Date", "GL ID", "Amount", "Account Number"])
def test_a_required_column_missing_is_an_error(check, write, missing: str):
    keep = [i for i, name in enumerate(HEADER) if name != missing]
    result = check(write([[r[i] for i in keep] for r in (HEADER, row())]))
    assert result["code"] == 1
    (finding,) = found(result, "missing-column")
    assert finding["row"] == 1 and finding["field"] == missing
    assert repr(missing) in finding["message"]


def test_sort_key_stands_in_for_a_missing_account_number_column(check, write):
    header = ["Sort Key", *HEADER[1:]]
    result = check(write([header, ["SMITH", *row()[1:]], ["", *row(Reference="R2")[1:]]]))
    assert "missing-column" not in codes(result)
    (blank,) = found(result, "required")
    assert (blank["row"], blank["column"], blank["field"]) == (3, "A", "Sort Key")


def test_account_number_or_sort_key_fills_a_row(check, write):
    header = ["Sort Key", *HEADER]
    quiet = write([header, ["SMITH", *row(Account_Number="")], ["", *row(Reference="R2")]])
    assert codes(check(quiet)) == []
    loud = check(write([header, ["", *row(Account_Number="")]]))
    (finding,) = found(loud, "required")
    assert finding["field"] == "Account Number" and finding["column"] == "B"
    assert "Sort Key" in finding["message"]


@pytest.mark.parametrize("name", ["Account Number", "Date", "GL ID", "Amount"])
def test_a_required_cell_blank_is_an_error(check, write, name: str):
    result = check(write([HEADER, row(), row(**{name.replace(" ", "_"): "", "Reference": "R2"})]))
    (finding,) = found(result, "required")
    assert (finding["row"], finding["field"]) == (3, name)


@pytest.mark.parametrize("value", ["31/02/2025", "2025-02-05", "5 Feb 2025", "05/13/2025"])
def test_a_date_that_is_not_a_real_dd_mm_yyyy_date_is_an_error(check, write, value: str):
    (finding,) = found(check(write([HEADER, row(Date=value)])), "not-a-date")
    assert finding["column"] == "B" and finding["value"] == value


@pytest.mark.parametrize("value", ["5/2/2025", "29/02/2024", "31/12/2025"])
def test_real_dates_stay_quiet(check, write, value: str):
    assert codes(check(write([HEADER, row(Date=value)]))) == []


@pytest.mark.parametrize(
    ("value", "code"),
    [("abc", "not-a-number"), ("12,34", "not-a-number"), ("0", "zero"), ("-0.00", "zero"),
     ("1.234", "too-many-decimals"), ("0.001", "too-many-decimals")],
)  # fmt: skip
def test_a_bad_amount_is_an_error(check, write, value: str, code: str):
    result = check(write([HEADER, row(Amount=value)]))
    assert result["code"] == 1
    assert [(f["code"], f["column"]) for f in result["findings"] if f["severity"] == "error"] == [
        (code, "F")
    ]


@pytest.mark.parametrize("value", ["0.01", "-0.04", "12", "1234567.5", "-287.50"])
def test_good_amounts_stay_quiet(check, write, value: str):
    assert codes(check(write([HEADER, row(Amount=value)]))) == []


@pytest.mark.parametrize("value", ["1,234.50", "$12.00", "(5.00)", "-$3.10"])
def test_formatted_amounts_are_a_warning_with_the_plain_number(check, write, value: str):
    result = check(write([HEADER, row(Amount=value)]))
    assert result["code"] == 0
    (finding,) = found(result, "formatted-number")
    assert finding["fix"] == {"1,234.50": "1234.50", "$12.00": "12.00", "(5.00)": "-5.00",
                              "-$3.10": "-3.10"}[value]  # fmt: skip


def test_a_formatted_amount_still_gets_the_amount_rules(check, write):
    assert sorted(codes(check(write([HEADER, row(Amount="$0.00")])))) == [
        "formatted-number",
        "zero",
    ]


def test_amount_is_takes_only_its_two_values(check, write):
    assert codes(check(write([HEADER, row(Amount_Is="inclusive")]))) == ["not-allowed"]
    assert codes(check(write([HEADER, row(Amount_Is="")]))) == []


def test_a_line_break_in_a_cell_is_an_error(check, write):
    result = check(write([HEADER, row(Notes="first\nsecond")]))
    (finding,) = found(result, "line-break")
    assert (finding["row"], finding["column"], finding["fix"]) == (2, "J", "first second")
    # A comma is no line break: only Infusion's guidance about , and " applies (a warning).
    assert codes(check(write([HEADER, row(Notes="first, second")]))) == ["delimiter-in-text"]


def test_a_header_spelled_differently_is_a_warning_naming_the_canonical_name(check, write):
    header = [*HEADER[:4], "GL Id", *HEADER[5:]]
    result = check(write([header, row()]))
    assert result["code"] == 0
    (finding,) = found(result, "header-spelling")
    assert (finding["row"], finding["column"], finding["fix"]) == (1, "E", "GL ID")
    assert codes(check(write([HEADER, row()]))) == []


def test_a_blank_description_is_a_warning(check, write):
    result = check(write([HEADER, row(Description="")]))
    assert result["code"] == 0
    (finding,) = found(result, "blank-recommended")
    assert (finding["row"], finding["column"]) == (2, "D")


def test_a_missing_description_column_is_a_warning(check, write):
    keep = [i for i, name in enumerate(HEADER) if name != "Description"]
    result = check(write([[r[i] for i in keep] for r in (HEADER, row())]))
    assert [(f["code"], f["row"]) for f in result["findings"]] == [("blank-recommended", 1)]


def test_the_same_account_date_reference_and_amount_twice_is_a_warning(check, write):
    result = check(write([HEADER, row(), row(Description="other text"), row(Amount="1.00")]))
    (finding,) = found(result, "duplicate-adjustment")
    assert (finding["row"], finding["column"]) == (3, "F")
    assert "line 2" in finding["message"]
    quiet = [HEADER, row(), row(Reference="ADJ-2"), row(Date="06/02/2025"), row(Amount="1.00")]
    assert codes(check(write(quiet))) == []


def test_duplicates_compare_canonical_values(check, write):
    result = check(write([HEADER, row(Amount="5"), row(Amount="5.00", Date="5/2/2025")]))
    assert codes(result) == ["duplicate-adjustment"]


def test_empty_export_only_columns_are_a_warning(check, write):
    header = [*HEADER, "Adjustment Number", "Status"]
    result = check(write([header, [*row(), "", ""]]))
    assert codes(result, "warning") == ["from-export"]
    assert codes(result, "error") == []
    assert codes(check(write([HEADER, row()]))) == []


def test_filled_export_only_columns_are_one_error_validate_and_export_agree_on(
    run, write, tmp_path: Path
):
    header = [*HEADER, "Adjustment Number", "Status"]
    source = write([header, [*row(), "A1", "Posted"]])
    assert run("import", source, "-o", tmp_path / "x.xlsx").code == 1
    said = (
        "row 1  K  error   This sheet came from an Infusion export: Adjustment Number (K) and "
        "Status (L) are columns only the export carries"
    )
    checked = run("validate", tmp_path / "x.xlsx")
    assert checked.code == 1
    assert said in checked.out and "from-export" not in checked.out
    refused = run("export", tmp_path / "x.xlsx", "-o", tmp_path / "x.csv")
    assert refused.code == 1
    assert said in refused.err
    assert sum(" error " in line for line in refused.err.splitlines() if "row" in line) == 1


def test_an_empty_export_only_column_is_not_written_and_not_an_error(run, write, tmp_path: Path):
    header = [*HEADER, "Status"]
    assert run("import", write([header, [*row(), ""]]), "-o", tmp_path / "x.xlsx").code == 0
    done = run("export", tmp_path / "x.xlsx", "-o", tmp_path / "x.csv")
    assert done.code == 0, done.err
    assert "1 warning" in done.out  # the sheet still came from an export
    assert (tmp_path / "x.csv").read_bytes().startswith(",".join(HEADER).encode() + b"\r\n")


@pytest.mark.parametrize(
    ("text", "name"),
    [("Fee\u00a0x", "NO-BREAK SPACE"), ("\u201cFee\u201d", "LEFT DOUBLE QUOTATION MARK"),
     ("Fee\u200b", "ZERO WIDTH SPACE"), ("it\u2019s", "RIGHT SINGLE QUOTATION MARK")],
)  # fmt: skip
def test_pasted_characters_are_a_warning(check, write, text: str, name: str):
    (finding,) = found(check(write([HEADER, row(Description=text)])), "pasted-characters")
    assert name in finding["message"] and finding["column"] == "D"


def test_macrons_are_not_pasted_characters(check, write):
    assert codes(check(write([HEADER, row(Description="Wānanga – Ōtautahi")]))) == []


def test_an_unknown_column_is_kept_and_reported(check, write):
    result = check(write([[*HEADER, "Region"], [*row(), "North"]]))
    (finding,) = found(result, "unknown-column")
    assert (finding["row"], finding["column"], finding["value"]) == (1, "K", "Region")


def test_a_column_named_twice_is_an_error(check, write):
    result = check(write([[*HEADER, "amount"], [*row(), "1.00"]]))
    (finding,) = found(result, "duplicate-column")
    assert finding["column"] == "K" and "column F" in finding["message"]


def test_values_in_a_column_without_a_name_are_an_error(check, write):
    result = check(write([[*HEADER, "", "Region"], [*row(), "x", ""]]))
    (finding,) = found(result, "unnamed-column")
    assert finding["column"] == "K"
    assert codes(check(write([[*HEADER, "", "Region"], [*row(), "", ""]]))) == ["unknown-column"]


def test_a_row_longer_than_the_header_is_an_error_naming_the_line(check, write, run):
    source = write([HEADER, row(), [*row(Reference="R2"), "spill"]])
    (finding,) = found(check(source), "extra-field")
    assert (finding["row"], finding["column"]) == (3, "K")
    refused = run("import", source)
    assert refused.code == 2 and "line 3, column K" in refused.err


def test_a_file_that_is_not_utf8_is_a_warning(check, write):
    result = check(write([HEADER, row(Description="Café")], encoding="cp1252"))
    assert codes(result) == ["not-utf8"]
    assert codes(check(write([HEADER, row(Description="Café")]))) == []
