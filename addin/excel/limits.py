"""What Excel can hold, and the limits Batchsheet derives from it, in one place.

Every workbook Batchsheet writes (`import`, `templates`, `new-batch`, `--mark`, `fix
--apply`) stays within what Excel holds, and every command reads whatever stays within it:
the limits a workbook is inspected against (`package`) are derived from the same numbers as
the rows a batch may fill, so Batchsheet never refuses a workbook it could have written.
A zip bomb is still refused: by its compression ratio, and by a size no such workbook
reaches.
"""

from __future__ import annotations

# Excel's specifications and limits (support.microsoft.com, "Excel specifications and
# limits"): rows and columns of a worksheet, and characters in a cell.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
CELL_TEXT = 32_767

# The widest sheet a format makes: Pastel's 29 Header fields and the 3 marking columns
# (`tests/test_limits.py` holds every registered format to it).
SHEET_COLUMNS = 32
# The most cells a sheet's extent may cover: Excel's full height at the widest sheet. A
# reader's grid of this size is about 1 GB.
MAX_CELLS = EXCEL_ROWS * SHEET_COLUMNS
# Bytes of XML a cell takes at most as Batchsheet and Excel write a batch's cells
# (`<c r="AF1048576" s="12" t="s"><v>1048575</v></c>` is 45); text is in the shared strings.
CELL_XML = 64
# The most a workbook's parts may expand to: every cell of the largest sheet at CELL_XML
# bytes, 2 GiB. A 1,000,000-record Pastel batch, 166,667 documents, expands to 587 MB.
MAX_UNCOMPRESSED = MAX_CELLS * CELL_XML
# Parts a package may have, and how far one part larger than RATIO_FROM may have been
# compressed: a sheet of a batch compresses about 10 to 1, a zip bomb a thousand to 1.
MAX_PARTS = 10_000
MAX_RATIO = 100
RATIO_FROM = 2**20
