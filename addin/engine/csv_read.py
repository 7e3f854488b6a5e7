"""Reading CSV files: bytes -> text -> rows with their line numbers.

Tolerant where real files differ harmlessly (BOM, encodings, line endings, blank lines), and
explicit where they are broken: every refusal names the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .findings import Finding, column_letter

UTF8_BOM = b"\xef\xbb\xbf"
FALLBACK = "cp1252"
csv.field_size_limit(2**31 - 1)


class ReadError(Exception):
    """The file cannot be read as a batch at all."""

    def __init__(self, path: str, message: str, line: int | None = None, column: str | None = None):
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column
        self.message = message

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f": line {self.line}"
            if self.column:
                where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass
class Decoded:
    text: str
    encoding: str
    had_bom: bool
    notes: list[str] = field(default_factory=list)
    # Where a file valid in two encodings was read in the format's own: (line, column, the
    # character the other reading gives there).
    guess: tuple[int, int, str] | None = None


def _line_of(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def decode(data: bytes, path: str, target: str = "cp1252") -> Decoded:
    """Text of a CSV file: UTF-8 (BOM stripped), else Windows-1252.

    `target` is the encoding the format writes. Some Windows-1252 text is also valid UTF-8
    (`Ç£` reads as `ǣ`); when the UTF-8 reading holds characters the target cannot and the
    target reads the bytes cleanly, the file was written in the target.
    """
    if not data.strip(b" \t\r\n"):
        raise ReadError(path, "the file is empty: there is no record to read")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_of(data, nul)
        kind = "UTF-16 text" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "binary data"
        raise ReadError(
            path,
            f"this is {kind}, not a CSV file (a NUL byte at character {col}); "
            "save it from Excel as 'CSV (Comma delimited)' or 'CSV UTF-8'",
            line,
        )
    had_bom = data.startswith(UTF8_BOM)
    body = data[3:] if had_bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        if had_bom:
            line, _ = _line_of(data, utf8_error.start + 3)
            raise ReadError(
                path, "the file starts with a UTF-8 byte-order mark but is not valid UTF-8", line
            ) from None
    else:
        if had_bom or text.isascii() or _holds(text, target):
            return Decoded(text, "utf-8", had_bom)
        try:
            chosen = Decoded(body.decode(target), target, False)
        except UnicodeDecodeError:
            return Decoded(text, "utf-8", had_bom)
        # Both readings are valid: say which was taken, where it matters, so it is never silent.
        offset = next(i for i, c in enumerate(text) if not _holds(c, target))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        chosen.guess = (line, column, text[offset])
        return chosen
    try:
        text = body.decode(FALLBACK)
    except UnicodeDecodeError as e:
        line, col = _line_of(body, e.start)
        raise ReadError(
            path,
            f"byte 0x{body[e.start]:02X} at character {col} is neither UTF-8 nor Windows-1252: "
            "the file is in an encoding we do not read; save it as CSV UTF-8",
            line,
        ) from None
    return Decoded(text, FALLBACK, False, ["read as Windows-1252: the file is not valid UTF-8"])


def _holds(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def sniff_semicolons(text: str, path: str) -> None:
    """Refuse a file saved with `;` as the separator (what European Excel writes)."""
    for number, line in enumerate(text.splitlines()[:5], start=1):
        if not line.strip():
            continue
        if line.count(";") >= 2 and line.count(",") == 0:
            raise ReadError(
                path,
                "the fields are separated by ';', not ',' (Excel uses the Windows list "
                "separator in some regions); save the file as 'CSV UTF-8' or change the list "
                "separator to ',' and export again",
                number,
            )
        return


@dataclass
class Parsed:
    rows: list[tuple[int, list[str]]]
    # A fatal problem after which nothing more could be read (an unbalanced quote).
    stop: Finding | None = None
    # The encoding the bytes were read in.
    encoding: str = "utf-8"
    guess: tuple[int, int, str] | None = None


def parse(text: str) -> Parsed:
    """Rows of fields with the line each starts on; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    append = rows.append
    previous = 0
    try:
        for fields in reader:
            start = previous + 1
            previous = reader.line_num
            if len(fields) < 2 and (not fields or not fields[0].strip()):
                continue
            append((start, fields))
    except csv.Error:
        start = previous + 1
        return Parsed(rows, _bad_quote(text, start))
    return Parsed(rows)


def _bad_quote(text: str, line_number: int) -> Finding:
    lines = text.splitlines()
    line = lines[line_number - 1] if line_number - 1 < len(lines) else ""
    field_index, in_quotes, opened_at, after_quote = 0, False, 0, False
    for ch in line:
        if in_quotes:
            if ch == '"':
                in_quotes, after_quote = False, True
            continue
        if ch == ",":
            field_index += 1
            after_quote = False
        elif ch == '"':
            if after_quote:
                in_quotes = True
            else:
                in_quotes, opened_at = True, field_index
        elif after_quote:
            break
    column = column_letter((opened_at if in_quotes else field_index) + 1)
    if in_quotes:
        message = (
            f"A quoted field opens in column {column} and never closes: a '\"' is missing. "
            "Nothing after this line could be read."
        )
    else:
        message = (
            f"A quoted field in column {column} has text after its closing quote; write a "
            'quote inside a field as two quotes (""). Nothing after this line could be read.'
        )
    return Finding("error", line_number, column, "Quoting", "unbalanced-quote", message, line)
