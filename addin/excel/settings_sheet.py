"""The Settings sheet: company values and master lists, side by side, ready to paste into.

One block per list, each with a title on row 1 and column headings on row 2, so a bookkeeper
pastes a column from the accounting system's export under its heading. Blocks are found by
their titles when the sheet is read, so inserting columns or moving blocks does no harm.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..engine.findings import column_letter
from ..engine.settings import (
    VALUES_TITLE,
    CompanySettings,
    SettingsError,
    block_columns,
    settings_grid,
)
from ..refusals import ReadError
from ..specs.model import SettingsSpec
from .layout import LAST_ROW, SETTINGS_FIRST_ROW, SETTINGS_SHEET
from .text_cells import text_cell
from .workbook import open_book

TITLE_FILL = PatternFill("solid", start_color="1F4E78", end_color="1F4E78")
HEADING_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
PROMPT_LIMIT = 255


def write_settings_sheet(
    ws: Worksheet, spec: SettingsSpec, settings: CompanySettings | None = None
) -> None:
    """Stream the Settings sheet (write-only): titles, headings, then any values given."""
    ws.sheet_properties.tabColor = "7F6000"
    ws.freeze_panes = f"A{SETTINGS_FIRST_ROW}"
    blocks = block_columns(spec)
    width = max(start + len(headings) for _, headings, start in blocks)
    titles: list[object] = [None] * width
    headings_row: list[object] = [None] * width
    for title, headings, start in blocks:
        titles[start - 1] = _cell(ws, title, Font(bold=True, color="FFFFFF"), TITLE_FILL)
        for offset, heading in enumerate(headings):
            headings_row[start - 1 + offset] = _cell(ws, heading, Font(bold=True), HEADING_FILL)
            if offset:
                titles[start - 1 + offset] = _cell(ws, None, fill=TITLE_FILL)
    _widths_and_prompts(ws, spec, blocks)
    ws.append(titles)
    ws.append(headings_row)
    for row in settings_grid(spec, settings):
        ws.append([_cell(ws, v) if v is not None else None for v in row])


def _widths_and_prompts(
    ws: Worksheet, spec: SettingsSpec, blocks: list[tuple[str, tuple[str, ...], int]]
) -> None:
    first = SETTINGS_FIRST_ROW
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 16
    for r, value in enumerate(spec.values, start=first):
        dv = DataValidation(type=None, allow_blank=True)
        dv.promptTitle = value.label[:32]
        dv.prompt = value.help[:PROMPT_LIMIT]
        dv.showInputMessage = True
        dv.add(f"B{r}")
        ws.data_validations.append(dv)
    by_title = {m.title: m for m in spec.lists}
    for title, _, start in blocks:
        if title == VALUES_TITLE:
            continue
        master = by_title[title]
        for offset, column in enumerate(master.columns):
            letter = column_letter(start + offset)
            ws.column_dimensions[letter].width = 18 if offset == 0 else 14
            # Codes pasted into General cells lose their leading zeros: the lists are text.
            ws.column_dimensions[letter].number_format = "@"
            if column.choices:
                dv = DataValidation(
                    type="list", formula1=f'"{",".join(column.choices)}"', allow_blank=True
                )
                dv.showErrorMessage = False
            else:
                dv = DataValidation(type=None, allow_blank=True)
            dv.promptTitle = f"{master.title}: {column.label}"[:32]
            dv.prompt = (column.help or master.help)[:PROMPT_LIMIT]
            dv.showInputMessage = True
            dv.add(f"{letter}{first}:{letter}{LAST_ROW}")
            ws.data_validations.append(dv)
        ws.column_dimensions[column_letter(start + len(master.columns))].width = 3


def _cell(
    ws: Worksheet, value: str | None, font: Font | None = None, fill: PatternFill | None = None
) -> Cell:
    cell = text_cell(ws, value)
    cell.alignment = Alignment(vertical="top")
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def settings_sheet_cells(path: Path) -> list[list[Any]]:
    """The cells of the Settings sheet of the workbook at `path`, A1 down."""
    try:
        wb, _ = open_book(path)
    except ReadError as e:
        raise SettingsError(str(e)) from None
    try:
        if SETTINGS_SHEET not in wb.sheetnames:
            raise SettingsError(f"{path}: the workbook has no sheet named {SETTINGS_SHEET!r}")
        try:
            return [list(r) for r in wb[SETTINGS_SHEET].iter_rows(values_only=True)]
        except Exception as e:
            raise SettingsError(f"{path}: the Settings sheet cannot be read: {e}") from None
    finally:
        wb.close()
