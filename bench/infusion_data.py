"""Realistic Infusion customer adjustments, and the column rules both validators are given.

The columns are the default set of the Infusion format notes (the real names are calibrated
from an export). `COLUMNS` is the one statement of their rules in the benchmark: the
frictionless Table Schema and the stand-in spec (used until the engine has its own Infusion
spec) are both derived from it, so the two validators are asked the same questions.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, date, amount, choice
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    # A regular expression the whole value must match (frictionless `pattern`).
    pattern: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("Account Number", "text", required=True, max_length=10, pattern=r"[A-Za-z0-9-]+"),
    Column("Date", "date", required=True),
    Column("Reference", "text", max_length=20),
    Column("Description", "text", max_length=60),
    Column("GL ID", "text", required=True, max_length=10, pattern=r"[0-9A-Za-z.-]+"),
    Column("Amount", "amount", required=True),
    Column("GST Rate", "text", max_length=20),
    Column("Amount Is", "choice", choices=("Inclusive", "Exclusive")),
    Column("Cost Centre", "text", max_length=20),
    Column("Notes", "text", max_length=255),
)
HEADER = [c.name for c in COLUMNS]

_DESCRIPTIONS = [
    "Bad debt write-off inv 18833",
    "Rounding difference on payment 3391",
    "Freight recharge not invoiced",
    "Early settlement discount, January statement",
    "Credit for returned goods",
    "Interest on overdue account",
    "Te Whare Wānanga levy correction",
]
_GL = ["6120", "6150", "4300", "4900", "4310"]
_GST = ["GST 15%", "Exempt", "Zero Rated"]
_CENTRES = ["AUCKLAND", "CHRISTCHURCH", "WELLINGTON", "Default"]
_START = dt.date(2025, 1, 1)


def _row(rng: random.Random, number: int) -> list[str]:
    day = _START + dt.timedelta(days=rng.randrange(365))
    cents = rng.randrange(1, 500_000) * rng.choice((1, -1, -1))
    return [
        f"C{rng.randrange(1, 3000):04d}",
        f"{day.day:02d}/{day.month:02d}/{day.year:04d}",
        f"ADJ-{day.year % 100:02d}{day.month:02d}-{number:06d}",
        rng.choice(_DESCRIPTIONS),
        rng.choice(_GL),
        f"{Decimal(cents) / 100:.2f}",
        rng.choice(_GST),
        rng.choice(("Inclusive", "Exclusive")),
        rng.choice(_CENTRES),
        "Approved by FM" if rng.random() < 0.1 else "",
    ]


def _set(index: int, value: str) -> Callable[[list[str]], None]:
    def damage(row: list[str]) -> None:
        row[index] = value

    return damage


def _nbsp(row: list[str]) -> None:
    row[3] = row[3].replace(" ", "\u00a0", 1)


DAMAGE: list[tuple[str, Callable[[list[str]], None]]] = [
    ("blank account number", _set(0, "")),
    ("blank date", _set(1, "")),
    ("not a real date", _set(1, "31/02/2025")),
    ("ISO date", _set(1, "2025-02-14")),
    ("reference too long", _set(2, "ADJUSTMENT-2025-FEBRUARY-01")),
    ("blank description", _set(3, "")),
    ("non-breaking space", _nbsp),
    ("blank GL ID", _set(4, "")),
    ("thousands separator", _set(5, "1,234.50")),
    ("currency sign", _set(5, "$12.00")),
    ("three decimals", _set(5, "12.345")),
    ("not a number", _set(5, "abc")),
    ("Amount Is misspelt", _set(7, "Inc")),
]


def adjustments(rows: int, seed: int, bad_share: float) -> Iterator[list[str]]:
    """`rows` adjustments; `bad_share` of them carry one damage each."""
    rng = random.Random(seed)
    for number in range(1, rows + 1):
        row = _row(rng, number)
        if rng.random() < bad_share:
            DAMAGE[rng.randrange(len(DAMAGE))][1](row)
        yield row
