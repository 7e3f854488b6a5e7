"""Files the way real generators and real people make them, and what Batchsheet says.

The generators' formatting is written here from what their output looks like (every field
quoted; CRLF or no final line ending; Tax Type as a rate; Cost Price 0 on customer lines),
not from anyone's code.
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from addin.engine.csv_batch import read_csv_batch
from addin.engine.csv_write import csv_text
from addin.excel.layout import INSTRUCTIONS_SHEET
from addin.excel.template import write_templates
from addin.specs import get_spec
from tests.pastel_rows import csv_bytes, detail, header

PASTEL = "pastel-customer"


def quoted_all(rows: list[list[str]], *, final_newline: bool = True) -> bytes:
    """Every field in double quotes, numbers too, as PowerShell's Export-Csv writes."""
    lines = [",".join('"' + v.replace('"', '""') + '"' for v in row) for row in rows]
    text = "\r\n".join(lines) + ("\r\n" if final_newline else "")
    return text.encode("cp1252")


def findings(run, tmp_path: Path, data: bytes, fmt: str = PASTEL, *extra: str) -> dict:
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    done = run("check", source, "--format", fmt, "--json", *extra)
    assert done.code in (0, 1), done.err
    return json.loads(done.out)


def codes(result: dict) -> list[tuple[str, int, str]]:
    return [(f["code"], f["row"], f["column"]) for f in result["findings"]]


# -- the three defects ------------------------------------------------------------------------


def test_tax_type_is_00_to_30_in_the_instructions_and_the_finding(run, tmp_path):
    result = findings(run, tmp_path, csv_bytes([header(), detail(tax_type="99")]))
    (bad,) = [f for f in result["findings"] if f["field"] == "Tax Type"]
    assert "must be one of 00 to 30; '99' is not." in bad["message"]
    for template in write_templates(tmp_path / "templates"):
        if "pastel" not in template.name:
            continue
        ws = load_workbook(template)[INSTRUCTIONS_SHEET]
        text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
        assert "00 to 30" in text and "10 to 09" not in text


def test_a_utf8_file_windows_1252_can_hold_reads_as_utf8_without_a_word():
    """As the README says: `Café` saved as CSV UTF-8 is Café, not CafÃ©, and needs no warning."""
    data = csv_text([header(order_number="Café"), detail()]).encode("utf-8")
    batch = read_csv_batch(get_spec(PASTEL), data, "f.csv")
    assert batch.records[0].get("order_number") == "Café"
    assert not [f for f in batch.report.findings if "encoding" in f.code]


def test_a_title_typed_above_the_captions_is_not_read_as_data(run, excel, tmp_path):
    from openpyxl import load_workbook as load

    from addin.excel import ribbon
    from tests.memory_excel import data

    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes([header(period="14"), detail()]))
    book = tmp_path / "in.xlsx"
    run("import", source, "--format", PASTEL, "-o", book)
    wb = load(book)
    wb["Batch"].insert_rows(1)
    wb["Batch"]["A1"] = "March invoices"
    wb.save(book)
    done = run("validate", book, "--json")
    found = json.loads(done.out)["findings"]
    assert [(f["code"], f["row"], f["column"]) for f in found if f["severity"] == "error"] == [
        ("out-of-range", 4, "F")
    ]
    opened = excel.open(book)
    ribbon.validate(opened)
    assert data(opened).get(4, 30) == "F" and data(opened).get(3, 30) is None
    assert excel.app.alerts[-1][0].startswith("1 error")


# -- quoting ---------------------------------------------------------------------------------


def test_a_fully_quoted_file_reads_and_the_comma_warning_says_what_is_known(run, tmp_path):
    rows = [header(address_1="Unit 4, Rivonia"), detail()]
    result = findings(run, tmp_path, quoted_all(rows, final_newline=False))
    assert codes(result) == [("delimiter-in-text", 1, "N")]
    (warning,) = result["findings"]
    assert "Pastel reads quoted fields" in warning["message"]
    assert "not confirmed" in warning["message"] and "may not read" not in warning["message"]
    assert len(result["documents"]) == 1


def test_infusion_text_with_a_comma_or_a_quote_cites_infusions_guidance(run, tmp_path):
    from tests.infusion.conftest import HEADER, ROW
    from tests.infusion.conftest import csv_bytes as infusion_csv

    rows = [HEADER, [*ROW[:3], 'Write-off, "bad debt"', *ROW[4:]]]
    result = findings(run, tmp_path, infusion_csv(rows), "infusion-customer-adjustments")
    assert codes(result) == [("delimiter-in-text", 2, "D")]
    assert "Infusion's import guidance asks for no , or \"" in result["findings"][0]["message"]


def test_export_quote_all_writes_every_field_quoted_and_reads_back(run, tmp_path):
    from tests.conftest import EXAMPLES

    sample = EXAMPLES / "pastel_customer_invoices_sample.csv"
    book = tmp_path / "b.xlsx"
    assert run("import", sample, "--format", PASTEL, "-o", book).code == 0
    out = tmp_path / "all.csv"
    assert run("export", book, "-o", out, "--quote", "all").code == 0
    import csv
    import io

    rows = list(csv.reader(io.StringIO(sample.read_bytes().decode("cp1252"), newline="")))
    assert out.read_bytes() == quoted_all(rows)
    # Read back (by Batchsheet, as by Pastel): the same records; exported minimal, the sample.
    again = tmp_path / "again.xlsx"
    assert run("import", out, "--format", PASTEL, "-o", again).code == 0
    minimal = tmp_path / "minimal.csv"
    assert run("export", again, "-o", minimal).code == 0
    assert minimal.read_bytes() == sample.read_bytes()


def test_the_settings_sheet_can_ask_for_every_field_quoted(run, excel, tmp_path):
    from addin.excel import ribbon
    from tests.conftest import EXAMPLES

    sample = EXAMPLES / "pastel_customer_invoices_sample.csv"
    settings = tmp_path / "company.json"
    settings.write_text(json.dumps({"settings": {"quote_fields": "all"}}))
    book = tmp_path / "b.xlsx"
    assert run("import", sample, "--format", PASTEL, "-o", book, "--settings", settings).code == 0
    import csv
    import io

    rows = list(csv.reader(io.StringIO(sample.read_bytes().decode("cp1252"), newline="")))
    out = tmp_path / "cli.csv"
    assert run("export", book, "-o", out).code == 0
    assert out.read_bytes() == quoted_all(rows)
    assert run("export", book, "-o", out, "--force", "--quote", "minimal").code == 0
    assert out.read_bytes() == sample.read_bytes()
    button = tmp_path / "button.csv"
    ribbon.export_csv(str(button), excel.open(book))
    assert button.read_bytes() == quoted_all(rows)


# -- batch-wide habits -------------------------------------------------------------------------


def test_cost_price_0_on_every_customer_line_is_said_once(run, tmp_path):
    rows = []
    for n in range(30):
        rows += [header(order_number=f"PO-{n}"), detail(cost_price="0.00"), detail(cost_price="0")]
    result = findings(run, tmp_path, quoted_all(rows))
    habit = [f for f in result["findings"] if f["code"] == "zero-cost-price"]
    assert len(habit) == 1
    (note,) = habit
    assert (note["row"], note["column"], note["severity"]) == (2, "", "warning")
    assert note["message"].startswith("Cost Price is 0 on 60 of the 60 inventory lines")
    assert "(lines 2, 3, 5, 6, 8 and 55 more)" in note["message"]


def test_a_few_zero_cost_prices_are_marked_one_by_one(run, tmp_path):
    rows = [header()] + [detail() for _ in range(40)] + [detail(cost_price="0.00")] * 3
    result = findings(run, tmp_path, csv_bytes(rows))
    marked = [(f["row"], f["column"]) for f in result["findings"] if f["code"] == "zero-cost-price"]
    assert marked == [(42, "B"), (43, "B"), (44, "B")]


def test_a_habit_is_one_note_on_the_sheet_not_a_mark_per_cell(run, tmp_path):
    rows = []
    for n in range(30):
        rows += [header(order_number=f"PO-{n}"), detail(cost_price="0.00")]
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(rows))
    book = tmp_path / "b.xlsx"
    assert run("import", source, "--format", PASTEL, "-o", book).code == 0
    ws = load_workbook(book)["Batch"]
    warned = [r for r in range(3, 63) if ws.cell(r, 31).value]
    assert warned == [], "no cell is marked amber for the habit"
    assert "Cost Price is 0 on 30 of the 30" in ws.cell(4, 32).value


# -- Tax Type written as a rate -------------------------------------------------------------


def rate_lines(tax_type: str, count: int) -> list[list[str]]:
    """Lines whose prices carry 15 % tax, with Tax Type written as the generator's VAT rate."""
    rows = [header()]
    for n in range(count):
        rows.append(
            detail(tax_type=tax_type, unit_price="100.00", inclusive_price="115.00", code=f"C{n}")
        )
    return rows


def test_tax_type_15_priced_at_15_percent_is_said_once_softly(run, tmp_path):
    result = findings(run, tmp_path, quoted_all(rate_lines("15", 12)))
    said = [f for f in result["findings"] if f["code"] == "tax-type-as-rate"]
    assert [(f["row"], f["column"], f["severity"]) for f in said] == [(2, "G", "warning")]
    assert said[0]["message"].startswith(
        "Tax Type 15 is line 15 of your tax table, not 15 %: 12 lines"
    )
    assert not [f for f in result["findings"] if f["severity"] == "error"]


def test_tax_type_15_is_left_to_the_tax_table_when_one_is_loaded(run, tmp_path):
    settings = tmp_path / "company.json"
    table = [{"code": str(n), "rate": "15" if n == 15 else "0"} for n in range(31)]
    settings.write_text(json.dumps({"lists": {"tax_types": table}}))
    result = findings(
        run, tmp_path, quoted_all(rate_lines("15", 3)), PASTEL, "--settings", str(settings)
    )
    assert "tax-type-as-rate" not in {f["code"] for f in result["findings"]}


def test_a_tax_code_that_is_no_common_rate_or_not_priced_so_is_not_questioned(run, tmp_path):
    for rows in (rate_lines("01", 3), rate_lines("14", 3)):
        result = findings(run, tmp_path, csv_bytes(rows))
        assert "tax-type-as-rate" not in {f["code"] for f in result["findings"]}


# -- Header and Details joined on one line --------------------------------------------------


def joined_lines(documents: int, details: int = 1) -> tuple[list[list[str]], list[list[str]]]:
    """A generator's lines (a Header and its Details on one line, every field quoted) and
    the records they hold, one per line."""
    lines, records = [], []
    for n in range(documents):
        head = header(order_number=f"PO-{n}")
        lines_of = [detail(code=f"C{n}-{d}") for d in range(details)]
        lines.append(head + [v for d in lines_of for v in d])
        records += [head, *lines_of]
    return lines, records


def test_joined_records_are_read_as_records_with_one_warning(run, tmp_path):
    lines, _ = joined_lines(3, details=2)
    assert len(lines[0]) == 29 + 14 + 14
    result = findings(run, tmp_path, quoted_all(lines, final_newline=False))
    assert codes(result) == [("records-joined-read", 1, "")]
    assert "on 3 lines (1, 2, 3): read as separate records" in result["findings"][0]["message"]
    assert len(result["documents"]) == 3


def test_a_joined_file_imports_one_record_a_row_and_exports_the_canonical_form(run, tmp_path):
    lines, records = joined_lines(4)
    source = tmp_path / "joined.csv"
    source.write_bytes(quoted_all(lines))
    book = tmp_path / "b.xlsx"
    done = run("import", source, "--format", PASTEL, "-o", book)
    assert done.code == 0 and "8 records (4 documents)" in done.out
    ws = load_workbook(book)["Batch"]
    assert [ws.cell(r, 1).value for r in range(3, 11)] == ["Header", "Detail"] * 4
    assert ws.cell(4, 10).value == "C0-0" and ws.cell(3, 32).value.startswith(
        "Header and Detail records joined"
    )
    out = tmp_path / "out.csv"
    assert run("export", book, "-o", out).code == 0
    assert out.read_bytes() == csv_text(records).encode("cp1252")


def test_a_line_that_does_not_split_exactly_stays_an_error_naming_it(run, tmp_path):
    lines, _ = joined_lines(2)
    lines[1] = [*lines[1][:29], "Note", *lines[1][30:]]  # no Detail keyword where one starts
    result = findings(run, tmp_path, quoted_all(lines))
    errors = [(f["code"], f["row"]) for f in result["findings"] if f["severity"] == "error"]
    assert ("extra-field", 2) in errors
    assert ("records-joined-read", 1, "") in codes(result)


# -- layouts real files are in ----------------------------------------------------------------


def test_the_older_27_field_header_is_named_once_instead_of_a_cascade(run, tmp_path):
    def older(n: int) -> list[str]:
        current = header(order_number=f"PO-{n}")
        # A through T as today, then Cost Code where Document Date is now, and 6 more fields.
        return [*current[:20], "CC01", "14-05-2025", "011 555 0101", "", "T. Nkosi", "1", "Y"]

    rows = [older(1), detail(), older(2), detail()]
    assert len(rows[0]) == 27
    result = findings(run, tmp_path, quoted_all(rows))
    errors = [f for f in result["findings"] if f["severity"] == "error"]
    assert [(f["code"], f["row"], f["column"]) for f in errors] == [("older-layout", 1, "U")]
    message = errors[0]["message"]
    assert "on 2 lines (1, 3)" in message and "older 27-field Header" in message
    assert "Document Date" in message


def test_a_28_field_header_and_29_field_details_read_as_they_are(run, tmp_path):
    """The Java exporter: no Email Status on the Header, Details padded to 29 fields, no line
    ending after the last record."""
    rows = [
        header()[:28],
        detail() + [""] * 15,
        header(order_number="PO-2")[:28],
        detail() + [""] * 15,
    ]
    result = findings(run, tmp_path, quoted_all(rows, final_newline=False))
    assert [f for f in result["findings"] if f["severity"] == "error"] == []
    assert len(result["documents"]) == 2


def test_crlf_after_every_record_and_none_after_the_last_read_the_same(run, tmp_path):
    rows = [header(), detail(), detail(code="B")]
    with_end = findings(run, tmp_path, quoted_all(rows))
    without = findings(run, tmp_path, quoted_all(rows, final_newline=False))
    assert with_end["documents"] == without["documents"] and codes(with_end) == codes(without)
