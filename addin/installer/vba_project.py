"""Renaming a VBA project inside a `vbaProject.bin`.

pyopenvba edits modules but has no call for the project's own name, which [MS-OVBA] keeps in
two places: the PROJECTNAME record of the compressed `VBA/dir` stream (what the VBA editor
shows and code compiles against) and the `Name="..."` line of the plain-text `PROJECT` stream.
Both are rewritten here with pyopenvba's own container and compression code.

The dir stream is also cut after its Terminator record: pyopenvba 6.5.0 leaves four bytes
after it, which [MS-OVBA] 2.3.4.2 does not allow and an independent reader reports.
"""

from __future__ import annotations

import re
import struct

from pyopenvba.cfb import CFB
from pyopenvba.vba import compress, decompress

PROJECTNAME = 0x0004
PROJECTVERSION = 0x0009
TERMINATOR = 0x0010
# The PROJECTINFORMATION records that may come before PROJECTNAME ([MS-OVBA] 2.3.4.2.1): each
# is a plain id/size/data record, so the walk to PROJECTNAME needs no special cases.
_RECORDS_BEFORE_NAME = {0x0001, 0x004A, 0x0002, 0x0014, 0x0003}
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,127}")
_NAME_LINE = re.compile(rb'^Name="[^"\r\n]*"\r?$', re.MULTILINE)


class VBAProjectNameError(ValueError):
    """The project cannot carry the requested name, or its streams are not as expected."""


def project_name(vba_bin: bytes) -> str:
    """The project name recorded in the `VBA/dir` stream."""
    dir_raw = decompress(CFB.from_bytes(vba_bin).get_stream_in_storage("VBA", "dir"))
    start, end = _name_record(dir_raw)
    return dir_raw[start + 6 : end].decode("ascii")


def rename_project(vba_bin: bytes, name: str) -> bytes:
    """`vba_bin` with its project called `name` (an ASCII VBA identifier)."""
    if not _IDENTIFIER.fullmatch(name):
        raise VBAProjectNameError(f"{name!r} is not a valid VBA project name")
    cfb = CFB.from_bytes(vba_bin)
    dir_raw = decompress(cfb.get_stream_in_storage("VBA", "dir"))
    start, end = _name_record(dir_raw)
    encoded = name.encode("ascii")
    record = struct.pack("<HI", PROJECTNAME, len(encoded)) + encoded
    renamed_dir = _through_terminator(dir_raw[:start] + record + dir_raw[end:])
    cfb.write_stream_in_storage("VBA", "dir", compress(renamed_dir))

    project = cfb.get_stream("PROJECT")
    renamed, count = _NAME_LINE.subn(lambda m: _name_line(m.group(0), encoded), project, count=1)
    if count != 1:
        raise VBAProjectNameError("the PROJECT stream has no Name= line")
    cfb.write_stream("PROJECT", renamed)
    return cfb.to_bytes()


def _name_line(line: bytes, encoded: bytes) -> bytes:
    ending = b"\r" if line.endswith(b"\r") else b""
    return b'Name="' + encoded + b'"' + ending


def _name_record(dir_raw: bytes) -> tuple[int, int]:
    """Start and end offsets of the PROJECTNAME record in a decompressed dir stream."""
    pos = 0
    while pos + 6 <= len(dir_raw):
        record_id, size = struct.unpack_from("<HI", dir_raw, pos)
        end = pos + 6 + size
        if end > len(dir_raw):
            break
        if record_id == PROJECTNAME:
            return pos, end
        if record_id not in _RECORDS_BEFORE_NAME:
            break
        pos = end
    raise VBAProjectNameError("the VBA dir stream has no PROJECTNAME record where expected")


def _through_terminator(dir_raw: bytes) -> bytes:
    """The decompressed dir stream up to the end of its Terminator record.

    Every record is an id, a size and that many bytes, except PROJECTVERSION, whose size
    field is a reserved 4 followed by 6 bytes of version ([MS-OVBA] 2.3.4.2.1.11).
    """
    pos = 0
    while pos + 6 <= len(dir_raw):
        record_id, size = struct.unpack_from("<HI", dir_raw, pos)
        pos += 6 + (6 if record_id == PROJECTVERSION else size)
        if record_id == TERMINATOR:
            return dir_raw[:pos]
    raise VBAProjectNameError("the VBA dir stream has no Terminator record")
