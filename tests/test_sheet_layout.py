"""What the sheets look like: the Instructions sheet read at 100 % on a 1366-pixel laptop
screen without scrolling sideways, and a Problems cell holding one problem a line, wrapped,
in a row tall enough to show them, whichever way the marks were written."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from addin.excel import ribbon
from addin.excel.instructions import SCREEN_PX, required_words
from addin.excel.layout import DATA_SHEET, INSTRUCTIONS_SHEET, LINE_PT, column_px
from addin.excel.template import template_name
from addin.specs import SPECS
from tests.memory_excel import Excel, data
from tests.pastel_rows import csv_bytes, detail, header
from tests.test_book_edit import decorated_book

COMMITTED = Path(__file__).resolve().parents[1] / "workbook_templates"
TEMPLATES = sorted(COMMITTED.glob("*.xltx"))
PROBLEMS = 32  # AF: a Pastel sheet's 29 data columns, Errors in, Warnings in, Problems
# A header with two mistakes and a detail with one.
ROWS = [header(period="14", date="31/02/2025"), detail(quantity="lots")]


def instructions(path: Path) -> Worksheet:
    return load_workbook(path)[INSTRUCTIONS_SHEET]


def merged_width(ws: Worksheet, ref: str) -> int:
    """The pixels the cell `ref` spans: its column, or every column of its merge."""
    for merged in ws.merged_cells.ranges:
        if ref in merged:
            return sum(
                column_px(ws.column_dimensions[get_column_letter(c)].width)
                for c in range(merged.min_col, merged.max_col + 1)
            )
    return column_px(ws.column_dimensions[ref.rstrip("0123456789")].width)


# -- the Instructions sheet ------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_the_instructions_columns_fit_a_laptop_screen(template: Path):
    ws = instructions(template)
    widths = [d.width for d in ws.column_dimensions.values() if d.width]
    assert len(widths) >= 6
    assert sum(column_px(w) for w in widths) <= SCREEN_PX


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_no_text_runs_past_its_cell_unless_it_wraps(template: Path):
    """A text that does not wrap must fit its cell (or its merge): at 7 px a character
    (Calibri 11's widest digits), scaled by its font size."""
    ws = instructions(template)
    checked = 0
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or cell.alignment.wrap_text:
                continue
            size = (cell.font.sz or 11) / 11
            assert len(cell.value) * 7 * size <= merged_width(ws, cell.coordinate), cell.value
            checked += 1
    assert checked > 20  # the record and column letters, the title, the headings


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_each_paragraph_wraps_across_the_table_in_a_row_tall_enough(template: Path):
    ws = instructions(template)
    paragraphs = [r[0] for r in ws.iter_rows(min_row=2, max_row=9) if r[0].value and not r[1].value]
    assert len(paragraphs) >= 4
    for cell in paragraphs:
        width = merged_width(ws, cell.coordinate)
        assert width > 1000 and cell.alignment.wrap_text
        lines = ws.row_dimensions[cell.row].height / LINE_PT
        # At 6.2 px a character (Calibri 11's prose), the text needs this many lines.
        assert lines * width >= len(cell.value) * 6.2


@pytest.mark.parametrize("name", ["pastel-customer", "infusion-customer-adjustments"])
def test_the_required_words_are_whole_in_a_wrapping_cell(name: str):
    spec = SPECS[name]
    ws = instructions(COMMITTED / template_name(spec))
    headings = [
        c.value for c in next(r for r in ws.iter_rows() if "Required" in [c.value for c in r])
    ]
    column = headings.index("Required")
    cells = [r[column] for r in ws.iter_rows() if r[column].value not in (None, "Required")]
    words = {required_words(f, spec) for r in spec.records for f in r.fields}
    assert {c.value for c in cells} <= words and len(cells) > 10
    assert "No (blank means not deleted)" in words or name.startswith("infusion")
    for cell in cells:
        width = column_px(ws.column_dimensions[cell.column_letter].width)
        assert cell.alignment.wrap_text or len(cell.value) * 7 <= width
        lines = ws.row_dimensions[cell.row].height / LINE_PT
        assert lines * (width - 6) >= len(cell.value) * 6.2, cell.value


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_the_decimals_a_number_is_written_with_are_a_note_not_a_value(template: Path):
    ws = instructions(template)
    rows = [[c.value or "" for c in r] for r in ws.iter_rows()]
    headings = next(r for r in rows if "Allowed values" in r)
    allowed, fmt, notes = (headings.index(h) for h in ("Allowed values", "Format", "What it holds"))
    assert not any("written with" in r[allowed] or "written with" in r[fmt] for r in rows)
    noted = [r for r in rows if "writes it with at least 2 decimals (85 as 85.00)" in r[notes]]
    assert noted  # prices in Pastel, the amount in Infusion


# -- the Problems cell -----------------------------------------------------------------------


def problems_of(book: Path, row: int) -> tuple[str, bool, float | None]:
    ws = load_workbook(book)[DATA_SHEET]
    cell = ws.cell(row, PROBLEMS)
    return cell.value, bool(cell.alignment.wrap_text), ws.row_dimensions[row].height


def test_an_imported_batch_shows_one_problem_a_line(run, tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(ROWS))
    book = tmp_path / "in.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", book).code == 1
    text, wraps, height = problems_of(book, 3)
    lines = text.split("\n")
    assert len(lines) == 2 and all(line[1] == ":" for line in lines) and " | " not in text
    assert wraps and height is not None and height >= 2 * LINE_PT
    one, _, _ = problems_of(book, 4)
    assert one.startswith("C: Quantity") and "\n" not in one
    template = load_workbook(COMMITTED / "pastel-customer.xltx")[DATA_SHEET]
    assert template.column_dimensions["AF"].alignment.wrap_text


def test_marking_a_workbook_wraps_its_problems_and_clears_old_ones(run, tmp_path: Path):
    book = decorated_book(tmp_path, ROWS)  # written by another tool: no wrapping format
    assert run("validate", book, "--mark").code == 1
    text, wraps, height = problems_of(book, 3)
    assert len(text.split("\n")) == 2 and wraps and height is not None
    with zipfile.ZipFile(book) as z:
        assert b'wrapText="1"' in z.read("xl/styles.xml")
    # Mend the header: its problems and its height go, the detail's stay.
    ws_book = load_workbook(book)
    ws = ws_book[DATA_SHEET]
    for ref, value in {"F3": "3", "G3": "28/02/2025"}.items():
        ws[ref] = value
    ws.row_dimensions[3].height = None
    ws_book.save(book)
    assert run("validate", book, "--mark").code == 1
    text, _, height = problems_of(book, 3)
    assert text is None and height is None
    assert problems_of(book, 4)[0].startswith("C: Quantity")


def test_live_excel_shows_one_problem_a_line(run, excel: Excel, tmp_path: Path):
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(ROWS))
    path = tmp_path / "in.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", path).code == 1
    # An older workbook whose Problems column does not wrap.
    wb = load_workbook(path)
    ws = wb[DATA_SHEET]
    ws.column_dimensions["AF"].alignment = Alignment(wrap_text=False)
    for r in (3, 4):
        ws.cell(r, PROBLEMS).alignment = Alignment(wrap_text=False)
    wb.save(path)
    book = excel.open(path)
    sheet = data(book)
    assert sheet.row_lines(3) == 1  # before Validate: one line, whatever the text
    ribbon.validate(book)
    assert sheet.get(3, PROBLEMS).count("\n") == 1
    assert sheet.wrap_text(3, PROBLEMS) and sheet.row_lines(3) == 2
    assert sheet.row_lines(4) == 1


# -- seen in LibreOffice -------------------------------------------------------------------

SCREEN = (1366, 768)
TOOLS = ("soffice", "Xvfb", "import", "convert", "xdotool")
# A fresh profile that opens no "Tip of the day" over the sheet.
SETTINGS = {
    "/org.openoffice.Office.Common/Misc": ("ShowTipOfTheDay", "FirstRun"),
    "/org.openoffice.Setup/Office": ("ooSetupInstCompleted",),
}
PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry">'
    + "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>'
        f"{'true' if name == 'ooSetupInstCompleted' else 'false'}</value></prop></item>"
        for path, names in SETTINGS.items()
        for name in names
    )
    + "</oor:items>\n"
)


def _need_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed; .ci/run installs them"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: every check must run)")
        pytest.skip(reason)


def screenshot(document: Path, keys: list[str], out: Path, folder: Path) -> list[bytes]:
    """`document` opened in LibreOffice Calc on a 1366x768 screen (Xvfb), `keys` pressed,
    the screen captured to `out`; the screen's pixel rows (RGB bytes)."""
    profile = folder / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE)
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24"],
        pass_fds=(write,),
        stderr=(folder / "xvfb.log").open("wb"),
    )
    os.close(write)
    # Xvfb writes its display's number, then a line feed: both must find the pipe open.
    number = b""
    while not number.endswith(b"\n") and (chunk := os.read(read, 16)):
        number += chunk
    os.close(read)
    display = ":" + number.decode().strip()
    env = {**os.environ, "DISPLAY": display}
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--norestore", "--nologo",
         "--calc", str(document)],
        env=env, stdout=subprocess.DEVNULL, stderr=(folder / "soffice.log").open("wb"),
        start_new_session=True,  # soffice is a script: its office runs in a child process
    )  # fmt: skip
    try:
        window = ""
        for _ in range(90):
            time.sleep(1)
            found = subprocess.run(
                ["xdotool", "search", "--name", "LibreOffice Calc"],
                env=env, capture_output=True, text=True,
            )  # fmt: skip
            window = found.stdout.split()[0] if found.stdout.split() else ""
            if window:
                break
        assert window, f"LibreOffice opened no window: {(folder / 'soffice.log').read_text()}"
        time.sleep(4)
        xdo = ["xdotool", "windowsize", window, *map(str, SCREEN)]
        subprocess.run(xdo, env=env, check=True)
        subprocess.run(["xdotool", "windowmove", window, "0", "0"], env=env, check=True)
        time.sleep(1)
        for key in keys:
            subprocess.run(["xdotool", "key", key], env=env, check=True)
            time.sleep(1)
        time.sleep(2)
        subprocess.run(["import", "-window", "root", str(out)], env=env, check=True)
        raw = subprocess.run(["convert", str(out), "rgb:-"], capture_output=True, check=True)
    finally:
        # The office and every process it started, then the screen they drew on.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(office.pid, signal.SIGTERM)
        office.wait(timeout=60)
        for _ in range(60):
            if subprocess.run(["pgrep", "-g", str(office.pid)], capture_output=True).returncode:
                break
            time.sleep(0.5)
        server.terminate()
        server.wait(timeout=30)
    width = SCREEN[0] * 3
    return [raw.stdout[y * width : (y + 1) * width] for y in range(SCREEN[1])]


def _pixel(row: bytes, x: int) -> tuple[int, int, int]:
    return row[3 * x], row[3 * x + 1], row[3 * x + 2]


def ink_lines(rows: list[bytes], x0: int, x1: int) -> int:
    """Lines of dark text between columns x0 and x1: runs of pixel rows holding ink."""
    lines, inked = 0, False
    for row in rows[130:700]:  # the sheet's cells, below the column headings
        ink = any(max(_pixel(row, x)) < 110 for x in range(x0, x1))
        lines += ink and not inked
        inked = ink
    return lines


def _keep(out: Path) -> None:
    """A copy of the screenshot for a person to look at, when SHOTS names a folder."""
    if folder := os.environ.get("SHOTS"):
        shutil.copy(out, Path(folder) / out.name)


def test_libreoffice_shows_the_instructions_table_whole_on_a_laptop_screen(tmp_path: Path):
    """The table's heading bar (the dark blue of its headings, across the table's width)
    must end well inside the window: at 1366 px LibreOffice's cells end at x ≈ 1304, where
    the scroll bar begins, and a table wider than the window ends there, cut. The bar
    ending before x = 1266 leaves the last column's text on screen."""
    _need_tools()
    template = COMMITTED / "pastel-customer.xltx"
    out = tmp_path / "instructions.png"
    rows = screenshot(template, ["ctrl+Next"], out, tmp_path)
    _keep(out)
    heading = (0x1F, 0x4E, 0x78)
    bars = [
        max(x for x in range(SCREEN[0]) if _pixel(row, x) == heading)
        for row in rows
        if sum(1 for x in range(0, SCREEN[0], 4) if _pixel(row, x) == heading) > 150
    ]
    assert bars, "no heading bar on screen"
    assert max(bars) < 1266, f"the table reaches x = {max(bars)}: it runs off the screen"


def test_libreoffice_shows_each_problem_on_a_line_of_its_own(run, tmp_path: Path):
    """Scrolled to the Problems column (AF), beside the frozen column A: column A shows
    one line a row ("Header", "Detail"), so the Problems column showing more lines of
    text than column A means rows tall enough for several problems, each on its line.
    One long line a row (the old marks) shows fewer lines than column A."""
    _need_tools()
    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes(ROWS * 3))
    book = tmp_path / "marked.xlsx"
    assert run("import", source, "--format", "pastel-customer", "-o", book).code == 1
    out = tmp_path / "problems.png"
    rows = screenshot(book, ["ctrl+shift+F5", "ctrl+a", "A", "F", "1", "Return"], out, tmp_path)
    _keep(out)
    middle = rows[400]
    # The freeze line: the first dark vertical line right of the row headings.
    split = next(
        x
        for x in range(45, 400)
        if sum(1 for row in rows[150:650] if max(_pixel(row, x)) < 80) > 400
    )
    assert max(_pixel(middle, split)) < 80
    in_a = ink_lines(rows, 40, split - 3)
    in_problems = ink_lines(rows, split + 4, 1290)
    assert in_a >= 6  # the caption rows and six data rows
    assert in_problems > in_a, (in_a, in_problems)
