"""``sqmkit plugin new``: write a working industry plugin distribution to start from.

The result has the built-in plugins' shape::

    sqmkit-<name>/
        pyproject.toml            # entry point sqmkit: <name> = "sqmkit_<name>:plugin", package data
        README.md
        sqmkit_<name>/
            __init__.py           # plugin = DataPack.for_package(__name__): the pack is the plugin
            industry.yaml         # the industry, one optional module, parameters, departments, roles
            rules/10-standards.yaml, rules/60-controls.yaml   # each states its family: once
            forms/complaint-register.yaml
            checklists/service-check.yaml
            templates/README.md   # where template overrides go (found by convention)
            examples/demo-<name>.yaml
        tests/test_<name>.py      # imports only from sqmkit; uses the fixtures sqmkit ships

Straight after ``pip install -e sqmkit-<name>``, ``sqmkit build`` builds the demo handbook,
``sqmkit plugin check <name>`` reports nothing and ``pytest`` passes. The files are written to
a staging folder and moved into place at the end, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import keyword
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SqmkitError

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

#: where the scaffold's file templates are (package data of sqmkit)
TEMPLATES = Path(__file__).resolve().parent / "scaffold_templates"
#: a plugin name: lower-case letters and digits, words joined by single hyphens
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
MAX_NAME = 32
#: names of the built-in plugins and words the core uses itself
RESERVED = {"courier", "clinic", "hospitality", "default", "sqmkit", "core", "builtin", "general",
            "supplementary", "test", "tests", "plugin", "plugins"}


class ScaffoldError(SqmkitError):
    """The plugin cannot be created (bad name, target folder in the way)."""


@dataclass
class Scaffold:
    """What :func:`new_plugin` wrote."""

    name: str
    package: str
    distribution: str
    target: Path
    files: list[Path] = field(default_factory=list)

    @property
    def package_dir(self) -> Path:
        return self.target / self.package

    @property
    def demo_profile(self) -> Path:
        return self.package_dir / "examples" / f"demo-{self.name}.yaml"


def check_name(name: str) -> str:
    """Return ``name`` if it can name a plugin, else raise :class:`ScaffoldError` saying why."""
    if not name:
        raise ScaffoldError("the plugin name is empty")
    bare = name
    for prefix in ("sqmkit-", "sqmkit_"):
        if name.lower().startswith(prefix):
            bare = name[len(prefix):]
            raise ScaffoldError(f"plugin name {name!r}: leave out the 'sqmkit-' prefix; it is added to the "
                                f"distribution and package names (try: sqmkit plugin new {bare.lower()})")
    if not NAME_RE.match(name):
        suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        suggestion = re.sub(r"^[0-9-]+", "", suggestion)
        hint = f" (try: {suggestion})" if suggestion and NAME_RE.match(suggestion) else ""
        raise ScaffoldError(f"plugin name {name!r} is not valid: use lower-case letters and digits, starting with a "
                            f"letter, words joined by single hyphens, e.g. 'water-supply'{hint}")
    if len(name) > MAX_NAME:
        raise ScaffoldError(f"plugin name {name!r} is longer than {MAX_NAME} characters; it starts every clause id")
    if name in RESERVED:
        if name in {"courier", "clinic", "hospitality", "default"}:
            raise ScaffoldError(f"plugin name {name!r} is a built-in plugin; choose a more specific name "
                                f"(e.g. '{name}-express')")
        raise ScaffoldError(f"plugin name {name!r} is reserved by sqmkit; choose another name")
    if keyword.iskeyword(name) or keyword.iskeyword(name.replace("-", "_")) or name in keyword.softkwlist:
        raise ScaffoldError(f"plugin name {name!r} is a Python keyword; choose another name")
    return name


def _check_not_installed(name: str, package: str) -> None:
    """Refuse a name an installed plugin (entry point) or an importable package already has."""
    import importlib.util

    from .plugins import installed_plugin_names

    if name in installed_plugin_names():
        raise ScaffoldError(f"a plugin named {name!r} is already installed (sqmkit plugins lists it); "
                            "choose another name")
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        found = None
    if found is not None:
        raise ScaffoldError(f"a Python package {package!r} is already importable ({found.origin}); choose another name")


def _render_env() -> "jinja2.Environment":
    import jinja2

    # [[ ]] and [% %] so that the sqmkit text templates inside the files ({{ params.x }}) stay as written
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        variable_start_string="[[", variable_end_string="]]",
        block_start_string="[%", block_end_string="%]",
        comment_start_string="[#", comment_end_string="#]",
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False,
    )


def _output_path(rel: str, ctx: dict[str, str]) -> str:
    """Where the file rendered from template ``rel`` goes inside the new distribution."""
    rel = rel.removesuffix(".tmpl")
    if rel.startswith("package/"):
        rel = ctx["package"] + rel[len("package"):]
    rel = rel.replace("examples/demo.yaml", f"examples/demo-{ctx['name']}.yaml")
    rel = rel.replace("tests/test_plugin.py", f"tests/test_{ctx['module_name']}.py")
    if rel == "gitignore":
        rel = ".gitignore"
    return rel


def new_plugin(name: str, target: str | Path | None = None, *, zh_name: str | None = None,
               en_name: str | None = None, check_installed: bool = True) -> Scaffold:
    """Write a new plugin distribution for industry ``name`` into ``target``
    (default ``./sqmkit-<name>``) and return what was written."""
    check_name(name)
    module_name = name.replace("-", "_")
    package = f"sqmkit_{module_name}"
    if check_installed:
        _check_not_installed(name, package)
    target = Path(target) if target is not None else Path.cwd() / f"sqmkit-{name}"
    target = target.absolute()
    if target.exists():
        if not target.is_dir():
            raise ScaffoldError(f"{target} exists and is not a folder")
        if any(target.iterdir()):
            raise ScaffoldError(f"{target} already exists and is not empty; give a new folder with --dir")
    en = en_name or " ".join(w.capitalize() for w in name.split("-"))
    zh = zh_name or f"{en}服务"
    for label, value in (("--zh-name", zh), ("--en-name", en)):
        if not value.strip() or any(c in value for c in "\n\r\"\\:#{}[]") or len(value) > 40:
            raise ScaffoldError(f"{label} {value!r}: use a short name without quotes, colons, brackets or line breaks")
    ctx = {"name": name, "module_name": module_name, "package": package, "dist": f"sqmkit-{name}",
           "entry_key": name, "zh_name": zh, "en_name": en, "en_name_lower": en.lower()}

    env = _render_env()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    written: list[Path] = []
    try:
        for source in sorted(TEMPLATES.rglob("*.tmpl")):
            rel = source.relative_to(TEMPLATES).as_posix()
            out = staging / _output_path(rel, ctx)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(env.get_template(rel).render(ctx), encoding="utf-8")
            written.append(target / out.relative_to(staging))
        os.chmod(staging, 0o755)
        if target.exists():
            target.rmdir()  # empty: checked above
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Scaffold(name, package, f"sqmkit-{name}", target, sorted(written))
