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
    settings = batch.context.settings
    report = batch.report
    if settings is not None:
        for problem in settings.problems:
            report.checks.append(_not_used(problem))
    stage("adding up the totals")
    documents = document_totals(batch, settings)
    if ledger is not None:
        check_batch(batch, ledger, documents)
    return Review(batch, documents)


def _not_used(problem: str) -> Check:
    return Check(SETTINGS_CHECK, False, f"not used: {problem}")
