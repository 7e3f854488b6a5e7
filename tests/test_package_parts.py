"""Adding a part's relationship and content type keeps what the writer wrote, in any
spelling a valid package has: a prefixed root, single-quoted ids."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree

from addin.excel.package_parts import PACKAGE_REL_NS, with_child, with_override, with_relationship

TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def test_a_relationship_takes_the_next_free_id_whatever_the_quotes():
    rels = (
        f"<Relationships xmlns='{PACKAGE_REL_NS}'><Relationship Id='rId7' Type='t' "
        'Target=\'a.xml\'/><Relationship Id="rId2" Type="t" Target="b.xml"/>'
        "</Relationships>"
    ).encode()
    out, rid = with_relationship(rels, "kind", "c.xml")
    assert rid == "rId8"
    found = ElementTree.fromstring(out).findall(f"{{{PACKAGE_REL_NS}}}Relationship")
    assert [(r.get("Id"), r.get("Target")) for r in found] == [
        ("rId7", "a.xml"),
        ("rId2", "b.xml"),
        ("rId8", "c.xml"),
    ]
    assert found[-1].get("Type") == "kind"


def test_a_prefixed_root_gets_its_new_element_under_the_same_prefix():
    rels = (
        f'<pr:Relationships xmlns:pr="{PACKAGE_REL_NS}"><pr:Relationship Id="rId1" Type="t" '
        'Target="a.xml"/></pr:Relationships>'
    ).encode()
    out, rid = with_relationship(rels, "kind", "b.xml")
    assert rid == "rId2"
    found = ElementTree.fromstring(out).findall(f"{{{PACKAGE_REL_NS}}}Relationship")
    assert [r.get("Target") for r in found] == ["a.xml", "b.xml"]
    types = (
        f'<ct:Types xmlns:ct="{TYPES_NS}"><ct:Default Extension="xml" ContentType="x"/></ct:Types>'
    )
    added = ElementTree.fromstring(with_override(types.encode(), "xl/p.xml", "y"))
    (override,) = added.findall(f"{{{TYPES_NS}}}Override")
    assert (override.get("PartName"), override.get("ContentType")) == ("/xl/p.xml", "y")


def test_a_part_that_does_not_end_is_refused_not_written():
    with pytest.raises(ValueError, match="a <Types> part that does not end"):
        with_override(f'<Types xmlns="{TYPES_NS}">'.encode(), "xl/p.xml", "y")


def test_a_child_goes_last_in_its_parent_under_the_parents_prefix():
    """The workbook's list of sheets, as the Audit sheet is added to it: the last `sheets`
    element, its own prefix; none there is refused."""
    workbook = b'<x:workbook xmlns:x="m"><x:sheets><x:sheet name="A"/></x:sheets></x:workbook>'
    assert with_child(workbook, "sheets", 'sheet name="Audit"') == (
        b'<x:workbook xmlns:x="m"><x:sheets><x:sheet name="A"/><x:sheet name="Audit"/>'
        b"</x:sheets></x:workbook>"
    )
    with pytest.raises(ValueError, match="a <sheets> part that does not end"):
        with_child(b"<workbook><worksheets/></workbook>", "sheets", 'sheet name="Audit"')
