"""The committed templates are what the specs generate, carry what a bookkeeper needs, and open."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree.ElementTree import canonicalize

import pytest
from openpyxl import load_workbook

from addin.excel.layout import DATA_SHEET, INSTRUCTIONS_SHEET, LAST_ROW, Layout
from addin.excel.template import template_name, write_templates
from addin.specs import SPECS
from tests.conftest import REPO

COMMITTED = REPO / "workbook_templates"
PASTEL = [name for name, spec in SPECS.items() if spec.layout == "records"]


def _parts(path: Path) -> dict[str, bytes]:
    """Each part, XML in its canonical form: openpyxl spells the same XML differently with
    and without lxml (`<a />` or `<a/>`, where namespaces are declared), and a template
    generated on either is the same template."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    # openpyxl stamps the save time; everything else must match.
    core = parts.get("docProps/core.xml", b"")
    parts["docProps/core.xml"] = re.sub(rb"<dcterms:modified[^<]*</dcterms:modified>", b"", core)
    return {
        name: canonicalize(data.decode("utf-8")).encode("utf-8")
        if name.endswith((".xml", ".rels"))
        else data
        for name, data in parts.items()
    }


def test_committed_templates_match_what_the_specs_generate(tmp_path: Path):
    generated = write_templates(tmp_path)
    assert {p.name for p in generated} == {p.name for p in COMMITTED.glob("*.xltx")}, (
        "run `batchsheet templates --force` and commit workbook_templates/"
    )
    for path in generated:
        assert _parts(path) == _parts(COMMITTED / path.name), (
            f"{path.name} drifted from its spec: run `batchsheet templates --force` and commit "
            "the result"
        )


def test_templates_command_writes_one_template_per_format(run, tmp_path: Path):
    done = run("templates", "--out", tmp_path / "t")
    assert done.code == 0
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == sorted(
        template_name(s) for s in SPECS.values()
    )


@pytest.mark.parametrize("name", PASTEL)
def test_pastel_template_mirrors_the_csv(name: str):
    spec = SPECS[name]
    layout = Layout(spec)
    wb = load_workbook(COMMITTED / template_name(spec))
    assert wb.template is True
    assert wb.sheetnames[:2] == [DATA_SHEET, INSTRUCTIONS_SHEET]
    assert wb.defined_names["Batchsheet_Format"].attr_text == f'"{name}"'
    ws = wb[DATA_SHEET]
    header, detail = spec.records
    # Caption rows say what each column means on a Header row and on a Detail row.
    assert [ws.cell(1, c).value for c in range(2, 30)] == [f.label for f in header.fields[1:]]
    assert [ws.cell(2, c).value for c in range(2, 15)] == [f.label for f in detail.fields[1:]]
    assert ws.freeze_panes == "B3"
    assert [ws.cell(1, c).value for c in range(30, 33)] == ["Errors in", "Warnings in", "Problems"]
    # Code columns are text, so Excel keeps leading zeros and never makes dates of codes.
    for f in (*header.fields, *detail.fields):
        if f.excel_text:
            assert ws.column_dimensions[f.column].number_format == "@", f.label
    assert ws.column_dimensions["U"].number_format == "DD/MM/YYYY"
    # Dropdowns where the values are fixed; every column explains itself in 255 characters.
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert validations[f"A3:A{LAST_ROW}"].formula1 == '"Header,Detail"'
    assert "Lists!" in validations[f"L3:L{LAST_ROW}"].formula1  # line type 4, 6, 7
    assert "Lists!" in validations[f"I3:I{LAST_ROW}"].formula1  # Inc/Exc Y, N
    for dv in validations.values():
        assert dv.prompt and len(dv.prompt) <= 255
        assert dv.promptTitle and len(dv.promptTitle) <= 32
    # Marking rules colour a cell whose column is listed in its row's marking columns.
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    formulas = " ".join(r.formula[0] for r in rules)
    assert "$AD3" in formulas and "$AE3" in formulas and '$A3="Header"' in formulas
    assert all(str(cf.sqref) == f"A3:AC{LAST_ROW}" for cf in ws.conditional_formatting)
    assert layout.mark_columns == ("AD", "AE", "AF")


@pytest.mark.parametrize("name", PASTEL)
def test_instructions_state_mandatory_fields_and_each_fields_format(name: str):
    spec = SPECS[name]
    wb = load_workbook(COMMITTED / template_name(spec))
    ws = wb[INSTRUCTIONS_SHEET]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "Mandatory fields: Header: " in text
    for f in spec.records[0].fields:
        if f.required:
            assert f.label in text
    rows = {(r[0].value, r[2].value): r for r in ws.iter_rows(min_row=1) if r[0].value}
    period = rows[("Header", "Period Number")]
    assert period[3].value == "Yes" and period[5].value == "1 to 13"
    price = rows[("Detail", "Unit Selling Price")]
    assert "9 digits and 4 decimals" in price[4].value


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_every_template(tmp_path: Path):
    for template in sorted(COMMITTED.glob("*.xltx")):
        out = tmp_path / template.stem
        done = subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp_path}/profile",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(template),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        pdf = out / f"{template.stem}.pdf"
        assert done.returncode == 0 and pdf.is_file(), done.stderr
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1000
