"""Analysing text templates: the names, parameters, filters and references one text uses.

Every localizable text of a plugin is a small Jinja template (see :mod:`sqmkit.textrender`).
:func:`analyse_text` parses one without rendering it and lists what it uses, so that the rules
can check each use against what the plugin declares. A reference inside
``{% if "cod" in modules %}…{% endif %}`` is recorded with the module that guards it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment

from ..textrender import text_filters

#: the functions texts call to refer to a clause, a form or a checklist
REFERENCE_FUNCTIONS = ("ref", "form", "checklist")
#: names every text may use (the text context of :mod:`sqmkit.nodes`)
TEXT_NAMES = frozenset({"company", "org", "params", "doc", "modules", "industry", "cite", *REFERENCE_FUNCTIONS})


def text_env() -> jinja2.Environment:
    """An environment with the filters and globals texts have, to parse them with."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters.update(text_filters("zh-CN"))
    return env


@dataclass(frozen=True)
class Reference:
    """``ref("id")``, ``form("id")`` or ``checklist("id")``; ``target`` is ``None`` when the
    argument is computed; ``guards`` are the modules the text tests before it."""

    kind: str
    target: str | None
    guards: frozenset[str]


@dataclass
class TextUse:
    """What one text template uses."""

    refs: list[Reference] = field(default_factory=list)
    cites: list[Reference] = field(default_factory=list)  # cite("id"): normative references
    paths: list[tuple[str, list[Any]]] = field(default_factory=list)  # (root name, [attr, …])
    module_tests: list[str] = field(default_factory=list)  # "x" in modules
    names: set[str] = field(default_factory=set)  # free variables
    filters: set[str] = field(default_factory=set)


def _chain(node: nodes.Node) -> tuple[str, list[Any]] | None:
    """``params.a.b`` → ``("params", ["a", "b"])``; ``None`` when the chain has a computed part."""
    parts: list[Any] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            return node.name, parts[::-1]
        else:
            return None


def modules_in_test(test: nodes.Node) -> list[str]:
    """``"cod" in modules`` (also inside ``and``) → ``["cod"]``."""
    if isinstance(test, nodes.And):
        return modules_in_test(test.left) + modules_in_test(test.right)
    if (isinstance(test, nodes.Compare) and isinstance(test.expr, nodes.Const) and isinstance(test.expr.value, str)
            and len(test.ops) == 1 and test.ops[0].op == "in" and isinstance(test.ops[0].expr, nodes.Name)
            and test.ops[0].expr.name == "modules"):
        return [test.expr.value]
    return []


def _free_names(ast: nodes.Template) -> set[str]:
    stored = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    if any(True for _ in ast.find_all(nodes.For)):
        stored.add("loop")
    if any(True for _ in ast.find_all((nodes.Macro, nodes.CallBlock))):
        stored |= {"varargs", "kwargs", "caller"}
    return {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"} - stored


class _Reader:
    """Walks a template's syntax tree, recording uses into ``use``."""

    def __init__(self, use: TextUse):
        self.use = use

    def conditional(self, test: nodes.Node, guarded: Sequence[nodes.Node], others: Sequence[nodes.Node],
                    guards: frozenset[str]) -> None:
        self.visit(test, guards)
        for child in guarded:
            self.visit(child, guards | set(modules_in_test(test)))
        for child in others:
            self.visit(child, guards)

    def visit(self, node: nodes.Node, guards: frozenset[str]) -> None:
        use = self.use
        if isinstance(node, nodes.If):
            return self.conditional(node.test, node.body, [*node.elif_, *node.else_], guards)
        if isinstance(node, nodes.CondExpr):
            others = [node.expr2] if node.expr2 is not None else []
            return self.conditional(node.test, [node.expr1], others, guards)
        if isinstance(node, nodes.Compare):
            use.module_tests += modules_in_test(node)
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in REFERENCE_FUNCTIONS:
            arg = node.args[0] if node.args else None
            target = arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None
            use.refs.append(Reference(node.node.name, target, guards))
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "cite":
            arg = node.args[0] if node.args else None
            target = arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None
            use.cites.append(Reference("cite", target, guards))
        if isinstance(node, nodes.Filter):
            use.filters.add(node.name)
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            found = _chain(node)
            if found is not None:
                use.paths.append(found)
                return None
        if isinstance(node, nodes.Name) and node.ctx == "load":
            use.paths.append((node.name, []))
        for child in node.iter_child_nodes():
            self.visit(child, guards)
        return None


def analyse_text(source: str, env: jinja2.Environment) -> TextUse:
    """Parse one text template and list what it uses (raises ``jinja2.TemplateSyntaxError``)."""
    ast = env.parse(source)
    use = TextUse(names=_free_names(ast))
    _Reader(use).visit(ast, frozenset())
    return use
