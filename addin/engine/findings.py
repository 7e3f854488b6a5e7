"""What validation says about a batch: findings, one per problem in one cell."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any, Literal

# Where a finding stands: re-exported, so the engine and the Excel side name cells one way.
from ..cell_refs import cell_place, column_index, column_letter

__all__ = [
    "Check",
    "Finding",
    "FindingsJson",
    "Problem",
    "Report",
    "Severity",
    "cell_place",
    "column_index",
    "column_letter",
    "json_value",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A problem found in one value, before it is placed on a row and column."""

    severity: Severity
    code: str
    message: str
    fix: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    severity: Severity
    row: int
    column: str
    field: str
    code: str
    message: str
    value: Any = None
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "severity": self.severity,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "value": json_value(self.value),
        }
        if self.fix is not None:
            out["fix"] = self.fix
        return out


class FindingsJson:
    """Findings written as `json.dumps([f.to_json() for f in findings], ensure_ascii=False)`
    writes them, less the list's brackets, a piece at a time.

    A batch with a finding on every row repeats a few messages, fields and codes hundreds of
    thousands of times: each distinct one is escaped once and kept, where `json.dumps` of
    the findings' dicts escapes every one anew (three times the cost). A cell's value and a
    fix are as many as the findings, and escaped as they come. `Finding.to_json` is the
    shape; `tests/test_json_pieces.py` holds the two to the same bytes."""

    def __init__(self) -> None:
        self._escaped: dict[str, str] = {}

    def _said(self, text: str) -> str:
        escaped = self._escaped.get(text)
        if escaped is None:
            escaped = self._escaped[text] = encode_basestring(text)
        return escaped

    def __call__(self, findings: Iterable[Finding]) -> str:
        said = self._said
        return ", ".join(
            f'{{"severity": {said(f.severity)}, "row": {f.row}, '
            f'"column": {said(f.column)}, "field": {said(f.field)}, "code": {said(f.code)}, '
            f'"message": {said(f.message)}, "value": {_value(f.value)}'
            + (f', "fix": {encode_basestring(f.fix)}}}' if f.fix is not None else "}")
            for f in findings
        )


def _value(value: Any) -> str:
    """A finding's value as `json.dumps` writes what `json_value` makes of it."""
    if type(value) is str:
        return encode_basestring(value)
    return json.dumps(json_value(value), ensure_ascii=False)


def json_value(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, slots=True)
class Check:
    """A check that needs company settings or the ledger: whether it ran, and on what."""

    name: str
    ran: bool
    detail: str
    # Why it did not run, in a few words, for one line that counts many such checks: "the
    # Settings sheet is empty". Empty: the detail says it alone.
    brief: str = ""
    # What it needs to run: the company's settings, or the batch ledger.
    needs: Literal["settings", "ledger"] = "settings"

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "ran": self.ran, "detail": self.detail}


@dataclass
class Report:
    """All findings of one batch, in sheet order."""

    format: str
    findings: list[Finding] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # Accepted spellings the export rewrites (1000/000 -> 1000000): not problems, but a fix
    # can make the sheet say what the file will.
    rewrites: list[Finding] = field(default_factory=list)

    def check(
        self,
        name: str,
        ran: bool,
        detail: str,
        brief: str = "",
        needs: Literal["settings", "ledger"] = "settings",
    ) -> None:
        if not any(c.name == name for c in self.checks):
            self.checks.append(Check(name, ran, detail, brief, needs))

    def sort(self) -> None:
        self.findings.sort(key=lambda f: (f.row, column_index(f.column), f.severity != "error"))

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def to_json(self) -> dict[str, Any]:
        return self.json_fields([f.to_json() for f in self.findings])

    def json_fields(self, findings: Any) -> dict[str, Any]:
        """The report as the JSON has it, `findings` standing for its findings: the list of
        their `to_json`, or what writes them a few thousand at a time (`report.write_json`)."""
        return {
            "format": self.format,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": findings,
            "checks": [c.to_json() for c in self.checks],
        }
