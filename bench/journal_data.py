"""Realistic Sage Pastel general ledger journal batches: 18-field lines, no keyword.

Entries of 2 to 8 lines share a Date and a Reference and balance: month-end accruals and
depreciation, payroll, cost allocations, and customer and supplier journals whose D and C
lines carry the Open Item the sign rule asks (`O` for a debit to a customer or a credit to
a supplier, `A` for the opposite). A few lines stand alone with a contra account. Amounts
are canonical (2 decimals, negative a credit). A few per cent of lines are damaged the ways
real journals are: entries that do not balance, accounts that are not 7 digits, bad dates
and numbers, wrong codes, overlong text.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import pairwise

Line = list[str]

WIDTH = 18
YEAR_START = dt.date(2025, 3, 1)
# The fields the damage touches, by position (spec order).
PERIOD, DATE, GDC, ACCOUNT, REFERENCE, DESCRIPTION, AMOUNT = range(7)
TAX_TYPE, TAX_AMOUNT, OPEN_ITEM, PROJECT, CONTRA = 7, 8, 9, 10, 11

_EXPENSES = [
    ("3200000", "Audit fees"),
    ("4150000", "Bank charges"),
    ("4200000", "Printing and stationery"),
    ("4300000", "Telephone and internet"),
    ("4400000", "Depreciation"),
    ("4500000", "Insurance"),
    ("4550000", "Rent"),
    ("4600000", "Salaries and wages"),
    ("4650000", "Staff welfare"),
    ("4700000", "Motor vehicle expenses"),
    ("4750000", "Repairs and maintenance"),
    ("4800000", "Bad debts"),
    ("4850000", "Consulting fees"),
    ("4900000", "Electricity and water"),
]
_INCOME = [("1000000", "Sales"), ("2500000", "Interest received"), ("2600000", "Rent received")]
_ACCRUALS = [
    ("9500000", "Accrued expenses"),
    ("9510000", "Accrued audit fee"),
    ("8200000", "Prepaid expenses"),
]
_DEPRECIATION = [
    ("6100010", "Accumulated depreciation vehicles"),
    ("6100020", "Accumulated depreciation equipment"),
    ("6100030", "Accumulated depreciation furniture"),
]
_PAYROLL = [
    ("9700000", "Net salaries payable"),
    ("9710000", "PAYE payable"),
    ("9720000", "UIF payable"),
    ("9730000", "SDL payable"),
    ("9740000", "Pension fund payable"),
    ("9750000", "Medical aid payable"),
    ("9760000", "Union dues payable"),
]
_BANK = "8400000"
_PROJECTS = ["", "", "", "", "SAL", "NORTH", "SOUTH", "P2025"]
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _money(cents: int) -> str:
    """Canonical amount: exactly 2 decimals, `-` for a credit."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def _date(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _codes(rng: random.Random, n: int) -> list[str]:
    return [
        "".join(rng.choice(_LETTERS) for _ in range(3)) + f"{rng.randrange(1, 999):03d}"
        for _ in range(n)
    ]


def _split(rng: random.Random, cents: int, parts: int) -> list[int]:
    """`cents` (positive) in `parts` positive shares that add up to it exactly."""
    cuts = sorted(rng.sample(range(1, cents), parts - 1)) if parts > 1 else []
    edges = [0, *cuts, cents]
    return [b - a for a, b in pairwise(edges)]


class _Entry:
    """The lines of one entry: one Date, one Reference, one period."""

    def __init__(self, day: dt.date, reference: str) -> None:
        self.period = str((day.month - YEAR_START.month) % 12 + 1)
        self.date = _date(day)
        self.reference = reference
        self.lines: list[Line] = []

    def add(
        self,
        gdc: str,
        account: str,
        description: str,
        cents: int,
        *,
        tax: bool = False,
        project: str = "",
        contra: str = "",
        cashbook: bool = False,
    ) -> None:
        if gdc == "G":
            open_item = ""
        elif cashbook:
            open_item = "A"
        else:
            # A debit to a customer and a credit to a supplier are originals.
            original = (cents > 0) if gdc == "D" else (cents < 0)
            open_item = "O" if original else "A"
        tax_cents = round(cents * 15 / 115) if tax else 0
        self.lines.append(
            [
                self.period,
                self.date,
                gdc,
                account,
                self.reference,
                description[:36].rstrip(),
                _money(cents),
                "1" if tax and tax_cents else "0",
                _money(tax_cents),
                open_item,
                project,
                contra,
                "",
                "",
                "0",
                "0",
                "0.00",
                "0.00",
            ]
        )


class _Journal:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.customers = _codes(rng, 300)
        self.suppliers = _codes(rng, 120)

    def _cents(self, low: int, high: int) -> int:
        return self.rng.randrange(low, high)

    def entry(self, day: dt.date, reference: str, size: int) -> _Entry:
        """An entry of `size` lines (1 to 8) that balances, or whose one line has a contra."""
        rng = self.rng
        e = _Entry(day, reference)
        month = f"{_MONTHS[day.month - 1]} {day.year}"
        if size == 1:
            self._contra(e, month)
        elif size == 2:
            rng.choice((self._accrual, self._depreciation, self._party))(e, month)
        elif size <= 4 and rng.random() < 0.3:
            self._party(e, month, size)
        elif rng.random() < 0.45:
            self._payroll(e, month, size)
        else:
            self._allocation(e, month, size)
        assert len(e.lines) == size
        return e

    def _accrual(self, e: _Entry, month: str) -> None:
        account, name = self.rng.choice(_EXPENSES)
        other, other_name = self.rng.choice(_ACCRUALS)
        cents = self._cents(5_000, 2_500_000)
        e.add("G", account, f"{name} accrual {month}", cents)
        e.add("G", other, other_name, -cents)

    def _depreciation(self, e: _Entry, month: str) -> None:
        other, other_name = self.rng.choice(_DEPRECIATION)
        cents = self._cents(10_000, 5_000_000)
        e.add("G", "4400000", f"Depreciation {other_name.split()[-1]} {month}", cents)
        e.add("G", other, other_name, -cents)

    def _party(self, e: _Entry, month: str, size: int = 2) -> None:
        """A customer or supplier journal: the D or C line, balanced by G lines."""
        rng = self.rng
        cents = self._cents(100, 5_000_000)
        if rng.random() < 0.5:
            customer = rng.choice(self.customers)
            if rng.random() < 0.5:  # an invoice by journal: debit the customer (O)
                e.add("D", customer, f"Recharge {month}", cents)
                sign, what = -1, rng.choice(_INCOME)
            else:  # a write-off: credit the customer (A)
                e.add("D", customer, "Balance written off", -cents)
                sign, what = 1, ("4800000", "Bad debts")
        else:
            supplier = rng.choice(self.suppliers)
            if rng.random() < 0.6:  # an invoice by journal: credit the supplier (O)
                e.add("C", supplier, f"Invoice {month}", -cents)
                sign, what = 1, rng.choice(_EXPENSES)
            else:  # a debit note: debit the supplier (A)
                e.add("C", supplier, "Overcharge credited", cents)
                sign, what = -1, rng.choice(_EXPENSES)
        for share in _split(rng, cents, size - 1):
            e.add("G", what[0], what[1], sign * share, tax=rng.random() < 0.3)

    def _payroll(self, e: _Entry, month: str, size: int) -> None:
        """Salaries debited, the payables credited (size - 1 of them)."""
        gross = self._cents(5_000_000, 90_000_000)
        e.add("G", "4600000", f"Salaries and wages {month}", gross, project="SAL")
        credits = min(size - 1, len(_PAYROLL))
        for (account, name), share in zip(_PAYROLL, _split(self.rng, gross, credits)):
            e.add("G", account, name, -share)

    def _allocation(self, e: _Entry, month: str, size: int) -> None:
        """One cost credited, spread over size - 1 accounts and projects."""
        rng = self.rng
        account, name = rng.choice(_EXPENSES)
        cents = self._cents(size * 1_000, 10_000_000)
        e.add("G", account, f"{name} reallocated {month}", -cents)
        for share in _split(rng, cents, size - 1):
            target, target_name = rng.choice(_EXPENSES)
            e.add("G", target, f"{target_name} share", share, project=rng.choice(_PROJECTS))

    def _contra(self, e: _Entry, month: str) -> None:
        """One line that names its contra account: its other side, so no balance is asked."""
        rng = self.rng
        cents = self._cents(1, 20_000)
        if rng.random() < 0.5:
            customer = rng.choice(self.customers)
            e.add("D", customer, "Short payment written off", -cents, contra="4800000")
        else:
            e.add("G", "4150000", f"Bank charges {month}", cents, contra=_BANK)


def _set(index: int, value: str) -> Callable[[random.Random, Line], None]:
    def damage(rng: random.Random, line: Line) -> None:
        line[index] = value

    return damage


def _off_balance(rng: random.Random, line: Line) -> None:
    """A typing slip in an amount: the entry no longer balances."""
    cents = round(Decimal(line[AMOUNT]) * 100)
    slip = rng.choice((1, 10, 100, 900, 9_000))
    cents = cents + slip if cents + slip != 0 else cents - slip
    line[AMOUNT] = _money(cents)


def _transposed(rng: random.Random, line: Line) -> None:
    """Two digits of an amount swapped: unbalanced, unless they were the same digit."""
    text = line[AMOUNT]
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    i = rng.randrange(len(digits) - 1)
    a, b = digits[i], digits[i + 1]
    chars = list(text)
    chars[a], chars[b] = chars[b], chars[a]
    line[AMOUNT] = "".join(chars)
    if line[AMOUNT] == text or Decimal(line[AMOUNT]) == 0:
        _off_balance(rng, line)


def _gl_six_digits(rng: random.Random, line: Line) -> None:
    line[ACCOUNT] = line[ACCOUNT][:6] if line[GDC] == "G" else "CUSTOMER"


def _gl_slashed_short(rng: random.Random, line: Line) -> None:
    if line[GDC] == "G":
        line[ACCOUNT] = line[ACCOUNT][:4] + "/00"  # 7000/00: a digit short
    else:
        line[ACCOUNT] = "ABCD0012"


def _sign_rule(rng: random.Random, line: Line) -> None:
    line[OPEN_ITEM] = {"O": "A", "A": "O", "": "O"}[line[OPEN_ITEM]]


# What goes wrong in real journals: most of it is the balance and the accounts.
DAMAGE: list[tuple[str, Callable[[random.Random, Line], None]]] = [
    ("amount off by a slip (entry unbalanced)", _off_balance),
    ("digits transposed (entry unbalanced)", _transposed),
    ("amount zero", _set(AMOUNT, "0.00")),
    ("GL account 6 digits", _gl_six_digits),
    ("GL account 7000/00", _gl_slashed_short),
    ("account blank", _set(ACCOUNT, "")),
    ("contra not 7 digits", _set(CONTRA, "84000")),
    ("period out of range", _set(PERIOD, "14")),
    ("not a real date", _set(DATE, "31/02/2025")),
    ("ISO date", _set(DATE, "2025-05-31")),
    ("GDC not G, D or C", _set(GDC, "X")),
    ("thousands separator", _set(AMOUNT, "1,234.50")),
    ("three decimals", _set(AMOUNT, "12.345")),
    ("tax type out of range", _set(TAX_TYPE, "31")),
    ("open item against the sign rule", _sign_rule),
    ("description too long", _set(DESCRIPTION, "Accrual for audit fees of the 2025 year end")),
    ("reference too long", _set(REFERENCE, "JNL-2025-05")),
]


def journal(lines: int, seed: int, bad_share: float) -> Iterator[Line]:
    """Exactly `lines` lines of entries of 2 to 8 lines (about 3.6 on average), 1 in 40 a
    single line with a contra account. `bad_share` of the lines carry one damage each,
    drawn from a stream of its own, so the clean batch is the damaged one put right."""
    rng = random.Random(seed)
    harm = random.Random(seed + 1)
    book = _Journal(rng)
    left, number = lines, 0
    while left:
        number += 1
        roll = rng.random()
        if roll < 0.025:
            size = 1
        elif roll < 0.5:
            size = 2
        else:
            size = rng.randint(3, 8)
        size = min(size, left)
        day = YEAR_START + dt.timedelta(days=rng.randrange(365))
        entry = book.entry(day, f"JN{number % 1_000_000:06d}", size)
        for line in entry.lines:
            if harm.random() < bad_share:
                DAMAGE[harm.randrange(len(DAMAGE))][1](harm, line)
        left -= size
        yield from entry.lines


def lines_for_records(records: int) -> int:
    """Journal lines as many as the document batches' records for the same `--records`
    (N/5 documents of about 6 records: 120,000 lines for N = 100,000)."""
    return max(1, records * 6 // 5)
