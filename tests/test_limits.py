"""The limits come from what Excel holds (`addin.excel.limits`), so Batchsheet reads every
workbook it can write; and a sheet's extent is found in one pass, whatever order a writer
puts a cell's attributes in, with the answer a cell-by-cell reading gives."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.engine.findings import column_letter
from addin.excel import package
from addin.excel.layout import Layout
from addin.excel.limits import EXCEL_ROWS, MAX_CELLS, SHEET_COLUMNS
from addin.specs import SPECS
from tests.infusion.conftest import HEADER, row


def test_every_format_s_sheet_fits_the_widest_sheet_the_limits_allow():
    widest = max(Layout(spec).data_width + 3 for spec in SPECS.values())  # 3 marking columns
    assert widest == SHEET_COLUMNS
    assert MAX_CELLS == EXCEL_ROWS * SHEET_COLUMNS


# -- one pass, any spelling ----------------------------------------------------------------

QUOTES = st.sampled_from(['"', "'"])


@st.composite
def cell(draw, row: int, column: int) -> bytes:
    """A cell at (row, column) as some writer spells it: its reference first or after other
    attributes, in either quotes, sometimes with no reference at all (placed after the
    cell before it)."""
    q = draw(QUOTES)
    ref = f"r={q}{column_letter(column)}{row}{q}"
    others = draw(
        st.lists(st.sampled_from(['s="1"', 't="n"', "s='2'", 'xml:space="x"']), max_size=2)
    )
    placed = draw(st.booleans()) or draw(st.integers(0, 9)) > 0
    attributes = [*others, ref] if placed else others
    if placed and draw(st.booleans()):
        attributes = [ref, *others]
    space = draw(st.sampled_from([" ", "\n", "\t"]))
    head = "<c" + "".join(space + a for a in attributes)
    return (head + "><v>1</v></c>").encode()


@st.composite
def sheet(draw) -> list[bytes]:
    """A sheet's XML in blocks that end with a row, as `_blocks` cuts it."""
    rows = sorted(draw(st.sets(st.integers(1, 3_000), min_size=1, max_size=12)))
    blocks: list[bytes] = [b"<worksheet><sheetData>"]
    for r in rows:
        columns = sorted(draw(st.sets(st.integers(1, 80), min_size=0, max_size=6)))
        cells = b"".join(draw(cell(r, c)) for c in columns)
        q = draw(QUOTES)
        blocks.append(f"<row r={q}{r}{q} spans='1:9'>".encode() + cells + b"</row>")
    blocks.append(b"</sheetData></worksheet>")
    # Blocks of a row or more, each ending with one.
    cut = sorted(draw(st.sets(st.integers(1, len(blocks) - 1), max_size=4)))
    out, start = [], 0
    for end in [*cut, len(blocks)]:
        out.append(b"".join(blocks[start:end]))
        start = end
    return [b for b in out if b]


@settings(max_examples=300, deadline=None)
@given(sheet())
def test_the_one_pass_finds_the_extent_a_cell_by_cell_reading_finds(blocks):
    extent = package._Extent()
    for block in blocks:
        extent.add(block)
    careful = package._measured(iter([b"".join(blocks)]))
    if not extent.careful:
        assert (extent.rows, extent.columns) == careful
    else:  # a cell without a reference: measured tag by tag, as readers place it
        assert any(b"<c" in b and b" r=" not in b for b in blocks) or careful


def test_a_sheet_written_with_the_style_before_the_reference_takes_the_one_pass():
    row = b'<row r="1">' + b"".join(
        f'<c s="1" r="{column_letter(c)}1" t="n"><v>1</v></c>'.encode() for c in range(1, 30)
    )
    extent = package._Extent()
    extent.add(b"<sheetData>" + row + b"</row>")
    extent.add(row.replace(b'r="1"', b'r="900000"').replace(b'1"', b'900000"') + b"</row>")
    assert not extent.careful
    assert (extent.rows, extent.columns) == (900_000, 29)


def test_a_cell_that_names_two_references_counts_at_the_farther():
    """A crafted cell hiding its place behind a decoy inside another attribute's value is
    measured at the farther: the extent is never less than a reader's."""
    block = b"""<row r="1"><c t=' r="A1"' r="XFD1048576"><v>1</v></c></row>"""
    extent = package._Extent()
    extent.add(block)
    assert (extent.rows, extent.columns) == (1_048_576, 16_384)
    assert package._measured(iter([block])) == (1_048_576, 16_384)


# -- the largest batch import accepts --------------------------------------------------------


def test_the_largest_batch_import_accepts_is_read_back_by_every_command(run, tmp_path: Path):
    """An Infusion batch of every row Excel holds below its header row: imported, then read
    by validate and export, which inspect the package against the limits; nothing refuses
    the workbook Batchsheet wrote."""
    rows = EXCEL_ROWS - 1
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(row(Reference=f"A{n}", Amount=f"{n % 500 + 1}.25") for n in range(rows))
    source = tmp_path / "largest.csv"
    source.write_text(text.getvalue(), encoding="utf-8")
    book = tmp_path / "largest.xlsx"
    imported = run("import", source, "-o", book)
    assert imported.code == 0, imported.err
    assert f"imported {rows:,} adjustments" in imported.out
    one_more = tmp_path / "one-more.csv"
    one_more.write_text(text.getvalue() + ",".join(row()) + "\r\n")
    refused = run("import", one_more, "-o", tmp_path / "no.xlsx")
    assert refused.code == 2
    assert f"{rows + 1:,} rows do not fit on one Excel sheet, which holds {rows:,}" in refused.err
    assert not (tmp_path / "no.xlsx").exists()
    checked = run("validate", book)
    assert checked.code == 0, checked.err
    assert checked.out.startswith(f"{book}: {rows:,} rows, no problems")
    assert "refused" not in checked.out + checked.err
