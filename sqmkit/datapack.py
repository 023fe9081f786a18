"""Loading a plugin's rules, forms and checklists from YAML data files.

A plugin package keeps its content as data::

    sqmkit_<name>/
        industry.yaml          # one Industry (omit it in a plugin that only adds content)
        rules/*.yaml           # one Chapter per file
        forms/*.yaml           # one Form per file
        checklists/*.yaml      # one Checklist per file
        templates/             # optional template overrides

and its hook implementations hand the loaded objects to the core::

    from sqmkit import hookimpl
    from sqmkit.datapack import DataPack

    pack = DataPack.for_package(__name__)

    @hookimpl
    def register_service_standards(profile):
        return pack.chapters("standards", profile)

Files are read once and in sorted order, so output is deterministic. A malformed file raises a
:class:`~sqmkit.errors.DataError` naming the file, the field path and the line.
"""

from __future__ import annotations

import importlib.resources
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import DataError
from .schema import Chapter, Checklist, Form, Industry
from .yamlio import YamlDoc, load_yaml, validation_error

if TYPE_CHECKING:
    from .profile import Profile

M = TypeVar("M", bound=BaseModel)


def parse_model(doc: YamlDoc, model: type[M]) -> M:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise validation_error(doc, exc) from None


class DataPack:
    """The data files of one plugin package, read lazily and cached."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    @classmethod
    def for_package(cls, package: str) -> "DataPack":
        """The data pack inside an importable package (pass ``__name__`` from the plugin)."""
        return cls(Path(str(importlib.resources.files(package))))

    def _files(self, sub: str) -> list[Path]:
        folder = self.root / sub
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())

    def _load_all(self, sub: str, model: type[M]) -> list[tuple[Path, M]]:
        return [(p, parse_model(load_yaml(p), model)) for p in self._files(sub)]

    @cached_property
    def _industry(self) -> Industry | None:
        path = self.root / "industry.yaml"
        if not path.exists():
            return None
        return parse_model(load_yaml(path), Industry)

    @cached_property
    def _chapters(self) -> list[tuple[Path, Chapter]]:
        return self._load_all("rules", Chapter)

    @cached_property
    def _forms(self) -> list[tuple[Path, Form]]:
        return self._load_all("forms", Form)

    @cached_property
    def _checklists(self) -> list[tuple[Path, Checklist]]:
        return self._load_all("checklists", Checklist)

    # -- what hooks return -----------------------------------------------------------------

    def industry(self) -> Industry:
        if self._industry is None:
            raise DataError(str(self.root / "industry.yaml"), "", "file not found")
        return self._industry

    def applies(self, profile: "Profile | None") -> bool:
        """True when this pack's content belongs in ``profile``'s regulation (same industry).

        A pack without an ``industry.yaml`` contributes to every industry."""
        if profile is None or self._industry is None:
            return True
        return profile.industry == self._industry.id

    def chapters(self, family: str, profile: "Profile | None" = None) -> list[Chapter]:
        """The pack's chapters of one family (``standards``, ``controls`` …) for ``profile``."""
        if not self.applies(profile):
            return []
        return [c for _, c in self._chapters if c.family == family]

    def forms(self, profile: "Profile | None" = None) -> list[Form]:
        return [f for _, f in self._forms] if self.applies(profile) else []

    def checklists(self, profile: "Profile | None" = None) -> list[Checklist]:
        return [c for _, c in self._checklists] if self.applies(profile) else []

    def template_dir(self) -> Path | None:
        folder = self.root / "templates"
        return folder if folder.is_dir() else None

    def sources(self) -> dict[str, Path]:
        """Which file each chapter, form and checklist id came from (for the checker)."""
        out: dict[str, Path] = {}
        for items in (self._chapters, self._forms, self._checklists):
            for path, obj in items:
                out[obj.id] = path
        return out
