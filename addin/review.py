"""What Validate tells a user beyond the findings: document totals, the ledger, the checks.

The same review runs behind `batchsheet validate`, `check`, `export` and the ribbon's
Validate, so all of them say the same things about a batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .engine.batch import Batch
from .engine.findings import Check
from .engine.totals import (
    DocumentTotal,
    batch_totals,
    document_totals,
    named_totals,
    part_names,
)
from .ledger import Ledger, check_batch
from .progress import stage

SETTINGS_CHECK = "Company settings"


@dataclass
class Review:
    batch: Batch
    documents: Sequence[DocumentTotal] = field(default_factory=list)
    # How many records the batch holds, where its records are not held (a batch checked a
    # slice at a time); None: as many as `batch.records`.
    record_count: int | None = None

    @property
    def records(self) -> int:
        return len(self.batch.records) if self.record_count is None else self.record_count

    @property
    def parts(self) -> tuple[str, str, str]:
        """What the format calls its three figures (a journal's debits, credits, difference)."""
        return part_names(self.batch.spec.totals)

    @property
    def totals(self) -> dict[str, Any]:
        """The batch's totals, under the format's names for them."""
        return named_totals(batch_totals(self.documents), self.parts)

    def to_json(self) -> dict[str, Any]:
        out = self.batch.report.to_json()
        parts = self.parts
        out["documents"] = [d.to_json(parts) for d in self.documents]
        out["totals"] = self.totals
        return out


def review(batch: Batch, ledger: Ledger | None) -> Review:
    """Totals of every document; the ledger's warnings; what the settings could not give."""
    name_settings_problems(batch)
    stage("adding up the totals")
    return reviewed(batch, ledger, document_totals(batch, batch.context.settings))


def reviewed(
    batch: Batch,
    ledger: Ledger | None,
    documents: Sequence[DocumentTotal],
    record_count: int | None = None,
) -> Review:
    """`review` of a batch whose documents are added up already (its settings' problems
    named first, `name_settings_problems`)."""
    if ledger is not None:
        check_batch(batch, ledger, documents)
    return Review(batch, documents, record_count)


def name_settings_problems(batch: Batch) -> None:
    """A check for each part of the company settings that could not be used."""
    settings = batch.context.settings
    if settings is not None:
        for problem in settings.problems:
            batch.report.checks.append(_not_used(problem))


def _not_used(problem: str) -> Check:
    return Check(SETTINGS_CHECK, False, f"not used: {problem}")
