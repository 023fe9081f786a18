"""Importing the plugin under check and registering it with a fresh plugin manager.

The package is imported afresh from its folder (whatever is imported under the same name is set
aside and put back afterwards), so the linter sees the files as they are now and checking never
changes what the running process sees. The plugin object is what sqmkit would load: the
attribute the entry point names (``sqmkit_courier:plugin``), the package itself when the entry
point names only the package, and, without an entry point, the package's ``plugin`` when that
is a :class:`~sqmkit.DataPack`.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from pathlib import Path
from typing import Any, Iterator

from ..datapack import DataPack
from ..plugins import Manager, get_plugin_manager, installed_entry_points
from .source import CheckerError, PluginSource


@contextlib.contextmanager
def fresh_import(src: PluginSource) -> Iterator[types.ModuleType]:
    """Import the plugin package from ``src.package_dir`` as a fresh module, for the ``with``
    block."""
    top = src.module.split(".")[0]
    parent = src.package_dir.parent
    for _ in range(src.module.count(".")):
        parent = parent.parent

    def ours() -> list[str]:
        return [k for k in sys.modules if k == top or k.startswith(top + ".")]

    saved = {k: sys.modules.pop(k) for k in ours()}
    sys.path.insert(0, str(parent))
    importlib.invalidate_caches()
    try:
        try:
            module = importlib.import_module(src.module)
        except Exception as exc:
            raise CheckerError(f"importing {src.module!r} failed: {type(exc).__name__}: {exc}") from None
        origin = Path(getattr(module, "__file__", None) or "").resolve().parent
        if origin != src.package_dir.resolve():
            raise CheckerError(f"importing {src.module!r} found {origin}, not {src.package_dir}")
        yield module
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(parent))
        for k in ours():
            del sys.modules[k]
        sys.modules.update(saved)


def plugin_object(src: PluginSource, module: types.ModuleType) -> tuple[Any, str]:
    """The object sqmkit would register for this package, and how it is named."""
    ep = src.entry_point
    if ep is not None and ep.attribute:
        obj: Any = module
        for part in ep.attribute.split("."):
            if not hasattr(obj, part):
                raise CheckerError(f"the entry point {ep.name} = {ep.value!r} names {ep.attribute!r}, which "
                                   f"{src.module} does not define")
            obj = getattr(obj, part)
        return obj, ep.value
    if ep is None and isinstance(getattr(module, "plugin", None), DataPack):
        return module.plugin, f"{src.module}:plugin"
    return module, src.module


def _others(src: PluginSource) -> list[tuple[str, Any]]:
    """The installed plugins besides this one (for a plugin that adds to another's industry)."""
    out = []
    for ep in installed_entry_points():
        if ep.name != src.name:
            try:
                out.append((ep.name, ep.load()))
            except Exception as exc:
                raise CheckerError(f"importing the installed plugin {ep.name!r} ({ep.value}) failed: "
                                   f"{type(exc).__name__}: {exc}") from None
    return out


@contextlib.contextmanager
def imported(src: PluginSource) -> Iterator[tuple[Any, str]]:
    """The plugin object, freshly imported, and how it is named, for the ``with`` block
    (raises :class:`CheckerError` when it cannot be imported)."""
    if src.builtin:
        from ..builtin import plugin

        yield plugin, "sqmkit.builtin:plugin"
        return
    with fresh_import(src) as module:
        yield plugin_object(src, module)


def manager_for(src: PluginSource, plugin: Any, *, with_installed: bool = False) -> Manager:
    """A fresh manager holding the plugin and the built-in default plugin (with
    ``with_installed``, the other installed plugins too). Raises the manager's
    :class:`~sqmkit.PluginError` when the plugin cannot be registered."""
    if src.builtin:
        return get_plugin_manager(load_entry_points=False)
    extra = [(src.name, plugin), *(_others(src) if with_installed else [])]
    return get_plugin_manager(extra, load_entry_points=False)
