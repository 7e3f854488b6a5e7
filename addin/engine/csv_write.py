"""Writing the canonical CSV of a batch."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_SEP = "\x1f"


def _quote(value: str, also: str = "") -> str:
    if any(c in value for c in ',"\r\n' + also) or value[:1] == " " or value[-1:] == " ":
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_text(
    rows: Iterable[Sequence[str]], *, quote_also: str = "", quote_all: bool = False
) -> str:
    """Rows as canonical CSV: `,` delimited, quoted only where needed (`quote_all`: every
    field), CRLF after every row.

    "Where needed" is a `,`, a `"`, a line break, a space at either edge of the field, or
    one of the characters in `quote_also`. Python's C writer quotes only the first three,
    so it writes every row without the others, and `_quote` the few rows that have them.
    """
    out = io.StringIO()
    if quote_all:
        csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
        return out.getvalue()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    pending: list[Sequence[str]] = []
    for fields in rows:
        joined = _SEP.join(fields)
        if (
            joined[:1] == " "
            or joined[-1:] == " "
            or f" {_SEP}" in joined
            or f"{_SEP} " in joined
            or (quote_also and any(c in joined for c in quote_also))
        ):
            writer.writerows(pending)
            pending.clear()
            out.write(",".join(_quote(f, quote_also) for f in fields) + "\r\n")
        else:
            pending.append(fields)
    writer.writerows(pending)
    return out.getvalue()
