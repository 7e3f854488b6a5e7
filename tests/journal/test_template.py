"""The journal and cashbook templates `batchsheet templates` writes: the 18 captions in order,
text code columns, dropdowns, input messages, and the Instructions and Settings sheets."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.excel.layout import DATA_SHEET, INSTRUCTIONS_SHEET, MARK_HEADINGS, SETTINGS_SHEET

from .conftest import FORMATS, LABELS, LINE

CAPTIONS = ["Period", "Date", "GDC", "Account Number", "Reference", "Description", "Amount",
            "Tax Type", "Tax Amount", "Open Item", "Projects Code", "Contra Account",
            "Exchange Rate", "Bank Exchange Rate", "Batch ID", "Discount Tax Type",
            "Discount Amount", "Home Amount"]  # fmt: skip


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    from addin.cli import main

    folder = tmp_path_factory.mktemp("templates")
    assert main(["templates", "--out", str(folder)]) == 0
    return folder


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_data_sheet_has_the_18_captions_in_order(written: Path, fmt: str):
    book = load_workbook(written / f"{fmt}.xltx")
    assert book.template is True
    assert book.defined_names["Batchsheet_Format"].attr_text == f'"{fmt}"'
    ws = book[DATA_SHEET]
    assert LABELS == CAPTIONS
    assert [c.value for c in ws[1]] == [*CAPTIONS, *MARK_HEADINGS]
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize("fmt", FORMATS)
def test_code_columns_are_text_and_amounts_show_their_decimals(written: Path, fmt: str):
    ws = load_workbook(written / f"{fmt}.xltx")[DATA_SHEET]
    formats = {f.label: ws.column_dimensions[f.column].number_format for f in LINE.fields}
    for label in ("Account Number", "Reference", "Tax Type", "Projects Code", "Contra Account",
                  "Discount Tax Type"):  # fmt: skip
        assert formats[label] == "@", label
    assert formats["Date"] == "DD/MM/YYYY"
    for label in ("Amount", "Tax Amount", "Discount Amount", "Home Amount"):
        assert formats[label] == "0.00########", label


@pytest.mark.parametrize("fmt", FORMATS)
def test_gdc_and_open_item_have_dropdowns_and_every_column_a_message(written: Path, fmt: str):
    book = load_workbook(written / f"{fmt}.xltx")
    ws = book[DATA_SHEET]
    by_column = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
                 for dv in ws.data_validations.dataValidation}  # fmt: skip

    def listed(letter: str) -> list[str]:
        sheet, cells = by_column[letter].formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        return [c.value for (c,) in book[sheet][f"{first}:{last}"]]

    assert by_column["C"].type == "list" and listed("C") == ["G", "D", "C"]
    assert by_column["J"].type == "list" and listed("J") == ["O", "A"]
    # Tax Type: the tax table's lines 0 to 30 (and 00 to 09, the same lines 0-padded).
    assert by_column["H"].type == "list" and listed("H")[:31] == [str(n) for n in range(31)]
    assert "0 no tax, else 1 to 30" in by_column["H"].prompt
    for f in LINE.fields:
        dv = by_column[f.column]
        assert dv.prompt and len(dv.prompt) <= 255, f.label
        assert dv.prompt.startswith("Required.") == f.required, f.label


@pytest.mark.parametrize("fmt", FORMATS)
def test_instructions_and_settings_sheets(written: Path, fmt: str):
    book = load_workbook(written / f"{fmt}.xltx")
    text = [[v for v in r if v] for r in book[INSTRUCTIONS_SHEET].iter_rows(values_only=True)]
    assert ["Mandatory fields: every row: Period, Date, GDC, Account Number, Amount."] in text
    title = "journal batch" if fmt == "pastel-journal" else "cashbook batch"
    assert text[0][0] == f"Sage Pastel Partner {'general ledger ' * (fmt == 'pastel-journal')}" \
        f"{title}"  # fmt: skip
    rows = {r[1]: r for r in text if len(r) > 4}
    assert rows["Period"][:5] == ["A", "Period", "Yes", "whole number", "1 to 13"]
    assert rows["GDC"][4] == "G, D, C"
    settings = book[SETTINGS_SHEET]
    titles = [v for v in next(settings.iter_rows(max_row=1, values_only=True)) if v]
    assert titles[0] == "Company"
    assert {"Tax table", "GL accounts", "Customers", "Suppliers", "Projects"} <= set(titles)
