"""A recording stand-in for the slice of xlwings' Book API the ribbon entry points use.

It holds a sheet as a grid of values and logs every call that would cross into Excel, so
tests can say what was written where and how many calls it took.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from addin.excel.layout import DATA_SHEET, FORMAT_NAME


@dataclass
class Calls:
    log: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, what: str, detail: Any = None) -> None:
        self.log.append((what, detail))

    def names(self) -> list[str]:
        return [w for w, _ in self.log]


class App:
    def __init__(self, calls: Calls):
        self.calls = calls
        self.alerts: list[tuple[str, str | None]] = []
        # What the user answers to Yes/No alerts, in turn.
        self.answers: list[str] = []
        self._status: str | bool = False

    def alert(
        self, prompt: str, title: str | None = None, buttons: str = "ok", mode=None, callback=None
    ):
        self.calls.add("alert", prompt)
        self.alerts.append((prompt, mode))
        if buttons == "yes_no":
            return self.answers.pop(0)
        return "ok"

    @property
    def status_bar(self):
        return self._status

    @status_bar.setter
    def status_bar(self, value):
        self.calls.add("status_bar", value)
        self._status = value


class Cell:
    def __init__(self, row: int, column: int):
        self.row, self.column = row, column


class Range:
    def __init__(self, sheet: Sheet, start: tuple[int, int], end: tuple[int, int] | None):
        self.sheet, self.start, self.end = sheet, start, end or start

    def options(self, **_: Any) -> Range:
        return self

    @property
    def last_cell(self) -> Cell:
        return Cell(*self.end)

    @property
    def value(self) -> list[list[Any]]:
        self.sheet.calls.add("read", (self.start, self.end))
        (r1, c1), (r2, c2) = self.start, self.end
        return [[self.sheet.get(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @value.setter
    def value(self, block: Any) -> None:
        self.sheet.calls.add("write", (self.start, block))
        r1, c1 = self.start
        rows = (
            block if isinstance(block, list) and block and isinstance(block[0], list) else [[block]]
        )
        for r, row in enumerate(rows, start=r1):
            for c, v in enumerate(row, start=c1):
                # Excel keeps text typed with a leading ' as text, without the '.
                if isinstance(v, str) and v.startswith("'"):
                    v = v[1:]
                self.sheet.set(r, c, v)

    @property
    def formula(self) -> list[list[str]]:
        """Like Excel: a formula cell's formula, any other cell's value as text."""
        self.sheet.calls.add("read formulas", (self.start, self.end))
        (r1, c1), (r2, c2) = self.start, self.end
        return [
            [
                self.sheet.formulas.get((r, c), _as_text(self.sheet.get(r, c)))
                for c in range(c1, c2 + 1)
            ]
            for r in range(r1, r2 + 1)
        ]

    def clear_contents(self) -> None:
        self.sheet.calls.add("clear", (self.start, self.end))
        (r1, c1), (r2, c2) = self.start, self.end
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self.sheet.cells.pop((r, c), None)


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


class Sheet:
    def __init__(self, name: str, calls: Calls, cells: dict[tuple[int, int], Any]):
        self.name, self.calls, self.cells = name, calls, cells
        # Cells holding a formula: (row, column) -> its text; the value is in `cells`.
        self.formulas: dict[tuple[int, int], str] = {}

    def get(self, r: int, c: int) -> Any:
        return self.cells.get((r, c))

    def set(self, r: int, c: int, v: Any) -> None:
        if v is None:
            self.cells.pop((r, c), None)
        else:
            self.cells[r, c] = v

    def range(self, start: tuple[int, int], end: tuple[int, int] | None = None) -> Range:
        return Range(self, start, end)

    @property
    def used_range(self) -> Range:
        self.calls.add("used_range")
        rows = max((r for r, _ in self.cells), default=1)
        cols = max((c for _, c in self.cells), default=1)
        return Range(self, (1, 1), (rows, cols))

    def activate(self) -> None:
        self.calls.add("activate", self.name)


class Name:
    def __init__(self, refers_to: str):
        self.refers_to = refers_to


class Names:
    """Like xlwings' Names: called with a name, not indexed."""

    def __init__(self, names: dict[str, str]):
        self._names = {k: Name(v) for k, v in names.items()}

    def __call__(self, name: str) -> Name:
        return self._names[name]


class Sheets(dict):
    """Like xlwings' Sheets: indexed by name, and `add` makes a new one."""

    def __init__(self, sheets: dict[str, Sheet], calls: Calls):
        super().__init__(sheets)
        self.calls = calls

    def add(self, name: str | None = None, before=None, after=None) -> Sheet:
        self.calls.add("add sheet", name)
        sheet = Sheet(name or f"Sheet{len(self) + 1}", self.calls, {})
        self[sheet.name] = sheet
        return sheet


class Book:
    """A workbook as Excel would show it to the entry points."""

    def __init__(self, sheets: dict[str, dict[tuple[int, int], Any]], names: dict[str, str]):
        self.calls = Calls()
        self.app = App(self.calls)
        self._sheets = Sheets(
            {n: Sheet(n, self.calls, cells) for n, cells in sheets.items()}, self.calls
        )
        self.names = Names(names)
        # Excel's FullName: the saved file's path, or only a name while never saved.
        self.fullname = "Book1"

    @property
    def sheets(self) -> dict[str, Sheet]:
        return self._sheets

    @classmethod
    def from_file(cls, path) -> Book:
        """The workbook at `path` as Excel would hold it: values typed as stored."""
        wb = load_workbook(path)
        sheets = {
            ws.title: {
                (c.row, c.column): c.value
                for row in ws.iter_rows()
                for c in row
                if c.value is not None
            }
            for ws in wb.worksheets
        }
        names = {n: f"={d.attr_text}" for n, d in wb.defined_names.items()}
        book = cls(sheets, names)
        book.fullname = str(Path(path).resolve())
        return book

    def data(self) -> Sheet:
        return self._sheets[DATA_SHEET]

    def close(self) -> None:
        self.calls.add("close")

    def format(self) -> str:
        return self.names(FORMAT_NAME).refers_to
