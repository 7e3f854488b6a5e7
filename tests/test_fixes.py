"""Certain fixes: each fires where it should and stays quiet where it should not; applying
changes exactly the cells the preview listed, and logs each on the Audit sheet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from addin.engine.settings import parse_settings
from addin.excel.book_fixes import apply_fixes, plan_book_fixes
from addin.excel.layout import AUDIT_HEADINGS, AUDIT_SHEET, DATA_SHEET, Layout
from addin.excel.template import BatchWorkbookWriter
from addin.specs import get_spec
from tests.pastel_rows import detail, header

SETTINGS = {
    "settings": {"first_month": 3},
    "lists": {
        "tax_types": [{"code": "00", "rate": "0"}, {"code": "01", "rate": "15"}],
        "customers": ["ABC001", "DUR002"],
        "items": ["WIDG-100"],
        "gl_accounts": ["1000000"],
        "stores": ["001"],
    },
}
CLEAN_HEADER = {"account": "ABC001"}
CLEAN_DETAIL = {"tax_type": "01", "store": "001"}


def book_of(tmp_path: Path, rows: list[list[Any]], name: str = "b.xlsx", settings=SETTINGS) -> Path:
    """A workbook with `rows` typed in as a user would (texts as they are), and settings."""
    spec = get_spec("pastel-customer")
    company = (
        parse_settings(json.dumps(settings), "s").for_spec(spec.settings) if settings else None
    )
    writer = BatchWorkbookWriter(spec, settings=company)
    path = tmp_path / name
    writer.save(path, writer.rows([(None, row, None) for row in rows]))
    return path


def H(**kw: str) -> list[str]:
    return header(**{**CLEAN_HEADER, **kw})


def D(**kw: str) -> list[str]:
    return detail(**{**CLEAN_DETAIL, **kw})


# (name, rows, the cell, its new value) — rows hold one fixable cell each.
CASES = [
    ("trim", [H(account=" ABC001 "), D()], "E3", "ABC001"),
    ("non-breaking space", [H(), D(description="Widget\u00a0100")], "K4", "Widget 100"),
    ("zero-width space", [H(), D(description="Wid\u200bget")], "K4", "Widget"),
    ("smart quotes", [H(), D(description="\u2018Best\u2019")], "K4", "'Best'"),
    ("tax type 1 as 01", [H(), D(tax_type="1")], "G4", "01"),
    ("GL 1000/000", [H(), D(line_type="6", code="1000/000", store="")], "J4", "1000000"),
    ("discount 12.5 as 1250", [H(), D(discount_percentage="12.5")], "I4", 1250),
    ("upper-case code", [H(account="abc001"), D()], "E3", "ABC001"),
    ("lost leading zero", [H(), D(store="1")], "N4", "001"),
    ("ISO date", [H(date="2025-05-14"), D()], "G3", "14/05/2025"),
]


@pytest.mark.parametrize(("name", "rows", "cell", "new"), CASES)
def test_each_fix_fires_on_its_cell(tmp_path: Path, name, rows, cell, new):
    plan = plan_book_fixes(book_of(tmp_path, rows))
    fixes = {f.cell: f.new for f in plan.fixes}
    if name == "ISO date":
        # The date cell holds a date value, shown as DD/MM/YYYY.
        assert fixes[cell].strftime("%d/%m/%Y") == new
    else:
        assert fixes == {cell: new}, name


def test_a_clean_batch_has_nothing_to_fix(tmp_path: Path):
    rows = [H(), D(), H(order_number="P2"), D(line_type="6", code="1000000", store="")]
    assert plan_book_fixes(book_of(tmp_path, rows)).fixes == []


@pytest.mark.parametrize(
    ("name", "rows", "settings"),
    [
        ("tax type 1 stays without a two-digit table", [H(), D(tax_type="1")],
         {"lists": {"tax_types": [{"code": "1", "rate": "15"}]}}),
        ("tax type 1 stays without a tax table", [H(), D(tax_type="1")], None),
        ("no case fix without a list", [H(account="abc001"), D()], None),
        ("no zero fix when two codes match", [H(), D(store="1")],
         {"lists": {"stores": ["001", "0001"]}}),
        ("a look-alike code is suggested, not fixed", [H(account="ABC010"), D()], SETTINGS),
        ("a discount of 10 may be 0.10 % or 10 %: not certain", [H(), D(discount_percentage="10")],
         SETTINGS),
    ],
)  # fmt: skip
def test_fixes_stay_quiet_when_not_certain(tmp_path: Path, name, rows, settings):
    assert plan_book_fixes(book_of(tmp_path, rows, settings=settings)).fixes == [], name


def cells(path: Path) -> dict[tuple[str, str], Any]:
    wb = load_workbook(path)
    out = {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        if ws.title != AUDIT_SHEET
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    wb.close()
    return out


def test_applying_changes_exactly_the_previewed_cells_and_logs_them(tmp_path: Path):
    rows = [row for _, case_rows, _, _ in CASES for row in case_rows]
    path = book_of(tmp_path, rows)
    before = cells(path)
    plan = plan_book_fixes(path)
    assert len(plan.fixes) == len(CASES)
    left = apply_fixes(path, plan)
    after = cells(path)
    marking = set(Layout(get_spec("pastel-customer")).mark_columns)

    def in_data(key: tuple[str, str]) -> bool:
        return key[0] != DATA_SHEET or key[1].rstrip("0123456789") not in marking

    changed = {
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k) and in_data(k)
    }
    assert changed == {(DATA_SHEET, f.cell) for f in plan.fixes}
    for f in plan.fixes:
        assert after[DATA_SHEET, f.cell] == f.new
    # The sheet is marked afresh: no fixed cell is still listed, what is left is.
    errors, warnings, _ = Layout(get_spec("pastel-customer")).mark_columns
    for f in plan.fixes:
        listed = f"{after.get((DATA_SHEET, f'{errors}{f.row}'), '')} "
        listed += f"{after.get((DATA_SHEET, f'{warnings}{f.row}'), '')}"
        assert f.column not in listed.split(), f.cell
    assert {(f.row, f.column) for f in left.report.findings}.isdisjoint(
        {(f.row, f.column) for f in plan.fixes}
    )
    audit = list(load_workbook(path)[AUDIT_SHEET].iter_rows(values_only=True))
    assert audit[0] == AUDIT_HEADINGS
    assert [r[0] for r in audit[1:]] == [f"{DATA_SHEET}!{f.cell}" for f in plan.fixes]
    assert all(r[3] and r[4] for r in audit[1:])
    assert plan_book_fixes(path).fixes == []  # nothing left to fix


def test_cli_previews_by_default_and_applies_on_request(run, tmp_path: Path):
    path = book_of(tmp_path, [H(account=" abc001"), D(tax_type="1")])
    before = path.read_bytes()
    preview = run("fix", path)
    assert preview.code == 0
    assert "would fix 2 cells" in preview.out and "E3" in preview.out and "G4" in preview.out
    assert path.read_bytes() == before
    listed = json.loads(run("fix", path, "--json").out)["fixes"]
    assert [(f["cell"], f["new"]) for f in listed] == [("E3", "ABC001"), ("G4", "01")]
    applied = run("fix", path, "--apply")
    assert applied.code == 0 and "fixed 2 cells" in applied.out
    assert run("fix", path).out.endswith("nothing to fix with certainty\n")
    validated = json.loads(run("validate", path, "--json").out)
    assert validated["warnings"] == 0 and validated["errors"] == 0


def test_apply_refuses_when_the_workbook_changed_since_the_preview(tmp_path: Path):
    path = book_of(tmp_path, [H(account="abc001"), D()])
    plan = plan_book_fixes(path)
    wb = load_workbook(path)
    wb[DATA_SHEET]["E3"] = "XYZ"
    wb.save(path)
    before = path.read_bytes()
    from addin.files import WriteRefused

    with pytest.raises(WriteRefused, match="changed since the preview"):
        apply_fixes(path, plan)
    assert path.read_bytes() == before


def test_formula_cells_are_never_fixed(tmp_path: Path):
    path = book_of(tmp_path, [H(account="abc001"), D()])
    wb = load_workbook(path)
    wb[DATA_SHEET]["E3"] = '=LOWER("ABC001")'
    wb.save(path)
    assert all(f.cell != "E3" for f in plan_book_fixes(path).fixes)


# -- the Fix button ------------------------------------------------------------------------


def test_fix_button_previews_then_writes_only_on_yes(excel, tmp_path: Path):
    from addin.excel import ribbon
    from tests.memory_excel import data, no_formulas

    path = book_of(tmp_path, [H(account=" abc001"), D(tax_type="1", store="1")])
    book = excel.open(path)
    sheet = data(book)
    before = dict(sheet.grid)
    excel.app.answers = ["no"]
    ribbon.fix(book)
    ((preview, _),) = excel.app.alerts
    assert (
        "E3" in preview and "G4" in preview and "N4" in preview and "Make these changes?" in preview
    )
    assert sheet.grid == before and book.impl.sheets.named(AUDIT_SHEET) is None

    excel.app.answers = ["yes"]
    ribbon.fix(book)
    after = sheet.grid
    changed = {
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k) and k[1] <= 29
    }
    assert changed == {(3, 5), (4, 7), (4, 14)}
    # Codes written as text stay text: "01" and "001" are not turned into numbers.
    assert (after[3, 5], after[4, 7], after[4, 14]) == ("ABC001", "01", "001")
    audit = data(book, AUDIT_SHEET)
    assert audit.get(1, 1) == "Cell" and {audit.get(r, 1) for r in (2, 3, 4)} == {
        "Batch!E3", "Batch!G4", "Batch!N4"
    }  # fmt: skip
    assert excel.app.alerts[-1][0].startswith("Fixed 3 cells")
    assert no_formulas(excel)
    excel.app.answers = []
    ribbon.fix(book)
    assert excel.app.alerts[-1][0].startswith("Nothing to fix")


@pytest.mark.parametrize("fmt", ["pastel-customer", "infusion-customer-adjustments"])
def test_the_preview_plans_what_applying_plans(tmp_path: Path, fmt):
    """A preview validates again only the documents a round changed; it must find exactly
    the fixes the whole-sheet rounds find, chained fixes included."""
    if fmt == "pastel-customer":
        rows = [row for _, case_rows, _, _ in CASES for row in case_rows]
        # A keyword that needs its spelling fixed, then its own fields' fixes.
        rows += [H(record="header", account=" ABC001 "), D(description="Widget\u00a0100")]
        path = book_of(tmp_path, rows)
    else:
        from tests.infusion.conftest import HEADER, row

        source = tmp_path / "in.csv"
        lines = [HEADER] + [row(Description=f" adj\u00a0{i} ") for i in range(5)] + [row()]
        source.write_bytes("\r\n".join(",".join(line) for line in lines).encode() + b"\r\n")
        path = tmp_path / "in.xlsx"
        from addin.specs import get_spec as spec_of
        from addin.transfer import import_csv

        import_csv(spec_of(fmt), source, path)
    whole = plan_book_fixes(path, applying=True)
    preview = plan_book_fixes(path, applying=False)
    assert whole.fixes, "the case has fixes to plan"
    assert preview.fixes == whole.fixes
    assert whole.after is not None and preview.after is None
