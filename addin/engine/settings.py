"""Company settings as loaded: the values and master lists a user has filled in.

They come from a workbook's Settings sheet (a grid of cells, read like the data sheet) or
from a settings file (JSON). Whatever is blank is simply not there, and the rules that need
it are skipped and say so.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ..files import json_document
from ..refusals import Refusal
from ..specs.model import ListColumn, MasterListSpec, SettingsSpec, SettingValue
from .cells import number_text
from .fields import PASTED, format_date, parse_date

# The title of the block of single values on the Settings sheet (lists have their own titles).
VALUES_TITLE = "Company"
VALUE_HEADINGS = ("Setting", "Value")
_MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_CLEAN = str.maketrans(PASTED)


class SettingsError(Refusal, ValueError):
    """A settings file that cannot be used; the message names the file."""


def cell_text(value: Any) -> str:
    """A settings cell as text: numbers as Excel shows them, dates as DD/MM/YYYY."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, (dt.datetime, dt.date)):
        day = value.date() if isinstance(value, dt.datetime) else value
        return format_date(day)
    return str(value).translate(_CLEAN).strip()


@dataclass
class MasterList:
    """A filled-in master list: rows of texts keyed by the list's column keys."""

    spec: MasterListSpec
    rows: list[dict[str, str]]

    def filled(self, column: str | None = None) -> bool:
        key = column or self.spec.columns[0].key
        return any(row.get(key) for row in self.rows)

    # Codes by list column, built on first use.
    _index: dict[str, dict[str, dict[str, str]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def by_code(self, column: str | None = None) -> dict[str, dict[str, str]]:
        """Code (in `column`, default the codes) -> its row; the first row wins."""
        key = column or self.spec.columns[0].key
        index = self._index.get(key)
        if index is None:
            index = {}
            for row in self.rows:
                code = row.get(key, "")
                if code and code not in index:
                    index[code] = row
            self._index[key] = index
        return index


@dataclass
class CompanySettings:
    """What the user filled in: values by key, and master lists by key."""

    values: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, MasterList] = field(default_factory=dict)
    # Entries that could not be read, in words; the rules needing them are skipped.
    problems: list[str] = field(default_factory=list)
    source: str = "the Settings sheet"

    def list(self, key: str) -> MasterList | None:
        found = self.lists.get(key)
        return found if found is not None and found.filled() else None

    @property
    def empty(self) -> bool:
        return not self.values and not any(m.filled() for m in self.lists.values())

    def to_json(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, value in self.values.items():
            values[key] = format_date(value) if isinstance(value, dt.date) else value
        return {
            "settings": values,
            "lists": {
                key: [{k: v for k, v in row.items() if v} for row in m.rows]
                for key, m in self.lists.items()
                if m.filled()
            },
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


# -- reading values -----------------------------------------------------------------------


def read_value(spec: SettingValue, raw: Any) -> tuple[Any, str | None]:
    """The value of one setting and, when it cannot be used, why (in words)."""
    text = cell_text(raw)
    if text == "":
        return None, None
    if spec.kind == "month":
        month = _MONTHS.get(text.casefold().rstrip("."))
        if month is None and re.fullmatch(r"\d{1,2}", text):
            month = int(text)
        if month is None or not 1 <= month <= 12:
            return None, f"{spec.label}: {text!r} is not a month (1 to 12, or its name)"
        return month, None
    if spec.kind == "integer":
        if not re.fullmatch(r"\d{1,3}", text):
            return None, f"{spec.label}: {text!r} is not a whole number"
        n = int(text)
        if (spec.minimum is not None and n < spec.minimum) or (
            spec.maximum is not None and n > spec.maximum
        ):
            return None, f"{spec.label}: {n} is not from {spec.minimum} to {spec.maximum}"
        return n, None
    if spec.kind == "choice":
        chosen = text.casefold()
        if chosen not in spec.choices:
            return None, f"{spec.label}: {text!r} is not one of {', '.join(spec.choices)}"
        return chosen, None
    if spec.kind == "date":
        day = parse_date(text)
        if day is None:
            return None, f"{spec.label}: {text!r} is not a date written DD/MM/YYYY"
        return day, None
    return text, None


def read_rate(text: str) -> Decimal | None:
    """A tax rate in percent from `15`, `15%` or `15.0 %`; None when it is not one."""
    try:
        rate = Decimal(text.replace("%", "").strip())
    except InvalidOperation:
        return None
    return rate if rate.is_finite() and 0 <= rate < 1000 else None


def _list_row(spec: MasterListSpec, texts: Sequence[str]) -> dict[str, str]:
    row = {}
    for column, text in zip(spec.columns, texts):
        row[column.key] = _normalised(column, text)
    return row


def _normalised(column: ListColumn, text: str) -> str:
    rewrite = column.rewrite
    if rewrite and re.fullmatch(rewrite.spelled, text, re.ASCII):
        return re.sub(rewrite.spelled, rewrite.canonical, text)
    if column.choices:
        return text.casefold()
    return text


def _check_list(m: MasterList, problems: list[str]) -> None:
    for column in m.spec.columns:
        if column.kind == "rate":
            for row in m.rows:
                text = row.get(column.key, "")
                if text and read_rate(text) is None:
                    problems.append(
                        f"{m.spec.title}: the {column.label} {text!r} of "
                        f"{row.get(m.spec.columns[0].key)!r} is not a percentage"
                    )
        if column.choices:
            allowed = set(column.choices)
            for row in m.rows:
                text = row.get(column.key, "")
                if text and text not in allowed:
                    problems.append(
                        f"{m.spec.title}: {column.label} {text!r} of "
                        f"{row.get(m.spec.columns[0].key)!r} is not one of "
                        f"{', '.join(column.choices)}"
                    )


# -- the Settings sheet -------------------------------------------------------------------


def settings_from_grid(
    spec: SettingsSpec, values: Sequence[Sequence[Any]], source: str = "the Settings sheet"
) -> CompanySettings:
    """Settings from a Settings sheet's cells, A1 down (blocks found by their titles in row 1)."""
    settings = CompanySettings(source=source)
    if not values:
        return settings
    titles = {cell_text(v).casefold(): i for i, v in enumerate(values[0]) if cell_text(v)}
    data = values[2:]
    if VALUES_TITLE.casefold() in titles:
        start = titles[VALUES_TITLE.casefold()]
        by_label = {v.label.casefold(): v for v in spec.values}
        for row in data:
            label = cell_text(row[start]) if start < len(row) else ""
            setting = by_label.get(label.casefold())
            if setting is None:
                continue
            raw = row[start + 1] if start + 1 < len(row) else None
            value, problem = read_value(setting, raw)
            if problem:
                settings.problems.append(problem)
            elif value is not None:
                settings.values[setting.key] = value
    for list_spec in spec.lists:
        at = titles.get(list_spec.title.casefold())
        if at is None:
            continue
        start = at
        width = len(list_spec.columns)
        rows = []
        for row in data:
            texts = [cell_text(row[c]) if c < len(row) else "" for c in range(start, start + width)]
            if any(texts):
                rows.append(_list_row(list_spec, texts))
        settings.lists[list_spec.key] = MasterList(list_spec, rows)
        _check_list(settings.lists[list_spec.key], settings.problems)
    return settings


def settings_grid(spec: SettingsSpec, settings: CompanySettings | None) -> list[list[str | None]]:
    """The data rows (below the two heading rows) of a Settings sheet holding `settings`.

    Blocks stand side by side with one empty column between them, in `block_columns` order.
    """
    columns: list[list[str | None]] = []
    values = settings.values if settings else {}
    labels: list[str | None] = [v.label for v in spec.values]
    shown: list[str | None] = []
    for v in spec.values:
        value = values.get(v.key)
        shown.append(format_date(value) if isinstance(value, dt.date) else _shown(value))
    columns += [labels, shown, []]
    for list_spec in spec.lists:
        loaded = settings.lists.get(list_spec.key) if settings else None
        rows = loaded.rows if loaded else []
        for column in list_spec.columns:
            columns.append([row.get(column.key) or None for row in rows])
        columns.append([])
    height = max((len(c) for c in columns), default=0)
    return [[c[r] if r < len(c) else None for c in columns] for r in range(height)]


def _shown(value: Any) -> str | None:
    return None if value is None else str(value)


def block_columns(spec: SettingsSpec) -> list[tuple[str, tuple[str, ...], int]]:
    """(title, column headings, first column, 1-based) of every block of a Settings sheet."""
    out: list[tuple[str, tuple[str, ...], int]] = [(VALUES_TITLE, VALUE_HEADINGS, 1)]
    column = len(VALUE_HEADINGS) + 2
    for list_spec in spec.lists:
        out.append((list_spec.title, tuple(c.label for c in list_spec.columns), column))
        column += len(list_spec.columns) + 1
    return out


# -- settings files -----------------------------------------------------------------------


@dataclass
class SettingsFile:
    """Settings as a file holds them, before they meet a format: a JSON object, or the cells
    of a workbook's Settings sheet."""

    origin: str
    data: dict[str, Any] = field(default_factory=dict)
    grid: list[list[Any]] | None = None

    def for_spec(self, spec: SettingsSpec) -> CompanySettings:
        if self.grid is not None:
            return settings_from_grid(spec, self.grid, self.origin)
        return settings_from_data(spec, self.data, self.origin)


def parse_settings(text: str, origin: str) -> SettingsFile:
    data = json_document(text, origin, SettingsError)
    if not isinstance(data, dict):
        raise SettingsError(f"{origin}: a settings file is an object with 'settings' and 'lists'")
    if not isinstance(data.get("settings", {}), dict) or not isinstance(
        data.get("lists", {}), dict
    ):
        raise SettingsError(f"{origin}: 'settings' and 'lists' must be objects")
    return SettingsFile(origin, data)


def settings_from_data(spec: SettingsSpec, data: dict[str, Any], origin: str) -> CompanySettings:
    """Settings from a settings file's JSON object; keys the format does not use are ignored."""
    settings = CompanySettings(source=origin)
    values = data.get("settings", {})
    lists = data.get("lists", {})
    for v in spec.values:
        if v.key in values:
            value, problem = read_value(v, values[v.key])
            if problem:
                settings.problems.append(problem)
            elif value is not None:
                settings.values[v.key] = value
    for list_spec in spec.lists:
        entries = lists.get(list_spec.key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            settings.problems.append(f"the list {list_spec.key!r} is not a list")
            continue
        rows = []
        for entry in entries:
            row = _json_row(list_spec, entry)
            if row is None:
                settings.problems.append(f"{list_spec.title}: {entry!r} is not a code or an object")
            elif any(row.values()):
                rows.append(row)
        settings.lists[list_spec.key] = MasterList(list_spec, rows)
        _check_list(settings.lists[list_spec.key], settings.problems)
    return settings


def _json_row(spec: MasterListSpec, entry: Any) -> dict[str, str] | None:
    if isinstance(entry, dict):
        texts = [cell_text(entry.get(c.key)) for c in spec.columns]
    elif isinstance(entry, (str, int, float)) and not isinstance(entry, bool):
        texts = [cell_text(entry)]
    else:
        return None
    return _list_row(spec, texts)


def broken_settings(source: str, e: BaseException) -> CompanySettings:
    """Settings of a Settings sheet that cannot be read: none, and a problem saying so."""
    broken = CompanySettings(source=source)
    broken.problems.append(f"{source} cannot be read ({type(e).__name__}); not used")
    return broken
