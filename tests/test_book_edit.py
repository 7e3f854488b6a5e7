"""Marks and fixes on a workbook file: old marks cleared, nothing else touched.

A workbook is imported with errors, corrected as a user would (with openpyxl, or made by
another program altogether: XlsxWriter, with an image, a chart, a comment, a table and
formulas with their saved values), then marked and fixed. Every part other than the data
sheet stays byte for byte; every cell outside the marking columns stays as it was.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

from addin.excel.layout import AUDIT_SHEET, DATA_SHEET, FORMAT_NAME, Layout
from addin.specs import get_spec
from tests.conftest import libreoffice_convert
from tests.pastel_rows import csv_bytes, detail, header

SPEC = get_spec("pastel-customer")
LAYOUT = Layout(SPEC)
ERRORS, WARNINGS, PROBLEMS = LAYOUT.mark_columns
MARKING = set(LAYOUT.mark_columns)
SHEET = "xl/worksheets/sheet1.xml"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def cell_facts(path: Path) -> dict[tuple[str, str], tuple]:
    """Every cell with a value or a style, as openpyxl sees it: value, type, number
    format, font, fill, quote prefix; plus each sheet's conditional formats, validations
    and the workbook's defined names."""
    wb = load_workbook(path)
    out: dict[tuple[str, str], tuple] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None or c.has_style:
                    out[ws.title, c.coordinate] = (
                        c.value,
                        c.data_type,
                        c.number_format,
                        repr(c.font),
                        repr(c.fill),
                        c.quotePrefix,
                    )
        out[ws.title, "conditional"] = tuple(
            (str(r.sqref), tuple(x.formula for x in r.rules)) for r in ws.conditional_formatting
        )
        out[ws.title, "validations"] = tuple(
            (str(v.sqref), v.formula1, v.prompt) for v in ws.data_validations.dataValidation
        )
    out["names", ""] = tuple(sorted((n, d.attr_text) for n, d in wb.defined_names.items()))
    return out


def outside_marks(facts: dict) -> dict:
    return {
        k: v
        for k, v in facts.items()
        if not (k[0] == DATA_SHEET and k[1].rstrip("0123456789") in MARKING)
    }


def marks(path: Path) -> dict[int, tuple]:
    ws = load_workbook(path)[DATA_SHEET]
    first = LAYOUT.first_data_row
    return {
        r: tuple(ws[f"{c}{r}"].value for c in LAYOUT.mark_columns)
        for r in range(first, ws.max_row + 1)
        if any(ws[f"{c}{r}"].value is not None for c in LAYOUT.mark_columns)
    }


@pytest.fixture
def corrected(run, tmp_path) -> Path:
    """Imported with three errors, then two of them corrected in the workbook."""
    source = tmp_path / "b.csv"
    source.write_bytes(
        csv_bytes(
            [
                header(period="14"),
                detail(description="a, b"),
                header(account="TOOLONGCODE123", order_number="PO-2"),
                detail(quantity="x"),
            ]
        )
    )
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", book)
    before = marks(book)
    assert before[3][0] == "F" and before[6][0] == "C" and before[5][0] == "E"
    wb = load_workbook(book)
    wb[DATA_SHEET]["F3"] = 3
    wb[DATA_SHEET]["C6"] = 10
    wb.save(book)
    assert marks(book) == before, "the correction alone leaves the old marks"
    return book


def test_mark_clears_every_stale_mark_and_touches_nothing_else(run, corrected):
    before_parts, before_facts = parts(corrected), cell_facts(corrected)
    done = run("validate", corrected, "--mark")
    assert done.code == 1
    after = marks(corrected)
    assert set(after) == {4, 5}, after  # the comma warning and the long code
    assert after[5][0] == "E" and "Customer Code is 14 characters" in after[5][2]
    assert after[4] == (None, "K", after[4][2])
    assert 3 not in after and 6 not in after
    after_parts = parts(corrected)
    assert list(after_parts) == list(before_parts)
    assert {n: d for n, d in after_parts.items() if n != SHEET} == {
        n: d for n, d in before_parts.items() if n != SHEET
    }
    assert outside_marks(cell_facts(corrected)) == outside_marks(before_facts)
    # Marking again changes nothing at all.
    once = parts(corrected)
    assert run("validate", corrected, "--mark").code == 1
    assert parts(corrected) == once


def test_a_clean_sheet_loses_all_its_marks(run, corrected):
    wb = load_workbook(corrected)
    wb[DATA_SHEET]["E5"] = "XYZ001"
    wb[DATA_SHEET]["K4"] = "a b"
    wb.save(corrected)
    done = run("validate", corrected, "--mark")
    assert done.code == 0 and "no problems" in done.out
    assert marks(corrected) == {}
    with zipfile.ZipFile(corrected) as z:
        xml = z.read(SHEET)
    for letter in MARKING:
        assert f'r="{letter}3"'.encode() not in xml
        assert f'r="{letter}5"'.encode() not in xml
    assert f'r="{ERRORS}1"'.encode() in xml, "the headings stay"


def test_fix_apply_marks_afresh_and_logs_each_change(run, corrected):
    wb = load_workbook(corrected)
    wb[DATA_SHEET]["E5"] = " ABC001"
    wb.save(corrected)
    before = cell_facts(corrected)
    done = run("fix", corrected, "--apply")
    assert done.code == 0, done
    assert "fixed 1 cell" in done.out and "left to correct: 0 errors, 1 warning" in done.out
    after = cell_facts(corrected)
    assert after[DATA_SHEET, "E5"][0] == "ABC001"
    assert 5 not in marks(corrected)
    assert marks(corrected)[4][1] == "K"
    changed = {
        k for k in outside_marks(before).keys() | outside_marks(after).keys()
        if before.get(k) != after.get(k) and k[0] != AUDIT_SHEET
    }  # fmt: skip
    assert changed == {(DATA_SHEET, "E5")}
    audit = list(load_workbook(corrected)[AUDIT_SHEET].iter_rows(values_only=True))
    assert audit[0][:4] == ("Cell", "Old", "New", "Rule")
    assert [r[:3] for r in audit[1:]] == [("Batch!E5", " ABC001", "ABC001")]
    # A second round appends to the Audit sheet.
    wb = load_workbook(corrected)
    wb[DATA_SHEET]["E3"] = "ABC001 "
    wb.save(corrected)
    assert run("fix", corrected, "--apply").code == 0
    audit = list(load_workbook(corrected)[AUDIT_SHEET].iter_rows(values_only=True))
    assert [r[0] for r in audit[1:]] == ["Batch!E5", "Batch!E3"]


def test_libreoffice_reads_the_marked_and_fixed_workbook(run, corrected, tmp_path):
    assert run("validate", corrected, "--mark").code == 1
    converted = libreoffice_convert(corrected, "csv", tmp_path)
    rows = list(csv.reader(io.StringIO(converted.read_text("utf-8", "replace"))))
    width = LAYOUT.data_width
    assert rows[2][width] == "" and rows[2][5] == "3", "row 3 corrected and unmarked"
    assert rows[4][width] == "E" and "Customer Code is 14" in rows[4][width + 2]


# -- a workbook another program made ---------------------------------------------------------


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = zlib.compress(b"\x00\xff\x00\x00")
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def decorated_book(folder: Path, rows: list[list[str]]) -> Path:
    """A Batchsheet batch written by XlsxWriter as another tool would: shared strings,
    numbers typed, Unit Selling Price as a formula with its saved value, and an image, a
    chart, a comment and a table that openpyxl does not keep."""
    path = folder / "decorated.xlsx"
    image = folder / "logo.png"
    image.write_bytes(_png())
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(DATA_SHEET)
    for c, f in enumerate(SPEC.records[0].fields):
        ws.write_string(0, c, f.label)
    for c, f in enumerate(SPEC.records[1].fields):
        ws.write_string(1, c, f.label)
    for c, heading in enumerate(("Errors in", "Warnings in", "Problems"), start=LAYOUT.data_width):
        ws.write_string(0, c, heading)
    price = SPEC.records[1].index("unit_price")
    for r, row in enumerate(rows, start=LAYOUT.first_data_row - 1):
        for c, value in enumerate(row):
            if value == "":
                continue
            if row[0] == "Detail" and c == price:
                ws.write_formula(r, c, f"=100+{float(value) - 100:g}", None, float(value))
            else:
                ws.write_string(r, c, value)
    ws.insert_image("AH2", str(image))
    ws.write_comment("A3", "Checked by Thandi")
    notes = wb.add_worksheet("Notes")
    notes.add_table(
        "A1:B3", {"data": [["a", 1], ["b", 2]], "columns": [{"header": "Item"}, {"header": "N"}]}
    )
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Notes!$B$2:$B$3"})
    notes.insert_chart("D2", chart)
    wb.define_name(FORMAT_NAME, '="pastel-customer"')
    wb.close()
    return path


def _kept(before: dict[str, bytes], after: dict[str, bytes], *changed: str) -> None:
    for name, data in before.items():
        if name in changed:
            continue
        assert after.get(name) == data, f"{name} changed"


def test_what_openpyxl_drops_survives_marking_and_fixing(run, tmp_path):
    rows = [header(account=" ABC001"), detail(description="a, b"), detail(quantity="x")]
    book = decorated_book(tmp_path, rows)
    before = parts(book)
    kinds = {n.split("/")[1] for n in before if n.startswith("xl/") and n.count("/") > 1}
    assert {"media", "charts", "drawings", "tables", "worksheets"} <= kinds
    assert "xl/sharedStrings.xml" in before and any("comments" in n for n in before)
    exported_before = run("export", book, "-o", tmp_path / "before.csv")
    assert exported_before.code == 1  # the bad quantity

    assert run("validate", book, "--mark").code == 1
    marked = parts(book)
    # The styles gain the format that wraps the Problems cells, one problem a line.
    _kept(before, marked, SHEET, "xl/styles.xml")
    assert list(marked) == list(before)
    assert marks(book)[5][0] == "C"

    done = run("fix", book, "--apply")
    # The bad quantity is left to correct: exit 1, as validate's.
    assert done.code == 1 and "fixed" in done.out, done
    fixed = parts(book)
    _kept(marked, fixed, SHEET, "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
          "[Content_Types].xml", "xl/styles.xml")  # fmt: skip
    audit_parts = set(fixed) - set(marked)
    assert len(audit_parts) == 1 and audit_parts.pop().startswith("xl/worksheets/sheet")
    wb = load_workbook(book)
    assert wb[DATA_SHEET]["E3"].value == "ABC001"
    assert [r[0] for r in wb[AUDIT_SHEET].iter_rows(min_row=2, values_only=True)] == ["Batch!E3"]


def test_formulas_with_saved_values_export_the_same_bytes_before_and_after(run, tmp_path):
    rows = [header(account=" ABC001"), detail(), detail(unit_price="130.00",
                                                        inclusive_price="149.50")]  # fmt: skip
    book = decorated_book(tmp_path, rows)
    with zipfile.ZipFile(book) as z:
        assert b"<f>100+25</f><v>125.0</v>" in z.read(SHEET)
    assert run("fix", book, "--apply").code == 0
    first = run("export", book, "-o", tmp_path / "first.csv")
    assert first.code == 0, first
    assert run("validate", book, "--mark").code == 0
    with zipfile.ZipFile(book) as z:
        assert b"<f>100+25</f><v>125.0</v>" in z.read(SHEET), "the saved value is kept"
    again = run("export", book, "-o", tmp_path / "again.csv")
    assert again.code == 0
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "first.csv").read_bytes()
    exported = (tmp_path / "first.csv").read_text("cp1252").splitlines()
    assert exported[1].split(",")[3] == "125.00" and exported[2].split(",")[3] == "130.00"


def test_the_json_of_validate_after_mark_is_unchanged(run, corrected):
    first = json.loads(run("validate", corrected, "--json").out)
    run("validate", corrected, "--mark")
    assert json.loads(run("validate", corrected, "--json").out)["findings"] == first["findings"]
