"""The Lite templates: each format's template as a workbook that opens with xlwings Lite.

The same sheets, dropdowns, marking columns and conditional formats as the ribbon's
template (the one builder, `BatchWorkbookWriter`, writes both), with Lite's parts added
(`webextension`) holding the workbook's `main.py` and `requirements.txt` (`bundle`).

An `.xlsx` workbook, not an `.xltx` template: Lite is documented on workbooks, Excel on the
web (one of the places Lite is for) opens a file as itself rather than making a new
workbook from a template, and whether desktop Excel copies a template's web extension and
its settings into the workbook it makes from it could not be confirmed from any public
source. The user keeps the file as it came and works on a copy of it (see the README).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.xml.constants import XLSX

from ..excel.template import BatchWorkbookWriter, write_templates
from ..files import write_atomically
from ..specs.model import Spec
from .bundle import SETTINGS_BUDGET, BundleError, build_bundle
from .webextension import LiteSettings, settings_size, with_lite_parts


def lite_template_name(spec: Spec) -> str:
    return f"{spec.name}-lite.xlsx"


def lite_settings() -> LiteSettings:
    """What every Lite template holds for Lite, refused if Excel could not keep it."""
    bundle = build_bundle()
    settings = LiteSettings(bundle.main_py, bundle.requirements_txt)
    size = settings_size(settings.properties())
    if size > SETTINGS_BUDGET:
        raise BundleError(
            f"the Lite workbook's settings would hold {size:,} characters, more than the "
            f"{SETTINGS_BUDGET:,} Batchsheet allows itself under Excel's limit; the Lite "
            "scripts carry too many modules"
        )
    return settings


def save_lite_template(
    spec: Spec, path: Path, settings: LiteSettings, *, replace: bool = True
) -> Path:
    writer = BatchWorkbookWriter(spec)

    def write(temp: Path) -> None:
        writer.write(temp, None, kind=XLSX)
        temp.write_bytes(with_lite_parts(temp.read_bytes(), settings, spec.name))

    write_atomically(path, write, replace=replace)
    return path


def write_lite_templates(out_dir: Path, *, replace: bool = True) -> list[Path]:
    """Write one Lite template per format into `out_dir`, on `write_templates`' terms: a
    file already there is replaced only with `replace`, else none is written."""
    settings = lite_settings()
    return write_templates(
        out_dir,
        replace=replace,
        name=lite_template_name,
        save=lambda spec, target: save_lite_template(spec, target, settings, replace=replace),
    )
