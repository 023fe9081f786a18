"""What texts read is declared (``undeclared``), parameters are declared in full and grade
scales are scales (``schema``).

``{{ params.x.y }}`` needs ``x.y`` under ``parameters`` in ``industry.yaml``;
``org.departments.k``, ``org.roles.k`` and ``org.terms.k`` a declared department, post or term;
``company``, ``doc`` and ``industry`` have fixed fields. A grades block's ``param`` and a
checklist's ``bands`` name a parameter holding a grade scale. Every parameter declaration is
checked with the core's own :func:`sqmkit.paramspec.read_tree` — type, default in range, meaning —
every problem, not only the first one the schema stops at, and a bare default of the older shape
is an error until it is declared. Every grade scale in a checklist is checked with
:func:`sqmkit.grades.scale_problems`. A plugin without ``industry.yaml`` adds to another plugin's
industry, whose parameters and organization it cannot see: those uses are not checked.
"""

from __future__ import annotations

from typing import Any, Iterator

from ... import schema
from ...grades import is_scale, scale_problems
from ...paramspec import defaults_tree, read_tree
from ...profile import Company, DocumentControl
from ...yamlio import YamlDoc
from ..context import LintContext
from ..findings import Finding, Loc, error
from ..rule import Rule

CODES = ("undeclared", "schema")

COMPANY_FIELDS = frozenset(Company.model_fields)
DOC_FIELDS = frozenset(DocumentControl.model_fields) - {"revisions"}
INDUSTRY_FIELDS = frozenset({"id", "name"})
ORG_PARTS = {"departments": "department", "roles": "role", "terms": "term"}
#: fields naming a parameter that holds a grade scale
BAND_PARAMS: dict[type[Any], str] = {schema.GradesBlock: "param", schema.Checklist: "bands"}


def _param(ctx: LintContext, parts: list[Any], doc: YamlDoc, loc: Loc, what: str) -> Iterator[Finding]:
    """Findings for ``params.<parts>``; ends silently where the value is not a mapping or list."""
    if ctx.industry is None:
        return
    node: Any = _defaults(ctx)
    done: list[str] = []
    for part in parts:
        if isinstance(node, dict) and part not in node:
            path = ".".join(done)
            known = ", ".join(sorted(str(k) for k in node)) or "none"
            yield error("undeclared", f"{what} params.{'.'.join(str(p) for p in parts)} is not declared", doc, loc,
                        f"declare it with a default under parameters{('.' + path) if path else ''} in "
                        f"industry.yaml (declared there: {known})")
            return
        if isinstance(node, list) and isinstance(part, int) and not -len(node) <= part < len(node):
            yield error("undeclared", f"{what} index {part} is out of range", doc, loc)
            return
        if not isinstance(node, (dict, list)) or (isinstance(node, list) and not isinstance(part, int)):
            return
        node = node[part]
        done.append(str(part))


def _org(ctx: LintContext, parts: list[Any], doc: YamlDoc, loc: Loc) -> Iterator[Finding]:
    if parts[0] not in ORG_PARTS:
        yield error("undeclared", f"org.{parts[0]} does not exist", doc, loc,
                    "use org.departments.<key>, org.roles.<key> or org.terms.<key>")
    elif len(parts) > 1 and ctx.industry is not None:
        declared = ctx.industry.get(parts[0]) or {}
        if parts[1] not in declared:
            yield error("undeclared", f"{ORG_PARTS[parts[0]]} org.{parts[0]}.{parts[1]} is not declared", doc, loc,
                        f"declare it under {parts[0]}: in industry.yaml (declared: "
                        f"{', '.join(sorted(declared)) or 'none'})")


def _fixed(root: str, parts: list[Any], fields: frozenset[str], doc: YamlDoc, loc: Loc) -> Iterator[Finding]:
    if parts[0] not in fields:
        yield error("undeclared", f"{root}.{parts[0]} does not exist", doc, loc,
                    f"{root} has: {', '.join(sorted(fields))}")


def check_text_values(ctx: LintContext) -> Iterator[Finding]:
    """The parameters, departments, roles and fields texts read are declared."""
    fixed = {"company": COMPANY_FIELDS, "doc": DOC_FIELDS, "industry": INDUSTRY_FIELDS}
    for t in ctx.templates:
        for root, parts in t.use.paths if t.use else []:
            if not parts:
                continue
            if root == "params":
                yield from _param(ctx, parts, t.doc, t.loc, "parameter")
            elif root == "org":
                yield from _org(ctx, parts, t.doc, t.loc)
            elif root in fixed:
                yield from _fixed(root, parts, fixed[root], t.doc, t.loc)


def _defaults(ctx: LintContext) -> dict[str, Any]:
    """The tree of default values ``industry.yaml`` declares (as far as it can be read)."""
    if ctx.industry_spec is not None:
        return ctx.industry_spec.parameters
    specs, _problems = read_tree((ctx.industry or {}).get("parameters") or {})
    return defaults_tree(specs)


def _lookup(ctx: LintContext, parts: list[str]) -> Any:
    node: Any = _defaults(ctx)
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def check_band_parameters(ctx: LintContext) -> Iterator[Finding]:
    """A grades block's ``param`` and a checklist's ``bands`` name a declared grade scale."""
    for site in ctx.sites:
        name = BAND_PARAMS.get(site.cls)
        value = site.data.get(name) if name else None
        if name is None or not isinstance(value, str):
            continue
        loc = site.place.loc + (name,)
        yield from _param(ctx, value.split("."), site.doc, loc, "grade bands parameter")
        scale = _lookup(ctx, value.split("."))
        if scale is not None and not is_scale(scale):  # a scale with problems is reported where it is
            yield error("schema", f"grade bands parameter params.{value} is not a grade scale", site.doc, loc,
                        "a grade scale is a list of bands, each with grade and min, highest first")


def check_declarations(ctx: LintContext) -> Iterator[Finding]:
    """Every parameter is declared with type, default, meaning (and range, unit), consistently."""
    if ctx.industry_file is None or ctx.industry is None or "parameters" not in ctx.industry:
        return
    doc = ctx.industry_file.doc
    specs, problems = read_tree(ctx.industry["parameters"])
    for loc, problem in problems:
        yield error("schema", problem, doc, ("parameters",) + loc)
    bare = [spec for spec in specs if not spec.declared]
    if bare:  # the shape of sqmkit 0.2: one finding for them all, at the first
        first = bare[0]
        names = ", ".join(s.path for s in bare[:8]) + (", …" if len(bare) > 8 else "")
        yield error("schema", f"{len(bare)} parameter(s) have a default but no declaration: {names}", doc,
                    ("parameters",) + tuple(first.path.split(".")),
                    f"write each as a mapping with type, default and meaning (and min, max, unit where they "
                    f"apply), e.g. {first.path.split('.')[-1]}: {{type: {first.type}, default: …, meaning: …}}; "
                    "see docs/plugins.md, section 3.3")


def check_scales(ctx: LintContext) -> Iterator[Finding]:
    """Every grade scale in checklists is valid (the industry's are checked as declarations)."""
    for site in ctx.sites:
        inline = site.data.get("bands")
        if site.cls is schema.Checklist and isinstance(inline, list):
            for sub, problem in scale_problems(inline):
                yield error("schema", problem, site.doc, site.place.loc + ("bands",) + sub)


RULES = (Rule("text-values", check_text_values, ("undeclared",)),
         Rule("band-parameters", check_band_parameters, CODES),
         Rule("parameter-declarations", check_declarations, ("schema",)),
         Rule("grade-scales", check_scales, ("schema",)))
