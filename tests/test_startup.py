"""What the command loads before it answers: `--help` and a usage mistake build no format,
and a CSV check never loads the workbook libraries or the add-in's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from addin.specs import FORMAT_NAMES, FORMATS, SPECS, get_spec

from .conftest import EXAMPLES

HEAVY = ("pydantic", "openpyxl", "xlwings", "python_calamine", "lxml", "xlsxwriter")


def loaded_by(argv: list[str], cwd: Path) -> tuple[set[str], int]:
    """The heavy libraries a run of the command imports, and its exit code."""
    probe = (
        "import json, sys\n"
        "from addin.cli import main\n"
        f"code = main({argv!r})\n"
        f"print(json.dumps([sorted(m for m in {HEAVY!r} if m in sys.modules), code]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=cwd, check=True
    )
    heavy, code = json.loads(done.stdout.strip().splitlines()[-1])
    return set(heavy), code


def test_help_and_a_usage_mistake_load_no_format(tmp_path: Path):
    assert loaded_by(["--help"], tmp_path) == (set(), 0)
    heavy, code = loaded_by(["check", "x.csv"], tmp_path)
    assert code == 2
    assert heavy == set()


def test_a_csv_check_loads_no_workbook_library_and_no_pydantic(tmp_path: Path):
    """pydantic reads a column-set file a user gives; a declared spec needs none."""
    sample = EXAMPLES / "pastel_customer_invoices_sample.csv"
    heavy, code = loaded_by(["check", str(sample), "--format", "pastel-customer"], tmp_path)
    assert code in (0, 1)
    assert heavy == set()


def test_a_column_set_file_is_read_through_pydantic(tmp_path: Path):
    from addin.specs.infusion_columns import DEFAULT_COLUMNS

    columns = tmp_path / "columns.json"
    columns.write_text(DEFAULT_COLUMNS.dumps(), encoding="utf-8")
    sample = EXAMPLES / "infusion_adjustments_sample.csv"
    heavy, code = loaded_by(["check", str(sample), "--columns", str(columns)], tmp_path)
    assert code == 0
    assert heavy == {"pydantic"}


def test_validate_loads_no_openpyxl_and_no_xlwings(tmp_path: Path, run):
    book = tmp_path / "b.xlsx"
    sample = EXAMPLES / "pastel_customer_invoices_sample.csv"
    run("import", sample, "--format", "pastel-customer", "-o", book)
    heavy, code = loaded_by(["validate", str(book)], tmp_path)
    assert code == 0
    assert "openpyxl" not in heavy and "xlwings" not in heavy
    assert "python_calamine" in heavy


def test_every_format_name_builds_the_spec_of_that_name():
    assert tuple(SPECS) == FORMAT_NAMES == tuple(FORMATS)
    for name in FORMAT_NAMES:
        assert get_spec(name).name == name
        assert get_spec(name) is SPECS[name]


def test_help_loads_neither_the_report_nor_the_ledger(tmp_path: Path):
    """`--help` names the report's limits and the ledger's setting without loading either
    (each was about a tenth of its start-up)."""
    probe = (
        "import io, json, sys, contextlib\n"
        "from addin.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    code = main(['--help'])\n"
        "loaded = [m for m in ('addin.report', 'addin.ledger', 'addin.engine.findings', "
        "'sqlite3') if m in sys.modules]\n"
        "print(json.dumps([loaded, code, out.getvalue()]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    loaded, code, said = json.loads(done.stdout.strip().splitlines()[-1])
    assert (loaded, code) == ([], 0)
    assert "BATCHSHEET_LEDGER" not in said  # the subcommands' options are in their own help
    check = subprocess.run(
        [sys.executable, "-c", "from addin.cli import main; main(['check', '--help'])"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert "listed anyway up to 20" in check.stdout and "BATCHSHEET_LEDGER" in check.stdout
