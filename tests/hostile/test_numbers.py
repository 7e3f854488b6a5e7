"""Numbers as Excel holds them (binary floats) come out as the exact decimals typed.

Every number field of every format: a value at the spec's precision is stored in its cell
as a float, as Excel stores what a person types, then validated and exported; the CSV text
must be the decimal typed, never `0.30000000000000004` or `143.74999999`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from addin.engine.csv_write import csv_text
from addin.specs import get_spec
from addin.transfer import export_book, import_csv
from tests.hostile.conftest import INFUSION, PASTEL
from tests.infusion.conftest import HEADER as INFUSION_HEADER
from tests.infusion.conftest import row as infusion_row
from tests.pastel_rows import detail, header
from tests.strategies import number_value

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def numeric(fields) -> list:
    return [f for f in fields if f.kind in ("integer", "number")]


def as_excel_floats(book: Path, first_row: int, rows: int) -> int:
    """Store every number cell of the data rows as a float, as Excel keeps typed numbers."""
    wb = load_workbook(book)
    ws = wb["Batch"]
    floats = 0
    for row in ws.iter_rows(min_row=first_row, max_row=first_row + rows - 1):
        for cell in row:
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.value = float(cell.value)
                floats += 1
    wb.save(book)
    return floats


def round_trip(tmp_path: Path, fmt: str, data: bytes, first_row: int, rows: int) -> bytes:
    source = tmp_path / "typed.csv"
    source.write_bytes(data)
    book = tmp_path / "typed.xlsx"
    import_csv(get_spec(fmt), source, book, replace=True)
    assert as_excel_floats(book, first_row, rows) > 0
    out = tmp_path / "out.csv"
    export_book(book, out, replace=True)
    return out.read_bytes()


def _values(draw, fields) -> dict[str, str]:
    return {f.key: draw(number_value(f, required=True)) for f in fields}


PASTEL_SPEC = get_spec(PASTEL)
HEADER_NUMBERS = numeric(PASTEL_SPEC.record("Header").fields)
DETAIL_NUMBERS = numeric(PASTEL_SPEC.record("Detail").fields)


@st.composite
def pastel_batch(draw) -> list[list[str]]:
    rows = [header(**_values(draw, HEADER_NUMBERS))]
    for _ in range(draw(st.integers(1, 6))):
        rows.append(detail(**_values(draw, DETAIL_NUMBERS)))
    return rows


@PROPERTY
@given(rows=pastel_batch())
def test_every_pastel_number_field_exports_the_decimal_typed(tmp_path_factory, rows):
    assert {f.key for f in HEADER_NUMBERS} >= {"period", "discount", "exchange_rate"}
    assert {f.key for f in DETAIL_NUMBERS} >= {"cost_price", "quantity", "unit_price"}
    original = csv_text(rows).encode("cp1252")
    out = round_trip(tmp_path_factory.mktemp("p"), PASTEL, original, 3, len(rows))
    assert out == original


INFUSION_NUMBERS = numeric(get_spec(INFUSION).records[0].fields)


@PROPERTY
@given(
    amounts=st.lists(
        number_value(INFUSION_NUMBERS[0], required=True).filter(lambda t: Decimal(t) != 0),
        min_size=1,
        max_size=12,
    )
)
def test_infusion_amounts_export_the_decimal_typed(tmp_path_factory, amounts):
    assert [f.key for f in INFUSION_NUMBERS] == ["amount"]
    rows = [INFUSION_HEADER, *(infusion_row(Amount=a) for a in amounts)]
    original = csv_text(rows, quote_also=get_spec(INFUSION).quote_also).encode()
    out = round_trip(tmp_path_factory.mktemp("i"), INFUSION, original, 2, len(amounts))
    assert out == original


def test_float_artefacts_typed_as_sums_come_out_exact(tmp_path):
    # Values Excel computes rather than stores exactly: 0.1 + 0.2, 143.75 * 3, 1.1 * 3.
    rows = [INFUSION_HEADER, infusion_row(Amount="0.30"), infusion_row(Amount="431.25"),
            infusion_row(Amount="3.30")]  # fmt: skip
    original = csv_text(rows, quote_also=get_spec(INFUSION).quote_also).encode()
    source = tmp_path / "a.csv"
    source.write_bytes(original)
    book = tmp_path / "a.xlsx"
    import_csv(get_spec(INFUSION), source, book)
    wb = load_workbook(book)
    ws = wb["Batch"]
    amount = next(c.column_letter for c in ws[1] if c.value == "Amount")
    ws[f"{amount}2"], ws[f"{amount}3"], ws[f"{amount}4"] = 0.1 + 0.2, 143.75 * 3, 1.1 * 3
    assert ws[f"{amount}2"].value != 0.3  # the artefact is really there
    wb.save(book)
    out = tmp_path / "a.out.csv"
    export_book(book, out)
    assert out.read_bytes() == original
