"""Arbitrary bytes into every reader: records and findings, or the reader's own clear error.

Bounded for CI: a few hundred examples per reader, no deadline (a slow example is not a
failure here; an unexpected exception is).
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.engine.calibrate import calibrate
from addin.engine.csv_batch import parse_csv, read_csv_batch
from addin.engine.csv_read import ReadError
from addin.engine.table import header_text
from addin.excel.workbook import read_book, validate_book
from addin.specs import get_spec
from addin.specs.columns import ColumnSet, ColumnSetError, load_column_set, parse_column_set
from tests.hostile.conftest import INFUSION, PASTEL, infusion_text, pastel_text

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Bytes near the inputs the readers see: real batches cut, spliced and sprinkled with the
# characters that break parsers, as well as anything at all.
SEEDS = [
    pastel_text().encode("cp1252"),
    b"\xef\xbb\xbf" + infusion_text().encode("utf-8"),
    infusion_text().replace(",", ";").encode("utf-8"),
]
NASTY = [b'"', b",", b";", b"\r", b"\n", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\x81", b"\xc3"]


@st.composite
def csv_like(draw) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            data[at:at] = draw(st.sampled_from(NASTY))
        else:
            del data[at : at + draw(st.integers(1, 20))]
    return bytes(data)


@pytest.mark.parametrize("fmt", [PASTEL, "pastel-supplier", INFUSION])
def test_csv_readers_give_findings_or_a_read_error(fmt):
    spec = get_spec(fmt)

    @FUZZ
    @given(data=csv_like())
    def check(data: bytes) -> None:
        try:
            batch = read_csv_batch(spec, data, "fuzz.csv")
        except ReadError as e:
            assert e.path == "fuzz.csv" and e.message
            assert e.line is None or e.line >= 1
            return
        for f in batch.report.findings:
            assert f.severity in ("error", "warning") and f.message and f.row >= 1

    check()


@FUZZ
@given(data=csv_like())
def test_the_calibrate_header_reader_gives_a_column_set_or_a_read_error(data: bytes):
    spec = get_spec(INFUSION)
    try:
        parsed = parse_csv(data, "export.csv", spec.encoding)
    except ReadError:
        return
    if not parsed.rows:
        return
    names = [header_text(v) for v in parsed.rows[0][1]]
    result = calibrate(spec, names, "export.csv")
    # What calibrate writes must load again as a column set.
    again = parse_column_set(result.columns.dumps(), "calibrated")
    assert [f.label for f in again.fields] == [f.label for f in result.columns.fields]


COLUMN_SET = ColumnSet.of(get_spec(INFUSION)).dumps().encode()


@st.composite
def column_set_like(draw) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=500))
    data = bytearray(COLUMN_SET)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        data[at : at + draw(st.integers(0, 8))] = draw(
            st.sampled_from([b"", b'"', b"{", b"]", b"null", b"1e999", b"-", b"\xff", b"true"])
        )
    return bytes(data)


@FUZZ
@given(data=column_set_like())
def test_the_column_set_loader_gives_a_set_or_a_column_set_error(tmp_path_factory, data: bytes):
    path = tmp_path_factory.mktemp("cols") / "columns.json"
    path.write_bytes(data)
    try:
        columns = load_column_set(path)
    except ColumnSetError as e:
        assert str(path) in str(e)
        return
    assert all(f.label for f in columns.fields)


@FUZZ
@given(data=st.binary(max_size=3000))
def test_the_workbook_reader_on_arbitrary_bytes(tmp_path_factory, data: bytes):
    path = tmp_path_factory.mktemp("wb") / "fuzz.xlsx"
    path.write_bytes(data)
    with pytest.raises(ReadError) as caught:
        read_book(path)
    assert caught.value.path == str(path)


def _mutate(book: bytes, rng: random.Random) -> bytes:
    """A workbook with one part damaged: bytes flipped, cut or spliced inside its XML."""
    src = zipfile.ZipFile(io.BytesIO(book))
    victim = rng.choice(src.namelist())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = bytearray(src.read(name))
            if name == victim and data:
                for _ in range(rng.randint(1, 4)):
                    at = rng.randrange(len(data))
                    how = rng.randrange(3)
                    if how == 0:
                        data[at] = rng.randrange(256)
                    elif how == 1:
                        del data[at : at + rng.randint(1, 40)]
                    else:
                        data[at:at] = rng.choice([b"<", b"&", b"&amp;", b"]]>", b'"', b"\x00"])
            z.writestr(name, bytes(data))
    return out.getvalue()


# openpyxl (the fallback reader) warns in its own words about the damage it reads past;
# the command says what the user needs to know of it itself (`cli.main` silences these).
@pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")
@pytest.mark.parametrize("fmt", [PASTEL, INFUSION])
def test_the_workbook_reader_on_mutated_real_workbooks(books, tmp_path_factory, fmt):
    original = Path(books[fmt]).read_bytes()
    folder = tmp_path_factory.mktemp("mutated")

    @FUZZ
    @given(seed=st.integers(0, 2**32 - 1))
    def check(seed: int) -> None:
        path = folder / "m.xlsx"
        path.write_bytes(_mutate(original, random.Random(seed)))
        try:
            batch = validate_book(path)
        except ReadError as e:
            assert e.path == str(path) and e.message
            return
        assert batch.spec.name == fmt

    check()
