"""pydantic's reading of the spec models: the JSON a user gives, and the declarations.

The models (`model.py`) are frozen standard-library dataclasses, so that a button press,
which starts a new Python every time, builds its format's spec without importing pydantic
and building its validators: that was 0.13 s of every press's 0.2 s of start-up beyond
xlwings. pydantic validates the same classes here, from their annotations, when it is asked:

- a column-set file (`columns.py`) is read through `field_from_json`: wrong types, unknown
  keys and values a field cannot hold are refused with pydantic's own message;
- a declared spec is held to its annotations exactly by `check_declaration` (strict: a list
  where a tuple is declared, a string where a Decimal is, are errors), which the test suite
  runs on every registered format.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import TypeAdapter

from .model import FieldSpec, Spec


@functools.cache
def _adapter(model: type[Any]) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def field_from_json(values: dict[str, Any]) -> FieldSpec:
    """A field as a column-set file declares it; raises pydantic's ValidationError."""
    field: FieldSpec = _adapter(FieldSpec).validate_python(values)
    return field


def field_to_json(field: FieldSpec) -> dict[str, Any]:
    """A field as a column-set file holds it: what differs from the defaults, its column
    letter left out (the file's order gives it)."""
    entry: dict[str, Any] = _adapter(FieldSpec).dump_python(
        field, mode="json", exclude_defaults=True, exclude={"column"}
    )
    return entry


def check_declaration(spec: Spec) -> None:
    """Raises pydantic's ValidationError where a declared spec differs from its models."""
    _adapter(Spec).validate_python(spec, strict=True)
