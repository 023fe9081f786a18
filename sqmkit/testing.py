"""Pytest fixtures for plugin authors, registered through the ``pytest11`` entry point.

Installing sqmkit makes these fixtures available in every test suite, with no ``conftest.py``:

``sqmkit_manager``
    A factory: ``sqmkit_manager(sqmkit_myindustry)`` returns a fresh plugin manager with the
    given plugins registered (plugin packages, plugin objects or ``(name, plugin)`` pairs)
    besides the built-in default plugin. Installed plugins are *not* loaded unless you pass
    ``entry_points=True``, so a test sees exactly the plugins it names. Managers are dropped
    after the test.

``sqmkit_workspace``
    A :class:`Workspace` in a fresh temporary folder: ``.root``, ``.out`` (where builds go),
    ``.store`` (a store file path), and ``.profile(data_or_path, **changes)`` to write a profile
    (a copy of a demo profile with some fields changed, or a dict) into the workspace.

``sqmkit_build``
    A callable ``sqmkit_build(profile, *plugins, formats=("html",), templates=None,
    store=False)`` that builds a profile (a path, or a dict written into the workspace) with a
    fresh manager and returns a :class:`Built`: ``.regulation`` (the parsed document model),
    ``.out_dir``, ``.files``, ``.path(rel)``, ``.read(rel)``, ``.clause_ids`` and
    ``.clause(id)`` (the chapter, article or item with that id).

Heavy modules (the build pipeline, WeasyPrint) are imported only when a fixture is used, so
installing sqmkit does not slow down the start of unrelated test suites.
"""

from __future__ import annotations

import copy
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import pytest

if TYPE_CHECKING:  # pragma: no cover
    from sqmkit import BuildResult, Clause, Manager, Regulation

__all__ = ["Workspace", "Built", "plugin_pairs"]


def plugin_pairs(plugins: Iterable[Any]) -> list[tuple[str, Any]]:
    """Normalise plugins given as modules, objects or ``(name, plugin)`` pairs to pairs.

    A module named ``sqmkit_courier`` is registered as ``courier`` (the entry-point name the
    scaffold and the built-in plugins use); any other object by its ``__name__`` or type name.
    A plugin package's module holding its :class:`~sqmkit.DataPack` in ``plugin`` (what the entry
    point ``courier = "sqmkit_courier:plugin"`` names) stands for that object: passing
    ``sqmkit_courier`` registers ``sqmkit_courier.plugin`` as ``courier``, exactly as installing
    the package would. A module that also has hook functions of its own is registered itself,
    so the manager tells its author what to change instead of the functions being ignored.
    """
    from sqmkit import DataPack

    out: list[tuple[str, Any]] = []
    for p in plugins:
        if isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str):
            out.append(p)
            continue
        name = getattr(p, "__name__", None) or type(p).__name__
        if isinstance(p, types.ModuleType):
            name = name.split(".")[0]
            if name.startswith("sqmkit_"):
                name = name[len("sqmkit_"):].replace("_", "-")
            own_hooks = any(hasattr(v, "sqmkit_impl") for v in vars(p).values())
            if isinstance(getattr(p, "plugin", None), DataPack) and not own_hooks:
                p = p.plugin
        out.append((name, p))
    return out


@dataclass
class Workspace:
    """A temporary folder for one test: profiles, build output and a store."""

    root: Path

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def store(self) -> Path:
        return self.root / "sqmkit-store.json"

    def profile(self, source: "str | Path | dict[str, Any]", name: str | None = None, **changes: Any) -> Path:
        """Write a profile into the workspace and return its path.

        ``source`` is a profile file or a dict. A file's logo (``branding.logo``) and template
        folder (``templates:``), when relative, are copied along so the copy builds the same.
        ``changes`` replace top-level fields, e.g. ``modules=[]`` or ``parameters={...}``.
        """
        import shutil

        import yaml

        if isinstance(source, dict):
            data = copy.deepcopy(source)
            default_name = f"{data.get('id', 'profile')}.yaml"
        else:
            source = Path(source)
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            default_name = source.name
            logo = (data.get("branding") or {}).get("logo")
            for rel in (logo, data.get("templates")):
                if not isinstance(rel, str) or Path(rel).is_absolute():
                    continue
                src, dst = source.parent / rel, self.root / rel
                if src.is_file() and not dst.exists():
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, dst)
                elif src.is_dir() and not dst.exists():
                    shutil.copytree(src, dst)
        data.update(changes)
        path = self.root / (name or default_name)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path


@dataclass
class Built:
    """What :func:`sqmkit_build` returns: the model and where the outputs are."""

    result: "BuildResult"
    profile_path: Path
    manager: "Manager"
    files: dict[str, str] = field(default_factory=dict)

    @property
    def regulation(self) -> "Regulation":
        return self.result.regulation

    @property
    def out_dir(self) -> Path:
        return self.result.out_dir

    @property
    def clause_ids(self) -> list[str]:
        return self.result.regulation.clause_ids()

    def path(self, rel: str) -> Path:
        return self.result.out_dir / rel

    def clause(self, clause_id: str) -> "Clause":
        """The chapter, article or item with this id in the built regulation (``KeyError`` if
        it is not there, e.g. switched off)."""
        return self.regulation.clause(clause_id)

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")


@pytest.fixture
def sqmkit_manager() -> Iterable[Callable[..., "Manager"]]:
    """Factory of fresh plugin managers: ``sqmkit_manager(plugin, ..., entry_points=False)``."""
    from sqmkit import get_plugin_manager, installed_plugin_names

    made: list[Any] = []

    def make(*plugins: Any, entry_points: bool = False, builtin: bool = True) -> "Manager":
        pairs = plugin_pairs(plugins)
        if entry_points:  # an installed plugin is loaded from its entry point: do not register it twice
            installed = set(installed_plugin_names())
            pairs = [(n, p) for n, p in pairs if n not in installed]
        mgr = get_plugin_manager(pairs, load_entry_points=entry_points, builtin=builtin)
        made.append(mgr)
        return mgr

    yield make
    for mgr in made:  # unregister everything so no state leaks between tests
        for name in list(mgr.infos):
            plugin = mgr.pm.get_plugin(name)
            if plugin is not None:
                mgr.pm.unregister(plugin, name=name)
        mgr.infos.clear()


@pytest.fixture
def sqmkit_workspace(tmp_path: Path) -> Workspace:
    """A temporary workspace: ``.root``, ``.out``, ``.store`` and ``.profile(...)``."""
    root = tmp_path / "workspace"
    root.mkdir()
    return Workspace(root)


@pytest.fixture
def sqmkit_build(sqmkit_manager: Callable[..., "Manager"], sqmkit_workspace: Workspace) -> Callable[..., Built]:
    """Build a profile with the given plugins: ``sqmkit_build(profile, plugin, formats=("html",))``."""

    def run(profile: "str | Path | dict[str, Any]", *plugins: Any, formats: Iterable[str] | None = ("html",),
            templates: "str | Path | None" = None, store: bool = False, entry_points: bool = False) -> Built:
        from sqmkit import build

        if isinstance(profile, dict):
            profile_path = sqmkit_workspace.profile(profile)
        else:
            profile_path = Path(profile)
        mgr = sqmkit_manager(*plugins, entry_points=entry_points)
        result = build(profile_path, sqmkit_workspace.out, list(formats) if formats else None, mgr=mgr,
                       templates=templates, store_path=sqmkit_workspace.store if store else None)
        return Built(result, profile_path, mgr, dict(result.files))

    return run
