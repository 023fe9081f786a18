"""The layout rules of docs/architecture.md, checked on the source: no import cycle, boundaries that
run one way, one public API for plugins, and small modules and functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sqmkit

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sqmkit"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imports(path: Path, *, top_level_only: bool) -> set[str]:
    """The absolute names of the modules ``path`` imports (run-time imports only: code under
    ``if TYPE_CHECKING:`` is left out; with ``top_level_only``, imports inside functions too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and top_level_only:
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, field, None)
                if isinstance(children, list) and children and isinstance(children[0], (ast.stmt, ast.excepthandler)):
                    visit([c for c in children if isinstance(c, ast.stmt)] +
                          [s for h in children if isinstance(h, ast.excepthandler) for s in h.body])

    visit(tree.body)
    return found


def sqmkit_graph() -> dict[str, set[str]]:
    names = {module_name(p) for p in MODULES}
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        me = module_name(path)
        graph[me] = {n for n in imports(path, top_level_only=True) if n in names and n != me}
    return graph


def test_no_import_cycle():
    """Module-level imports between sqmkit's modules form no cycle (the package root, which
    re-exports the public API, is left out: it imports everything and nothing imports it)."""
    graph = {m: {d for d in deps if d != "sqmkit"} for m, deps in sqmkit_graph().items() if m != "sqmkit"}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep):] + [dep]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def importers_of(library: str) -> set[str]:
    return {module_name(p) for p in MODULES
            if any(n == library or n.startswith(library + ".") for n in imports(p, top_level_only=False))}


@pytest.mark.parametrize("library, allowed", [
    ("weasyprint", {"sqmkit.printing", "sqmkit.printchunks"}),
    ("tinydb", {"sqmkit.store"}),
    ("pikepdf", {"sqmkit.pdfbind", "sqmkit.pdftags"}),
])
def test_one_module_imports_each_heavy_library(library, allowed):
    assert importers_of(library) == allowed


def test_the_format_contract_is_a_leaf():
    assert not {n for n in imports(PACKAGE / "formats.py", top_level_only=False) if n.startswith("sqmkit")}


def test_renderers_do_not_see_the_plugin_manager():
    for path in sorted((PACKAGE / "render").glob("*.py")):
        assert "sqmkit.plugins" not in imports(path, top_level_only=False), path.name


PLUGIN_SOURCES = sorted(
    [*ROOT.glob("plugins/*/sqmkit_*/**/*.py"), *ROOT.glob("plugins/*/tests/*.py"), PACKAGE / "testing.py",
     *(PACKAGE / "scaffold_templates").rglob("*.py.tmpl")])


@pytest.mark.parametrize("path", PLUGIN_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_plugins_their_tests_the_scaffold_and_the_fixtures_import_only_the_public_api(path):
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".tmpl":
        source = source.replace("[[ package ]]", "sqmkit_scaffolded")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sqmkit") \
                and not node.module.startswith("sqmkit_"):
            assert node.module == "sqmkit", f"{path.name}: from {node.module} import … (use: from sqmkit import …)"
            unknown = [a.name for a in node.names if a.name not in sqmkit.__all__]
            assert not unknown, f"{path.name}: {unknown} are not in sqmkit.__all__"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name == "sqmkit" or not alias.name.startswith("sqmkit.") , f"{path.name}: import {alias.name}"


def test_the_public_api_is_declared_and_importable():
    assert len(sqmkit.__all__) == len(set(sqmkit.__all__))
    for name in sqmkit.__all__:
        assert hasattr(sqmkit, name), name


CORE_MODULES = [p for p in MODULES if "scaffold_templates" not in p.parts]


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 400, f"{path.name} has {len(source.splitlines())} lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= 50, f"{path.name}:{node.lineno} {node.name}() has {length} lines"
