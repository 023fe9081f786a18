"""A data plugin: rules, forms and checklists kept as YAML files, and the object that plugs them in.

A plugin package keeps its content as data::

    sqmkit_<name>/
        __init__.py            # plugin = DataPack.for_package(__name__)
        industry.yaml          # one Industry (omit it in a plugin that adds content to every industry)
        rules/*.yaml           # one chapter per file, with the family it belongs to
        forms/*.yaml           # one Form per file
        checklists/*.yaml      # one Checklist per file
        templates/             # optional template overrides, found by convention
        examples/*.yaml        # demo client profiles

The :class:`DataPack` *is* the plugin: the entry point names it
(``courier = "sqmkit_courier:plugin"``) and it implements every content hook itself, so leaving a
hook out cannot drop content. A plugin that needs a hook of its own subclasses it::

    class ClinicPack(DataPack):
        @hookimpl
        def validate_profile(self, profile, industry): ...

    plugin = ClinicPack.for_package(__name__)

Files are read once, in sorted order, so output is deterministic. A malformed file raises a
``DataError`` naming the file, the field path and the line.
"""

from __future__ import annotations

import importlib.resources
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .hookspecs import hookimpl
from .yamlio import YamlDoc, load_yaml, validation_error

if TYPE_CHECKING:  # pragma: no cover  # the models are imported when a file is read (see data_model)
    from pydantic import BaseModel

    from .profile import Profile
    from .schema import Chapter, ChapterFile, Checklist, Family, Form, Industry

M = TypeVar("M", bound="BaseModel")

#: the data folders of a pack and the name of the model (in :mod:`sqmkit.schema`) of each file in them
DATA_DIRS: dict[str, str] = {"rules": "ChapterFile", "forms": "Form", "checklists": "Checklist"}


def data_model(name: str) -> "type[BaseModel]":
    """The model of a file in a data folder or of ``industry.yaml`` (by name). The schema and
    pydantic are imported here, when a file is read: a build the cache finds up to date imports
    every plugin but reads none of their files."""
    from . import schema

    model: type[BaseModel] = getattr(schema, name)
    return model


def parse_model(doc: YamlDoc, model: type[M]) -> M:
    """Validate a parsed YAML document as ``model``, or raise a located :class:`DataError`."""
    from pydantic import ValidationError

    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from None


class DataPack:
    """The data files of one plugin package, read lazily and cached, and the hooks that hand
    them to the core."""

    def __init__(self, root: str | Path, *, version: str | None = None):
        self.root = Path(root)
        self.__version__ = version

    @classmethod
    def for_package(cls, package: str) -> "DataPack":
        """The pack inside an importable package: ``DataPack.for_package(__name__)``."""
        import sys

        root = Path(str(importlib.resources.files(package)))
        return cls(root, version=getattr(sys.modules.get(package), "__version__", None))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"

    # -- reading --------------------------------------------------------------------------------

    def files(self, sub: str) -> list[Path]:
        """The YAML files of one data folder (``rules``, ``forms``, ``checklists``), sorted."""
        folder = self.root / sub
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())

    def _load_all(self, sub: str, model: type[M]) -> list[tuple[Path, M]]:
        return [(p, parse_model(load_yaml(p, keep=True), model)) for p in self.files(sub)]

    @cached_property
    def industry_spec(self) -> Industry | None:
        """The pack's ``industry.yaml``, or ``None`` for a pack that adds to every industry."""
        path = self.root / "industry.yaml"
        if not path.exists():
            return None
        from .schema import Industry

        return parse_model(load_yaml(path, keep=True), Industry)

    @cached_property
    def chapter_files(self) -> list[tuple[Path, ChapterFile]]:
        from .schema import ChapterFile

        return self._load_all("rules", ChapterFile)

    @cached_property
    def form_files(self) -> list[tuple[Path, Form]]:
        from .schema import Form

        return self._load_all("forms", Form)

    @cached_property
    def checklist_files(self) -> list[tuple[Path, Checklist]]:
        from .schema import Checklist

        return self._load_all("checklists", Checklist)

    def sources(self) -> dict[str, Path]:
        """Which file each chapter, form and checklist id came from."""
        out: dict[str, Path] = {}
        for path, chapter in self.chapter_files:
            out[chapter.id] = path
        for path, form in self.form_files:
            out[form.id] = path
        for path, checklist in self.checklist_files:
            out[checklist.id] = path
        return out

    # -- what the hooks return ------------------------------------------------------------------

    def applies(self, profile: "Profile | None") -> bool:
        """True when this pack's content belongs in ``profile``'s regulation (same industry).
        A pack without an ``industry.yaml`` contributes to every industry."""
        industry = self.industry_spec
        return profile is None or industry is None or profile.industry == industry.id

    def chapters(self, family: Family, profile: "Profile | None" = None) -> list[Chapter]:
        """The pack's chapters of one family for ``profile``."""
        if not self.applies(profile):
            return []
        return [c.chapter() for _, c in self.chapter_files if c.family == family]

    def forms(self, profile: "Profile | None" = None) -> list[Form]:
        return [f for _, f in self.form_files] if self.applies(profile) else []

    def checklists(self, profile: "Profile | None" = None) -> list[Checklist]:
        return [c for _, c in self.checklist_files] if self.applies(profile) else []

    def template_dir(self) -> Path | None:
        """The package's ``templates/`` folder, when there is one."""
        folder = self.root / "templates"
        return folder if folder.is_dir() else None

    # -- the hooks ------------------------------------------------------------------------------

    @hookimpl
    def register_industries(self) -> list[Industry]:
        return [self.industry_spec] if self.industry_spec is not None else []

    @hookimpl
    def register_general_provisions(self, profile: "Profile") -> list[Chapter]:
        return self.chapters("general", profile)

    @hookimpl
    def register_service_standards(self, profile: "Profile") -> list[Chapter]:
        return self.chapters("standards", profile)

    @hookimpl
    def register_controls(self, profile: "Profile") -> list[Chapter]:
        return self.chapters("controls", profile)

    @hookimpl
    def register_improvement_cycle(self, profile: "Profile") -> list[Chapter]:
        return self.chapters("improvement", profile)

    @hookimpl
    def register_incentives(self, profile: "Profile") -> list[Chapter]:
        return self.chapters("incentives", profile)

    @hookimpl
    def register_supplementary_provisions(self, profile: "Profile") -> list[Chapter]:
        return self.chapters("supplementary", profile)

    @hookimpl
    def register_forms(self, profile: "Profile") -> list[Form]:
        return self.forms(profile)

    @hookimpl
    def register_checklists(self, profile: "Profile") -> list[Checklist]:
        return self.checklists(profile)

    @hookimpl
    def register_template_dirs(self, profile: "Profile") -> list[Path]:
        folder = self.template_dir()
        return [folder] if folder is not None and self.applies(profile) else []
