"""Running the rules over one plugin: collect their findings, keep one of each, sort them.

Static rules always run; rules that import the plugin run when asked to assemble; the assembly
rules only when nothing before them found an error (see :mod:`sqmkit.lint.rule`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from .. import schema
from .context import LintContext
from .findings import ERROR, Finding, Report
from .load import load_context
from .rule import Rule
from .rules import RULES
from .rules.assembly import plan
from .source import locate


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    """One finding of each (the same problem seen by two rules, or in two assemblies), errors
    first, then by file and line (rule order within one line)."""
    unique: dict[tuple[Any, ...], Finding] = {}
    for f in findings:
        unique.setdefault(f.key(), f)
    return sorted(unique.values(), key=lambda f: (0 if f.severity == ERROR else 1, str(f.file or ""), f.line or 0))


def _stats(ctx: LintContext) -> dict[str, Any]:
    count = {kind: sum(1 for d in ctx.index.values() if d.kind == kind)
             for kind in ("chapter", "clause", "form", "checklist", "check item")}
    return {"chapters": count["chapter"], "clauses": count["clause"], "forms": count["form"],
            "checklists": count["checklist"], "check_items": count["check item"],
            "languages": [schema.DEFAULT_LANGUAGE, *ctx.languages], "assemblies": 0}


def run(ctx: LintContext, rules: Iterable[Rule] = RULES, *, assemble: bool = True) -> Report:
    """Run ``rules`` over the context; a :class:`Report` of what they found."""
    report = Report(ctx.source.name, ctx.source.package_dir, stats=_stats(ctx))
    findings: list[Finding] = []
    for rule in rules:
        if rule.stage != "static" and not assemble:
            continue
        if rule.stage == "assembly" and any(f.severity == ERROR for f in findings):
            report.stats["assembly_skipped"] = True
            continue
        findings += rule.check(ctx)
        if rule.stage == "assembly":
            report.stats["assemblies"] = len(plan(ctx))
    report.findings = _unique(findings)
    report.stats["unchecked_articles"] = sum(1 for f in report.findings if f.code == "unchecked")
    return report


def check_plugin(target: str | Path, *, assemble: bool = True) -> Report:
    """Check one plugin: an installed plugin name, a distribution folder or a package folder.

    With ``assemble`` (the default) the plugin is imported and its demo profiles assembled with
    the core's real assembler; without it only its files are read."""
    src = locate(target)
    return run(load_context(src), assemble=assemble)
