"""Reading CSV files: bytes -> text -> rows with their line numbers.

Tolerant where real files differ harmlessly (BOM, encodings, line endings, blank lines), and
explicit where they are broken: every refusal names the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress, count, repeat

from ..refusals import ReadError
from .findings import Finding, column_letter

UTF8_BOM = b"\xef\xbb\xbf"
FALLBACK = "cp1252"
csv.field_size_limit(2**31 - 1)


@dataclass
class Decoded:
    text: str
    encoding: str
    had_bom: bool
    notes: list[str] = field(default_factory=list)
    # Where a file valid in two encodings was read in the format's own: (line, column, the
    # character the other reading gives there).
    guess: tuple[int, int, str] | None = None


# Where a line ends, as the CSV parser sees it: CRLF, LF or a lone CR (old Mac files, and
# files pieced together from several programs). Every line number we report counts the same.
_LINE_END = re.compile(r"\r\n|\r|\n")
_BLANK_BYTES = re.compile(rb"[ \t\r\n]*")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


def _line_of(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and character of a byte offset."""
    line, start = 1, 0
    for m in _LINE_END_BYTES.finditer(data, 0, offset):
        line, start = line + 1, m.end()
    return line, offset - start + 1


def _lines(text: str) -> list[str]:
    return _LINE_END.split(text)


def _column_at(before: str) -> str:
    """The CSV column a line's text `before` a point ends in (quotes respected)."""
    index, quoted = 0, False
    for ch in before:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            index += 1
    return column_letter(index + 1)


def _refuse_at(path: str, data: bytes, offset: int, message: str) -> ReadError:
    """A ReadError for the byte at `offset`, naming its line, column and character."""
    line, char = _line_of(data, offset)
    # Only ASCII commas and quotes matter for the column, so any 8-bit reading finds it.
    before = data[offset - char + 1 : offset].decode("latin-1")
    return ReadError(path, message.format(char=char), line, _column_at(before))


def _looks_utf16(data: bytes) -> bool:
    """UTF-16, with or without its byte-order mark: ASCII text with every other byte NUL."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return min(even, odd) == 0 and max(even, odd) >= len(sample) // 4


def decode(data: bytes, path: str, target: str = "cp1252") -> Decoded:
    """Text of a CSV file: UTF-8 (BOM stripped), else Windows-1252.

    `target` is the encoding the format writes. Some Windows-1252 text is also valid UTF-8
    (`Ç£` reads as `ǣ`); when the UTF-8 reading holds characters the target cannot and the
    target reads the bytes cleanly, the file was written in the target.
    """
    # Matched, not stripped: a strip would copy the whole file to find its first character.
    if _BLANK_BYTES.fullmatch(data):
        raise ReadError(path, "the file is empty: there is no record to read")
    nul = data.find(b"\x00")
    if nul >= 0:
        if _looks_utf16(data):
            raise ReadError(
                path,
                "this is UTF-16 text (Excel's 'Unicode Text'), not a CSV file we read; save "
                "it from Excel as 'CSV UTF-8' or 'CSV (Comma delimited)'",
                1,
            )
        raise _refuse_at(
            path,
            data,
            nul,
            "this is binary data, not a CSV file (a NUL byte at character {char}); save it "
            "from Excel as 'CSV (Comma delimited)' or 'CSV UTF-8'",
        )
    had_bom = data.startswith(UTF8_BOM)
    body = data[3:] if had_bom else data
    inner_bom = data.find(UTF8_BOM, 3 if had_bom else 1)
    if inner_bom >= 0:
        # Files joined with `copy a.csv+b.csv` carry the second file's mark mid-way; read
        # on, it would sit unseen at the start of a field and change its value.
        raise _refuse_at(
            path,
            data,
            inner_bom,
            "a UTF-8 byte-order mark at character {char}, in the middle of the file: it looks "
            "like two files joined together; remove the mark (or join the files again by "
            "copying their rows in a text editor)",
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        if had_bom:
            raise _refuse_at(
                path,
                data,
                utf8_error.start + 3,
                "the file starts with a UTF-8 byte-order mark but is not valid UTF-8 (byte "
                f"0x{body[utf8_error.start]:02X} at character {{char}})",
            ) from None
    else:
        # Text decoded from UTF-8 is UTF-8 text: only another target needs a second look.
        if had_bom or target == "utf-8" or text.isascii() or _holds(text, target):
            return Decoded(text, "utf-8", had_bom)
        try:
            chosen = Decoded(body.decode(target), target, False)
        except UnicodeDecodeError:
            return Decoded(text, "utf-8", had_bom)
        # Both readings are valid: say which was taken, where it matters, so it is never silent.
        offset = next(i for i, c in enumerate(text) if not _holds(c, target))
        ends = list(_LINE_END.finditer(text, 0, offset))
        line = len(ends) + 1
        column = offset - (ends[-1].end() if ends else 0) + 1
        chosen.guess = (line, column, text[offset])
        return chosen
    try:
        text = body.decode(FALLBACK)
    except UnicodeDecodeError as e:
        raise _refuse_at(
            path,
            body,
            e.start,
            f"byte 0x{body[e.start]:02X} at character {{char}} is neither UTF-8 nor "
            "Windows-1252: the file is in an encoding we do not read (Latin-1 or ISO-8859-1?); "
            "save it as CSV UTF-8",
        ) from None
    return Decoded(text, FALLBACK, False, ["read as Windows-1252: the file is not valid UTF-8"])


def _holds(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# Excel's first line naming the separator (`sep=,`, `sep=;`, `sep=` and a tab): Excel reads
# the file with that separator and does not show the line; some exports write it for Excel.
_SEPARATOR_LINE = re.compile(r"sep=([^\r\n])(?=\r|\n|\Z)", re.IGNORECASE)
_SEPARATOR_LINE_BYTES = re.compile(rb"sep=[^\r\n](?:\r\n|\r|\n|\Z)", re.IGNORECASE)
# Separators other than the formats' comma that files arrive with: how a person calls each,
# and what to do about it.
_OTHER_SEPARATORS = {
    ";": (
        "';'",
        "Excel uses the Windows list separator in some regions; save the file as 'CSV UTF-8' "
        "or change the list separator to ',' and export again",
    ),
    "\t": (
        "tabs",
        "this is a tab-separated text file (Excel's 'Text (Tab delimited)', or rows pasted "
        "into a text editor); save it from Excel as 'CSV UTF-8' or 'CSV (Comma delimited)'",
    ),
}
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_ANY_OTHER_ADVICE = "save the file from Excel as 'CSV UTF-8' or 'CSV (Comma delimited)'"


def starts_with_separator_line(data: bytes) -> bool:
    """Whether a file's bytes (after a byte-order mark) start with Excel's `sep=` line."""
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    return _SEPARATOR_LINE_BYTES.match(data, start) is not None


def separator_line(text: str) -> tuple[str, str | None]:
    """`text` without Excel's `sep=` first line, and that line (None: the file has none).

    The line is emptied, not removed, so every line after it keeps its number; an empty
    line is skipped as blank lines are.
    """
    m = _SEPARATOR_LINE.match(text)
    if m is None:
        return text, None
    return text[m.end() :], m.group()


def sniff_separator(text: str, path: str, declared: str | None = None) -> None:
    """Refuse a file whose fields are separated by anything but `,`.

    A `sep=` first line (`declared`) says so outright. Otherwise the first non-blank line
    decides: it splits into more fields at `;` (what European Excel writes) or at a tab than
    at `,`. Separators inside quoted fields are not counted, so a decimal comma (`-287,50`)
    in a `;` file, or a `;` or a tab inside a quoted field of a `,` file, changes nothing.
    """
    if declared is not None:
        separator = declared[-1]
        if separator != ",":
            name, advice = _OTHER_SEPARATORS.get(separator, (f"{separator!r}", _ANY_OTHER_ADVICE))
            line = "'sep=' and a tab" if separator == "\t" else repr(declared)
            raise ReadError(
                path,
                f"{line} (Excel's note of the separator) says the fields are separated by "
                f"{name}, not ',': {advice}",
                1,
            )
    for number, line in enumerate(_opening_lines(text, 5), start=1):
        if not line.strip():
            continue
        # What a quoted field holds separates nothing, in either reading: a tab that starts
        # a quoted field of a comma file is text.
        line = _QUOTED.sub('""', line)
        by_comma = _field_count(line, ",")
        for separator, (name, advice) in _OTHER_SEPARATORS.items():
            by_other = _field_count(line, separator)
            if by_other >= 2 and by_other > by_comma:
                raise ReadError(
                    path,
                    f"the fields are separated by {name}, not ',' ({by_other} fields at "
                    f"{name}, {by_comma} at ','): {advice}",
                    number,
                )
        return


def _opening_lines(text: str, count: int) -> Iterator[str]:
    """The first `count` lines of `text` (as `_LINE_END.split` cuts them), and nothing of
    the rest: a copy of a large file's text would double what reading it holds."""
    start = 0
    for end in _LINE_END.finditer(text):
        yield text[start : end.start()]
        start = end.end()
        count -= 1
        if count == 0:
            return
    yield text[start:]


def _field_count(line: str, delimiter: str) -> int:
    try:
        return max((len(f) for f in csv.reader([line], delimiter=delimiter)), default=0)
    except csv.Error:
        return line.count(delimiter) + 1


@dataclass
class Parsed:
    rows: list[tuple[int, list[str]]]
    # A fatal problem after which nothing more could be read (an unbalanced quote).
    stop: Finding | None = None
    # The encoding the bytes were read in.
    encoding: str = "utf-8"
    guess: tuple[int, int, str] | None = None
    # Excel's `sep=,` first line, skipped (see `separator_line`).
    separator_line: str | None = None


def parse(text: str) -> Parsed:
    """Rows of fields with the line each starts on; blank lines are skipped."""
    records = _split_lines(text)
    if records is None:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            records = list(reader)
        except csv.Error:
            records = None
        if records is not None and reader.line_num != len(records):
            records = None
    if records is None:
        return _parse_counting_lines(text)
    return Parsed(unblank(records))


def _split_lines(text: str) -> list[list[str]] | None:
    """The fields of every line, when every line ends alike and no quoted field spans lines.

    Splitting a line without quotes at its commas is what `csv.reader` does to it, at a
    fraction of the cost; only lines with quotes go through the reader. Anything else
    (mixed line ends, a quoted line break, a stray quote) returns None for the full parse.
    A blank line gives `[""]` where the reader gives `[]`; both are skipped as blank.
    """
    lines = line_texts(text)
    return None if lines is None else fields_of(lines)


def line_texts(text: str) -> list[str] | None:
    """The lines of `text` without their ends, when every line ends alike; else None."""
    crlf = text.count("\r\n")
    if crlf and text.count("\r") == crlf == text.count("\n"):
        lines = text.split("\r\n")
    elif "\r" not in text:
        lines = text.split("\n")
    else:
        return None
    if lines[-1] == "":
        lines.pop()
    return lines


def fields_of(lines: list[str]) -> list[list[str]] | None:
    """The fields of each of `lines` (`line_texts`), or None where a quoted field does not
    end on its line. Each line is read on its own: any run of lines reads as the whole does."""
    records = list(map(str.split, lines, repeat(",")))
    quoted = list(compress(count(), map(str.__contains__, lines, repeat('"'))))
    if quoted:
        reader = csv.reader([lines[i] for i in quoted], strict=True)
        try:
            fields = list(reader)
        except csv.Error:
            return None
        if len(fields) != len(quoted):
            return None
        for i, row in zip(quoted, fields):
            records[i] = row
    return records


def unblank(records: list[list[str]], first: int = 1) -> list[tuple[int, list[str]]]:
    """Each line's fields with its number (the first line's is `first`), blank lines left
    out."""
    # No record spans lines, so a record's line is its position: no per-row bookkeeping.
    if records and min(map(len, records)) > 1:
        return list(zip(count(first), records))
    return [
        (number, fields)
        for number, fields in enumerate(records, start=first)
        if len(fields) > 1 or (fields and fields[0].strip())
    ]


def _parse_counting_lines(text: str) -> Parsed:
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
    lines = _lines(text)
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
    return Finding(
        severity="error",
        row=line_number,
        column=column,
        field="Quoting",
        code="unbalanced-quote",
        message=message,
        value=line,
    )
