"""Calibrating a header-row format's column set from a real export of the accounting system.

Infusion says an import's column names must match its export's exactly, and only the
export shows them. Calibration reads an export's header row, says column by column how it
compares with the configured set, and gives the column set that matches the export: its
names as the export spells them, in the export's order, new columns kept as text columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ..specs.columns import ColumnSet, clean_header, header_key
from ..specs.model import FieldSpec, Spec
from .findings import column_letter

Status = Literal["matches", "spelling", "new", "duplicate", "unnamed"]


@dataclass(frozen=True)
class ColumnMatch:
    column: str
    name: str
    status: Status
    configured: FieldSpec | None = None

    def words(self) -> str:
        f = self.configured
        if self.status == "matches":
            return "matches" + (" (export-only)" if f is not None and f.export_only else "")
        if self.status == "spelling" and f is not None:
            return (
                f"differs only in case or spacing from the configured {f.label!r}; the "
                "calibrated set uses the export's spelling"
            )
        if self.status == "new":
            return (
                "new: added as an optional text column, written to import files (set "
                '"export_only": true for it in the column set if only the export carries it)'
            )
        if self.status == "duplicate":
            return "appears twice in the export; the second is left out"
        return "has no name; left out"


@dataclass(frozen=True)
class Calibration:
    matches: list[ColumnMatch]
    absent: list[FieldSpec]
    columns: ColumnSet


def _key_for(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_") or "column"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def calibrate(spec: Spec, names: Sequence[str], source: str = "") -> Calibration:
    """Compare an export's header `names` with `spec`'s column set; the calibrated set."""
    configured = spec.records[0].fields
    by_key = {header_key(f.label): f for f in configured}
    taken = {f.key for f in configured}
    seen: set[str] = set()
    matches: list[ColumnMatch] = []
    fields: list[FieldSpec] = []
    for i, raw in enumerate(names):
        letter, name = column_letter(i + 1), clean_header(raw)
        key = header_key(name)
        if not name:
            matches.append(ColumnMatch(letter, name, "unnamed"))
            continue
        if key in seen:
            matches.append(ColumnMatch(letter, name, "duplicate", by_key.get(key)))
            continue
        seen.add(key)
        f = by_key.get(key)
        if f is None:
            new_key = _key_for(name, taken)
            taken.add(new_key)
            f = FieldSpec(
                key=new_key,
                label=name,
                column=letter,
                kind="text",
                help=f"Found by calibration in the export {source}".rstrip() + ".",
            )
            matches.append(ColumnMatch(letter, name, "new"))
        else:
            matches.append(
                ColumnMatch(letter, name, "matches" if name == f.label else "spelling", f)
            )
        fields.append(replace(f, label=name))
    absent = [f for f in configured if header_key(f.label) not in seen]
    ordered = [*fields, *absent]
    lettered = tuple(replace(f, column=column_letter(i)) for i, f in enumerate(ordered, start=1))
    origin = f"calibrated from {source}" if source else "calibrated from an export"
    return Calibration(matches, absent, ColumnSet(spec.name, lettered, origin))
