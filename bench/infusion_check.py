"""Checking the Infusion file: with the engine's own spec once it has one, else a stand-in.

The Infusion spec is being added to the engine separately. Until `SPECS` has it (and the
engine reads its header-row layout), the benchmark runs the engine's column checks
(`check_column`, the part that costs per cell) over a spec built from the same rules the
frictionless schema gets, after our own CSV decoding and parsing. The table says which of
the two was measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from addin.engine.csv_batch import parse_csv, read_csv_batch
from addin.engine.fields import check_column, field_check
from addin.engine.findings import column_letter
from addin.specs import SPECS
from addin.specs.model import FieldSpec, RecordSpec, Spec

from .infusion_data import COLUMNS, Column

INFUSION = "infusion-customer-adjustments"


@dataclass(frozen=True)
class Checked:
    rows: int
    errors: int
    warnings: int


def _field(index: int, c: Column) -> FieldSpec:
    common = {
        "key": f"c{index}",
        "label": c.name,
        "column": column_letter(index + 1),
        "required": c.required,
    }
    if c.kind == "date":
        return FieldSpec(kind="date", **common)
    if c.kind == "amount":
        return FieldSpec(kind="number", digits_before=12, digits_after=2, **common)
    if c.kind == "choice":
        return FieldSpec(kind="code", choices=c.choices, **common)
    return FieldSpec(kind="text", max_length=c.max_length, **common)


STAND_IN = Spec(
    name="bench-infusion-stand-in",
    title="Infusion customer adjustments (benchmark stand-in)",
    system="Infusion",
    layout="table",
    records=(RecordSpec(keyword=None, fields=tuple(_field(i, c) for i, c in enumerate(COLUMNS))),),
    encoding="utf-8",
)


def engine_spec() -> tuple[Spec | None, str]:
    """The engine's Infusion spec, if it has one it can check a file with, and why not."""
    spec = SPECS.get(INFUSION)
    if spec is None:
        return None, f"{INFUSION!r} is not in addin.specs.SPECS yet"
    return spec, ""


def check_with_engine(spec: Spec, path: Path) -> Checked:
    batch = read_csv_batch(spec, path.read_bytes(), str(path))
    return Checked(len(batch.records), batch.report.errors, batch.report.warnings)


def check_with_stand_in(path: Path) -> Checked:
    parsed = parse_csv(path.read_bytes(), str(path))
    header, *rows = [fields for _, fields in parsed.rows]
    position = {name.strip(): i for i, name in enumerate(header)}
    record = STAND_IN.records[0]
    errors = warnings = 0
    for f in record.fields:
        i = position[f.label]
        texts = [row[i] if i < len(row) else "" for row in rows]
        _, problems = check_column(field_check(STAND_IN, None, f), texts)
        for _, problem in problems:
            if problem.severity == "error":
                errors += 1
            else:
                warnings += 1
    return Checked(len(rows), errors, warnings)
