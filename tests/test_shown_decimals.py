"""A cell's format never hides the digits a finding is about: an Infusion amount `12.345`
showed as `12.35` (format `0.00`) while its cell was marked "has 3 decimals"."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLES

INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"


def _with_amount(tmp_path, amount: str):
    rows = list(csv.reader(io.StringIO(INFUSION.read_text(encoding="utf-8-sig"))))
    column = rows[0].index("Amount")
    rows[1][column] = amount
    source = tmp_path / "in.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    source.write_text(out.getvalue(), encoding="utf-8")
    return source, column


def _as_shown(book, folder) -> str:
    """The data sheet as LibreOffice shows it: its CSV export with "save cell contents as
    shown" (the ninth token of the filter's options) on."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed; .ci/run installs libreoffice-calc")
    out = folder / "shown"
    options = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
         "--convert-to", options, "--outdir", str(out), str(book)],
        capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip
    return (out / f"{book.stem}.csv").read_text(encoding="utf-8")


def test_an_amount_with_more_decimals_than_allowed_shows_them(run, tmp_path):
    source, column = _with_amount(tmp_path, "12.345")
    book = tmp_path / "b.xlsx"
    done = run("import", source, "-o", book)
    assert done.code == 1
    sheet = load_workbook(book)["Batch"]
    cell = sheet.cell(row=2, column=column + 1)
    assert cell.value == 12.345
    fmt = cell.number_format
    assert fmt.startswith("0.00") and fmt.count("#") >= 8, fmt
    # What a person sees: LibreOffice writes each cell as its format shows it.
    shown = _as_shown(book, tmp_path)
    assert ",12.345," in shown and ",12.35," not in shown


def test_an_amount_with_its_own_decimals_shows_two(run, tmp_path):
    source, _ = _with_amount(tmp_path, "12.30")
    book = tmp_path / "b.xlsx"
    run("import", source, "-o", book)
    shown = _as_shown(book, tmp_path)
    assert ",12.30," in shown and ",45.00," in shown
