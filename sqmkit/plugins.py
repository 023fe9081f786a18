"""The plugin manager: built by a factory, never at import time.

Plugins come from three places, registered in this order:

1. installed distributions with an entry point in group ``sqmkit`` (the entry point names the
   plugin object: a :class:`~sqmkit.DataPack`, a module, any object with ``@hookimpl`` methods);
2. plugins passed by the caller (tests, embedding applications);
3. the built-in plugins in :data:`DEFAULT_PLUGINS`.

They are called in a deterministic order: sorted by name, the built-in default plugin last; an
implementation marked ``tryfirst`` runs before the others and one marked ``trylast`` after them,
as in pluggy. Wrappers are refused at registration (see :func:`_refuse_wrappers`).

Every hook has a typed method on :class:`Manager` (``mgr.chapters("controls", profile)``), which
calls each implementation on its own, so every contribution stays attributed to its plugin, and
checks the shape of what it returns. ``SQMKIT_BLOCK_PLUGINS=name1,name2`` skips installed plugins
by entry-point name. Whatever goes wrong inside a plugin becomes a :class:`~sqmkit.PluginError`
naming the plugin and the hook.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, TypeVar

import pluggy

from . import hookspecs
from .errors import PluginError, SqmkitError
from .messages import _

if TYPE_CHECKING:  # pragma: no cover  # the schema (and pydantic) are imported when a hook's results are read
    import click
    import jinja2
    from pydantic import BaseModel

    from .schema import Chapter, Checklist, Family, Form, Industry

    from .formats import OutputFormat
    from .profile import Profile

ENTRY_POINT_GROUP = "sqmkit"
BLOCK_ENV = "SQMKIT_BLOCK_PLUGINS"
#: built-in plugins, registered exactly like third-party ones: (name, "module:attribute")
DEFAULT_PLUGINS: tuple[tuple[str, str], ...] = (("sqmkit.default", "sqmkit.builtin:plugin"),)

M = TypeVar("M", bound="BaseModel")


@dataclass
class PluginInfo:
    name: str
    version: str | None
    module: str
    builtin: bool = False


@dataclass
class Manager:
    """A pluggy manager plus what sqmkit knows of each plugin, with one typed method per hook."""

    pm: pluggy.PluginManager
    infos: dict[str, PluginInfo] = field(default_factory=dict)
    #: template folder → the plugin that registered it (filled by :meth:`template_dirs`)
    template_owners: dict[Path, str] = field(default_factory=dict)
    #: output format name → the plugin that registered it (filled by :meth:`output_formats`)
    format_owners: dict[str, str] = field(default_factory=dict)

    def order(self) -> list[str]:
        """Plugin names in calling order: sorted, the built-in ones last."""
        builtin = [n for n, i in self.infos.items() if i.builtin]
        others = sorted(n for n, i in self.infos.items() if not i.builtin)
        return others + [n for n, _obj in DEFAULT_PLUGINS if n in builtin]

    def hooks_of(self, name: str) -> list[str]:
        """The hooks plugin ``name`` implements."""
        return sorted(hook for hook in hookspecs.hook_names()
                      if any(i.plugin_name == name for i in getattr(self.pm.hook, hook).get_hookimpls()))

    # -- calling -------------------------------------------------------------------------------

    def _call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """``(plugin, result)`` for every implementation of ``hook`` that returned something."""
        rank = {name: i for i, name in enumerate(self.order())}
        impls = sorted(getattr(self.pm.hook, hook).get_hookimpls(),
                       key=lambda i: (0 if i.tryfirst else 2 if i.trylast else 1, rank.get(i.plugin_name, -1)))
        out = []
        for impl in impls:
            args = {a: kwargs[a] for a in impl.argnames if a in kwargs}
            try:
                result = impl.function(**args)
            except PluginError:
                raise
            except SqmkitError as exc:
                raise PluginError(impl.plugin_name, _("hook {hook}: {error}").format(hook=hook, error=exc),
                                  hook=hook) from exc
            except (Exception, SystemExit) as exc:  # a plugin's own bug (or exit): name the plugin and the hook
                what = _("hook {hook} exited (SystemExit {code!r})") if isinstance(exc, SystemExit) else \
                    _("hook {hook} raised {kind}: {detail}")
                raise PluginError(impl.plugin_name, what.format(hook=hook, code=getattr(exc, "code", None),
                                                                kind=type(exc).__name__, detail=exc),
                                  hook=hook) from exc
            if result is not None:
                out.append((impl.plugin_name, result))
        return out

    def _models(self, hook: str, model: type[M], **kwargs: Any) -> list[tuple[str, M]]:
        return [(plugin, _coerce(plugin, hook, obj, model))
                for plugin, result in self._call(hook, **kwargs) for obj in _as_list(plugin, hook, result)]

    # -- one method per hook -------------------------------------------------------------------

    def industries(self) -> dict[str, tuple[str, Industry]]:
        """Industry id → (plugin, industry); two plugins declaring one id is an error."""
        from .schema import Industry
        found: dict[str, tuple[str, Industry]] = {}
        for plugin, ind in self._models("register_industries", Industry):
            if ind.id in found:
                raise PluginError(plugin, f"industry {ind.id!r} is already declared by plugin {found[ind.id][0]!r}",
                                  hook="register_industries")
            found[ind.id] = (plugin, ind)
        return found

    def chapters(self, family: Family, profile: "Profile") -> list[tuple[str, Chapter]]:
        """The chapters of one family, from the family's hook, attributed to their plugins."""
        hook = hookspecs.FAMILY_HOOKS[family]
        out = []
        for plugin, result in self._call(hook, profile=profile):
            for obj in _as_list(plugin, hook, result):
                out.append((plugin, _chapter(plugin, hook, family, obj)))
        return out

    def forms(self, profile: "Profile") -> list[tuple[str, Form]]:
        from .schema import Form
        return self._models("register_forms", Form, profile=profile)

    def checklists(self, profile: "Profile") -> list[tuple[str, Checklist]]:
        from .schema import Checklist
        return self._models("register_checklists", Checklist, profile=profile)

    def profile_problems(self, profile: "Profile", industry: Industry) -> list[tuple[str, str, str]]:
        """``(plugin, field path, problem)`` from every ``validate_profile``."""
        out = []
        for plugin, problems in self._call("validate_profile", profile=profile, industry=industry):
            for pair in _as_list(plugin, "validate_profile", problems):
                if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                    raise PluginError(plugin, f"hook validate_profile must return (field path, problem) pairs of "
                                              f"strings, not {pair!r}", hook="validate_profile")
                out.append((plugin, pair[0], pair[1]))
        return out

    def template_dirs(self, profile: "Profile") -> list[Path]:
        out = []
        for plugin, dirs in self._call("register_template_dirs", profile=profile):
            for d in _as_list(plugin, "register_template_dirs", dirs):
                if not _is_folder(d):
                    raise PluginError(plugin, _("hook register_template_dirs returned {value!r}, which is not a "
                                                "folder").format(value=d), hook="register_template_dirs")
                out.append(Path(d))
                self.template_owners.setdefault(Path(d), plugin)
        return out

    def prepare_jinja_env(self, env: "jinja2.Environment", profile: "Profile") -> None:
        self._call("prepare_jinja_env", env=env, profile=profile)

    def output_formats(self) -> "dict[str, OutputFormat]":
        """Format name → format, in running order; two formats with one name is an error."""
        from .formats import OutputFormat

        found: dict[str, tuple[str, OutputFormat]] = {}
        for plugin, formats in self._call("register_output_formats"):
            for f in _as_list(plugin, "register_output_formats", formats):
                if not isinstance(f, OutputFormat):
                    raise PluginError(plugin, f"register_output_formats must return OutputFormat objects, "
                                              f"not {type(f).__name__}", hook="register_output_formats")
                if f.name in found:
                    raise PluginError(plugin, f"output format {f.name!r} is already registered by plugin "
                                              f"{found[f.name][0]!r}", hook="register_output_formats")
                found[f.name] = (plugin, f)
        self.format_owners = {name: plugin for name, (plugin, _f) in found.items()}
        ordered = sorted(found.items(), key=lambda kv: (kv[1][1].order, kv[0]))
        return {name: fmt for name, (_owner, fmt) in ordered}

    def format_plugin(self, name: str) -> str | None:
        """The plugin that registered output format ``name``."""
        if name in self.format_owners:
            return self.format_owners[name]
        for plugin, formats in self._call("register_output_formats"):
            if any(getattr(f, "name", None) == name for f in formats or []):
                return plugin
        return None

    def source_of(self, plugin: str, ident: str) -> Path | None:
        """The data file a plugin's chapter, form or checklist ``ident`` came from, when the plugin
        can say (a :class:`~sqmkit.DataPack` can); else None."""
        sources = getattr(self.pm.get_plugin(plugin), "sources", None)
        found = sources().get(ident) if callable(sources) else None
        return found if isinstance(found, Path) else None

    def add_commands(self, cli: "click.Group") -> None:
        self._call("register_commands", cli=cli)


# ---------------------------------------------------------------------------------------------
# Checking what plugins return
# ---------------------------------------------------------------------------------------------


def _is_folder(value: Any) -> bool:
    try:
        return isinstance(value, (str, Path)) and Path(value).is_dir()
    except (OSError, ValueError):  # a NUL byte, a name too long
        return False


def _as_list(plugin: str, hook: str, result: Any) -> list[Any]:
    if isinstance(result, (list, tuple)):
        return list(result)
    raise PluginError(plugin, f"hook {hook} must return a list, not {type(result).__name__}", hook=hook)


def _coerce(plugin: str, hook: str, obj: Any, model: type[M]) -> M:
    if isinstance(obj, model):
        return obj
    if isinstance(obj, dict):
        from pydantic import ValidationError
        try:
            return model.model_validate(obj)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            ident = obj.get("id") if isinstance(obj.get("id"), str) else None
            raise PluginError(plugin, f"hook {hook} returned an invalid {model.__name__} at {loc}: {err['msg']}",
                              hook=hook, ids=(ident,) if ident else ()) from None
    raise PluginError(plugin, f"hook {hook} must return {model.__name__} objects, not {type(obj).__name__}", hook=hook)


def _chapter(plugin: str, hook: str, family: Family, obj: Any) -> Chapter:
    """A chapter from a family hook; the hook states the family, the chapter does not."""
    from .schema import Chapter, ChapterFile
    stated = obj.family if isinstance(obj, ChapterFile) else obj.get("family") if isinstance(obj, dict) else None
    if stated is not None and stated != family:
        raise PluginError(plugin, f"hook {hook} returned chapter {_id_of(obj)!r} marked family {stated!r}; {hook} "
                                  f"takes {family} chapters", hook=hook, ids=(_id_of(obj),))
    if isinstance(obj, ChapterFile):
        return obj.chapter()
    if isinstance(obj, dict) and "family" in obj:
        obj = {k: v for k, v in obj.items() if k != "family"}
    chapter = _coerce(plugin, hook, obj, Chapter)
    if family not in ("general", "supplementary") and chapter.title is None:
        raise PluginError(plugin, f"hook {hook} returned chapter {chapter.id!r} without a title; a {family} "
                                  "chapter needs one", hook=hook, ids=(chapter.id,))
    return chapter


def _id_of(obj: Any) -> str:
    ident = getattr(obj, "id", None) if not isinstance(obj, dict) else obj.get("id")
    return ident if isinstance(ident, str) else "?"


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


def _register(pm: pluggy.PluginManager, plugin: Any, name: str) -> None:
    _refuse_legacy_shape(plugin, name)
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(name, _("invalid hook implementation: {error}").format(error=exc)) from None
    except ValueError as exc:
        raise PluginError(name, _("cannot be registered: {error}").format(error=exc)) from None
    except (Exception, SystemExit) as exc:  # its own code ran while pluggy looked at its attributes
        raise PluginError(name, _("cannot be registered: {kind}: {error}").format(
            kind=type(exc).__name__, error=exc)) from None
    _refuse_wrappers(pm, plugin, name)


def _refuse_wrappers(pm: pluggy.PluginManager, plugin: Any, name: str) -> None:
    """sqmkit calls each implementation on its own, to attribute every contribution to its
    plugin; a wrapper around the others cannot run that way, so it is refused, not ignored."""
    for caller in pm.get_hookcallers(plugin) or []:
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and (impl.wrapper or impl.hookwrapper):
                pm.unregister(plugin, name=name)
                raise PluginError(name, f"hook {caller.name} is a wrapper: sqmkit calls every implementation on "
                                        "its own, so that each contribution is attributed to its plugin, and cannot "
                                        "run wrappers. Order an implementation with @hookimpl(tryfirst=True) or "
                                        "trylast=True instead, or adjust with a prepare_* hook",
                                  hook=caller.name)


def _refuse_legacy_shape(plugin: Any, name: str) -> None:
    """A module written for sqmkit 0.1 hands a DataPack's content over in ten hook functions; if
    one was left out, content went missing silently. Say exactly how to move to one line."""
    from .datapack import DataPack

    if not isinstance(plugin, types.ModuleType):
        return
    packs = [attr for attr, value in vars(plugin).items() if isinstance(value, DataPack)]
    content_hooks = [h for h in (*hookspecs.FAMILY_HOOKS.values(), "register_forms", "register_checklists",
                                 "register_industries") if hasattr(getattr(plugin, h, None), "sqmkit_impl")]
    if packs and content_hooks:
        module = plugin.__name__
        raise PluginError(name, (
            f"{module} is written for the sqmkit 0.1 plugin API: it hands the content of DataPack "
            f"'{packs[0]}' over in hook functions ({', '.join(content_hooks)}). Since sqmkit 0.2 the pack is the "
            f"plugin and implements every content hook itself. In {module}/__init__.py replace the hook functions "
            f"with:  from sqmkit import DataPack;  plugin = DataPack.for_package(__name__)  — keep only hooks that are "
            f"really your own (move them onto a DataPack subclass as @hookimpl methods; grade scales are checked by "
            f"the core now). In pyproject.toml point the entry point at the object: "
            f"[project.entry-points.sqmkit] {name} = \"{module}:plugin\". See docs/plugins.md, section 2"),
            hook=content_hooks[0])


def _blocked() -> set[str]:
    return {p.strip() for p in os.environ.get(BLOCK_ENV, "").split(",") if p.strip()}


def installed_entry_points() -> list[importlib.metadata.EntryPoint]:
    """The installed ``sqmkit`` entry points, sorted by name; one name from two distributions is
    an error naming both."""
    seen: dict[str, importlib.metadata.EntryPoint] = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        other = seen.get(ep.name)
        if other is not None and (other.value, _dist_name(other)) != (ep.value, _dist_name(ep)):
            raise PluginError(ep.name, f"two installed distributions provide a plugin of this name: "
                                       f"{_dist_name(other)} ({other.value}) and {_dist_name(ep)} ({ep.value}); "
                                       "uninstall one of them")
        seen.setdefault(ep.name, ep)
    return [seen[n] for n in sorted(seen)]


def installed_plugin_names() -> list[str]:
    """The names of the installed plugins (entry points in group ``sqmkit``), sorted."""
    return [ep.name for ep in installed_entry_points()]


def _dist_name(ep: importlib.metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else "an unknown distribution"


def _load_object(spec: str) -> Any:
    module, _colon, attr = spec.partition(":")
    obj: Any = importlib.import_module(module.strip())
    for part in attr.strip().split(".") if attr.strip() else []:
        obj = getattr(obj, part)
    return obj


def get_plugin_manager(
    extra: Iterable[tuple[str, Any]] = (),
    *,
    load_entry_points: bool = True,
    builtin: bool = True,
) -> Manager:
    """Build a fresh plugin manager.

    ``extra`` is ``(name, plugin)`` pairs registered besides the installed ones (a plugin is a
    :class:`~sqmkit.DataPack`, a module or any object with ``@hookimpl`` functions).
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    mgr = Manager(pm)
    if load_entry_points:
        blocked = _blocked()
        for ep in installed_entry_points():
            if ep.name in blocked:
                continue
            try:
                plugin = ep.load()
            except (Exception, SystemExit) as exc:
                raise PluginError(ep.name, f"failed to import {ep.value}: {type(exc).__name__}: {exc}") from None
            _register(pm, plugin, ep.name)
            mgr.infos[ep.name] = PluginInfo(ep.name, ep.dist.version if ep.dist else None, ep.value)
    for name, plugin in extra:
        if name in mgr.infos:
            raise PluginError(name, "a plugin with this name is already registered")
        _register(pm, plugin, name)
        mgr.infos[name] = PluginInfo(name, getattr(plugin, "__version__", None),
                                     getattr(plugin, "__name__", None) or type(plugin).__name__)
    if builtin:
        from . import __version__

        for name, spec in DEFAULT_PLUGINS:
            _register(pm, _load_object(spec), name)
            mgr.infos[name] = PluginInfo(name, __version__, spec, builtin=True)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        plugin_name = pm.get_name(exc.plugin) if getattr(exc, "plugin", None) is not None else "?"
        raise PluginError(plugin_name or "?", f"implements an unknown hook: {exc}") from None
    return mgr
