"""Reading a plugin's files once into the :class:`~sqmkit.lint.context.LintContext` the rules share.

Data files are listed with the public :class:`~sqmkit.DataPack` API (``files()``), parsed with
:func:`sqmkit.yamlio.load_yaml` and checked against the models of
:data:`sqmkit.datapack.DATA_DIRS` and :class:`sqmkit.schema.Industry` — every problem of a file,
not only the first, each located by :func:`sqmkit.yamlio.validation_error`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .. import schema
from ..datapack import DATA_DIRS, DataPack, data_model
from ..errors import DataError
from ..yamlio import YamlDoc, load_yaml, validation_error
from .context import DataFile, Def, LintContext, SchemaProblem, Site, Template, TextSite
from .source import PluginSource
from .texts import TEXT_NAMES, analyse_text, text_env
from .walk import Node, walk


class _OneError:
    """One error of a ``ValidationError``, shaped like one, for :func:`validation_error`."""

    def __init__(self, err: ErrorDetails):
        self.err = err

    def errors(self) -> list[ErrorDetails]:
        return [self.err]


def schema_problems(doc: YamlDoc, model: type[BaseModel]) -> tuple[SchemaProblem, ...]:
    """Every way ``doc`` does not match ``model``, each with its field path and line."""
    try:
        model.model_validate(doc.data)
    except ValidationError as exc:
        return tuple(SchemaProblem(validation_error(doc, _OneError(err)), err["type"]) for err in exc.errors())
    return ()


def _read(path: Path, model: type[BaseModel], errors: list[DataError]) -> DataFile | None:
    try:
        doc = load_yaml(path)
    except DataError as exc:
        errors.append(exc)
        return None
    return DataFile(model, doc, schema_problems(doc, model))


def _data_files(pack: DataPack, errors: list[DataError]) -> tuple[list[DataFile], list[tuple[str, Path]]]:
    files: list[DataFile] = []
    stray: list[tuple[str, Path]] = []
    for sub, name in DATA_DIRS.items():
        model = data_model(name)
        listed = pack.files(sub)
        folder = pack.root / sub
        others = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
        stray += [(sub, p) for p in others if p not in listed and not p.name.startswith(".")]
        files += [f for f in (_read(p, model, errors) for p in listed) if f is not None]
    return files, stray


def _examples(src: PluginSource, errors: list[DataError]) -> list[YamlDoc]:
    folder = src.root / "examples"
    if not folder.is_dir() and src.package_dir != src.root:
        folder = src.package_dir / "examples"
    docs = []
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        try:
            docs.append(load_yaml(path))
        except DataError as exc:
            errors.append(exc)
    return docs


def declared_languages(src: PluginSource, examples: list[YamlDoc],
                       industry: schema.Industry | None = None) -> tuple[list[str], str]:
    """The languages a plugin promises complete texts in, besides zh-CN, and where that is said.

    An industry plugin declares them in ``industry.yaml`` (``languages: [zh-CN, en]``), which is
    also what the build enforces (a profile in another language is refused). A plugin declares a
    language in its distribution's ``pyproject.toml`` too::

        [tool.sqmkit]
        languages = ["zh-CN", "en"]

    or by shipping a demo profile in ``examples/`` with ``language: en``. English names in
    ``industry.yaml`` alone do not declare English: they are used in listings.
    """
    langs: list[str] = []
    why = ""
    for declared in industry.languages if industry else []:
        if declared != schema.DEFAULT_LANGUAGE and declared not in langs:
            langs.append(declared)
            why = "industry.yaml languages"
    tool = ((src.pyproject or {}).get("tool") or {}).get("sqmkit") or {}
    for lang in tool.get("languages") or []:
        if lang != schema.DEFAULT_LANGUAGE and lang not in langs:
            langs.append(lang)
            why = "pyproject.toml [tool.sqmkit] languages"
    for doc in examples:
        lang = doc.data.get("language") if isinstance(doc.data, dict) else None
        if isinstance(lang, str) and lang != schema.DEFAULT_LANGUAGE and lang not in langs:
            langs.append(lang)
            why = why or f"the demo profile {doc.path.name} (language: {lang})"
    return langs, why


def _walk_files(files: list[DataFile]) -> tuple[list[Site], list[TextSite]]:
    sites: list[Site] = []
    texts: list[TextSite] = []
    for f in files:
        for seen in walk(f.model, f.doc.data):
            if isinstance(seen, Node):
                sites.append(Site(seen.cls, seen.data, seen.place, f.doc))
            else:
                texts.append(TextSite(seen.value, seen.place, f.doc))
    return sites, texts


def _analyse(texts: list[TextSite], env: jinja2.Environment) -> list[Template]:
    out = []
    for site in texts:
        for lang, source in site.variants().items():
            if "{" not in source:
                continue
            try:
                out.append(Template(site, lang, analyse_text(source, env)))
            except jinja2.TemplateSyntaxError as exc:
                out.append(Template(site, lang, None, exc.message or str(exc)))
    return out


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _def_of(site: Site) -> Def | None:
    cls, data, place = site.cls, site.data, site.place
    at = (site.doc, place.loc, place.requires)
    if issubclass(cls, schema.Chapter):
        return Def("chapter", place.prefix, *at, family=place.family)
    if cls in (schema.Article, schema.Item):
        level = "article" if cls is schema.Article else "item"
        return Def("clause", place.prefix, *at, family=place.family, level=level, data=data)
    if cls is schema.Form:
        return Def("form", place.prefix, *at, clauses=_strings(data.get("clauses")), data=data)
    if cls is schema.Checklist:
        return Def("checklist", place.prefix, *at, data=data)
    if cls is schema.CheckItem:
        return Def("check item", place.prefix, *at, clauses=_strings(data.get("clauses")))
    return None


def _external(src: PluginSource) -> dict[str, str]:
    """Ids the built-in default plugin claims (a plugin must not reuse them)."""
    if src.builtin:
        return {}
    from ..builtin import plugin as builtin

    out: dict[str, str] = {}
    for _, chapter in builtin.chapter_files:
        out[chapter.id] = "the built-in default plugin"
        out.update({f"{chapter.id}.{art.id}": "the built-in default plugin" for art in chapter.articles})
    return out


def _industry_spec(industry: DataFile | None) -> schema.Industry | None:
    if industry is None or industry.problems:
        return None
    return schema.Industry.model_validate(industry.doc.data)


def load_context(src: PluginSource) -> LintContext:
    """Read every file of the plugin at ``src`` once, for all the rules."""
    errors: list[DataError] = []
    examples = _examples(src, errors)
    from_examples = len(errors)
    path = src.root / "industry.yaml"
    industry = _read(path, schema.Industry, errors) if path.exists() else None
    data_files, stray = _data_files(DataPack(src.root), errors)
    files = ([industry] if industry else []) + data_files
    sites, texts = _walk_files(files)
    languages, why = declared_languages(src, examples, _industry_spec(industry))
    env = text_env()
    defs = [d for d in (_def_of(s) for s in sites) if d is not None]
    index: dict[str, Def] = {}
    for d in defs:
        index.setdefault(d.id, d)
    return LintContext(
        source=src, industry_file=industry, industry_spec=_industry_spec(industry), files=tuple(files),
        load_errors=tuple(errors), unreadable=len(errors) > from_examples, stray=tuple(stray), examples=tuple(examples),
        languages=tuple(languages), languages_why=why, sites=tuple(sites), texts=tuple(texts),
        templates=tuple(_analyse(texts, env)), defs=tuple(defs), index=index, external=_external(src),
        text_names=TEXT_NAMES | frozenset(env.globals), filters=frozenset(env.filters),
    )
