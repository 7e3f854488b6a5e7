"""A batch's rows as the data sheet's XML, typed column by column.

`import` puts every record of a CSV on the data sheet: the bench's 120,388-record Pastel
batch is about 3.5 million cells. Spreadsheet libraries spend several Python calls and an
object per cell: writing those cells alone takes openpyxl's write-only mode 24 s and
XlsxWriter's constant-memory mode 11 s, where the whole `import` through this module takes
3.0 s (CPU, whole processes, one run; `bench/WRITERS.md`). The one library near that speed, a Rust
binding, cannot build the template around the rows. So the rows are written here, into the
data sheet of the workbook openpyxl builds (`template`):

- rows are taken in blocks; in each block a column is typed in one pass, and each distinct
  text of a field is typed once (`sheet_values.field_value`: numbers and dates where their
  text reads back unchanged, everything else text that stays text);
- a cell is spelled by `sheet_xml`, the same spelling as the cells a mark or a fix writes;
- a row is one join of its cells, a block one string.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..engine.findings import column_letter
from ..specs.model import FieldSpec, RecordSpec
from .layout import Layout, number_format, problems_height
from .marks import Marks
from .sheet_values import FORMULA_LIKE, as_typed_text, field_value, plain_number_text
from .sheet_xml import date_serial, number_body, text_body

# One record kind (None: text kept as it stands), its texts, and its marks if any.
BatchRow = tuple[RecordSpec | None, Sequence[str], Marks | None]
# Rows typed in one go: small enough to keep a block's cells in memory, large enough that
# the per-block work is negligible.
BLOCK_ROWS = 4096
_RAW = object()  # the group of rows kept as text, whatever their first cell says


@dataclass(frozen=True)
class CellStyles:
    """The workbook's cell formats (`cellXfs` indexes) the rows use."""

    text: int
    quoted: int
    by_format: Mapping[str, int]
    # The Problems cell's, which wraps its lines (and its quoted twin).
    problems: int
    problems_quoted: int


class _Bodies(dict[str, str]):
    """Each distinct text of one column, spelled once: what follows the cell's reference."""

    def __init__(self, spell: Callable[[str], str]) -> None:
        super().__init__({"": ""})
        self.spell = spell

    def __missing__(self, text: str) -> str:
        body = self[text] = self.spell(text)
        return body


def _text_speller(style: int, quoted: int) -> Callable[[str], str]:
    def spell(text: str) -> str:
        return text_body(text, quoted if FORMULA_LIKE.match(text) else style)

    return spell


def _field_speller(f: FieldSpec, styles: CellStyles) -> Callable[[str], str]:
    style = styles.by_format[number_format(f)]
    as_text = _text_speller(style, styles.quoted)
    if style == styles.text:
        return as_text

    plain = plain_number_text(f.min_decimals) if f.kind in ("integer", "number") else None
    s = f' s="{style}"' if style else ""

    def spell(text: str) -> str:
        if plain is not None and (number := plain(text)) is not None:
            return f"{s}><v>{number}</v></c>"
        value = field_value(f, text)
        if isinstance(value, str):
            return as_text(value)
        if isinstance(value, dt.datetime):
            return number_body(date_serial(value), style)
        return number_body(value, style)  # type: ignore[arg-type]  # a number here

    return spell


class BatchRows:
    """The data rows of a batch sheet, ready to be written below its caption rows."""

    def __init__(self, layout: Layout, rows: Sequence[BatchRow]) -> None:
        self.layout = layout
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def xml(self, styles: CellStyles) -> Iterator[bytes]:
        """The `<row>` elements, a block at a time."""
        layout = self.layout
        width = layout.data_width
        # Per record kind (None: text kept as it stands), per column: the spelled texts of
        # that column's field.
        text = _Bodies(_text_speller(styles.text, styles.quoted))
        spellers: dict[object, list[_Bodies]] = {_RAW: [text] * width}
        for kind in layout.spec.records:
            spellers[kind.keyword] = [_Bodies(_field_speller(f, styles)) for f in kind.fields]
        columns = _Bodies(_text_speller(0, styles.quoted))
        marks = (columns, columns, _Bodies(_text_speller(styles.problems, styles.problems_quoted)))
        first = layout.first_data_row
        for start in range(0, len(self.rows), BLOCK_ROWS):
            block = self.rows[start : start + BLOCK_ROWS]
            # A row's cells depend on its kind alone: each kind's rows are spelled together,
            # column by column, and put back in order.
            groups: dict[object, list[int]] = {}
            for i, (sort, _, _) in enumerate(block):
                groups.setdefault(_RAW if sort is None else sort.keyword, []).append(i)
            out = [""] * len(block)
            for key, index in groups.items():
                rows = block if len(index) == len(block) else [block[i] for i in index]
                numbers = [str(first + start + i) for i in index]
                spelled = _rows(rows, numbers, spellers[key], marks, width + 1)
                for i, n, cells in zip(index, numbers, spelled):
                    out[i] = f'<row r="{n}"{_height(block[i][2])}>{cells}</row>'
            yield "".join(out).encode()


def _height(marks: Marks | None) -> str:
    """The row's height attribute: the lines of its Problems cell (`problems_height`)."""
    height = problems_height(marks[2]) if marks is not None else None
    return f' ht="{height:g}"' if height is not None else ""


def live_values(layout: Layout, rows: Sequence[BatchRow]) -> list[list[object]]:
    """The same rows as values to write into a sheet open in Excel, marks included: typed
    as in a file, and text that Excel would turn into a number, a date or a formula carries
    the `'` that keeps it text (`sheet_values.as_typed_text`)."""
    width = layout.data_width
    kinds = {k.keyword: k for k in layout.spec.records}
    out: list[list[object]] = []
    for kind, values, marks in rows:
        fields = kinds[kind.keyword].fields if kind is not None else ()
        cells: list[object] = [
            as_typed_text(field_value(fields[c], text) if c < len(fields) else (text or None))
            for c, text in enumerate(values[:width])
        ]
        cells += [None] * (width - len(cells))
        cells += [m or None for m in marks] if marks is not None else [None, None, None]
        out.append(cells)
    return out


def _rows(
    rows: Sequence[BatchRow],
    numbers: list[str],
    spellers: list[_Bodies],
    marks: tuple[_Bodies, _Bodies, _Bodies],
    first_mark: int,
) -> Iterator[str]:
    """The cells of rows of one kind, each row's as one string."""
    width = len(spellers)
    padding = ("",) * width
    values = [v if len(v) >= width else (*v, *padding)[:width] for _, v, _ in rows]
    columns = [
        _cells(column_letter(c + 1), numbers, list(map(spell.__getitem__, texts)))
        for c, spell in enumerate(spellers)
        for texts in ([v[c] for v in values],)
    ]
    if any(m is not None for _, _, m in rows):
        for i, speller in enumerate(marks):
            texts = [m[i] if m is not None else "" for _, _, m in rows]
            spelled = list(map(speller.__getitem__, texts))
            columns.append(_cells(column_letter(first_mark + i), numbers, spelled))
    if not columns:
        return iter([""] * len(rows))
    return map("".join, zip(*columns, strict=True))


def _cells(letter: str, numbers: list[str], spelled: list[str]) -> list[str]:
    return [f'<c r="{letter}{n}"{b}' if b else "" for n, b in zip(numbers, spelled)]
