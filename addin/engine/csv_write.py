"""Writing the canonical CSV of a batch."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_SEP = "\x1f"


def _quote(value: str) -> str:
    if any(c in value for c in ',"\r\n') or value[:1] == " " or value[-1:] == " ":
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """Rows as canonical CSV: `,` delimited, quoted only where needed, CRLF after every row.

    "Where needed" is a `,`, a `"`, a line break, or a space at either edge of the field.
    Python's C writer quotes all but the last, so it writes every row without such a
    space, and `_quote` the few rows that have one.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    pending: list[Sequence[str]] = []
    for fields in rows:
        joined = _SEP.join(fields)
        if joined[:1] == " " or joined[-1:] == " " or f" {_SEP}" in joined or f"{_SEP} " in joined:
            writer.writerows(pending)
            pending.clear()
            out.write(",".join(map(_quote, fields)) + "\r\n")
        else:
            pending.append(fields)
    writer.writerows(pending)
    return out.getvalue()
