"""Packaging: sqmkit can load the distribution (``packaging`` error) and a wheel ships every data
file (``packaging`` warning).

The entry point in group ``sqmkit`` is how sqmkit finds the plugin: without one it is never
loaded. It names the plugin object (``laundry = "sqmkit_laundry:plugin"``) in this package. A data
file that no ``[tool.setuptools.package-data]`` pattern matches is left out of a non-editable
install.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

from ..context import LintContext
from ..findings import Finding, error, warning
from ..rule import Rule

CODES = ("packaging",)


def glob_match(rel: str, pattern: str) -> bool:
    """setuptools' package-data matching: ``*`` stays within a folder, ``**/`` spans folders."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.fullmatch(out, rel) is not None


def check_entry_point(ctx: LintContext) -> Iterator[Finding]:
    """The distribution declares a ``sqmkit`` entry point naming an object in this package."""
    src = ctx.source
    if src.builtin or src.dist_dir is None:
        return
    pyproject = src.dist_dir / "pyproject.toml"
    ep, package = src.entry_point, src.package_dir.name
    if ep is None:
        yield error("packaging", "the distribution declares no entry point in group 'sqmkit': sqmkit will never "
                    "load this plugin", pyproject, hint=f'add [project.entry-points.sqmkit] {src.name} = '
                    f'"{package}:plugin"')
    elif ep.module.split(".")[0] != package:
        yield error("packaging", f"the entry point {ep.name} = {ep.value!r} does not name the package {package!r}",
                    pyproject, hint=f'{ep.name} = "{package}:plugin"')


def _shipped_files(package_dir: Path, root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts \
                and not path.name.startswith("."):
            yield path


def check_package_data(ctx: LintContext) -> Iterator[Finding]:
    """Every data file matches a ``[tool.setuptools.package-data]`` pattern, when there are any."""
    src = ctx.source
    if src.builtin or src.dist_dir is None:
        return
    setuptools: dict[str, Any] = ((src.pyproject or {}).get("tool") or {}).get("setuptools") or {}
    patterns: dict[str, Any] = setuptools.get("package-data") or {}
    if not patterns:
        return
    package = src.package_dir.name
    mine = [*patterns.get(package, []), *patterns.get("*", [])]
    for path in _shipped_files(src.package_dir, ctx.root):
        rel = path.relative_to(src.package_dir).as_posix()
        if not any(glob_match(rel, p) for p in mine):
            yield warning("packaging", f"{rel} is not listed in [tool.setuptools.package-data]: a non-editable "
                          "install would leave it out", src.dist_dir / "pyproject.toml",
                          hint=f'add a pattern such as "{rel.split("/")[0]}/*" for {package}')


RULES = (Rule("entry-point", check_entry_point, CODES), Rule("package-data", check_package_data, CODES))
