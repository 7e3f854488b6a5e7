"""The parts that make a workbook open with xlwings Lite holding Batchsheet's scripts.

xlwings Lite is an Office add-in; a workbook that uses it carries it as an Office web
extension, and Lite keeps the workbook's code in that extension's document settings.
Confirmed by reading five public Lite workbooks (github.com/amararun/
xlwings-lite-apps-codes-docs, commit f90d89d, saved by Lite 1.0.0.0-11 and 1.0.0.0-18):

- `xl/webextensions/taskpanes.xml` (content type
  `application/vnd.ms-office.webextensiontaskpanes+xml`), reached from the package's
  `_rels/.rels` by a relationship of type `.../office/2011/relationships/
  webextensiontaskpanes`: one `<wetp:taskpane dockstate="right" visibility=… width=… row=…>`
  whose `<wetp:webextensionref r:id="rId1"/>` leads, through
  `xl/webextensions/_rels/taskpanes.xml.rels` (type `.../office/2011/relationships/
  webextension`), to
- `xl/webextensions/webextension1.xml` (`application/vnd.ms-office.webextension+xml`): a
  `<we:webextension id="{GUID}">` holding `<we:reference id="wa200008175"
  version="1.0.0.0" store=… storeType="OMEX"/>` (Lite in Microsoft's add-in store),
  `<we:alternateReferences>` with the same id and `store="WA200008175"`, then
  `<we:properties>`: `main.py`, `requirements.txt`, `pyodideVersion`, `addinVersion`, each
  value JSON text (a JSON string) in an XML attribute; then `<we:bindings/>` and
  `<we:snapshot/>`. Every one of the five has exactly these four properties.

Not confirmed from a file, only from a public description of xlwings' own example workbook
(taxi_local.xlsx, saved by Lite 1.0.0.0-35): newer Lite adds `xlwingsWorkbookId` (a UUID)
and `xlwingsSettingsWorkbook`, `{"startupBehavior":"taskpane"}`, its workbook setting
"Startup Behavior: start the add-in and show the task pane"
(https://lite.xlwings.org/settings, changelog 1.0.0.0-28). The settings entry is written as
that description gives it. No workbook id is written: every batch made from a template
would carry the same one, and Lite gives a workbook its own when it saves it. The key Lite
uses for App Mode in that entry could not be found in any public file or page, so none is
written; App Mode is switched on once with Ctrl+Shift+M (Cmd+Shift+M on macOS) and kept by
saving the workbook (https://lite.xlwings.org/app_mode).

The task pane opens with the workbook by three means, each harmless where it is not heeded:
`visibility="1"` on the task pane (the pane is shown when the document opens; each of the
public workbooks has 0), Lite's own startup setting above, and
Office's `Office.AutoShowTaskpaneWithDocument` property set to `true` ([MS-OWEMXML]
ShowTaskpane: heeded when the add-in's manifest names that task pane id, which Lite's
manifest was not seen to do).

`pyodideVersion` and `addinVersion` are those of the described example (0.27.5, the
Pyodide of four of the five public workbooks, and 1.0.0.0-35): Lite reads them to know what
the workbook was made with.

openpyxl drops these parts when it saves, so they are added to the package it wrote. No
library writes web extensions in Python; the parts are a few lines of XML.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from ..excel.package_parts import (
    DECLARATION,
    PACKAGE_REL_NS,
    REL_NS,
    with_override,
    with_relationship,
)

ADDIN_ID = "wa200008175"
STORE_ID = "WA200008175"
PYODIDE_VERSION = "0.27.5"
ADDIN_VERSION = "1.0.0.0-35"
STARTUP = {"startupBehavior": "taskpane"}
AUTO_SHOW = "Office.AutoShowTaskpaneWithDocument"
# The width of the pane in the public workbooks, in points.
PANE_WIDTH = 438

WE_NS = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"
WETP_NS = "http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11"
TASKPANES_TYPE = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
WEBEXTENSION_TYPE = "http://schemas.microsoft.com/office/2011/relationships/webextension"
TASKPANES_CONTENT = "application/vnd.ms-office.webextensiontaskpanes+xml"
WEBEXTENSION_CONTENT = "application/vnd.ms-office.webextension+xml"

TASKPANES_PART = "xl/webextensions/taskpanes.xml"
TASKPANES_RELS = "xl/webextensions/_rels/taskpanes.xml.rels"
WEBEXTENSION_PART = "xl/webextensions/webextension1.xml"
# The time of the added parts in the zip: fixed, so a rebuild gives the same bytes.
PART_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class LiteSettings:
    """What the workbook tells Lite: its code and how to start."""

    main_py: str
    requirements_txt: str

    def properties(self) -> dict[str, object]:
        """The web extension's properties, by name, as values before JSON encoding."""
        return {
            "main.py": self.main_py,
            "requirements.txt": self.requirements_txt,
            "pyodideVersion": PYODIDE_VERSION,
            "addinVersion": ADDIN_VERSION,
            "xlwingsSettingsWorkbook": STARTUP,
            AUTO_SHOW: True,
        }


def stored(value: object) -> str:
    """A property's value as the workbook stores it: JSON text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def settings_size(properties: Mapping[str, object]) -> int:
    """The characters the document settings hold: every name and stored value."""
    return sum(len(name) + len(stored(value)) for name, value in properties.items())


def webextension_xml(settings: LiteSettings, instance: str) -> bytes:
    properties = "".join(
        f'<we:property name="{_attribute(name)}" value="{_attribute(stored(value))}"/>'
        for name, value in settings.properties().items()
    )
    return (
        DECLARATION
        + (
            f'<we:webextension xmlns:we="{WE_NS}" id="{{{instance}}}">'
            f'<we:reference id="{ADDIN_ID}" version="1.0.0.0" store="en-US" storeType="OMEX"/>'
            f'<we:alternateReferences><we:reference id="{ADDIN_ID}" version="1.0.0.0" '
            f'store="{STORE_ID}" storeType="OMEX"/></we:alternateReferences>'
            f"<we:properties>{properties}</we:properties><we:bindings/>"
            f'<we:snapshot xmlns:r="{REL_NS}"/></we:webextension>'
        ).encode()
    )


def _attribute(text: str) -> str:
    """Text for a double-quoted XML attribute, spelled as Excel writes it (`&quot;`)."""
    return escape(text, {'"': "&quot;"})


def taskpanes_xml() -> bytes:
    return (
        DECLARATION
        + (
            f'<wetp:taskpanes xmlns:wetp="{WETP_NS}">'
            f'<wetp:taskpane dockstate="right" visibility="1" width="{PANE_WIDTH}" row="1">'
            f'<wetp:webextensionref xmlns:r="{REL_NS}" r:id="rId1"/>'
            "</wetp:taskpane></wetp:taskpanes>"
        ).encode()
    )


def taskpanes_rels() -> bytes:
    return (
        DECLARATION
        + (
            f'<Relationships xmlns="{PACKAGE_REL_NS}">'
            f'<Relationship Id="rId1" Type="{WEBEXTENSION_TYPE}" '
            f'Target="{PurePosixPath(WEBEXTENSION_PART).name}"/></Relationships>'
        ).encode()
    )


def instance_id(name: str) -> str:
    """The web extension's id in a workbook made for `name`: the same on every build."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"batchsheet:lite:{name}")).upper()


def with_lite_parts(package: bytes, settings: LiteSettings, name: str) -> bytes:
    """The workbook package `package` with Lite's parts added (see the module's words);
    `name` (the format's) makes the extension's id."""
    added = {
        TASKPANES_PART: taskpanes_xml(),
        TASKPANES_RELS: taskpanes_rels(),
        WEBEXTENSION_PART: webextension_xml(settings, instance_id(name)),
    }
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        clashing = sorted(set(added) & set(source.namelist()))
        if clashing:
            raise ValueError(f"the workbook already holds {', '.join(clashing)}")
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = with_override(data, TASKPANES_PART, TASKPANES_CONTENT)
                data = with_override(data, WEBEXTENSION_PART, WEBEXTENSION_CONTENT)
            elif info.filename == "_rels/.rels":
                data, _ = with_relationship(data, TASKPANES_TYPE, TASKPANES_PART)
            target.writestr(info, data)
        for part, data in added.items():
            target.writestr(zipfile.ZipInfo(part, PART_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def lite_properties(package: zipfile.ZipFile) -> dict[str, object]:
    """The Lite web extension's properties in an open workbook package, decoded, found as
    Excel finds them: from the package's relationships to the task panes, to the extension."""
    panes = _related(package, "_rels/.rels", TASKPANES_TYPE, "")
    if panes is None:
        return {}
    rels = str(PurePosixPath(panes).parent / "_rels" / f"{PurePosixPath(panes).name}.rels")
    extension = _related(package, rels, WEBEXTENSION_TYPE, str(PurePosixPath(panes).parent))
    if extension is None:
        return {}
    root = ElementTree.fromstring(package.read(extension))
    reference = root.find(f"{{{WE_NS}}}reference")
    if reference is None or reference.get("id", "").lower() != ADDIN_ID:
        return {}
    return {
        p.get("name", ""): json.loads(p.get("value", "")) for p in root.iter(f"{{{WE_NS}}}property")
    }


def _related(package: zipfile.ZipFile, rels: str, kind: str, folder: str) -> str | None:
    if rels not in package.namelist():
        return None
    root = ElementTree.fromstring(package.read(rels))
    for rel in root.iter(f"{{{PACKAGE_REL_NS}}}Relationship"):
        if rel.get("Type") == kind:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath(folder) / target) if folder else target
    return None
