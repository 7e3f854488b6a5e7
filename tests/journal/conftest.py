"""Journal and cashbook lines written by hand (not by our writer) and a way to check them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from addin.specs import get_spec
from tests.conftest import EXAMPLES

JOURNAL, CASHBOOK = "pastel-journal", "pastel-cashbook"
FORMATS = (JOURNAL, CASHBOOK)
SAMPLES = {
    JOURNAL: EXAMPLES / "pastel_journal_sample.csv",
    CASHBOOK: EXAMPLES / "pastel_cashbook_sample.csv",
}
LINE = get_spec(JOURNAL).records[0]
KEYS = [f.key for f in LINE.fields]
LABELS = [f.label for f in LINE.fields]
COLUMN = {f.key: f.column for f in LINE.fields}

# A clean G line as the canonical writer spells it: 18 fields.
VALID = {
    "period": "3",
    "date": "31/05/2025",
    "gdc": "G",
    "account": "3200000",
    "reference": "JNL1",
    "description": "Audit fee accrual",
    "amount": "100.00",
    "tax_type": "0",
    "tax_amount": "0.00",
    "open_item": "",
    "project": "",
    "contra": "",
    "exchange_rate": "",
    "bank_exchange_rate": "",
    "batch_id": "0",
    "discount_tax_type": "0",
    "discount_amount": "0.00",
    "home_amount": "0.00",
}


def line(**changes: str) -> list[str]:
    """A clean line (keys: the spec's field keys) with some fields changed."""
    unknown = set(changes) - set(KEYS)
    assert not unknown, unknown
    values = {**VALID, **changes}
    return [values[k] for k in KEYS]


def entry(reference: str = "JNL1", amount: str = "100.00", **changes: str) -> list[list[str]]:
    """Two lines that balance: `amount` to 3200000 and its negative to 9500000."""
    credit = amount[1:] if amount.startswith("-") else "-" + amount
    return [
        line(reference=reference, amount=amount, **changes),
        line(reference=reference, amount=credit, account="9500000", **changes),
    ]


def csv_bytes(
    rows: Sequence[Sequence[str]], *, newline: str = "\r\n", encoding: str = "cp1252"
) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def _write(rows: Sequence[Sequence[str]], name: str = "in.csv", **kw) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows, **kw))
        return path

    return _write


@pytest.fixture
def check(run) -> Callable[..., dict]:
    """`batchsheet check FILE --format F --json`: the JSON object, its exit code under 'code'."""

    def _check(path: Path, fmt: str = JOURNAL, *extra: object) -> dict:
        done = run("check", path, "--format", fmt, "--json", *extra)
        assert done.code in (0, 1), done.err
        result = json.loads(done.out)
        result["code"] = done.code
        return result

    return _check


def where(result: dict) -> list[tuple[str, str, int, str]]:
    """Every finding as (severity, code, row, column)."""
    return [(f["severity"], f["code"], f["row"], f["column"]) for f in result["findings"]]
