"""Files that cannot be read or do not match the schema (``schema``).

The problems were found once, when the context was loaded (every problem of a file, each at its
field path and line); this rule reports them, with the fields a model has when one is unknown.
"""

from __future__ import annotations

from typing import Iterator

from ...yamlio import parse_loc
from ..context import DataFile, LintContext, SchemaProblem
from ..findings import Finding, from_data_error, warning
from ..rule import Rule
from ..walk import fields_at

CODES = ("schema",)


def _hint(f: DataFile, problem: SchemaProblem) -> str | None:
    if problem.kind != "extra_forbidden":
        return None
    name, fields = fields_at(f.model, tuple(parse_loc(problem.error.where))[:-1])
    return f"{name} fields: " + ", ".join(fields) if fields else None


def check_readable(ctx: LintContext) -> Iterator[Finding]:
    """Every file is YAML; every file in a data folder is read."""
    for exc in ctx.load_errors:
        yield from_data_error("schema", exc)
    for sub, path in ctx.stray:
        yield warning("schema", f"{path.name} is not read: only *.yaml files in {sub}/ are", path)


def check_schema(ctx: LintContext) -> Iterator[Finding]:
    """Every data file matches its model (:mod:`sqmkit.schema`)."""
    for f in ctx.files:
        for problem in f.problems:
            yield from_data_error("schema", problem.error, hint=_hint(f, problem))


RULES = (Rule("readable", check_readable, CODES), Rule("schema", check_schema, CODES))
