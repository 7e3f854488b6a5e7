"""Every registered format has what `docs/adding-a-format.md` lists: a committed template and
its xlwings Lite workbook, an example file that checks clean and comes back byte for byte
through import and export, and a README section naming it. A format registered without one
of them fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from addin.specs import FORMATS, get_spec
from tests.conftest import EXAMPLES, REPO

# Each format's example in examples/: a new format adds its line here with its file.
EXAMPLE_OF = {
    "pastel-customer": "pastel_customer_invoices_sample.csv",
    "pastel-supplier": "pastel_supplier_invoices_sample.csv",
    "infusion-customer-adjustments": "infusion_adjustments_sample.csv",
    "pastel-journal": "pastel_journal_sample.csv",
    "pastel-cashbook": "pastel_cashbook_sample.csv",
}


def test_every_registered_format_has_an_example():
    assert sorted(EXAMPLE_OF) == sorted(FORMATS), "add the new format's example to EXAMPLE_OF"
    assert len(set(EXAMPLE_OF.values())) == len(EXAMPLE_OF), "one example per format"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_format_s_template_is_committed(name):
    assert (REPO / "workbook_templates" / f"{name}.xltx").is_file(), (
        "run `batchsheet templates --out workbook_templates --force` and commit it"
    )


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_format_s_lite_template_is_committed(name):
    assert (REPO / "workbook_templates" / f"{name}-lite.xlsx").is_file(), (
        "run `batchsheet templates --lite --out workbook_templates --force` and commit it"
    )


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_example_checks_clean_and_round_trips_byte_for_byte(run, tmp_path: Path, name):
    example = EXAMPLES / EXAMPLE_OF[name]
    assert example.is_file()
    checked = run("check", example, "--format", name)
    assert checked.code == 0, checked.out + checked.err
    assert " 0 errors" in checked.out or "no problems" in checked.out
    book, again = tmp_path / "batch.xlsx", tmp_path / "again.csv"
    assert run("import", example, "--format", name, "-o", book).code == 0
    assert run("export", book, "-o", again).code == 0
    assert again.read_bytes() == example.read_bytes()


def readme_sections() -> dict[str, str]:
    """The README's sections by their headings (`## …`), each with its text."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parts = re.split(r"(?m)^(?=## )", readme)[1:]
    return {part.splitlines()[0]: part for part in parts}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_readme_has_a_section_naming_the_format(name):
    """A section of its own (not the introduction or the quickstart) says what the format is
    and names it as `--format` takes it."""
    sections = {
        heading: text
        for heading, text in readme_sections().items()
        if heading not in ("## Quickstart", "## The command")
    }
    naming = [heading for heading, text in sections.items() if f"`{name}`" in text]
    assert naming, f"no README section describes `{name}` ({get_spec(name).title})"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_format_s_rules_name_their_own_findings(name):
    from addin.engine.catalogue import KINDS, spec_kinds

    spec = get_spec(name)
    named = {**KINDS, **spec_kinds(spec)}
    assert [r.code for r in spec.rules if r.code not in named] == []
