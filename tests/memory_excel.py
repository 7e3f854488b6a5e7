"""An Excel that lives in memory, plugged into xlwings as an engine of its own.

The ribbon's Python runs against xlwings' own `Book`, `Sheet` and `Range` classes; only the
layer below them (the engine, as `xlwings/base_classes.py` lays it out) is ours. It answers
as Excel's COM interface does: numbers come back as floats, dates as `datetime`, empty cells
as `None`; text written to a cell is typed the way Excel types what is typed (a number-like
text becomes a number unless the cell is formatted as text or the text starts with `'`, and
text starting with `=` becomes a formula). Every call that would cross into Excel is
counted, with the cells it moves, so a test can say how many calls a button takes.

A sheet's used range can be made larger than its data (`Sheet.formatted_to`), as it is when
a user formats whole columns.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlwings
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from xlwings import main as xlmain

LAST_ROW = 1_048_576
LAST_COLUMN = 16_384
_NUMBER = re.compile(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*")
_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")


@dataclass
class Calls:
    """What crossed into Excel: each call by kind, and the cells the transfers moved; and
    the CPU time spent on this side of the calls, standing in for Excel's own work."""

    log: list[tuple[str, int]] = field(default_factory=list)
    excel_seconds: float = 0.0

    def add(self, kind: str, cells: int = 0) -> None:
        self.log.append((kind, cells))

    def count(self, kind: str | None = None) -> int:
        return sum(1 for k, _ in self.log if kind is None or k == kind)

    def kinds(self) -> Counter[str]:
        return Counter(k for k, _ in self.log)

    def largest(self, kind: str) -> int:
        return max((n for k, n in self.log if k == kind), default=0)

    def clear(self) -> None:
        self.log.clear()
        self.excel_seconds = 0.0


def _excel_work(method):
    """Time a call as Excel's work, not the caller's."""

    @functools.wraps(method)
    def timed(self, *args, **kw):
        started = time.process_time()
        try:
            return method(self, *args, **kw)
        finally:
            self.sheet_impl.calls.excel_seconds += time.process_time() - started

    return timed


# -- the engine --------------------------------------------------------------------------


class Engine:
    name = "memory"
    type = "desktop"

    def __init__(self) -> None:
        self.calls = Calls()
        self.apps = Apps(self)

    # The conversions xlwings asks an engine for, as the Windows engine makes them.
    @staticmethod
    def prepare_xl_data_element(x: Any, date_format: Any) -> Any:
        return "" if x is None else x

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        def clean(value: Any) -> Any:
            if value in ("", None):
                return empty_as
            if isinstance(value, dt.datetime):
                return (
                    datetime_builder(
                        year=value.year,
                        month=value.month,
                        day=value.day,
                        hour=value.hour,
                        minute=value.minute,
                        second=value.second,
                    )
                    if datetime_builder is not dt.datetime
                    else value
                )
            if number_builder is not None and isinstance(value, float):
                return number_builder(value)
            return value

        return [[clean(c) for c in row] for row in data]


class Apps:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._apps: list[App] = []

    def keys(self) -> list[int]:
        return [a.pid for a in self._apps]

    def add(self, spec=None, add_book=True, xl=None, visible=None) -> App:
        app = App(self.engine, 1000 + len(self._apps))
        self._apps.insert(0, app)
        return app

    @staticmethod
    def cleanup() -> None:
        pass

    def __iter__(self):
        return iter(self._apps)

    def __len__(self) -> int:
        return len(self._apps)

    def __getitem__(self, pid: int) -> App:
        return next(a for a in self._apps if a.pid == pid)


class App:
    version = "16.0"

    def __init__(self, engine: Engine, pid: int) -> None:
        self.engine = engine
        self.calls = engine.calls
        self.pid = pid
        self.books = Books(self)
        self.alerts: list[tuple[str, str]] = []  # (prompt, mode)
        # What the user answers to yes/no alerts, in turn.
        self.answers: list[str] = []
        self.statuses: list[str | bool] = []
        self._status: str | bool = False
        self.screen_updating = True
        self.display_alerts = True
        self.calculation = "automatic"
        self.visible = True
        self.enable_events = True
        self.interactive = True
        self.startup_path = ""
        self.cut_copy_mode = False

    @property
    def api(self) -> App:
        return self

    @property
    def selection(self) -> Range | None:
        book = self.books.active
        return book.selection if book else None

    def activate(self, steal_focus: bool = False) -> None:
        pass

    def alert(self, prompt, title, buttons, mode, callback):
        self.calls.add("alert")
        self.alerts.append((prompt, mode))
        if buttons in ("yes_no", "yes_no_cancel", "ok_cancel"):
            return self.answers.pop(0)
        return "ok"

    @property
    def status_bar(self) -> str | bool:
        return self._status

    @status_bar.setter
    def status_bar(self, value: str | bool) -> None:
        self.calls.add("status bar")
        self.statuses.append(value)
        self._status = value

    def calculate(self) -> None:
        pass

    def quit(self) -> None:
        pass

    def kill(self) -> None:
        pass


class Books:
    def __init__(self, app: App) -> None:
        self.app = app
        self._books: list[Book] = []
        self.active: Book | None = None

    @property
    def api(self) -> Books:
        return self

    def __call__(self, name_or_index: str | int) -> Book:
        if isinstance(name_or_index, int):
            return self._books[name_or_index - 1]
        for b in self._books:
            if b.name.lower() == name_or_index.lower():
                return b
        raise KeyError(name_or_index)

    def __len__(self) -> int:
        return len(self._books)

    def __iter__(self):
        return iter(self._books)

    def add(self) -> Book:
        book = Book(self.app, f"Book{len(self._books) + 1}", None)
        book.sheets.add(name="Sheet1")
        return self._opened(book)

    def open(self, fullname: str, *args: Any, **kw: Any) -> Book:
        """The workbook at `fullname` as Excel holds it once opened."""
        self.app.calls.add("open")
        path = Path(fullname)
        book = Book(self.app, path.name, str(path.resolve()))
        wb = load_workbook(path)
        for ws in wb.worksheets:
            sheet = book.sheets.add(name=ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.number_format != "General":
                        sheet.formats[cell.row, cell.column] = cell.number_format
                    if cell.value is not None:
                        sheet.grid[cell.row, cell.column] = as_stored(cell.value)
            for letter, dim in ws.column_dimensions.items():
                if dim.number_format and dim.number_format != "General":
                    low, high = dim.min or column_index_from_string(letter), dim.max
                    for c in range(low, (high or low) + 1):
                        sheet.column_formats[c] = dim.number_format
            sheet.formatted_to = (ws.max_row, ws.max_column)
        for name, defined in wb.defined_names.items():
            book.names.add(name, "=" + defined.attr_text)
        book.sheets.active = book.sheets._sheets[0]
        return self._opened(book)

    def _opened(self, book: Book) -> Book:
        self._books.append(book)
        self.active = book
        return book


class Book:
    def __init__(self, app: App, name: str, fullname: str | None) -> None:
        self.app = app
        self.calls = app.calls
        self.name = name
        self._fullname = fullname
        self.sheets = Sheets(self)
        self.names = Names(self)
        self.closed = False
        self.selection: Range | None = None

    @property
    def api(self) -> Book:
        return self

    @property
    def fullname(self) -> str:
        return self._fullname or self.name

    def close(self) -> None:
        self.calls.add("close")
        self.closed = True
        self.app.books._books.remove(self)
        if self.app.books.active is self:
            books = self.app.books._books
            self.app.books.active = books[-1] if books else None

    def save(self, path: str | None = None, password: str | None = None) -> None:
        self.calls.add("save")

    def activate(self) -> None:
        self.app.books.active = self

    def to_pdf(self, *args: Any, **kw: Any) -> None:
        raise NotImplementedError


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._sheets: list[Sheet] = []
        self.active: Sheet | None = None

    @property
    def api(self) -> Sheets:
        return self

    def __call__(self, name_or_index: str | int) -> Sheet:
        self.book.calls.add("sheet")
        if isinstance(name_or_index, int):
            return self._sheets[name_or_index - 1]
        for s in self._sheets:
            if s.name.lower() == name_or_index.lower():
                return s
        raise KeyError(name_or_index)  # what COM raises, in effect

    def __len__(self) -> int:
        return len(self._sheets)

    def __iter__(self):
        return iter(self._sheets)

    def named(self, name: str) -> Sheet | None:
        """For tests: the sheet, without a call into Excel."""
        return next((s for s in self._sheets if s.name == name), None)

    def add(self, before=None, after=None, name: str | None = None) -> Sheet:
        self.book.calls.add("add sheet")
        sheet = Sheet(self.book, name or f"Sheet{len(self._sheets) + 1}")
        self._sheets.append(sheet)
        self.active = sheet
        return sheet


class Sheet:
    def __init__(self, book: Book, name: str) -> None:
        self.book = book
        self.calls = book.calls
        self._name = name
        self.grid: dict[tuple[int, int], Any] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.column_formats: dict[int, str] = {}
        # The used range also covers formatted cells; a user who formats whole columns
        # makes it reach the sheet's last row.
        self.formatted_to: tuple[int, int] = (0, 0)

    @property
    def api(self) -> Sheet:
        return self

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    @property
    def names(self) -> Names:
        return self.book.names

    @property
    def index(self) -> int:
        return self.book.sheets._sheets.index(self) + 1

    def range(self, arg1: Any, arg2: Any = None) -> Range:
        if isinstance(arg1, tuple) and len(arg1) == 4:
            # xlwings slices a range as (row, column, rows, columns).
            r, c, rows, columns = (int(x) for x in arg1)
            return Range(self, (r, c), (r + max(rows, 1) - 1, c + max(columns, 1) - 1))
        first = _corner(arg1)
        second = _corner(arg2, last=True) if arg2 is not None else _corner(arg1, last=True)
        return Range(self, first, second)

    def activate(self) -> None:
        self.calls.add("activate")
        self.book.sheets.active = self
        self.book.activate()

    def select(self) -> None:
        self.activate()

    def clear_contents(self) -> None:
        self.calls.add("clear")
        self.grid.clear()

    @property
    def used_range(self) -> Range:
        self.calls.add("used range")
        rows = [r for r, _ in self.grid] + [self.formatted_to[0]]
        columns = [c for _, c in self.grid] + [self.formatted_to[1]]
        return Range(self, (1, 1), (max(max(rows), 1), max(max(columns), 1)))

    # The cell as Excel stores it after `value` is written to it.
    def store(self, r: int, c: int, value: Any) -> None:
        self.formulas.pop((r, c), None)
        if value is None or value == "":
            self.grid.pop((r, c), None)
            return
        if isinstance(value, str):
            text_format = self.number_format(r, c) == "@"
            if value.startswith("'"):
                value = value[1:]
            elif value.startswith("=") and not text_format:
                self.formulas[r, c] = value
                value = "#NAME?"
            elif not text_format and _NUMBER.fullmatch(value):
                value = float(value)
            elif not text_format and (m := _DATE.fullmatch(value)):
                value = dt.datetime(int(m[3]), int(m[1]), int(m[2]))  # an en-US Excel
        self.grid[r, c] = as_stored(value)

    def get(self, r: int, c: int) -> Any:
        """For tests: a cell's value, without a call into Excel."""
        return self.grid.get((r, c))

    def number_format(self, r: int, c: int) -> str:
        return self.formats.get((r, c)) or self.column_formats.get(c, "General")


class Range:
    def __init__(self, sheet: Sheet, first: tuple[int, int], last: tuple[int, int]) -> None:
        self.sheet_impl = sheet
        self.first, self.last = first, last
        self.options: Any = None
        self.arg1_input = ""

    @property
    def api(self) -> Range:
        return self

    @property
    def sheet(self) -> Sheet:
        return self.sheet_impl

    @property
    def coords(self) -> tuple[Sheet, int, int, int, int]:
        (r1, c1), (r2, c2) = self.first, self.last
        return self.sheet_impl, r1, c1, r2 - r1 + 1, c2 - c1 + 1

    @property
    def row(self) -> int:
        return self.first[0]

    @property
    def column(self) -> int:
        return self.first[1]

    @property
    def shape(self) -> tuple[int, int]:
        return self.coords[3], self.coords[4]

    def __len__(self) -> int:
        rows, columns = self.shape
        return rows * columns

    @property
    def max_cells_per_read(self) -> int:
        return xlwings.base_classes.DEFAULT_MAX_CELLS_PER_READ

    @property
    def max_cells_per_write(self) -> int:
        return xlwings.base_classes.DEFAULT_MAX_CELLS_PER_WRITE

    def _cells(self):
        (r1, c1), (r2, c2) = self.first, self.last
        return itertools.product(range(r1, r2 + 1), range(c1, c2 + 1))

    @property
    @_excel_work
    def raw_value(self) -> Any:
        rows, columns = self.shape
        self.sheet_impl.calls.add("read", rows * columns)
        (r1, c1), (r2, c2) = self.first, self.last
        get = self.sheet_impl.grid.get
        grid = tuple(tuple(get((r, c)) for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))
        # COM answers one cell with its value, and any range as rows of values.
        return grid[0][0] if rows == columns == 1 else grid

    @raw_value.setter
    @_excel_work
    def raw_value(self, value: Any) -> None:
        rows, columns = self.shape
        self.sheet_impl.calls.add("write", rows * columns)
        if not isinstance(value, (list, tuple)):
            for r, c in self._cells():
                self.sheet_impl.store(r, c, value)
            return
        grid = value if value and isinstance(value[0], (list, tuple)) else [value]
        r1, c1 = self.first
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                self.sheet_impl.store(r1 + i, c1 + j, v)

    @_excel_work
    def clear_contents(self) -> None:
        rows, columns = self.shape
        self.sheet_impl.calls.add("clear", rows * columns)
        for cell in self._cells():
            self.sheet_impl.grid.pop(cell, None)
            self.sheet_impl.formulas.pop(cell, None)

    def clear(self) -> None:
        self.clear_contents()

    @_excel_work
    def find(self, text: str, whole: bool, direction: str, order: str, match_case: bool):
        """Excel's Find over values: `*` is any value; None when nothing matches."""
        self.sheet_impl.calls.add("find")
        (r1, c1), (r2, c2) = self.first, self.last

        def matches(value: Any) -> bool:
            if value is None or value == "":
                return False
            if text == "*":
                return True
            seen, wanted = _as_text(value), text
            if not match_case:
                seen, wanted = seen.lower(), wanted.lower()
            return seen == wanted if whole else wanted in seen

        hits = [
            (r, c)
            for (r, c), v in self.sheet_impl.grid.items()
            if r1 <= r <= r2 and c1 <= c <= c2 and matches(v)
        ]
        if not hits:
            return None
        by = (lambda p: p) if order == "rows" else (lambda p: (p[1], p[0]))
        cell = max(hits, key=by) if direction == "backward" else min(hits, key=by)
        return Range(self.sheet_impl, cell, cell)

    @property
    @_excel_work
    def formula(self) -> Any:
        rows, columns = self.shape
        self.sheet_impl.calls.add("read formulas", rows * columns)
        (r1, c1), (r2, c2) = self.first, self.last
        sheet = self.sheet_impl
        grid = tuple(
            tuple(
                sheet.formulas.get((r, c), _as_text(sheet.grid.get((r, c))))
                for c in range(c1, c2 + 1)
            )
            for r in range(r1, r2 + 1)
        )
        return grid[0][0] if rows == columns == 1 else grid

    @formula.setter
    def formula(self, value: Any) -> None:
        self.raw_value = value

    @property
    def number_format(self) -> str:
        return self.sheet_impl.number_format(*self.first)

    @number_format.setter
    def number_format(self, value: str) -> None:
        rows, columns = self.shape
        self.sheet_impl.calls.add("number format", rows * columns)
        for cell in self._cells():
            self.sheet_impl.formats[cell] = value

    @property
    def address(self) -> str:
        (r1, c1), (r2, c2) = self.first, self.last
        one = f"${get_column_letter(c1)}${r1}"
        return one if (r1, c1) == (r2, c2) else f"{one}:${get_column_letter(c2)}${r2}"

    def get_address(self, row_absolute=True, col_absolute=True, external=False) -> str:
        return self.address

    def __call__(self, arg1: int, arg2: int | None = None) -> Range:
        r, c = self.first
        if arg2 is None:
            columns = self.shape[1]
            arg1, arg2 = (arg1 - 1) // columns + 1, (arg1 - 1) % columns + 1
        cell = (r + arg1 - 1, c + arg2 - 1)
        return Range(self.sheet_impl, cell, cell)

    def select(self) -> None:
        self.sheet_impl.calls.add("select")
        book = self.sheet_impl.book
        book.sheets.active = self.sheet_impl
        book.selection = self

    @property
    def has_array(self) -> bool:
        return False


class Names:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._names: dict[str, Name] = {}

    @property
    def api(self) -> Names:
        return self

    def __call__(self, name_or_index: str | int) -> Name:
        self.book.calls.add("name")
        if isinstance(name_or_index, int):
            return list(self._names.values())[name_or_index - 1]
        for key, name in self._names.items():
            if key.lower() == name_or_index.lower():
                return name
        raise KeyError(name_or_index)  # COM raises; xlwings passes it on

    def contains(self, name_or_index: str) -> bool:
        return name_or_index.lower() in {k.lower() for k in self._names}

    def __len__(self) -> int:
        return len(self._names)

    def add(self, name: str, refers_to: str) -> Name:
        self._names[name] = Name(self.book, name, refers_to)
        return self._names[name]


class Name:
    def __init__(self, book: Book, name: str, refers_to: str) -> None:
        self.book = book
        self.name = name
        self.refers_to = refers_to

    @property
    def api(self) -> Name:
        return self

    def delete(self) -> None:
        del self.book.names._names[self.name]


def _corner(arg: Any, *, last: bool = False) -> tuple[int, int]:
    if isinstance(arg, Range):
        return arg.last if last else arg.first
    if isinstance(arg, tuple):
        return int(arg[0]), int(arg[1])
    if isinstance(arg, str):
        parts = arg.replace("$", "").split(":")
        text = parts[-1] if last else parts[0]
        m = re.fullmatch(r"([A-Za-z]+)(\d+)", text)
        if m is None:
            raise ValueError(f"not a cell address: {arg!r}")
        return int(m[2]), column_index_from_string(m[1].upper())
    raise TypeError(f"not a cell: {arg!r}")


def as_stored(value: Any) -> Any:
    """A value as Excel holds it: every number a float, every date a datetime."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def data(book: xlwings.Book, name: str = "Batch") -> Sheet:
    """For tests: a workbook's sheet (the data sheet by default), without a call into Excel."""
    sheet = book.impl.sheets.named(name)
    assert sheet is not None, f"no sheet {name!r}"
    return sheet


def no_formulas(excel: Excel) -> bool:
    """Whether no cell of any open workbook holds a formula (text written never becomes one)."""
    return not any(s.formulas for b in excel.app.books for s in b.sheets)


# -- plugging it in ---------------------------------------------------------------------


class Excel:
    """The engine, active in xlwings while the test runs, and its one Excel instance."""

    def __init__(self) -> None:
        self.engine = Engine()
        self.wrapped = xlmain.Engine(impl=self.engine)
        self.before = xlmain.engines.active
        xlmain.engines.add(self.wrapped)
        self.wrapped.activate()
        self.app_impl = self.engine.apps.add()

    @property
    def calls(self) -> Calls:
        return self.engine.calls

    @property
    def app(self) -> App:
        return self.app_impl

    def open(self, path: Path) -> xlwings.Book:
        """The workbook at `path`, opened as a user opens it; the calls to open it are not
        counted against what a button does."""
        book = xlwings.Book(str(path))
        self.calls.clear()
        return book

    def blank(self) -> xlwings.Book:
        book = xlmain.Book(impl=self.app_impl.books.add())
        self.calls.clear()
        return book

    def close(self) -> None:
        xlmain.engines.engines.remove(self.wrapped)
        xlmain.engines.engines_by_name.pop(self.engine.name, None)
        xlmain.engines.active = self.before
