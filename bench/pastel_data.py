"""Realistic Sage Pastel customer batches: documents of Header and Detail records.

Values are what a bookkeeper's batch holds (a few hundred customers, a catalogue of items,
GL lines and remark lines, VAT-inclusive prices at 15 %), and a few per cent of records are
damaged the ways the spec says real batches are: blanks, overlong text, bad dates and
numbers, pasted characters, wrong codes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal

Record = list[str]

HEADER_WIDTH = 29
DETAIL_WIDTH = 14
VAT = Decimal("1.15")
YEAR_START = dt.date(2025, 3, 1)

_ITEMS = [
    ("WIDG-100", "Widget 100mm galvanised", "EACH"),
    ("BOLT/M10", "Bolt M10 x 40 zinc", "EACH"),
    ("A4-PAPER", "A4 copy paper 80gsm (box of 5)", "BOX"),
    ("CABLE-3C", "Cable 3 core 2.5mm", "M"),
    ("PAINT-5L", "Acrylic paint white 5 litre", "TIN"),
    ("GLOVE-L", "Work gloves large", "PAIR"),
    ("SCREW-8", "Screw 8g x 25 countersunk", "BOX"),
    ("PIPE-20", "PVC pipe 20mm x 6m", "LEN"),
]
_GL_LINES = [
    ("4200000", "Printing and stationery"),
    ("4150000", "Courier charges"),
    ("3050000", "Consulting fees"),
    ("4600000", "Repairs and maintenance"),
]
_REMARKS = ["Goods delivered - signed J. Smith", "Thank you for your order", ""]
_CITIES = ["Johannesburg", "Cape Town", "Durban", "Pretoria", "Gqeberha"]
_CONTACTS = ["T. Nkosi", "Accounts", "M. van Wyk", "Sales desk", "P. Naidoo"]


def _money(d: Decimal, places: int = 2) -> str:
    """Canonical price text: at least 2 decimals, at most 4, no trailing zeros past 2."""
    text = f"{d.quantize(Decimal(1).scaleb(-places)):f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(2, "0")
    return f"{whole}.{frac}"


def _date(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _customers(rng: random.Random, n: int = 400) -> list[str]:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return [
        "".join(rng.choice(letters) for _ in range(3)) + f"{rng.randrange(1, 999):03d}"
        for _ in range(n)
    ]


def _header(rng: random.Random, customer: str, number: int) -> Record:
    day = YEAR_START + dt.timedelta(days=rng.randrange(365))
    period = (day.month - YEAR_START.month) % 12 + 1
    due = day + dt.timedelta(days=30)
    city = rng.choice(_CITIES)
    addressed = rng.random() < 0.4
    return [
        "Header",
        "",
        "",
        "",
        customer,
        str(period),
        _date(day),
        f"PO-{number:06d}",
        rng.choice("YN"),
        "0",
        "Thank you for your business" if rng.random() < 0.3 else "",
        "",
        "",
        f"Unit {rng.randrange(1, 40)}, Business Park" if addressed else "",
        f"{rng.randrange(1, 200)} Main Road" if addressed else "",
        city if addressed else "",
        "",
        f"{rng.randrange(1000, 9999)}" if addressed else "",
        "",
        rng.choice(["0", "30"]),
        _date(due),
        f"011 555 {rng.randrange(10000):04d}",
        "",
        rng.choice(_CONTACTS),
        "1",
        rng.choice(["ROAD", "", "COURIER"]),
        "",
        "",
        "",
    ]


def _detail(rng: random.Random) -> Record:
    roll = rng.random()
    if roll < 0.75:
        code, description, unit = rng.choice(_ITEMS)
        line_type, store = "4", "001"
    elif roll < 0.92:
        code, description = rng.choice(_GL_LINES)
        unit, line_type, store = "", "6", ""
    else:
        remark = rng.choice(_REMARKS)
        return ["Detail", "0.00", "1", "0.00", "0.00", "", "0", "0", "0", "", remark, "7", "", ""]
    price = Decimal(rng.randrange(50, 500_000)) / 100
    cost = (price * Decimal("0.68")).quantize(Decimal("0.01"))
    quantity = str(rng.choice([1, 1, 2, 5, 10, 12, 250]))
    discounted = rng.random() < 0.2
    return [
        "Detail",
        _money(cost),
        quantity,
        _money(price),
        _money(price * VAT, 4),
        unit,
        "1",
        "3" if discounted else "0",
        "500" if discounted else "0",
        code,
        description,
        line_type,
        "",
        store,
    ]


def _set(index: int, value: str) -> Callable[[random.Random, Record], None]:
    def damage(rng: random.Random, record: Record) -> None:
        record[index] = value

    return damage


def _nbsp(index: int) -> Callable[[random.Random, Record], None]:
    def damage(rng: random.Random, record: Record) -> None:
        record[index] = (record[index] or "Main") + "\u00a0Road"

    return damage


def _gl_short(rng: random.Random, record: Record) -> None:
    record[11], record[9] = "6", "42000"


# What goes wrong in real batches, by record kind: blanks, overlong text, bad dates, bad
# numbers, pasted characters, out-of-range codes.
HEADER_DAMAGE: list[tuple[str, Callable[[random.Random, Record], None]]] = [
    ("blank customer code", _set(4, "")),
    ("customer code too long", _set(4, "ABCD0012")),
    ("not a real date", _set(6, "31/02/2025")),
    ("ISO date", _set(6, "2025-05-14")),
    ("period out of range", _set(5, "14")),
    ("Inc/Exc not Y or N", _set(8, "X")),
    ("non-breaking space", _nbsp(14)),
    ("message too long", _set(10, "Thank you for your business, see you soon")),
    ("smart quote", _set(23, "O\u2019Brien")),
    ("settlement terms out of range", _set(19, "45")),
    ("exchange rate not a number", _set(24, "abc")),
]
DETAIL_DAMAGE: list[tuple[str, Callable[[random.Random, Record], None]]] = [
    ("blank quantity", _set(2, "")),
    ("thousands separator", _set(2, "1,234.50")),
    ("too many decimals", _set(3, "12.34567")),
    ("currency sign", _set(4, "R 12.00")),
    ("line type not 4, 6 or 7", _set(11, "5")),
    ("GL code not 7 digits", _gl_short),
    ("tax type out of range", _set(6, "31")),
    ("discount type out of range", _set(7, "4")),
    ("discount percentage as a percent", _set(8, "12.5")),
    ("description too long", _set(10, "Widget 100mm galvanised, hot dipped, boxed")),
    ("non-breaking space", _nbsp(10)),
    ("unit too long", _set(5, "BOXES")),
]


def documents(docs: int, seed: int, bad_share: float) -> Iterator[Record]:
    """Records of `docs` documents with 1..9 lines each (5 on average).

    `bad_share` of the records carry one damage each, chosen evenly from the lists above.
    """
    rng = random.Random(seed)
    # Damage draws from its own stream, so the clean batch is the damaged one put right.
    harm = random.Random(seed + 1)
    customers = _customers(rng)
    for number in range(1, docs + 1):
        records = [_header(rng, rng.choice(customers), number)]
        records += [_detail(rng) for _ in range(rng.randint(1, 9))]
        for record in records:
            if harm.random() < bad_share:
                table = HEADER_DAMAGE if record[0] == "Header" else DETAIL_DAMAGE
                table[harm.randrange(len(table))][1](harm, record)
        yield from records


def docs_for_records(records: int) -> int:
    """Documents that make about `records` records (one Header and five Details each)."""
    return max(1, round(records / 6))
