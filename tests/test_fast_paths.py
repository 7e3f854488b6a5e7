"""The engine's fast paths give exactly what the plain paths give.

Large batches are parsed by splitting lines at commas, screened one distinct value at a time
(or whole), and checked by rules over columns. Each shortcut is held here to the slow,
obvious computation it replaces, on inputs built to reach its edges.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from addin.engine import totals as totals_module
from addin.engine.batch import _texts, finding
from addin.engine.cells import cell_text
from addin.engine.csv_batch import read_csv_batch
from addin.engine.csv_read import parse
from addin.engine.fields import canonical_number, check_column, decimal_or_none, field_check
from addin.engine.findings import Report
from addin.specs import SPECS
from addin.specs.model import FieldSpec, Spec
from tests.pastel_rows import csv_bytes, detail, header

PASTEL = SPECS["pastel-customer"]
INFUSION = SPECS["infusion-customer-adjustments"]


def reference_parse(text: str) -> tuple[list[tuple[int, list[str]]], bool]:
    """What `csv.reader` alone makes of a text: rows with the line each starts on (blank
    ones left out), and whether it refused the text part way."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, previous = [], 0
    try:
        for fields in reader:
            start, previous = previous + 1, reader.line_num
            if len(fields) > 1 or (fields and fields[0].strip()):
                rows.append((start, fields))
    except csv.Error:
        return rows, True
    return rows, False


# Quotes, commas and line breaks of every kind inside and between fields.
cell = st.lists(st.sampled_from([*'ab ,"é', "\r", "\n", "\r\n"]), max_size=6).map("".join)
line = st.lists(cell, min_size=1, max_size=5).map(",".join)


@given(
    lines=st.lists(line, max_size=12),
    end=st.sampled_from(["\r\n", "\n", "\r"]),
    final=st.booleans(),
)
@settings(max_examples=600, deadline=None)
def test_parsing_gives_what_csv_reader_gives(lines, end, final):
    text = end.join(lines) + (end if final else "")
    parsed = parse(text)
    rows, refused = reference_parse(text)
    assert parsed.rows == rows
    assert (parsed.stop is not None) == refused


def test_lines_with_and_without_quotes_split_alike():
    text = 'a,b,c\r\n"a","b,c",d\r\n\r\n  \r\n,,\r\n"x""y",z\r\n'
    assert parse(text).rows == [
        (1, ["a", "b", "c"]),
        (2, ["a", "b,c", "d"]),
        (5, ["", "", ""]),
        (6, ['x"y', "z"]),
    ]


# -- column screens --------------------------------------------------------------------------


def edges(f: FieldSpec) -> list[str]:
    """0 and each bound of a number field, and a step either side of each."""
    bounds = [Decimal(0), *(b for b in (f.minimum, f.maximum) if b is not None)]
    steps = [Decimal(0), Decimal(1), Decimal("0.01"), Decimal("0.000001")]
    return sorted(
        {canonical_number(b + s * sign) for b in bounds for s in steps for sign in (1, -1)}
    )


def _near(f: FieldSpec) -> st.SearchStrategy[str]:
    """Values around what a field accepts: valid ones, near misses and junk."""
    junk = st.text(st.sampled_from(list("0123456789-./, aZé\u00a0\t")), max_size=8)
    if f.kind in ("integer", "number"):
        return st.one_of(
            st.sampled_from(edges(f)),
            st.from_regex(r"[ -]?\d{0,16}(\.\d{0,5})?[ ]?", fullmatch=True),
            junk,
        )
    if f.kind == "date":
        return st.one_of(st.from_regex(r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}", fullmatch=True), junk)
    if f.choices:
        choices = st.sampled_from(f.choices)
        return st.one_of(choices, choices.map(str.lower), choices.map(" {} ".format), junk)
    return st.one_of(st.text(max_size=(f.max_length or 10) + 2), junk)


def _fields(spec: Spec) -> list[tuple[str | None, FieldSpec]]:
    return [(k.keyword, f) for k in spec.records for f in k.fields if f.kind != "keyword"]


FIELDS = [(spec, keyword, f) for spec in (PASTEL, INFUSION) for keyword, f in _fields(spec)]


@st.composite
def column_of(draw, f: FieldSpec) -> list[str]:
    """A column of a few distinct values repeated (codes, dates) or of mostly distinct
    ones (amounts), long enough for the screen to choose between its two ways."""
    distinct = draw(st.lists(_near(f), min_size=1, max_size=8))
    if draw(st.booleans()):
        picks = st.lists(st.sampled_from(distinct), min_size=1, max_size=400)
        return draw(picks)
    return [f"{i}{v}" if draw(st.booleans()) else v for i, v in enumerate(distinct * 40)]


@given(data=st.data(), which=st.sampled_from(range(len(FIELDS))))
@settings(max_examples=500, deadline=None)
def test_a_column_check_gives_what_checking_each_value_gives(data, which):
    spec, keyword, f = FIELDS[which]
    check = field_check(spec, keyword, f)
    _assert_checked_one_by_one(check, data.draw(column_of(f)))


def _assert_checked_one_by_one(check, values: list[str]) -> None:
    canonical, problems = check_column(check, values)
    expected_problems = []
    for i, value in enumerate(values):
        text, found = check.diagnose(value)
        assert canonical[i] == text, (check.label, value)
        expected_problems += [(i, p) for p in found]
    assert problems == expected_problems


NUMBERS = [(s, k, f) for s, k, f in FIELDS if f.kind in ("integer", "number")]


@pytest.mark.parametrize(
    ("spec", "keyword", "f"), NUMBERS, ids=[f"{s.name}:{f.key}" for s, _, f in NUMBERS]
)
def test_every_number_bound_is_checked_like_one_value(spec, keyword, f):
    # Repeated past the screen's sample, and once with every value distinct.
    values = edges(f)
    check = field_check(spec, keyword, f)
    _assert_checked_one_by_one(check, values * 40)
    _assert_checked_one_by_one(check, [*values, *(str(n) for n in range(300))])


# -- rules over columns ----------------------------------------------------------------------


def test_a_rule_whose_condition_no_record_meets_finds_nothing():
    # No general-ledger line: the GL code pattern has an empty column to look at.
    data = csv_bytes([header(), detail(line_type="4")])
    batch = read_csv_batch(PASTEL, data, "no-gl.csv")
    assert batch.report.errors == 0, batch.report.findings


def test_a_code_rewritten_by_one_rule_is_what_later_rules_and_the_file_see():
    gl = {"line_type": "6", "store": ""}
    data = csv_bytes([header(), detail(code="1000/000", **gl), detail(code="1000000", **gl)])
    batch = read_csv_batch(PASTEL, data, "gl.csv")
    codes = [r.get("code") for r in batch.records if r.kind.keyword == "Detail"]
    assert codes == ["1000000", "1000000"]
    assert [f.code for f in batch.report.rewrites] == ["gl-code-digits"]


# -- typed cells (a sheet's) to text ----------------------------------------------------------

SHEET_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", "001", "ABC", " 1 ", "=A1"]),
    st.integers(-3, 70000),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([1.0, 0.1, -0.0, 1e16, 45000.0]),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.times(),
)


@given(
    which=st.sampled_from(range(len(FIELDS))),
    distinct=st.lists(SHEET_VALUES, min_size=1, max_size=6),
    data=st.data(),
)
@settings(max_examples=400, deadline=None)
def test_typed_cells_become_the_text_each_cell_would(which, distinct, data):
    _, _, f = FIELDS[which]
    raw = data.draw(st.lists(st.sampled_from(distinct), min_size=1, max_size=60))
    numbers = list(range(3, 3 + len(raw)))
    report = Report("x")
    texts, overridden = _texts(f, raw, True, numbers, report)
    expected, findings, errors = [], [], set()
    for i, value in enumerate(raw):
        text, problem = cell_text(f, value)
        expected.append(text)
        if problem is not None:
            findings.append(finding(numbers[i], f, problem, value))
            if problem.severity == "error":
                errors.add(i)
    assert texts == expected
    assert all(type(t) is str for t in texts)
    assert report.findings == findings
    assert overridden == errors


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15))
@example(Decimal("-0.004"))
@example(Decimal("-0"))
@example(Decimal("1E+3"))
@example(Decimal("2.005"))
@settings(max_examples=500, deadline=None)
def test_money_is_the_canonical_number_to_the_cent(d):
    from decimal import ROUND_HALF_UP

    from addin.engine.totals import CENT, money

    assert money(d) == canonical_number(d.quantize(CENT, ROUND_HALF_UP), 2)


_AMOUNT_TEXTS = st.one_of(
    st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False).map(str),
    st.sampled_from(["", " 12", "1e5", "NaN", "Infinity", "1_000", "12,50", "-0", "007.10"]),
)


@given(st.lists(_AMOUNT_TEXTS, max_size=60))
@example(["1.5", "NaN", "", "2"])
def test_a_column_of_amounts_is_read_as_each_amount_is(texts):
    # The same number spelled the same way (1.50 is not 1.5 to a fingerprint), or None.
    assert list(map(repr, totals_module._read(texts))) == [repr(decimal_or_none(t)) for t in texts]


@given(
    st.lists(st.decimals(min_value=-(10**9), max_value=10**9, places=2), max_size=40),
    st.data(),
)
def test_each_document_sums_its_own_run_of_lines(amounts, data):
    ends = sorted(data.draw(st.lists(st.integers(0, len(amounts)), max_size=12)))
    ends = [0, *ends, len(amounts)]
    sums = totals_module._run_sums(amounts, ends)
    assert sums == [sum(amounts[a:b], Decimal(0)) for a, b in pairwise(ends)]


def test_batch_totals_from_the_columns_are_the_documents_added_up():
    rows = []
    for n in range(30):
        rows.append(header(order_number=f"SO{n}"))
        rows += [detail(quantity=str(q), unit_price=f"{n}.{q}5") for q in range(1, n % 4 + 2)]
    rows.append(header(order_number="SO-bad"))
    rows.append(detail(quantity="x", unit_price="12,50"))
    batch = read_csv_batch(PASTEL, csv_bytes(rows), "totals.csv")
    documents = totals_module.document_totals(batch)
    assert isinstance(documents, totals_module.Documents)
    from_columns = totals_module.batch_totals(documents)
    # The same sums, added up document by document as a plain list of them would be.
    one_by_one = totals_module.batch_totals(list(documents))
    assert from_columns == one_by_one
    assert from_columns["documents"] == len(documents) == 31
    assert [d.key[-1] for d in documents][-1] == "SO-bad"
