"""The dialects Excel and people produce, each named in one sentence rather than answered
with a cascade of findings: Excel's `sep=` first line, tab-separated files, a number split
by an unquoted thousands separator, codes Excel wrote in scientific notation, a workbook
saved as Strict Open XML, and workbook edits refused in words that name the file."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from addin.excel.package import inspect_package
from tests.conftest import EXAMPLES

PASTEL = "pastel-customer"
INFUSION = "infusion-customer-adjustments"
PASTEL_SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
INFUSION_SAMPLE = EXAMPLES / "infusion_adjustments_sample.csv"
BOM = b"\xef\xbb\xbf"


def written(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def edited(sample: Path, old: str, new: str) -> bytes:
    """The sample's bytes with one text replaced, which must be there exactly once."""
    text = sample.read_bytes().decode("utf-8")
    assert text.count(old) == 1, old
    return text.replace(old, new).encode("utf-8")


def tabbed(sample: Path) -> bytes:
    """The sample as Excel's 'Text (Tab delimited)' writes it: tabs between fields."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(sample.read_text("utf-8"), newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def finding_lines(out: str) -> str:
    """The findings a command printed, without its notes on what was not checked."""
    return "\n".join(line for line in out.splitlines() if line.lstrip().startswith("line "))


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- Excel's sep= first line -----------------------------------------------------------------

SEPARATOR_NOTE = (
    "line 1     warning The first line, 'sep=,', is Excel's note of the separator, not a "
    "record: it was skipped, and the export does not write it."
)


@pytest.mark.parametrize("mark", [b"", BOM], ids=["plain", "byte-order-mark"])
def test_a_comma_sep_line_before_an_infusion_header_is_skipped_with_a_note(run, tmp_path, mark):
    source = written(tmp_path, "adj.csv", mark + b"sep=,\r\n" + INFUSION_SAMPLE.read_bytes())
    for args in (("check", source), ("check", source, "--format", INFUSION)):
        done = run(*args)
        assert done.code == 0, done
        assert done.out.startswith(f"{source}: 5 rows, 0 errors, 2 warnings\n"), done.out
        assert SEPARATOR_NOTE in done.out
        # Line numbers stay the file's: the quoted comma of the fourth adjustment is on line 6.
        assert "line 6  D  warning Description contains a comma" in done.out
        for cascade in ("extra-field", "more fields than the header row", "There is no", "sep="):
            assert cascade not in done.out.replace("'sep=,'", ""), cascade


def test_a_comma_sep_line_before_a_pastel_batch_keeps_every_line_number(run, tmp_path):
    source = written(tmp_path, "batch.csv", BOM + b"sep=,\n" + PASTEL_SAMPLE.read_bytes())
    done = run("check", source, "--format", PASTEL, "--all")
    assert done.code == 0, done
    assert done.out.startswith(f"{source}: 12 records, 0 errors, 3 warnings\n"), done.out
    assert "  line  1     warning The first line, 'sep=,', is Excel's note" in done.out
    assert "line  2  N  warning Delivery Address 1 contains a comma" in done.out
    assert "line 13  K  warning Description contains a comma" in done.out
    assert "every record starts with Header or Detail" not in done.out


def test_an_imported_file_with_a_sep_line_exports_as_the_file_without_it(run, tmp_path):
    source = written(tmp_path, "adj.csv", b"sep=,\r\n" + INFUSION_SAMPLE.read_bytes())
    before = source.read_bytes()
    book, out = tmp_path / "adj.xlsx", tmp_path / "out.csv"
    done = run("import", source, "-o", book)
    assert done.code == 0, done
    assert done.out == (
        f"{book}: imported 5 adjustments from {source}; 0 errors, 1 warning marked on the "
        "sheet.\n"
        "  About the file itself (1, not on the sheet):\n"
        f"    {SEPARATOR_NOTE}\n"
    )
    assert source.read_bytes() == before
    assert run("export", book, "-o", out).code == 0
    assert out.read_bytes() == INFUSION_SAMPLE.read_bytes()


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (
            b"sep=;",
            "'sep=;' (Excel's note of the separator) says the fields are separated by ';', "
            "not ',': Excel uses the Windows list separator in some regions; save the file as "
            "'CSV UTF-8' or change the list separator to ',' and export again",
        ),
        (
            b"sep=\t",
            "'sep=' and a tab (Excel's note of the separator) says the fields are separated by "
            "tabs, not ',': this is a tab-separated text file (Excel's 'Text (Tab delimited)', "
            "or rows pasted into a text editor); save it from Excel as 'CSV UTF-8' or "
            "'CSV (Comma delimited)'",
        ),
    ],
    ids=["semicolon", "tab"],
)
@pytest.mark.parametrize("mark", [b"", BOM], ids=["plain", "byte-order-mark"])
def test_a_sep_line_naming_another_separator_is_refused_naming_it(run, tmp_path, line, words, mark):
    separator = line[-1:].decode()
    body = INFUSION_SAMPLE.read_text("utf-8").replace(",", separator)
    source = written(tmp_path, "adj.csv", mark + line + b"\r\n" + body.encode("utf-8"))
    before = files_in(tmp_path)
    for args in (
        ("check", source),
        ("check", source, "--format", INFUSION),
        ("import", source, "-o", tmp_path / "adj.xlsx"),
    ):
        done = run(*args)
        assert done.code == 2, (args, done)
        assert done.err == f"batchsheet: {source}: line 1: {words}\n", args
        assert done.out == ""
    assert files_in(tmp_path) == before


# -- tab-separated files ---------------------------------------------------------------------

TABS = (
    "the fields are separated by tabs, not ',' ({counts}): this is a tab-separated text file "
    "(Excel's 'Text (Tab delimited)', or rows pasted into a text editor); save it from Excel "
    "as 'CSV UTF-8' or 'CSV (Comma delimited)'"
)


@pytest.mark.parametrize(
    ("sample", "formats", "counts"),
    [
        (INFUSION_SAMPLE, [[], ["--format", INFUSION]], "10 fields at tabs, 1 at ','"),
        (PASTEL_SAMPLE, [["--format", PASTEL]], "29 fields at tabs, 2 at ','"),
    ],
    ids=["infusion", "pastel"],
)
def test_a_tab_separated_file_is_named_as_such(run, tmp_path, sample, formats, counts):
    source = written(tmp_path, "batch.txt", tabbed(sample))
    before = files_in(tmp_path)
    expected = f"batchsheet: {source}: line 1: {TABS.format(counts=counts)}\n"
    for option in formats:
        for command in (["check"], ["import", "-o", str(tmp_path / "b.xlsx")]):
            done = run(command[0], source, *command[1:], *option)
            assert done.code == 2, done
            assert done.err == expected
            assert "Account Number" not in done.err and "Header or Detail" not in done.err
    assert files_in(tmp_path) == before


def test_a_comma_file_with_tabs_inside_its_fields_is_read_as_commas(run, tmp_path):
    data = edited(PASTEL_SAMPLE, "Thank you for your business", '"Thank\tyou\tfor\tyour business"')
    source = written(tmp_path, "batch.csv", data)
    done = run("check", source, "--format", PASTEL)
    assert "separated by tabs" not in done.err
    assert done.out.startswith(f"{source}: 12 records"), done


# -- a number split by its thousands separator -----------------------------------------------


def test_an_unquoted_thousands_separator_in_a_pastel_price_is_one_finding(run, tmp_path):
    data = edited(PASTEL_SAMPLE, "Detail,1.62,250,2.45,", "Detail,1,234.50,250,2.45,")
    source = written(tmp_path, "batch.csv", data)
    done = run("check", source, "--format", PASTEL, "--all")
    assert done.code == 1, done
    assert done.out.startswith(f"{source}: 12 records, 1 error, "), done.out
    assert (
        "  line  3  B  error   Columns B and C ('1' and '234.50') look like one number, "
        "1,234.50, written with a thousands separator and not quoted: the comma split it in "
        "two, which moved every later field one column to the right. It is read as Cost Price "
        "1,234.50; write it as 1234.50 (no separator), or quote it (\"1,234.50\").  → '1234.50'"
    ) in done.out
    line_3 = [line for line in done.out.splitlines() if line.startswith("  line  3 ")]
    assert len(line_3) == 1, line_3
    for cascade in ("Unit is", "Tax Type", "Line Type", "must be empty", "must be a number"):
        assert cascade not in finding_lines(done.out), cascade


def test_a_split_number_of_three_pieces_names_all_three(run, tmp_path):
    # The line ends in two empty fields (Projects Code, Store), which the split pushes past
    # the record's last field: only empty fields are too many, and the cascade is the same.
    data = edited(PASTEL_SAMPLE, "Detail,0.00,1,5000.00,", "Detail,0.00,1,5,000,000.00,")
    source = written(tmp_path, "batch.csv", data)
    done = run("check", source, "--format", PASTEL, "--all")
    assert done.code == 1, done
    assert done.out.startswith(f"{source}: 12 records, 1 error, "), done.out
    assert (
        "line  6  D  error   Columns D to F ('5', '000' and '000.00') look like one number, "
        "5,000,000.00, written with a thousands separator and not quoted: the commas split it "
        "into 3 fields, which moved every later field 2 columns to the right. It is read as "
        "Unit Selling Price 5,000,000.00; write it as 5000000.00"
    ) in done.out
    assert "must be empty" not in done.out and "Line Type" not in finding_lines(done.out)


def test_an_unquoted_thousands_separator_in_an_infusion_amount_is_one_finding(run, tmp_path):
    data = edited(INFUSION_SAMPLE, ",6120,-287.50,", ",6120,-1,287.50,")
    source = written(tmp_path, "adj.csv", data)
    done = run("check", source, "--all")
    assert done.code == 1, done
    assert done.out.startswith(f"{source}: 5 rows, 1 error, 1 warning\n"), done.out
    assert (
        "  line 2  F  error   Columns F and G ('-1' and '287.50') look like one number, "
        "-1,287.50, written with a thousands separator and not quoted"
    ) in done.out
    for cascade in (
        "Amount Is must be",
        "more fields than the header row",
        "thousands separators,",
    ):
        assert cascade not in done.out, cascade
    # The amount is read as meant: the adjustment's total is the whole number.
    assert re.search(r"line 2  C1042 .* -1,287\.50\n", done.out), done.out


def test_an_imported_split_number_lands_on_its_row_and_marks_it(run, tmp_path):
    data = edited(PASTEL_SAMPLE, "Detail,1.62,250,2.45,", "Detail,1,234.50,250,2.45,")
    source = written(tmp_path, "batch.csv", data)
    book = tmp_path / "batch.xlsx"
    done = run("import", source, "--format", PASTEL, "-o", book)
    assert done.code == 1, done
    assert done.out.startswith(f"{book}: imported 12 records (3 documents) from {source}; 1 error")
    # The line is on the sheet whole: the number in its own column, the rest where it belongs.
    checked = run("validate", book, "--all")
    assert "row  5  B  error   Cost Price must be a number" in checked.out, checked.out
    assert "'1,234.50' is not." in checked.out
    assert "Tax Type" not in finding_lines(checked.out) and "Unit is" not in checked.out


def test_an_extra_field_that_joins_into_no_number_keeps_the_ordinary_message(run, tmp_path):
    # An unquoted comma in a description: the line has one field too many, and the quantity
    # and price before it (10 and 125.00) could be read as 10,125.00, which explains nothing.
    data = edited(
        PASTEL_SAMPLE,
        "Widget 100mm galvanised,4,,001\r\nDetail,1.62",
        "Widget 100mm, galvanised,4,,001\r\nDetail,1.62",
    )
    source = written(tmp_path, "batch.csv", data)
    done = run("check", source, "--format", PASTEL, "--all")
    assert done.code == 1, done
    assert (
        "line  2  O  error   A Detail record has 14 fields (A to N); column O must be empty."
        in (done.out)
    )
    assert "look like one number" not in done.out and "10,125.00" not in done.out


def test_a_split_number_in_a_text_field_is_not_joined(run, tmp_path):
    # A Reference of 1,250 is text: the line is one field off, and says so field by field.
    data = edited(INFUSION_SAMPLE, ",ADJ-2502-03,", ",1,250,")
    source = written(tmp_path, "adj.csv", data)
    done = run("check", source, "--all")
    assert done.code == 1, done
    assert "look like one number" not in done.out
    assert "line 4  H  error   Amount Is must be one of Inclusive or Exclusive; 'GST 15%'" in (
        done.out
    )


# -- codes Excel wrote in scientific notation -----------------------------------------------


def scientific(label: str, value: str, digits: str) -> str:
    return (
        f"{label} '{value}' is a code Excel turned into a number and wrote in scientific "
        f"notation: it keeps only 6 digits ({digits}), and the rest of the code is lost. Format "
        "the column as Text before pasting the codes, or export the file again from the "
        "accounting system."
    )


def test_codes_in_scientific_notation_in_a_pastel_batch_are_named_as_excel_damage(run, tmp_path):
    data = edited(PASTEL_SAMPLE, "Header,,,,ABC001,", "Header,,,,6.00123E+11,")
    data = data.replace(b",WIDG-100,", b",1.23457E+11,")
    source = written(tmp_path, "batch.csv", data)
    before = source.read_bytes()
    done = run("check", source, "--format", PASTEL, "--all")
    assert done.code == 1, done
    assert done.out.startswith(f"{source}: 12 records, 3 errors, "), done.out
    assert (
        f"line  1  E  error   {scientific('Customer Code', '6.00123E+11', '600123000000')}\n"
        in (done.out)
    )
    for line in (" 2", "10"):
        assert f"line {line}  J  error   {scientific('Code', '1.23457E+11', '123457000000')}\n" in (
            done.out
        )
    assert "characters long" not in done.out
    assert source.read_bytes() == before


def test_codes_in_scientific_notation_in_an_infusion_file_are_named_and_marked(run, tmp_path):
    data = edited(INFUSION_SAMPLE, "C0007,", "6.00123E+11,")
    data = data.replace(b",4300,", b",1.23457E+11,")
    source = written(tmp_path, "adj.csv", data)
    done = run("check", source)
    assert done.code == 1, done
    assert f"line 3  A  error   {scientific('Account Number', '6.00123E+11', '600123000000')}" in (
        done.out
    )
    assert f"line 4  E  error   {scientific('GL ID', '1.23457E+11', '123457000000')}" in done.out
    book = tmp_path / "adj.xlsx"
    assert run("import", source, "-o", book).code == 1
    checked = run("validate", book)
    assert checked.code == 1
    assert f"row 3  A  error   {scientific('Account Number', '6.00123E+11', '600123000000')}" in (
        checked.out
    )


def test_a_long_code_written_out_in_full_is_no_damage(run, tmp_path):
    data = edited(INFUSION_SAMPLE, "C0007,", "600123456789,").replace(b",4300,", b",1E5,")
    source = written(tmp_path, "adj.csv", data)
    done = run("check", source)
    assert done.code == 0, done
    assert "scientific notation" not in done.out


# -- workbooks -------------------------------------------------------------------------------

STRICT_MAIN = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_RELATIONSHIPS = b"http://purl.oclc.org/ooxml/officeDocument/relationships"


def imported(run, folder: Path, sample: Path = PASTEL_SAMPLE) -> Path:
    book = folder / "made.xlsx"
    assert run("import", sample, "--format", PASTEL, "-o", book).code == 0
    return book


def rewritten(book: Path, target: Path, change) -> Path:
    """A copy of `book` with every part passed through `change(name, bytes)`."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            z.writestr(name, change(name, source.read(name)))
    book.unlink()
    return target


def as_strict(name: str, data: bytes) -> bytes:
    """A part as Excel's 'Strict Open XML Spreadsheet' writes it: other namespaces."""
    data = data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", STRICT_MAIN)
    data = data.replace(
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        STRICT_RELATIONSHIPS,
    )
    if name == "xl/workbook.xml":
        data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
    return data


@pytest.mark.parametrize("name", ["batch.xlsx", "batch.xlsx.bak"])
def test_a_strict_open_xml_workbook_is_named_with_how_to_save_it(run, tmp_path, name):
    book = rewritten(imported(run, tmp_path), tmp_path / name, as_strict)
    before = files_in(tmp_path)
    words = (
        f"batchsheet: {book}: this workbook is saved as Excel's 'Strict Open XML Spreadsheet', "
        "which Batchsheet does not read; open it in Excel and save it with File › Save As › "
        "'Excel Workbook (*.xlsx)'\n"
    )
    for args in (
        ("validate", book),
        ("validate", book, "--mark"),
        ("export", book, "-o", tmp_path / "out.csv"),
        ("fix", book, "--apply"),
    ):
        done = run(*args)
        assert done.code == 2, (args, done)
        assert done.err == words, args
        assert "does not say which import format" not in done.err
    assert files_in(tmp_path) == before


def data_part(book: Path) -> str:
    part = inspect_package(book).part_of("Batch")
    assert part is not None
    return part


def prefixed_sheet(data: bytes) -> bytes:
    """The sheet written with a namespace prefix on every element (`<x:c r="A1">`), as some
    XML libraries write it: the same sheet to any reader."""
    data = data.replace(b'<worksheet xmlns="', b'<x:worksheet xmlns:x="', 1)
    return re.sub(rb"<(/?)(?!x:)(?=[A-Za-z])", rb"<\1x:", data)


@pytest.mark.parametrize("name", ["prefixed.xlsx", "prefixed.xlsx.bak"])
def test_marking_a_sheet_written_with_namespace_prefixes_is_refused_naming_the_file(
    run, tmp_path, name
):
    made = imported(run, tmp_path)
    part = data_part(made)
    book = rewritten(made, tmp_path / name, lambda n, d: prefixed_sheet(d) if n == part else d)
    assert b"<x:c r=" in zipfile.ZipFile(book).read(part)
    # Read, it is the workbook it was.
    assert run("validate", book).code == 0
    before = files_in(tmp_path)
    done = run("validate", book, "--mark")
    assert done.code == 2, done
    assert done.err == (
        f"batchsheet: {book}: the data sheet is written with XML namespace prefixes, which "
        "Batchsheet does not edit; open the workbook in Excel and save it again; nothing was "
        "written\n"
    )
    assert files_in(tmp_path) == before


def test_marking_a_sheet_with_a_row_that_does_not_say_its_number_names_the_file(run, tmp_path):
    made = imported(run, tmp_path)
    part = data_part(made)

    def unnumbered(name: str, data: bytes) -> bytes:
        return re.sub(rb'<row r="4"', b"<row", data, count=1) if name == part else data

    book = rewritten(made, tmp_path / "book.xlsx.bak", unnumbered)
    before = files_in(tmp_path)
    done = run("validate", book, "--mark")
    assert done.code == 2, done
    assert done.err == (
        f"batchsheet: {book}: the data sheet has a row that does not say its number, which "
        "Batchsheet does not edit; open the workbook in Excel and save it again; nothing was "
        "written\n"
    )
    assert files_in(tmp_path) == before
