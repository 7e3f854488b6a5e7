"""What the checks read across a whole batch, gathered a slice of the batch at a time.

A batch checked a slice of documents at a time (`addin.sliced_check`) runs every check on
each slice in turn. Most checks look at a record, or at one document, alone. A few read the
whole batch: a key repeated anywhere in it, a habit's count over all its lines, every line
of one tax type, the records in an older layout, the suggestions made so far for codes not
in a list. Those gather here, slice by slice, and are said once at the end, as the check of
the whole batch at once says them (`rules.say_gathered`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..specs.model import RecordSpec


class Gathered(Protocol):
    """What a rule gathers of some records; the next slice's adds on in batch order."""

    def extend(self, other: Any, /) -> None: ...


@dataclass
class BatchWide:
    # By the rule's id (a spec's rules live as long as the process): what it gathered, with
    # its records' kind and its field's place, which it speaks with once no slice is held.
    gathered: dict[int, tuple[RecordSpec, int, Gathered]] = field(default_factory=dict)
    # The lines in each of the spec's older layouts, by the layout's place in the spec: one
    # finding names them all, in place of what each line's fields would say.
    older: dict[int, list[int]] = field(default_factory=dict)
    # What a company-settings rule keeps from slice to slice, by the rule's id: its list's
    # suggestions stop at so many a batch, not a slice.
    kept: dict[int, Any] = field(default_factory=dict)

    def gather(self, rule: Any, kind: RecordSpec, index: int, found: Gathered) -> None:
        held = self.gathered.get(id(rule))
        if held is None:
            self.gathered[id(rule)] = (kind, index, found)
        else:
            held[2].extend(found)
