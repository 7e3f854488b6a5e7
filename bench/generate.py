"""Make the benchmark batches: seeded, so every run measures the same bytes.

    python -m bench.generate                       # 20,000 Pastel documents, 100,000 Infusion rows
    python -m bench.generate --docs 2000 --infusion-rows 10000 --out bench/out
    python -m bench.generate --journal-lines 120000 --no-workbooks --out /tmp/bench

Files already present are kept (names carry size and seed), so `bench.run` pays for
generation once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from addin.engine.csv_write import csv_text
from addin.engine.findings import column_letter
from addin.excel.batch_rows import CellStyles
from addin.excel.layout import MARK_HEADINGS, Layout
from addin.excel.sheet_xml import date_serial, number_body, text_body
from addin.excel.template import BatchWorkbookWriter
from addin.specs import SPECS
from addin.transfer import import_csv

from . import infusion_data, journal_data, pastel_data
from .excel_file import excel_like
from .excel_typing import typed_lines, typed_rows

OUT = Path(__file__).resolve().parent / "out"
PASTEL = "pastel-customer"
INFUSION = "infusion-customer-adjustments"
JOURNAL = "pastel-journal"
DEFAULT_DOCS = 20_000
DEFAULT_INFUSION_ROWS = 100_000
DEFAULT_JOURNAL_LINES = 120_000
DEFAULT_SEED = 20250514
DEFAULT_BAD_SHARE = 0.03
# Bumped whenever the generators change, so stale files are not measured by mistake.
VERSION = 2
# The data sheet is the first sheet the workbook writer creates.
DATA_SHEET_XML = "xl/worksheets/sheet1.xml"


class _BatchFiles:
    """A batch's files, named by `_name`: the damaged CSV, the clean one, the clean batch
    imported by our own writer, and the damaged one as typed into Excel."""

    out: Path

    def _name(self, what: str, suffix: str) -> Path:
        raise NotImplementedError

    @property
    def csv(self) -> Path:
        """The batch as a user's file holds it: a few per cent of records damaged."""
        return self._name("batch", "csv")

    @property
    def clean_csv(self) -> Path:
        return self._name("clean", "csv")

    @property
    def clean_book(self) -> Path:
        """The clean batch imported by our own writer: what Export reads."""
        return self._name("clean", "xlsx")

    @property
    def typed_book(self) -> Path:
        """The damaged batch as typed into Excel: numbers, dates, codes lost to General."""
        return self._name("typed", "xlsx")


@dataclass(frozen=True)
class PastelFiles(_BatchFiles):
    docs: int
    seed: int
    out: Path

    def _name(self, what: str, suffix: str) -> Path:
        return self.out / f"pastel-{what}-{self.docs}docs-s{self.seed}-v{VERSION}.{suffix}"


@dataclass(frozen=True)
class JournalFiles(_BatchFiles):
    lines: int
    seed: int
    out: Path

    def _name(self, what: str, suffix: str) -> Path:
        return self.out / f"journal-{what}-{self.lines}lines-s{self.seed}-v{VERSION}.{suffix}"


@dataclass(frozen=True)
class InfusionFiles:
    rows: int
    seed: int
    out: Path

    @property
    def csv(self) -> Path:
        return self.out / f"infusion-{self.rows}rows-s{self.seed}-v{VERSION}.csv"

    @property
    def book(self) -> Path:
        return self.csv.with_suffix(".xlsx")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".part")
    temp.write_bytes(data)
    temp.replace(path)


def _csv_bytes(rows: Iterable[Sequence[str]], encoding: str) -> bytes:
    return csv_text(rows).encode(encoding)


PASTEL_KINDS = ("csv", "clean", "typed")
# The clean CSV alone, without our import of it (the pipeline imports it itself).
CLEAN_CSV = "clean-csv"


def make_pastel(
    files: PastelFiles,
    bad_share: float = DEFAULT_BAD_SHARE,
    *,
    kinds: Sequence[str] = PASTEL_KINDS,
) -> PastelFiles:
    """Write whatever of the Pastel files is missing: the damaged CSV (`csv`), the clean CSV
    and our import of it (`clean`), the clean CSV alone (`clean-csv`), the workbook as typed
    in Excel (`typed`)."""
    spec = SPECS[PASTEL]
    if "csv" in kinds and not files.csv.exists():
        records = pastel_data.documents(files.docs, files.seed, bad_share)
        _write(files.csv, _csv_bytes(records, spec.encoding))
    if ("clean" in kinds or CLEAN_CSV in kinds) and not files.clean_csv.exists():
        records = pastel_data.documents(files.docs, files.seed, 0.0)
        _write(files.clean_csv, _csv_bytes(records, spec.encoding))
    if "clean" in kinds and not files.clean_book.exists():
        import_csv(spec, files.clean_csv, files.clean_book, replace=True)
    if "typed" in kinds and not files.typed_book.exists():
        records = pastel_data.documents(files.docs, files.seed, bad_share)
        writer = BatchWorkbookWriter(spec)
        layout = Layout(spec)
        # Straight onto the sheet, bypassing our own typing: this is Excel's.
        typed = TypedRows(list(typed_rows(spec, records, files.seed, bad_share)), layout)
        writer.save(files.typed_book, typed, replace=True)
        last_column = column_letter(layout.data_width + len(MARK_HEADINGS))
        last_row = layout.caption_rows + len(typed)
        excel_like(files.typed_book, DATA_SHEET_XML, f"A1:{last_column}{last_row}")
    return files


def make_journal(
    files: JournalFiles,
    bad_share: float = DEFAULT_BAD_SHARE,
    *,
    kinds: Sequence[str] = PASTEL_KINDS,
) -> JournalFiles:
    """Write whatever of the journal files is missing, as `make_pastel` does."""
    spec = SPECS[JOURNAL]
    if "csv" in kinds and not files.csv.exists():
        lines = journal_data.journal(files.lines, files.seed, bad_share)
        _write(files.csv, _csv_bytes(lines, spec.encoding))
    if "clean" in kinds and not files.clean_csv.exists():
        lines = journal_data.journal(files.lines, files.seed, 0.0)
        _write(files.clean_csv, _csv_bytes(lines, spec.encoding))
    if "clean" in kinds and not files.clean_book.exists():
        import_csv(spec, files.clean_csv, files.clean_book, replace=True)
    if "typed" in kinds and not files.typed_book.exists():
        lines = journal_data.journal(files.lines, files.seed, bad_share)
        layout = Layout(spec)
        typed = TypedRows(list(typed_lines(spec, lines, files.seed, bad_share)), layout)
        BatchWorkbookWriter(spec).save(files.typed_book, typed, replace=True)
        last_column = column_letter(layout.data_width + len(MARK_HEADINGS))
        last_row = layout.caption_rows + len(typed)
        excel_like(files.typed_book, DATA_SHEET_XML, f"A1:{last_column}{last_row}")
    return files


class TypedRows:
    """Rows of cell values as Excel holds them, for the data sheet (`template.SheetRows`)."""

    def __init__(self, rows: list[list[Any]], layout: Layout) -> None:
        self.rows = rows
        self.first = layout.first_data_row

    def __len__(self) -> int:
        return len(self.rows)

    def xml(self, styles: CellStyles) -> Iterator[bytes]:
        date_style = styles.by_format.get("DD/MM/YYYY", 0)
        for n, row in enumerate(self.rows, start=self.first):
            cells = []
            for c, value in enumerate(row, start=1):
                ref = f"{column_letter(c)}{n}"
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    cells.append(f'<c r="{ref}"{text_body(value, 0)}')
                elif isinstance(value, dt.datetime):
                    cells.append(f'<c r="{ref}"{number_body(date_serial(value), date_style)}')
                else:
                    cells.append(f'<c r="{ref}"{number_body(value, 0)}')
            yield f'<row r="{n}">{"".join(cells)}</row>'.encode()


def make_infusion_wrong(rows: int, seed: int, out: Path) -> Path:
    """An Infusion CSV of `rows` adjustments, every one carrying one of the damages: the
    file whose report and JSON hold a finding or more on every row."""
    path = out / f"infusion-wrong-{rows}rows-s{seed}-v{VERSION}.csv"
    if not path.exists():
        wrong = infusion_data.adjustments(rows, seed, 1.0)
        _write(path, _csv_bytes([infusion_data.HEADER, *wrong], "utf-8"))
    return path


def make_infusion(
    files: InfusionFiles, bad_share: float = DEFAULT_BAD_SHARE, *, workbooks: bool = True
) -> InfusionFiles:
    """Write the Infusion CSV, and its workbook once the engine has the Infusion spec."""
    if not files.csv.exists():
        rows = infusion_data.adjustments(files.rows, files.seed, bad_share)
        _write(files.csv, _csv_bytes([infusion_data.HEADER, *rows], "utf-8"))
    spec = SPECS.get(INFUSION)
    if workbooks and spec is not None and not files.book.exists():
        try:
            import_csv(spec, files.csv, files.book, replace=True)
        except Exception as e:  # the spec is new; the bench must still produce its CSV
            print(f"bench.generate: no Infusion workbook: {type(e).__name__}: {e}", file=sys.stderr)
    return files


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Write seeded benchmark batches (Pastel documents and journals, Infusion).",
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument(
        "--docs",
        type=int,
        default=DEFAULT_DOCS,
        help=f"Pastel documents, about 6 records each (default {DEFAULT_DOCS:,})",
    )
    size.add_argument("--records", type=int, help="Pastel records instead of documents")
    p.add_argument(
        "--infusion-rows",
        type=int,
        default=DEFAULT_INFUSION_ROWS,
        help=f"Infusion adjustments (default {DEFAULT_INFUSION_ROWS:,})",
    )
    p.add_argument(
        "--journal-lines",
        type=int,
        default=DEFAULT_JOURNAL_LINES,
        help=f"Pastel journal lines (default {DEFAULT_JOURNAL_LINES:,})",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument(
        "--bad-share",
        type=float,
        default=DEFAULT_BAD_SHARE,
        help=f"share of damaged records (default {DEFAULT_BAD_SHARE})",
    )
    p.add_argument("--out", type=Path, default=OUT, help="folder for the files (bench/out)")
    p.add_argument("--no-workbooks", action="store_true", help="write the CSV files only")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    docs = pastel_data.docs_for_records(args.records) if args.records else args.docs
    started = time.perf_counter()
    kinds = ("csv", "clean") if args.no_workbooks else PASTEL_KINDS
    pastel = make_pastel(PastelFiles(docs, args.seed, args.out), args.bad_share, kinds=kinds)
    infusion = make_infusion(
        InfusionFiles(args.infusion_rows, args.seed, args.out),
        args.bad_share,
        workbooks=not args.no_workbooks,
    )
    journal = make_journal(
        JournalFiles(args.journal_lines, args.seed, args.out), args.bad_share, kinds=kinds
    )
    paths = [pastel.csv, pastel.clean_csv, pastel.clean_book, pastel.typed_book]
    paths += [infusion.csv, infusion.book]
    paths += [journal.csv, journal.clean_csv, journal.clean_book, journal.typed_book]
    for path in paths:
        if path.exists():
            print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
