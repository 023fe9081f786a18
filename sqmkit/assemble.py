"""From a profile and the plugins' contributions to one complete :class:`~sqmkit.model.Regulation`.

Steps: find the industry → check the profile against it (modules, parameters, grade scales,
plugin checks) → collect every family's chapters, the forms and the checklists through the
manager's typed hook methods → drop what belongs to modules the client did not switch on → merge
总则/附则 → tailor every text → index every id → check that ids are unique and every reference
resolves → add the revision log (the profile's and the issued versions'). Every problem is a
:class:`~sqmkit.PluginError` naming the plugin, the hook and the ids, or a
:class:`~sqmkit.ProfileError` naming the profile file, field and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from . import schema
from .assets import profile_file_problems
from .composition import (
    Composition, Lender, borrowed_reference_problems, compose, lender_view, select_chapter, selected,
    trim_lent_forms,
)
from .authority import owner_problem
from .errors import ProfileError, ProfileProblems
from .finish import finish
from .groups import group_of, include_group
from .hookspecs import FAMILY_HOOKS
from .languages import language_problem
from .model import ChapterNode, Index, Regulation, RevisionEntry
from .nodes import NodeMaker
from .params import effective_organization, effective_parameters
from .plugins import Manager
from .profile import Profile, read_profile_doc
from .profilecheck import composed_problems, file_problems, located, profile_data, unknown_industry
from .references import check_references
from .schema import MERGED_FAMILIES, Family
from .yamlio import YamlDoc, parse_loc

M = TypeVar("M", schema.Form, schema.Checklist)

MERGED_TITLES: dict[Family, dict[str, str]] = {
    "general": {"zh-CN": "总则", "en": "General provisions"},
    "supplementary": {"zh-CN": "附则", "en": "Supplementary provisions"},
}
DEFAULT_TITLE = {"zh-CN": "服务质量管理制度", "en": "Service Quality Management Regulation"}


@dataclass(frozen=True)
class Issued:
    """An issued version of the client's regulation, as the store keeps it."""

    version: str
    date: dt.date
    description: str


def _industry(mgr: Manager, profile: Profile, doc: YamlDoc | None) -> tuple[str, schema.Industry]:
    industries = mgr.industries()
    if profile.industry not in industries:
        raise unknown_industry(profile.industry, industries, doc)
    return industries[profile.industry]


def doc_file(doc: YamlDoc | None) -> str:
    return str(doc.path) if doc else "<profile>"


def check_profile(mgr: Manager, profile: Profile, doc: YamlDoc | None = None) -> tuple[str, schema.Industry]:
    """The core's checks and every plugin's ``validate_profile``; returns (plugin, industry)."""
    plugin, host = _industry(mgr, profile, doc)
    comp, problems = composed_problems(profile_data(profile), host, _specs(mgr), doc)  # with borrowed modules
    industry = comp.industry
    problems += _plugin_problems(mgr, profile, industry, doc)
    problems += profile_file_problems(profile, doc)  # the logo and template folder: inside its folder, right type
    no_owner = owner_problem(profile, industry)  # someone real interprets the document
    problems += [located(doc, ("document", "owner"), no_owner)] if no_owner else []
    if problems:
        raise ProfileProblems.of(problems)
    return plugin, industry


def _specs(mgr: Manager) -> dict[str, schema.Industry]:
    return {k: ind for k, (_p, ind) in mgr.industries().items()}


def composition(mgr: Manager, profile: Profile) -> Composition:
    """The industries ``profile`` involves: its own and those it borrows modules from."""
    industries = _specs(mgr)
    return compose(industries[profile.industry], industries, profile.modules)


def _lend(mgr: Manager, profile: Profile, make: NodeMaker) -> list[tuple[Lender, str]]:
    """Each lender and its plugin, with a node maker of its own registered on ``make``."""
    plugins = {k: p for k, (p, _ind) in mgr.industries().items()}
    out = []
    for lender in composition(mgr, profile).lenders:
        make.borrowing(plugins[lender.id], lender.industry, set(lender.modules))
        out.append((lender, plugins[lender.id]))
    return out


def _borrowed(lenders: list[tuple[Lender, str]], profile: Profile,
              call: Callable[[Profile], list[tuple[str, M]]]) -> list[tuple[str, M]]:
    """The forms or checklists the lenders' plugins lend (``call`` is the manager's method)."""
    return [(p, spec) for lender, plugin in lenders for p, spec in call(lender_view(profile, lender))
            if p == plugin and selected(spec.module, spec.id, lender)]


def _plugin_problems(mgr: Manager, profile: Profile, industry: schema.Industry,
                     doc: YamlDoc | None) -> list[ProfileError]:
    """Every plugin's ``validate_profile`` problems, located in the profile file."""
    return [located(doc, tuple(parse_loc(field_path)), problem)
            for _plugin, field_path, problem in mgr.profile_problems(profile, industry)]


def read_profile(mgr: Manager, path: str | Path) -> tuple[Profile, YamlDoc]:
    """Read a profile file and check it — schema, industry, plugins — reporting every problem
    in one :class:`~sqmkit.errors.ProfileProblems`, sorted by line."""
    doc = read_profile_doc(path)
    industries = mgr.industries()
    profile, problems = file_problems(doc, {k: ind for k, (_p, ind) in industries.items()})
    if profile is not None and profile.industry in industries:
        problems += _plugin_problems(mgr, profile, industries[profile.industry][1], doc)
    if profile is None or problems:
        raise ProfileProblems.of(problems)
    return profile, doc


def _family(mgr: Manager, profile: Profile, family: Family,
            lenders: list[tuple[Lender, str]]) -> list[tuple[str, schema.Chapter]]:
    """The chapters of one family for ``profile``, then the parts of the lenders' chapters lent."""
    found = list(mgr.chapters(family, profile))
    for lender, plugin in lenders:
        lent = (select_chapter(ch, lender) for p, ch in mgr.chapters(family, lender_view(profile, lender))
                if p == plugin)
        found += [(plugin, ch) for ch in lent if ch is not None]
    return found


def _chapters(mgr: Manager, profile: Profile, make: NodeMaker, lenders: list[tuple[Lender, str]]) -> list[ChapterNode]:
    out: list[ChapterNode] = []
    for family in FAMILY_HOOKS:
        contributed: list[tuple[str, schema.Chapter]] = []
        for plugin, chapter in _family(mgr, profile, family, lenders):
            make.claim(plugin, chapter.id, "chapter", FAMILY_HOOKS[family])
            if make.maker_for(plugin).enabled(plugin, chapter.module, f"chapter {chapter.id!r}"):
                contributed.append((plugin, chapter))
        if family in MERGED_FAMILIES:
            merged = make.merged_chapter(family, contributed, MERGED_TITLES[family])
            out.extend([merged] if merged else [])
        else:
            contributed.sort(key=lambda pc: pc[1].order)  # stable: ties keep plugin order
            out.extend(c for c in (make.maker_for(p).chapter(p, family, ch) for p, ch in contributed) if c.articles)
    return out


def _revisions(profile: Profile, issued: Iterable[Issued]) -> list[RevisionEntry]:
    entries = [RevisionEntry(r.version, r.date, r.description) for r in profile.document.revisions]
    seen = {e.version for e in entries}
    entries += [RevisionEntry(v.version, v.date, v.description) for v in issued if v.version not in seen]
    entries.sort(key=lambda r: (r.date.isoformat(), r.version))
    return entries


def assemble(mgr: Manager, profile: Profile, doc: YamlDoc | None = None, issued: Iterable[Issued] = ()) -> Regulation:
    """Build the complete document model for one client; ``issued`` are the versions the store
    holds, which join the revision log."""
    plugin, industry = check_profile(mgr, profile, doc)
    lang = profile.language
    wrong_language = language_problem(lang, industry, plugin, doc_file(doc), doc.line_of(["language"]) if doc else None)
    if wrong_language:
        raise wrong_language
    params = effective_parameters(profile, industry)
    org = effective_organization(profile, industry)
    make = NodeMaker(profile, industry, params, org)
    lenders = _lend(mgr, profile, make)
    chapters = _chapters(mgr, profile, make, lenders)
    chapters = include_group(chapters, group_of(profile), profile.company.short_name, lang)  # a unit of a group
    forms = [f for f in (make.maker_for(p).form(p, spec) for p, spec in
                         mgr.forms(profile) + _borrowed(lenders, profile, mgr.forms)) if f is not None]
    checklists = [c for c in (make.maker_for(p).checklist(p, spec) for p, spec in
                              mgr.checklists(profile) + _borrowed(lenders, profile, mgr.checklists)) if c is not None]
    chapters, forms, checklists = finish(chapters, forms, checklists, industry, profile.modules, lang, org,
                                         {plugin for _lender, plugin in lenders})
    title = profile.document.title or (industry.title.get(lang) if industry.title else None) or DEFAULT_TITLE[lang]
    reg = Regulation(
        profile=profile, industry=industry, language=lang, title=title, company=profile.company, org=org,
        params=params, document=profile.document, revisions=_revisions(profile, issued),
        chapters=chapters, forms=forms, checklists=checklists,
    )
    untranslated = make.untranslated.error(mgr.source_of)
    if untranslated:
        raise untranslated
    reg.index = Index(clauses={c.id: c for c in reg.clauses()}, forms={f.id: f for f in forms},
                      checklists={c.id: c for c in checklists})
    trim_lent_forms(reg, {plugin for _lender, plugin in lenders})
    lent = borrowed_reference_problems(reg, {plugin: lender for lender, plugin in lenders})
    if lent:
        raise ProfileProblems.of([located(doc, loc, problem, hint) for loc, problem, hint in lent])
    check_references(reg, make.owner)
    return reg
