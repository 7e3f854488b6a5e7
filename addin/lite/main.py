"""# Batchsheet

Check this batch, mark what is wrong, and write the file your accounting system imports.

1. Fill in or paste your batch on the data sheet, then press **Validate**.
2. Red cells are errors, amber cells are warnings; the Problems column says why.
3. Press **Export CSV**, then download the file from the xlwings Lite menu: Files.
"""

# The scripts of the workbook's `main.py`: the buttons xlwings Lite shows in its task pane.
# A script is a function decorated with `@script` whose first argument has the `xw.Book`
# type hint; further arguments become form fields in App Mode, a checkbox for a `bool` and
# a text box for a `str`; `name=` is the button's label
# (https://lite.xlwings.org/custom-scripts, "Script arguments";
# https://lite.xlwings.org/app-mode, "Form fields"). The module's and each script's
# docstring are shown in App Mode as Markdown (https://lite.xlwings.org/app-mode, "How does
# it work?"), so they speak to the person pressing the button. The scripts are coroutines:
# Lite awaits an `async def` script (https://lite.xlwings.org/async-api), and Fix must await
# the formulas it may not write over, which Lite reads only on demand. The work itself is in
# `addin.lite.scripts`, tested on the in-memory Excel's Lite mode.

import xlwings as xw

from addin.lite import scripts


@xw.script(name="Validate")
async def validate(book: xw.Book) -> None:
    """## Validate

    Checks every row of the batch. Cells with errors turn red, warnings amber, and the
    Problems column at the right of each row says what is wrong. A summary appears below.
    Correct the red cells, then press Validate again."""
    await scripts.validate(book)


@xw.script(name="Clear marks")
async def clear_marks(book: xw.Book) -> None:
    """## Clear marks

    Removes the red and amber marks and the Problems text. Your data is not changed."""
    await scripts.clear_marks(book)


@xw.script(name="Fix")
async def fix(book: xw.Book, apply: bool = False) -> None:
    """## Fix

    Lists the corrections Batchsheet is certain of (stray spaces, codes written as the
    master list has them, 12.5 % written as 1250 ...). Nothing changes while the box is
    unticked: read the list first. Tick **apply** and press Fix again to make exactly
    those changes; each one is logged on the Audit sheet."""
    await scripts.fix(book, apply=apply)


@xw.script(name="Export CSV")
async def export_csv(book: xw.Book) -> None:
    """## Export CSV

    Writes the file your accounting system imports, if no errors remain (otherwise the
    errors are marked and nothing is written). The file's name is shown below: download
    it from the xlwings Lite menu, **Files**, then import it into your accounting
    system. Every export is remembered in this workbook, so a batch exported twice is
    flagged by Validate."""
    await scripts.export_csv(book)


@xw.script(name="Import CSV")
async def import_csv(book: xw.Book, file_name: str = "") -> None:
    """## Import CSV

    Fills this workbook's empty batch with the rows of a CSV file. First put the file
    into xlwings Lite: menu, **Files**, drop it there. If it is the only CSV file there,
    leave **file_name** empty; otherwise type its name. A batch that already has rows is
    never written over: start from an empty template instead."""
    await scripts.import_csv(book, file_name)


@xw.script(name="Forget an export")
async def forget_export(book: xw.Book, batch: int = 0) -> None:
    """## Forget an export

    Validate warns when a document was already exported from this workbook, because
    importing it twice posts it twice. If an exported file was never imported, forget it
    here: press with **batch** at 0 to list the exports this workbook remembers, then
    type the number of the one to forget and press again."""
    await scripts.forget_export(book, batch)
