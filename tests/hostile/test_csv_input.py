"""Broken CSV files as they arrive from other programs: what the user sees for each.

Every case runs the real command (`check`, and `import` where a workbook could be written)
and asserts the exit code, the message with its file, line and column, and that a refused
import leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from addin.engine.csv_batch import parse_csv
from addin.engine.csv_read import ReadError
from tests.hostile.conftest import INFUSION, PASTEL, infusion_text, pastel_text, snapshot
from tests.infusion.conftest import HEADER as INFUSION_HEADER
from tests.infusion.conftest import row as infusion_row
from tests.pastel_rows import detail, header


def refused(run, source: Path, fmt: str, expected: str) -> None:
    """`check` and `import` both exit 2 with `expected` (file, line, column, words) and the
    import writes nothing at all."""
    before = snapshot(source.parent)
    done = run("check", source, "--format", fmt)
    assert (done.code, done.out) == (2, ""), done
    assert done.err.startswith(f"batchsheet: {source}: ")
    assert expected in done.err, done.err
    assert "Traceback" not in done.err
    book = source.with_suffix(".xlsx")
    imported = run("import", source, "--format", fmt, "-o", book)
    assert imported.code == 2 and expected in imported.err, imported
    assert snapshot(source.parent) == before, "a refused import left a file behind"


def write(tmp_path: Path, data: bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- nothing to read ------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\r\n\n\r   \t\r\n"], ids=["empty", "blank lines"])
@pytest.mark.parametrize("fmt", [PASTEL, INFUSION])
def test_an_empty_file_is_refused(run, tmp_path, data, fmt):
    refused(run, write(tmp_path, data), fmt, "the file is empty: there is no record to read")


def test_binary_garbage_is_refused_naming_the_first_nul(run, tmp_path):
    garbage = bytes(range(1, 256)) * 8 + b"\x00" + bytes(range(255, 0, -1))
    data = pastel_text().encode("cp1252") + b"Detail,1," + garbage
    # Each run of 1..255 holds a LF and a lone CR: two line ends, so the NUL is on line
    # 3 + 16, right after the last CR's 0x0E..0xFF (242 characters).
    refused(
        run,
        write(tmp_path, data),
        PASTEL,
        ": line 19, column A: this is binary data, not a CSV file (a NUL byte at character 243)",
    )


def test_a_nul_byte_in_a_text_file_names_its_line_and_column(run, tmp_path):
    data = pastel_text([header(), detail(description="Wid\x00get")]).encode("cp1252")
    refused(
        run,
        write(tmp_path, data),
        PASTEL,
        ": line 2, column K: this is binary data, not a CSV file (a NUL byte at character 54)",
    )


# -- quotes and line ends -------------------------------------------------------------------


def test_an_unbalanced_quote_after_odd_line_ends_names_the_right_line_and_column(run, tmp_path):
    # A lone CR ends a line for the parser; U+2028 and U+0085 do not. Every line number the
    # user is told must count the same way, or the message points at the wrong row.
    text = (
        ",".join(header()) + "\r"
        + ",".join(detail(description="a\u2028b")) + "\n"
        + ",".join(detail(description="c\x85d")) + "\r\n"
        + 'Detail,1,2,"3,4\r\n'
    )  # fmt: skip
    source = write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    done = run("check", source, "--format", PASTEL)
    assert done.code == 1
    assert (
        "line 4  D  error   A quoted field opens in column D and never closes: a '\"' is "
        "missing. Nothing after this line could be read." in done.out
    ), done.out
    imported = run("import", source, "--format", PASTEL, "-o", tmp_path / "b.xlsx")
    assert imported.code == 2
    assert f"{source}: line 4, column D: A quoted field opens in column D" in imported.err
    assert not (tmp_path / "b.xlsx").exists()


def test_text_after_a_closing_quote_names_its_column(run, tmp_path):
    data = infusion_text().encode() + b'C1,05/02/2025,"ADJ" 2,Bad debt\r\n'
    source = write(tmp_path, data)
    done = run("check", source, "--format", INFUSION)
    assert done.code == 1
    assert "line 3  C  error   A quoted field in column C has text after its closing quote" in (
        done.out
    ), done.out


def test_mixed_line_endings_read_every_record_on_its_own_line(run, tmp_path):
    rows = [header(), detail(), detail(code="B"), header(period="14"), detail(quantity="x")]
    ends = ["\r\n", "\n", "\r", "\n", "\r\n"]
    text = "".join(",".join(r) + e for r, e in zip(rows, ends))
    source = write(tmp_path, text.encode("cp1252"))
    done = run("check", source, "--format", PASTEL)
    assert done.code == 1
    said = done.out.splitlines()
    assert said[0].startswith(f"{source}: 5 records, 2 errors")
    errors = [line for line in said if "  error  " in line]
    assert [e.split("error")[0].split() for e in errors] == [
        ["line", "4", "F"],
        ["line", "5", "C"],
    ], done.out
    book = tmp_path / "b.xlsx"
    assert run("import", source, "--format", PASTEL, "-o", book).code == 1
    from openpyxl import load_workbook

    ws = load_workbook(book, read_only=True)["Batch"]
    assert [r[0] for r in ws.iter_rows(min_row=3, max_col=1, values_only=True)] == [
        r[0] for r in rows
    ]


def test_a_carriage_return_inside_a_field_is_refused_by_import_and_flagged_by_check(run, tmp_path):
    # An .xlsx keeps a CR only as a LF: placing it would change the value silently.
    data = pastel_text([header(), detail(description="two\r\nlines")]).encode("cp1252")
    source = write(tmp_path, data)
    done = run("check", source, "--format", PASTEL)
    assert done.code == 1 and "line 2  K  error   Description has a line break" in done.out
    refused_import = run("import", source, "--format", PASTEL, "-o", tmp_path / "b.xlsx")
    assert refused_import.code == 2
    assert f"{source}: line 2, column K: the field holds a carriage return" in (refused_import.err)
    assert not (tmp_path / "b.xlsx").exists()


# -- size -----------------------------------------------------------------------------------


def test_a_10_mb_field_is_reported_and_never_cut_into_a_cell(run, tmp_path):
    huge = "x" * 10_000_000
    data = pastel_text([header(), detail(description=huge)]).encode("cp1252")
    source = write(tmp_path, data)
    done = run("check", source, "--format", PASTEL)
    assert done.code == 1
    assert "line 2  K  error   Description is 10000000 characters long; at most 40 fit." in (
        done.out
    )
    # Excel cuts a cell at 32,767 characters: the import refuses rather than lose the rest.
    imported = run("import", source, "--format", PASTEL, "-o", tmp_path / "b.xlsx")
    assert imported.code == 2
    assert (
        f"{source}: line 2, column K: the field is 10,000,000 characters long; an Excel cell "
        "holds at most 32,767" in imported.err
    )
    assert not (tmp_path / "b.xlsx").exists()


def test_a_million_short_lines_read_with_exact_line_numbers():
    line = b"Detail,0.00,1,0.00,0.00,,0,0,0,,x,7,,\r\n"
    data = (",".join(header()) + "\r\n").encode() + line * 1_000_000 + b'Detail,"\r\n'
    parsed = parse_csv(data, "million.csv")
    assert len(parsed.rows) == 1_000_001
    assert parsed.rows[-1][0] == 1_000_001
    assert parsed.stop is not None
    assert (parsed.stop.row, parsed.stop.column, parsed.stop.code) == (
        1_000_002,
        "B",
        "unbalanced-quote",
    )


def test_a_million_blank_lines_then_a_bad_record_is_reported_on_its_line(run, tmp_path):
    data = (",".join(header()) + "\r\n").encode() + b"\r\n" * 500_000 + b"\n" * 500_000
    source = write(tmp_path, data + b"Detail,1,2,3,4,,1,0,0,A,B,9\r\n")
    done = run("check", source, "--format", PASTEL)
    assert done.code == 1
    assert "line 1000002  L  error   Line Type must be one of" in done.out, done.out[:500]


# -- encodings ------------------------------------------------------------------------------

ACCENTED = "Café Öl №"  # № is in neither Windows-1252 nor Latin-1: UTF-8 only


@pytest.mark.parametrize(
    ("encoding", "prefix", "description"),
    [
        ("utf-8", b"", "Café Öl €5"),
        ("utf-8", b"\xef\xbb\xbf", "Café Öl €5"),
        ("cp1252", b"", "Café Öl €5 „ok“"),
    ],
    ids=["utf-8", "utf-8 with BOM", "windows-1252"],
)
def test_every_accepted_encoding_reads_the_text_exactly(
    run, tmp_path, encoding, prefix, description
):
    data = prefix + pastel_text([header(), detail(description=description)]).encode(encoding)
    source = write(tmp_path, data)
    done = run("check", source, "--format", PASTEL, "--json")
    assert done.code in (0, 1)
    book = tmp_path / "b.xlsx"
    assert run("import", source, "--format", PASTEL, "-o", book).code in (0, 1)
    from openpyxl import load_workbook

    assert load_workbook(book, read_only=True)["Batch"]["K4"].value == description


def test_infusion_reads_utf8_text_its_format_writes(run, tmp_path):
    data = infusion_text([infusion_row(Description=ACCENTED)]).encode("utf-8")
    source = write(tmp_path, data)
    book = tmp_path / "b.xlsx"
    assert run("import", source, "-o", book).code == 0
    out = tmp_path / "out.csv"
    assert run("export", book, "-o", out).code == 0
    assert out.read_bytes() == data


UTF16 = [
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-le", b""),
    ("utf-16-be", b"\xfe\xff"),
    ("utf-16-be", b""),
]


@pytest.mark.parametrize(("encoding", "bom"), UTF16, ids=["LE with BOM", "LE", "BE with BOM", "BE"])
@pytest.mark.parametrize("fmt", [PASTEL, INFUSION])
def test_utf16_with_or_without_bom_is_named_as_such(run, tmp_path, encoding, bom, fmt):
    text = pastel_text() if fmt == PASTEL else infusion_text()
    source = write(tmp_path, bom + text.encode(encoding))
    refused(run, source, fmt, ": line 1: this is UTF-16 text (Excel's 'Unicode Text')")


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_latin1_bytes_windows_1252_lacks_are_refused_where_they_are(run, tmp_path, byte):
    data = pastel_text([header(), detail(description="Widget")]).encode("cp1252")
    data = data.replace(b"Widget", b"Wid" + bytes([byte]) + b"get")
    refused(
        run,
        write(tmp_path, data),
        PASTEL,
        f": line 2, column K: byte 0x{byte:02X} at character 54 is neither UTF-8 nor Windows-1252",
    )


def test_a_bom_that_is_not_utf8_names_the_bad_byte(run, tmp_path):
    data = b"\xef\xbb\xbf" + infusion_text().encode("utf-8") + b"C1,05/02/2025,\xe9t\xe9\r\n"
    refused(
        run,
        write(tmp_path, data),
        INFUSION,
        ": line 3, column C: the file starts with a UTF-8 byte-order mark but is not valid "
        "UTF-8 (byte 0xE9 at character 15)",
    )


@pytest.mark.parametrize("leading_bom", [b"", b"\xef\xbb\xbf"], ids=["no BOM", "BOM"])
@pytest.mark.parametrize("fmt", [PASTEL, INFUSION])
def test_a_bom_in_the_middle_of_a_file_is_refused_where_it_is(run, tmp_path, leading_bom, fmt):
    first = pastel_text() if fmt == PASTEL else infusion_text()
    second = (
        pastel_text()
        if fmt == PASTEL
        else infusion_text([infusion_row()])[len(",".join(INFUSION_HEADER)) + 2 :]
    )
    data = leading_bom + first.encode() + b"\xef\xbb\xbf" + second.encode()
    line = 3
    refused(
        run,
        write(tmp_path, data),
        fmt,
        f": line {line}, column A: a UTF-8 byte-order mark at character 1, in the middle of "
        "the file: it looks like two files joined together",
    )


# -- European Excel: ';' as the separator --------------------------------------------------


def test_semicolons_in_a_pastel_batch_with_decimal_commas_are_explained(run, tmp_path):
    rows = [header(discount="2,5"), detail(quantity="1,5", cost_price="85,00")]
    data = "".join(";".join(r) + "\r\n" for r in rows).encode("cp1252")
    refused(
        run,
        write(tmp_path, data),
        PASTEL,
        ": line 1: the fields are separated by ';', not ',' (29 fields at ';', 2 at ',')",
    )


def test_semicolons_in_an_infusion_file_are_explained_even_without_format(run, tmp_path):
    rows = [INFUSION_HEADER, infusion_row(Amount="-287,50")]
    source = write(tmp_path, "".join(";".join(r) + "\r\n" for r in rows).encode("utf-8"))
    expected = ": line 1: the fields are separated by ';', not ',' (10 fields at ';', 1 at ',')"
    refused(run, source, INFUSION, expected)
    # Without --format the file is recognised by its header row: the same explanation.
    done = run("import", source, "-o", tmp_path / "b.xlsx")
    assert done.code == 2 and expected in done.err
    assert not (tmp_path / "b.xlsx").exists()


def test_quoted_semicolons_in_a_comma_file_are_data(run, tmp_path):
    rows = [header(message_1="a;b;c;d"), detail(description="x;y;z")]
    source = write(tmp_path, pastel_text(rows).encode("cp1252"))
    done = run("check", source, "--format", PASTEL)
    assert done.code == 0, done.out + done.err


def test_read_errors_carry_line_and_column_for_machines():
    with pytest.raises(ReadError) as caught:
        parse_csv(b"Header,\x81\r\n", "f.csv")
    assert (caught.value.path, caught.value.line, caught.value.column) == ("f.csv", 1, "B")
