"""Templates: every template in the package's ``templates/`` folder parses (``template``)."""

from __future__ import annotations

from typing import Iterator

import jinja2

from ..context import LintContext
from ..findings import Finding, error
from ..rule import Rule

CODES = ("template",)
#: the files in templates/ that are Jinja templates
SUFFIXES = (".html", ".htm", ".css", ".js", ".txt", ".xml", ".svg")


def check_templates(ctx: LintContext) -> Iterator[Finding]:
    """Every template override is UTF-8 text that Jinja parses."""
    folder = ctx.root / "templates"
    if not folder.is_dir():
        folder = ctx.source.package_dir / "templates"
        if not folder.is_dir():
            return
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in SUFFIXES:
            continue
        try:
            env.parse(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            yield error("template", "is not UTF-8 text", path)
        except jinja2.TemplateSyntaxError as exc:
            yield error("template", f"template syntax error: {exc.message}", path, line=exc.lineno)


RULES = (Rule("templates", check_templates, CODES),)
