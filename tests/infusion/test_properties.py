"""Properties: the fast screen never passes a value diagnosis would flag, and any valid
Infusion batch survives write → read → write byte for byte."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.engine.csv_batch import batch_csv_bytes, read_csv_batch
from addin.engine.fields import check_column, field_check
from addin.specs import SPECS

from .conftest import FORMAT, HEADER, csv_bytes

SPEC = SPECS[FORMAT]
COLUMNS = SPEC.records[0]
TEXT_KEYS = [f.key for f in COLUMNS.fields if f.kind == "text" and not f.export_only]

# Letters of every script, macrons, pasted look-alikes, spaces of every kind, controls.
awkward = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from('āēīōūĀ\u00a0\u2003\u200b\u201c\u2019 \t\r\n\x85\x7f,";'),
    ),
    max_size=12,
)


@given(key=st.sampled_from(TEXT_KEYS), values=st.lists(awkward, min_size=1, max_size=8))
@settings(max_examples=400, deadline=None)
def test_the_text_screen_passes_only_values_diagnosis_finds_clean(key, values):
    check = field_check(SPEC, None, COLUMNS.field(key))
    canonical, problems = check_column(check, values)
    for i, value in enumerate(values):
        expected_text, expected = check.diagnose(value)
        assert canonical[i] == expected_text
        assert [p for j, p in problems if j == i] == expected


safe_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs", "Cf")),
    min_size=1,
    max_size=20,
)
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2).filter(lambda d: d != 0)
adjustment = st.tuples(
    st.from_regex(r"C[0-9]{1,6}", fullmatch=True),
    st.dates().filter(lambda d: d.year >= 1000).map(lambda d: d.strftime("%d/%m/%Y")),
    safe_text,
    safe_text,
    st.from_regex(r"[0-9]{3,6}", fullmatch=True),
    amounts.map(lambda d: f"{d:.2f}"),
    st.sampled_from(["GST 15%", "Exempt", "Zero Rated"]),
    st.sampled_from(["Inclusive", "Exclusive"]),
    safe_text,
    safe_text,
)


@given(
    rows=st.lists(adjustment, min_size=1, max_size=15, unique_by=lambda r: (r[0], r[1], r[2], r[5]))
)
@settings(max_examples=150, deadline=None)
def test_valid_batches_survive_write_read_write(rows):
    data = csv_bytes([HEADER, *rows])
    batch = read_csv_batch(SPEC, data, "random.csv")
    assert batch.report.errors == 0, batch.report.findings[:3]
    written = batch_csv_bytes(batch)
    again = read_csv_batch(SPEC, written, "again.csv")
    assert [r.values for r in again.records] == [r.values for r in batch.records]
    assert batch_csv_bytes(again) == written
