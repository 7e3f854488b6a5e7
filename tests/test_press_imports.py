"""A press of Validate or Export CSV loads only what it needs.

Every press starts a new Python (xlwings' RunPython; on macOS always), so what a button
imports is paid on every press. Reading and writing workbook files (openpyxl,
python-calamine, the package inspection, the workbook editor) is for the command line and
for Import CSV, Fix and New batch; the bench is never loaded by the product. The press runs
in a process of its own, on the in-memory Excel, and the modules it loaded are compared
with those that import a file library.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from addin.excel.layout import DATA_SHEET
from tests.conftest import EXAMPLES, REPO

FILE_LIBRARIES = ("openpyxl", "python_calamine", "defusedxml", "lxml")
# Not loaded by a press either: the bench, and pydantic, which reads the declarations and the
# column-set files a user gives (specs/validation.py), not the spec a press builds.
NOT_PRESSED = (*FILE_LIBRARIES, "bench", "pydantic", "pydantic_core")

PRESS = """
import datetime, json, sys
from tests.memory_excel import Excel
values, target = json.load(sys.stdin)
before = set(sys.modules)
from addin.excel import ribbon
from addin.excel.layout import DATA_SHEET, FORMAT_NAME
rows = [[datetime.datetime.fromisoformat(v["date"]) if isinstance(v, dict) else v
         for v in row] for row in values]
excel = Excel()
book = excel.batch(rows, DATA_SHEET, FORMAT_NAME, "pastel-customer")
ribbon.validate(book)
loaded = {"validate": sorted(set(sys.modules) - before)}
before = set(sys.modules)
ribbon.export_csv(target, book)
loaded["export_csv"] = sorted(set(sys.modules) - before)
json.dump({"loaded": loaded, "alerts": [a for a, _ in excel.app.alerts]}, sys.stdout)
"""


def file_modules() -> set[str]:
    """The product's modules that import a file library, anywhere in them."""
    found = set()
    for path in (REPO / "addin").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            if any(n.split(".")[0] in FILE_LIBRARIES for n in names):
                parts = path.relative_to(REPO).with_suffix("").parts
                found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


@pytest.fixture
def pressed(tmp_path: Path, run) -> dict:
    book = tmp_path / "batch.xlsx"
    source = EXAMPLES / "pastel_customer_invoices_sample.csv"
    assert run("import", source, "--format", "pastel-customer", "-o", book).code == 0
    values = CalamineWorkbook.from_path(str(book)).get_sheet_by_name(DATA_SHEET).to_python()
    values = [[{"date": v.isoformat()} if isinstance(v, dt.date) else v for v in row]
              for row in values]  # fmt: skip
    target = tmp_path / "out.csv"
    done = subprocess.run(
        [sys.executable, "-c", PRESS],
        input=json.dumps([values, str(target)]),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    result["target"] = target
    return result


def test_the_file_modules_are_found():
    modules = file_modules()
    assert {"addin.excel.template", "addin.excel.workbook", "addin.excel.package"} <= modules


@pytest.mark.parametrize("button", ["validate", "export_csv"])
def test_a_press_loads_no_file_library_no_pydantic_and_no_bench(pressed, button):
    """Validate's modules are those the ribbon imports and the press then loads; Export's
    are those it loads after a Validate in the same process."""
    loaded = set(pressed["loaded"][button])
    if button == "validate":
        assert "addin.excel.ribbon" in loaded, "the press ran in a fresh process"
    assert sorted(loaded & file_modules()) == []
    assert sorted(m for m in loaded if m.split(".")[0] in NOT_PRESSED) == []


def test_the_presses_did_their_work(pressed):
    validated, exported = pressed["alerts"]
    assert validated.startswith("0 errors, 2 warnings.")
    assert exported.startswith("Wrote out.csv: 3 documents, 12 records.")
    source = EXAMPLES / "pastel_customer_invoices_sample.csv"
    assert pressed["target"].read_bytes() == source.read_bytes()
