"""Journal and cashbook files through import and export with the real command, bytes compared."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import Run, run_process

from .conftest import CASHBOOK, FORMATS, JOURNAL, SAMPLES, entry, line


def roundtrip(run, source: Path, fmt: str, *extra: object) -> tuple[bytes, Run]:
    """Import `source`, export the workbook: the exported bytes and the import's outcome."""
    book = source.with_suffix(".xlsx")
    out = source.with_name(source.stem + "-out.csv")
    imported = run("import", source, "--format", fmt, "-o", book, "--force")
    assert imported.code == 0, imported.err
    exported = run("export", book, "-o", out, "--force", *extra)
    assert exported.code == 0, exported.err
    return out.read_bytes(), imported


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_survives_import_then_export_byte_for_byte(run, tmp_path: Path, fmt: str):
    source = tmp_path / "sample.csv"
    source.write_bytes(SAMPLES[fmt].read_bytes())
    data, imported = roundtrip(run, source, fmt)
    assert "0 errors, 0 warnings" in imported.out
    assert data == SAMPLES[fmt].read_bytes()
    # The workbook holds the sample's values, typed: numbers as numbers, codes as text.
    ws = load_workbook(tmp_path / "sample.xlsx")["Batch"]
    assert [c.value for c in ws[1]][:4] == ["Period", "Date", "GDC", "Account Number"]
    assert ws["A2"].value == 3 and ws["C2"].value == "G" and isinstance(ws["D2"].value, str)


@pytest.mark.parametrize(("fmt", "entries"), [(JOURNAL, 5), (CASHBOOK, 6)])
def test_check_of_each_sample_finds_nothing(run, fmt: str, entries: int):
    done = run("check", SAMPLES[fmt], "--format", fmt)
    assert done.code == 0, done.err
    assert "no problems" in done.out.splitlines()[0]
    noun = "Journal entries" if fmt == JOURNAL else "Cashbook entries"
    assert f"{noun} ({entries}):" in done.out


def test_the_installed_command_round_trips_the_journal_sample(tmp_path: Path):
    book, out = tmp_path / "j.xlsx", tmp_path / "j.csv"
    assert run_process("import", SAMPLES[JOURNAL], "--format", JOURNAL, "-o", book).code == 0
    done = run_process("export", book, "-o", out)
    assert done.code == 0, done.err
    assert "wrote 5 journal entries, 10 records" in done.out
    assert out.read_bytes() == SAMPLES[JOURNAL].read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_quote_all_puts_every_field_of_every_line_in_quotes(run, tmp_path: Path, fmt: str):
    source = tmp_path / "s.csv"
    source.write_bytes(SAMPLES[fmt].read_bytes())
    data, _ = roundtrip(run, source, fmt, "--quote", "all")
    expected = b"".join(
        b",".join(b'"' + v + b'"' for v in raw.split(b",")) + b"\r\n"
        for raw in SAMPLES[fmt].read_bytes().split(b"\r\n")
        if raw
    )
    assert data == expected
    assert data.startswith(b'"3","') and b'"G","' in data and b'""' in data


# Lines as real files hold them: fewer than 18 fields, ' ' and spaces in unused fields,
# quoted numbers, 7000/000 accounts, a date without leading zeros, a number with fewer
# decimals. Written out canonically: 18 fields, 2-decimal amounts, 7-digit accounts, CRLF.
READINGS = (
    '"3","31/5/2025",G,3200/000,JNL7,Audit fee,"100",0,,\' \',,,\'     \',,,0\n'
    "3,31/05/2025,G,9500000,JNL7,Caf\u00e9 \u20ac,-100.0, ,0, ,   \n"
    '3,1/5/2025,D,ABC001,JNL8,Write-off,"-0.5",0,0,A,,4800/000\n'
)
CANONICAL = (
    b"3,31/05/2025,G,3200000,JNL7,Audit fee,100.00,0,,,,,,,,0,,\r\n"
    b"3,31/05/2025,G,9500000,JNL7,Caf\xe9 \x80,-100.00,,0.00,,,,,,,,,\r\n"
    b"3,01/05/2025,D,ABC001,JNL8,Write-off,-0.50,0,0.00,A,,4800000,,,,,,\r\n"
)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_what_real_files_hold_is_read_and_written_canonical(
    run, tmp_path: Path, fmt: str, encoding: str
):
    source = tmp_path / "real.csv"
    source.write_bytes(READINGS.encode(encoding))
    data, imported = roundtrip(run, source, fmt)
    assert "0 errors, 0 warnings" in imported.out, imported.out
    assert data == CANONICAL
    # The canonical file is read back as it is.
    again = tmp_path / "again.csv"
    again.write_bytes(data)
    assert roundtrip(run, again, fmt)[0] == CANONICAL


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_canonical_file_written_by_hand_comes_back_identical(
    run, write, tmp_path: Path, fmt: str
):
    rows = [*entry("JNL1"), *entry("JNL2", "25.10", description='Fee "May"; 5%')]
    rows.append(line(reference="JNL3", gdc="C", account="SUP010", amount="2300.00",
                     tax_type="1", tax_amount="300.00", open_item="A", contra="5100000",
                     exchange_rate="18.245", bank_exchange_rate="1.5", batch_id="2",
                     discount_tax_type="1", discount_amount="1.00",
                     home_amount="41963.50"))  # fmt: skip
    source = write(rows)
    book, out = tmp_path / "b.xlsx", tmp_path / "out.csv"
    assert run("import", source, "--format", fmt, "-o", book).code == 0
    assert run("export", book, "-o", out).code == 0
    assert out.read_bytes() == source.read_bytes()
