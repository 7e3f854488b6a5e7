"""The formats Batchsheet knows, by name.

A format's spec is built the first time it is asked for: `batchsheet --help`, a usage error
or an add-in command need only the names, and building the specs costs a tenth of a second.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..refusals import Refusal

if TYPE_CHECKING:
    from .model import FieldSpec, RecordSpec, Spec

# Each format's name, and where its spec is declared (module, name).
FORMATS: dict[str, tuple[str, str]] = {
    "pastel-customer": ("pastel", "PASTEL_CUSTOMER"),
    "pastel-supplier": ("pastel", "PASTEL_SUPPLIER"),
    "infusion-customer-adjustments": ("infusion", "INFUSION_ADJUSTMENTS"),
    "pastel-journal": ("pastel_journal", "PASTEL_JOURNAL"),
    "pastel-cashbook": ("pastel_journal", "PASTEL_CASHBOOK"),
}
FORMAT_NAMES = tuple(FORMATS)


class UnknownFormat(Refusal, KeyError):
    def __str__(self) -> str:
        return f"unknown format {self.args[0]!r}; expected one of: {', '.join(FORMAT_NAMES)}"


def get_spec(name: str) -> Spec:
    try:
        module, attribute = FORMATS[name]
    except (KeyError, TypeError):
        raise UnknownFormat(name) from None
    spec: Spec = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    return spec


def known_spec(name: str | None) -> Spec | None:
    """The spec of a format named by a workbook or a caller, or None if it is not one of ours;
    only that format's spec is built (a button press builds one, not all)."""
    return get_spec(name) if isinstance(name, str) and name in FORMATS else None


def __getattr__(name: str) -> Any:
    # `SPECS` and the model classes, built on first use (see the module's docstring).
    if name == "SPECS":
        return {n: get_spec(n) for n in FORMATS}
    if name in ("FieldSpec", "RecordSpec", "Spec"):
        # Built on first use, as the specs are (see the module's docstring).
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "SPECS",
    "FieldSpec",
    "RecordSpec",
    "Spec",
    "UnknownFormat",
    "get_spec",
    "known_spec",
]
