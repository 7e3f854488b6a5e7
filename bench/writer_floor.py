"""The floor of writing a batch's cells: the CSV's rows written as they stand, one sheet,
by the writer `import` uses (openpyxl write-only), with nothing checked or typed.

    python -m bench.writer_floor FILE.csv ENCODING OUT.xlsx
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from openpyxl import Workbook


def write(source: Path, encoding: str, target: Path) -> int:
    text = source.read_bytes().decode(encoding)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Batch")
    rows = 0
    for row in csv.reader(io.StringIO(text, newline="")):
        ws.append(row)
        rows += 1
    wb.save(target)
    return rows


if __name__ == "__main__":
    write(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
