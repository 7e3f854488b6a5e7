"""Workbooks filled the way people fill them in Excel, and text that looks like a formula."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from addin.engine.cells import number_text
from addin.engine.fields import canonical_number
from addin.excel.template import save_template
from addin.specs import get_spec
from tests.pastel_rows import csv_bytes, detail, header


def typed_book(tmp_path: Path, rows: list[list[object]]) -> Path:
    """A workbook from the template with rows typed from row 3, as Excel stores them."""
    template = save_template(get_spec("pastel-customer"), tmp_path / "t.xltx")
    wb = load_workbook(template)
    wb.template = False
    ws = wb["Batch"]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    book = tmp_path / "typed.xlsx"
    wb.save(book)
    return book


def findings(run, book: Path) -> set[tuple[int, str, str]]:
    report = json.loads(run("validate", book, "--json").out)
    return {(f["row"], f["column"], f["code"]) for f in report["findings"]}


def test_numbers_as_numbers_and_dates_as_dates_validate_cleanly(run, tmp_path: Path):
    book = typed_book(
        tmp_path,
        [
            [
                "Header",
                None,
                None,
                None,
                "ABC001",
                3,
                dt.datetime(2025, 5, 14),
                "PO-1",
                "N",
                0,
                *[None] * 10,
                dt.datetime(2025, 6, 30),
                None,
                None,
                None,
                1,
            ],
            [
                "Detail",
                85,
                10,
                125,
                143.75,
                "EACH",
                "01",
                0,
                0,
                "WIDG-100",
                "Widget",
                4,
                None,
                "001",
            ],
            ["Detail", 0, 1, 2.8175, 3.24, None, "1", 3, 1250, "1000000", "Fee", 6],
        ],
    )
    assert findings(run, book) == set()
    out = tmp_path / "typed.csv"
    assert run("export", book, "-o", out).code == 0
    assert out.read_bytes() == (
        b"Header,,,,ABC001,3,14/05/2025,PO-1,N,0,,,,,,,,,,,30/06/2025,,,,1,,,,\r\n"
        b"Detail,85.00,10,125.00,143.75,EACH,01,0,0,WIDG-100,Widget,4,,001\r\n"
        b"Detail,0.00,1,2.8175,3.24,,1,3,1250,1000000,Fee,6,,\r\n"
    )


def test_what_excel_did_to_the_data_is_found_on_the_right_cells(run, tmp_path: Path):
    book = typed_book(
        tmp_path,
        [
            # A customer code typed into a General cell (001 became 1), a code Excel made a
            # date (1-2), a long order number shown as 1.23E+12, a number where a date belongs.
            [
                "Header",
                None,
                None,
                None,
                1,
                3,
                dt.datetime(2025, 5, 14),
                1234567890123456789.0,
                "N",
                0,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                dt.datetime(2025, 2, 1),
                None,
                45838,
            ],
            # A non-breaking space pasted into the item code, a date in a price.
            [
                "Detail",
                85,
                10,
                dt.datetime(2025, 1, 2),
                143.75,
                "EACH",
                "1",
                0,
                0,
                "WIDG\u00a0100",
                "Widget",
                4,
            ],
        ],
    )
    assert findings(run, book) == {
        (3, "E", "number-in-text"),
        (3, "H", "number-in-text"),
        (3, "S", "date-in-text"),
        (3, "S", "too-long"),  # 01/02/2025 does not fit a 5-character code either
        (3, "H", "long-for-older-versions"),
        (3, "U", "number-in-date"),
        (4, "D", "date-in-number"),
        (4, "J", "pasted-characters"),
    }
    report = json.loads(run("validate", book, "--json").out)
    by_cell = {(f["row"], f["column"], f["code"]): f for f in report["findings"]}
    assert "leading zeros" in by_cell[3, "E", "number-in-text"]["message"]
    assert "15 digits" in by_cell[3, "H", "number-in-text"]["message"]
    assert by_cell[3, "U", "number-in-date"]["fix"] == "30/06/2025"
    assert by_cell[4, "J", "pasted-characters"]["fix"] == "WIDG 100"


FORMULA_LIKE = ["=SUM(A1:A9)", "+27 11 555 0101", "-5% promo", "@home", '=HYPERLINK("x")']


def test_formula_like_text_from_a_csv_stays_text_and_exports_unchanged(run, tmp_path: Path):
    rows = [
        header(
            order_number=FORMULA_LIKE[0],
            message_1=FORMULA_LIKE[1],
            telephone="+27115550101",
            contact="@home",
        ),
        detail(description=FORMULA_LIKE[4], code="-5PROMO", unit="=1"),
        detail(description=FORMULA_LIKE[2], code="=A1"),
    ]
    source = tmp_path / "f.csv"
    source.write_bytes(csv_bytes(rows))
    book = tmp_path / "f.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", book).code in (0, 1)
    with zipfile.ZipFile(book) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet, "a value became a live formula"
    ws = load_workbook(book)["Batch"]
    for cell in ("H3", "K3", "J4", "K4", "F4", "J5"):
        assert ws[cell].data_type == "s", cell
        assert ws[cell].quotePrefix, cell
    assert ws["H3"].value == FORMULA_LIKE[0] and ws["K4"].value == FORMULA_LIKE[4]
    out = tmp_path / "f.out.csv"
    exported = run("export", book, "-o", out)
    assert exported.code == 0, exported.err
    assert out.read_bytes() == csv_bytes(rows)[3:].decode("utf-8").encode("cp1252")


@settings(max_examples=300, deadline=None)
@given(
    cents=st.integers(-(10**13), 10**13),
    places=st.sampled_from([0, 1, 2, 3, 4]),
)
def test_numbers_read_from_excel_as_floats_carry_no_artefacts(cents: int, places: int):
    from decimal import Decimal

    exact = Decimal(cents).scaleb(-places)
    as_excel_stores_it = float(exact)
    assert Decimal(number_text(as_excel_stores_it)) == exact
    assert number_text(0.1 + 0.2) == "0.3"
    assert canonical_number(Decimal(number_text(143.75 * 3)), 2) == "431.25"


def test_cells_of_spaces_alone_keep_their_spaces(tmp_path: Path):
    """openpyxl leaves such text unmarked, and Excel reads unmarked spaces as nothing."""
    from python_calamine import CalamineWorkbook

    from addin.excel.template import BatchWorkbookWriter

    spec = get_spec("pastel-customer")
    writer = BatchWorkbookWriter(spec)
    rows = writer.rows([(spec.record("Detail"), detail(store="  ", unit=" "), None)])
    book = writer.save(tmp_path / "spaces.xlsx", rows)
    with zipfile.ZipFile(book) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert '<t xml:space="preserve">  </t>' in sheet
    row = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Batch").to_python()[2]
    assert (row[5], row[13]) == (" ", "  ")
    assert load_workbook(book)["Batch"]["N3"].value == "  "


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_the_quick_number_text_is_the_15_digit_rounding(value):
    from decimal import Decimal

    assert number_text(value) == canonical_number(Decimal(format(value, ".15g")))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=40))
def test_number_texts_of_a_column_are_each_number_text(values):
    from addin.engine.cells import number_texts

    assert number_texts(values) == [number_text(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(-(10**14), 10**14).map(lambda c: c / 100),
            st.integers(-(10**15), 10**15).map(float),
            st.sampled_from([123456789012345.6, 99999999999999.99, 1e15, 1e14, -0.0, 0.0]),
        ),
        max_size=40,
    )
)
def test_number_texts_of_amounts_as_sheets_hold_them(values):
    # Mostly short reprs, which take the quick way, with the longest that do not.
    from addin.engine.cells import number_texts

    assert number_texts(values) == [number_text(v) for v in values]


def test_number_texts_of_awkward_floats():
    from addin.engine.cells import number_texts

    values = [0.0, -0.0, 125.0, 143.75, 0.1 + 0.2, 1e15, 1e16, 1e-5, 123456789012345.0,
              -5.5, 1200.0, 99.99, 1 / 3, 0.000123]  # fmt: skip
    assert number_texts(values) == [number_text(v) for v in values]
    assert number_texts([0.1, 2.0, -0.0]) == ["0.1", "2", "0"]


def test_number_texts_mixes_plain_and_odd_floats():
    from addin.engine.cells import number_texts

    values = [1.5, 0.1 + 0.2, 2.0, 1e16, -0.0, 3.25, 1e-7, 7.0]
    assert number_texts(values) == [number_text(v) for v in values]


_DIGITS = st.text("0123456789", min_size=1, max_size=18)


@settings(max_examples=4000, deadline=None)
@given(
    st.tuples(
        st.sampled_from(["", "-", "+"]),
        _DIGITS,
        st.one_of(st.just(None), st.text("0123456789", max_size=17)),
    ),
    st.integers(0, 4),
)
def test_the_quick_number_typing_agrees_with_the_exact_one(parts, min_decimals):
    """Canonical number texts skip Decimal on the way to a cell; the cell is the same."""
    from addin.excel.sheet_values import _exact_number, plain_number

    sign, whole, fraction = parts
    text = sign + whole + ("" if fraction is None else "." + fraction)
    quick = plain_number(text, min_decimals)
    if quick is None:
        return
    exact = _exact_number(text, min_decimals)
    assert not isinstance(exact, str), text
    assert quick == exact and number_text(quick) == number_text(exact), text


def test_the_quick_number_typing_takes_the_common_spellings():
    from addin.excel.sheet_values import plain_number

    assert plain_number("143.75", 2) == 143.75
    assert plain_number("12.50", 2) == 12.5
    assert plain_number("0", 0) == 0 and plain_number("-5.00", 2) == -5
    for slow in ("-0", "-0.00", "007", "1.50", "1.5", "+1", "1e3", "1234567890123456"):
        assert plain_number(slow, 1 if slow == "1.50" else 2 if slow == "1.5" else 0) is None
