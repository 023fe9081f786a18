"""The plugin loads: it imports, and the plugin manager registers it (``legacy-shape``,
``assemble``).

A package in the sqmkit 0.1 shape — module-level hook functions handing over the content of a
module-level :class:`~sqmkit.DataPack`, the entry point naming the module — is refused by the
manager at registration with a :class:`~sqmkit.PluginError` that says exactly what to change;
that message is the finding (``legacy-shape``), at the package's ``__init__.py``. Any other
failure to import or register is an ``assemble`` error there. An entry point naming a module
that holds a DataPack but implements no hook registers no content (``packaging``).
"""

from __future__ import annotations

import types
from typing import Any, Iterator

from ...datapack import DataPack
from ...errors import PluginError
from ...hookspecs import FAMILY_HOOKS
from ...plugins import Manager
from ..context import LintContext
from ..findings import Finding, error
from ..plugin import imported, manager_for
from ..rule import Rule
from ..source import CheckerError

CODES = ("legacy-shape", "assemble", "packaging")

#: the hooks a DataPack implements for the content of its files
CONTENT_HOOKS = frozenset({*FAMILY_HOOKS.values(), "register_forms", "register_checklists", "register_industries"})


def is_legacy(plugin: Any, exc: PluginError, name: str) -> bool:
    """Whether the manager refused ``plugin`` for the 0.1 shape: a module holding a DataPack
    whose content hook functions the manager named (``exc.hook``)."""
    return (isinstance(plugin, types.ModuleType) and exc.plugin == name and exc.hook in CONTENT_HOOKS
            and any(isinstance(value, DataPack) for value in vars(plugin).values()))


def _module_entry_point(ctx: LintContext, plugin: Any, mgr: Manager) -> list[Finding]:
    """An entry point naming a module that holds a DataPack (but no hooks) loads no content."""
    packs = [n for n, v in vars(plugin).items() if isinstance(v, DataPack)] \
        if isinstance(plugin, types.ModuleType) else []
    if not packs or CONTENT_HOOKS & set(mgr.hooks_of(ctx.source.name)):
        return []
    src, module = ctx.source, plugin.__name__
    at = src.dist_dir / "pyproject.toml" if src.dist_dir else src.init_file
    return [error("packaging", f"the plugin object is the module {module}, which holds DataPack {packs[0]!r} but "
                  "implements no content hook: sqmkit registers the module, so the pack's content never reaches "
                  "a client", at, hint=f'point the entry point at the pack: {src.name} = "{module}:{packs[0]}"')]


def _registration(ctx: LintContext, plugin: Any) -> list[Finding]:
    try:
        mgr = manager_for(ctx.source, plugin, with_installed=ctx.industry is None)
    except PluginError as exc:
        if is_legacy(plugin, exc, ctx.source.name):
            return [error("legacy-shape", str(exc), ctx.source.init_file)]
        return [error("assemble", f"the plugin cannot be registered: {exc}", ctx.source.init_file)]
    except CheckerError as exc:
        return [error("assemble", f"the plugin cannot be loaded: {exc}", ctx.source.init_file)]
    return _module_entry_point(ctx, plugin, mgr)


def check_plugin_loads(ctx: LintContext) -> Iterator[Finding]:
    """The package imports and the plugin manager registers the object sqmkit would load."""
    try:
        with imported(ctx.source) as (plugin, _spec):
            found = _registration(ctx, plugin)
    except CheckerError as exc:
        found = [error("assemble", f"the plugin cannot be loaded: {exc}", ctx.source.init_file)]
    yield from found


RULES = (Rule("plugin-loads", check_plugin_loads, CODES, stage="import"),)
