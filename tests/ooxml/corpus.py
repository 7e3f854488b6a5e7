"""Every kind of file Batchsheet writes, made by the real command, for independent validators.

`build_corpus(folder)` runs `batchsheet` in child processes, as a user does, and returns the
files it wrote, each named for how it was made (`<source>.<step>.<step>.xlsx`):

- `<format>.template.xltx`: `batchsheet templates`, one per format;
- `<format>-lite.template.xlsx`: `batchsheet templates --lite`, one per format (the
  workbook with xlwings Lite's web extension parts);
- `<example>.imported.xlsx`, `.imported.marked.xlsx`, `.imported.fixed.xlsx`: each bundled
  example imported, then `validate --mark` and `fix --apply` on a copy each;
- `pastel-customer-fixable.*`: a batch imported with a Unit Selling Price `"1,250.00"`, then
  marked, fixed, fixed then marked, and fixed twice (`.fixed.edited.fixed`: after the first
  fix the product's own cell editor writes another `1,250.00`, so the second fix appends to
  the Audit sheet);
- `infusion-fixable.*`: the Infusion example imported, an Amount made `1,234.50` by the same
  editor (`.edited`), then fixed, fixed then marked, and fixed twice;
- `infusion-customer-adjustments.imported.new-batch.xlsx`: `new-batch` of the imported example;
- `xlsxwriter.*`, `libreoffice.*`, `excel-style.*`: a batch as another program saved it (the
  original, which is the input, not the product's), then marked and fixed. `xlsxwriter`
  holds shared strings, an image, a chart, a comment and a table; `libreoffice` is an import
  saved again by LibreOffice (only when `soffice` is installed); `excel-style` is the
  XlsxWriter one with the parts Excel adds when it saves: a calculation chain naming every
  formula cell (some of them in the marking columns, whose formulas a mark replaces),
  shared formulas, and `mc:Ignorable="x14ac"` with `x14ac:dyDescent` on the rows;
- `Batchsheet.xlam`: the add-in as `batchsheet addin install` builds it;
- `pastel-customer.imported.xlsm`, `.xltx`: `import -o` a macro-enabled workbook or a template
  name, kept only when the command wrote it (it may refuse, exit 2, instead).

Everything, the command's scratch files and its batch ledger included, stays inside `folder`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from openpyxl import load_workbook

from addin.excel.book_edit import SheetEdit, edit_book
from addin.excel.layout import DATA_SHEET, Layout
from addin.installer.xlam import build_xlam
from addin.specs import get_spec
from tests.conftest import EXAMPLES, Run, libreoffice_convert, run_process
from tests.pastel_rows import csv_bytes, detail, header
from tests.test_book_edit import decorated_book

EXAMPLE_FILES = {
    "pastel-customer": "pastel_customer_invoices_sample.csv",
    "pastel-supplier": "pastel_supplier_invoices_sample.csv",
    "infusion-customer-adjustments": "infusion_adjustments_sample.csv",
    "pastel-journal": "pastel_journal_sample.csv",
    "pastel-cashbook": "pastel_cashbook_sample.csv",
}
PASTEL = get_spec("pastel-customer")
PASTEL_LAYOUT = Layout(PASTEL)
# 1-based sheet column of a Detail line's Unit Selling Price (field 4).
UNIT_PRICE = PASTEL.records[1].index("unit_price") + 1
FIXABLE = "1,250.00"

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
CALC_CHAIN_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
CALC_CHAIN_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"


class CorpusError(RuntimeError):
    """A step of the corpus did not do what a user would expect of it."""


def build_corpus(folder: Path, failures: list[str] | None = None) -> list[Path]:
    """Write every kind of file the product writes into `folder`; return their paths.

    A step that fails (a command's unexpected exit, an edit refused) is described in
    `failures` and the files made from its output are left out; the rest is still built.
    Without `failures`, a CorpusError lists them once everything else was built."""
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "work"
    work.mkdir(exist_ok=True)
    scratch = work / "tmp"
    scratch.mkdir(exist_ok=True)
    corpus = _Corpus(folder, work, [] if failures is None else failures)
    with _private(work, scratch):
        corpus.templates()
        corpus.examples()
        corpus.pastel_fixable()
        # openpyxl writes other XML when lxml is installed (prefixes declared per element):
        # the same batch through that writer, as users with lxml get it.
        with mock.patch.dict(os.environ, {"OPENPYXL_LXML": "True"}):
            corpus.pastel_fixable(".lxml-writer")
        corpus.infusion_fixable()
        corpus.other_writers()
        corpus.addin()
        corpus.other_extensions()
    if failures is None and corpus.failures:
        raise CorpusError("\n".join(corpus.failures))
    return corpus.paths


@contextmanager
def _private(work: Path, scratch: Path) -> Iterator[None]:
    """The command's batch ledger and temporary files, and this process's, inside `work`."""
    env = {"BATCHSHEET_LEDGER": str(work / "ledger.sqlite3"), "TMPDIR": str(scratch)}
    with mock.patch.dict(os.environ, env), mock.patch.object(tempfile, "tempdir", str(scratch)):
        yield


def _shown(arg: object) -> str:
    return arg.name if isinstance(arg, Path) else str(arg)


class _Corpus:
    """The steps: each returns the file it wrote, or None when it (or the step that made
    its source) failed."""

    def __init__(self, folder: Path, work: Path, failures: list[str]) -> None:
        self.folder = folder
        self.work = work
        self.failures = failures
        self.paths: list[Path] = []

    # -- steps -----------------------------------------------------------------------------

    def batchsheet(self, *args: object, codes: tuple[int, ...] = (0, 1)) -> Run | None:
        done = run_process(*args, cwd=self.work)
        if done.code in codes:
            return done
        said = (done.err.strip() or done.out.strip()).replace(str(self.folder) + "/", "")
        self.failures.append(f"batchsheet {' '.join(map(_shown, args))}: exit {done.code}: {said}")
        return None

    def add(self, path: Path) -> Path | None:
        if not path.is_file():
            self.failures.append(f"{path.name} was not written")
            return None
        self.paths.append(path)
        return path

    def copy(self, source: Path, name: str) -> Path:
        return shutil.copyfile(source, self.folder / name)

    def marked(self, source: Path | None, name: str) -> Path | None:
        if source is None:
            return None
        book = self.copy(source, name)
        if self.batchsheet("validate", book, "--mark") is None:
            book.unlink()
            return None
        return self.add(book)

    def fixed(self, source: Path | None, name: str, *, changes: bool = True) -> Path | None:
        if source is None:
            return None
        book = self.copy(source, name)
        done = self.batchsheet("fix", book, "--apply")
        if done is not None and changes and "fixed" not in done.out:
            self.failures.append(f"fix {name} --apply changed nothing: {done.out.strip()}")
            done = None
        if done is None:
            book.unlink()
            return None
        return self.add(book)

    def edited(
        self, source: Path | None, name: str, cell: tuple[int, int], value: str
    ) -> Path | None:
        """A copy with one cell typed in, by the product's own cell editor."""
        if source is None:
            return None
        book = self.copy(source, name)
        try:
            edit_book(book, DATA_SHEET, SheetEdit(cells={cell: value}))
        except Exception as e:
            self.failures.append(f"edit_book({name}, {cell}={value!r}): {e}")
            book.unlink()
            return None
        return self.add(book)

    def imported(self, source: Path, name: str, *options: object) -> Path | None:
        book = self.folder / name
        if self.batchsheet("import", source, *options, "-o", book) is None:
            return None
        return self.add(book)

    # -- the corpus ------------------------------------------------------------------------

    def templates(self) -> None:
        out = self.work / "templates"
        if self.batchsheet("templates", "--out", out, codes=(0,)) is None:
            return
        written = sorted(out.glob("*.xltx"))
        if {p.stem for p in written} != set(EXAMPLE_FILES):
            self.failures.append(f"templates wrote {[p.name for p in written]}")
        for template in written:
            self.add(Path(shutil.move(template, self.folder / f"{template.stem}.template.xltx")))
        lite = self.work / "lite-templates"
        if self.batchsheet("templates", "--lite", "--out", lite, codes=(0,)) is None:
            return
        written = sorted(lite.glob("*.xlsx"))
        if {p.stem for p in written} != {f"{f}-lite" for f in EXAMPLE_FILES}:
            self.failures.append(f"templates --lite wrote {[p.name for p in written]}")
        for template in written:
            self.add(Path(shutil.move(template, self.folder / f"{template.stem}.template.xlsx")))

    def examples(self) -> None:
        for name, csv in EXAMPLE_FILES.items():
            options = ("--format", name) if name.startswith("pastel") else ()
            book = self.imported(EXAMPLES / csv, f"{name}.imported.xlsx", *options)
            self.marked(book, f"{name}.imported.marked.xlsx")
            # Nothing in an example is certain to need fixing: the command leaves it as it is.
            self.fixed(book, f"{name}.imported.fixed.xlsx", changes=False)
        infusion = self.folder / "infusion-customer-adjustments.imported.xlsx"
        new = self.folder / "infusion-customer-adjustments.imported.new-batch.xlsx"
        if infusion.is_file() and self.batchsheet("new-batch", infusion, "-o", new, codes=(0,)):
            self.add(new)

    def pastel_csv(self) -> Path:
        """A Pastel batch whose Detail line has a Unit Selling Price of "1,250.00" (quoted)."""
        source = self.work / "pastel-customer-fixable.csv"
        source.write_bytes(csv_bytes([header(), detail(unit_price=FIXABLE)]))
        return source

    def pastel_fixable(self, writer: str = "") -> None:
        stem = f"pastel-customer-fixable{writer}.imported"
        book = self.imported(self.pastel_csv(), f"{stem}.xlsx", "--format", "pastel-customer")
        self.marked(book, f"{stem}.marked.xlsx")
        fixed = self.fixed(book, f"{stem}.fixed.xlsx")
        self.marked(fixed, f"{stem}.fixed.marked.xlsx")
        detail_row = PASTEL_LAYOUT.first_data_row + 1
        again = self.edited(fixed, f"{stem}.fixed.edited.xlsx", (detail_row, UNIT_PRICE), FIXABLE)
        self.fixed(again, f"{stem}.fixed.edited.fixed.xlsx")

    def infusion_fixable(self) -> None:
        imported = self.folder / "infusion-customer-adjustments.imported.xlsx"
        if not imported.is_file():
            return
        amount = (2, _heading_column(imported, "Amount"))
        stem = "infusion-fixable.imported"
        book = self.edited(imported, f"{stem}.edited.xlsx", amount, "1,234.50")
        fixed = self.fixed(book, f"{stem}.edited.fixed.xlsx")
        self.marked(fixed, f"{stem}.edited.fixed.marked.xlsx")
        again = self.edited(fixed, f"{stem}.edited.fixed.edited.xlsx", amount, "2,345.60")
        self.fixed(again, f"{stem}.edited.fixed.edited.fixed.xlsx")

    def other_writers(self) -> None:
        rows = [
            header(account=" ABC001"),  # surrounding space: a certain fix
            detail(),
            detail(description="a, b"),  # a warning
            detail(quantity="x"),  # an error
        ]
        made = self.work / "xlsxwriter"
        made.mkdir(exist_ok=True)
        xlsxwriter_book = self.folder / "xlsxwriter.xlsx"
        shutil.move(decorated_book(made, rows), xlsxwriter_book)
        excel_book = excel_style(xlsxwriter_book, self.folder / "excel-style.xlsx")
        books = [xlsxwriter_book, excel_book]
        source = self.folder / "pastel-customer-fixable.imported.xlsx"
        if shutil.which("soffice") is not None and source.is_file():
            try:
                converted = libreoffice_convert(source, "xlsx", self.work)
            except (AssertionError, subprocess.SubprocessError) as e:
                self.failures.append(f"LibreOffice could not convert {source.name}: {e}")
            else:
                books.append(Path(shutil.move(converted, self.folder / "libreoffice.xlsx")))
        for book in books:
            self.add(book)
            self.marked(book, f"{book.stem}.marked.xlsx")
            self.fixed(book, f"{book.stem}.fixed.xlsx")

    def addin(self) -> None:
        try:
            built = build_xlam(self.folder / "Batchsheet.xlam")
        except Exception as e:
            self.failures.append(f"build_xlam: {type(e).__name__}: {e}")
        else:
            self.add(built)

    def other_extensions(self) -> None:
        source = EXAMPLES / EXAMPLE_FILES["pastel-customer"]
        for suffix in (".xlsm", ".xltx"):
            book = self.folder / f"pastel-customer.imported{suffix}"
            done = self.batchsheet(
                "import", source, "--format", "pastel-customer", "-o", book, codes=(0, 1, 2)
            )
            if done is not None and done.code == 2:
                if book.exists():
                    self.failures.append(f"import -o {book.name} refused but left the file")
                continue
            if done is not None:
                self.add(book)


def _heading_column(book: Path, heading: str) -> int:
    wb = load_workbook(book, read_only=True)
    try:
        first = next(wb[DATA_SHEET].iter_rows(min_row=1, max_row=1, values_only=True))
    finally:
        wb.close()
    return list(first).index(heading) + 1


# -- a workbook as Excel saves it ------------------------------------------------------------

# Formulas Excel would keep in the marking columns (Errors in, Warnings in, Problems) of the
# data rows of `excel_style`'s batch: row 3 loses its marks when its space is fixed, row 4
# has none, row 5 gets a warning, row 6 an error. Marking replaces each of them.
MARK_FORMULAS = {
    3: [("AD", '"E"', "E"), ("AF", '"stale: Customer Code"', "stale: Customer Code")],
    4: [("AE", '""', "")],
    5: [("AF", '"stale note"', "stale note")],
    6: [("AD", '"C"', "C")],
}


def excel_style(source: Path, out: Path) -> Path:
    """`source` (an XlsxWriter batch from `decorated_book`) with what Excel writes when it
    saves the workbook: mc:Ignorable x14ac with x14ac:dyDescent on every row, the Unit
    Selling Price formulas as one shared formula, formulas in marking columns, no full
    calculation on load, and xl/calcChain.xml (its relationship and content type) listing
    every formula cell."""
    with zipfile.ZipFile(source) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    workbook = parts["xl/workbook.xml"].decode()
    first_sheet = re.search(r'<sheet name="([^"]+)" sheetId="(\d+)"', workbook)
    if first_sheet is None or first_sheet[1] != DATA_SHEET:
        raise CorpusError(f"{source.name}: the data sheet is not the first sheet")
    sheet_id = first_sheet[2]

    xml = parts[sheet].decode()
    xml = xml.replace(
        f'<worksheet xmlns="{MAIN_NS}"',
        f'<worksheet xmlns="{MAIN_NS}" xmlns:mc="{MC_NS}" mc:Ignorable="x14ac" '
        f'xmlns:x14ac="{X14AC_NS}"',
        1,
    )
    xml = re.sub(r"<sheetFormatPr\b([^>]*?)/>", r'<sheetFormatPr\1 x14ac:dyDescent="0.25"/>', xml)
    xml = _shared_formulas(xml)
    for row, cells in MARK_FORMULAS.items():
        added = "".join(
            f'<c r="{col}{row}" t="str"><f>{formula}</f><v>{value}</v></c>'
            for col, formula, value in cells
        )
        xml, n = re.subn(rf'(<row r="{row}"[^>]*>.*?)(</row>)', rf"\1{added}\2", xml, count=1)
        if n != 1:
            raise CorpusError(f"{source.name}: no row {row} to hold formulas")
    xml = re.sub(r'(<row r="\d+"[^>]*?)(/?>)', r'\1 x14ac:dyDescent="0.25"\2', xml)
    parts[sheet] = xml.encode()

    formulas = re.findall(r'<c r="([A-Z]+\d+)"[^>]*>(?:<f[ >/])', xml)
    if len(formulas) < 5:
        raise CorpusError(f"{source.name}: expected formula cells, found {formulas}")
    parts["xl/calcChain.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<calcChain xmlns="{MAIN_NS}">'
        + "".join(f'<c r="{ref}" i="{sheet_id}"/>' for ref in formulas)
        + "</calcChain>"
    ).encode()
    parts["xl/workbook.xml"] = re.sub(
        r"<calcPr\b[^>]*/>", '<calcPr calcId="191029"/>', workbook
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    parts["xl/_rels/workbook.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rId99" Type="{CALC_CHAIN_TYPE}" Target="calcChain.xml"/>'
        "</Relationships>",
    ).encode()
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "</Types>",
        f'<Override PartName="/xl/calcChain.xml" ContentType="{CALC_CHAIN_CONTENT}"/></Types>',
    ).encode()

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out


def _shared_formulas(xml: str) -> str:
    """The Detail lines' `100+25` price formulas (D4, D5, ...) as one shared formula, the
    way Excel stores a formula filled down."""
    cells = re.findall(r'<c r="([A-Z]+)(\d+)"[^>]*><f>100\+25</f>', xml)
    column = {c for c, _ in cells}
    numbers = [int(r) for _, r in cells]
    if len(cells) < 2 or len(column) != 1 or numbers != list(range(numbers[0], numbers[-1] + 1)):
        raise CorpusError(f"expected a filled-down price formula, found {cells}")
    col = column.pop()
    shared = f"{col}{numbers[0]}:{col}{numbers[-1]}"
    first = True

    def share(match: re.Match[str]) -> str:
        nonlocal first
        body = (
            f'<f t="shared" ref="{shared}" si="0">100+25</f>' if first else '<f t="shared" si="0"/>'
        )
        first = False
        return match[1] + body

    return re.sub(rf'(<c r="{col}\d+"[^>]*>)<f>100\+25</f>', share, xml)
