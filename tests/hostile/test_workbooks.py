"""Files that claim to be workbooks: not one, cut short, zip bombs and XML entity tricks.

Each is refused with exit 2 and a message naming the file; nothing is written, the file
itself is left as it was, and nothing is inflated or expanded on the way.
"""

from __future__ import annotations

import io
import shutil
import socket
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import openpyxl.xml
import openpyxl.xml.functions
import pytest

from addin.engine.csv_read import ReadError
from addin.excel.limits import MAX_RATIO, MAX_UNCOMPRESSED
from addin.excel.workbook import read_book
from tests.hostile.conftest import INFUSION, PASTEL, pastel_text, rezip, snapshot

SHEET = "xl/worksheets/sheet1.xml"


def refused(run, book: Path, expected: str) -> None:
    """validate, validate --mark, export and new-batch all exit 2 saying `expected`; the
    folder is exactly as it was."""
    before = snapshot(book.parent)
    for args in (
        ("validate", book),
        ("validate", book, "--mark"),
        ("export", book, "-o", book.with_suffix(".csv")),
        ("new-batch", book, "-o", book.with_name("new.xlsx")),
    ):
        done = run(*args)
        assert done.code == 2, (args, done)
        assert done.err.startswith(f"batchsheet: {book}: "), done.err
        assert expected in done.err, (args, done.err)
        assert "Traceback" not in done.err
    assert snapshot(book.parent) == before


# -- not workbooks at all -------------------------------------------------------------------


def _zip_of(**parts: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


NOT_WORKBOOKS = {
    "a CSV renamed": (
        pastel_text().encode(),
        "this is not an Excel workbook (.xlsx); if it is a CSV file, bring it in with "
        "`batchsheet import`",
    ),
    "a PNG": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "this is a PNG image, not an Excel workbook (.xlsx)",
    ),
    "an old .xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
        "this is an old-style Excel file (.xls) or another Office 97-2003 file",
    ),
    "a random zip": (
        _zip_of(**{"hello.txt": b"hi", "img/x.png": b"\x89PNG"}),
        "this is a zip archive, not an Excel workbook (.xlsx)",
    ),
    "an OpenDocument file": (
        _zip_of(mimetype=b"application/vnd.oasis.opendocument.spreadsheet", **{"content.xml": b""}),
        "this is an OpenDocument spreadsheet (.ods), not an Excel workbook (.xlsx)",
    ),
    "empty": (b"", "the file is empty, not an Excel workbook (.xlsx)"),
    "garbage": (bytes(range(256)) * 16, "this is not an Excel workbook (.xlsx)"),
}


@pytest.mark.parametrize("name", NOT_WORKBOOKS)
def test_a_file_that_is_not_a_workbook_says_what_it_is(run, tmp_path, name):
    data, expected = NOT_WORKBOOKS[name]
    book = tmp_path / "batch.xlsx"
    book.write_bytes(data)
    refused(run, book, expected)


@pytest.mark.parametrize("fmt", [PASTEL, INFUSION])
@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, -1, -22])
def test_a_truncated_workbook_is_called_incomplete(run, tmp_path, books, fmt, keep):
    data = books[fmt].read_bytes()
    cut = int(len(data) * keep) if keep > 0 else len(data) + keep
    book = tmp_path / "cut.xlsx"
    book.write_bytes(data[:cut])
    refused(run, book, "the workbook is incomplete or damaged (cut short while it was copied")


def test_a_workbook_whose_sheet_xml_is_cut_short_is_called_damaged(run, tmp_path, books):
    book = rezip(books[PASTEL], tmp_path / "damaged.xlsx", {SHEET: lambda x: x[: len(x) // 2]})
    refused(run, book, "the workbook is damaged")


# -- zip bombs ------------------------------------------------------------------------------


def _bomb(source: Path, target: Path, member: str, expand_to: int, *, lie: int | None = None):
    """`source` with `member` padded by `expand_to` bytes of XML whitespace, deflated.

    Whitespace between elements is valid XML, so only the size gives the bomb away. With
    `lie`, the zip directory claims the part is `lie` bytes long.
    """
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = src.read(name)
            if name != member:
                z.writestr(name, data)
                continue
            at = data.index(b"<sheetData")
            with z.open(name, "w", force_zip64=expand_to > 2**31) as out:
                out.write(data[:at])
                chunk = b" " * 2**24
                for _ in range(expand_to // len(chunk)):
                    out.write(chunk)
                out.write(data[at:])
    if lie is not None:
        _falsify_size(target, member, lie)
    return target


def _falsify_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size the central directory records for `member`."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02" + bytes(0))
    while at >= 0:
        name_length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_length] == name:
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
            break
        at = data.find(b"PK\x01\x02", at + 4)
    else:
        raise AssertionError(f"{member} not in the central directory")
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory, books) -> Path:
    folder = tmp_path_factory.mktemp("bomb")
    return _bomb(books[PASTEL], folder / "bomb.xlsx", SHEET, 2**30)


def test_a_zip_bomb_is_refused_quickly_in_bounded_memory(run, tmp_path, gigabyte_bomb):
    book = shutil.copy(gigabyte_bomb, tmp_path / "bomb.xlsx")
    assert Path(book).stat().st_size < 2 * 2**20, "the bomb itself is small"
    tracemalloc.start()
    try:
        with pytest.raises(ReadError) as caught:
            read_book(Path(book))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"refusing the bomb allocated {peak / 2**20:.0f} MB"
    # A gigabyte is within what a workbook of Excel's full height may expand to; its
    # ratio gives the bomb away, from the zip's directory alone.
    assert f"refused: the part {SHEET} expands" in str(caught.value)
    assert "more than 100 is a zip bomb" in str(caught.value)
    refused(run, Path(book), "is a zip bomb")


def test_a_workbook_larger_than_any_excel_can_hold_is_refused_by_its_size(run, tmp_path, books):
    """Past every cell of Excel's full height at the widest sheet (2 GiB of XML), the size
    the directory claims is refused before a byte is inflated, naming the file and both
    sizes."""
    book = rezip(books[PASTEL], tmp_path / "huge.xlsx", {})
    _falsify_size(book, SHEET, MAX_UNCOMPRESSED + 2**30)
    with pytest.raises(ReadError) as caught:
        read_book(book)
    assert str(caught.value) == (
        f"{book}: refused: the workbook would expand to 3,072 MB, more than the 2,048 MB "
        "Batchsheet reads (a damaged file or a zip bomb)"
    )
    refused(run, book, "would expand to 3,072 MB")


def test_a_part_that_expands_too_far_is_refused_by_its_ratio(run, tmp_path, books):
    book = _bomb(books[INFUSION], tmp_path / "ratio.xlsx", SHEET, 64 * 2**20)
    with zipfile.ZipFile(book) as z:
        info = z.getinfo(SHEET)
        assert info.file_size < MAX_UNCOMPRESSED and info.file_size > MAX_RATIO * info.compress_size
    refused(run, book, f"refused: the part {SHEET} expands")


def test_a_part_that_lies_about_its_size_never_grows_past_it(run, tmp_path, books):
    book = _bomb(books[PASTEL], tmp_path / "liar.xlsx", SHEET, 64 * 2**20, lie=4096)
    refused(run, book, f"the workbook is damaged: Bad CRC-32 for file '{SHEET}'")


def test_a_zip_of_too_many_parts_is_refused(run, tmp_path, books):
    book = rezip(books[PASTEL], tmp_path / "many.xlsx", {f"x/{i}": b"" for i in range(10_001)})
    with zipfile.ZipFile(books[PASTEL]) as z:
        parts = len(z.namelist()) + 10_001
    refused(run, book, f"refused: the file holds {parts} parts, too many for a workbook")


def test_real_workbooks_are_far_inside_the_limits(books, shared_strings_book):
    for book in (*books.values(), shared_strings_book):
        with zipfile.ZipFile(book) as z:
            for info in z.infolist():
                assert info.file_size <= 20 * max(info.compress_size, 1) or info.file_size < 2**20
        assert read_book(book).rows


# -- XML entity tricks ----------------------------------------------------------------------


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")
    assert openpyxl.xml.functions.fromstring.__module__.startswith("defusedxml")


LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">'
        % (i, b"".join(b"&lol%s;" % (b"" if i == 1 else b"%d" % (i - 1)) for _ in range(10)))
        for i in range(1, 10)
    )
    + b"]>"
)


def _with_doctype(xml: bytes, doctype: bytes, reference: bytes, before: bytes) -> bytes:
    """The part with a DOCTYPE after its XML declaration and `reference` put before `before`."""
    head, sep, body = xml.partition(b"?>")
    if not sep:
        head, body = b"", xml
    else:
        head += sep
    return head + doctype + body.replace(before, reference + before, 1)


def _secret(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711")
    return secret


def _tricks(tmp_path: Path) -> dict[str, tuple[bytes, bytes]]:
    secret = _secret(tmp_path)
    return {
        "billion laughs": (LAUGHS, b"&lol9;"),
        "external entity (XXE)": (
            b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">]>',
            b"&xxe;",
        ),
        "internal entity": (b'<!DOCTYPE worksheet [<!ENTITY name "ABC001">]>', b"&name;"),
        "parameter entity": (
            b'<!DOCTYPE worksheet [<!ENTITY % p SYSTEM "file://'
            + str(secret).encode()
            + b'"> %p;]>',
            b"",
        ),
        "external DTD": (
            b'<!DOCTYPE worksheet SYSTEM "file://' + str(secret).encode() + b'">',
            b"",
        ),
    }


TRICK_NAMES = [
    "billion laughs",
    "external entity (XXE)",
    "internal entity",
    "parameter entity",
]
ENTITY_MESSAGE = "refused: the workbook's XML declares entities or a document type"


@pytest.mark.parametrize("trick", TRICK_NAMES)
@pytest.mark.parametrize("fmt", [PASTEL, INFUSION])
def test_entity_tricks_in_the_sheet_xml_are_refused(run, tmp_path, books, trick, fmt):
    doctype, reference = _tricks(tmp_path)[trick]
    book = rezip(
        books[fmt],
        tmp_path / "trick.xlsx",
        {SHEET: lambda x: _with_doctype(x, doctype, reference, b"</t>")},
    )
    refused(run, book, ENTITY_MESSAGE)


@pytest.mark.parametrize("trick", TRICK_NAMES)
def test_entity_tricks_in_shared_strings_are_refused(run, tmp_path, shared_strings_book, trick):
    doctype, reference = _tricks(tmp_path)[trick]
    book = rezip(
        shared_strings_book,
        tmp_path / "trick.xlsx",
        {"xl/sharedStrings.xml": lambda x: _with_doctype(x, doctype, reference, b"</t>")},
    )
    refused(run, book, ENTITY_MESSAGE)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml"])
def test_entity_tricks_in_other_parts_are_refused(run, tmp_path, books, part):
    doctype, _reference = _tricks(tmp_path)["external entity (XXE)"]
    book = rezip(
        books[PASTEL],
        tmp_path / "trick.xlsx",
        {part: lambda x: _with_doctype(x, doctype, b"", b"")},
    )
    done = run("validate", book, "--json")
    assert done.code == 2
    assert ENTITY_MESSAGE in done.err
    assert "TOP-SECRET" not in done.out + done.err


def test_the_secret_file_is_never_read_into_a_value(run, tmp_path, books):
    # The control: the same workbook without the trick reads, so the refusal is the trick's.
    assert run("validate", books[PASTEL]).code == 0
    doctype, reference = _tricks(tmp_path)["external entity (XXE)"]
    book = rezip(
        books[PASTEL],
        tmp_path / "t.xlsx",
        {SHEET: lambda x: _with_doctype(x, doctype, reference, b"</t>")},
    )
    done = run("validate", book, "--json")
    assert done.code == 2 and "TOP-SECRET" not in done.out + done.err


def test_compressed_tricks_are_still_small(tmp_path, books):
    # The corpus must stay cheap to build: a sanity check on the factory itself.
    assert len(zlib.compress(LAUGHS)) < 1000


@pytest.fixture
def listener():
    """A local port that records whether anything connected to it."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        server.setblocking(False)

        def connected() -> bool:
            try:
                server.accept()[0].close()
            except BlockingIOError:
                return False
            return True

        yield server.getsockname()[1], connected


def test_an_external_dtd_is_never_fetched(run, tmp_path, books, listener):
    # defusedxml allows a bare DOCTYPE; Batchsheet refuses any, before a parser sees it.
    port, connected = listener
    doctype = b'<!DOCTYPE worksheet SYSTEM "http://127.0.0.1:%d/evil.dtd">' % port
    book = rezip(
        books[PASTEL], tmp_path / "dtd.xlsx", {SHEET: lambda x: _with_doctype(x, doctype, b"", b"")}
    )
    refused(run, book, ENTITY_MESSAGE)
    assert not connected(), "the workbook's DTD was fetched"
    uses = rezip(
        books[PASTEL],
        tmp_path / "uses.xlsx",
        {SHEET: lambda x: _with_doctype(x, doctype, b"&x;", b"</t>")},
    )
    refused(run, uses, ENTITY_MESSAGE)
    assert not connected()


def test_an_external_entity_over_http_is_never_fetched(run, tmp_path, books, listener):
    port, connected = listener
    doctype = b'<!DOCTYPE worksheet [<!ENTITY web SYSTEM "http://127.0.0.1:%d/x">]>' % port
    book = rezip(
        books[PASTEL],
        tmp_path / "web.xlsx",
        {SHEET: lambda x: _with_doctype(x, doctype, b"&web;", b"</t>")},
    )
    refused(run, book, ENTITY_MESSAGE)
    assert not connected()
