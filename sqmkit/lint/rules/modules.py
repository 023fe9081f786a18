"""Modules: every ``module:`` and every ``"x" in modules`` names a module the industry declares
(``unknown-module``). A plugin without ``industry.yaml`` adds to another plugin's industry,
whose modules it cannot see: it is not checked."""

from __future__ import annotations

from typing import Iterator

from ..context import LintContext
from ..findings import Finding, error
from ..rule import Rule

CODES = ("unknown-module",)


def _declared(modules: set[str]) -> str:
    return ", ".join(sorted(modules)) or "none"


def check_module_fields(ctx: LintContext) -> Iterator[Finding]:
    """``module:`` names a declared module."""
    modules = ctx.modules
    if modules is None:
        return
    for site in ctx.sites:
        module = site.data.get("module")
        if "module" in site.cls.model_fields and isinstance(module, str) and module not in modules:
            yield error("unknown-module", f"module {module!r} is not declared by industry {ctx.industry_id!r}",
                        site.doc, site.place.loc + ("module",),
                        f"declared modules: {_declared(modules)} (industry.yaml modules)")


def check_module_tests(ctx: LintContext) -> Iterator[Finding]:
    """``"x" in modules`` in a text names a declared module."""
    modules = ctx.modules
    if modules is None:
        return
    for t in ctx.templates:
        for module in t.use.module_tests if t.use else []:
            if module not in modules:
                yield error("unknown-module", f"the text tests module {module!r}, which industry "
                            f"{ctx.industry_id!r} does not declare", t.doc, t.loc,
                            f"declared modules: {_declared(modules)}")


RULES = (Rule("module-fields", check_module_fields, CODES), Rule("module-tests", check_module_tests, CODES))
