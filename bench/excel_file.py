"""Make a workbook written by openpyxl's write-only mode look like one Excel saved.

Excel always writes a sheet's `<dimension>` and keeps text in the shared-strings table;
openpyxl's write-only mode does neither (text goes inline in each cell). Both matter to a
reader: without the dimension openpyxl's read-only mode parses the whole sheet once more
just to size it, and each inline string is built as a rich-text object. The validate
benchmark should meet the file a user's Excel produced, so the typed workbook is rewritten.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_SHEET_PR_END = re.compile(rb"</sheetPr>|<sheetPr[^>]*/>")
_INLINE = re.compile(
    rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
)
_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _with_dimension(data: bytes, ref: str) -> bytes:
    if b"<dimension" in data[:4096]:
        return data
    m = _SHEET_PR_END.search(data, 0, 4096)
    at = m.end() if m else data.index(b">", data.index(b"<worksheet")) + 1
    return data[:at] + f'<dimension ref="{ref}"/>'.encode() + data[at:]


def _shared(data: bytes, table: dict[bytes, int]) -> bytes:
    def index(m: re.Match[bytes]) -> bytes:
        # The text is already XML-escaped, and stays so in the table: same bytes, same text.
        i = table.setdefault(m.group(3), len(table))
        return b"<c " + m.group(1) + b't="s"' + m.group(2) + b"><v>" + str(i).encode() + b"</v></c>"

    return _INLINE.sub(index, data)


def _table_xml(table: dict[bytes, int], count: int) -> bytes:
    items = b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in table)
    head = f'<sst xmlns="{_MAIN.decode()}" count="{count}" uniqueCount="{len(table)}">'
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + head.encode()
        + items
        + b"</sst>"
    )


def excel_like(path: Path, sheet_xml: str, ref: str) -> None:
    """Rewrite `path` in place: `sheet_xml` gets its dimension and every inline string of
    the workbook moves to a shared-strings table."""
    temp = path.with_suffix(path.suffix + ".part")
    table: dict[bytes, int] = {}
    count = 0
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        if "xl/sharedStrings.xml" in names:
            raise ValueError(f"{path} already has shared strings")
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet") and info.filename.endswith(".xml"):
                count += data.count(b't="inlineStr"')
                data = _shared(data, table)
                if info.filename == sheet_xml:
                    data = _with_dimension(data, ref)
            elif info.filename == "[Content_Types].xml":
                override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            elif info.filename == "xl/_rels/workbook.xml.rels":
                rel = (
                    f'<Relationship Type="{_SST_REL}" Target="sharedStrings.xml" Id="rIdBenchSst"/>'
                )
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            dst.writestr(info, data)
        dst.writestr("xl/sharedStrings.xml", _table_xml(table, count))
    temp.replace(path)
