"""Changing a few cells of a workbook file and nothing else.

Marking a sheet and applying fixes change a few thousand cells of a sheet that may hold a
hundred thousand rows, in a workbook the user may have decorated. Loading it into
openpyxl's object model and saving it again costs a gigabyte and two minutes, drops what
openpyxl does not model (images, charts, comments' formatting, pivot caches, extension
lists) and forgets every formula's saved value. So the edit is made on the package itself:

- the data sheet's XML is streamed block by block (a block ends with a row); a row that
  needs no change is copied as bytes, a row that does is rebuilt cell by cell, keeping its
  other cells as they were, and rows that do not exist yet are inserted in order;
- the `<dimension>` is widened to cover what was written;
- text is written as inline strings (no shared-strings table to rewrite); text that looks
  like a formula gets a quote-prefixed style, a date a date style, added to the styles part
  only when the workbook has none to reuse;
- the Audit sheet, when asked for, gets its rows appended (or is added as a new part);
- every other part is copied unchanged, in the same order.

- a cell whose formula the edit replaces is taken out of the calculation chain: the chain
  part is dropped (with its relationship and content type), as Excel rebuilds it, rather
  than left pointing at a cell with no formula (Excel's "Removed Records: Formula").

The new package goes to a temporary file, is read back as a workbook (`readback`), and only
then replaces the workbook (`files.write_atomically`).

No library does this: openpyxl rewrites the whole package, XlsxWriter only creates new
files, and lxml would parse every row into objects to change a few. The rows are found
with regular expressions over bytes, in the forms that Excel, LibreOffice, openpyxl and
XlsxWriter write; a sheet written in another form (namespace prefixes) is refused with a
sentence rather than guessed at.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape

from ..engine.findings import cell_place, column_index, column_letter
from ..files import WriteRefused, in_place, shown, write_atomically
from ..refusals import ReadError
from .package import BLOCK, ODD_CELL, Package, greater, inspect_package, normal_part, prefixed
from .package_parts import DECLARATION, REL_NS, with_child, with_override, with_relationship
from .readback import SHEET_CONTENT, SHEET_TYPE, read_back
from .sheet_values import FORMULA_LIKE
from .sheet_xml import (
    NotAnExcelDate,
    date_serial,
    number_body,
    sheet_entry,
    text_body,
    with_zip64_if_needed,
)

# Cells: (row, 1-based column) -> the new value; None leaves the cell blank.
Cells = Mapping[tuple[int, int], object]

_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
_SPANS = re.compile(rb'\sspans="[^"]*"')
_DIMENSION = re.compile(rb'<dimension\s+ref="([^"]*)"\s*/>')
_COL = re.compile(rb"<col\b([^>]*)/?>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_ALIGNMENT = re.compile(rb"<alignment\b[^>]*?/>|<alignment\b[^>]*>.*?</alignment>", re.S)
_TRUE_WRAP = re.compile(rb'\swrapText="(?:1|true)"')
_WRAP = re.compile(rb'\swrapText="[^"]*"')
_HEIGHT = re.compile(rb'\sht="[^"]*"')
_CUSTOM_HEIGHT = re.compile(rb'\scustomHeight="(?:1|true)"')
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CALC_CHAIN_TYPE = rb"http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"


@dataclass
class SheetEdit:
    """What to change on one sheet: `cells` get new values; `clear` (first column, last
    column, first row) empties a block of columns from a row down, before `cells` apply.
    A text written in one of the `wrapped` columns wraps at the column's width; its row
    takes the height `heights` gives it, or none (the sheet's own), unless the user set
    the row's height."""

    cells: Cells = field(default_factory=dict)
    clear: tuple[int, int, int] | None = None
    wrapped: frozenset[int] = frozenset()
    heights: Mapping[int, float] = field(default_factory=dict)


def edit_book(
    path: Path,
    sheet: str,
    edit: SheetEdit,
    *,
    append: tuple[str, Sequence[Sequence[str]], Sequence[str]] | None = None,
    expect: tuple[int, int] | None = None,
    since: str = "it was read",
    package: Package | None = None,
) -> None:
    """Make `edit` on the sheet named `sheet` of the workbook at `path`, in place.

    `append` (sheet name, rows, headings) adds rows of text at the end of another sheet,
    created with the headings when the workbook has none. `expect` (size, modification
    time in ns) refuses the edit when the file changed since it was read; `package` is its
    inspection then, which an unchanged file need not repeat.
    """
    path = Path(path)
    if expect is None or package is None:
        package = inspect_package(path)
    if expect is not None:
        now = path.stat()
        if (now.st_size, now.st_mtime_ns) != expect:
            raise WriteRefused(
                f"{shown(path)}: the workbook changed since {since}; nothing was written. "
                "Run the command again."
            )
    part = package.part_of(sheet)
    if part is None:
        raise ReadError(shown(path), f"the workbook has no sheet named {sheet!r}")

    def write(temp: Path) -> None:
        with zipfile.ZipFile(path) as source, _named(path):
            with_zip64_if_needed(
                lambda zip64: _rewrite(source, temp, package, part, edit, append, zip64)
            )

    with in_place(path):
        write_atomically(path, write, replace=True, verify=lambda temp: read_back(temp, path))


def _rewrite(
    source: zipfile.ZipFile,
    temp: Path,
    package: Package,
    part: str,
    edit: SheetEdit,
    append: tuple[str, Sequence[Sequence[str]], Sequence[str]] | None,
    zip64: bool,
) -> None:
    styles_part = _styles_part(source)
    styles = Styles(source.read(styles_part) if styles_part else None, date1904=package.date1904)
    changed: dict[str, bytes] = {}
    added: list[tuple[str, bytes]] = []
    if append is not None:
        name, rows, headings = append
        target = package.part_of(name)
        if target is not None:
            changed[target] = append_rows(source.read(target), rows, styles)
        else:
            added.append(_new_sheet(source, name, [list(headings), *rows], styles, changed))
    replaces = _replaces_formulas(package.formulas.get(part, ()), edit)
    dropped = _drop_calc_chain(source, changed) if replaces else set()
    names = [info.filename for info in source.infolist()]
    # The styles part is final only once the sheet is written; one that comes before the
    # sheet in the package moves after it.
    late_styles = styles_part is not None and names.index(styles_part) < names.index(part)
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            name = info.filename
            if name == part:
                copy = sheet_entry(name, source.getinfo(name).date_time)
                copy.external_attr = info.external_attr
                with source.open(info) as stream, out.open(copy, "w", force_zip64=zip64) as dst:
                    for piece in edit_sheet(_blocks(stream), edit, styles):
                        dst.write(piece)
            elif name in dropped:
                continue
            elif name == styles_part:
                if not late_styles:
                    out.writestr(_info(source, name), styles.xml())
            else:
                out.writestr(_info(source, name), changed.get(name) or source.read(info))
        if late_styles and styles_part is not None:
            out.writestr(_info(source, styles_part), styles.xml())
        for name, data in added:
            out.writestr(_info(source, name), data)


def _info(source: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    try:
        old = source.getinfo(name)
        info = zipfile.ZipInfo(name, old.date_time)
        info.external_attr = old.external_attr
    except KeyError:
        info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


@contextlib.contextmanager
def _named(path: Path) -> Iterator[None]:
    """A value the workbook cannot hold, or a sheet written in a form the edit does not
    know, refused in words that name the file: the code that finds either reads only the
    parts' bytes."""
    try:
        yield
    except NotAnExcelDate as e:
        raise WriteRefused(f"{shown(path)}: {e}; nothing was written") from None
    except ReadError as e:
        if e.path:
            raise
        raise ReadError(shown(path), f"{e.message}; nothing was written") from None


def _replaces_formulas(formulas: Sequence[str], edit: SheetEdit) -> bool:
    """Whether the edit writes over, or clears, a cell that holds a formula."""
    for ref in formulas:
        if not ref[-1:].isdigit():
            continue  # a reference without its row: no cell the edit can name
        row, column = cell_place(ref)
        if (row, column) in edit.cells:
            return True
        if edit.clear and edit.clear[0] <= column <= edit.clear[1] and row >= edit.clear[2]:
            return True
    return False


def _drop_calc_chain(source: zipfile.ZipFile, changed: dict[str, bytes]) -> set[str]:
    """Take the calculation chain out of the package (its part, the workbook's link to it
    and its content type), as Excel rebuilds a missing one; the parts dropped."""
    rels_name = "xl/_rels/workbook.xml.rels"
    names = set(source.namelist())
    if rels_name not in names:
        return set()
    rels = changed.get(rels_name) or source.read(rels_name)
    link = re.search(rb"<Relationship\b[^>]*?Type=\"" + CALC_CHAIN_TYPE + rb"\"[^>]*>", rels)
    if link is None:
        return set()
    target = re.search(rb'Target="([^"]*)"', link.group(0))
    written = target.group(1).decode() if target else "calcChain.xml"
    part = normal_part(written.lstrip("/") if written.startswith("/") else "xl/" + written)
    changed[rels_name] = rels[: link.start()] + rels[link.end() :]
    types = changed.get("[Content_Types].xml") or source.read("[Content_Types].xml")
    changed["[Content_Types].xml"] = re.sub(
        rb'<Override\b[^>]*?PartName="/' + re.escape(part.encode()) + rb'"[^>]*>', b"", types
    )
    return {part} & names


def _styles_part(source: zipfile.ZipFile) -> str | None:
    names = source.namelist()
    return "xl/styles.xml" if "xl/styles.xml" in names else None


def _blocks(stream) -> Iterator[bytes]:
    """The sheet's bytes in blocks that each end just after a row (the last may not)."""
    carry = b""
    while chunk := stream.read(BLOCK):
        data = carry + chunk
        end = data.rfind(b"</row>")
        if end < 0:
            carry = data
            continue
        end += len(b"</row>")
        carry = data[end:]
        yield data[:end]
    if carry:
        yield carry


# -- styles --------------------------------------------------------------------------------


class Styles:
    """The workbook's cell formats (`cellXfs`), to find or add one that keeps text text or
    shows a date; the styles part is rewritten only when one was added."""

    DATE_FORMATS = frozenset({14, 15, 16, 17, 22})

    def __init__(self, xml: bytes | None, *, date1904: bool = False) -> None:
        self.original = xml
        # The workbook's date system, which a date's serial counts in.
        self.date1904 = date1904
        self.added: list[bytes] = []
        self.xfs: list[bytes] = []
        self.date_ids: set[int] = set(self.DATE_FORMATS)
        if xml is None:
            return
        block = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", xml, re.S)
        if block is not None:
            self.xfs = re.findall(rb"<xf\b[^>]*?(?:/>|>.*?</xf>)", block.group(1), re.S)
        for m in re.finditer(rb"<numFmt\b([^>]*)/?>", xml):
            attrs = dict(_ATTR.findall(m.group(1)))
            code = attrs.get(b"formatCode", b"").lower()
            code = re.sub(rb'"[^"]*"|\[[^\]]*\]', b"", code)
            if re.search(rb"[dy]", code) and b"@" not in code:
                self.date_ids.add(int(attrs.get(b"numFmtId", b"0")))

    def _attr(self, index: int, name: bytes) -> bytes | None:
        if index >= len(self.xfs):
            return None
        return dict(_ATTR.findall(self.xfs[index].split(b">", 1)[0])).get(name)

    def keeps_text(self, index: int) -> bool:
        return (
            self._attr(index, b"quotePrefix") in (b"1", b"true")
            or self._attr(index, b"numFmtId") == b"49"
        )

    def shows_date(self, index: int) -> bool:
        return int(self._attr(index, b"numFmtId") or 0) in self.date_ids

    def variant(self, index: int, **attrs: str) -> int:
        """The format `index` with `attrs` set: an existing one that matches, or a new one."""
        return self._registered(_with_attributes(self._xf(index), attrs))

    def wraps(self, index: int) -> bool:
        alignment = _ALIGNMENT.search(self._xf(index))
        return alignment is not None and _TRUE_WRAP.search(alignment.group(0)) is not None

    def wrapping_style(self, index: int) -> int:
        """The format `index` with its text wrapped and read from the top of the cell."""
        if self.wraps(index) or self.original is None:
            return index  # a workbook without a styles part has no format to add to
        xf = _with_attributes(self._xf(index), {"applyAlignment": "1"})
        head, sep, rest = xf.partition(b">")
        if head.endswith(b"/"):
            head, rest = head[:-1], b"</xf>"
        alignment = _ALIGNMENT.search(rest)
        if alignment is None:
            # An xf's alignment comes first among its children (CT_Xf).
            rest = b'<alignment vertical="top" wrapText="1"/>' + rest
        else:
            element = _WRAP.sub(b"", alignment.group(0))
            vertical = b"" if b"vertical=" in element else b' vertical="top"'
            element = element.replace(b"<alignment", b"<alignment" + vertical + b' wrapText="1"', 1)
            rest = rest[: alignment.start()] + element + rest[alignment.end() :]
        return self._registered(head + sep + rest)

    def _xf(self, index: int) -> bytes:
        return self.xfs[index] if index < len(self.xfs) else b'<xf numFmtId="0" xfId="0"/>'

    def _registered(self, xf: bytes) -> int:
        """The index of the format `xf`: an existing one that matches, or a new one."""
        if xf in self.xfs:
            return self.xfs.index(xf)
        self.xfs.append(xf)
        self.added.append(xf)
        return len(self.xfs) - 1

    def text_style(self, index: int) -> int:
        return index if self.keeps_text(index) else self.variant(index, quotePrefix="1")

    def date_style(self, index: int) -> int:
        if self.shows_date(index):
            return index
        return self.variant(index, numFmtId="14", applyNumberFormat="1")

    def xml(self) -> bytes:
        if self.original is None or not self.added:
            return self.original or b""
        count = len(self.xfs)

        def grown(m: re.Match[bytes]) -> bytes:
            head = re.sub(rb'\scount="\d+"', b"", m.group(1))
            return (
                head + b' count="%d">' % count + m.group(2) + b"".join(self.added) + b"</cellXfs>"
            )

        return re.sub(
            rb"(<cellXfs\b[^>]*?)\s*>(.*?)</cellXfs>", grown, self.original, count=1, flags=re.S
        )


def _with_attributes(xf: bytes, attrs: Mapping[str, str]) -> bytes:
    """The `<xf>` element with `attrs` set on it."""
    head, sep, rest = xf.partition(b">")
    closing = head.endswith(b"/")
    head = head[:-1] if closing else head
    for name, value in attrs.items():
        pattern = re.compile(rb"\s" + name.encode() + rb'="[^"]*"')
        pair = f' {name}="{value}"'.encode()
        head = pattern.sub(pair, head) if pattern.search(head) else head + pair
    return head + (b"/" if closing else b"") + sep + rest


# -- cells ---------------------------------------------------------------------------------


def cell_xml(ref: str, value: object, style: int | None, styles: Styles) -> bytes:
    """One cell element holding `value` as Excel would store it; None: only its style."""
    if isinstance(value, str) and FORMULA_LIKE.match(value):
        style = styles.text_style(style or 0)
    elif isinstance(value, (dt.datetime, dt.date)):
        style = styles.date_style(style or 0)
    if value is None or value == "":
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s}/>'.encode()
    if isinstance(value, bool):
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'.encode()
    if isinstance(value, (int, float)):
        body = number_body(value, style or 0)
    elif isinstance(value, (dt.datetime, dt.date)):
        try:
            serial = date_serial(value, date1904=styles.date1904)
        except NotAnExcelDate as e:
            raise NotAnExcelDate(f"cell {ref}: {e}, so it cannot be written as a date") from None
        body = number_body(serial, style or 0)
    else:
        body = text_body(str(value), style or 0)
    return f'<c r="{ref}"{body}'.encode()


# -- the sheet -----------------------------------------------------------------------------


def edit_sheet(blocks: Iterator[bytes], edit: SheetEdit, styles: Styles) -> Iterator[bytes]:
    """The sheet's XML with `edit` made, block by block."""
    by_row: dict[int, dict[int, object]] = {}
    for (row, column), value in edit.cells.items():
        by_row.setdefault(row, {})[column] = value
    pending = sorted(by_row)
    clear = edit.clear
    clear_cells = _clear_pattern(clear) if clear else None
    column_styles: list[tuple[int, int, int]] = []
    in_data = False
    for block in blocks:
        if prefixed(block):
            raise ReadError(
                "",
                "the data sheet is written with XML namespace prefixes, which Batchsheet does "
                "not edit; open the workbook in Excel and save it again",
            )
        start = 0
        if not in_data:
            opening = re.search(rb"<sheetData\b[^>]*?(/?)>", block)
            if opening is None:
                yield block
                continue
            prelude = block[: opening.start()]
            column_styles = _column_styles(prelude)
            yield _widened(prelude, edit)
            if opening.group(1):  # <sheetData/>: no rows at all
                yield b"<sheetData>"
                yield from _new_rows(pending, by_row, column_styles, styles, edit)
                pending = []
                yield b"</sheetData>"
                yield block[opening.end() :]
                in_data = None  # type: ignore[assignment]
                continue
            yield block[opening.start() : opening.end()]
            start = opening.end()
            in_data = True
        if in_data is None:
            yield block
            continue
        end_data = block.find(b"</sheetData>", start)
        body_end = end_data if end_data >= 0 else len(block)
        stale = set()
        if clear_cells is not None and clear is not None:
            found = map(int, clear_cells.findall(block, start, body_end))
            stale = {n for n in found if n >= clear[2]}
        wanted = set(pending) | stale
        position = start
        for m in _rows_to_visit(block, start, body_end, wanted):
            number_match = _ROW_NUMBER.search(m.group(1))
            if number_match is None:
                raise ReadError(
                    "",
                    "the data sheet has a row that does not say its number, which Batchsheet "
                    "does not edit; open the workbook in Excel and save it again",
                )
            number = int(number_match.group(1))
            # Rows the edit adds that come before this one.
            before = bisect.bisect_left(pending, number)
            if before:
                yield block[position : m.start()]
                position = m.start()
                yield from _new_rows(pending[:before], by_row, column_styles, styles, edit)
                del pending[:before]
            if number not in wanted:
                continue
            end = m.end() if m.group(2) else block.find(b"</row>", m.end()) + len(b"</row>")
            yield block[position : m.start()]
            body = b"" if m.group(2) else block[m.end() : end - len(b"</row>")]
            changes = by_row.get(number, {})
            if pending and pending[0] == number:
                del pending[0]
            yield _rebuilt_row(m.group(1), number, body, changes, edit, column_styles, styles)
            position = end
        if end_data >= 0:
            yield block[position:end_data]
            yield from _new_rows(pending, by_row, column_styles, styles, edit)
            pending = []
            yield block[end_data:]
            in_data = None  # type: ignore[assignment]
        else:
            yield block[position:]


def _rows_to_visit(block: bytes, start: int, end: int, wanted: set[int]) -> Iterator[re.Match]:
    """The row elements of `block` the edit must look at, in order.

    Where every row says its number first (`<row r="N"`, as every common writer does) and
    every wanted row of the block is there, those are found directly, and the thousands of
    rows between them are not visited; otherwise every row is, so that a row the edit adds
    goes in its place.
    """
    rows = block.count(b"<row ", start, end) + block.count(b"<row>", start, end)
    if rows and rows == block.count(b'<row r="', start, end):
        last_at = block.rfind(b'<row r="', start, end)
        last = int(block[last_at + 8 : block.index(b'"', last_at + 8)])
        found = []
        position = start
        for number in sorted(n for n in wanted if n <= last):
            at = block.find(b'<row r="%d"' % number, position, end)
            if at < 0:
                break
            found.append(_ROW.match(block, at))
            position = at
        else:
            return iter(found)  # type: ignore[arg-type]
    return _ROW.finditer(block, start, end)


def _clear_pattern(clear: tuple[int, int, int]) -> re.Pattern[bytes]:
    first, last, _ = clear
    letters = b"|".join(column_letter(c).encode() for c in range(first, last + 1))
    return re.compile(rb'<c r="(?:' + letters + rb')(\d+)"')


def _column_styles(prelude: bytes) -> list[tuple[int, int, int]]:
    out = []
    for m in _COL.finditer(prelude):
        attrs = dict(_ATTR.findall(m.group(1)))
        if b"style" in attrs:
            out.append((int(attrs[b"min"]), int(attrs[b"max"]), int(attrs[b"style"])))
    return out


def _column_style(column_styles: list[tuple[int, int, int]], column: int) -> int | None:
    return next((s for lo, hi, s in column_styles if lo <= column <= hi), None)


def _widened(prelude: bytes, edit: SheetEdit) -> bytes:
    """The prelude with its `<dimension>` covering every cell the edit writes."""
    m = _DIMENSION.search(prelude)
    if m is None or not edit.cells:
        return prelude
    refs = m.group(1).decode().split(":")
    found = [re.fullmatch(r"([A-Z]+)(\d+)", r) for r in refs]
    if not all(found):
        return prelude
    rows = [int(f.group(2)) for f in found if f] + [r for r, _ in edit.cells]
    columns = [column_index(f.group(1)) for f in found if f] + [c for _, c in edit.cells]
    ref = f"{column_letter(min(columns))}{min(rows)}:{column_letter(max(columns))}{max(rows)}"
    if min(rows) == max(rows) and min(columns) == max(columns):
        ref = ref.split(":")[0]
    return prelude[: m.start()] + f'<dimension ref="{ref}"/>'.encode() + prelude[m.end() :]


def _new_rows(
    numbers: list[int],
    by_row: dict[int, dict[int, object]],
    column_styles: list[tuple[int, int, int]],
    styles: Styles,
    edit: SheetEdit,
) -> Iterator[bytes]:
    wrapped, heights = edit.wrapped, edit.heights
    for number in numbers:
        cells = [
            cell_xml(
                f"{column_letter(c)}{number}",
                v,
                _written_style(c, _column_style(column_styles, c), wrapped, styles),
                styles,
            )
            for c, v in sorted(by_row[number].items())
            if v is not None
        ]
        if cells:
            height = _height(heights.get(number)).decode()
            yield f'<row r="{number}"{height}>'.encode() + b"".join(cells) + b"</row>"


def _rebuilt_row(
    attrs: bytes,
    number: int,
    body: bytes,
    changes: dict[int, object],
    edit: SheetEdit,
    column_styles: list[tuple[int, int, int]],
    styles: Styles,
) -> bytes:
    clear = edit.clear
    cleared = range(clear[0], clear[1] + 1) if clear and number >= clear[2] else range(0)
    # The cells left of every column the edit touches are kept as bytes, unparsed (cells of
    # a row stand in column order); only a row written unusually is parsed whole.
    lowest = min([*changes, *cleared[:1]], default=1)
    prefix = b""
    if lowest > 1 and not ODD_CELL.search(body):
        first = _from_column(lowest).search(body)
        cut = first.start() if first else len(body)
        prefix, body = body[:cut], body[cut:]
    cells: dict[int, bytes] = {}
    column = 0
    for m in _CELL.finditer(body):
        ref = _REF.search(m.group(1))
        column = column_index(ref.group(1).decode()) if ref else column + 1
        cells[column] = m.group(0)
    for c in cleared:
        cells.pop(c, None)
    for c, value in changes.items():
        old = cells.get(c)
        style = None
        if old is not None:
            s = _STYLE.search(old.split(b">", 1)[0])
            style = int(s.group(1)) if s else None
        if style is None:
            style = _column_style(column_styles, c)
        if value is None and old is None:
            continue
        if value is not None:
            style = _written_style(c, style, edit.wrapped, styles)
        cells[c] = cell_xml(f"{column_letter(c)}{number}", value, style, styles)
    # `spans` is an optional hint of the row's extent; an edited row no longer keeps it.
    attrs = _SPANS.sub(b"", attrs)
    if edit.wrapped.intersection(changes, cleared) and not _CUSTOM_HEIGHT.search(attrs):
        # A height the user did not set was fitted to the old text.
        attrs = _HEIGHT.sub(b"", attrs) + _height(edit.heights.get(number))
    if not cells and not prefix:
        return b"<row" + attrs + b"/>"
    kept = b"".join(cells[c] for c in sorted(cells))
    return b"<row" + attrs + b">" + prefix + kept + b"</row>"


def _height(height: float | None) -> bytes:
    return b' ht="%s"' % f"{height:g}".encode() if height is not None else b""


def _written_style(
    column: int, style: int | None, wrapped: frozenset[int], styles: Styles
) -> int | None:
    """The style of a value written in `column`: a wrapped column's wraps its text."""
    return styles.wrapping_style(style or 0) if column in wrapped else style


@functools.lru_cache(maxsize=64)
def _from_column(column: int) -> re.Pattern[bytes]:
    """A cell reference in column `column` or to its right."""
    letters = greater(column_letter(column - 1), "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return re.compile(rb'<c r="(?:' + letters + rb")[0-9]")


# -- other sheets --------------------------------------------------------------------------


def _text_row(number: int, values: Sequence[str], styles: Styles) -> bytes:
    cells = [
        cell_xml(f"{column_letter(c)}{number}", v, None, styles)
        for c, v in enumerate(values, start=1)
        if v not in (None, "")
    ]
    return f'<row r="{number}">'.encode() + b"".join(cells) + b"</row>"


def append_rows(xml: bytes, rows: Sequence[Sequence[str]], styles: Styles) -> bytes:
    """A sheet's XML with rows of text added after its last row."""
    numbers = [int(n) for n in re.findall(rb'<row\b[^>]*?\br="(\d+)"', xml)]
    last = max(numbers, default=0)
    added = b"".join(_text_row(last + i, r, styles) for i, r in enumerate(rows, start=1))
    width = max((len(r) for r in rows), default=1)
    end = last + len(rows)
    if b"<sheetData/>" in xml:
        xml = xml.replace(b"<sheetData/>", b"<sheetData>" + added + b"</sheetData>", 1)
    else:
        at = xml.rfind(b"</sheetData>")
        xml = xml[:at] + added + xml[at:]
    return _DIMENSION.sub(f'<dimension ref="A1:{column_letter(width)}{end}"/>'.encode(), xml, 1)


def _new_sheet(
    source: zipfile.ZipFile,
    name: str,
    rows: Sequence[Sequence[str]],
    styles: Styles,
    changed: dict[str, bytes],
) -> tuple[str, bytes]:
    """A new worksheet part holding `rows`, linked into the workbook, its relationships
    and the content types (those three parts are put in `changed`)."""
    names = set(source.namelist())
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in names:
        number += 1
    part = f"xl/worksheets/sheet{number}.xml"
    width = max(len(r) for r in rows)
    body = b"".join(_text_row(i, r, styles) for i, r in enumerate(rows, start=1))
    xml = (
        DECLARATION
        + f'<worksheet xmlns="{MAIN_NS}">'.encode()
        + f'<dimension ref="A1:{column_letter(width)}{len(rows)}"/>'.encode()
        + b'<cols><col min="1" max="1" width="12" customWidth="1"/>'
        b'<col min="2" max="3" width="30" customWidth="1"/>'
        b'<col min="4" max="4" width="50" customWidth="1"/>'
        b'<col min="5" max="5" width="20" customWidth="1"/></cols>'
        + b"<sheetData>"
        + body
        + b"</sheetData></worksheet>"
    )
    rels_name = "xl/_rels/workbook.xml.rels"
    try:
        rels, rid = with_relationship(
            changed.get(rels_name) or source.read(rels_name),
            SHEET_TYPE,
            str(PurePosixPath(part).relative_to("xl")),
        )
        types = with_override(
            changed.get("[Content_Types].xml") or source.read("[Content_Types].xml"),
            part,
            SHEET_CONTENT,
        )
    except ValueError as e:
        raise ReadError("", f"{e}, which Batchsheet does not edit") from None
    workbook = changed.get("xl/workbook.xml") or source.read("xl/workbook.xml")
    sheet_ids = [int(i) for i in re.findall(rb'<sheet\b[^>]*\bsheetId="(\d+)"', workbook)]
    # A prefix serves here only where the root declares it; other writers (openpyxl with
    # lxml among them) declare it on each <sheet>, where it does not reach a new one.
    root = re.search(rb"<(?:\w+:)?workbook\b[^>]*>", workbook)
    prefix = root and re.search(rb'xmlns:(\w+)="' + re.escape(REL_NS.encode()) + rb'"', root[0])
    r = prefix.group(1).decode() if prefix else "r"
    declare = "" if prefix else f' xmlns:r="{REL_NS}"'
    sheet_id = max(sheet_ids, default=0) + 1
    entry = f'sheet name="{escape(name)}" sheetId="{sheet_id}"{declare} {r}:id="{rid}"'
    try:
        workbook = with_child(workbook, "sheets", entry)
    except ValueError:
        no_sheets = "the workbook lists no sheets, which Batchsheet does not edit"
        raise ReadError("", no_sheets) from None
    changed.update({rels_name: rels, "xl/workbook.xml": workbook, "[Content_Types].xml": types})
    return part, xml
