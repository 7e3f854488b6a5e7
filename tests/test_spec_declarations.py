"""Every registered format's declaration holds exactly to its models, as pydantic reads them.

The models are frozen dataclasses (a press builds its spec without pydantic); pydantic holds
each declaration to the models' annotations here, strictly, so a list where a tuple is
declared, a string where a number or a Decimal is, or an unknown key fails the suite. The
default Infusion column set, declared in Python, is the same set when written out as a
column-set file and read back through pydantic.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from decimal import Decimal

import pytest
from pydantic import ValidationError

from addin.specs import FORMATS, get_spec
from addin.specs.columns import ColumnSetError, parse_column_set
from addin.specs.infusion_columns import DEFAULT_COLUMNS
from addin.specs.model import FieldSpec, PatternWhen, Spec
from addin.specs.validation import check_declaration
from tests.conftest import REPO


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_the_declaration_holds_to_its_models(name):
    check_declaration(get_spec(name))


def _with_first_field(spec: Spec, **changes) -> Spec:
    first = spec.records[0]
    field = replace(first.fields[0], **changes)
    return replace(spec, records=(replace(first, fields=(field, *first.fields[1:])),))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"max_length": "5"}, "records.0.fields.0.max_length"),
        ({"choices": ["A", "B"]}, "records.0.fields.0.choices"),
        ({"minimum": 1.5}, "records.0.fields.0.minimum"),
        ({"required": "yes"}, "records.0.fields.0.required"),
    ],
)
def test_a_mistyped_field_is_refused(change, where):
    spec = _with_first_field(get_spec("pastel-customer"), **change)
    with pytest.raises(ValidationError) as raised:
        check_declaration(spec)
    assert {".".join(map(str, e["loc"])) for e in raised.value.errors()} == {where}


def test_a_mistyped_rule_is_refused():
    spec = get_spec("pastel-customer")
    bad = PatternWhen(
        field="date",
        pattern=r"\d+",
        code="c",
        message="m",
        severity="fatal",  # type: ignore[arg-type]
    )
    with pytest.raises(ValidationError) as raised:
        check_declaration(replace(spec, rules=(bad,)))
    assert any(e["loc"][:2] == ("rules", 0) for e in raised.value.errors())


def test_a_rule_list_where_a_tuple_is_declared_is_refused():
    spec = get_spec("pastel-customer")
    with pytest.raises(ValidationError):
        check_declaration(replace(spec, rules=list(spec.rules)))  # type: ignore[arg-type]


def test_an_unknown_key_is_refused_where_it_is_written():
    with pytest.raises(TypeError, match="colour"):
        FieldSpec(key="k", label="K", column="A", kind="text", colour="red")  # type: ignore[call-arg]


def test_a_number_without_its_digits_is_refused_where_it_is_written():
    with pytest.raises(ValueError, match="Amount: a number needs digits_before"):
        FieldSpec(key="amount", label="Amount", column="A", kind="number")


def test_the_default_infusion_columns_survive_a_column_set_file():
    text = DEFAULT_COLUMNS.dumps()
    assert parse_column_set(text, "infusion.json") == DEFAULT_COLUMNS
    amount = next(f for f in DEFAULT_COLUMNS.fields if f.key == "amount")
    assert amount.kind == "number"
    assert '"column"' not in text, "a column set's order gives the letters"


def test_a_column_set_file_is_read_through_pydantic_with_its_message():
    text = '{"format": "infusion-customer-adjustments", "columns": [{"header": "Amount", "key": "amount", "kind": "number", "digits_before": 9, "minimum": "ten"}]}'  # noqa: E501
    with pytest.raises(ColumnSetError, match=r"x.json: column 1 \('Amount'\): minimum: "):
        parse_column_set(text, "x.json")
    good = text.replace('"ten"', '"-10.5"')
    (amount,) = parse_column_set(good, "x.json").fields
    assert amount.minimum == Decimal("-10.5")
    assert amount.column == "A"


def test_building_every_spec_and_the_ribbon_loads_no_pydantic():
    """A button press starts a new Python: pydantic and its validators cost it 0.13 s."""
    code = (
        "import sys; import addin.excel.ribbon; from addin.specs import SPECS; "
        "assert len(SPECS) == 5; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
