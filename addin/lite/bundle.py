"""The `main.py` and `requirements.txt` a Lite workbook carries, built from this repository.

xlwings Lite runs the workbook's one `main.py` and installs what its `requirements.txt`
names with micropip: from Pyodide's own builds, else from PyPI
(https://lite.xlwings.org/dependencies). Batchsheet is on neither, so `main.py` carries it:

- the module docstring of `addin/lite/main.py` first (Lite shows it in App Mode, and only a
  docstring that opens the file is the module's);
- then a loader: the `addin` modules the Lite scripts need, zipped, base64 in a string; the
  loader unpacks them to a folder of their own and puts it first on `sys.path` (a folder,
  not `zipimport`, so `importlib.resources` and every `__file__` work as they do here);
- then the rest of `addin/lite/main.py`, unchanged.

Which modules: those `addin.lite.scripts` imports, followed through every import statement
(a function's own imports too, not those under `if TYPE_CHECKING:`), plus the format specs
that `addin.specs` imports by name, plus each package's `__init__` and data files. The
desktop front end (`addin.cli`, `addin.installer`, `addin.vba`) is never carried: reaching
it is an error naming the import that did. Nor are the workbook-file modules, those that
import a file library (openpyxl, python-calamine, defusedxml, lxml) as they load: a Lite
script has no workbook file (no `Book(path)`), and the in-memory Excel's Lite mode refuses
those libraries while a script runs, so the tests prove no script calls them. Reached by a
function's own import (the command line's path through `transfer.py`), such a module is left
out, and so is its library from `requirements.txt`, which spares Lite installing them on
every start (python-calamine may have no build for the Pyodide Lite runs); reached by an
import that runs when a carried module loads, it stops the build.

The bundle is the repository's files byte for byte, in a zip with fixed timestamps and
order, so the same source gives the same bytes.

`requirements.txt` names exactly the packages outside the standard library that the carried
modules import, each as `REQUIREMENTS` says, and the standard-library modules Pyodide ships
apart that they import (`UNVENDORED`: `sqlite3`, for the batch ledger); an import it does
not list stops the build.
Version rules, from Lite's documentation (https://lite.xlwings.org/dependencies, "Version
pinning"): a pure-Python package, xlwings included, is pinned as usual; a package Pyodide
builds (pydantic, python-calamine) takes the version of the Pyodide Lite runs, so it is not
pinned, only bounded by the range `pyproject.toml` allows. The pins are those the desktop
product installs; a test holds them to `pyproject.toml`.

Size: Office keeps an add-in's document settings (where Lite stores `main.py`) to 2 MB;
Microsoft's answer in OfficeDev/office-js#621 cites the `Office.Settings.set` reference, and
OfficeDev/office-js#3957 reports saving failing in Excel from about 1 MB. `SETTINGS_BUDGET`
keeps the whole of what the workbook stores well under the lower figure; a test holds the
templates to it. Public Lite workbooks store a `main.py` of 96 kB this way.

Hand-written because no packager makes one Python file that Lite's single `main.py` can
hold: zipapp and PEX make executables for a command line, not a module to import.
"""

from __future__ import annotations

import ast
import base64
import io
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..refusals import Refusal

PACKAGE = "addin"
ROOT = Path(__file__).resolve().parents[1]
SCRIPTS_TEXT = ROOT / "lite" / "main.py"
# What the scripts import; the specs `addin.specs` imports by name (`FORMATS`) are added.
ENTRY = "addin.lite.scripts"
# The desktop front end: never carried into a workbook.
DESKTOP_ONLY = ("addin.cli", "addin.installer", "addin.vba")
# What Lite installs for each import from outside the standard library (import name ->
# requirements line). Pinned where Lite's documentation says to pin (see the docstring).
REQUIREMENTS = {
    "xlwings": "xlwings==0.37.8",
    "pydantic": "pydantic>=2.6,<3",
}
# The libraries that read and write workbook files: a module importing one as it loads is a
# workbook-file module, never carried (see the docstring).
FILE_LIBRARIES = ("openpyxl", "python_calamine", "defusedxml", "lxml")
# Standard-library modules Pyodide ships apart, which Lite loads only when requirements.txt
# names them (https://lite.xlwings.org/databases for sqlite3): import name -> line.
UNVENDORED = {"sqlite3": "sqlite3"}
# A zip entry's time: the earliest a zip can hold, so rebuilding never changes the bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Characters of base64 on one line of main.py.
LINE = 96
# The most the workbook's Lite settings may hold, all values as stored (see the docstring).
SETTINGS_BUDGET = 512 * 1024


class BundleError(Refusal):
    """The Lite scripts reach a module that cannot go into a workbook."""


@dataclass(frozen=True)
class Bundle:
    """What a Lite workbook carries: its `main.py` and `requirements.txt`, and the files
    (paths inside the repository) zipped into `main.py`."""

    main_py: str
    requirements_txt: str
    files: tuple[str, ...]
    archive: bytes


def build_bundle() -> Bundle:
    modules = carried_modules()
    files = sorted({*(_relative(_source(m)) for m in modules), *_data_files(modules)})
    archive = _zip(files)
    return Bundle(
        main_py=_main_py(SCRIPTS_TEXT.read_text(encoding="utf-8"), archive),
        requirements_txt="".join(f"{line}\n" for line in requirements(modules)),
        files=tuple(files),
        archive=archive,
    )


def carried_modules() -> list[str]:
    """Every `addin` module the Lite scripts need, by name, sorted."""
    from ..specs import FORMATS

    roots = [ENTRY, *sorted({f"{PACKAGE}.specs.{module}" for module, _ in FORMATS.values()})]
    found: dict[str, str | None] = {}
    pending: list[tuple[str, str | None]] = [(root, None) for root in roots]
    while pending:
        name, by = pending.pop()
        if name in found:
            continue
        if any(name == d or name.startswith(f"{d}.") for d in DESKTOP_ONLY):
            raise BundleError(
                f"the Lite scripts reach {name} (imported by {by}), which is the desktop "
                "front end and cannot go into a workbook"
            )
        found[name] = by
        pending.extend((parent, name) for parent in _parents(name))
        for imported, at_load in _own_imports(name):
            if not _file_module(imported):
                pending.append((imported, name))
            elif at_load:
                raise BundleError(
                    f"the Lite scripts reach {imported} (imported by {name} as it loads), "
                    "which reads or writes workbook files and cannot go into a workbook"
                )
    return sorted(found)


def _file_module(module: str) -> bool:
    """Whether the module imports a workbook-file library as it loads."""
    return any(
        top in FILE_LIBRARIES
        for statement, at_load in _statements(_source(module))
        if at_load
        for top in _tops(_names(module, statement))
    )


def requirements(modules: list[str]) -> list[str]:
    """The requirements lines for what the scripts' text and `modules` import from outside
    the standard library."""
    tops = _tops(_imported_names(f"{PACKAGE}.lite.main", SCRIPTS_TEXT)).union(
        *(_tops(_imported_names(m)) for m in modules)
    )
    outside = sorted((tops - set(sys.stdlib_module_names)) | (tops & set(UNVENDORED)))
    named = {**REQUIREMENTS, **UNVENDORED}
    unknown = [top for top in outside if top not in named]
    if unknown:
        raise BundleError(
            f"the Lite scripts import {', '.join(unknown)}, which Lite installs only if "
            "requirements.txt names it: add it to REQUIREMENTS in addin/lite/bundle.py"
        )
    return [named[top] for top in outside]


def _main_py(scripts: str, archive: bytes) -> str:
    """The scripts' text with the loader put after its module docstring."""
    tree = ast.parse(scripts)
    first = tree.body[0] if tree.body else None
    docstring = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    lines = scripts.splitlines(keepends=True)
    cut = (first.end_lineno or 0) if docstring and first is not None else 0
    head, tail = "".join(lines[:cut]), "".join(lines[cut:])
    return head + _loader(archive) + tail


def _loader(archive: bytes) -> str:
    text = base64.b64encode(archive).decode("ascii")
    chunks = "".join(f'    "{text[i : i + LINE]}"\n' for i in range(0, len(text), LINE))
    return (
        "\n"
        "# Batchsheet's own package, which is not on PyPI: the modules these scripts need,\n"
        "# zipped here, unpacked to a folder of their own and put first on sys.path (written by\n"
        "# `batchsheet templates --lite`; edit the repository, not this text).\n"
        "_BATCHSHEET = (\n"
        f"{chunks}"
        ")\n"
        "\n"
        "\n"
        "def _load_batchsheet(packed: str) -> None:\n"
        "    import base64\n"
        "    import io\n"
        "    import sys\n"
        "    import tempfile\n"
        "    import zipfile\n"
        "\n"
        "    folder = tempfile.mkdtemp(prefix='batchsheet-')\n"
        "    with zipfile.ZipFile(io.BytesIO(base64.b64decode(packed))) as archive:\n"
        "        archive.extractall(folder)\n"
        "    # main.py run again in the same Python takes the new addin, not the one in memory.\n"
        "    for name in [m for m in sys.modules if m == 'addin' or m.startswith('addin.')]:\n"
        "        del sys.modules[name]\n"
        "    sys.path.insert(0, folder)\n"
        "\n"
        "\n"
        "_load_batchsheet(_BATCHSHEET)\n"
    )


def _zip(files: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in files:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            out.writestr(info, (ROOT.parent / name).read_bytes(), compresslevel=9)
    return buffer.getvalue()


def _relative(path: Path) -> str:
    return PurePosixPath(path.relative_to(ROOT.parent)).as_posix()


def _source(module: str) -> Path:
    """The file of an `addin` module (a package's `__init__.py`)."""
    base = ROOT.parent.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _is_module(module: str) -> bool:
    base = ROOT.parent.joinpath(*module.split("."))
    return (base / "__init__.py").is_file() or base.with_suffix(".py").is_file()


def _data_files(modules: list[str]) -> Iterator[str]:
    """The data files of each carried package (its folder's files that are not modules)."""
    for module in modules:
        source = _source(module)
        if source.name != "__init__.py":
            continue
        for path in sorted(source.parent.iterdir()):
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                yield _relative(path)


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


Statement = ast.Import | ast.ImportFrom


def _statements(source: Path) -> Iterator[tuple[Statement, bool]]:
    """The file's import statements that run (every one but those under TYPE_CHECKING), and
    whether each runs as the module loads (not inside a function)."""
    tree = ast.parse(source.read_bytes(), filename=str(source))

    def walk(node: ast.AST, at_load: bool) -> Iterator[tuple[Statement, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child.test):
                yield from (s for n in child.orelse for s in walk_one(n, at_load))
                continue
            yield from walk_one(child, at_load)

    def walk_one(node: ast.AST, at_load: bool) -> Iterator[tuple[Statement, bool]]:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, at_load
        else:
            inside = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from walk(node, at_load and not inside)

    yield from walk(tree, True)


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(module: str, statement: ast.ImportFrom) -> str:
    if not statement.level:
        return statement.module or ""
    package = module if _source(module).name == "__init__.py" else module.rpartition(".")[0]
    base = package.split(".")[: len(package.split(".")) - statement.level + 1]
    return ".".join([*base, *([statement.module] if statement.module else [])])


def _names(module: str, statement: Statement) -> Iterator[str]:
    """The module names one import statement of `module` names, absolute."""
    if isinstance(statement, ast.Import):
        yield from (alias.name for alias in statement.names)
        return
    named = _absolute(module, statement)
    yield named
    yield from (f"{named}.{alias.name}" for alias in statement.names)


def _imported_names(module: str, source: Path | None = None) -> Iterator[str]:
    """Every module name the module's import statements name, absolute (`source`: the file
    to read in place of the module's own)."""
    for statement, _ in _statements(source or _source(module)):
        yield from _names(module, statement)


def _own_imports(module: str) -> list[tuple[str, bool]]:
    """The `addin` modules the module imports, each with whether it is imported as the
    module loads."""
    return [
        (name, at_load)
        for statement, at_load in _statements(_source(module))
        for name in _names(module, statement)
        if (name == PACKAGE or name.startswith(f"{PACKAGE}.")) and _is_module(name)
    ]


def _tops(names: Iterator[str]) -> set[str]:
    return {n.split(".")[0] for n in names} - {"", PACKAGE, "__future__"}
