"""The plugin manager: built by a factory, never at import time.

Plugins come from three places, registered in this order and then called in a deterministic
order (sorted by name, the built-in default plugin last):

1. installed distributions with an entry point in group ``sqmkit``;
2. plugins passed by the caller (tests, embedding applications);
3. the built-in plugins in :data:`DEFAULT_PLUGINS`.

``SQMKIT_BLOCK_PLUGINS=name1,name2`` skips installed plugins by entry-point name.
Whatever goes wrong inside a plugin (import error, unknown hook, wrong hook arguments, an
exception raised by a hook) becomes a :class:`~sqmkit.errors.PluginError` naming the plugin.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from dataclasses import dataclass, field
from typing import Any, Iterable

import pluggy

from . import hookspecs
from .errors import PluginError

ENTRY_POINT_GROUP = "sqmkit"
BLOCK_ENV = "SQMKIT_BLOCK_PLUGINS"
#: built-in plugins, registered exactly like third-party ones; (name, module)
DEFAULT_PLUGINS: tuple[tuple[str, str], ...] = (("sqmkit.default", "sqmkit.builtin"),)


@dataclass
class PluginInfo:
    name: str
    version: str | None
    module: str
    builtin: bool = False


@dataclass
class Manager:
    """A pluggy manager plus what sqmkit knows of each plugin, and ordered hook calls."""

    pm: pluggy.PluginManager
    infos: dict[str, PluginInfo] = field(default_factory=dict)

    def order(self) -> list[str]:
        builtin = [n for n, i in self.infos.items() if i.builtin]
        others = sorted(n for n, i in self.infos.items() if not i.builtin)
        return others + [n for n, _ in DEFAULT_PLUGINS if n in builtin]

    def call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook`` in plugin order.

        Returns ``(plugin_name, result)`` pairs for results that are not ``None``, so callers
        can say which plugin contributed what. A raising hook becomes a PluginError.
        """
        caller = getattr(self.pm.hook, hook)
        impls = {impl.plugin_name: impl for impl in caller.get_hookimpls()}
        out = []
        for name in self.order():
            impl = impls.get(name)
            if impl is None:
                continue
            args = {a: kwargs[a] for a in impl.argnames if a in kwargs}
            try:
                result = impl.function(**args)
            except PluginError:
                raise
            except Exception as exc:  # a plugin's own bug: name the plugin and the hook
                from .errors import SqmkitError

                if isinstance(exc, SqmkitError):
                    raise PluginError(name, f"hook {hook}: {exc}") from exc
                raise PluginError(name, f"hook {hook} raised {type(exc).__name__}: {exc}") from exc
            if result is not None:
                out.append((name, result))
        return out

    def hooks_of(self, name: str) -> list[str]:
        plugin = self.pm.get_plugin(name)
        return sorted(
            impl_name for impl_name in hookspecs.hook_names()
            if any(i.plugin_name == name for i in getattr(self.pm.hook, impl_name).get_hookimpls())
        ) if plugin is not None else []


def _register(pm: pluggy.PluginManager, plugin: Any, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(name, f"invalid hook implementation: {exc}") from None
    except ValueError as exc:
        raise PluginError(name, f"cannot be registered: {exc}") from None


def _blocked() -> set[str]:
    return {p.strip() for p in os.environ.get(BLOCK_ENV, "").split(",") if p.strip()}


def _entry_points() -> list[importlib.metadata.EntryPoint]:
    seen: dict[str, importlib.metadata.EntryPoint] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        seen.setdefault(ep.name, ep)
    return [seen[n] for n in sorted(seen)]


def get_plugin_manager(
    extra: Iterable[tuple[str, Any]] = (),
    *,
    load_entry_points: bool = True,
    builtin: bool = True,
) -> Manager:
    """Build a fresh plugin manager.

    ``extra`` is ``(name, plugin)`` pairs registered besides the installed ones (a plugin is a
    module or any object with ``@hookimpl`` functions).
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    mgr = Manager(pm)
    blocked = _blocked()
    if load_entry_points:
        for ep in _entry_points():
            if ep.name in blocked:
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(ep.name, f"failed to import {ep.value}: {type(exc).__name__}: {exc}") from None
            version = ep.dist.version if ep.dist else None
            _register(pm, plugin, ep.name)
            mgr.infos[ep.name] = PluginInfo(ep.name, version, ep.value)
    for name, plugin in extra:
        if name in mgr.infos:
            raise PluginError(name, "a plugin with this name is already registered")
        _register(pm, plugin, name)
        mgr.infos[name] = PluginInfo(name, getattr(plugin, "__version__", None), getattr(plugin, "__name__", repr(plugin)))
    if builtin:
        from . import __version__

        for name, module in DEFAULT_PLUGINS:
            _register(pm, importlib.import_module(module), name)
            mgr.infos[name] = PluginInfo(name, __version__, module, builtin=True)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        plugin_name = pm.get_name(exc.plugin) if getattr(exc, "plugin", None) is not None else "?"
        raise PluginError(plugin_name or "?", f"implements an unknown hook: {exc}") from None
    return mgr
