"""The package inspection's cost per row, in process, at a large size and at a tenth of it.

    python -m bench.run --records 1000000 --only inspection --out /tmp/x

`addin.excel.package.inspect_package` (what `validate`, `export`, `fix` and `--mark` run
before any reader sees a workbook) on the workbooks `import` wrote at both sizes, and on the
same workbooks with every cell spelled `<c s="…" r="…">` (its style first; `s="0"` where
the cell had none), as some writers spell them. The cost per row should not grow with the
sheet (the target: per row at N within 1.2× of per row at N/10), and a cell's attribute
order should not send a sheet to the slow path.

Each workbook's extent is also found both ways the inspection can find it: the one pass
(`_Extent`, what the inspection uses) and cell by cell (`_measured`, the careful path);
they must agree.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from addin.excel.package import _blocks, _Extent, _measured, inspect_package

from . import generate, pastel_data
from .figures import Figure
from .timing import measure

GROWTH_LIMIT = 1.2
PER = 100_000  # rows: costs are given per this many

# A cell as our writer spells it: its reference first, then (perhaps) its style.
_STYLED = re.compile(rb'<c r="([^"]*)" s="([^"]*)"')
_UNSTYLED = re.compile(rb'<c r="([^"]*)"(?=[ >/])')


def swap_block(block: bytes) -> bytes:
    """Every `<c r="A1" s="5"` of `block` as `<c s="5" r="A1"`, and `<c r="A1"` as
    `<c s="0" r="A1"` (style 0 is the default one: the same cell)."""
    return _UNSTYLED.sub(rb'<c s="0" r="\1"', _STYLED.sub(rb'<c s="\2" r="\1"', block))


def swapped(book: Path, to: Path) -> Path:
    """A copy of `book` whose sheets spell every cell `<c s="…" r="…">`; kept once made."""
    if to.exists() and to.stat().st_mtime >= book.stat().st_mtime:
        return to
    sheets = set(inspect_package(book).sheets.values())
    part = to.with_suffix(".part")
    with (
        zipfile.ZipFile(book) as source,
        zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.filename not in sheets:
                target.writestr(info, source.read(info))
                continue
            with target.open(info.filename, "w") as sink:
                for block in _blocks(source, info, b">"):
                    sink.write(swap_block(block))
    part.replace(to)
    return to


@dataclass(frozen=True)
class Inspected:
    rows: int
    cpu: float  # the median of the repeats, one inspect_package
    wall: float
    fast: tuple[int, int]  # (rows, columns) by the one pass
    careful: tuple[int, int]  # by `_measured`
    went_careful: bool  # whether the one pass gave up for `_measured`
    fast_cpu: float
    careful_cpu: float
    odd_cells: int  # cells not spelled `<c r="…"` first

    @property
    def per_row(self) -> float:
        return self.cpu / self.rows * PER


def _part(book: Path) -> str:
    """The data sheet's part (found before any timing: it takes an inspection)."""
    return inspect_package(book).part_of("Batch") or generate.DATA_SHEET_XML


def _sheet(book: Path, part: str) -> tuple[zipfile.ZipFile, zipfile.ZipInfo]:
    archive = zipfile.ZipFile(book)
    return archive, archive.getinfo(part)


def _one_pass(book: Path, part: str) -> tuple[tuple[int, int], bool]:
    archive, info = _sheet(book, part)
    with archive:
        extent = _Extent()
        for block in _blocks(archive, info, b"</row>"):
            extent.add(block)
        return extent.extent(archive, info), extent.careful


def _cell_by_cell(book: Path, part: str) -> tuple[int, int]:
    archive, info = _sheet(book, part)
    with archive:
        return _measured(_blocks(archive, info, b">"))


def _odd_cells(book: Path, part: str) -> int:
    archive, info = _sheet(book, part)
    with archive:
        return sum(
            block.count(b"<c ") - block.count(b'<c r="') for block in _blocks(archive, info, b">")
        )


def inspect(book: Path, repeats: int) -> Inspected:
    part = _part(book)
    timing = measure(lambda: inspect_package(book), repeats)
    fast = measure(lambda: _one_pass(book, part), 1)
    careful = measure(lambda: _cell_by_cell(book, part), 1)
    (extent, went_careful), measured = fast.result, careful.result
    return Inspected(
        rows=extent[0],
        cpu=timing.cpu_median,
        wall=timing.median,
        fast=extent,
        careful=measured,
        went_careful=went_careful,
        fast_cpu=fast.cpu[0],
        careful_cpu=careful.cpu[0],
        odd_cells=_odd_cells(book, part),
    )


def imported_books(records: int, seed: int, out: Path) -> Iterator[tuple[str, Path]]:
    """The workbooks `import` wrote of the clean batch, at `records` and at a tenth (the
    pipeline keeps them; made here where it has not run)."""
    for label, n in (("large", records), ("small", max(records // 10, 100))):
        files = generate.PastelFiles(pastel_data.docs_for_records(n), seed, out)
        generate.make_pastel(files, kinds=("clean",))
        yield label, files.clean_book


def inspection_figures(records: int, seed: int, out: Path, repeats: int) -> list[Figure]:
    work = out / "inspection"
    work.mkdir(parents=True, exist_ok=True)
    found: dict[tuple[str, str], Inspected] = {}
    for label, book in imported_books(records, seed, out):
        swap = swapped(book, work / f"{book.stem}-swapped.xlsx")
        for spelling, path in (("as import writes it", book), ("every cell <c s r>", swap)):
            print(f"    {spelling}, {label} ...", end="", flush=True)
            found[spelling, label] = got = inspect(path, repeats)
            print(f" {got.rows:,} rows, {got.cpu:.2f} s CPU", flush=True)
    figures = []
    for spelling in ("as import writes it", "every cell <c s r>"):
        large, small = found[spelling, "large"], found[spelling, "small"]
        growth = large.per_row / small.per_row
        fig = Figure(
            f"inspect_package ({spelling})",
            f"{large.rows:,} rows",
            ours=large.per_row,
            baseline=small.per_row,
            baseline_name=f"per {PER:,} rows at {small.rows:,} rows",
            ratio=growth,
            ratio_words=f"{growth:.2f}× per row ({large.cpu:.2f} s CPU for {large.rows:,} rows)",
            target=f"per row ≤ {GROWTH_LIMIT}× at a tenth; one pass = cell by cell",
            wall=large.wall,
        )
        fig.growth_ours = growth
        agree = all(i.fast == i.careful and not i.went_careful for i in (large, small))
        fig.met = growth <= GROWTH_LIMIT and agree
        for i in (large, small):
            fig.notes.append(
                f"{i.rows:,} rows: inspect_package {i.cpu:.3f} s CPU ({i.per_row:.3f} s per "
                f"{PER:,} rows), {i.odd_cells:,} cells not spelled <c r=… first; extent one "
                f"pass {i.fast} in {i.fast_cpu:.2f} s"
                f"{' (gave up for cell by cell)' if i.went_careful else ''}, cell by cell "
                f"{i.careful} in {i.careful_cpu:.2f} s: "
                f"{'agree' if i.fast == i.careful else 'DISAGREE'}"
            )
        figures.append(fig)
    plain, swap = figures
    if plain.ours and swap.ours and plain.baseline and swap.baseline:
        swap.notes.append(
            f"against the same workbook as import writes it: {swap.ours / plain.ours:.2f}× at "
            f"{found['every cell <c s r>', 'large'].rows:,} rows, "
            f"{swap.baseline / plain.baseline:.2f}× at "
            f"{found['every cell <c s r>', 'small'].rows:,} rows"
        )
    return figures
