"""Column sets of header-row formats: which columns exist, what each holds, in what order.

An Infusion file names its columns in a header row, and the exact names are only known
from Infusion's own export. So a table format's columns are configuration: a JSON file
that ships with a default and that a user calibrates from a real export. A workbook keeps
the column set it was made with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cell_refs import column_letter
from ..files import json_document, read_user_text
from ..refusals import Refusal
from .model import FieldSpec, Spec

# Invisible characters that arrive on header names copied from elsewhere.
_INVISIBLE = str.maketrans(dict.fromkeys("\ufeff\u200b\u200c\u200d\u2060"))


class ColumnSetError(Refusal, ValueError):
    """A column-set file that cannot be used; the message names the file."""


def clean_header(name: str) -> str:
    """A header name as compared byte for byte: without a BOM and surrounding spaces."""
    return name.translate(_INVISIBLE).strip()


def header_key(name: str) -> str:
    """What two header names share when they differ only in case or spacing."""
    return "".join(clean_header(name).split()).casefold()


@dataclass(frozen=True)
class ColumnSet:
    """A table format's columns in template order (the order an import file is written in)."""

    format: str
    fields: tuple[FieldSpec, ...]
    source: str = ""

    @classmethod
    def of(cls, spec: Spec) -> ColumnSet:
        return cls(spec.name, spec.records[0].fields)

    def field_by_header(self) -> dict[str, FieldSpec]:
        return {header_key(f.label): f for f in self.fields}

    def to_json(self) -> dict[str, Any]:
        from .validation import field_to_json

        columns = []
        for f in self.fields:
            entry = field_to_json(f)
            ordered = {"key": entry.pop("key"), "header": entry.pop("label")}
            columns.append(ordered | entry)
        out: dict[str, Any] = {"format": self.format}
        if self.source:
            out["source"] = self.source
        out["columns"] = columns
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


def parse_column_set(text: str, origin: str) -> ColumnSet:
    """A column set from its JSON text; `origin` names it in messages."""
    from pydantic import ValidationError

    from .validation import field_from_json

    data = json_document(text, origin, ColumnSetError)
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
        raise ColumnSetError(f"{origin}: a column set is an object with a 'columns' list")
    if not isinstance(data.get("format"), str):
        raise ColumnSetError(f"{origin}: the column set does not name its 'format'")
    fields: list[FieldSpec] = []
    for i, entry in enumerate(data["columns"]):
        where = f"{origin}: column {i + 1}"
        if not isinstance(entry, dict) or not isinstance(entry.get("header"), str):
            raise ColumnSetError(f"{where}: each column needs a 'header' name")
        values = {k: v for k, v in entry.items() if k != "header"}
        values["label"] = clean_header(entry["header"])
        values["column"] = column_letter(i + 1)
        try:
            fields.append(field_from_json(values))
        except ValidationError as e:
            problem = e.errors()[0]
            place = ".".join(str(p) for p in problem["loc"])
            raise ColumnSetError(
                f"{where} ({entry['header']!r}): {place + ': ' if place else ''}{problem['msg']}"
            ) from None
    _check_consistent(fields, origin)
    return ColumnSet(data["format"], tuple(fields), str(data.get("source", "")))


def _check_consistent(fields: list[FieldSpec], origin: str) -> None:
    keys: set[str] = set()
    headers: set[str] = set()
    for f in fields:
        if not f.label:
            raise ColumnSetError(f"{origin}: column {f.column} has an empty header")
        if f.key in keys:
            raise ColumnSetError(f"{origin}: the key {f.key!r} is used twice")
        keys.add(f.key)
        if header_key(f.label) in headers:
            raise ColumnSetError(
                f"{origin}: the header {f.label!r} is listed twice (names are compared "
                "ignoring case and spacing)"
            )
        headers.add(header_key(f.label))
    for f in fields:
        for other in f.alternatives:
            if other not in keys:
                raise ColumnSetError(
                    f"{origin}: {f.label!r} names the alternative {other!r}, which is not a key "
                    "of this column set"
                )


def load_column_set(path: Path) -> ColumnSet:
    path = Path(path)
    text = read_user_text(path, "column set", ColumnSetError)
    return parse_column_set(text, str(path))
