"""A settings file or column set that is not what it should be gets one sentence naming the
file: nested 100,000 deep it ended in "unexpected failure (RecursionError)", a 5,000-digit
number in "unexpected failure (ValueError)"."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"
DEEP = "[" * 100_000 + "]" * 100_000
LONG = '{"settings": {"financial_year_start": ' + "9" * 5_000 + "}}"
LONG_COLUMNS = '{"format": "infusion-customer-adjustments", "columns": [' + "9" * 5_000 + "]}"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (DEEP, "nested too deeply to be a Batchsheet file"),
        (LONG, "holds a number thousands of digits long, which no Batchsheet file has"),
        ("{", "line 1: not valid JSON"),
        ("[]", "a settings file is an object with 'settings' and 'lists'"),
    ],
    ids=["deep", "long number", "cut short", "a list"],
)
def test_a_malformed_settings_file_is_one_sentence(run, tmp_path, text, words):
    settings = tmp_path / "company.json"
    settings.write_text(text, encoding="utf-8")
    done = run("check", SAMPLE, "--format", "pastel-customer", "--settings", settings)
    assert done.code == 2
    assert done.err.startswith(f"batchsheet: {settings}: {words}")
    assert done.err.count("\n") == 1 and "unexpected" not in done.err


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (DEEP, "nested too deeply to be a Batchsheet file"),
        (LONG_COLUMNS, "holds a number thousands of digits long, which no Batchsheet file has"),
        ('{"columns": []}', "the column set does not name its 'format'"),
    ],
    ids=["deep", "long number", "no format"],
)
def test_a_malformed_column_set_is_one_sentence(run, tmp_path, text, words):
    columns = tmp_path / "columns.json"
    columns.write_text(text, encoding="utf-8")
    done = run("check", INFUSION, "--columns", columns)
    assert done.code == 2
    assert done.err.startswith(f"batchsheet: {columns}: {words}")
    assert "unexpected" not in done.err
