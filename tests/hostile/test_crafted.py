"""Workbooks crafted to hurt a reader, and formulas whose value is not in the file.

Each is refused with a sentence and exit 2 before python-calamine or openpyxl allocates
from what it declares (a crash there aborts the process: these run as child processes),
and a formula never calculated is a finding on its cell, never an empty value.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import run_process
from tests.hostile.conftest import PASTEL, SST, rezip, snapshot
from tests.hostile.test_workbooks import ENTITY_MESSAGE, SHEET, refused

FAR = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'


def _before_end(extra: bytes):
    return lambda xml: xml.replace(b"</sheetData>", extra + b"</sheetData>")


def refused_in_a_child(book: Path, words: str) -> None:
    before = snapshot(book.parent)
    for args in (("validate", book), ("validate", book, "--mark"), ("export", book)):
        done = run_process(*args)
        assert done.code == 2, (args, done)
        assert done.err.startswith(f"batchsheet: {book}: refused: "), done.err
        assert words in done.err, done.err
        assert "Traceback" not in done.err and "memory allocation" not in done.err
    assert snapshot(book.parent) == before


@pytest.mark.parametrize(
    "cell",
    [
        FAR,
        # The same cell written as no common writer writes it: other attribute order,
        # single quotes, lower case, no row number, a namespace prefix.
        b'<row r="1048576"><c t="inlineStr" r="XFD1048576"><is><t>x</t></is></c></row>',
        b"<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>",
        b'<row r="1048576"><c r="xfd1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        b'<row r="900000"><c r="XFD900000" t="inlineStr"><is><t>x</t></is></c></row>',
    ],
    ids=["excel-style", "attribute-order", "single-quotes", "lower-case", "inside-limits"],
)
def test_a_cell_far_away_is_refused_before_any_reader_allocates(tmp_path, books, cell):
    book = rezip(books[PASTEL], tmp_path / "far.xlsx", {SHEET: _before_end(cell)})
    assert book.stat().st_size < 64 * 1024
    refused_in_a_child(book, "more than the 33,554,432 Batchsheet reads")


def test_a_far_cell_inside_a_row_that_says_another_number_is_refused(tmp_path, books):
    sneaky = b'<row r="5"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    book = rezip(
        books[PASTEL],
        tmp_path / "sneaky.xlsx",
        {SHEET: lambda xml: xml.replace(b"</row>", b"</row>" + sneaky, 1)},
    )
    refused_in_a_child(book, "reaches cell XFD1048576")


def test_a_namespace_prefixed_far_cell_is_refused(tmp_path, books):
    def prefixed(xml: bytes) -> bytes:
        xml = xml.replace(b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org'
                          b'/spreadsheetml/2006/main" ', 1)  # fmt: skip
        return xml.replace(
            b"</sheetData>",
            b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></sheetData>',
        )

    book = rezip(books[PASTEL], tmp_path / "prefixed.xlsx", {SHEET: prefixed})
    refused_in_a_child(book, "reaches cell XFD1048576")


def test_a_shared_strings_table_declaring_billions_is_refused(tmp_path, shared_strings_book):
    lying = SST.replace(
        b'count="1" uniqueCount="1"', b'count="2147483647" uniqueCount="2147483647"'
    )
    book = rezip(shared_strings_book, tmp_path / "count.xlsx", {"xl/sharedStrings.xml": lying})
    refused_in_a_child(book, "declares 2,147,483,647 strings, more than it could hold")


def test_an_ordinary_workbook_far_wider_than_the_batch_still_reads(run, tmp_path, books):
    # A note typed in column BZ, next to the batch: not a threat, read as usual.
    note = b'<row r="9"><c r="BZ9" t="inlineStr"><is><t>note</t></is></c></row>'
    book = rezip(books[PASTEL], tmp_path / "note.xlsx", {SHEET: _before_end(note)})
    assert run("validate", book).code in (0, 1)


def test_a_doctype_after_a_long_comment_is_refused_by_every_command(run, tmp_path, books):
    comment = b"<!--" + b"x" * 6000 + b"-->"
    trick = b'<!DOCTYPE worksheet [<!ENTITY e "expanded">]>'

    def declared(xml: bytes) -> bytes:
        end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        return xml[:end] + comment + trick + xml[end:]

    def hidden(xml: bytes) -> bytes:
        return declared(xml.replace(b"ABC001", b"&e;", 1))

    book = rezip(books[PASTEL], tmp_path / "late.xlsx", {SHEET: hidden})
    refused(run, book, ENTITY_MESSAGE)
    docprops = rezip(
        books[PASTEL],
        tmp_path / "props.xlsx",
        {"docProps/core.xml": declared},
    )
    refused(run, docprops, ENTITY_MESSAGE)


def test_two_parts_of_one_name_are_refused(run, tmp_path, books):
    book = tmp_path / "twice.xlsx"
    shutil.copy(books[PASTEL], book)
    with zipfile.ZipFile(book, "a") as z, pytest.warns(UserWarning, match="Duplicate name"):
        z.writestr(SHEET, b"<worksheet/>")
    refused(run, book, f"refused: the workbook holds two parts named {SHEET}")


# -- formulas --------------------------------------------------------------------------------


@pytest.fixture
def formula_book(tmp_path, books) -> Path:
    """The Pastel batch with Unit Selling Price D4 (125) as a formula openpyxl never
    calculated: the file holds `<f>100+25</f><v />`, no value."""
    wb = load_workbook(books[PASTEL])
    assert wb["Batch"]["D4"].value == 125
    wb["Batch"]["D4"] = "=100+25"
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        assert re.search(rb'<c r="D4"[^>]*><f>100\+25</f><v ?/></c>', z.read(SHEET))
    return path


def test_a_formula_never_calculated_is_a_finding_on_its_cell(run, formula_book):
    import json

    done = run("validate", formula_book, "--json")
    findings = json.loads(done.out)["findings"]
    at_d4 = [f for f in findings if (f["row"], f["column"]) == (4, "D")]
    assert [f["code"] for f in at_d4] == ["formula-not-calculated"]
    assert at_d4[0]["severity"] == "error"
    assert "D4 holds a formula that was never calculated" in at_d4[0]["message"]
    assert not any("required" in f["message"] for f in at_d4)
    target = formula_book.with_suffix(".csv")
    refused_export = run("export", formula_book, "-o", target)
    assert refused_export.code == 1 and not target.exists()


def test_a_formula_with_its_saved_value_exports_that_value(run, tmp_path, books, formula_book):
    saved = rezip(
        formula_book,
        tmp_path / "saved.xlsx",
        {SHEET: lambda xml: re.sub(rb"<f>100\+25</f><v ?/>", b"<f>100+25</f><v>125</v>", xml)},
    )
    plain = run("export", books[PASTEL], "-o", tmp_path / "plain.csv")
    done = run("export", saved, "-o", tmp_path / "saved.csv")
    assert (plain.code, done.code) == (0, 0), done
    assert (tmp_path / "saved.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()


# -- messages --------------------------------------------------------------------------------


def _limited(limit: int):
    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return set_limit


def _child(*args: object, limit: int) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("batchsheet", path=str(Path(sys.executable).parent))
    assert exe
    return subprocess.run(
        [exe, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited(limit),
    )


def test_no_room_to_write_the_marks_is_one_sentence(tmp_path, books):
    """A file-size limit (EFBIG) stands in for a full disk: real, and inside the test's
    folder. The old openpyxl save printed 'Exception ignored … Traceback' after it."""
    book = tmp_path / "b.xlsx"
    shutil.copy(books[PASTEL], book)
    before = snapshot(tmp_path)
    done = _child("validate", book, "--mark", limit=4096)
    assert done.returncode == 2, done
    assert done.stderr == f"batchsheet: cannot write {book}: File too large\n"
    assert snapshot(tmp_path) == before


def test_no_room_during_an_import_names_the_file(tmp_path, private_temp):
    from tests.hostile.conftest import pastel_text

    source = tmp_path / "in.csv"
    source.write_bytes(pastel_text().encode("cp1252"))
    before = snapshot(tmp_path)
    target = tmp_path / "b.xlsx"
    done = _child("import", source, "--format", PASTEL, "-o", target, limit=8192)
    assert done.returncode == 2, done
    assert done.stderr.startswith(f"batchsheet: cannot write {target}: File too large")
    assert "Traceback" not in done.stderr
    assert snapshot(tmp_path) == before


def test_a_password_protected_workbook_is_called_that(run, tmp_path):
    # An encrypted Office file is an OLE container with an EncryptedPackage stream.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1016
    ole += "EncryptedPackage".encode("utf-16-le") + b"\0" * 4000
    book = tmp_path / "locked.xlsx"
    book.write_bytes(ole)
    done = run("validate", book)
    assert done.code == 2
    assert done.err == (
        f"batchsheet: {book}: the workbook is password-protected (encrypted); open it in "
        "Excel, remove the password (File › Info › Protect Workbook), and save it again\n"
    )
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    assert "an old-style Excel file (.xls)" in run("validate", old).err


def test_a_copy_named_bak_is_read_by_its_content(run, tmp_path, books):
    copy = tmp_path / "book.xlsx.bak"
    shutil.copy(books[PASTEL], copy)
    done = run("validate", copy)
    assert done.code == 0, done
    assert "no problems" in done.out or "0 errors" in done.out
    assert run("validate", copy, "--mark").code == 0
    assert run("export", copy, "-o", tmp_path / "out.csv").code == 0
