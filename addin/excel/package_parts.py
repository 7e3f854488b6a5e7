"""Adding a part to a workbook package: its content type, and a relationship to it.

Batchsheet edits packages part by part (`book_edit.py` adds the Audit sheet; the Lite
templates add xlwings Lite's web extension after openpyxl, which drops parts it does not
know). openpyxl rewrites a whole workbook and keeps only what it models, so these small
edits, of `[Content_Types].xml`, of a relationships part and of the workbook's list of
sheets, are made here, once: each an element added last in another, under its prefix.
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
    return with_child(
        rels, "Relationships", f'Relationship Id="{rid}" Type="{kind}" Target="{target}"'
    ), rid


def with_override(types: bytes, part: str, content: str) -> bytes:
    """`[Content_Types].xml` naming the content type of `part` (a path in the package)."""
    return with_child(types, "Types", f'Override PartName="/{part}" ContentType="{content}"')


def with_child(data: bytes, parent: str, element: str) -> bytes:
    """`data` with the empty element `element` (its name and attributes) last in the (last)
    element `parent`, spelled with that element's own prefix where the writer used one: a
    part is its namespace's, whatever prefix names it. Raises ValueError where no `parent`
    ends."""
    ends = list(re.finditer(rb"</(?:(\w+):)?" + parent.encode() + rb"\s*>", data))
    if not ends:
        raise ValueError(f"a <{parent}> part that does not end")
    end = ends[-1]
    prefix = f"{end.group(1).decode()}:" if end.group(1) else ""
    return data[: end.start()] + f"<{prefix}{element}/>".encode() + data[end.start() :]
