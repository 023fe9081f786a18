"""Finding a plugin's files: from an installed plugin name, a distribution folder (with
``pyproject.toml``) or the package folder itself.

The entry point names the plugin object (``courier = "sqmkit_courier:plugin"``): the part before
the colon is the package, the part after it the attribute holding the plugin. The built-in
default plugin (``default`` or ``sqmkit.default``) keeps its data in ``sqmkit/builtin/data``.
"""

from __future__ import annotations

import importlib.util
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datapack import DATA_DIRS
from ..errors import SqmkitError
from ..plugins import installed_entry_points

BUILTIN_NAMES = ("default", "sqmkit.default")


class CheckerError(SqmkitError):
    """The linter could not find the plugin to check."""


@dataclass(frozen=True)
class EntryPoint:
    """A ``sqmkit`` entry point: ``name = "module:attribute"`` (the attribute may be missing)."""

    name: str
    module: str
    attribute: str | None

    @classmethod
    def parse(cls, name: str, value: str) -> "EntryPoint":
        module, _, attribute = value.partition(":")
        return cls(name, module.strip(), attribute.strip() or None)

    @property
    def value(self) -> str:
        return self.module + (f":{self.attribute}" if self.attribute else "")


@dataclass(frozen=True)
class PluginSource:
    """Where a plugin's files are.

    ``package_dir`` is the importable package (``sqmkit_courier/``), ``root`` the folder holding
    its data files (the package folder itself; ``data/`` for the built-in default plugin),
    ``dist_dir`` the distribution folder with ``pyproject.toml`` when there is one and
    ``entry_point`` what sqmkit loads (from the installed metadata or ``pyproject.toml``).
    """

    name: str
    module: str
    package_dir: Path
    root: Path
    dist_dir: Path | None = None
    pyproject: dict[str, Any] | None = None
    entry_point: EntryPoint | None = None
    builtin: bool = False

    @property
    def init_file(self) -> Path:
        return self.package_dir / "__init__.py"


def read_pyproject(dist: Path) -> dict[str, Any] | None:
    """The parsed ``pyproject.toml`` of a distribution folder, or ``None`` without one."""
    path = dist / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CheckerError(f"{path}: not valid TOML: {exc}") from None


def entry_point_of(pyproject: dict[str, Any] | None) -> EntryPoint | None:
    """The first ``sqmkit`` entry point ``pyproject.toml`` declares."""
    eps = ((pyproject or {}).get("project") or {}).get("entry-points") or {}
    group = eps.get("sqmkit") or {}
    for name, value in sorted(group.items()):
        return EntryPoint.parse(name, str(value))
    return None


def has_data(folder: Path) -> bool:
    return any((folder / d).exists() for d in ("industry.yaml", *DATA_DIRS)) or (folder / "data").is_dir()


def data_root(package_dir: Path) -> Path:
    """The folder holding the data files: the package, or its ``data/`` folder."""
    if any((package_dir / d).exists() for d in ("industry.yaml", *DATA_DIRS)):
        return package_dir
    if (package_dir / "data").is_dir():
        return package_dir / "data"
    return package_dir


def _plugin_name(package: Path) -> str:
    return package.name.removeprefix("sqmkit_").replace("_", "-")


def _from_distribution(path: Path) -> PluginSource:
    pyproject = read_pyproject(path)
    ep = entry_point_of(pyproject)
    named = [base / ep.module.replace(".", "/") for base in (path, path / "src")] if ep else []
    candidates = named + sorted(path.glob("sqmkit_*/")) + sorted(path.glob("src/sqmkit_*/"))
    package = next((c for c in candidates if c.is_dir()), None)
    if package is None:
        raise CheckerError(f"{path}: no plugin package found (expected a folder sqmkit_<name>/, or an "
                           "entry point in group 'sqmkit' in pyproject.toml)")
    name = ep.name if ep else _plugin_name(package)
    module = ep.module if ep and package in named else package.name
    return PluginSource(name, module, package, data_root(package), path, pyproject, ep)


def _from_package(path: Path) -> PluginSource:
    dist = path.parent if (path.parent / "pyproject.toml").is_file() else None
    pyproject = read_pyproject(dist) if dist else None
    ep = entry_point_of(pyproject)
    name = ep.name if ep else _plugin_name(path)
    return PluginSource(name, path.name, path, data_root(path), dist, pyproject, ep)


def _builtin() -> PluginSource:
    package = Path(__file__).resolve().parents[1] / "builtin"
    return PluginSource("sqmkit.default", "sqmkit.builtin", package, package / "data",
                        entry_point=EntryPoint("sqmkit.default", "sqmkit.builtin", "plugin"), builtin=True)


def _installed(name: str, target: str | Path) -> PluginSource:
    installed = {ep.name: ep for ep in installed_entry_points()}
    if name not in installed:
        known = ", ".join(sorted(installed)) or "none"
        raise CheckerError(f"no installed plugin named {name!r} and no folder {str(target)!r} "
                           f"(installed plugins: {known}; the built-in one: default)")
    ep = EntryPoint.parse(name, installed[name].value)
    try:
        spec = importlib.util.find_spec(ep.module)
    except (ImportError, ValueError) as exc:
        raise CheckerError(f"plugin {name!r}: cannot find module {ep.module!r}: {exc}") from None
    if spec is None or not spec.submodule_search_locations:
        raise CheckerError(f"plugin {name!r}: entry point {ep.value!r} is not in a package; "
                           "give the package folder instead")
    package = Path(list(spec.submodule_search_locations)[0]).resolve()
    dist = package.parent if (package.parent / "pyproject.toml").is_file() else None
    return PluginSource(name, ep.module, package, data_root(package), dist, read_pyproject(dist) if dist else None, ep)


def locate(target: str | Path) -> PluginSource:
    """Resolve an installed plugin name, a distribution folder or a package folder."""
    path = Path(target)
    if path.is_dir():
        path = path.resolve()
        is_package = (path / "__init__.py").exists() or has_data(path)
        if (path / "pyproject.toml").is_file() or not is_package:
            return _from_distribution(path)
        return _from_package(path)
    name = str(target)
    if name in BUILTIN_NAMES:
        return _builtin()
    return _installed(name, target)
