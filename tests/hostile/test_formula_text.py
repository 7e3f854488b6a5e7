"""Text that looks like a formula, in every column of every format, stays text.

A CSV cell reading `=HYPERLINK(...)`, `+27 11…`, `-A1`, `@SUM(…)` or starting with a tab
must land in the workbook as a text cell (never an `<f>` element, never a number), keep
every character, and come back out of an export unchanged wherever the format allows it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from addin.engine.csv_write import csv_text
from addin.specs import get_spec
from tests.hostile.conftest import INFUSION, PASTEL, infusion_text
from tests.infusion.conftest import HEADER as INFUSION_HEADER
from tests.infusion.conftest import row as infusion_row
from tests.pastel_rows import detail, header

PREFIXES = ["=", "+", "-", "@", "\t"]
# What follows the prefix: something Excel would evaluate, and nothing any field accepts.
BODIES = ["SUM(A1:A9)", 'HYPERLINK("http://x","y")', "A1*2", "cmd|' /C calc'!A0"]


def formula(prefix: str, n: int) -> str:
    return prefix + BODIES[n % len(BODIES)]


def assert_all_text(book: Path, expected: dict[str, str]) -> None:
    """No formula anywhere in the workbook; each named cell a text cell with its exact text."""
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, f"a live formula in {name}"
    ws = load_workbook(book)["Batch"]
    for ref, text in expected.items():
        cell = ws[ref]
        assert (cell.value, cell.data_type) == (text, "s"), ref
        assert cell.quotePrefix, f"{ref} would run as a formula when edited in Excel"


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_formula_like_text_in_every_pastel_column_stays_text(run, tmp_path, prefix):
    spec = get_spec(PASTEL)
    head, line = spec.records
    rows = [
        # The keyword itself formula-like: a row of no known kind, kept as raw text.
        [formula(prefix, i) for i in range(len(head.fields))],
        ["Header", *(formula(prefix, i) for i in range(1, len(head.fields)))],
        ["Detail", *(formula(prefix, i) for i in range(1, len(line.fields)))],
    ]
    source = tmp_path / "f.csv"
    source.write_bytes(csv_text(rows).encode("cp1252"))
    book = tmp_path / "f.xlsx"
    done = run("import", source, "--format", PASTEL, "-o", book)
    assert done.code == 1, done
    expected = {
        f"{f.column}{3 + r}": rows[r][c]
        for r, kind in enumerate([head, head, line])
        for c, f in enumerate(kind.fields)
        if not (r and c == 0)
    }
    assert len(expected) == 29 + 28 + 13
    assert_all_text(book, expected)
    # The batch has errors (a formula is no date or number), so nothing is exported.
    out = tmp_path / "f.out.csv"
    assert run("export", book, "-o", out).code == 1 and not out.exists()


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_formula_like_text_in_every_infusion_column_stays_text(run, tmp_path, prefix):
    values = {name: formula(prefix, i) for i, name in enumerate(INFUSION_HEADER)}
    source = tmp_path / "f.csv"
    source.write_bytes(infusion_text([list(values.values())]).encode())
    book = tmp_path / "f.xlsx"
    assert run("import", source, "-o", book).code == 1
    expected = {f"{chr(65 + i)}2": v for i, v in enumerate(values.values())}
    assert_all_text(book, expected)


def test_a_carriage_return_prefix_is_refused_not_changed(run, tmp_path):
    # A workbook would hand "\r=1" back as "\n=1": the import says so instead.
    source = tmp_path / "f.csv"
    source.write_bytes(infusion_text([infusion_row(Reference="\r=SUM(A1)")]).encode())
    done = run("import", source, "-o", tmp_path / "f.xlsx")
    assert done.code == 2
    assert f"{source}: line 2, column C: the field holds a carriage return" in done.err
    assert not (tmp_path / "f.xlsx").exists()


def _text_fields(spec_name: str) -> dict[str | None, list]:
    spec = get_spec(spec_name)
    return {
        r.keyword: [f for f in r.fields if f.kind == "text" and not f.export_only]
        for r in spec.records
    }


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_formula_like_text_in_every_pastel_text_field_exports_unchanged(run, tmp_path, prefix):
    fields = _text_fields(PASTEL)
    h = header(
        **{f.key: formula(prefix, i)[: f.max_length] for i, f in enumerate(fields["Header"])}
    )
    d = detail(
        **{f.key: formula(prefix, i)[: f.max_length] for i, f in enumerate(fields["Detail"])}
    )
    rows = [h, d]
    source = tmp_path / "f.csv"
    original = csv_text(rows).encode("cp1252")
    source.write_bytes(original)
    book = tmp_path / "f.xlsx"
    done = run("import", source, "--format", PASTEL, "-o", book)
    assert done.code == 0, done.out
    assert_all_text(
        book,
        {f"{f.column}3": h[i] for i, f in enumerate(get_spec(PASTEL).records[0].fields)
         if f in fields["Header"]},
    )  # fmt: skip
    out = tmp_path / "f.out.csv"
    exported = run("export", book, "-o", out)
    assert exported.code == 0, exported.err
    assert out.read_bytes() == original


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_formula_like_text_in_every_infusion_text_field_exports_unchanged(run, tmp_path, prefix):
    fields = _text_fields(INFUSION)[None]
    values = {
        f.label: formula(prefix, i) for i, f in enumerate(fields) if f.label in INFUSION_HEADER
    }
    rows = [INFUSION_HEADER, infusion_row(**values)]
    original = csv_text(rows, quote_also=get_spec(INFUSION).quote_also).encode()
    source = tmp_path / "f.csv"
    source.write_bytes(original)
    book = tmp_path / "f.xlsx"
    done = run("import", source, "-o", book)
    assert done.code == 0, done.out
    out = tmp_path / "f.out.csv"
    exported = run("export", book, "-o", out)
    assert exported.code == 0, exported.err
    assert out.read_bytes() == original


# -- every sheet and every path ------------------------------------------------------------

EVIL = '=HYPERLINK("http://evil.example/","Notes2")'
# Excel skips these before it looks for a formula's sign.
DISGUISED = [" =1+1", "\u200b" + EVIL, "\u00a0@SUM(A1)", "  +A1*2"]


def assert_no_formula_anywhere(book: Path) -> None:
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, f"a live formula in {name}"


def test_a_formula_as_an_infusion_column_name_stays_text(run, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(
        csv_text([[*INFUSION_HEADER, EVIL], [*infusion_row(), "note"]]).encode("utf-8")
    )
    book = tmp_path / "in.xlsx"
    done = run("import", source, "--format", INFUSION, "-o", book)
    assert done.code in (0, 1), done
    assert_no_formula_anywhere(book)
    cell = load_workbook(book)["Batch"].cell(row=1, column=len(INFUSION_HEADER) + 1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (EVIL, "s", True)


def test_a_formula_in_a_settings_file_stays_text_on_the_settings_sheet(run, tmp_path):
    import json

    settings = tmp_path / "company.json"
    settings.write_text(json.dumps({"lists": {"customers": [EVIL, "ABC001"]}}))
    source = tmp_path / "in.csv"
    source.write_bytes(csv_text([header(), detail()]).encode("cp1252"))
    book = tmp_path / "in.xlsx"
    done = run("import", source, "--format", PASTEL, "--settings", settings, "-o", book)
    assert done.code in (0, 1), done
    assert_no_formula_anywhere(book)
    ws = load_workbook(book)["Settings"]
    (cell,) = [c for row in ws.iter_rows() for c in row if c.value == EVIL]
    assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize("text", DISGUISED, ids=repr)
def test_formula_signs_behind_spaces_stay_text_on_import(run, tmp_path, text):
    source = tmp_path / "in.csv"
    row = infusion_row()
    row[3] = text  # Description
    source.write_bytes(csv_text([INFUSION_HEADER, row]).encode("utf-8"))
    book = tmp_path / "in.xlsx"
    assert run("import", source, "--format", INFUSION, "-o", book).code in (0, 1)
    assert_no_formula_anywhere(book)
    cell = load_workbook(book)["Batch"]["D2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


@pytest.mark.parametrize("text", DISGUISED[:3], ids=repr)
def test_a_fix_that_uncovers_a_formula_sign_keeps_the_cell_text(run, tmp_path, text):
    source = tmp_path / "in.csv"
    row = infusion_row()
    row[3] = text
    source.write_bytes(csv_text([INFUSION_HEADER, row]).encode("utf-8"))
    book = tmp_path / "in.xlsx"
    run("import", source, "--format", INFUSION, "-o", book)
    done = run("fix", book, "--apply")
    assert done.code == 0 and "fixed" in done.out, done
    assert_no_formula_anywhere(book)
    wb = load_workbook(book)
    cell = wb["Batch"]["D2"]
    assert cell.value != text and cell.value.lstrip()[0] in "=+-@", cell.value
    assert cell.data_type == "s"
    assert cell.quotePrefix or cell.number_format == "@", "editing it in Excel would run it"
    audit = [c for row in wb["Audit"].iter_rows() for c in row if c.value == cell.value]
    assert audit and all(c.data_type == "s" and c.quotePrefix for c in audit)
