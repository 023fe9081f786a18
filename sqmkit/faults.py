"""Who is at fault: the plugin whose code or template raised an exception.

Hooks are called one implementation at a time (:meth:`sqmkit.plugins.Manager._call`), so a fault
inside a hook is attributed where it happens. Some plugin code runs later, from inside the core:
an output format's ``render``, a Jinja filter a plugin added in ``prepare_jinja_env``, a template
from a plugin's template folder. For those, the traceback tells: its innermost frame that lies in
a plugin's files (its package folder, the files of its hook functions) or in a template folder a
plugin registered names the plugin, and the file and line. A frame in the user's own templates
folder makes it the user's template, not a plugin's.
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .errors import BuildError, PluginError, SqmkitError
from .messages import _

if TYPE_CHECKING:  # pragma: no cover
    from .plugins import Manager

#: the core's own source folder: a frame there is nobody's fault but the core's
_CORE = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Site:
    """Where a fault happened: ``owner`` is a plugin name, or None for the user's templates."""

    owner: str | None
    file: str
    line: int | None


def describe(exc: BaseException) -> str:
    """``ZeroDivisionError: division by zero``; ``SystemExit(0)`` for an exit."""
    if isinstance(exc, SystemExit):
        return f"SystemExit({exc.code!r})"
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _code_file(function: Any) -> str | None:
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    return os.path.abspath(code.co_filename) if code is not None else None


def _module_place(module_name: str) -> str | None:
    """The folder of a package (or the file of a module) already imported."""
    module = sys.modules.get(module_name)
    file = getattr(module, "__file__", None)
    if not isinstance(file, str) or not file:
        return None
    file = os.path.abspath(file)
    return os.path.dirname(file) if os.path.basename(file) == "__init__.py" else file


def owned_places(mgr: "Manager") -> dict[str, str]:
    """Files and folders that belong to a plugin (not a built-in one) → the plugin's name."""
    places: dict[str, str] = {}
    for name, info in mgr.infos.items():
        if info.builtin:
            continue
        plugin = mgr.pm.get_plugin(name)
        root = getattr(plugin, "root", None)
        module = str(getattr(plugin, "__name__", "") or "")
        found = [_module_place(info.module.partition(":")[0].strip()) if ":" in info.module else None,
                 _module_place(module) if module and sys.modules.get(module) is plugin else None,
                 _module_place(type(plugin).__module__) if not isinstance(plugin, type(sys)) else None,
                 str(root.resolve()) if isinstance(root, Path) else None]
        for caller in mgr.pm.get_hookcallers(plugin) or []:
            found.extend(_code_file(impl.function) for impl in caller.get_hookimpls() if impl.plugin_name == name)
        for place in found:
            if place and not (place + os.sep).startswith(_CORE + os.sep):
                places.setdefault(place, name)
    for folder, name in mgr.template_owners.items():
        places.setdefault(os.path.abspath(folder), name)
    return places


def _owner(filename: str, places: Mapping[str, str | None]) -> tuple[bool, str | None]:
    path = os.path.abspath(filename)
    for place, owner in sorted(places.items(), key=lambda kv: -len(kv[0])):
        if path == place or path.startswith(place + os.sep):
            return True, owner
    return False, None


def find_site(exc: BaseException, places: Mapping[str, str | None]) -> Site | None:
    """The innermost frame of ``exc`` (or of the exceptions it came from) inside one of
    ``places`` (path → owner); a template syntax error names its template file."""
    import jinja2

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, jinja2.TemplateSyntaxError) and current.filename:
            hit, owner = _owner(current.filename, places)
            if hit:
                return Site(owner, current.filename, current.lineno)
        for frame, line in reversed(list(traceback.walk_tb(current.__traceback__))):
            hit, owner = _owner(frame.f_code.co_filename, places)
            if hit:
                return Site(owner, frame.f_code.co_filename, line)
        current = current.__cause__ or current.__context__
    return None


def plugin_fault(mgr: "Manager", exc: BaseException) -> PluginError | None:
    """A :class:`PluginError` for ``exc`` when plugin code raised it, else None."""
    site = find_site(exc, owned_places(mgr))
    if site is None or site.owner is None:
        return None
    return PluginError(site.owner, _("raised {error} in {file}, line {line}").format(
        error=describe(exc), file=site.file, line=site.line))


def render_fault(mgr: "Manager", format_name: str, exc: BaseException, user_templates: Path | None) -> SqmkitError:
    """The error for a fault while output format ``format_name`` rendered: the plugin whose code
    or template raised it, the user's template, or else the plugin that registered the format."""
    places: dict[str, str | None] = dict(owned_places(mgr))
    if user_templates is not None:
        places[os.path.abspath(user_templates)] = None
    site = find_site(exc, places)
    if site is not None and site.owner is None:
        return BuildError(_("template {file}, line {line} (from your templates folder): {error}").format(
            file=site.file, line=site.line, error=describe(exc)))
    if site is not None and site.owner is not None:
        return PluginError(site.owner, _("output format {format!r}: {error} in {file}, line {line}").format(
            format=format_name, error=describe(exc), file=site.file, line=site.line))
    owner = mgr.format_plugin(format_name) or "?"
    return PluginError(owner, _("output format {format!r} failed: {error}").format(
        format=format_name, error=describe(exc)))
