"""The rules of the plugin linter, one module per concern, in the order they run.

Each module declares ``CODES`` (the finding codes it reports) and ``RULES`` (its :class:`Rule`
objects); a rule is a function from the shared :class:`~sqmkit.lint.context.LintContext` to
:class:`~sqmkit.lint.findings.Finding` objects.
"""

from __future__ import annotations

from ..rule import Rule
from . import (
    assembly, borrowing, citations, coverage, drafting, examples, files, ids, improvement, literals, modules,
    packaging, params, references, shape, templates, texts,
)

#: the rule modules, in running order
MODULES = (packaging, files, ids, modules, params, improvement, texts, literals, references, borrowing, citations,
           drafting, coverage, examples, templates, shape, assembly)
#: every rule, in running order
RULES: tuple[Rule, ...] = tuple(rule for module in MODULES for rule in module.RULES)
#: every finding code a rule may report
CODES: frozenset[str] = frozenset(code for module in MODULES for code in module.CODES)

__all__ = ["RULES", "CODES", "MODULES", "Rule"]
