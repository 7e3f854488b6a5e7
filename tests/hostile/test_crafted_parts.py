"""Crafted packages the inspection must see through: a sheet stored under a part name that
does not end in `.xml`, and declarations spelled in UTF-16 where a byte search for
`<!DOCTYPE` in UTF-8 misses them. Each got past the inspection before."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_process

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"


def _parts(book: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(book) as z:
        return {name: z.read(name) for name in z.namelist()}


def _write(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.fixture
def parts(run, tmp_path) -> dict[str, bytes]:
    book = tmp_path / "good.xlsx"
    assert run("import", SAMPLE, "--format", "pastel-customer", "-o", book).code == 0
    return _parts(book)


@pytest.mark.parametrize("name", ["xl/worksheets/sheet1.bin", "xl/worksheets/data", "xl/x.XML"])
def test_a_sheet_under_any_part_name_is_inspected(parts, tmp_path, name):
    """One cell at XFD1048576 in a sheet part named otherwise made python-calamine try to
    allocate half a terabyte, and the process died (SIGABRT)."""
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )
    sheet = re.sub(rb'<dimension ref="[^"]*"/>', b"", sheet)
    parts[name] = sheet
    target = name.split("/", 1)[1]
    parts["xl/_rels/workbook.xml.rels"] = (
        parts["xl/_rels/workbook.xml.rels"]
        .replace(b'Target="worksheets/sheet1.xml"', f'Target="{target}"'.encode())
        .replace(b'Target="/xl/worksheets/sheet1.xml"', f'Target="/{name}"'.encode())
    )
    assert f'"{target}"'.encode() in parts["xl/_rels/workbook.xml.rels"] or (
        f'"/{name}"'.encode() in parts["xl/_rels/workbook.xml.rels"]
    )
    types = parts["[Content_Types].xml"]
    parts["[Content_Types].xml"] = types.replace(b"/xl/worksheets/sheet1.xml", f"/{name}".encode())
    book = _write(tmp_path / "crafted.xlsx", parts)
    done = run_process("validate", book)
    assert done.code == 2, done
    assert done.err.startswith(
        f"batchsheet: {book}: refused: the sheet 'Batch' reaches cell XFD1048576"
    )


@pytest.mark.parametrize("part", ["xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/workbook.xml"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_part_in_utf16_is_refused_with_its_name(parts, tmp_path, part, encoding):
    text = parts[part].decode("utf-8")
    text = re.sub(r"^<\?xml[^>]*\?>", "", text).lstrip()
    declared = f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "y">]>{text}'
    parts[part] = declared.encode(encoding)
    book = _write(tmp_path / "utf16.xlsx", parts)
    done = run_process("validate", book)
    assert done.code == 2, done
    assert done.err == (
        f"batchsheet: {book}: refused: the workbook's part {part} is written in UTF-16, which "
        "Excel never writes and Batchsheet does not inspect; open the workbook in Excel and "
        "save it again\n"
    )


@pytest.mark.parametrize(
    "declaration",
    ["<!DOCTYPE r>", '<!DOCTYPE r [<!ENTITY x "y">]>', '<!doctype r SYSTEM "http://x/r.dtd">'],
)
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "utf-8 bom"])
def test_a_declaration_in_the_workbook_s_relationships_is_refused(
    parts, tmp_path, declaration, bom
):
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    head = re.match(r"<\?xml[^>]*\?>\s*", rels)
    at = head.end() if head else 0
    parts["xl/_rels/workbook.xml.rels"] = bom + (rels[:at] + declaration + rels[at:]).encode()
    book = _write(tmp_path / "doctype.xlsx", parts)
    done = run_process("validate", book)
    assert done.code == 2, done
    assert "declares entities or a document type (in its part xl/_rels/workbook.xml.rels)" in (
        done.err
    )
