"""Floors for writing a batch's cells: the CSV's rows written onto one sheet by a writer,
with the formats `import` gives them, and nothing checked.

    python -m bench.writer_floor WRITER FORMAT FILE.csv OUT.xlsx

WRITER is one of:

- `openpyxl`: openpyxl's write-only mode, a reused cell per number format;
- `xlsxwriter`: XlsxWriter in constant-memory mode, one format per number format;
- `rustpy`: rustpy-xlsxwriter (Rust's rust_xlsxwriter behind a records API), formats per
  column;
- `spelled`: the least any writer of this XML does in Python: each cell spelled with one
  f-string, the sheet deflated into a package as `import` deflates it.

Every writer gets the same typed values: a number field's text as a number, a date
field's as a date, all else text; typing is the simplest that gives those types.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from addin.excel.layout import Layout, number_format, sheet_spec
from addin.specs import SPECS
from addin.specs.model import FieldSpec, Spec

Typed = list[tuple[Any, str]]  # (value, number format) per cell; None: no cell
WRITERS = ("openpyxl", "xlsxwriter", "rustpy", "spelled")


def _converter(f: FieldSpec) -> Callable[[str], Any]:
    if f.kind in ("integer", "number") and number_format(f) != "@":

        def number(text: str) -> Any:
            try:
                return float(text)
            except ValueError:
                return text

        return number
    if f.kind == "date":

        def date(text: str) -> Any:
            try:
                return dt.datetime(int(text[6:10]), int(text[3:5]), int(text[0:2]))
            except ValueError:
                return text

        return date
    return str


def typed_rows(spec: Spec, source: Path) -> Iterator[Typed]:
    layout = Layout(sheet_spec(spec))
    kinds = {r.keyword: r for r in layout.spec.records}
    plans = {k: [(_converter(f), number_format(f)) for f in r.fields] for k, r in kinds.items()}
    text = source.read_bytes().decode(spec.encoding)
    rows = csv.reader(io.StringIO(text, newline=""))
    if spec.layout == "table":
        next(rows)  # the header row (a journal's lines have none)
    text_plan = [(str, "@")] * layout.data_width
    for row in rows:
        plan = plans.get(row[0] if None not in kinds else None, text_plan)
        yield [
            (convert(t), fmt) if t != "" else (None, fmt) for (convert, fmt), t in zip(plan, row)
        ]


def with_openpyxl(rows: Iterator[Typed], target: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Batch")
    cells: dict[str, Any] = {}
    for row in rows:
        out: list[Any] = []
        for value, fmt in row:
            if value is None:
                out.append(None)
                continue
            cell = cells.get(fmt)
            if cell is None:
                cell = cells[fmt] = WriteOnlyCell(ws)
                cell.number_format = fmt
            cell.value = value
            out.append(cell)
        ws.append(out)
    wb.save(target)


def with_xlsxwriter(rows: Iterator[Typed], target: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    ws = wb.add_worksheet("Batch")
    formats: dict[str, Any] = {}
    for r, row in enumerate(rows):
        for c, (value, fmt) in enumerate(row):
            if value is None:
                continue
            style = formats.get(fmt)
            if style is None:
                style = formats[fmt] = wb.add_format({"num_format": fmt})
            if isinstance(value, str):
                ws.write_string(r, c, value, style)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, style)
            else:
                ws.write_number(r, c, value, style)
    wb.close()


def with_rustpy(rows: Iterator[Typed], target: Path) -> None:
    from rustpy_xlsxwriter import write_worksheet

    records = [{str(c): value for c, (value, _) in enumerate(row)} for row in rows]
    write_worksheet(records, str(target), sheet_name="Batch")


def with_spelled(rows: Iterator[Typed], target: Path) -> None:
    from addin.engine.findings import column_letter
    from addin.excel.sheet_xml import EXCEL_EPOCH, sheet_entry

    letters = [column_letter(c) for c in range(1, 200)]
    escapes = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
    day = dt.timedelta(days=1)
    entry = sheet_entry("xl/worksheets/sheet1.xml", (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z, z.open(entry, "w") as w:
        w.write(b"<worksheet><sheetData>")
        block: list[str] = []
        for n, row in enumerate(rows, start=1):
            cells = []
            for c, (value, _) in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    text = value.translate(escapes)
                    cells.append(
                        f'<c r="{letters[c]}{n}" s="1" t="inlineStr"><is><t>{text}</t></is></c>'
                    )
                elif isinstance(value, dt.datetime):
                    cells.append(
                        f'<c r="{letters[c]}{n}" s="2"><v>{(value - EXCEL_EPOCH) / day}</v></c>'
                    )
                else:
                    cells.append(f'<c r="{letters[c]}{n}" s="3"><v>{value!r}</v></c>')
            block.append(f'<row r="{n}">{"".join(cells)}</row>')
            if len(block) == 4096:
                w.write("".join(block).encode())
                block = []
        w.write("".join(block).encode() + b"</sheetData></worksheet>")


def write(writer: str, fmt: str, source: Path, target: Path) -> None:
    rows = typed_rows(SPECS[fmt], source)
    {
        "openpyxl": with_openpyxl,
        "xlsxwriter": with_xlsxwriter,
        "rustpy": with_rustpy,
        "spelled": with_spelled,
    }[writer](rows, target)


def available(writer: str) -> bool:
    """Whether the writer's library is installed here (the bench's extras)."""
    import importlib.util

    module = {"xlsxwriter": "xlsxwriter", "rustpy": "rustpy_xlsxwriter"}.get(writer)
    return module is None or importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    write(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
