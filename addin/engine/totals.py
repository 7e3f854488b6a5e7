"""Per-document totals (exclusive, tax, inclusive) and the fingerprint of each document.

The totals let a bookkeeper tick the batch off against its source before importing it; the
fingerprint (the document's identity and amounts) is what the batch ledger remembers, so a
document exported once is recognised when it comes round again.

The amounts are worked out column by column: each distinct amount text is read once, the
line arithmetic runs over whole columns, and a document's sum is the sum of its run of
lines. A batch repeats its quantities and prices, and its lines come in document order,
so this costs a few passes in C instead of a Python loop per line.
"""

from __future__ import annotations

import hashlib
import operator
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Decimal, localcontext
from functools import partial
from itertools import accumulate, compress, count, repeat
from json.encoder import encode_basestring
from operator import attrgetter, itemgetter
from typing import NamedTuple, TypeVar, cast, overload

from ..specs.model import AmountTotals, DebitCreditTotals, LineTotals, RecordSpec, Spec, Totals
from ..wording import counted
from .batch import Batch, Record
from .bulk import without_cycle_collection
from .company_rules import tax_rates
from .fields import canonical_number, decimal_or_none, repetitive, stopped_at
from .records import Records
from .settings import CompanySettings

CENT = Decimal("0.01")
T = TypeVar("T")
# What a checked amount column holds: Decimal reads these exactly, and never fails on them.
PLAIN_NUMBER = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?")
ZERO = Decimal(0)


class DocumentTotal(NamedTuple):
    """One document of a batch: where it starts, what identifies it, what it adds up to."""

    row: int
    # The values of the spec's document key, in order (account, date, reference ...).
    key: tuple[str, ...]
    # Unknown parts are None (an Infusion amount whose GST rate is not in the settings).
    exclusive: Decimal | None
    tax: Decimal | None
    inclusive: Decimal | None
    column: str
    format: str
    # The amount texts the fingerprint digests; None: the exclusive and inclusive sums.
    amounts: tuple[str, ...] | None = None
    # How many key parts name the document to a person (`DocumentKey.labelled`).
    labelled: int | None = None

    @property
    def label(self) -> str:
        return " ".join(k for k in self.key[: self.labelled] if k)

    @property
    def fingerprint(self) -> str:
        """Worked out when the ledger asks: most checks never need it."""
        amounts = self.amounts
        if amounts is None:
            amounts = (
                canonical_number(self.exclusive or ZERO, 2),
                canonical_number(self.inclusive or ZERO, 2),
            )
        return fingerprint(self.format, self.key, amounts)

    def to_json(self, names: tuple[str, ...] | None = None) -> dict[str, object]:
        """As the JSON has it: the figures under the names the format gives them."""
        figures = (self.exclusive, self.tax, self.inclusive)
        return {
            "row": self.row,
            "document": list(self.key),
            **{name: money(d) for name, d in zip(names or PARTS, figures)},
        }


# The three figures of a total, as `batch_totals` names them. A format's totals may call
# them otherwise (`part_names`): a journal entry's are its debits, credits and difference.
PARTS = ("exclusive", "tax", "inclusive")


def part_names(totals: Totals | None) -> tuple[str, str, str]:
    """What a format's three figures are called, in the report and the JSON."""
    if isinstance(totals, DebitCreditTotals):
        return ("debits", "credits", "bank movement" if totals.bank else "difference")
    return PARTS


def named_totals(totals: dict[str, object], names: tuple[str, ...]) -> dict[str, object]:
    """`batch_totals` with its figures (and what each leaves out) under `names`."""
    if tuple(names) == PARTS:
        return totals
    rename = dict(zip(PARTS, names))
    out = {rename.get(k, k): v for k, v in totals.items()}
    left_out = cast(dict[str, int] | None, totals.get("left_out"))
    if left_out:
        out["left_out"] = {rename[k]: n for k, n in left_out.items()}
    return out


# Made without a Python call each, as records are: a batch may hold 100,000 documents.
_new_total = partial(tuple.__new__, DocumentTotal)


_EXCLUSIVE, _TAX, _INCLUSIVE = attrgetter("exclusive"), attrgetter("tax"), attrgetter("inclusive")


class DocumentsJson:
    """Documents written as `json.dumps([d.to_json(names) for d in documents],
    ensure_ascii=False)` writes them, less the list's brackets, a piece at a time: a
    document's JSON made as one piece of text, its amounts a column at a time
    (`money_column`), rather than a dict each to be encoded. `DocumentTotal.to_json` is the
    shape; `tests/test_json_pieces.py` holds the two to the same bytes."""

    def __init__(self, names: tuple[str, str, str] = PARTS) -> None:
        self._names = tuple(map(encode_basestring, names))

    def __call__(self, documents: Iterable[DocumentTotal]) -> str:
        made = list(documents)
        first, second, third = self._names
        # An amount to the cent (`money`) is digits, a sign and a point: nothing to escape.
        a, b, c = (
            [f'"{t}"' if t is not None else "null" for t in money_column(map(getter, made))]
            for getter in (_EXCLUSIVE, _TAX, _INCLUSIVE)
        )
        return ", ".join(
            f'{{"row": {d.row}, "document": [{", ".join(map(encode_basestring, d.key))}], '
            f"{first}: {x}, {second}: {y}, {third}: {z}}}"
            for d, x, y, z in zip(made, a, b, c)
        )


class Documents(Sequence[DocumentTotal]):
    """The documents of a batch with their totals, held column by column.

    A document's `DocumentTotal` (and its key) is made only when the documents are gone
    through: the report of a large batch shows a count and the batch's totals, which the
    columns give in a pass each, while a ledger check, the JSON and `--totals` go through
    every document.
    """

    def __init__(
        self,
        format_name: str,
        rows: list[int],
        parts: tuple[list[Decimal | None], list[Decimal | None], list[Decimal | None]],
        keys: Callable[[], tuple[list[tuple[str, ...]], list[str]]],
        amounts: list[tuple[str, ...]] | None = None,
        labelled: int | None = None,
    ) -> None:
        self.format = format_name
        self.labelled = labelled
        self.rows = rows
        self.exclusive, self.tax, self.inclusive = parts
        self._keys = keys
        self._amounts = amounts
        self._made: list[DocumentTotal] | None = None

    def _all(self) -> list[DocumentTotal]:
        if self._made is None:
            keys, columns = self._keys()
            amounts = self._amounts if self._amounts is not None else repeat(None)
            self._made = list(
                map(
                    _new_total,
                    zip(
                        self.rows,
                        keys,
                        self.exclusive,
                        self.tax,
                        self.inclusive,
                        columns,
                        repeat(self.format),
                        amounts,
                        repeat(self.labelled),
                    ),
                )
            )
        return self._made

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> DocumentTotal: ...
    @overload
    def __getitem__(self, index: slice) -> list[DocumentTotal]: ...
    def __getitem__(self, index: int | slice) -> DocumentTotal | list[DocumentTotal]:
        return self._all()[index]

    def __iter__(self) -> Iterator[DocumentTotal]:
        return iter(self._all())

    def settled(self) -> Documents:
        """These documents with their keys read now, holding nothing of the batch's records:
        a batch checked a slice at a time lets each slice's records go once checked."""
        if self._amounts is not None or self.labelled:
            raise TypeError("only documents of line totals are settled")
        keys, columns = self._keys()
        return Documents(
            self.format,
            self.rows,
            (self.exclusive, self.tax, self.inclusive),
            lambda: (keys, columns),
        )

    @classmethod
    def joined(cls, format_name: str, parts: Sequence[Documents]) -> Documents:
        """The documents of a batch checked a slice at a time: each slice's (`settled`) in
        turn."""
        rows: list[int] = []
        exclusive: list[Decimal | None] = []
        tax: list[Decimal | None] = []
        inclusive: list[Decimal | None] = []
        keys: list[tuple[str, ...]] = []
        columns: list[str] = []
        for part in parts:
            rows += part.rows
            exclusive += part.exclusive
            tax += part.tax
            inclusive += part.inclusive
            part_keys, part_columns = part._keys()
            keys += part_keys
            columns += part_columns
        return cls(format_name, rows, (exclusive, tax, inclusive), lambda: (keys, columns))

    def totals(self) -> dict[str, object]:
        """`batch_totals` of these documents, from their columns."""
        return _summed(
            len(self.rows),
            (("exclusive", self.exclusive), ("tax", self.tax), ("inclusive", self.inclusive)),
        )


def _summed(
    documents: int, parts: Iterable[tuple[str, Sequence[Decimal | None]]]
) -> dict[str, object]:
    """The batch's totals: each part summed over the documents where it is known, and, when
    some are not, how many each part leaves out (`left_out`): a total that looks final
    says what it is missing."""
    out: dict[str, object] = {"documents": documents}
    left_out: dict[str, int] = {}
    for part, values in parts:
        unknown = values.count(None) if None in values else 0
        if unknown:
            left_out[part] = unknown
        known = [v for v in values if v is not None] if unknown else values
        out[part] = money(sum(cast(list[Decimal], known), ZERO)) if known else None
    if left_out:
        out["left_out"] = left_out
    return out


# Amounts from 10**15 up are no amounts: Excel keeps 15 significant digits. A text shorter
# than this cannot reach them, so most columns are not looked at twice.
TOO_LARGE = Decimal(10) ** 15
AMOUNT_TEXT = 16


def left_out_words(totals: dict[str, object], noun: str, spec_totals: Totals | None) -> str | None:
    """What the batch's totals leave out and why, in words; None when nothing is: a total
    that looks final says what it is missing. Only an amount split by a tax table's rate
    (`AmountTotals.list`) can be unknown for want of the settings."""
    left_out = cast(dict[str, int], totals.get("left_out") or {})
    if not left_out:
        return None
    parts = ", ".join(f"{part} of {counted(n, noun)}" for part, n in left_out.items())
    why = "an amount that cannot be read"
    if isinstance(spec_totals, AmountTotals) and spec_totals.list is not None:
        why += ", and a tax without the tax table on the Settings sheet (--settings)"
    return f"The totals leave out what is not known ('?'): {parts}. Not known: {why}"


def money(d: Decimal | None, *, grouped: bool = False) -> str | None:
    """An amount to the cent, as the JSON shows it (`1234.50`, `0.00`), or `grouped` in
    thousands as a bookkeeper reads it (`1,234.50`)."""
    return None if d is None else money_column((d,), grouped=grouped)[0]


def money_column(amounts: Iterable[Decimal | None], *, grouped: bool = False) -> list[str | None]:
    """`money` of every amount, the decimal context set once for them all.

    What `canonical_number(…, 2)` makes of it, written directly: to the cent, `f` format
    already has exactly two decimals, and only a negative zero needs a word."""
    spec = ",f" if grouped else "f"
    texts: list[str | None] = []
    append = texts.append
    with localcontext() as context:  # to the cent however long: quantize is exact
        context.prec, context.Emax, context.Emin = MAX_PREC, MAX_EMAX, MIN_EMIN
        for d in amounts:
            if d is None:
                append(None)
                continue
            text = format(d.quantize(CENT, ROUND_HALF_UP), spec)
            append("0.00" if text == "-0.00" else text)
    return texts


def fingerprint(format_name: str, key: tuple[str, ...], amounts: tuple[str, ...]) -> str:
    """A short, stable digest of a document's identity and amounts."""
    text = "\x1f".join((format_name, *key, *amounts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@without_cycle_collection
def document_totals(
    batch: Batch, settings: CompanySettings | None = None
) -> Sequence[DocumentTotal]:
    """Every document of the batch with its totals, in batch order."""
    spec = batch.spec
    if spec.totals is None or spec.document is None:
        return []
    if isinstance(spec.totals, LineTotals):
        return _line_documents(batch, spec.totals)
    if isinstance(spec.totals, DebitCreditTotals):
        return _entry_documents(batch, spec.totals)
    return _amount_documents(batch, spec.totals, settings)


@dataclass
class _Entry:
    """One entry's figures as its lines are added up (`_entry_documents`)."""

    row: int
    key: tuple[str, ...]
    column: str
    debits: Decimal = ZERO
    credits: Decimal = ZERO
    movement: Decimal = ZERO
    known: bool = True


def _entry_documents(batch: Batch, totals: DebitCreditTotals) -> Sequence[DocumentTotal]:
    """Each entry (the lines that share the spec's document key, wherever they stand) with
    its debits, credits and difference, or the bank's movement for a cashbook batch. A line
    with a contra account posts both sides; an entry with an amount that cannot be read has
    no figures (see `_read`)."""
    spec = batch.spec
    labelled = spec.document.labelled if spec.document else None
    entries: dict[tuple[str, ...], _Entry] = {}
    for table in _tables(batch):
        kind = table.records[0].kind
        present = {f.key: i for i, f in enumerate(kind.fields)}
        if totals.amount not in present:
            continue
        amounts = _numbers(table.column(present[totals.amount]))
        contras = _field(table, present.get(totals.contra or ""))
        keys, columns = _keys(spec, table)
        for record, key, column, amount, contra in zip(
            table.records, keys, columns, amounts, contras
        ):
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = _Entry(record.row, key, column)
            if amount is None:
                entry.known = False
            elif contra:
                entry.debits += abs(amount)
                entry.credits += abs(amount)
            else:
                if amount > 0:
                    entry.debits += amount
                else:
                    entry.credits -= amount
                entry.movement -= amount
    out = []
    for e in sorted(entries.values(), key=attrgetter("row")):
        third = e.movement if totals.bank else e.debits - e.credits
        known = e.known
        out.append(
            DocumentTotal(
                e.row,
                e.key,
                e.debits if known else None,
                e.credits if known else None,
                third if known else None,
                e.column,
                spec.name,
                None,
                labelled,
            )
        )
    return out


def _keys(spec: Spec, table: Records) -> tuple[list[tuple[str, ...]], list[str]]:
    """The document key of each of `table`'s records (first records of documents, all of
    one kind), and the column its first key field stands in."""
    records = table.records
    if not records:
        return [], []
    kind = records[0].kind
    n = len(records)
    present = {f.key: i for i, f in enumerate(kind.fields)}
    parts: list[Sequence[str]] = []
    letters: list[Sequence[str]] = []
    groups = spec.document.fields if spec.document else ()
    for group in groups:
        held = [k for k in group if k in present]
        if not held:
            parts.append([""] * n)
            letters.append([""] * n)
            continue
        texts = [table.column(present[k]) for k in held]
        names = [kind.fields[present[k]].column for k in held]
        if len(texts) == 1:
            column, name = texts[0], names[0]
            parts.append(column)
            letters.append([name] * n if all(column) else _where_filled(column, name))
        else:
            # The first key filled in counts.
            parts.append([next(filter(None, t), "") for t in zip(*texts)])
            letters.append([next((c for c, v in zip(names, t) if v), "") for t in zip(*texts)])
    if not parts:
        return [()] * n, [""] * n
    # The column is that of the first key field filled in, whichever part of the key it is.
    columns = letters[-1]
    for earlier in reversed(letters[:-1]):
        columns = _first_filled(earlier, columns)
    return list(zip(*parts)), list(columns)


def _chosen(if_not: Iterable[T], if_so: Iterable[T], truths: Iterable[bool]) -> list[T]:
    """Item by item, `if_so` where the truth holds, else `if_not`: one pass in C, each
    truth (0 or 1) picking from the pair."""
    return list(map(operator.getitem, zip(if_not, if_so), truths))


def _where_filled(texts: Sequence[str], name: str) -> list[str]:
    """`name` where a text is filled in, blank where it is not."""
    return _chosen(repeat(""), repeat(name), map(bool, texts))


def _first_filled(first: Sequence[str], then: Sequence[str]) -> Sequence[str]:
    """Each of `first` where it is filled in, else the same place of `then`."""
    if all(first):
        return first
    return _chosen(then, first, map(bool, first))


def _by_kind(records: Sequence[Record]) -> Iterable[tuple[RecordSpec, list[int]]]:
    """Positions of `records` grouped by record kind (nearly always a single kind)."""
    kinds = list(map(attrgetter("kind"), records))
    first = kinds[0] if kinds else None
    # By identity: comparing spec models compares every field.
    if all(map(operator.is_, kinds, repeat(first))):
        if first is not None:
            yield first, list(range(len(records)))
        return
    seen: dict[int, tuple[RecordSpec, list[int]]] = {}
    for i, kind in enumerate(kinds):
        seen.setdefault(id(kind), (kind, []))[1].append(i)
    yield from seen.values()


def _line_documents(batch: Batch, totals: LineTotals) -> Sequence[DocumentTotal]:
    spec = batch.spec
    records = batch.records
    first = spec.records[0]
    lines_kind = spec.record(totals.record)
    # By identity: comparing spec models compares every field.
    kinds = list(map(_KIND, records))
    opens = list(map(operator.is_, kinds, repeat(first)))
    starts = list(compress(count(), opens))
    if not starts:
        return []
    # Each line's document: the number of document starts up to it (0: before the first).
    documents_so_far = cast(Iterable[int], accumulate(opens))
    owner = list(compress(documents_so_far, map(operator.is_, kinds, repeat(lines_kind))))
    lines = _lines(batch, lines_kind)
    index = lines_kind.index
    wanted = [lines.column(index(k)) for k in (totals.quantity, totals.exclusive, totals.inclusive)]
    if totals.discount:
        wanted.append(lines.column(index(totals.discount)))
    for key, allowed in (totals.when or {}).items():
        keep = list(map(set(allowed).__contains__, lines.column(index(key))))
        owner = list(compress(owner, keep))
        wanted = [list(compress(c, keep)) for c in wanted]
    q, p, g = map(_numbers, wanted[:3])
    if totals.discount:
        # Percent × 100: 1250 is 12.5 %.
        discount = wanted[3]
        distinct = list(set(discount))
        shares = {t: 1 - (d or ZERO) / 10000 for t, d in zip(distinct, _read(distinct))}
        share = list(map(shares.__getitem__, discount))
    else:
        share = [Decimal(1)] * len(owner)
    del wanted
    # A line whose quantity or price cannot be read (the checks say why) leaves its
    # document without totals: a sum without it would look final and be wrong.
    withheld: set[int] = set()
    if None in q or None in p or None in g:
        known = [a is not None and b is not None and c is not None for a, b, c in zip(q, p, g)]
        withheld = {o - 1 for o, ok in zip(owner, known) if not ok}
        q, p, g = (list(compress(c, known)) for c in (q, p, g))
        share, owner = list(compress(share, known)), list(compress(owner, known))
    # Lines come in document order: each document's lines are one run of `owner`.
    ends = list(map(bisect_right, repeat(owner), range(len(starts) + 1)))
    # Every line left holds its three numbers. Each price column is let go once its line
    # amounts are summed: a batch's amounts are a third of what this holds at its peak.
    ex = _run_sums(_line_amounts(cast(list[Decimal], q), cast(list[Decimal], p), share), ends)
    del p
    inc = _run_sums(_line_amounts(cast(list[Decimal], q), cast(list[Decimal], g), share), ends)
    del g
    documents = _lines(batch, first)
    exclusive: list[Decimal | None] = list(ex)
    inclusive: list[Decimal | None] = list(inc)
    tax: list[Decimal | None] = list(map(operator.sub, inc, ex))
    for d in withheld:
        if 0 <= d < len(exclusive):
            exclusive[d] = tax[d] = inclusive[d] = None
    return Documents(
        spec.name,
        list(map(_ROW, documents.records)),
        (exclusive, tax, inclusive),
        partial(_keys, spec, documents),
    )


_KIND, _ROW = itemgetter(0), itemgetter(1)  # Record.kind, Record.row


def _lines(batch: Batch, kind: RecordSpec) -> Records:
    """The batch's records of `kind` with their columns: as validated, or read off them."""
    found = batch.kinds.get(kind.keyword)
    if found is not None:
        return found
    return Records(
        list(compress(batch.records, map(operator.is_, map(_KIND, batch.records), repeat(kind))))
    )


def _run_sums(amounts: list[Decimal], ends: list[int]) -> list[Decimal]:
    """The sum of each run of `amounts` between consecutive `ends` (ascending): running
    sums taken only where a run ends, so no list as long as `amounts` is made. Exact:
    amounts to the cent, far from the context's 28 digits."""
    places = sorted(set(ends))
    marks = [False] * (len(amounts) + 1)
    for end in places:
        marks[end] = True
    at = dict(zip(places, compress(accumulate(amounts, initial=ZERO), marks)))
    sums = list(map(at.__getitem__, ends))
    return list(map(operator.sub, sums[1:], sums[:-1]))


def _numbers(texts: Sequence[str]) -> list[Decimal | None]:
    """The number each text of a checked column holds (None where it holds none).

    A column that repeats its values (quantities, discounts) is read one distinct value at
    a time; one of mostly different values (prices) is read whole, in one pass when every
    text is a plain number, as a checked column nearly always is.
    """
    if repetitive(texts):
        distinct = list(set(texts))
        read = dict(zip(distinct, _read(distinct)))
        return list(map(read.__getitem__, texts))
    return _read(texts)


# Plain numbers one per line, as many as follow each other: one pass in C tells whether a
# whole column is plain (see `fields.FieldCheck.run`).
_PLAIN_RUN = re.compile(rf"(?:{PLAIN_NUMBER.pattern}\n)*+")


def _read(texts: Sequence[str]) -> list[Decimal | None]:
    """Each amount; None where a text holds none (the checks say why), and where it has
    more digits before the point than any amount Excel holds exactly (a barcode pasted a
    column off): such a line's document has no totals rather than nonsense ones."""
    if any(len(t) > AMOUNT_TEXT for t in texts):
        return [d if d is None or abs(d) < TOO_LARGE else None for d in _readable(texts)]
    return _readable(texts)


def _readable(texts: Sequence[str]) -> list[Decimal | None]:
    joined = "\n".join(texts) + "\n"
    if joined.count("\n") != len(texts):
        return list(map(decimal_or_none, texts))
    # The run stops only at a text that is not a plain number: those few are read the
    # careful way, the rest in one pass.
    failing = stopped_at(_PLAIN_RUN, joined)
    if not failing:
        return list(map(Decimal, texts))
    places = list(compress(count(), map(failing.__contains__, texts)))
    plain = list(texts)
    for i in places:
        plain[i] = "0"
    out: list[Decimal | None] = list(map(Decimal, plain))
    for i in places:
        out[i] = decimal_or_none(texts[i])
    return out


def _line_amounts(
    quantity: list[Decimal], price: list[Decimal], share: list[Decimal]
) -> list[Decimal]:
    """quantity × price × share of each line, to the cent, as Pastel rounds a line.

    Exactly, however many digits a value has (a barcode pasted one column off has 28 or
    more, past the default context's precision, where `quantize` raises): the line is
    marked "too many digits" by the checks, and its amount is what its cells say."""
    with localcontext() as context:
        context.prec, context.Emax, context.Emin = MAX_PREC, MAX_EMAX, MIN_EMIN
        products = map(operator.mul, map(operator.mul, quantity, price), share)
        return list(map(Decimal.quantize, products, repeat(CENT), repeat(ROUND_HALF_UP)))


def _amount_documents(
    batch: Batch, totals: AmountTotals, settings: CompanySettings | None
) -> Sequence[DocumentTotal]:
    spec = batch.spec
    rates: dict[str, Decimal] = {}
    if settings is not None and totals.list is not None:
        found = settings.list(totals.list)
        if found is not None:
            rates = tax_rates(found, totals.rate_column)
    out: list[Documents] = []
    for table in _tables(batch):
        kind = table.records[0].kind
        present = {f.key: i for i, f in enumerate(kind.fields)}
        if totals.amount not in present:
            continue
        texts = table.column(present[totals.amount])
        amounts = _numbers(texts)
        if None in amounts:
            keep = list(map(operator.is_not, amounts, repeat(None)))
            table, texts = table.kept(keep), list(compress(texts, keep))
            amounts = list(compress(amounts, keep))
        n = len(amounts)
        words = _field(table, present.get(totals.amount_is or ""))
        codes = _field(table, present.get(totals.rate or ""))
        inclusive_word = totals.inclusive_word.casefold()
        said = {w: w.casefold() == inclusive_word for w in set(words)}
        inclusive_amount = list(map(said.__getitem__, words))
        # Without a rate an amount is what its word says it is: the exclusive part of an
        # amount said to be exclusive, the inclusive of one said to be inclusive. Only the
        # amounts with a known rate are split, one by one.
        known = cast(list[Decimal], amounts)
        exclusive: list[Decimal | None] = _chosen(known, repeat(None), inclusive_amount)
        inclusive: list[Decimal | None] = _chosen(repeat(None), known, inclusive_amount)
        tax: list[Decimal | None] = [None] * n
        # A word that is neither (`X`) says nothing of the amount: no part of it is known.
        allowed = _choices(kind, present.get(totals.amount_is or ""))
        if allowed is not None:
            for i, word in enumerate(words):
                if word and word not in allowed:
                    exclusive[i] = inclusive[i] = None
        if rates:
            for i, code in enumerate(codes):
                rate = rates.get(code)
                if rate is None or not words[i] or (allowed and words[i] not in allowed):
                    continue
                amount = known[i]
                if inclusive_amount[i]:
                    ex = (amount / (1 + rate / 100)).quantize(CENT, ROUND_HALF_UP)
                    exclusive[i], tax[i] = ex, amount - ex
                else:
                    inc = amount + (amount * rate / 100).quantize(CENT, ROUND_HALF_UP)
                    inclusive[i], tax[i] = inc, inc - amount
        out.append(
            Documents(
                spec.name,
                list(map(_ROW, table.records)),
                (exclusive, tax, inclusive),
                partial(_keys, spec, table),
                list(zip(texts)),
                spec.document.labelled if spec.document else None,
            )
        )
    if len(out) == 1 and _ascending(out[0].rows):
        return out[0]
    every = [d for documents in out for d in documents]
    every.sort(key=itemgetter(0))
    return every


def _choices(kind: RecordSpec, position: int | None) -> tuple[str, ...] | None:
    """The words a field allows, when it names them."""
    return kind.fields[position].choices if position is not None else None


def _ascending(rows: list[int]) -> bool:
    return not any(map(operator.gt, rows, rows[1:]))


def _tables(batch: Batch) -> list[Records]:
    """The batch's records by kind, each with its columns: as validated when the kinds the
    checks kept hold every record, else read off the records (nearly always one kind)."""
    kept = [t for t in batch.kinds.values() if t.records]
    if sum(len(t.records) for t in kept) == len(batch.records):
        return kept
    return [
        Records([batch.records[i] for i in positions]) for _, positions in _by_kind(batch.records)
    ]


def _field(table: Records, position: int | None) -> Sequence[str]:
    """One field of every record; blank text (or no code) where the kind lacks the field."""
    if position is None:
        return [""] * len(table.records)
    return table.column(position)


def batch_totals(documents: Sequence[DocumentTotal]) -> dict[str, object]:
    """The sums of the known parts, and how many documents each leaves out (`_summed`)."""
    if isinstance(documents, Documents):
        return documents.totals()
    return _summed(len(documents), ((p, list(map(attrgetter(p), documents))) for p in PARTS))
