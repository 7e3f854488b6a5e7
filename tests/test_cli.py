"""The `batchsheet` command as a user meets it: exit codes, messages, JSON, files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLES, as_unprivileged, run_process
from tests.pastel_rows import csv_bytes, detail, header

CUSTOMER = EXAMPLES / "pastel_customer_invoices_sample.csv"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- malformed input: exit 1 or 2, a message naming the line, never a traceback --------------

MALFORMED = [
    ("unknown keyword", b"Header,,,,A,3,14/05/2025,,N\r\nDetial,1\r\n", 1, "line 2", "Detial"),
    (
        "unbalanced quote",
        b'Header,,,,A,3,14/05/2025,"PO,N\r\nDetail,1\r\n',
        1,
        "line 1",
        "never closes",
    ),
    (
        "a detail one field late on a header's line",
        b"Header,,,,A,3,14/05/2025,,N,,,,,,,,,,,,,,,,,,,,,,Detail,1,1,1.00,1.00\r\n",
        1,
        "line 1",
        "joined",
    ),
    ("empty file", b"", 2, "empty", "empty"),
    ("blank lines only", b"\r\n\r\n  \r\n", 2, "empty", "empty"),
    ("binary garbage", bytes(range(256)) * 4, 2, "line 1", "not a CSV"),
    ("semicolons", b"Header;;;;A;3;14/05/2025\r\nDetail;1\r\n", 2, "line 1", "';'"),
    ("UTF-16", "Header,,,,A\r\n".encode("utf-16"), 2, "line 1", "UTF-16"),
    ("undecodable byte", b"Header,,,,A\x81\x8d\r\n", 2, "line 1", "encoding"),
]


@pytest.mark.parametrize(
    ("name", "data", "code", "where", "what"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_csv_is_refused_with_the_line_named(run, tmp_path, name, data, code, where, what):
    source = write(tmp_path / "bad.csv", data)
    done = run("check", source, "--format", "pastel-customer")
    assert done.code == code, (done.out, done.err)
    said = done.out + done.err
    assert what in said
    assert where in said or (code == 1 and f"line {where.split()[-1]}" in said)
    assert "Traceback" not in said
    imported = run("import", source, "--format", "pastel-customer", "-o", tmp_path / "b.xlsx")
    assert imported.code in (1, 2)
    if name in (
        "unbalanced quote",
        "a detail one field late on a header's line",
        "empty file",
        "binary garbage",
    ):
        assert not (tmp_path / "b.xlsx").exists(), "a file that cannot be placed whole is refused"


def test_malformed_input_never_shows_a_traceback_in_a_real_process(tmp_path: Path):
    source = write(tmp_path / "bad.csv", bytes(range(256)) * 64)
    done = run_process("check", source, "--format", "pastel-customer", "--json")
    assert done.code == 2
    assert "Traceback" not in done.err
    assert json.loads(done.out)["error"].startswith(str(source))


def test_a_workbook_that_is_not_a_workbook_is_refused(run, tmp_path: Path):
    fake = write(tmp_path / "fake.xlsx", b"PK\x03\x04 not really a zip")
    done = run("validate", fake)
    assert done.code == 2
    assert "fake.xlsx" in done.err and "Traceback" not in done.err


def test_a_plain_workbook_says_it_is_not_a_batchsheet_workbook(run, tmp_path: Path):
    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    done = run("validate", plain)
    assert done.code == 2 and "Batchsheet template" in done.err


def test_unknown_format_is_a_usage_error(run, tmp_path: Path):
    done = run("check", CUSTOMER, "--format", "sage-one")
    assert done.code == 2 and "pastel-customer" in done.err


def test_missing_file_and_bad_arguments_exit_2(run, tmp_path: Path):
    assert run("check", tmp_path / "nope.csv", "--format", "pastel-customer").code == 2
    assert run("validate").code == 2
    assert run().code == 2


# -- JSON ----------------------------------------------------------------------------------


def test_check_json_is_one_object_with_file_lines(run, tmp_path: Path):
    source = write(tmp_path / "b.csv", csv_bytes([header(period="14"), detail(quantity="x")]))
    done = run("check", source, "--format", "pastel-customer", "--json")
    assert done.code == 1
    report = json.loads(done.out)
    assert report["format"] == "pastel-customer"
    assert (report["errors"], report["warnings"]) == (2, 0)
    assert report["findings"][0] == {
        "severity": "error",
        "row": 1,
        "column": "F",
        "field": "Period Number",
        "code": "out-of-range",
        "message": "Period Number must be from 1 to 13; 14 is not.",
        "value": "14",
    }
    assert report["findings"][1]["row"] == 2 and report["findings"][1]["column"] == "C"


def test_validate_json_rows_are_sheet_rows(run, tmp_path: Path):
    source = write(tmp_path / "b.csv", csv_bytes([header(), detail(), detail(line_type="9")]))
    book = tmp_path / "b.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", book).code == 1
    report = json.loads(run("validate", book, "--json").out)
    (finding,) = report["findings"]
    assert (finding["row"], finding["column"], finding["code"]) == (5, "L", "not-allowed")


def test_readable_report_lists_each_problem(run, tmp_path: Path):
    source = write(tmp_path / "b.csv", csv_bytes([header(account=""), detail()]))
    done = run("check", source, "--format", "pastel-customer")
    assert done.code == 1
    assert "1 error, 0 warnings" in done.out
    assert "line 1  E  error   Customer Code is required." in done.out


# -- files: never replaced without being asked, never half-written --------------------------


def test_import_never_replaces_an_existing_workbook_without_force(run, tmp_path: Path):
    book = write(tmp_path / "mine.xlsx", b"precious")
    done = run("import", CUSTOMER, "--format", "pastel-customer", "-o", book)
    assert done.code == 2 and "--force" in done.err
    assert book.read_bytes() == b"precious"
    assert run("import", CUSTOMER, "--format", "pastel-customer", "-o", book, "--force").code == 0
    assert load_workbook(book)["Batch"]["E3"].value == "ABC001"


def test_export_refuses_while_errors_remain_and_writes_nothing(run, tmp_path: Path):
    source = write(tmp_path / "b.csv", csv_bytes([header(period="0"), detail()]))
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", book)
    out = tmp_path / "out.csv"
    done = run("export", book, "-o", out)
    assert done.code == 1
    assert "nothing was written" in done.err and "Period Number" in done.err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.csv")]


def test_export_never_replaces_an_existing_csv_without_force(run, tmp_path: Path):
    book = tmp_path / "b.xlsx"
    run("import", CUSTOMER, "--format", "pastel-customer", "-o", book)
    out = write(tmp_path / "out.csv", b"keep me")
    assert run("export", book, "-o", out).code == 2
    assert out.read_bytes() == b"keep me"
    assert run("export", book, "-o", out, "--force").code == 0
    assert out.read_bytes() == CUSTOMER.read_bytes()


def test_export_default_name_sits_beside_the_workbook(run, tmp_path: Path):
    book = tmp_path / "May batch.xlsx"
    run("import", CUSTOMER, "--format", "pastel-customer", "-o", book)
    assert run("export", book).code == 0
    assert (tmp_path / "May batch.csv").read_bytes() == CUSTOMER.read_bytes()


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        # Root writes anywhere; without its capabilities it is bound by the modes as anyone.
        done = as_unprivileged(
            "import", CUSTOMER, "--format", "pastel-customer", "-o", folder / "b.xlsx"
        )
        assert done.returncode == 2, done
        assert done.stderr.startswith(f"batchsheet: cannot write {folder / 'b.xlsx'}: ")
        assert not list(folder.iterdir())
    finally:
        folder.chmod(0o700)


def test_a_full_disk_leaves_no_file_and_says_so(run, tmp_path: Path):
    import errno

    from addin.files import WriteRefused, write_atomically

    target = tmp_path / "out.csv"
    target.write_bytes(b"previous")

    def fill(temp: Path) -> None:
        temp.write_bytes(b"x" * 100_000)
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(WriteRefused, match=r"cannot write .*: No space left on device"):
        write_atomically(target, fill, replace=True)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_validate_mark_writes_the_marks_the_template_colours(run, tmp_path: Path):
    source = write(
        tmp_path / "b.csv",
        csv_bytes([header(account="TOOLONGCODE", period="14"), detail(description="a, b")]),
    )
    book = tmp_path / "b.xlsx"
    run("import", source, "--format", "pastel-customer", "-o", book)
    ws = load_workbook(book)["Batch"]
    ws["E3"] = "ABC001"  # the user fixes one cell; the sheet still carries the import's marks
    ws.parent.save(book)
    done = run("validate", book, "--mark")
    assert done.code == 1
    ws = load_workbook(book)["Batch"]
    assert (ws["AD3"].value, ws["AE3"].value) == ("F", None)
    assert ws["AF3"].value.startswith("F: Period Number must be from 1 to 13")
    assert (ws["AD4"].value, ws["AE4"].value) == (None, "K")
    assert ws["F3"].value == 14 and ws["E3"].value == "ABC001"


def test_an_imported_workbook_declares_a_size_that_covers_every_row(run, tmp_path: Path):
    """Readers trust a sheet's declared size: it spares them a pass, and must hide no row."""
    import zipfile

    rows = [header(order_number=f"PO-{n}") if n % 3 == 0 else detail() for n in range(30)]
    source = write(tmp_path / "b.csv", csv_bytes(rows))
    book = tmp_path / "b.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", book).code == 0
    with zipfile.ZipFile(book) as z:
        head = z.open("xl/worksheets/sheet1.xml").read(2000).decode()
    assert '<dimension ref="A1:AF32" />' in head
    ws = load_workbook(book, read_only=True)["Batch"]
    assert ws.max_row == 32 and ws.cell(32, 1).value == "Detail"
