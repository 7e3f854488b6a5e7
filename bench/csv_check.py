"""The CSV check and its floor: what pure Python needs merely to parse the same file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from addin.engine.csv_batch import read_csv_batch
from addin.specs import SPECS


def bare_parse(path: Path, encoding: str) -> int:
    """Read, decode and parse with `csv.reader`: no checks at all. Returns the rows."""
    text = path.read_bytes().decode(encoding)
    return len(list(csv.reader(io.StringIO(text, newline=""))))


def check(spec_name: str, path: Path) -> tuple[int, int, int]:
    """`batchsheet check`'s work on a file: records, errors, warnings."""
    batch = read_csv_batch(SPECS[spec_name], path.read_bytes(), str(path))
    return len(batch.records), batch.report.errors, batch.report.warnings
