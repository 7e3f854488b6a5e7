"""Files named for what they are (issue 26, items 6, 9 and 10): `check` finds the format as
`import` does; an export never takes a workbook's name (`export … -o other.xlsx --force`
replaced a workbook with CSV text); a folder hint names the kind of file; `--bom` on a
Pastel batch, which is written without one, is refused rather than ignored."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import EXAMPLES
from tests.hostile.conftest import snapshot

PASTEL = EXAMPLES / "pastel_customer_invoices_sample.csv"
INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"


@pytest.fixture
def book(run, tmp_path):
    path = tmp_path / "b.xlsx"
    assert run("import", PASTEL, "--format", "pastel-customer", "-o", path).code == 0
    return path


def test_check_finds_an_infusion_file_s_format_as_import_does(run):
    done = run("check", INFUSION)
    assert done.code == 0 and done.out.startswith(f"{INFUSION}: 5 ")


def test_check_of_a_pastel_file_names_the_formats_to_choose_from(run):
    done = run("check", PASTEL)
    assert done.code == 2
    assert "--format pastel-customer or --format pastel-supplier" in done.err


@pytest.mark.parametrize("name", ["other.xlsx", "other.XLSM", "other.xls", "other.ods"])
def test_an_export_never_takes_a_workbook_s_name(run, book, tmp_path, name):
    target = tmp_path / name
    shutil.copy(book, target)
    before = snapshot(tmp_path)
    done = run("export", book, "-o", target, "--force")
    assert done.code == 2
    stem = name.split(".")[0]
    assert done.err == (
        f"batchsheet: {target}: an export is a CSV file, not a workbook; name it {stem}.csv, "
        "for example; nothing was written\n"
    )
    assert snapshot(tmp_path) == before


def test_a_folder_given_for_a_workbook_suggests_a_workbook_name(run, tmp_path):
    folder = tmp_path / "adir"
    folder.mkdir()
    done = run("import", PASTEL, "--format", "pastel-customer", "-o", folder)
    assert done.code == 2
    assert f"name a file to write, such as {folder / 'batch.xlsx'}" in done.err


def test_bom_on_a_pastel_batch_is_refused(run, book, tmp_path):
    before = snapshot(tmp_path)
    done = run("export", book, "-o", tmp_path / "out.csv", "--bom")
    assert done.code == 2
    assert "--bom is for formats written in UTF-8 (Infusion)" in done.err
    assert snapshot(tmp_path) == before
