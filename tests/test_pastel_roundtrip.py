"""What goes in comes out: samples, accepted variants and random batches, byte for byte."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.engine.csv_batch import batch_csv_bytes, read_csv_batch
from addin.engine.csv_write import csv_text
from addin.specs import get_spec
from addin.transfer import export_book, import_csv
from tests.conftest import EXAMPLES, REPO, run_process
from tests.strategies import batch_rows

SAMPLES = {
    "pastel_customer_invoices_sample.csv": "pastel-customer",
    "pastel_supplier_invoices_sample.csv": "pastel-supplier",
}
SHARED_SAMPLES = REPO.parent / "shared" / "samples"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_survives_import_then_export_byte_for_byte(run, examples: Path, name: str):
    source = examples / name
    book = examples / "book.xlsx"
    out = examples / "out.csv"
    imported = run("import", source, "--format", SAMPLES[name], "-o", book)
    assert imported.code == 0, imported.err
    assert book.is_file()
    exported = run("export", book, "-o", out)
    assert exported.code == 0, exported.err
    assert out.read_bytes() == source.read_bytes()


def test_bundled_examples_are_the_shared_samples():
    if not SHARED_SAMPLES.is_dir():
        pytest.skip("the shared samples are not beside this checkout")
    for name in SAMPLES:
        assert (EXAMPLES / name).read_bytes() == (SHARED_SAMPLES / name).read_bytes()


def test_the_installed_command_round_trips_a_sample(tmp_path: Path):
    source = EXAMPLES / "pastel_customer_invoices_sample.csv"
    book, out = tmp_path / "b.xlsx", tmp_path / "b.csv"
    assert run_process("import", source, "--format", "pastel-customer", "-o", book).code == 0
    done = run_process("export", book, "-o", out)
    assert done.code == 0, done.err
    assert out.read_bytes() == source.read_bytes()


def _through_workbook(spec_name: str, data: bytes, folder: Path, tag: str) -> bytes:
    source = folder / f"{tag}.csv"
    source.write_bytes(data)
    book = folder / f"{tag}.xlsx"
    import_csv(get_spec(spec_name), source, book, replace=True)
    target = folder / f"{tag}.out.csv"
    export_book(book, target, replace=True)
    return target.read_bytes()


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data(), spec_name=st.sampled_from(["pastel-customer", "pastel-supplier"]))
def test_random_valid_batches_survive_write_read_write(data, spec_name):
    spec = get_spec(spec_name)
    rows = data.draw(batch_rows(spec))
    written = csv_text(rows).encode("cp1252")
    batch = read_csv_batch(spec, written, "random.csv")
    assert batch.report.errors == 0, [f.message for f in batch.report.findings]
    assert batch_csv_bytes(batch) == written


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_valid_batches_survive_a_trip_through_a_workbook(data, tmp_path: Path):
    spec = get_spec("pastel-customer")
    rows = data.draw(batch_rows(spec))
    written = csv_text(rows).encode("cp1252")
    assert _through_workbook("pastel-customer", written, tmp_path, "trip") == written


_HEADER_FIELDS = list(enumerate(get_spec("pastel-supplier").record("Header").fields))
DATE_COLUMNS = {i for i, f in _HEADER_FIELDS if f.kind == "date"}
FLAG_COLUMNS = {i for i, f in _HEADER_FIELDS if f.kind == "flag"}


def _messy(rows: list[list[str]], rng: random.Random) -> bytes:
    """The same batch written the ways other programs write it; all accepted by the reader."""
    out_lines = []
    for row in rows:
        fields = list(row)
        for i, value in enumerate(fields):
            if row[0] == "Header" and i in FLAG_COLUMNS and value == "" and rng.random() < 0.3:
                fields[i] = rng.choice([" ", "N", ""])
            elif row[0] == "Header" and i in DATE_COLUMNS and value and rng.random() < 0.5:
                day, month, year = value.split("/")
                fields[i] = rng.choice([f"{int(day)}/{int(month)}/{year}", f"{day}-{month}-{year}"])
        while fields and fields[-1] == "" and rng.random() < 0.5:
            fields.pop()
        if rng.random() < 0.3:
            fields.extend([""] * rng.randint(1, 3))
        quoted = [
            f'"{v}"' if v and '"' not in v and rng.random() < 0.2 else _plain(v) for v in fields
        ]
        out_lines.append(",".join(quoted))
        if rng.random() < 0.1:
            out_lines.append("")
    ending = rng.choice(["\r\n", "\n"])
    text = ending.join(out_lines) + (ending if rng.random() < 0.5 else "")
    if rng.random() < 0.5:
        return text.encode("cp1252")
    data = text.encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if rng.random() < 0.5 else data


def _plain(value: str) -> str:
    if any(c in value for c in ',"') or value[:1] == " " or value[-1:] == " ":
        return '"' + value.replace('"', '""') + '"'
    return value


@settings(max_examples=100, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_accepted_variants_export_to_the_canonical_file_and_stay_there(data, seed):
    spec = get_spec("pastel-supplier")
    rows = data.draw(batch_rows(spec))
    canonical = csv_text(rows).encode("cp1252")
    messy = _messy(rows, random.Random(seed))
    first = read_csv_batch(spec, messy, "messy.csv")
    assert first.report.errors == 0, [f.message for f in first.report.findings]
    once = batch_csv_bytes(first)
    assert once == canonical
    assert batch_csv_bytes(read_csv_batch(spec, once, "once.csv")) == once


def test_a_second_import_export_reproduces_the_first(tmp_path: Path):
    rng = random.Random(7)
    spec = get_spec("pastel-customer")
    rows = [
        ["Header", "", "N", " ", "abc001", "3", "4/5/2025", "PO 1", "n", "", "Hello, world"],
        ["Detail", "85", "10.50", "125", "143.75", "EACH", "01", "3", "500", "1000/000", "x", "6"],
        ["Detail", "", "", "", "", "", "", "", "", "", "A remark", "7"],
    ]
    text = "\n".join(",".join(_plain(v) for v in r) for r in rows) + "\n"
    del rng
    first = _through_workbook("pastel-customer", text.encode("cp1252"), tmp_path, "first")
    second = _through_workbook("pastel-customer", first, tmp_path, "second")
    assert first == second
    assert first.startswith(b'Header,,,,abc001,3,04/05/2025,PO 1,N,,"Hello, world",')
    assert b"Detail,85.00,10.5,125.00,143.75,EACH,01,3,500,1000000,x,6,,\r\n" in first
    assert spec.name == "pastel-customer"
