"""frictionless-py on the Infusion file, against a Table Schema with the same rules as ours.

frictionless is a benchmark-only dependency (bench/requirements.txt), imported here only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .infusion_data import COLUMNS, Column


def _field(c: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": c.name}
    constraints: dict[str, Any] = {}
    if c.required:
        constraints["required"] = True
    if c.kind == "date":
        field.update(type="date", format="%d/%m/%Y")
    elif c.kind == "amount":
        field["type"] = "number"
    elif c.kind == "choice":
        field["type"] = "string"
        constraints["enum"] = list(c.choices)
    else:
        field["type"] = "string"
        if c.max_length is not None:
            constraints["maxLength"] = c.max_length
        if c.pattern is not None:
            constraints["pattern"] = c.pattern
    if constraints:
        field["constraints"] = constraints
    return field


def schema_descriptor() -> dict[str, Any]:
    """The Table Schema: types, required, lengths, enums and patterns from `COLUMNS`."""
    return {"fields": [_field(c) for c in COLUMNS]}


def available() -> str | None:
    """None when frictionless can be imported, else why not."""
    try:
        import frictionless  # noqa: F401
    except ImportError as e:
        return f"frictionless is not installed ({e}); pip install -r bench/requirements.txt"
    return None


def validate(path: Path) -> tuple[int, int]:
    """Rows read and errors found by frictionless, all errors counted (no early stop)."""
    from frictionless import Resource, Schema

    schema = Schema.from_descriptor(schema_descriptor())
    # frictionless refuses absolute paths as unsafe; a base path is how it takes them.
    resource = Resource(path=path.name, basepath=str(path.parent), schema=schema, encoding="utf-8")
    # The default stops at 1,000 errors; a fair comparison reads the whole file.
    report = resource.validate(limit_errors=10**9)
    task = report.tasks[0]
    if "rows" not in task.stats:
        raise RuntimeError(f"frictionless could not validate {path}: {task.errors[:1]}")
    return task.stats["rows"], len(task.errors)
