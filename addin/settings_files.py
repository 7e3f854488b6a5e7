"""A settings file named with `--settings`: JSON, or a workbook whose Settings sheet holds the
settings. The engine parses both; reading a workbook is the Excel side's.
"""

from __future__ import annotations

from pathlib import Path

from .engine.settings import SettingsError, SettingsFile, parse_settings
from .files import read_user_text

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


def load_settings(path: Path) -> SettingsFile:
    """The settings of the file at `path`, by its kind."""
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        # Imported here: openpyxl costs a JSON settings file's check a tenth of a second.
        from .excel.settings_sheet import settings_sheet_cells

        return SettingsFile(str(path), grid=settings_sheet_cells(path))
    text = read_user_text(path, "settings file", SettingsError)
    return parse_settings(text, str(path))
