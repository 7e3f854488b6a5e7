"""A package Batchsheet wrote, read back as a workbook before it takes the file's name.

A checksum only says the bytes arrived as written; a workbook can be all there and still
not open (a namespace prefix used where it is not declared, a sheet whose relationship or
part is missing, a part with no content type). Excel then offers to "repair" it, and
openpyxl and python-calamine refuse it. So, after every edit of a workbook file:

- every XML part is parsed, namespaces resolved (an unbound prefix is an error here, as it
  is in Excel), in blocks, at expat's speed;
- every part has a content type, and every content-type override names a part that exists;
- every relationship of the workbook part points at a part that exists, every sheet of the
  workbook names a relationship, and no two sheets share a name, compared as Excel
  compares them (without case).

No library checks this: zipfile checks checksums and expat well-formedness, and a full
openpyxl load would take minutes on a large sheet and miss what openpyxl tolerates.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from ..files import WriteRefused, shown
from .package import BLOCK, MAIN_NS, PACKAGE_REL_NS, REL_NS, is_xml_part, main_part, normal_part

CONTENT_TYPES = "[Content_Types].xml"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def read_back(path: Path, meant_for: Path | None = None) -> None:
    """Raise WriteRefused naming what is wrong when the package at `path` (a temporary
    file that is to become `meant_for`) would not open as a workbook."""
    named = meant_for or path
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                _refuse(named, f"the part {bad} did not read back the same")
            trees = _parse_parts(named, archive)
            types = _content_types(named, archive, trees.get(CONTENT_TYPES, []))
            _check_workbook(named, archive, trees, types)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        _refuse(named, f"it is not a readable package ({e})")


def _refuse(path: Path, why: str) -> None:
    raise WriteRefused(f"{shown(path)}: the written workbook did not read back: {why}; not saved")


# The small parts whose elements the checks below look at: (element, attributes) in order.
_STRUCTURE = re.compile(r"(?:\[Content_Types\]\.xml|(?:^|/)workbook\.xml|_rels/[^/]*\.rels)$")
Elements = list[tuple[str, dict[str, str]]]


def _parse_parts(path: Path, archive: zipfile.ZipFile) -> dict[str, Elements]:
    """Parse every XML part; keep the elements of the structural ones."""
    kept: dict[str, Elements] = {}
    for info in archive.infolist():
        if not is_xml_part(info.filename):
            continue
        elements: Elements = []
        parser = expat.ParserCreate(namespace_separator="}")
        if _STRUCTURE.search(info.filename):
            parser.StartElementHandler = lambda name, attrs, out=elements: out.append((name, attrs))
        try:
            with archive.open(info) as stream:
                while block := stream.read(BLOCK):
                    parser.Parse(block, False)
            parser.Parse(b"", True)
        except expat.ExpatError as e:
            _refuse(path, f"its part {info.filename} is not well-formed XML ({e})")
        if elements:
            kept[info.filename] = elements
    return kept


def _content_types(path: Path, archive: zipfile.ZipFile, types: Elements) -> dict[str, str]:
    """Each part's content type (names in lower case); refuses a part without one and an
    override naming no part."""
    if not types:
        _refuse(path, f"it has no {CONTENT_TYPES}")
    defaults = {
        a.get("Extension", "").lower(): a.get("ContentType", "")
        for n, a in types
        if n == f"{_TYPES_NS}}}Default"
    }
    overrides = {
        a.get("PartName", "").lstrip("/").lower(): a.get("ContentType", "")
        for n, a in types
        if n == f"{_TYPES_NS}}}Override"
    }
    parts = {name.lower() for name in archive.namelist() if not name.endswith("/")}
    for name in sorted(overrides.keys() - parts):
        _refuse(path, f"its content types name the part /{name}, which is not in it")
    found = {}
    for name in sorted(parts - {CONTENT_TYPES.lower()}):
        extension = name.rsplit(".", 1)[1] if "." in name else ""
        kind = overrides.get(name) or defaults.get(extension)
        if not kind:
            _refuse(path, f"its part {name} has no content type")
        found[name] = kind or ""
    return found


def _check_workbook(
    path: Path, archive: zipfile.ZipFile, trees: dict[str, Elements], types: dict[str, str]
) -> None:
    names = set(archive.namelist())
    workbook = main_part(archive, names)
    if workbook is None:
        _refuse(path, "it has no workbook part")
        return
    main = PurePosixPath(workbook)
    rels_name = str(main.parent / "_rels" / f"{main.name}.rels")
    targets: dict[str, str] = {}
    for name, attrs in trees.get(rels_name, []):
        if name != f"{PACKAGE_REL_NS}}}Relationship" or attrs.get("TargetMode") == "External":
            continue
        target = attrs.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else str(main.parent / target)
        part = normal_part(part)
        if part not in names:
            _refuse(path, f"its workbook links to the part {part}, which is not in it")
        if attrs.get("Type") == SHEET_TYPE and types.get(part.lower()) != SHEET_CONTENT:
            _refuse(path, f"its sheet part {part} is not declared a worksheet")
        targets[attrs.get("Id", "")] = part
    seen: set[str] = set()
    for name, attrs in trees.get(workbook, []):
        if name != f"{MAIN_NS}}}sheet":
            continue
        sheet = attrs.get("name", "")
        if sheet.lower() in seen:
            _refuse(path, f"two of its sheets are named {sheet!r} (Excel ignores case)")
        seen.add(sheet.lower())
        if attrs.get(f"{REL_NS}}}id") not in targets:
            _refuse(path, f"its sheet {sheet!r} names no part")
