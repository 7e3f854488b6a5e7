"""Adding a part to a workbook package: its content type, and a relationship to it.

Batchsheet edits packages part by part (`book_edit.py` adds the Audit sheet; the Lite
templates add xlwings Lite's web extension after openpyxl, which drops parts it does not
know). openpyxl rewrites a whole workbook and keeps only what it models, so these two small
edits of `[Content_Types].xml` and of a relationships part are made here, once.
"""

from __future__ import annotations

import re

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# A relationship's id as any writer spells the attribute (either quote).
_RELATIONSHIP_ID = re.compile(rb"""\bId\s*=\s*["']rId(\d+)["']""")


def with_relationship(rels: bytes, kind: str, target: str) -> tuple[bytes, str]:
    """The relationships part `rels` with one more relationship, of type `kind` to
    `target`, under the first `rId` number no relationship there holds; and that id."""
    taken = [int(n) for n in _RELATIONSHIP_ID.findall(rels)]
    rid = f"rId{max(taken, default=0) + 1}"
    entry = f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
    return _before_last(rels, b"</Relationships>", entry.encode()), rid


def with_override(types: bytes, part: str, content: str) -> bytes:
    """`[Content_Types].xml` naming the content type of `part` (a path in the package)."""
    entry = f'<Override PartName="/{part}" ContentType="{content}"/>'
    return _before_last(types, b"</Types>", entry.encode())


def _before_last(data: bytes, closing: bytes, insert: bytes) -> bytes:
    at = data.rfind(closing)
    if at < 0:
        raise ValueError(f"no {closing.decode()} in the part")
    return data[:at] + insert + data[at:]
