"""Infusion files written by hand (not by our writer) and a way to check them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO

FORMAT = "infusion-customer-adjustments"
SHARED_SAMPLE = REPO.parent / "shared" / "samples" / "infusion_adjustments_sample.csv"
SAMPLE = SHARED_SAMPLE if SHARED_SAMPLE.is_file() else EXAMPLES / "infusion_adjustments_sample.csv"
HEADER = [
    "Account Number",
    "Date",
    "Reference",
    "Description",
    "GL ID",
    "Amount",
    "GST Rate",
    "Amount Is",
    "Cost Centre",
    "Notes",
]
ROW = ["C1042", "05/02/2025", "ADJ-1", "Bad debt write-off", "6120", "-287.50", "GST 15%",
       "Inclusive", "AUCKLAND", "Approved"]  # fmt: skip


def csv_bytes(
    rows: Sequence[Sequence[str]], *, newline: str = "\r\n", encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:  # fmt: skip
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    data = out.getvalue().encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def row(**changes: str) -> list[str]:
    """A clean row of the default columns with some cells changed (keys: header names)."""
    values = dict(zip(HEADER, ROW))
    for name, value in changes.items():
        values[name.replace("_", " ")] = value
    return list(values.values())


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def _write(rows: Sequence[Sequence[str]], name: str = "in.csv", **kw) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows, **kw))
        return path

    return _write


@pytest.fixture
def check(run) -> Callable[..., dict]:
    """`batchsheet check FILE --json`: the one JSON object, with the exit code under 'code'."""

    def _check(path: Path, *extra: object) -> dict:
        done = run("check", path, "--format", FORMAT, "--json", *extra)
        result = json.loads(done.out)
        result["code"] = done.code
        return result

    return _check
