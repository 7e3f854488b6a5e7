"""The sheet editor against a model: any sheet, any edit, in any split into blocks.

A sheet is a grid of cells; an edit sets or blanks cells and clears a block of columns from
a row down. The edited XML must parse, keep rows and cells in order, and hold exactly what
the model says, with every untouched cell's XML as it was.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.engine.findings import column_index, column_letter
from addin.excel.book_edit import SheetEdit, Styles, edit_sheet

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROWS, COLUMNS = 12, 8

# What a cell's text can hold: XML 1.0 has no U+FFFE or U+FFFF (import refuses them).
texts = st.text(
    st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
    ),
    max_size=6,
)
values = st.one_of(texts, st.integers(-999, 999), st.none())
grids = st.dictionaries(
    st.tuples(st.integers(1, ROWS), st.integers(1, COLUMNS)),
    st.one_of(texts.filter(bool), st.integers(-999, 999)),
    max_size=40,
)
edits = st.dictionaries(st.tuples(st.integers(1, ROWS + 3), st.integers(1, COLUMNS)), values)


def cell(ref: str, value: object) -> str:
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def sheet_xml(grid: dict[tuple[int, int], object]) -> bytes:
    rows = []
    for r in sorted({r for r, _ in grid}):
        cells = "".join(cell(f"{column_letter(c)}{r}", grid[r, c]) for c in sorted(
            c for rr, c in grid if rr == r))  # fmt: skip
        rows.append(f'<row r="{r}" spans="1:{COLUMNS}">{cells}</row>')
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{NS}"><dimension ref="A1:H{ROWS}"/>'
        f'<sheetData>{"".join(rows)}</sheetData><pageMargins left="0.7"/></worksheet>'
    ).encode()


def read(xml: bytes) -> tuple[dict[tuple[int, int], object], list[int]]:
    root = ElementTree.fromstring(xml)
    out: dict[tuple[int, int], object] = {}
    order = []
    for row in root.iter(f"{{{NS}}}row"):
        r = int(row.get("r"))
        order.append(r)
        columns = []
        for c in row.iter(f"{{{NS}}}c"):
            m = re.fullmatch(r"([A-Z]+)(\d+)", c.get("r"))
            assert int(m.group(2)) == r
            col = column_index(m.group(1))
            columns.append(col)
            v = c.find(f"{{{NS}}}v")
            t = c.find(f"{{{NS}}}is/{{{NS}}}t")
            if v is not None:
                out[r, col] = int(v.text)
            elif t is not None:
                out[r, col] = t.text or ""
        assert columns == sorted(columns) and len(set(columns)) == len(columns)
    return out, order


@settings(max_examples=300, deadline=None)
@given(
    grid=grids,
    changes=edits,
    clear=st.one_of(
        st.none(), st.tuples(st.integers(1, COLUMNS), st.integers(0, 2), st.integers(1, ROWS))
    ),
    cuts=st.lists(st.integers(0, 2000), max_size=4),
)
def test_the_edited_sheet_is_what_the_model_says(grid, changes, clear, cuts):
    xml = sheet_xml(grid)
    rows_end = [m.end() for m in re.finditer(rb"</row>", xml)]
    # Blocks end after a row, as the reader cuts them; the last holds the rest.
    points = sorted({rows_end[c % len(rows_end)] for c in cuts} if rows_end else set())
    blocks = [xml[a:b] for a, b in zip([0, *points], [*points, len(xml)]) if xml[a:b]]
    span = None
    if clear is not None:
        first, extra, from_row = clear
        span = (first, min(first + extra, COLUMNS), from_row)
    edit = SheetEdit(dict(changes), clear=span)
    out = b"".join(edit_sheet(iter(blocks), edit, Styles(None)))

    expected = dict(grid)
    if span is not None:
        for r, c in list(expected):
            if r >= span[2] and span[0] <= c <= span[1]:
                del expected[r, c]
    for place, value in changes.items():
        if value is None or value == "":
            expected.pop(place, None)
        else:
            expected[place] = value
    found, order = read(out)
    assert found == expected
    assert order == sorted(order) and len(set(order)) == len(order)
    # Rows the edit did not touch are their original bytes.
    touched = {r for r, _ in changes} | (
        {r for r, c in grid if span and r >= span[2] and span[0] <= c <= span[1]}
    )
    for row in re.findall(rb'<row r="(\d+)"[^>]*>.*?</row>', xml):
        if int(row) not in touched:
            original = re.search(rb'<row r="%s"[^>]*>.*?</row>' % row, xml).group()
            assert original in out
    assert out.endswith(b'<pageMargins left="0.7"/></worksheet>')
