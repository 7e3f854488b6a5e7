"""The package's map: each part imports only from the parts below it.

    base (refusals, cell_refs, wording, actions, files, progress)
      → specs → engine → the Excel side, transfer, review, report, ledger
      → the front doors: the command, the ribbon, the Lite scripts, the installer

Every import counts, at the top of a module or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "addin"

BASE = {"addin", "addin.refusals", "addin.cell_refs", "addin.wording", "addin.files",
        "addin.progress", "addin.actions"}  # fmt: skip
FRONT = {"addin.cli", "addin.excel.ribbon"}


def layer(module: str) -> int:
    if module in BASE:
        return 0
    if module.startswith("addin.specs"):
        return 1
    if module.startswith("addin.engine"):
        return 2
    if module in FRONT or module.startswith(("addin.installer", "addin.lite")):
        return 4
    return 3


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """The package's modules that `path` imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("addin")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("addin"):
                # `from . import x` names a module x, not the package it is in.
                modules = {
                    f"{target}.{a.name}"
                    for a in node.names
                    if (PACKAGE.parent / f"{target}.{a.name}".replace(".", "/"))
                    .with_suffix(".py")
                    .exists()
                }
                found |= modules or {target}
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_a_module_imports_only_from_the_parts_below_it(path: Path):
    name = module_name(path)
    upward = sorted(m for m in imports(path) if layer(m) > layer(name))
    assert upward == [], f"{name} (layer {layer(name)}) imports {upward}"


def test_no_two_modules_import_each_other_even_through_others():
    graph = {module_name(p): imports(p) for p in MODULES}
    cycles = []
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycles.append([*path[path.index(name) :], name])
            return
        if name in done or name not in graph:
            return
        for other in sorted(graph[name]):
            visit(other, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert cycles == []


def test_the_map_covers_every_module():
    names = {module_name(p) for p in MODULES}
    assert "addin.engine.batch" in names and "addin.cli" in names
    assert {n for n in names if layer(n) == 0} == BASE


# -- the finding catalogue ---------------------------------------------------------------------

# Where each constructor takes the code: (position, keyword).
CODE_ARGUMENT = {"Finding": (4, "code"), "Problem": (1, "code")}


def codes_made_in(path: Path) -> set[str]:
    """The finding codes written as literals in `path`: arguments of Finding and Problem,
    `code=` of a spec rule, and the default `code` of a rule's model."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            position, keyword = CODE_ARGUMENT.get(name, (None, "code"))
            if position is not None and len(node.args) > position:
                found |= _literal(node.args[position])
            for k in node.keywords:
                if k.arg == keyword:
                    found |= _literal(k.value)
        elif (
            isinstance(node, ast.AnnAssign)
            and getattr(node.target, "id", "") == "code"
            and node.value is not None
        ):
            found |= _literal(node.value)
    return found


def _literal(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    return set()


def test_every_finding_code_is_in_the_catalogue():
    """The engine's codes are in the catalogue; a spec's rules name theirs in the spec, with
    the words (`title`) the catalogue collects from it."""
    from addin.engine.catalogue import KINDS, spec_kinds
    from addin.specs import SPECS

    engine = [p for p in MODULES if not module_name(p).startswith("addin.specs.")]
    made = {code: path for path in engine for code in codes_made_in(path)}
    assert len(made) > 30, "the scan finds the codes"
    missing = {code: module_name(path) for code, path in made.items() if code not in KINDS}
    assert missing == {}
    for spec in SPECS.values():
        named = {**KINDS, **spec_kinds(spec)}
        unnamed = [r.code for r in spec.rules if r.code not in named]
        assert unnamed == [], f"{spec.name}: a rule's own code needs its title"


def test_a_finding_made_with_a_literal_severity_has_its_kinds_severity():
    from addin.engine.catalogue import KINDS

    made: list[tuple[str, str, str]] = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in CODE_ARGUMENT:
                given = {k.arg: k.value for k in node.keywords}
                severity, code = given.get("severity"), given.get("code")
                if isinstance(severity, ast.Constant) and isinstance(code, ast.Constant):
                    made.append((code.value, severity.value, module_name(path)))
    assert len(made) > 30
    wrong = [(c, s, m) for c, s, m in made if KINDS[c].severity not in (None, s)]
    assert wrong == []
    undeclared = sorted({c for c, _, _ in made if KINDS[c].severity is None})
    assert undeclared == [], "an engine kind with one severity declares it"


def test_nothing_uses_xlwings_pro_code():
    """xlwings PRO (its `pro` package, the remote and calamine engines, licence keys) is
    not licensed for a commercial product: not in the product, the tests or the bench."""
    pro = "xlwings" + ".pro"  # spelled in pieces so that no search finds this test
    used = []
    for folder in ("addin", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                used += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith(pro)]
            text = path.read_text(encoding="utf-8")
            # Spelled in pieces so that this test does not find itself.
            needles = ("LICENSE" + "_KEY", "engine=" + '"remote"', "engine=" + "'remote'")
            if any(n in text for n in needles):
                used.append(f"{path.relative_to(ROOT)}: a licence key or the remote engine")
    assert used == []
