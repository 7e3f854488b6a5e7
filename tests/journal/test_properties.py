"""Properties: any batch of valid journal or cashbook lines survives write → read → write byte
for byte, and its totals' difference is the sum of the amounts of lines without a contra."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addin.engine.batch import spaces_only
from addin.engine.csv_batch import batch_csv_bytes, read_csv_batch
from addin.engine.csv_write import csv_text
from addin.engine.totals import batch_totals, document_totals, money, named_totals, part_names
from addin.specs import get_spec
from addin.specs.pastel import TAX_TYPES
from addin.transfer import export_book, import_csv
from tests.strategies import TEXT_ALPHABET, date_value, field_value

from .conftest import CASHBOOK, FORMATS, JOURNAL, KEYS, LINE

FIELDS = {f.key: f for f in LINE.fields}
CODE = st.text(st.sampled_from("ABCXYZ0123456789"), min_size=1, max_size=6)
GL = st.from_regex(r"[0-9]{7}", fullmatch=True)


def text(longest: int) -> st.SearchStrategy[str]:
    # A field of spaces only is blank in these formats (generators write unused fields so).
    return st.text(TEXT_ALPHABET, max_size=longest).filter(lambda t: t == "" or not spaces_only(t))


def cents(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.integers(lo, hi).filter(bool).map(lambda n: f"{Decimal(n).scaleb(-2):.2f}")


AMOUNT = st.one_of(cents(-(10**14) + 1, 10**14 - 1), cents(-100_000, 100_000))


@st.composite
def valid_line(draw, references: list[str]) -> list[str]:
    gdc = draw(st.sampled_from(["G", "D", "C"]))
    taxed = draw(st.booleans())
    values = {
        "period": str(draw(st.integers(1, 13))),
        "date": draw(st.sampled_from(["31/05/2025", "01/06/2025", draw(date_value(True))])),
        "gdc": gdc,
        "account": draw(GL if gdc == "G" else CODE),
        "reference": draw(st.sampled_from(references)),
        "description": draw(text(36)),
        "amount": draw(AMOUNT),
        "tax_type": draw(st.sampled_from([t for t in TAX_TYPES if int(t)])) if taxed else "0",
        "tax_amount": draw(cents(-(10**6), 10**6))
        if taxed
        else draw(st.sampled_from(["", "0.00"])),
        "open_item": draw(st.sampled_from(["", "O", "A"])) if gdc != "G" else "",
        "project": draw(st.text(st.sampled_from("ABC123"), max_size=5)),
        "contra": draw(st.one_of(st.just(""), GL)),
    }
    for key in KEYS[12:]:
        values[key] = draw(field_value(FIELDS[key], False))
    return [values[k] for k in KEYS]


@st.composite
def batch_lines(draw) -> list[list[str]]:
    references = draw(st.lists(text(8).filter(bool), min_size=1, max_size=4))
    return draw(st.lists(valid_line(references), min_size=1, max_size=12))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rows=batch_lines(), fmt=st.sampled_from(FORMATS))
def test_valid_lines_survive_write_read_write_and_add_up(rows, fmt):
    spec = get_spec(fmt)
    written = csv_text(rows).encode("cp1252")
    batch = read_csv_batch(spec, written, "random.csv")
    assert batch.report.errors == 0, [f.message for f in batch.report.findings][:3]
    assert batch_csv_bytes(batch) == written
    totals = named_totals(batch_totals(document_totals(batch)), part_names(spec.totals))
    amount, contra = KEYS.index("amount"), KEYS.index("contra")
    lines = sum((Decimal(r[amount]) for r in rows if not r[contra]), Decimal(0))
    if fmt == JOURNAL:
        assert totals["difference"] == money(lines)
    else:
        assert totals["bank movement"] == money(-lines)
    assert totals["documents"] == len({(r[1], r[4]) for r in rows})


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=batch_lines(), fmt=st.sampled_from([JOURNAL, CASHBOOK]))
def test_valid_lines_survive_a_trip_through_a_workbook(rows, fmt, tmp_path: Path):
    written = csv_text(rows).encode("cp1252")
    source, book, target = tmp_path / "in.csv", tmp_path / "in.xlsx", tmp_path / "out.csv"
    source.write_bytes(written)
    import_csv(get_spec(fmt), source, book, replace=True)
    export_book(book, target, replace=True)
    assert target.read_bytes() == written
