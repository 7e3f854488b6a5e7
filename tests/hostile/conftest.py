"""The hostile corpus: every broken or malicious input is made here, by code, when a test asks.

Nothing is committed as a blob: each factory says what the bytes are and why they are bad.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from addin.engine.csv_write import csv_text
from addin.specs import get_spec
from tests.infusion.conftest import HEADER as INFUSION_HEADER
from tests.infusion.conftest import ROW as INFUSION_ROW
from tests.pastel_rows import detail, header

PASTEL = "pastel-customer"
INFUSION = "infusion-customer-adjustments"


def pastel_text(rows: list[list[str]] | None = None) -> str:
    return csv_text(rows if rows is not None else [header(), detail()])


def infusion_text(rows: list[list[str]] | None = None) -> str:
    return csv_text([INFUSION_HEADER, *(rows if rows is not None else [INFUSION_ROW])])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in a folder with its bytes: what "untouched" is compared against."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def interrupt_import(monkeypatch, moment: str, stop: Callable[[], None]) -> None:
    """Make `stop` happen in the middle of writing an import's workbook: while openpyxl
    streams the sheets around the rows ("frame"), or between two blocks of rows ("rows")."""
    import addin.excel.batch_rows as batch_rows
    import addin.excel.template as template

    if moment == "frame":
        real_sheet = template._data_sheet

        def data_sheet(*args, **kw):
            real_sheet(*args, **kw)
            stop()

        monkeypatch.setattr(template, "_data_sheet", data_sheet)
        return
    monkeypatch.setattr(batch_rows, "BLOCK_ROWS", 50)
    real_cells = batch_rows._cells

    def cells(letter, numbers, spelled):
        if int(numbers[0]) > 100:
            stop()
        return real_cells(letter, numbers, spelled)

    monkeypatch.setattr(batch_rows, "_cells", cells)


def rezip(source: Path, target: Path, parts: Mapping[str, bytes | Callable[[bytes], bytes]]):
    """A copy of the workbook at `source` with some parts replaced (or added)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            data = src.read(name)
            change = parts.get(name)
            z.writestr(name, change(data) if callable(change) else change or data)
        for name, change in parts.items():
            if name not in src.namelist() and isinstance(change, bytes):
                z.writestr(name, change)
    return target


@pytest.fixture(scope="session")
def books(tmp_path_factory) -> dict[str, Path]:
    """One good workbook per layout, imported from a clean CSV (read-only: copy before use)."""
    from addin.transfer import import_csv

    folder = tmp_path_factory.mktemp("books")
    made = {}
    for name, text in ((PASTEL, pastel_text()), (INFUSION, infusion_text())):
        source = folder / f"{name}.csv"
        source.write_bytes(text.encode(get_spec(name).encoding))
        made[name] = import_csv(get_spec(name), source, folder / f"{name}.xlsx").path
    return made


SST = (
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>ABC001</t></si></sst>'
)


@pytest.fixture(scope="session")
def shared_strings_book(books, tmp_path_factory) -> Path:
    """The Pastel workbook with its customer code in xl/sharedStrings.xml, where Excel keeps
    text (openpyxl writes text inline, so the part is added by hand)."""
    folder = tmp_path_factory.mktemp("shared")
    book = rezip(
        books[PASTEL],
        folder / "excel-style.xlsx",
        {
            "xl/worksheets/sheet1.xml": lambda x: re.sub(
                rb'(<c r="E3"[^>]*?) t="inlineStr"><is><t>ABC001</t></is></c>',
                rb'\1 t="s"><v>0</v></c>',
                x,
            ),
            "xl/sharedStrings.xml": SST,
            "[Content_Types].xml": lambda x: x.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            ),
        },
    )
    from addin.excel.workbook import read_book

    (_, first), *_ = read_book(book).rows
    assert first[4] == "ABC001", "the customer code now comes from the shared strings"
    with zipfile.ZipFile(book) as z:
        assert b'<c r="E3"' in z.read("xl/worksheets/sheet1.xml")
        assert b"ABC001" not in z.read("xl/worksheets/sheet1.xml")
    return book
