"""A batch to and from the bytes of its CSV file."""

from __future__ import annotations

from ..specs.model import Spec
from .batch import Batch, Context, validate_rows
from .csv_read import Parsed, decode, parse, sniff_semicolons
from .csv_write import csv_text


def parse_csv(data: bytes, path: str) -> Parsed:
    """Rows of a CSV file; raises ReadError when it is not a readable CSV at all."""
    decoded = decode(data, path)
    sniff_semicolons(decoded.text, path)
    return parse(decoded.text)


def batch_from_rows(spec: Spec, parsed: Parsed, context: Context | None = None) -> Batch:
    batch = validate_rows(spec, parsed.rows, context=context or Context(row_word="line"))
    if parsed.stop is not None:
        batch.report.findings.append(parsed.stop)
        batch.report.sort()
    return batch


def read_csv_batch(spec: Spec, data: bytes, path: str, context: Context | None = None) -> Batch:
    """Validate a CSV file's records; raises ReadError when it is not a readable CSV at all."""
    return batch_from_rows(spec, parse_csv(data, path), context)


def batch_csv_bytes(batch: Batch) -> bytes:
    """The canonical file of a batch (the caller has made sure it has no errors)."""
    return csv_text(r.values for r in batch.records).encode(batch.spec.encoding)
