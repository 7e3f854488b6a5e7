"""The add-in's ribbon XML: `addin/vba/customUI.xml` plus one New batch entry per format."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from importlib import resources

from ..specs import SPECS

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
NEW_BATCH_MENU_ID = "batchsheetNewBatch"
CALLBACK = "BatchsheetRibbon.OnBatchsheetButton"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NEW_BATCH_TAG = "new_batch"
# Tags the add-in's VBA answers itself (BatchsheetRibbon.RunButton), without starting Python:
# moving the cursor must be instant.
VBA_ACTIONS = ("next_problem", "previous_problem")


def ribbon_source() -> str:
    """The ribbon as kept in the repository (the New batch menu still empty)."""
    return (resources.files("addin") / "vba" / "customUI.xml").read_text(encoding="utf-8")


def ribbon_xml(formats: dict[str, str] | None = None) -> bytes:
    """The finished ribbon: `formats` (format name -> label; default: every spec) in the menu."""
    if formats is None:
        formats = {name: spec.title for name, spec in SPECS.items()}
    ET.register_namespace("", CUSTOMUI_NS)
    root = ET.fromstring(ribbon_source())
    menu = root.find(f".//{{{CUSTOMUI_NS}}}menu[@id='{NEW_BATCH_MENU_ID}']")
    if menu is None:
        raise ValueError(f"customUI.xml has no menu with id {NEW_BATCH_MENU_ID!r}")
    for index, (name, label) in enumerate(formats.items(), start=1):
        ET.SubElement(
            menu,
            f"{{{CUSTOMUI_NS}}}button",
            {
                # A ribbon id is an XML ID, which a format name like "pastel-customer" may not
                # be (it could start with a digit), so ids are numbered and the tag carries it.
                "id": f"{NEW_BATCH_MENU_ID}{index}",
                "tag": f"{NEW_BATCH_TAG}:{name}",
                "label": label,
                "onAction": CALLBACK,
                "screentip": f"New {label}",
                "supertip": f"Opens a new workbook from the {name} template.",
            },
        )
    ET.indent(root, space="  ")
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8")
