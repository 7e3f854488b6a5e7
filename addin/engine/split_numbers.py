"""Numbers a file's commas split in two: `1,234.50` written with a thousands separator and
not quoted reads as the fields `1` and `234.50`, and every field after it lands one column
off. Read field by field, such a line gives an error on each field it shifted (a Unit too
long, a Tax Type 'EACH', …), none of them the cause. So a line with more fields than its
record holds is read again with the neighbours joined, where that makes a number of a
number field and the line then reads with fewer errors than as it stands; one finding says
what happened, in place of the cascade.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat
from operator import itemgetter

from ..specs.model import RecordSpec, Spec
from .fields import field_check
from .findings import Finding, column_letter
from .layouts.base import FileRow

# The pieces of `-1,234,567.50` as a comma splits them: the first one to three digits (with
# a sign), every later one three digits, the last with the decimals.
_FIRST = re.compile(r"[-+]?\d{1,3}", re.ASCII)
_GROUP = re.compile(r"\d{3}", re.ASCII)
_LAST = re.compile(r"\d{3}(?:\.\d+)?", re.ASCII)
# A line that ends in empty fields may have had them pushed past its record's last field by
# a split number; more than this many is a file padded to its widest record, not a split.
_MOST_PUSHED = 3


@dataclass(frozen=True)
class SplitNumber:
    """A number split into `pieces` at its commas, the first piece in field `at` of the
    line `row` of a record of `kind`."""

    row: int
    at: int
    pieces: tuple[str, ...]
    kind: RecordSpec

    @property
    def column(self) -> str:
        return column_letter(self.at + 1)

    @property
    def number(self) -> str:
        return ",".join(self.pieces)

    def finding(self) -> Finding:
        pieces = [repr(p) for p in self.pieces]
        last = column_letter(self.at + len(self.pieces))
        if len(self.pieces) == 2:
            columns, shown = f"Columns {self.column} and {last}", " and ".join(pieces)
        else:
            columns = f"Columns {self.column} to {last}"
            shown = ", ".join(pieces[:-1]) + " and " + pieces[-1]
        moved = len(self.pieces) - 1
        if moved == 1:
            split = "the comma split it in two, which moved every later field one column"
        else:
            split = (
                f"the commas split it into {len(self.pieces)} fields, which moved every later "
                f"field {moved} columns"
            )
        label = self.kind.fields[self.at].label
        plain = "".join(self.pieces)
        return Finding(
            severity="error",
            row=self.row,
            column=self.column,
            field=label,
            code="split-number",
            message=(
                f"{columns} ({shown}) look like one number, {self.number}, written with a "
                f"thousands separator and not quoted: {split} to the right. It is read as "
                f"{label} {self.number}; write it as {plain} (no separator), or quote it "
                f'("{self.number}").'
            ),
            value=self.number,
            fix=plain,
        )


def rejoined(
    spec: Spec, rows: list[FileRow], kinds: Mapping[str | None, RecordSpec], keywords: bool
) -> tuple[list[FileRow], list[SplitNumber]]:
    """`rows` with every split number joined again, and the numbers found.

    `kinds` are the record kinds the rows are read as, by keyword (`keywords`: a row's
    first field names its kind) or under None (every row is of that one kind).
    """
    if not kinds or not rows:
        return rows, []
    shortest = min(len(k.fields) for k in kinds.values())
    lengths = map(len, map(itemgetter(1), rows))
    found: list[SplitNumber] = []
    out = rows
    # Whether a field's value has an error, by (kind, position, value): a file's lines
    # repeat their values, and a file padded with an empty field sends every line here.
    seen: dict[tuple[str | None, int, str], bool] = {}
    # Nearly every line is no longer than its record: only the longer ones are looked at.
    for i in compress(count(), map(operator.gt, lengths, repeat(shortest))):
        number, cells = rows[i]
        kind = kinds.get(cells[0].strip() if keywords else None)
        if kind is None:
            continue
        split = _split_in(spec, kind, number, cells, seen)
        if split is None:
            continue
        if out is rows:
            out = list(rows)
        found.append(split)
        end = split.at + len(split.pieces)
        out[i] = (number, [*cells[: split.at], split.number, *cells[end:]])
    return out, found


def _split_in(
    spec: Spec,
    kind: RecordSpec,
    number: int,
    cells: list[str],
    seen: dict[tuple[str | None, int, str], bool],
) -> SplitNumber | None:
    """The split number that makes the most sense of a line too long for its record: the one
    whose joining leaves the fewest errors, when that is fewer than the line has as it is.

    A line may leave out its record's last fields, so it may hold more pieces of a number
    than it holds fields too many: every run of pieces at least that long is tried.
    """
    width = len(kind.fields)
    filled = len(cells)
    while filled > width and not cells[filled - 1].strip():
        filled -= 1
    if filled > width:
        too_many = filled - width
    elif 0 < len(cells) - width <= _MOST_PUSHED:
        too_many = 1
    else:
        return None
    best: tuple[int, SplitNumber] | None = None
    for at in range(width):
        if not kind.fields[at].is_numeric or not _FIRST.fullmatch(cells[at]):
            continue
        end = at + 1
        while end < filled:
            if end - at >= too_many and _LAST.fullmatch(cells[end]):
                pieces = tuple(cells[at : end + 1])
                joined = [*cells[:at], ",".join(pieces), *cells[end + 1 :]]
                errors = _errors(spec, kind, joined, seen, skip=at)
                if best is None or errors < best[0]:
                    best = (errors, SplitNumber(number, at, pieces, kind))
            if not _GROUP.fullmatch(cells[end]):
                break
            end += 1
    if best is None:
        return None
    return best[1] if best[0] < _errors(spec, kind, cells, seen) else None


def _errors(
    spec: Spec,
    kind: RecordSpec,
    cells: Sequence[str],
    seen: dict[tuple[str | None, int, str], bool],
    skip: int = -1,
) -> int:
    """How many of the line's fields have an error of their own (the field `skip` left out),
    each field past the record's last one counted as one."""
    width = len(kind.fields)
    errors = sum(1 for c in cells[width:] if c.strip())
    padded = [*cells[:width], *[""] * (width - len(cells))]
    for position, value in enumerate(padded):
        if position == skip:
            continue
        key = (kind.keyword, position, value)
        wrong = seen.get(key)
        if wrong is None:
            f = kind.fields[position]
            _, problems = field_check(spec, kind.keyword, f).diagnose(value)
            wrong = seen[key] = any(p.severity == "error" for p in problems)
        errors += wrong
    return errors
