"""The Validate button's Python side, on the Excel held in memory (`tests/memory_excel.py`).

The button runs through xlwings' own Book/Sheet/Range code and the engine counts every call.
What the engine itself spends (standing in for Excel's work: handing out and taking in
cells, finding the last row) is subtracted; the rest is what the user's Python does: the
chunked reads' conversion, reading the grid into rows, validating, the marks and the
summary. The baseline is the engine's `validate_rows` on the same values, in turns with it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from addin.engine.layouts import validate_rows
from addin.excel import ribbon
from addin.excel.grid import grid_rows
from addin.excel.layout import DATA_SHEET, FORMAT_NAME
from addin.specs import SPECS

from .figures import Data, Figure, growth
from .timing import Timing, measure_together

PASTEL = "pastel-customer"


def _sheet_values(path: Path) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(DATA_SHEET).to_python()


def _excel_book(values: list[list[Any]]):
    from tests.memory_excel import Excel

    excel = Excel()
    return excel, excel.batch(values, DATA_SHEET, FORMAT_NAME, PASTEL)


def _press(excel, book) -> float:
    """Validate pressed once: the CPU seconds on Python's side of the calls."""
    import time

    excel.calls.clear()
    started = time.process_time()
    ribbon.validate(book)
    return time.process_time() - started - excel.calls.excel_seconds


def button_figures(data: Data, repeats: int) -> list[Figure]:
    os.environ.setdefault("BATCHSHEET_LEDGER", str(data.out / "button-ledger.json"))
    spec = SPECS[PASTEL]
    fig = Figure(
        "Validate button, Python side (in-memory Excel)",
        "",
        baseline_name="validate_rows on the same values",
        target="≤ 2× validate_rows",
    )
    timings: dict[str, tuple[Timing, Timing, int, dict[str, int]]] = {}
    for label, path in (("large", data.typed_book), ("small", data.typed_book_small)):
        values = _sheet_values(path)
        excel, book = _excel_book(values)
        pressed: list[float] = []
        try:
            ours, base = measure_together(
                [
                    lambda e=excel, b=book, p=pressed: p.append(_press(e, b)),
                    lambda v=values: validate_rows(spec, grid_rows(spec, v), typed=True),
                ],
                repeats,
            )
            calls = dict(excel.calls.kinds())
        finally:
            excel.close()
        python_side = Timing(tuple(pressed), None, tuple(pressed))
        timings[label] = (python_side, base, len(values), calls)
    (ours, base, n, calls), (ours_s, base_s, n_s, _) = timings["large"], timings["small"]
    fig.size = f"{n:,} rows"
    fig.ours, fig.baseline = ours.median, base.median
    fig.ratio = ours.median / base.median
    fig.ratio_words = f"{fig.ratio:.2f}× validate_rows"
    fig.met = fig.ratio <= 2
    fig.growth_ours = growth(ours, n, ours_s, n_s)
    fig.growth_baseline = growth(base, n, base_s, n_s)
    fig.notes.append(
        "calls into Excel per press: "
        + ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
        + f" (reads and writes of at most {ribbon.CELLS_PER_CALL:,} cells)"
    )
    return [fig]
