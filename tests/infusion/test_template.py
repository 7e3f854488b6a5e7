"""The Infusion template: a header row as an Excel table, formats, dropdowns, and it opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.excel.layout import COLUMNS_SHEET, DATA_SHEET, INSTRUCTIONS_SHEET, MARK_HEADINGS
from addin.specs import SPECS
from addin.specs.columns import ColumnSet, parse_column_set
from tests.conftest import REPO, libreoffice_convert

from .conftest import FORMAT, HEADER, csv_bytes, row

TEMPLATE = REPO / "workbook_templates" / f"{FORMAT}.xltx"
IMPORT_COLUMNS = ["Account Number", "Sort Key", "Date", "Reference", "Description", "GL ID",
                  "Amount", "GST Rate", "Amount Is", "Cost Centre", "Notes"]  # fmt: skip


@pytest.fixture(scope="module")
def book():
    return load_workbook(TEMPLATE)


def test_the_header_row_is_an_excel_table_of_the_canonical_names(book):
    assert book.template is True
    assert book.defined_names["Batchsheet_Format"].attr_text == f'"{FORMAT}"'
    ws = book[DATA_SHEET]
    assert [c.value for c in ws[1]] == [*IMPORT_COLUMNS, *MARK_HEADINGS]
    ((name, ref),) = ws.tables.items()
    assert ref == "A1:K2"
    assert [c.name for c in ws.tables[name].tableColumns] == IMPORT_COLUMNS
    assert ws.freeze_panes == "A2"


def test_columns_carry_text_date_and_amount_formats(book):
    ws = book[DATA_SHEET]
    formats = {ws.cell(1, c).value: ws.column_dimensions[ws.cell(1, c).column_letter].number_format
               for c in range(1, 12)}  # fmt: skip
    for identifier in ("Account Number", "Sort Key", "Reference", "GL ID", "Cost Centre"):
        assert formats[identifier] == "@", identifier
    assert formats["Date"] == "DD/MM/YYYY"
    assert formats["Amount"] == "0.00########"  # more decimals than allowed still show


def test_amount_is_has_a_dropdown_and_every_column_an_input_message(book):
    ws = book[DATA_SHEET]
    by_column = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
                 for dv in ws.data_validations.dataValidation}  # fmt: skip
    amount_is = by_column["I"]
    assert amount_is.type == "list"
    sheet, cells = amount_is.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    values = [c.value for (c,) in book[sheet][f"{first}:{last}"]]
    assert values == ["Inclusive", "Exclusive"]
    for letter in "ABCDEFGHIJK":
        assert by_column[letter].prompt and len(by_column[letter].prompt) <= 255
    assert by_column["A"].prompt.startswith("Required.")


def test_marking_rules_colour_the_data_area(book):
    ranges = [str(r.sqref) for r in book[DATA_SHEET].conditional_formatting]
    assert ranges == ["A2:K1048576"]


def test_the_workbook_keeps_its_column_set(book):
    ws = book[COLUMNS_SHEET]
    assert ws.sheet_state == "hidden"
    text = "".join(v for (v,) in ws.iter_rows(values_only=True))
    assert parse_column_set(text, "template") == ColumnSet.of(SPECS[FORMAT])


def test_the_instructions_state_mandatory_columns_and_each_format(book):
    text = [[v for v in r if v] for r in book[INSTRUCTIONS_SHEET].iter_rows(values_only=True)]
    assert ["Mandatory columns: Account Number (or Sort Key), Date, GL ID, Amount."] in text
    rows = {r[1]: r for r in text if len(r) > 3}
    assert rows["Date"][:4] == ["C", "Date", "Yes", "date, DD/MM/YYYY"]
    assert rows["Description"][2].startswith("Recommended")
    assert rows["Adjustment Number"][:3] == [
        "—",
        "Adjustment Number",
        "Export only: never imported",
    ]


def test_libreoffice_opens_the_template_and_an_imported_export(run, tmp_path: Path):
    source = tmp_path / "export.csv"
    header = ["Adjustment Number", *HEADER, "Region"]
    source.write_bytes(csv_bytes([header, ["A1", *row(), "North"], ["A2", *row(Amount="0")]]))
    assert run("import", source, "-o", tmp_path / "export.xlsx").code == 1
    for document in (TEMPLATE, tmp_path / "export.xlsx"):
        pdf = libreoffice_convert(document, "pdf", tmp_path)
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
