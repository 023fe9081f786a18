"""Pytest fixtures for plugin authors, registered through the ``pytest11`` entry point.

Installing sqmkit makes these fixtures available in every test suite, with no ``conftest.py``:

``sqmkit_manager``
    A factory: ``sqmkit_manager(sqmkit_myindustry)`` returns a fresh plugin manager with the
    given plugins registered (modules or ``(name, plugin)`` pairs) besides the built-in default
    plugin. Installed plugins are *not* loaded unless you pass ``entry_points=True``, so a test
    sees exactly the plugins it names. Managers are dropped after the test.

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
    from .build import BuildResult
    from .model import Regulation
    from .plugins import Manager

__all__ = ["Workspace", "Built", "plugin_pairs", "pdf_text", "assert_handbook_pdf", "assert_module_removed"]


def plugin_pairs(plugins: Iterable[Any]) -> list[tuple[str, Any]]:
    """Normalise plugins given as modules, objects or ``(name, plugin)`` pairs to pairs.

    A module named ``sqmkit_courier`` is registered as ``courier`` (the entry-point name the
    scaffold and the built-in plugins use); any other object by its ``__name__`` or type name.
    """
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

    def profile(self, source: "str | Path | dict", name: str | None = None, **changes: Any) -> Path:
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

    def clause(self, clause_id: str):
        """The chapter, article or item with this id in the built regulation (``KeyError`` if
        it is not there, e.g. switched off)."""
        def walk(items):
            for it in items:
                yield it
                yield from walk(it.items)

        for ch in self.regulation.chapters:
            if ch.id == clause_id:
                return ch
            for art in ch.articles:
                if art.id == clause_id:
                    return art
                for it in walk(art.items):
                    if it.id == clause_id:
                        return it
        raise KeyError(clause_id)

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")


@pytest.fixture
def sqmkit_manager() -> Iterable[Callable[..., "Manager"]]:
    """Factory of fresh plugin managers: ``sqmkit_manager(plugin, ..., entry_points=False)``."""
    from .plugins import get_plugin_manager

    made: list[Any] = []

    def make(*plugins: Any, entry_points: bool = False, builtin: bool = True) -> "Manager":
        pairs = plugin_pairs(plugins)
        if entry_points:  # an installed plugin is loaded from its entry point: do not register it twice
            from .plugins import _entry_points

            installed = {ep.name for ep in _entry_points()}
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
def sqmkit_build(sqmkit_manager, sqmkit_workspace) -> Callable[..., Built]:
    """Build a profile with the given plugins: ``sqmkit_build(profile, plugin, formats=("html",))``."""

    def run(profile: "str | Path | dict", *plugins: Any, formats: Iterable[str] | None = ("html",),
            templates: "str | Path | None" = None, store: bool = False, entry_points: bool = False) -> Built:
        from .build import build

        if isinstance(profile, dict):
            profile_path = sqmkit_workspace.profile(profile)
        else:
            profile_path = Path(profile)
        mgr = sqmkit_manager(*plugins, entry_points=entry_points)
        result = build(profile_path, sqmkit_workspace.out, list(formats) if formats else None, mgr=mgr,
                       templates=templates, store_path=sqmkit_workspace.store if store else None)
        return Built(result, profile_path, mgr, dict(result.files))

    return run


# ---------------------------------------------------------------------------------------------
# Assertions on real outputs, for plugin test suites
# ---------------------------------------------------------------------------------------------


def pdf_text(path: "str | Path", first: int | None = None, last: int | None = None) -> str:
    """A PDF's text as poppler's ``pdftotext -layout`` reads it (pages are 1-based)."""
    import subprocess

    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def assert_handbook_pdf(out_dir: "str | Path", regulation: "Regulation") -> None:
    """Read ``handbook.pdf`` back and check what a printed controlled document needs: company
    and document number on the cover, one bookmark per chapter, page x / y footer, embedded
    subset fonts, ``/Lang`` of the client's language."""
    from pypdf import PdfReader

    pdf = Path(out_dir) / "handbook.pdf"
    reader = PdfReader(str(pdf))
    cover = pdf_text(pdf, 1).replace(" ", "")
    assert regulation.company["name"] in cover, "company name missing from the cover"
    assert regulation.document["number"] in cover, "document number missing from the cover"
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    assert len(outline) == len(regulation.chapters), (outline, [c.title for c in regulation.chapters])
    assert all(ch.title in t for ch, t in zip(regulation.chapters, outline))
    if regulation.language == "zh-CN":
        assert f"共 {len(reader.pages)} 页" in pdf_text(pdf, len(reader.pages))
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            desc = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
            assert any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert reader.trailer["/Root"]["/Lang"] == regulation.language


def assert_module_removed(on: "Built", off: "Built") -> None:
    """``off`` was built with a module switched off that ``on`` had on: its chapters, forms and
    checklists are gone from the model and from every output file, and nothing refers to them."""
    on_reg, off_reg = on.regulation, off.regulation
    gone_chapters = {c.id for c in on_reg.chapters} - {c.id for c in off_reg.chapters}
    gone_clauses = set(on_reg.clause_ids()) - set(off_reg.clause_ids())
    assert gone_clauses, "switching the module off removed nothing"
    gone_forms = {f.id for f in on_reg.forms} - {f.id for f in off_reg.forms}
    gone_checklists = {c.id for c in on_reg.checklists} - {c.id for c in off_reg.checklists}
    site = "".join(p.read_text(encoding="utf-8") for p in off.out_dir.rglob("*.html"))
    for cid in gone_checklists:
        assert not (off.out_dir / "checklists" / f"{cid}.html").exists()
        assert cid not in site, f"{cid} still mentioned"
    for fid in gone_forms:
        assert not (off.out_dir / "forms" / f"{fid}.html").exists()
        assert fid not in site, f"{fid} still mentioned"
    for clause in gone_clauses | gone_chapters:
        assert f'id="{clause}"' not in site and f"#{clause}\"" not in site, f"{clause} still in the site"
    ids = set(off_reg.clause_ids())
    assert set(off_reg.checked_by) <= ids and set(off_reg.forms_for) <= ids
