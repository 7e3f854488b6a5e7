"""What Excel enforces when it opens a workbook, held for every package Batchsheet writes.

Each test here failed before the package was read back as a workbook after an edit: a
sheet added with a namespace prefix its element could not see, a package kind that did not
match its extension, a second sheet named like the first but for case, a calculation chain
pointing at formulas an edit removed, text that readers decode into another character,
dates a day off or before Excel's first, and ZIP64 records on parts of a few kilobytes.
(`tests/ooxml/` holds the whole corpus to Microsoft's validator and the schemas.)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.excel.book_edit import SheetEdit, edit_book
from addin.excel.readback import read_back
from addin.files import WriteRefused
from tests.conftest import EXAMPLES, batchsheet_exe
from tests.hostile.conftest import books, snapshot

__all__ = ["books"]  # the fixture, one good workbook per layout

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
PASTEL = "pastel-customer"
CALC_CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"


def _fixable_csv(folder: Path, *replacements: tuple[str, str]) -> Path:
    """The bundled sample with the first Detail's Unit Selling Price typed `"1,250.00"`."""
    text = SAMPLE.read_bytes().decode("cp1252")
    text = text.replace("Detail,85.00,10,125.00,", 'Detail,85.00,10,"1,250.00",', 1)
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = folder / "fixable.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


def _part(book: Path, name: str) -> bytes:
    with zipfile.ZipFile(book) as z:
        return z.read(name)


def _sheet_names(book: Path) -> list[str]:
    return re.findall(
        r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', _part(book, "xl/workbook.xml").decode()
    )


# -- 0. the edit that left the workbook unreadable -------------------------------------------


@pytest.mark.parametrize("lxml", [False, True], ids=["openpyxl-writer", "lxml-writer"])
def test_fix_apply_on_an_imported_workbook_leaves_it_readable(tmp_path, lxml):
    """openpyxl with lxml installed declares the relationships prefix on each <sheet>, not
    on the root: the Audit sheet's entry used it undeclared, and the workbook no longer
    parsed while `fix` said it had succeeded."""
    if lxml:
        pytest.importorskip("lxml")
    env = {**os.environ, "OPENPYXL_LXML": str(lxml)}
    exe = batchsheet_exe()
    source = _fixable_csv(tmp_path)
    book = tmp_path / "batch.xlsx"

    def command(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, *map(str, args)], capture_output=True, text=True, env=env, timeout=120
        )

    assert command("import", source, "--format", PASTEL, "-o", book).returncode == 1
    fixed = command("fix", book, "--apply")
    assert fixed.returncode == 0, fixed.stderr
    assert "D4  '1,250.00' → " in fixed.stdout
    workbook = _part(book, "xl/workbook.xml")
    audit = re.search(rb'<sheet\b[^>]*name="Audit"[^>]*/>', workbook)
    assert audit is not None
    read_back(book)  # every part parses, namespaces resolved; links and types agree
    assert load_workbook(book, read_only=True).sheetnames[-1] == "Audit"
    validated = command("validate", book)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    exported = command("export", book, "-o", tmp_path / "out.csv")
    assert exported.returncode == 0, exported.stderr
    assert b"Detail,85.00,10,1250.00," in (tmp_path / "out.csv").read_bytes()


def test_an_edit_that_would_not_parse_is_refused_and_the_workbook_kept(
    tmp_path, books, monkeypatch
):
    import addin.excel.book_edit as book_edit

    book = tmp_path / "b.xlsx"
    shutil.copy(books[PASTEL], book)
    before = snapshot(tmp_path)
    real = book_edit._new_sheet

    def undeclared(source, name, rows, styles, changed):
        """The defect as it was: the new entry uses `r:` where no declaration reaches."""
        part, xml = real(source, name, rows, styles, changed)
        changed["xl/workbook.xml"] = re.sub(rb'\sxmlns:r="[^"]*"', b"", changed["xl/workbook.xml"])
        return part, xml

    monkeypatch.setattr(book_edit, "_new_sheet", undeclared)
    words = (
        r"b\.xlsx: the written workbook did not read back: its part xl/workbook\.xml is not "
        r"well-formed XML \(unbound prefix"
    )
    with pytest.raises(WriteRefused, match=words):
        edit_book(book, "Batch", SheetEdit(), append=("Audit", [["x"]], ["Cell"]))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (
            lambda parts: parts.pop("xl/worksheets/sheet2.xml"),
            "its content types name the part /xl/worksheets/sheet2.xml, which is not in it",
        ),
        (
            lambda parts: (
                parts.pop("xl/worksheets/sheet2.xml"),
                parts.__setitem__(
                    "[Content_Types].xml",
                    re.sub(rb"<Override[^>]*sheet2\.xml[^>]*/>", b"", parts["[Content_Types].xml"]),
                ),
            ),
            "its workbook links to the part xl/worksheets/sheet2.xml, which is not in it",
        ),
        (
            lambda parts: parts.__setitem__(
                "[Content_Types].xml",
                re.sub(rb"<Override[^>]*sheet2\.xml[^>]*/>", b"", parts["[Content_Types].xml"]),
            ),
            "its sheet part xl/worksheets/sheet2.xml is not declared a worksheet",
        ),
        (
            lambda parts: parts.__setitem__(
                "xl/workbook.xml", parts["xl/workbook.xml"].replace(b'"Instructions"', b'"BATCH"')
            ),
            "two of its sheets are named 'BATCH' (Excel ignores case)",
        ),
        (
            lambda parts: parts.__setitem__("docProps/app.xml", b"<Properties><a></Properties>"),
            "its part docProps/app.xml is not well-formed XML",
        ),
    ],
    ids=["missing part", "missing linked part", "sheet type", "sheet names", "not xml"],
)
def test_the_read_back_names_what_would_not_open(tmp_path, books, damage, words):
    with zipfile.ZipFile(books[PASTEL]) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    damage(parts)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(damaged, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with pytest.raises(WriteRefused) as caught:
        read_back(damaged, tmp_path / "meant.xlsx")
    assert str(caught.value).startswith(f"{tmp_path / 'meant.xlsx'}: the written workbook")
    assert words in str(caught.value)


# -- 1. a package of the kind the extension names ---------------------------------------------

KINDS = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
}


@pytest.mark.parametrize("suffix", list(KINDS))
def test_import_writes_the_package_its_extension_names(run, tmp_path, suffix):
    book = tmp_path / f"batch{suffix}"
    assert run("import", SAMPLE, "--format", PASTEL, "-o", book).code == 0
    types = _part(book, "[Content_Types].xml").decode()
    assert f'PartName="/xl/workbook.xml" ContentType="{KINDS[suffix]}"' in types
    others = set(KINDS.values()) - {KINDS[suffix]}
    assert not any(f'"{kind}"' in types for kind in others)
    assert run("validate", book, "--mark").code == 0
    assert run("export", book, "-o", tmp_path / "out.csv").code == 0
    assert (tmp_path / "out.csv").read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize("name", ["batch.xlam", "batch.csv", "batch.xls", "batch"])
def test_import_refuses_a_name_whose_package_it_cannot_write(run, tmp_path, name):
    before = snapshot(tmp_path)
    done = run("import", SAMPLE, "--format", PASTEL, "-o", tmp_path / name)
    assert done.code == 2
    stem = name.split(".")[0]
    assert done.err == (
        f"batchsheet: {tmp_path / name}: a workbook's name ends in .xlsx, .xlsm, .xltx, .xltm; "
        f"name it {stem}.xlsx, for example\n"
    )
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("suffix", [".xlsm", ".xltx"])
def test_new_batch_writes_the_package_its_extension_names(run, tmp_path, books, suffix):
    target = tmp_path / f"next{suffix}"
    assert run("new-batch", books[PASTEL], "-o", target).code == 0
    assert f'ContentType="{KINDS[suffix]}"' in _part(target, "[Content_Types].xml").decode()
    done = run("new-batch", books[PASTEL], "-o", tmp_path / "next.xlam")
    assert done.code == 2 and "a workbook's name ends in .xlsx" in done.err
    assert not (tmp_path / "next.xlam").exists()


# -- 2. sheet names compared as Excel compares them -------------------------------------------


@pytest.mark.parametrize("existing", ["AUDIT", "audit"])
def test_fix_appends_to_an_audit_sheet_named_in_other_case(run, tmp_path, existing):
    book = tmp_path / "b.xlsx"
    run("import", _fixable_csv(tmp_path), "--format", PASTEL, "-o", book)
    edit_book(book, "Batch", SheetEdit(), append=(existing, [["earlier"]], ["Cell"]))
    assert _sheet_names(book)[-1] == existing
    assert run("fix", book, "--apply").code == 0
    names = _sheet_names(book)
    assert [n for n in names if n.lower() == "audit"] == [existing]
    rows = list(load_workbook(book, read_only=True)[existing].values)
    assert rows[0][0] == "Cell" and rows[1][0] == "earlier"
    assert rows[2][0] == "Batch!D4"  # the fix's row, after the earlier ones


# -- 3. the calculation chain -----------------------------------------------------------------


def _with_formula_and_chain(book: Path, cell: str) -> None:
    """Give `cell` of the data sheet a formula with its saved value, and the workbook a
    calculation chain listing it, as Excel saves them."""
    with zipfile.ZipFile(book) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    row = int(re.sub(r"[A-Z]", "", cell))
    old = re.search(rf'<c r="{cell}"[^>]*?(?:/>|>.*?</c>)', sheet)
    # The formula's saved value is the text the cell showed: a fix sees the same value.
    shown = re.search(r"<t[^>]*>([^<]*)</t>", old.group(0)) if old else None
    value = shown.group(1) if shown else "xy"
    formula = f'<c r="{cell}" t="str"><f>"{value}"&amp;""</f><v>{value}</v></c>'
    if old is not None:
        sheet = sheet[: old.start()] + formula + sheet[old.end() :]
    else:  # a cell right of every other in its row
        opened = re.search(rf'<row r="{row}"[^>]*>', sheet)
        assert opened is not None
        end = sheet.index("</row>", opened.end())
        sheet = sheet[:end] + formula + sheet[end:]
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts["xl/calcChain.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns='
        f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="{cell}" i="1"/>'
        "</calcChain>"
    ).encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId99" Type="{CALC_CHAIN}" Target="calcChain.xml"/>'
        "</Relationships>".encode(),
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>',
    )
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


@pytest.mark.parametrize(
    ("command", "cell"),
    [(("validate", "--mark"), "AF5"), (("fix", "--apply"), "AF4"), (("fix", "--apply"), "AD6")],
    ids=[
        "mark clears a formula in Problems",
        "fix marks over a formula in Problems",
        "fix clears a formula in Errors in",
    ],
)
def test_an_edit_that_removes_a_formula_drops_the_calculation_chain(run, tmp_path, command, cell):
    book = tmp_path / "b.xlsx"
    run("import", _fixable_csv(tmp_path), "--format", PASTEL, "-o", book)
    _with_formula_and_chain(book, cell)
    run(command[0], book, *command[1:])
    with zipfile.ZipFile(book) as z:
        names = z.namelist()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "xl/calcChain.xml" not in names
    assert b"calcChain" not in _part(book, "xl/_rels/workbook.xml.rels")
    assert b"calcChain" not in _part(book, "[Content_Types].xml")
    replaced = re.search(rf'<c r="{cell}"[^>]*?(?:/>|>.*?</c>)', sheet)
    assert replaced is None or "<f>" not in replaced.group(0)
    read_back(book)


def test_a_formula_the_edit_leaves_keeps_the_calculation_chain(run, tmp_path):
    book = tmp_path / "b.xlsx"
    run("import", _fixable_csv(tmp_path), "--format", PASTEL, "-o", book)
    _with_formula_and_chain(book, "Z4")  # a column no fix or mark touches
    chain = _part(book, "xl/calcChain.xml")
    # Z is past a Detail's 14 fields: the formula's value is an error left to correct.
    assert run("fix", book, "--apply").code == 1
    assert _part(book, "xl/calcChain.xml") == chain
    assert b'Target="calcChain.xml"' in _part(book, "xl/_rels/workbook.xml.rels")
    assert '<c r="Z4" t="str"><f>' in _part(book, "xl/worksheets/sheet1.xml").decode()


# -- 4. text that spells an escape ------------------------------------------------------------


@pytest.mark.parametrize("text", ["Ref_x0041_", "_x000D_", "a_X00e9_b", "_x005F_x0041_"])
def test_text_that_spells_an_escape_comes_back_as_it_was(run, tmp_path, text):
    source = _fixable_csv(tmp_path, ("PO-44871", text), ("Widget 100mm", f"W{text}"))
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", PASTEL, "-o", book)
    assert run("fix", book, "--apply").code == 0
    sheet = _part(book, "xl/worksheets/sheet1.xml").decode()
    assert f"<t>{text.replace('_x', '_x005F_x')}</t>" in sheet
    assert run("export", book, "-o", tmp_path / "out.csv").code == 0
    out = (tmp_path / "out.csv").read_bytes().decode("cp1252")
    assert f",{text}," in out and f",W{text} galvanised," in out


def test_audit_sheet_text_that_spells_an_escape_is_escaped(tmp_path, books):
    book = tmp_path / "b.xlsx"
    shutil.copy(books[PASTEL], book)
    edit_book(book, "Batch", SheetEdit(), append=("Audit", [["_x0041_"]], ["Cell"]))
    audit = _part(book, "xl/worksheets/sheet5.xml").decode()
    assert "<t>_x005F_x0041_</t>" in audit and "<t>_x0041_</t>" not in audit


# -- 5. dates as Excel counts them ------------------------------------------------------------


def _date_cell(book: Path, ref: str) -> str:
    sheet = _part(book, "xl/worksheets/sheet1.xml").decode()
    found = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', sheet)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize(
    ("date", "serial"),
    [("01/01/1900", "1"), ("28/02/1900", "59"), ("01/03/1900", "61"), ("14/05/2025", "45791")],
)
def test_an_imported_date_is_the_serial_excel_gives_it(run, tmp_path, date, serial):
    source = _fixable_csv(tmp_path, (",14/05/2025,", f",{date},"))
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", PASTEL, "-o", book)
    assert f"<v>{serial}</v>" in _date_cell(book, "G3")
    run("export", book, "-o", tmp_path / "out.csv", "--force")
    # The batch has errors (the price); the date's read-back is what matters.
    from addin.excel.workbook import read_book

    rows = read_book(book).rows
    assert rows[0][1][6] == dt.datetime.strptime(date, "%d/%m/%Y").date()


def test_a_date_before_1900_stays_the_text_it_was(run, tmp_path):
    source = _fixable_csv(tmp_path, (",14/05/2025,", ",31/12/1899,"))
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", PASTEL, "-o", book)
    cell = _date_cell(book, "G3")
    assert 't="inlineStr"' in cell and "<t>31/12/1899</t>" in cell and "<v>" not in cell


def test_writing_a_date_excel_cannot_hold_is_refused_naming_the_cell(tmp_path, books):
    book = tmp_path / "b.xlsx"
    shutil.copy(books[PASTEL], book)
    before = snapshot(tmp_path)
    with pytest.raises(WriteRefused) as caught:
        edit_book(book, "Batch", SheetEdit(cells={(3, 7): dt.datetime(1899, 12, 31)}))
    assert str(caught.value) == (
        f"{book}: cell G3: 31/12/1899 is before 01/01/1900, the first date Excel holds, so it "
        "cannot be written as a date; nothing was written"
    )
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("serial", "fix"), [(59, "28/02/1900"), (61, "01/03/1900"), (60, None), (1, "01/01/1900")]
)
def test_a_number_in_a_date_cell_is_read_as_excel_counts(serial, fix):
    from addin.engine.cells import cell_text
    from addin.specs import get_spec

    date_field = next(f for f in get_spec(PASTEL).records[0].fields if f.kind == "date")
    _, problem = cell_text(date_field, serial)
    assert problem is not None and problem.code == "number-in-date"
    assert problem.fix == fix


# -- 6. ZIP64 only where a part needs it ------------------------------------------------------


def _zip64_parts(book: Path) -> list[str]:
    """The parts whose local header carries a ZIP64 extra field (header id 1)."""
    found = []
    data = book.read_bytes()
    with zipfile.ZipFile(book) as z:
        for info in z.infolist():
            at = info.header_offset
            name_length, extra_length = struct.unpack("<HH", data[at + 26 : at + 30])
            extra = data[at + 30 + name_length : at + 30 + name_length + extra_length]
            while len(extra) >= 4:
                kind, size = struct.unpack("<HH", extra[:4])
                if kind == 1:
                    found.append(info.filename)
                extra = extra[4 + size :]
    return found


def test_no_part_of_a_written_workbook_carries_zip64_records(run, tmp_path):
    book = tmp_path / "b.xlsx"
    run("import", _fixable_csv(tmp_path), "--format", PASTEL, "-o", book)
    assert _zip64_parts(book) == []
    run("validate", book, "--mark")
    assert _zip64_parts(book) == []
    run("fix", book, "--apply")
    assert _zip64_parts(book) == []
    run("templates", "--out", tmp_path / "t")
    assert all(_zip64_parts(t) == [] for t in (tmp_path / "t").iterdir())


def test_a_part_too_large_for_plain_zip_is_written_with_zip64(run, tmp_path, monkeypatch):
    """zipfile asks for ZIP64 past 2 GiB; the limit is lowered so a small sheet stands in."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 4096)
    book = tmp_path / "b.xlsx"
    assert run("import", _fixable_csv(tmp_path), "--format", PASTEL, "-o", book).code == 1
    assert "xl/worksheets/sheet1.xml" in _zip64_parts(book)
    assert run("fix", book, "--apply").code == 0
    assert "xl/worksheets/sheet1.xml" in _zip64_parts(book)
    monkeypatch.undo()
    assert run("validate", book).code == 0


def _in_1904_system(book: Path) -> None:
    """The workbook as Excel for Mac saved it in the 1904 date system: the flag, and every
    date serial of the data sheet counted from 1904."""
    with zipfile.ZipFile(book) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    parts["xl/workbook.xml"] = re.sub(
        rb"<workbookPr\s*/>", b'<workbookPr date1904="1"/>', parts["xl/workbook.xml"]
    )
    assert b'date1904="1"' in parts["xl/workbook.xml"]

    def shifted(m: re.Match[bytes]) -> bytes:
        return m.group(1) + b"%d" % (int(m.group(2)) - 1462) + b"</v>"

    # The sample's dates are in column G (Header) as whole serials.
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        rb'(<c r="G\d+" s="\d+"><v>)(\d{5})</v>', shifted, parts["xl/worksheets/sheet1.xml"]
    )
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_fix_in_a_1904_workbook_writes_the_date_it_shows(run, tmp_path):
    """A date typed `2025-02-05` fixed in a 1904-system workbook exported as 06/02/2029."""
    source = _fixable_csv(tmp_path, (",14/05/2025,", ",2025-02-05,"))
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", PASTEL, "-o", book)
    _in_1904_system(book)
    done = run("fix", book, "--apply")
    assert "G3  '2025-02-05' → '05/02/2025'" in done.out
    # 45,693 - 1,462: the serial of 5 February 2025 counted from 1 January 1904.
    assert "<v>44231</v>" in _date_cell(book, "G3")
    assert run("export", book, "-o", tmp_path / "out.csv").code == 0
    lines = (tmp_path / "out.csv").read_bytes().decode("cp1252").splitlines()
    original = SAMPLE.read_bytes().decode("cp1252").splitlines()
    assert lines[0].split(",")[6] == "05/02/2025"
    # Every other date reads as it did: the read follows the workbook's system too.
    assert [x.split(",")[6] for x in lines[1:] if x.startswith("Header")] == [
        x.split(",")[6] for x in original[1:] if x.startswith("Header")
    ]


def test_a_date_before_1904_cannot_be_written_into_a_1904_workbook(run, tmp_path):
    book = tmp_path / "b.xlsx"
    run("import", SAMPLE, "--format", PASTEL, "-o", book)
    _in_1904_system(book)
    before = snapshot(tmp_path)
    with pytest.raises(WriteRefused, match="cell G3: 31/12/1903 is before 01/01/1904"):
        edit_book(book, "Batch", SheetEdit(cells={(3, 7): dt.datetime(1903, 12, 31)}))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("serial", "day"), [(0, "1904-01-01"), (44231, "2025-02-05")])
def test_serials_of_the_1904_system(serial, day):
    from addin.engine.cells import date_serial, serial_day

    assert serial_day(serial, date1904=True) == dt.date.fromisoformat(day)
    assert date_serial(dt.date.fromisoformat(day), date1904=True) == serial


def test_a_number_in_a_date_cell_of_a_1904_workbook_is_read_as_its_serial(run, tmp_path):
    book = tmp_path / "b.xlsx"
    run("import", SAMPLE, "--format", PASTEL, "-o", book)
    _in_1904_system(book)
    with zipfile.ZipFile(book) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<c r="G3"[^>]*?(?:/>|>.*?</c>)', '<c r="G3"><v>44231</v></c>', sheet, count=1)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    import json

    found = json.loads(run("validate", book, "--json").out)["findings"]
    fixes = [(f["column"], f["code"], f.get("fix")) for f in found if f["row"] == 3]
    assert ("G", "number-in-date", "05/02/2025") in fixes  # 1904 + 44,231 days
