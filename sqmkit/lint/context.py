"""The shared, read-only context every rule reads: a plugin's files, parsed once.

:func:`sqmkit.lint.load.load_context` builds one :class:`LintContext` per plugin. It holds the
raw data of every file with its schema problems, every model value and text met walking them,
every text analysed, and the index of everything with an id (:class:`Def`), so the rules need
not read or walk anything themselves. Nothing in it is changed after it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from pydantic import BaseModel

from .. import schema
from ..errors import DataError
from ..yamlio import YamlDoc
from .findings import Loc
from .source import PluginSource
from .texts import TextUse
from .walk import Place

#: what each kind of reference may point at, and what the thing is called
REFERENCE_KINDS: dict[str, tuple[str, ...]] = {"ref": ("chapter", "clause"), "form": ("form",),
                                               "checklist": ("checklist",)}
REFERENCE_NOUNS = {"ref": "clause", "form": "form", "checklist": "checklist"}


@dataclass(frozen=True)
class SchemaProblem:
    """One way a file does not match its model: the located error and pydantic's error type."""

    error: DataError
    kind: str


@dataclass(frozen=True)
class DataFile:
    """A parsed data file (``industry.yaml``, ``rules/``, ``forms/``, ``checklists/``)."""

    model: type[BaseModel]
    doc: YamlDoc
    problems: tuple[SchemaProblem, ...] = ()


@dataclass(frozen=True)
class Site:
    """A model value inside a file (a chapter, an article, a KPI …), as raw data."""

    cls: type[BaseModel]
    data: dict[str, Any]
    place: Place
    doc: YamlDoc


@dataclass(frozen=True)
class TextSite:
    """A localizable text inside a file."""

    value: Any
    place: Place
    doc: YamlDoc

    def variants(self) -> dict[str, str]:
        """Language → text (a plain string is zh-CN)."""
        if isinstance(self.value, str):
            return {schema.DEFAULT_LANGUAGE: self.value}
        if isinstance(self.value, dict):
            return {k: v for k, v in self.value.items() if isinstance(v, str)}
        return {}

    def loc_of(self, lang: str) -> Loc:
        return self.place.loc + ((lang,) if isinstance(self.value, dict) else ())


@dataclass(frozen=True)
class Template:
    """One language of a text that is a template (holds ``{``), analysed."""

    site: TextSite
    lang: str
    use: TextUse | None
    syntax_error: str | None = None

    @property
    def doc(self) -> YamlDoc:
        return self.site.doc

    @property
    def loc(self) -> Loc:
        return self.site.loc_of(self.lang)


@dataclass(frozen=True)
class Def:
    """Something with an id: a chapter, clause, form, checklist or check item."""

    kind: str
    id: str
    doc: YamlDoc
    loc: Loc
    requires: frozenset[str]
    family: str | None = None
    clauses: tuple[str, ...] = ()  # for forms and check items
    level: str = ""  # "article" or "item" for clauses
    data: Any = None

    @property
    def file(self) -> Path:
        return self.doc.path

    @property
    def line(self) -> int | None:
        return self.doc.line_of(self.loc)


@dataclass(frozen=True)
class LintContext:
    """Everything the rules read about one plugin."""

    source: PluginSource
    industry_file: DataFile | None
    industry_spec: schema.Industry | None  # when industry.yaml is valid
    files: tuple[DataFile, ...]  # industry.yaml first, then rules/, forms/, checklists/
    load_errors: tuple[DataError, ...]  # files that could not be read as YAML
    unreadable: bool  # some data file could not be read: its ids are unknown
    stray: tuple[tuple[str, Path], ...]  # (folder, file) of files in a data folder that are not read
    examples: tuple[YamlDoc, ...]
    languages: tuple[str, ...]  # besides zh-CN
    languages_why: str
    sites: tuple[Site, ...]
    texts: tuple[TextSite, ...]
    templates: tuple[Template, ...]
    defs: tuple[Def, ...]  # in file order, duplicates included
    index: Mapping[str, Def]  # the first of each id
    external: Mapping[str, str]  # ids the built-in default plugin claims → who
    text_names: frozenset[str] = field(default_factory=frozenset)  # names and functions texts have
    filters: frozenset[str] = field(default_factory=frozenset)

    @property
    def root(self) -> Path:
        return self.source.root

    @property
    def industry(self) -> dict[str, Any] | None:
        """The raw data of ``industry.yaml``, when it is a mapping."""
        data = self.industry_file.doc.data if self.industry_file else None
        return data if isinstance(data, dict) else None

    @property
    def industry_id(self) -> str:
        return str((self.industry or {}).get("id", "?"))

    @property
    def modules(self) -> set[str] | None:
        """The modules ``industry.yaml`` declares (``None`` for a plugin without one)."""
        if self.industry is None:
            return None
        return {m["id"] for m in self.industry.get("modules") or [] if isinstance(m, dict) and "id" in m}

    def lookup(self, kind: str, target: str) -> Def | None:
        """What ``ref()``/``form()``/``checklist()`` (``kind``) with id ``target`` points at."""
        d = self.index.get(target)
        return d if d is not None and d.kind in REFERENCE_KINDS[kind] else None

    def owner_of(self, ident: str) -> Def | None:
        """The definition of ``ident`` or of the nearest thing around it (``a.b.block.caption``
        → ``a.b``)."""
        while ident:
            if ident in self.index:
                return self.index[ident]
            ident = ident.rpartition(".")[0]
        return None
