"""A batch to and from the bytes of its CSV file."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..specs.model import Spec
from ..wording import numbered
from .batch import Batch, Context
from .bulk import without_cycle_collection
from .csv_read import UTF8_BOM, Parsed, decode, parse, separator_line, sniff_separator
from .csv_write import csv_text
from .findings import Finding
from .layouts import layout_of, validate_rows
from .split_numbers import SplitNumber, rejoined


def parse_csv(data: bytes, path: str, encoding: str = "cp1252") -> Parsed:
    """Rows of a CSV file; raises ReadError when it is not a readable CSV at all.

    `encoding` is the one the format writes (it settles files valid in two encodings).
    """
    text, parsed = decoded_csv(data, path, encoding)
    found = parse(text)
    parsed.rows, parsed.stop = found.rows, found.stop
    return parsed


def decoded_csv(data: bytes, path: str, encoding: str = "cp1252") -> tuple[str, Parsed]:
    """A CSV file's text, its records still to be read, and what was found reading it as
    text (`Parsed` without rows): the encoding, a guess, Excel's separator line. Raises
    ReadError when it is not a readable CSV at all."""
    decoded = decode(data, path, encoding)
    text, declared = separator_line(decoded.text)
    sniff_separator(text, path, declared)
    return text, Parsed([], encoding=decoded.encoding, guess=decoded.guess, separator_line=declared)


@dataclass
class LinesRead:
    """What reading records off a file's lines found across them: numbers split at their
    thousands separators, and the lines holding records joined on one line."""

    splits: list[SplitNumber] = field(default_factory=list)
    joined: list[int] = field(default_factory=list)

    def extend(self, other: LinesRead) -> None:
        self.splits += other.splits
        self.joined += other.joined

    def name(self, batch: Batch, renumber: bool) -> None:
        """Their findings: one for each split number, one for the joined lines."""
        if self.splits:
            _name_split_numbers(batch, self.splits)
        if self.joined:
            batch.report.findings.append(
                _joined_note(self.joined, 1 if renumber else self.joined[0])
            )


def batch_from_rows(
    spec: Spec, parsed: Parsed, context: Context | None = None, *, renumber: bool = False
) -> Batch:
    """The batch of a parsed file. Records joined on one line are read apart (one warning
    names the lines); `renumber` then numbers every record in turn, as a sheet's rows are,
    and `parsed.rows` becomes the records read."""
    batch, read = rows_batch(spec, parsed, context or Context(row_word="line"), renumber=renumber)
    read.name(batch, renumber)
    name_file_notes(batch, parsed)
    return batch


def rows_batch(
    spec: Spec, parsed: Parsed, context: Context, *, renumber: bool = False
) -> tuple[Batch, LinesRead]:
    """The batch of a parsed file's rows, every check run; what the lines held across them
    (`LinesRead`) not yet said. `parsed.rows` becomes the records read."""
    layout = layout_of(spec)
    rows, joined = layout.unjoined(spec, parsed.rows)
    if joined and renumber:
        rows = [(n, cells) for n, (_, cells) in enumerate(rows, start=1)]
    rows, splits = rejoined(spec, rows, layout.record_kinds(spec, rows), layout.keywords)
    parsed.rows = rows
    return validate_rows(spec, rows, context=context), LinesRead(splits, joined)


def name_file_notes(batch: Batch, parsed: Parsed) -> None:
    """What reading the file as text found (where reading stopped, Excel's separator line,
    the encoding), and the findings in order."""
    if parsed.stop is not None:
        batch.report.findings.append(parsed.stop)
    if parsed.separator_line is not None:
        batch.report.findings.append(_separator_note(parsed.separator_line))
    if batch.spec.encoding == "utf-8" and parsed.encoding != "utf-8":
        batch.report.findings.append(
            Finding(
                severity="warning",
                row=parsed.rows[0][0] if parsed.rows else 1,
                column="",
                field="Encoding",
                code="not-utf8",
                message=(
                    "The file is not UTF-8, so it was read as Windows-1252: check that accented "
                    "letters and macrons read right. It is written back as UTF-8."
                ),
            )
        )
    if parsed.guess is not None:
        line, column, char = parsed.guess
        batch.report.findings.append(
            Finding(
                severity="warning",
                row=line,
                column="",
                field="Encoding",
                code="encoding-guess",
                message=f"The file reads as UTF-8 or as Windows-1252; it was read as Windows-1252, "
                f"because as UTF-8 character {column} of this line would be {char!r}, which "
                "the import cannot hold. If the file is UTF-8, save it again as 'CSV UTF-8' "
                "(with a byte-order mark).",
            )
        )
    batch.report.sort()


def _name_split_numbers(batch: Batch, splits: list[SplitNumber]) -> None:
    """One finding for each split number, in place of what its field says of the number's
    spelling (a thousands separator) that the finding explains."""
    cells = {(s.row, s.column) for s in splits}
    report = batch.report
    report.findings = [f for f in report.findings if (f.row, f.column) not in cells]
    report.findings.extend(s.finding() for s in splits)


def _separator_note(line: str) -> Finding:
    return Finding(
        severity="warning",
        row=1,
        column="",
        field="Separator",
        code="separator-line",
        message=(
            f"The first line, {line!r}, is Excel's note of the separator, not a record: it was "
            "skipped, and the export does not write it."
        ),
        value=line,
    )


def _joined_note(lines: list[int], row: int) -> Finding:
    shown = numbered(lines)
    where = f"line {shown}" if len(lines) == 1 else f"{len(lines):,} lines ({shown})"
    return Finding(
        severity="warning",
        row=row,
        column="",
        field="Record type",
        code="records-joined-read",
        message=(
            f"Header and Detail records joined on one line, on {where}: read as separate "
            "records; the export writes one record per line."
        ),
    )


@without_cycle_collection
def read_csv_batch(spec: Spec, data: bytes, path: str, context: Context | None = None) -> Batch:
    """Validate a CSV file's records; raises ReadError when it is not a readable CSV at all."""
    return batch_from_rows(spec, parse_csv(data, path, spec.encoding), context)


def written_rows(batch: Batch) -> list[list[str]]:
    """The rows of a batch's import file, as texts (a table's header row first)."""
    return layout_of(batch.spec).written_rows(batch)


def quoting(batch: Batch, asked: str | None = None) -> str:
    """How the export quotes: as asked, else as the company settings say, else minimal."""
    if asked is not None:
        return asked
    settings = batch.context.settings
    chosen = settings.values.get("quote_fields") if settings is not None else None
    return chosen or "minimal"


def batch_csv_bytes(batch: Batch, *, bom: bool | None = None, quote: str | None = None) -> bytes:
    """The canonical file of a batch (the caller has made sure it has no errors).

    `bom` asks for a UTF-8 byte-order mark; None leaves it to the spec. `quote` is "all"
    (every field quoted) or "minimal"; None: the batch's settings say, else minimal.
    """
    spec = batch.spec
    text = csv_text(
        written_rows(batch), quote_also=spec.quote_also, quote_all=quoting(batch, quote) == "all"
    )
    data = text.encode(spec.encoding)
    wants_bom = spec.bom if bom is None else bom
    return UTF8_BOM + data if wants_bom and spec.encoding == "utf-8" else data
