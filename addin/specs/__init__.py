"""The formats Batchsheet knows, by name."""

from __future__ import annotations

from .infusion import INFUSION_ADJUSTMENTS
from .model import FieldSpec, RecordSpec, Spec
from .pastel import PASTEL_CUSTOMER, PASTEL_SUPPLIER

SPECS: dict[str, Spec] = {
    spec.name: spec for spec in (PASTEL_CUSTOMER, PASTEL_SUPPLIER, INFUSION_ADJUSTMENTS)
}


class UnknownFormat(KeyError):
    def __str__(self) -> str:
        return f"unknown format {self.args[0]!r}; expected one of: {', '.join(SPECS)}"


def get_spec(name: str) -> Spec:
    try:
        return SPECS[name]
    except KeyError:
        raise UnknownFormat(name) from None


__all__ = ["SPECS", "FieldSpec", "RecordSpec", "Spec", "UnknownFormat", "get_spec"]
