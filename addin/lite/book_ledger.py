"""The batch ledger under xlwings Lite, kept in a hidden sheet of the workbook itself.

The ledger (`addin.ledger`) is what catches a batch exported twice; it must outlive the
session. Lite offers two places: its `/data` folder, whose files "will be deleted from
xlwings Lite whenever the Office cache is cleared" (https://lite.xlwings.org/files), and
the workbook, which travels with the file and is saved with it. A ledger that vanishes
with a browser cache lets a duplicate posting through without a word, so it lives in the
workbook: a hidden sheet holds the ledger's SQLite file, base64 text a cell at a time
(under Excel's 32,767 characters a cell). Each batch workbook so remembers its own exports
(what is exported from it again is caught), not those of other workbooks.

Lite loads Python's `sqlite3` only when the workbook's requirements.txt names it
(https://lite.xlwings.org/databases). The bytes are the ledger's own file, not a table
re-spelled here: the same `Ledger` code reads and records it, in a file under the system's
temporary folder (Pyodide's memory) while a script runs, and the sheet is rewritten after
each record. Lite applies the writes when the script returns
(https://lite.xlwings.org/async-api), so nothing here reads the sheet back after writing it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..excel.layout import CELL_TEXT_LIMIT
from ..excel.sheet_values import as_typed_text
from ..ledger import Ledger, LedgerError

LEDGER_SHEET = "Batch ledger"
HEADING = (
    "Batchsheet's record of the batches exported from this workbook (the batch ledger). "
    "Do not edit: Validate warns of a document exported before from what is here."
)
# Base64 text comes in fours; a cell holds at most CELL_TEXT_LIMIT characters.
CHUNK = CELL_TEXT_LIMIT // 4 * 4
FIRST_ROW = 2


class WorkbookLedger(Ledger):
    """The ledger held by a workbook: named as its sheet, not the scratch file it is read
    into; with no `batchsheet` command to forget a batch with, its warnings name the Forget
    an export script. A sheet that no longer holds a ledger (`damage` says why) is one that
    cannot be used, as a damaged ledger file is: Validate says so and checks the rest,
    Export writes the file and says it is not recorded, and the sheet is left as it is."""

    def __init__(self, path: Path, damage: str | None = None) -> None:
        super().__init__(path)
        self.damage = damage

    @property
    def shown(self) -> str:
        return f"this workbook's {LEDGER_SHEET} sheet"

    @property
    def exists(self) -> bool:
        return self.damage is not None or super().exists

    @contextlib.contextmanager
    def _connect(self, *, create: bool) -> Iterator[sqlite3.Connection]:
        if self.damage is not None:
            raise LedgerError(f"{self.shown}: the batch ledger cannot be used: {self.damage}")
        with super()._connect(create=create) as db:
            yield db

    def forgetting(self, batch_id: int) -> str:
        return (
            f"remove it from this workbook's ledger: type {batch_id} in batch and press "
            "Forget an export"
        )


def _sheet(book: Any) -> Any | None:
    try:
        return book.sheets[LEDGER_SHEET]
    except Exception:
        return None


def _stored(sheet: Any) -> bytes:
    """The ledger file the sheet holds; nothing for a sheet without one. Raises ValueError
    for text that is no longer what `_store` wrote (edited, or cut short)."""
    last = sheet.used_range.last_cell.row
    if last < FIRST_ROW:
        return b""
    cells = sheet.range((FIRST_ROW, 1), (last, 1)).options(ndim=1).value or []
    text = "".join(c for c in cells if isinstance(c, str))
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            "its cells no longer hold the ledger Batchsheet wrote there (edited or cut short)"
        ) from None


@contextlib.contextmanager
def book_ledger(book: Any) -> Iterator[Ledger]:
    """The workbook's ledger, as a `Ledger` on a file of its own while the block runs;
    what the block records is written back to the hidden sheet when it ends."""
    sheet = _sheet(book)
    damage = None
    try:
        data = _stored(sheet) if sheet is not None else b""
    except ValueError as e:
        data, damage = b"", str(e)
    with tempfile.TemporaryDirectory(prefix="batchsheet-ledger-") as folder:
        ledger = WorkbookLedger(Path(folder) / "ledger.sqlite3", damage)
        if data:
            ledger.path.write_bytes(data)
        yield ledger
        if damage is not None:
            return
        after = ledger.path.read_bytes() if ledger.path.is_file() else b""
        if after != data:
            _store(book, sheet, after, old_rows=_rows(data))


def _rows(data: bytes) -> int:
    return -(-len(base64.b64encode(data)) // CHUNK)


def _store(book: Any, sheet: Any | None, data: bytes, old_rows: int) -> None:
    if sheet is None:
        # Adding a sheet makes it the active one (xlwings' remote engine, `Sheets.add`, sets
        # `active_sheet_index` to it; Excel's Worksheets.Add likewise): the bookkeeper is put
        # back on the sheet they pressed the button on.
        where = book.sheets.active
        sheet = book.sheets.add(LEDGER_SHEET)
        sheet.range((1, 1)).value = as_typed_text(HEADING)
        # Out of the way of the bookkeeper, as the workbook's own record, not a page.
        sheet.visible = False
        where.activate()
    text = base64.b64encode(data).decode("ascii")
    chunks = [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]
    rows = max(len(chunks), old_rows)
    target = sheet.range((FIRST_ROW, 1), (FIRST_ROW + rows - 1, 1))
    # Text, kept as text: a chunk such as `1E5` or `12/3` would otherwise become a number.
    target.number_format = "@"
    target.value = [[as_typed_text(c)] for c in chunks] + [[None]] * (rows - len(chunks))
