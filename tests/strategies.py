"""Hypothesis strategies for valid Pastel batches, built from the spec's own declarations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from addin.engine.fields import canonical_number, format_date
from addin.specs.model import FieldSpec, RecordSpec, Spec

# Characters a bookkeeper types, Windows-1252 only; the edges of formulas included on purpose.
TEXT_ALPHABET = st.sampled_from(
    list("ABCXYZabcxyz0123456789 -/.,'\"()&#@=+%:;_") + list("éüñÇ€£§°½")
)


def text_value(f: FieldSpec, required: bool) -> st.SearchStrategy[str]:
    longest = f.max_length or 40
    return st.text(TEXT_ALPHABET, min_size=1 if required else 0, max_size=longest)


def number_value(f: FieldSpec, required: bool) -> st.SearchStrategy[str]:
    before = f.digits_before or 1
    after = f.digits_after or 0
    if f.minimum is not None and f.maximum is not None:
        lo, hi = int(f.minimum), int(f.maximum)
        numbers = st.integers(lo, hi).map(Decimal)
    else:
        lo = 0 if (f.minimum is not None and f.minimum >= 0) else -(10**before - 1)
        scale = 10**after
        numbers = st.integers(lo * scale, (10**before - 1) * scale).map(
            lambda n: Decimal(n).scaleb(-after)
        )
        if f.minimum is not None and f.minimum > 0:
            numbers = numbers.filter(lambda d: d >= f.minimum)
    values = numbers.map(lambda d: canonical_number(d, f.min_decimals))
    return values if required else st.one_of(st.just(""), values)


def date_value(required: bool) -> st.SearchStrategy[str]:
    dates = st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)).map(format_date)
    return dates if required else st.one_of(st.just(""), dates)


def field_value(f: FieldSpec, required: bool) -> st.SearchStrategy[str]:
    if f.kind == "text":
        return text_value(f, required)
    if f.kind in ("integer", "number"):
        return number_value(f, required)
    if f.kind == "date":
        return date_value(required)
    choices = [c for c in (f.choices or ()) if c or not required]
    if not required and "" not in choices:
        choices.append("")
    return st.sampled_from(choices)


@st.composite
def record(draw, kind: RecordSpec, forced: dict[str, str] | None = None) -> list[str]:
    forced = forced or {}
    line_type = forced.get("line_type")
    values = []
    for f in kind.fields:
        if f.kind == "keyword":
            values.append(kind.keyword or "")
        elif f.key in forced:
            values.append(forced[f.key])
        else:
            required = f.required or bool(
                f.required_when and line_type in f.required_when.get("line_type", ())
            )
            values.append(draw(field_value(f, required)))
    return values


@st.composite
def document(draw, spec: Spec) -> list[list[str]]:
    header, detail = spec.records
    rows = [draw(record(header))]
    for _ in range(draw(st.integers(1, 4))):
        line_type = draw(st.sampled_from(["4", "6", "7"]))
        forced = {"line_type": line_type}
        if line_type == "6":
            forced["code"] = draw(st.from_regex(r"[0-9]{7}", fullmatch=True))
        rows.append(draw(record(detail, forced)))
    return rows


@st.composite
def batch_rows(draw, spec: Spec) -> list[list[str]]:
    """Rows of a batch with no errors (warnings allowed)."""
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(1, 4))):
        rows.extend(draw(document(spec)))
    return rows
