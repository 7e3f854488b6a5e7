"""A file a command reads by any option (settings, column set, ledger) is never its output:
`export b.xlsx --settings company.json -o company.json --force` replaced the settings with CSV.
"""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import EXAMPLES
from tests.hostile.conftest import snapshot

SAMPLE = EXAMPLES / "pastel_customer_invoices_sample.csv"
INFUSION = EXAMPLES / "infusion_adjustments_sample.csv"


@pytest.fixture
def book(run, tmp_path):
    path = tmp_path / "b.xlsx"
    assert run("import", SAMPLE, "--format", "pastel-customer", "-o", path).code == 0
    run("settings", "export", path, "-o", tmp_path / "company.json")
    return path


@pytest.mark.parametrize("alias", [False, True], ids=["same name", "a link to it"])
def test_export_never_writes_over_its_settings_file(run, book, tmp_path, alias):
    settings = tmp_path / "company.json"
    target = settings
    if alias:
        target = tmp_path / "other-name.json"
        target.symlink_to(settings)
    before = snapshot(tmp_path)
    done = run("export", book, "--settings", settings, "-o", target, "--force")
    assert done.code == 2
    assert done.err == (
        f"batchsheet: {target} is the file this command reads ({settings}); write the result "
        "to another file\n"
    )
    assert snapshot(tmp_path) == before


def test_import_never_writes_over_its_settings_workbook(run, book, tmp_path):
    before = snapshot(tmp_path)
    done = run("import", SAMPLE, "--format", "pastel-customer", "--settings", book, "-o", book,
               "--force")  # fmt: skip
    assert done.code == 2 and "is the file this command reads" in done.err
    assert snapshot(tmp_path) == before


def test_export_never_writes_over_its_column_set(run, tmp_path):
    columns = tmp_path / "columns.json"
    assert run("calibrate", INFUSION, "-o", columns).code == 0
    book = tmp_path / "i.xlsx"
    assert run("import", INFUSION, "-o", book).code == 0
    before = snapshot(tmp_path)
    done = run("export", book, "--columns", columns, "-o", columns, "--force")
    assert done.code == 2 and f"{columns} is the file this command reads" in done.err
    assert snapshot(tmp_path) == before


def test_export_never_writes_over_the_ledger(run, book, tmp_path, private_ledger):
    assert run("export", book, "-o", tmp_path / "first.csv").code == 0
    ledger = private_ledger
    kept = ledger.read_bytes()
    done = run("export", book, "-o", ledger, "--force")
    assert done.code == 2 and f"{ledger} is the file this command reads" in done.err
    assert ledger.read_bytes() == kept
    given = tmp_path / "own-ledger.sqlite3"
    shutil.copy(ledger, given)
    done = run("export", book, "--ledger", given, "-o", given, "--force")
    assert done.code == 2 and f"{given} is the file this command reads" in done.err


def test_templates_replace_a_user_s_own_only_with_force(run, tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    mine = folder / "pastel-customer.xltx"
    mine.write_bytes(b"my own template")
    done = run("templates", "--out", folder)
    assert done.code == 2
    assert done.err == (f"batchsheet: {mine} already exists; use --force to replace it\n")
    assert sorted(p.name for p in folder.iterdir()) == ["pastel-customer.xltx"]
    assert mine.read_bytes() == b"my own template"
    assert run("templates", "--out", folder, "--force").code == 0
    assert mine.read_bytes().startswith(b"PK")


def test_templates_into_a_file_name_says_so(run, tmp_path):
    blocker = tmp_path / "in.csv"
    blocker.write_bytes(b"a,b\r\n")
    done = run("templates", "--out", blocker)
    assert done.code == 2
    assert done.err == (
        f"batchsheet: {blocker} is a file, not a folder; name a folder for the templates, "
        f"such as {tmp_path / 'in'}-templates\n"
    )
    assert blocker.read_bytes() == b"a,b\r\n"


@pytest.mark.parametrize("mode", [0o444, 0o400])
def test_a_read_only_file_is_not_replaced_even_with_force(run, book, tmp_path, mode):
    """`export --force` replaced a file the user had made read-only (keeping its mode)."""
    target = tmp_path / "out.csv"
    target.write_bytes(b"the user's own\r\n")
    target.chmod(mode)
    before = snapshot(tmp_path)
    done = run("export", book, "-o", target, "--force")
    assert done.code == 2
    assert done.err == (
        f"batchsheet: {target} is read-only; make it writable first (Properties › clear "
        "Read-only, or chmod u+w) to replace it, or write to another file\n"
    )
    assert snapshot(tmp_path) == before
    book.chmod(mode)
    marked = run("validate", book, "--mark")
    assert marked.code == 2 and f"{book} is read-only" in marked.err
