"""How a cell is spelled in a worksheet's XML, for the parts Batchsheet writes itself.

Two writers produce sheet XML directly rather than through a library: the batch rows of an
import (`batch_rows`) and the cells a mark or a fix changes (`book_edit`). Both spell a cell
here, so a value reads back the same whichever of them wrote it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

from ..engine.cells import EXCEL_EPOCH, NotAnExcelDate, date_serial

__all__ = ["EXCEL_EPOCH", "NotAnExcelDate", "date_serial"]

# Deflate level for a sheet part written here: the fastest, for a part about 30 % larger
# than the default makes it (a 43 MB sheet: 0.17 s and 8.0 MB; level 3, 0.29 s and 7.0 MB;
# the default, 0.59 s and 6.2 MB). Readers inflate all three equally fast.
SHEET_LEVEL = 1
# Python 3.13 names the slot compress_level; earlier ones _compresslevel.
_LEVEL_SLOT = (
    "compress_level" if "compress_level" in zipfile.ZipInfo.__slots__ else "_compresslevel"
)
# A carriage return is written as a reference: XML readers turn a literal one into a line
# feed, and the value would not read back as it was.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


# Readers decode `_xHHHH_` in a cell's text into the character HHHH (ECMA-376 Part 1,
# 22.9.2.19 ST_Xstring); a literal one is kept by escaping its underscore as `_x005F_`.
_LITERAL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def ooxml_text(text: str) -> str:
    """`text` as a cell's string must spell it, so that readers decode it back unchanged."""
    return _LITERAL_ESCAPE.sub("_x005F_", text) if "_x" in text else text


def text_body(text: str, style: int) -> str:
    """What follows `<c r="…"` for a cell holding `text` as an inline string."""
    s = f' s="{style}"' if style else ""
    # Readers drop surrounding white space unless it is declared significant.
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    spelled = ooxml_text(text).translate(_TEXT_ESCAPES)
    return f'{s} t="inlineStr"><is><t{space}>{spelled}</t></is></c>'


def number_body(value: float, style: int) -> str:
    """What follows `<c r="…"` for a cell holding a number (a date is its serial)."""
    s = f' s="{style}"' if style else ""
    return f"{s}><v>{number_text(value)}</v></c>"


def number_text(value: float) -> str:
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 2**53):
        return str(int(value))
    return repr(float(value))


def sheet_entry(name: str, date_time: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    """A package entry for a sheet part written in pieces, deflated at `SHEET_LEVEL`."""
    info = zipfile.ZipInfo(name, date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    setattr(info, _LEVEL_SLOT, SHEET_LEVEL)
    return info


def with_zip64_if_needed(write: Callable[[bool], None]) -> None:
    """Run `write(zip64)`, a whole package written from the start, without ZIP64 records,
    and again with them only when a part turned out to need them (past 2 GiB).

    A part written in pieces has no size known in advance, and zipfile would otherwise
    need telling to add ZIP64 records to every one, tiny ones too; Excel 2007, older
    LibreOffice and some zip libraries reject those.
    """
    try:
        write(False)
    except RuntimeError as e:  # zipfile's "File size too large, try using force_zip64"
        if "force_zip64" not in str(e):
            raise
        write(True)
