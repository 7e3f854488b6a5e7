"""A workbook file as a package of parts, inspected before any reader is trusted with it.

An `.xlsx` is a zip of XML parts. python-calamine and openpyxl both allocate from what a
part says: calamine a grid spanning the farthest cell of a sheet (one cell at XFD1048576
asks for half a terabyte, and a Rust allocation failure aborts the process), openpyxl and
calamine a table as long as a declared count. So every part is read here first, once, as
bytes, and the file is refused with a sentence when

- it is not a zip, or is another kind of file (an image, a PDF, a password-protected or
  old-style Excel file, an OpenDocument spreadsheet);
- its directory is a zip bomb (too many parts, too large, expanding too far) or names one
  part twice (readers disagree on which copy counts);
- any XML part declares a document type or an entity, anywhere in it (Excel never writes
  one; each is an entity-expansion or external-reference trick);
- a sheet's cells span more than a budget of cells, or a declared count is larger than
  its part could hold.

It also finds the formula cells that carry no saved value (a workbook written by a script
and never calculated): their value is unknown, and reading them as empty would lose data.

No library does this: the zip and XML readers check well-formedness, not what a part asks
the next reader to allocate. The scan is byte-level (regular expressions over the
inflated stream, one block at a time), so its cost is about that of inflating the parts.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from defusedxml import DefusedXmlException, ElementTree

from ..actions import action
from ..engine.findings import column_index, column_letter
from ..files import shown
from ..refusals import ReadError
from .limits import (
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    MAX_CELLS,
    MAX_PARTS,
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    RATIO_FROM,
)
from .package_parts import PACKAGE_REL_NS, REL_NS

BLOCK = 8 * 2**20

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The namespace of Excel's "Strict Open XML Spreadsheet" (ISO/IEC 29500 Strict): the same
# workbook in other names, which no reader here knows.
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REFUSAL = (
    "this workbook is saved as Excel's 'Strict Open XML Spreadsheet', which Batchsheet does "
    "not read; open it in Excel and save it with File › Save As › 'Excel Workbook (*.xlsx)'"
)

_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
)
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# What a workbook file starts with: a zip package (.xlsx, .xlsm), or an OLE file (.xls).
WORKBOOK_SIGNATURES = (ZIP_SIGNATURE, OLE_SIGNATURE)
# An encrypted Office file is an OLE container holding a stream of this name.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW = re.compile(rb"""<row\b[^>]*?\sr=["'](\d+)["']""")
_FORMULA = re.compile(rb"<f[\s>/]")
_PREFIXED_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
# The quick test of a namespace prefix, then the sure one.
_PREFIXED = re.compile(rb":(?:c|f|row|sheetData)[\s>/]")
_PREFIXED_ELEMENT = re.compile(rb"<[\w.-]+:(?:c|f|row|sheetData)[\s>/]")
# A saved value: an inline string, or a `<v>` holding something (or empty text for a
# formula whose result is text). openpyxl writes `<v />` for a formula it never calculated.
_VALUE = re.compile(rb"<(?:[\w.-]+:)?is[\s>]|<(?:[\w.-]+:)?v(?:\s[^>]*)?>(?!</)")
_EMPTY_TEXT = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?></")
_COUNTS = re.compile(rb'\b(count|uniqueCount)="(\d+)"')
# A cell of type error (`t="e"`), and the cell it stands in, whatever its attributes' order.
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_ERROR_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c\b([^>]*?\st\s*=\s*[\"']e[\"'][^>]*?)(?<!/)>(.*?)</(?:[\w.-]+:)?c>", re.S
)
_ERROR_VALUE = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?>([^<]*)</")


@dataclass
class Package:
    """What the inspection learned: where each sheet's part is, and which formula cells of
    each sheet have no saved value."""

    path: Path
    sheets: dict[str, str]
    # The workbook's defined names (global ones), each with its formula text.
    names: dict[str, str] = field(default_factory=dict)
    formulas: dict[str, list[str]] = field(default_factory=dict)
    uncalculated: dict[str, list[str]] = field(default_factory=dict)
    # Dates count from 1904 (`<workbookPr date1904="1"/>`), not from 1900.
    date1904: bool = False
    # Cells of each sheet holding an error value (`#N/A`, `#DIV/0!` ...), with the error:
    # readers hand them over as empty.
    errors: dict[str, dict[str, str]] = field(default_factory=dict)

    def part_of(self, sheet: str) -> str | None:
        """The part holding the sheet named `sheet`, compared as Excel compares sheet names:
        without case (`AUDIT` and `Audit` are one sheet to Excel)."""
        if sheet in self.sheets:
            return self.sheets[sheet]
        folded = sheet.casefold()
        return next((p for s, p in self.sheets.items() if s.casefold() == folded), None)

    def formula_cells(self, sheet: str) -> list[str]:
        return self.formulas.get(self.part_of(sheet) or "", [])

    def uncalculated_cells(self, sheet: str) -> list[str]:
        return self.uncalculated.get(self.part_of(sheet) or "", [])

    def error_cells(self, sheet: str) -> dict[str, str]:
        return self.errors.get(self.part_of(sheet) or "", {})


def refused(path: Path, message: str) -> ReadError:
    return ReadError(shown(path), message)


def inspect_package(path: Path) -> Package:
    """Read every part of the workbook at `path` once and refuse it, with a sentence, if a
    reader could not be trusted with it (see the module's words)."""
    path = Path(path)
    if not path.is_file():
        raise refused(path, "no such file")
    try:
        archive = zipfile.ZipFile(path)
    except OSError as e:
        raise refused(path, f"cannot read the file: {e.strerror or e}") from None
    except Exception:  # BadZipFile, and ValueError or EOFError from a directory that lies
        raise refused(path, not_a_workbook(path)) from None
    with archive:
        _check_directory(path, archive)
        sheets, names, date1904 = _sheet_parts(path, archive)
        package = Package(path, sheets, names, date1904=date1904)
        sheet_parts = set(package.sheets.values())
        try:
            for info in archive.infolist():
                # A sheet is inspected wherever the workbook's links put it, whatever its
                # part is named: a reader follows the links, not the names.
                if is_xml_part(info.filename) or info.filename in sheet_parts:
                    _scan_part(path, archive, info, package)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as e:
            raise refused(path, f"the workbook is damaged: {e}") from None
    return package


def is_xml_part(name: str) -> bool:
    return name.endswith((".xml", ".rels", ".vml"))


def _check_directory(path: Path, archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise refused(path, f"refused: the file holds {len(parts)} parts, too many for a workbook")
    names = [p.filename for p in parts]
    seen: set[str] = set()
    for name in names:
        key = name.lower()
        if key in seen:
            raise refused(
                path,
                f"refused: the workbook holds two parts named {name}; Excel never writes "
                "that, and programs disagree on which one counts (a damaged or crafted file)",
            )
        seen.add(key)
    # Every Office file has this part; where the workbook itself lies, it says.
    if "[Content_Types].xml" not in names:
        what = "an OpenDocument spreadsheet (.ods)" if "content.xml" in names else "a zip archive"
        raise refused(
            path,
            f"this is {what}, not an Excel workbook (.xlsx); "
            "open it in Excel or LibreOffice and save it as an Excel workbook",
        )
    total = sum(p.file_size for p in parts)
    if total > MAX_UNCOMPRESSED:
        raise refused(
            path,
            f"refused: the workbook would expand to {total // 2**20:,} MB, more than the "
            f"{MAX_UNCOMPRESSED // 2**20:,} MB Batchsheet reads (a damaged file or a zip bomb)",
        )
    for p in parts:
        if p.file_size > RATIO_FROM and p.file_size > MAX_RATIO * max(p.compress_size, 1):
            raise refused(
                path,
                f"refused: the part {p.filename} expands "
                f"{p.file_size // max(p.compress_size, 1):,} times (a workbook's parts expand "
                f"about 10 times; more than {MAX_RATIO} is a zip bomb)",
            )


def not_a_workbook(path: Path) -> str:
    """What a file that is not a zip is, in the words a user needs."""
    with open(path, "rb") as f:
        head = f.read(8)
        if head.startswith(OLE_SIGNATURE):
            f.seek(0)
            if _holds(f, ENCRYPTED_STREAM):
                return (
                    "the workbook is password-protected (encrypted); open it in Excel, remove "
                    "the password (File › Info › Protect Workbook), and save it again"
                )
            return "this is an old-style Excel file (.xls) or another Office 97-2003 file"
    what = next((name for magic, name in _SIGNATURES if head.startswith(magic)), None)
    if what is not None:
        return f"this is {what}, not an Excel workbook (.xlsx)"
    if head.startswith(b"PK"):
        return (
            "the workbook is incomplete or damaged (cut short while it was copied or saved?); "
            "open the original in Excel and save it again"
        )
    if not head:
        return "the file is empty, not an Excel workbook (.xlsx)"
    return (
        "this is not an Excel workbook (.xlsx); if it is a CSV file, bring it in with "
        f"{action('import')}"
    )


def _holds(handle, needle: bytes) -> bool:
    tail = b""
    while block := handle.read(BLOCK):
        if needle in tail + block[: len(needle)] or needle in block:
            return True
        tail = block[-len(needle) :]
    return False


def _sheet_parts(
    path: Path, archive: zipfile.ZipFile
) -> tuple[dict[str, str], dict[str, str], bool]:
    """Each sheet's name and the part that holds it, from the workbook part and its links;
    the workbook's global defined names with their text; and whether its dates count from
    1904."""
    names = set(archive.namelist())
    workbook = main_part(archive, names)
    if workbook is None:
        return {}, {}, False
    main = PurePosixPath(workbook)
    rels_name = str(main.parent / "_rels" / f"{main.name}.rels")
    try:
        book = ElementTree.fromstring(_small_part(path, archive, workbook))
        links = (
            ElementTree.fromstring(_small_part(path, archive, rels_name))
            if rels_name in names
            else None
        )
    except ReadError:
        raise
    except Exception as e:  # defusedxml refuses declarations; a part may not be XML at all
        raise refused(path, _xml_refusal(e, workbook)) from None
    if book.tag.startswith(f"{{{STRICT_NS}}}"):
        raise refused(path, STRICT_REFUSAL)
    targets = {}
    if links is not None:
        for rel in links.iter(f"{{{PACKAGE_REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            absolute = target.startswith("/")
            part = target.lstrip("/") if absolute else str(main.parent / target)
            targets[rel.get("Id")] = normal_part(part)
    sheets = {}
    for sheet in book.iter(f"{{{MAIN_NS}}}sheet"):
        found = targets.get(sheet.get(f"{{{REL_NS}}}id"))
        if found is not None:
            sheets[sheet.get("name", "")] = found
    defined = {
        d.get("name", ""): d.text or ""
        for d in book.iter(f"{{{MAIN_NS}}}definedName")
        if d.get("localSheetId") is None
    }
    # Dates count from 1904 where the workbook says so (`<workbookPr date1904="1"/>`).
    properties = book.find(f"{{{MAIN_NS}}}workbookPr")
    date1904 = properties is not None and properties.get("date1904") in ("1", "true")
    return sheets, defined, date1904


def normal_part(part: str) -> str:
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece not in ("", "."):
            out.append(piece)
    return "/".join(out)


def main_part(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if "xl/workbook.xml" in names:
        return "xl/workbook.xml"
    return next((n for n in sorted(names) if n.endswith("workbook.xml")), None)


def _small_part(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    data = archive.read(name)
    if _utf16(data):
        raise refused(path, utf16_refusal(name))
    if _DECLARATION.search(data):
        raise refused(path, declaration_refusal(name))
    return data


def _utf16(data: bytes) -> bool:
    """Whether a part starts as UTF-16 XML does (a byte-order mark, or `<?` in two bytes)."""
    return data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"<\x00?\x00", b"\x00<\x00?")


def utf16_refusal(part: str) -> str:
    return (
        f"refused: the workbook's part {part} is written in UTF-16, which Excel never writes "
        "and Batchsheet does not inspect; open the workbook in Excel and save it again"
    )


def declaration_refusal(part: str | None) -> str:
    where = f" (in its part {part})" if part else ""
    return (
        f"refused: the workbook's XML declares entities or a document type{where}: an XML "
        "entity or external-reference trick; Excel never writes these, and Batchsheet does "
        "not expand them"
    )


def _xml_refusal(e: BaseException, part: str) -> str:
    if isinstance(e, DefusedXmlException):
        return declaration_refusal(part)
    return f"the workbook is damaged: its part {part} is not readable XML ({e})"


def _blocks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cut: bytes) -> Iterator[bytes]:
    """The part's bytes in blocks that each end just after a `cut` (the last block may
    not), so no element that ends in `cut` is split between two blocks."""
    carry = b""
    with archive.open(info) as stream:
        while chunk := stream.read(BLOCK):
            data = carry + chunk
            end = data.rfind(cut)
            if end < 0:
                carry = data
                continue
            end += len(cut)
            carry = data[end:]
            yield data[:end]
    if carry:
        yield carry


def _scan_part(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, package: Package):
    name = info.filename
    sheet = name in package.sheets.values()
    shared = name.endswith("sharedStrings.xml")
    extent = _Extent()
    counted = False
    for number, block in enumerate(_blocks(archive, info, b"</row>" if sheet else b">")):
        if number == 0 and _utf16(block):
            raise refused(path, utf16_refusal(name))
        if _DECLARATION.search(block):
            raise refused(path, declaration_refusal(name))
        if sheet:
            extent.add(block)
            # The literal test first: a pattern starting with \s is searched slowly.
            if (b'"e"' in block or b"'e'" in block) and _ERROR_TYPE.search(block):
                package.errors.setdefault(name, {}).update(_error_cells(block))
            formula = _PREFIXED_FORMULA if prefixed(block) else _FORMULA
            if formula.search(block):
                every, uncalculated = _formula_cells(block)
                package.formulas.setdefault(name, []).extend(every)
                package.uncalculated.setdefault(name, []).extend(uncalculated)
        elif shared and not counted:
            # The declaration comes first: one look is enough.
            _check_counts(path, name, block, info.file_size)
            counted = True
    if sheet:
        _check_extent(path, name, package, extent.extent(archive, info))


def _check_counts(path: Path, name: str, block: bytes, size: int) -> None:
    """A shared-strings table cannot hold more strings than its bytes could spell."""
    head = re.search(rb"<sst\b[^>]*>", block)
    if head is None:
        return
    for what, number in _COUNTS.findall(head.group()):
        limit = size // 4 if what == b"uniqueCount" else MAX_CELLS
        if int(number) > max(limit, 1):
            raise refused(
                path,
                f"refused: the part {name} declares {int(number):,} strings, more than it "
                "could hold (a damaged or crafted file)",
            )


# A cell or row tag that does not say where it stands in the plain way (`r="A1"` in
# double or single quotes, upper-case letters): placed after the one before it, or written
# by an unusual hand. A sheet with one is measured tag by tag (`_measured`).
_UNPLACED = re.compile(rb"""<(?:c|row)(?=[\s>/])(?![^>]*\sr=["'][A-Z0-9])""")
# The same for rows alone: in a block whose cells all start `<c r="` (not ODD_CELL), only a
# row can lack its place, and a search for `<row` is quick.
_UNPLACED_ROW = re.compile(rb"""<row(?=[\s>/])(?![^>]*\sr=["'][0-9])""")


# A cell not written as `<c r="A1"`: another attribute first, other quotes or spaces.
ODD_CELL = re.compile(rb"""<c(?:[\t\r\n>/]| (?!r="))""")


class _Extent:
    """How far a sheet's cells reach, found in one pass without reading every cell's
    reference in Python, whatever order a writer puts a cell's attributes in.

    Rows say their number (`<row r="7">`) and their cells come after them in the same block
    (blocks end with a row), so the rows' numbers give the height. One search per block then
    looks for a cell whose reference lies past the extent so far: where every cell is
    written `<c r="A1"` (as Excel, LibreOffice, openpyxl and XlsxWriter write them) a search
    anchored on that text (`_beyond_plain`), else one that takes a cell's attributes in any
    order (`_beyond`), about ten times slower. The sheet's first row, or a rare wider one,
    moves the extent: that row alone is measured, and the search goes on after it. A sheet
    with a tag that does not say where it stands, or with namespace prefixes, is measured
    tag by tag instead.
    """

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.careful = False

    def add(self, block: bytes) -> None:
        if self.careful:
            return
        plain = not ODD_CELL.search(block)
        if (_UNPLACED_ROW if plain else _UNPLACED).search(block) or prefixed(block):
            self.careful = True
            return
        rows = _ROW.findall(block)
        if rows:
            self.rows = max(self.rows, max(map(int, rows)))
        beyond = _beyond_plain if plain else _beyond
        at = 0
        while found := beyond(max(self.rows, 1), self.columns).search(block, at):
            # The row holding the cell, measured alone; the search goes on after it.
            start = max(block.rfind(b"<row", 0, found.start()), 0)
            end = block.find(b"</row>", found.end())
            at = len(block) if end < 0 else end + len(b"</row>")
            height, width = _measured(iter((block[start:at],)))
            self.rows, self.columns = max(self.rows, height), max(self.columns, width)

    def extent(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
        if not self.careful:
            return self.rows, self.columns
        return _measured(_blocks(archive, info, b">"))


def _check_extent(path: Path, part: str, package: Package, extent: tuple[int, int]) -> None:
    height, width = extent
    if height > EXCEL_ROWS or width > EXCEL_COLUMNS or height * width > MAX_CELLS:
        sheet = next((s for s, p in package.sheets.items() if p == part), part)
        raise refused(
            path,
            f"refused: the sheet {sheet!r} reaches cell {column_letter(width)}{height}, "
            f"{height * width:,} cells, more than the {MAX_CELLS:,} Batchsheet reads; "
            "clear the cells far below or to the right of the batch and save again",
        )


def _past(height: int, width: int) -> bytes:
    """A reference past row `height` or column `width`, its closing quote included: the
    pattern both `_beyond` searches share. With no column yet (the sheet's first cells),
    any cell is past it."""
    column = greater(column_letter(width), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") if width else b"[A-Z]+"
    row = greater(str(height), "0123456789", first="123456789")
    # Only a row number as long as the height, or longer, can pass it: the lookahead turns
    # every shorter one away before the alternatives are tried, at nearly every cell.
    digits = len(str(height))
    return (
        rb"(?:" + column + rb")[0-9]|[A-Z]+0*(?=[1-9][0-9]{" + str(digits - 1).encode()
        + rb"})(?:" + row + rb""")["']"""
    )  # fmt: skip


@functools.lru_cache(maxsize=64)
def _beyond_plain(height: int, width: int) -> re.Pattern[bytes]:
    """`_beyond` for cells written `<c r="A1"`: anchored on that text, which the search
    finds quickly, with the few references a reader would place otherwise (lower-case
    letters, none at all) found as beyond, so their row is measured."""
    return re.compile(rb'<c r="(?:[^A-Z]|' + _past(height, width) + rb")")


@functools.lru_cache(maxsize=64)
def _beyond(height: int, width: int) -> re.Pattern[bytes]:
    """A cell, its attributes in any order, whose reference lies past row `height` or
    column `width`: searched once per block, it finds nothing in nearly all of them."""
    return re.compile(rb"""<c\s[^>]*?(?<=\s)r=["'](?:""" + _past(height, width) + rb")")


def prefixed(block: bytes) -> bool:
    """Whether the block writes cells, rows or formulas with a namespace prefix."""
    return bool(_PREFIXED.search(block)) and bool(
        re.search(rb"<[\w.-]+:(?:c|f|row|sheetData)[\s>/]", block)
    )


def greater(text: str, alphabet: str, first: str | None = None) -> bytes:
    """A pattern for the strings over `alphabet` that are greater than `text` read as a
    number in that alphabet (longer ones, or as long and greater at some place)."""
    first = first or alphabet
    options = [f"[{first}][{alphabet}]{{{len(text)},}}"]
    for i, ch in enumerate(text):
        higher = alphabet[alphabet.index(ch) + 1 :]
        if i == 0:
            higher = "".join(c for c in higher if c in first)
        if higher:
            rest = len(text) - i - 1
            options.append(
                re.escape(text[:i]) + f"[{higher}]" + (f"[{alphabet}]{{{rest}}}" if rest else "")
            )
    return "|".join(options).encode()


_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb"""(?<![\w.:-])r\s*=\s*["']\s*([A-Za-z]*)0*(\d*)\s*["']""")


def _measured(blocks: Iterator[bytes]) -> tuple[int, int]:
    """The exact extent of a sheet written in an unusual way, cell by cell; a row or cell
    that does not say where it is comes just after the one before, as readers place it."""
    height = width = row = column = 0
    for block in blocks:
        for m in _TAG.finditer(block):
            # A tag that says `r=` twice (one inside another attribute's value, in a crafted
            # file) is taken at its farthest: the extent is never less than a reader's.
            refs = _REF.findall(m.group(2))
            letters = max((r[0].upper() for r in refs), key=_column_order, default=b"")
            digits = max((r[1] for r in refs), key=_row_order, default=b"")
            if m.group(1) == b"row":
                row = int(digits) if digits else row + 1
                column = 0
                height = max(height, row)
                continue
            column = column_index(letters.decode()) if letters else column + 1
            height = max(height, int(digits) if digits else row)
            width = max(width, column)
    return height, width


def _column_order(letters: bytes) -> tuple[int, bytes]:
    return len(letters), letters


def _row_order(digits: bytes) -> int:
    return int(digits) if digits else 0


def _formula_cells(block: bytes) -> tuple[list[str], list[str]]:
    """References of the formula cells in `block`, and of those that hold no saved value."""
    every: list[str] = []
    found: list[str] = []
    for m in _PREFIXED_FORMULA.finditer(block):
        start = max(block.rfind(b"<c ", 0, m.start()), block.rfind(b":c ", 0, m.start()))
        end = block.find(b"c>", m.end())
        if start < 0:
            continue
        cell = block[start : end if end >= 0 else len(block)]
        ref = _REF.search(cell[: cell.find(b">") + 1])
        if ref is None or not ref.group(1):
            continue
        name = ref.group(1).decode().upper() + ref.group(2).decode()
        every.append(name)
        head = cell[: cell.find(b">") + 1]
        if not (_VALUE.search(cell) or (b't="str"' in head and _EMPTY_TEXT.search(cell))):
            found.append(name)
    return every, found


def _error_cells(block: bytes) -> dict[str, str]:
    """The cells of `block` holding an error value, each with the error as Excel shows it."""
    found = {}
    for m in _ERROR_CELL.finditer(block):
        ref = _REF.search(m.group(1))
        value = _ERROR_VALUE.search(m.group(2))
        if ref is None or not ref.group(1) or value is None:
            continue
        name = ref.group(1).decode().upper() + ref.group(2).decode()
        found[name] = value.group(1).decode("utf-8", "replace").strip()
    return found
