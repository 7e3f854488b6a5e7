"""Per-document totals (exclusive, tax, inclusive) and the fingerprint of each document.

The totals let a bookkeeper tick the batch off against its source before importing it; the
fingerprint (the document's identity and amounts) is what the batch ledger remembers, so a
document exported once is recognised when it comes round again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..specs.model import AmountTotals, LineTotals, RecordSpec, Spec
from .batch import Batch, Record
from .company_rules import tax_rates
from .fields import canonical_number, decimal_or_none
from .settings import CompanySettings

CENT = Decimal("0.01")


@dataclass(frozen=True)
class DocumentTotal:
    """One document of a batch: where it starts, what identifies it, what it adds up to."""

    row: int
    # The values of the spec's document key, in order (account, date, reference ...).
    key: tuple[str, ...]
    # Unknown parts are None (an Infusion amount whose GST rate is not in the settings).
    exclusive: Decimal | None
    tax: Decimal | None
    inclusive: Decimal | None
    fingerprint: str
    column: str = ""

    @property
    def label(self) -> str:
        return " ".join(k for k in self.key if k)

    def to_json(self) -> dict[str, object]:
        return {
            "row": self.row,
            "document": list(self.key),
            "exclusive": money(self.exclusive),
            "tax": money(self.tax),
            "inclusive": money(self.inclusive),
        }


def money(d: Decimal | None) -> str | None:
    return None if d is None else canonical_number(d.quantize(CENT, ROUND_HALF_UP), 2)


def fingerprint(spec: Spec, key: tuple[str, ...], amounts: tuple[str, ...]) -> str:
    """A short, stable digest of a document's identity and amounts."""
    text = "\x1f".join((spec.name, *key, *amounts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_POSITIONS: dict[int, tuple[RecordSpec, dict[str, int]]] = {}


def _positions(kind: RecordSpec) -> dict[str, int]:
    """Each field key's place in a record kind. Kept by identity: hashing a spec model
    walks all its fields, which costs more than building the map."""
    known = _POSITIONS.get(id(kind))
    if known is None or known[0] is not kind:
        known = _POSITIONS[id(kind)] = (kind, {f.key: i for i, f in enumerate(kind.fields)})
    return known[1]


def _key(spec: Spec, record: Record) -> tuple[tuple[str, ...], str]:
    """The document key of its first record, and the column the first key field stands in."""
    values: list[str] = []
    column = ""
    present = _positions(record.kind)
    for group in spec.document.fields if spec.document else ():
        value = ""
        for key in group:
            if key in present and record.values[present[key]]:
                value = record.values[present[key]]
                column = column or record.kind.fields[present[key]].column
                break
        values.append(value)
    return tuple(values), column


def document_totals(batch: Batch, settings: CompanySettings | None = None) -> list[DocumentTotal]:
    """Every document of the batch with its totals, in batch order."""
    spec = batch.spec
    if spec.totals is None or spec.document is None:
        return []
    if isinstance(spec.totals, LineTotals):
        return _line_documents(batch, spec.totals)
    return _amount_documents(batch, spec.totals, settings)


def _line_documents(batch: Batch, totals: LineTotals) -> list[DocumentTotal]:
    spec = batch.spec
    first = spec.records[0].keyword
    out: list[DocumentTotal] = []
    current: Record | None = None
    exclusive = inclusive = Decimal(0)

    def close() -> None:
        if current is None:
            return
        key, column = _key(spec, current)
        amounts = (canonical_number(exclusive, 2), canonical_number(inclusive, 2))
        out.append(
            DocumentTotal(
                current.row,
                key,
                exclusive,
                inclusive - exclusive,
                inclusive,
                fingerprint(spec, key, amounts),
                column,
            )
        )

    lines = spec.record(totals.record)
    quantity, price, gross = (
        lines.index(totals.quantity),
        lines.index(totals.exclusive),
        lines.index(totals.inclusive),
    )
    discount = lines.index(totals.discount) if totals.discount else None
    when = [(lines.index(k), set(v)) for k, v in (totals.when or {}).items()]
    parsed: dict[str, Decimal | None] = {}

    def amount(text: str) -> Decimal | None:
        # Batches repeat quantities and prices: each distinct text is read once.
        if text not in parsed:
            parsed[text] = decimal_or_none(text)
        return parsed[text]

    for record in batch.records:
        if record.kind.keyword == first:
            close()
            current, exclusive, inclusive = record, Decimal(0), Decimal(0)
            continue
        if current is None or record.kind.keyword != totals.record:
            continue
        values = record.values
        if when and not _meets(values, when):
            continue
        q, p, g = amount(values[quantity]), amount(values[price]), amount(values[gross])
        if q is None or p is None or g is None:
            continue
        share = Decimal(1)
        if discount is not None:
            # Percent × 100: 1250 is 12.5 %.
            share -= (amount(values[discount]) or Decimal(0)) / 10000
        exclusive += (q * p * share).quantize(CENT, ROUND_HALF_UP)
        inclusive += (q * g * share).quantize(CENT, ROUND_HALF_UP)
    close()
    return out


def _meets(values: list[str], when: list[tuple[int, set[str]]]) -> bool:
    # A plain loop: once per line, a generator's set-up costs more than the test.
    for i, allowed in when:  # noqa: SIM110
        if values[i] not in allowed:
            return False
    return True


def _amount_documents(
    batch: Batch, totals: AmountTotals, settings: CompanySettings | None
) -> list[DocumentTotal]:
    spec = batch.spec
    rates = {}
    if settings is not None and totals.list is not None:
        found = settings.list(totals.list)
        if found is not None:
            rates = tax_rates(found, totals.rate_column)
    out = []
    for record in batch.records:
        present = {f.key: i for i, f in enumerate(record.kind.fields)}
        if totals.amount not in present:
            continue
        text = record.values[present[totals.amount]]
        amount = decimal_or_none(text)
        key, column = _key(spec, record)
        print_key = fingerprint(spec, key, (text,))
        if amount is None:
            continue
        word = record.values[present[totals.amount_is]] if totals.amount_is in present else ""
        rate = rates.get(record.values[present[totals.rate]]) if totals.rate in present else None
        inclusive_amount = word.casefold() == totals.inclusive_word.casefold()
        exclusive = inclusive = tax = None
        if rate is not None and word:
            if inclusive_amount:
                inclusive = amount
                exclusive = (amount / (1 + rate / 100)).quantize(CENT, ROUND_HALF_UP)
            else:
                exclusive = amount
                inclusive = amount + (amount * rate / 100).quantize(CENT, ROUND_HALF_UP)
            tax = inclusive - exclusive
        elif inclusive_amount:
            inclusive = amount
        else:
            exclusive = amount
        out.append(DocumentTotal(record.row, key, exclusive, tax, inclusive, print_key, column))
    return out


def batch_totals(documents: list[DocumentTotal]) -> dict[str, object]:
    """The sums of the known parts; a part unknown on any document is left out (None)."""
    out: dict[str, object] = {"documents": len(documents)}
    for part in ("exclusive", "tax", "inclusive"):
        values = [getattr(d, part) for d in documents]
        out[part] = money(sum(values, Decimal(0))) if None not in values else None
    return out
