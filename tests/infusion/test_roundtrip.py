"""Infusion files through import and export with the real command, bytes compared."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from .conftest import FORMAT, HEADER, SAMPLE, csv_bytes, row


def roundtrip(run, source: Path, *extra: object) -> tuple[bytes, object]:
    """Import `source`, export the workbook; the exported bytes and the import's outcome."""
    book = source.with_suffix(".xlsx")
    out = source.with_name(source.stem + "-out.csv")
    imported = run("import", source, "-o", book, "--force", *extra)
    assert imported.code in (0, 1), imported.err
    exported = run("export", book, "-o", out, "--force")
    assert exported.code == 0, exported.err
    return out.read_bytes(), imported


def test_sample_survives_import_then_export_byte_for_byte(run, tmp_path: Path):
    source = tmp_path / "sample.csv"
    source.write_bytes(SAMPLE.read_bytes())
    data, imported = roundtrip(run, source)
    assert imported.code == 0
    # The sample has a comma in a description: Infusion's guidance asks for none (a warning).
    assert "0 errors, 1 warning" in imported.out
    assert data == SAMPLE.read_bytes()


def test_sample_survives_as_a_child_process(tmp_path: Path):
    from tests.conftest import run_process

    source = tmp_path / "sample.csv"
    source.write_bytes(SAMPLE.read_bytes())
    assert run_process("import", source, "--format", FORMAT).code == 0
    assert run_process("export", tmp_path / "sample.xlsx", "-o", tmp_path / "out.csv").code == 0
    assert (tmp_path / "out.csv").read_bytes() == SAMPLE.read_bytes()


def canonical(rows: list[list[str]]) -> bytes:
    return csv_bytes(rows)


def test_reordered_columns_export_in_template_order_and_stay_stable(run, write):
    order = [5, 0, 9, 1, 4, 2, 3, 6, 7, 8]
    original = [HEADER, row(Notes="n1"), row(Account_Number="C0007", Notes="")]
    source = write([[r[i] for i in order] for r in original])
    first, imported = roundtrip(run, source)
    assert imported.code == 0 and "0 warnings" in imported.out
    assert first == canonical(original)
    again = source.with_name("again.csv")
    again.write_bytes(first)
    assert roundtrip(run, again)[0] == first


def test_a_subset_of_columns_is_written_as_that_subset(run, write):
    header = ["Date", "Amount", "GL ID", "Account Number", "Description"]
    rows = [["05/02/2025", "12.00", "6120", "C1", "Fee"], ["6/2/2025", "-3.5", "6120", "C2", "x"]]
    first, imported = roundtrip(run, write([header, *rows]))
    assert imported.code == 0
    assert first == canonical(
        [
            ["Account Number", "Date", "Description", "GL ID", "Amount"],
            ["C1", "05/02/2025", "Fee", "6120", "12.00"],
            ["C2", "06/02/2025", "x", "6120", "-3.50"],
        ]
    )


def test_optional_columns_empty_in_every_row_are_left_out(run, write):
    rows = [HEADER, row(GST_Rate="", Amount_Is="", Cost_Centre="", Notes="")]
    first, _ = roundtrip(run, write(rows))
    assert first.split(b"\r\n")[0] == b"Account Number,Date,Reference,Description,GL ID,Amount"


def test_a_bom_and_lf_line_endings_are_read_and_written_canonical(run, write):
    rows = [HEADER, row()]
    first, imported = roundtrip(run, write(rows, bom=True, newline="\n"))
    assert imported.code == 0 and "0 warnings" in imported.out
    assert first == canonical(rows)
    assert not first.startswith(b"\xef\xbb\xbf")


def test_export_writes_a_bom_when_asked(run, write, tmp_path: Path):
    source = write([HEADER, row()])
    assert run("import", source, "-o", tmp_path / "b.xlsx").code == 0
    done = run("export", tmp_path / "b.xlsx", "-o", tmp_path / "b.csv", "--bom")
    assert done.code == 0, done.err
    assert (tmp_path / "b.csv").read_bytes() == b"\xef\xbb\xbf" + canonical([HEADER, row()])


def test_case_and_spacing_differences_are_warned_and_written_canonical(run, write):
    header = ["account number", "Date", "Reference", " Description", "GL  ID", "AMOUNT"]
    rows = [header, ["C1", "05/02/2025", "R1", "Fee", "6120", "1.00"]]
    first, imported = roundtrip(run, write(rows))
    assert imported.code == 0
    assert imported.out.count("spelled differently") == 3  # the edge space is not a difference
    assert "'GL ID'" in imported.out and "'Amount'" in imported.out
    assert first.split(b"\r\n")[0] == b"Account Number,Date,Reference,Description,GL ID,Amount"
    again = write([r.split(",") for r in first.decode().splitlines()], name="again.csv")
    second, reimported = roundtrip(run, again)
    assert second == first and "0 warnings" in reimported.out


def test_macrons_and_other_scripts_survive(run, write):
    text = "Te Whare Wānanga o Tāmaki Makaurau – ēīōū ĀĒĪŌŪ; Łódź, 東京, €5, emoji 🧾"
    rows = [HEADER, row(Description=text, Notes="Ōtautahi")]
    source = write(rows)
    first, imported = roundtrip(run, source)
    # The only word: the commas in the text (Infusion's guidance asks for none).
    assert imported.code == 0 and "0 errors, 1 warning" in imported.out
    assert first == source.read_bytes()
    book = openpyxl.load_workbook(source.with_suffix(".xlsx"))
    assert book["Batch"]["D2"].value == text


def test_windows_1252_is_read_with_a_warning_and_written_as_utf8(run, write):
    rows = [HEADER, row(Description="Café crème", Notes="naïve")]
    first, imported = roundtrip(run, write(rows, encoding="cp1252"))
    assert "not UTF-8" in imported.out
    assert first == canonical(rows)


def test_formatted_amounts_are_normalised_with_a_warning(run, write):
    rows = [HEADER, row(Amount="1,234.50"), row(Amount="$12.00", Reference="R2"),
            row(Amount="(5.00)", Reference="R3")]  # fmt: skip
    first, imported = roundtrip(run, write(rows))
    assert imported.code == 0 and "3 warnings" in imported.out
    amounts = [line.split(b",")[5] for line in first.split(b"\r\n")[1:-1]]
    assert amounts == [b"1234.50", b"12.00", b"-5.00"]


def test_an_export_style_file_imports_whole_but_does_not_export(run, write, tmp_path: Path):
    header = [*HEADER, "Adjustment Number", "Status", "Region"]
    source = write([header, [*row(), "A0001", "Posted", "North"]])
    imported = run("import", source, "-o", tmp_path / "x.xlsx")
    assert imported.code == 1  # written whole, with the error that stops its export
    assert "came from an Infusion export" in imported.out
    assert "'Region' is not in the column set" in imported.out
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx")["Batch"]
    assert [c.value for c in sheet[1]][:13] == header
    assert [c.value for c in sheet[2]][10:13] == ["A0001", "Posted", "North"]
    refused = run("export", tmp_path / "x.xlsx", "-o", tmp_path / "x.csv")
    assert refused.code == 1
    assert (
        "export: Adjustment Number (K) and Status (L) are columns only the export carries"
        in refused.err
    )
    assert not (tmp_path / "x.csv").exists()


def test_new_batch_from_an_export_drops_export_only_columns(run, write, tmp_path: Path):
    header = ["Adjustment Number", *HEADER, "Posted By", "Region"]
    source = write([header, ["A1", *row(), "pat", "North"]])
    assert run("import", source, "-o", tmp_path / "x.xlsx").code == 1
    done = run("new-batch", tmp_path / "x.xlsx", "-o", tmp_path / "new.xlsx")
    assert done.code == 0, done.err
    assert "Adjustment Number, Posted By" in done.out
    book = openpyxl.load_workbook(tmp_path / "new.xlsx")
    sheet = book["Batch"]
    assert [c.value for c in sheet[1]] == [
        *HEADER,
        "Region",
        "Errors in",
        "Warnings in",
        "Problems",
    ]
    assert sheet.max_row == 1
    # A person types a new adjustment; it exports without the column the set does not know.
    for c, value in enumerate([*row(), "South"], start=1):
        sheet.cell(row=2, column=c, value=value)
    book.save(tmp_path / "new.xlsx")
    exported = run("export", tmp_path / "new.xlsx", "-o", tmp_path / "new.csv")
    assert exported.code == 0, exported.err
    assert (tmp_path / "new.csv").read_bytes() == canonical([HEADER, row()])


def test_new_batch_never_replaces_a_file_without_force(run, write, tmp_path: Path):
    assert run("import", write([HEADER, row()]), "-o", tmp_path / "x.xlsx").code == 0
    target = tmp_path / "new.xlsx"
    target.write_bytes(b"mine")
    refused = run("new-batch", tmp_path / "x.xlsx", "-o", target)
    assert refused.code == 2 and "--force" in refused.err
    assert target.read_bytes() == b"mine"
    assert run("new-batch", tmp_path / "x.xlsx", "-o", target, "--force").code == 0
    assert openpyxl.load_workbook(target)["Batch"]["A1"].value == "Account Number"


def test_a_workbook_filled_in_excel_exports_canonical(run, tmp_path: Path):
    import datetime as dt

    assert run("templates", "--out", tmp_path).code == 0
    book = openpyxl.load_workbook(tmp_path / f"{FORMAT}.xltx")
    book.template = False
    sheet = book["Batch"]
    headers = [c.value for c in sheet[1]]
    typed = {"Account Number": "0042", "Date": dt.datetime(2025, 2, 5), "GL ID": "6120",
             "Amount": -287.5, "Description": "Fee", "Amount Is": "Inclusive"}  # fmt: skip
    for name, value in typed.items():
        sheet.cell(row=2, column=headers.index(name) + 1, value=value)
    book.save(tmp_path / "typed.xlsx")
    done = run("export", tmp_path / "typed.xlsx", "-o", tmp_path / "typed.csv")
    assert done.code == 0, done.err
    assert (tmp_path / "typed.csv").read_bytes() == canonical(
        [
            ["Account Number", "Date", "Description", "GL ID", "Amount", "Amount Is"],
            ["0042", "05/02/2025", "Fee", "6120", "-287.50", "Inclusive"],
        ]
    )
