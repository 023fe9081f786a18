"""Which industries a profile involves, and the one industry its texts read.

A profile names its main industry and may borrow modules of other installed industries by a
dotted name: ``industry: clinic`` with ``modules: [inpatient, hospitality.catering]``. The
borrowed industry is a *lender*: its content of the borrowed module (chapters, articles, forms,
checklists and check items marked ``module: catering``), plus the clauses the module declares in
``requires``, joins the regulation. Everything else the lender has stays out.

The texts of every industry involved read one set of departments, posts, terms and parameters
(:func:`merged_industry`): a key two industries both define is one key, the main industry's
declaration wins (the normative references merge by the rule of :mod:`sqmkit.normrefs`: what is
tied to a borrowed module joins, what is general to the lender joins when cited), and
:func:`default_conflicts` lists the keys whose defaults differ and that the
profile does not set itself, for ``sqmkit check`` to warn about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .grades import Loc
from .messages import _
from .model import Regulation, strings_of, walk_items
from .normrefs import merge_references
from .schema import Chapter, Industry
from .textrender import references
from .validation import unknown_hint

if TYPE_CHECKING:  # pragma: no cover
    from .profile import Profile

__all__ = ["Lender", "Composition", "Conflict", "borrow_problems", "compose", "merged_industry", "select_chapter",
           "selected", "lender_view", "default_conflicts", "borrowed_reference_problems", "trim_lent_forms"]

#: a problem before it is located: where in the profile, what, and a hint
Found = tuple[Loc, str, str | None]


@dataclass(frozen=True)
class Lender:
    """An industry a profile borrows modules from, and what it brings."""

    industry: Industry
    modules: frozenset[str]
    #: the clauses (chapters or articles) the borrowed modules require
    requires: frozenset[str]
    #: where in ``profile.modules`` each borrowed module is listed: local id → index
    listed: tuple[tuple[str, int], ...] = ()

    @property
    def id(self) -> str:
        return self.industry.id

    def index_of(self, module: str) -> int:
        return next((i for m, i in self.listed if m == module), 0)


@dataclass(frozen=True)
class Composition:
    """The main industry, the lenders, and the industry merged from them all."""

    host: Industry
    lenders: tuple[Lender, ...]
    industry: Industry


def _split(module: str) -> tuple[str, str] | None:
    head, dot, tail = module.partition(".")
    return (head, tail) if dot else None


def borrow_problems(modules: Any, host: Industry, industries: Mapping[str, Industry]) -> list[Found]:
    """Every dotted module of ``modules`` that cannot be borrowed: an unknown industry, an unknown
    module, the profile's own industry, a module its industry does not lend."""
    found: list[Found] = []
    for i, module in enumerate(modules if isinstance(modules, list) else []):
        parts = _split(module) if isinstance(module, str) else None
        if parts is None:
            continue
        ind, mod = parts
        if ind == host.id:
            found.append((("modules", i), _("{module!r} is a module of the profile's own industry").format(
                module=module), _("write {module!r}").format(module=mod)))
        elif ind not in industries:
            found.append((("modules", i), _("unknown industry {id!r} in module {module!r}").format(
                id=ind, module=module), unknown_hint(ind, [k for k in industries if k != host.id])))
        elif mod not in industries[ind].module_ids():
            found.append((("modules", i), _("unknown module {module!r} of industry {industry!r}").format(
                module=mod, industry=ind), unknown_hint(mod, industries[ind].module_ids())))
        elif not next(m for m in industries[ind].modules if m.id == mod).borrowable:
            found.append((("modules", i), _("module {module!r} cannot be borrowed: industry {industry!r} lends it "
                                            "to its own clients only").format(module=module, industry=ind), None))
    return found


def compose(host: Industry, industries: Mapping[str, Industry], modules: Iterable[str]) -> Composition:
    """The composition of a profile whose modules passed :func:`borrow_problems` (modules that
    did not are left out)."""
    borrowed: dict[str, list[tuple[str, int]]] = {}
    for i, module in enumerate(modules):
        parts = _split(module)
        if parts and parts[0] != host.id and parts[0] in industries \
                and parts[1] in industries[parts[0]].module_ids():
            borrowed.setdefault(parts[0], []).append((parts[1], i))
    lenders = []
    for ind_id in sorted(borrowed):
        ind = industries[ind_id]
        mods = frozenset(m for m, _i in borrowed[ind_id])
        requires = frozenset(r for m in ind.modules if m.id in mods for r in m.requires)
        lenders.append(Lender(ind, mods, requires, tuple(borrowed[ind_id])))
    merged = merged_industry(host, [lender.industry for lender in lenders],
                             {lender.id: lender.modules for lender in lenders}) if lenders else host
    return Composition(host, tuple(lenders), merged)


# ---------------------------------------------------------------------------------------------
# one industry from several
# ---------------------------------------------------------------------------------------------


def _merge_tree(first: dict[str, Any], second: dict[str, Any], leaves: set[str], prefix: str = "") -> dict[str, Any]:
    out = dict(first)
    for key, value in second.items():
        path = prefix + key
        if key not in out:
            out[key] = value
        elif path not in leaves and isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merge_tree(out[key], value, leaves, path + ".")
    return out


def merged_industry(host: Industry, others: list[Industry],
                    borrowed: Mapping[str, frozenset[str]] | None = None) -> Industry:
    """``host`` with the departments, posts, terms and parameters of ``others`` added; a key
    both define keeps the host's declaration. The languages are those every one is complete in.
    The references are the host's and those of ``others`` a borrower of their modules
    ``borrowed`` (industry id → module ids) rests on (:func:`sqmkit.normrefs.merge_references`)."""
    data = host.model_dump(by_alias=True, exclude_none=True)
    for other in others:
        more = other.model_dump(by_alias=True, exclude_none=True)
        for section in ("departments", "roles", "terms"):
            mine = data.get(section, {})
            data[section] = {**mine, **{k: v for k, v in more.get(section, {}).items() if k not in mine}}
        leaves = {s.path for s in host.parameter_specs()} | {s.path for s in other.parameter_specs()}
        data["parameters"] = _merge_tree(data.get("parameters", {}), more.get("parameters", {}), leaves)
        data["languages"] = [lang for lang in data.get("languages", []) if lang in other.languages]
    merged = Industry.model_validate(data)
    lent = [(o.id, o.references, (borrowed or {}).get(o.id, frozenset())) for o in others]
    merged.references = merge_references(host.id, host.references, lent)  # after validation: keeps lent marks
    return merged


# ---------------------------------------------------------------------------------------------
# what a lender brings
# ---------------------------------------------------------------------------------------------


def _covered(ident: str, requires: frozenset[str]) -> bool:
    return any(ident == r or ident.startswith(r + ".") for r in requires)


def selected(module: str | None, ident: str, lender: Lender) -> bool:
    """Whether a form, checklist or chapter of the lender (its ``module`` and id) is borrowed."""
    return (module is not None and module in lender.modules) or _covered(ident, lender.requires)


def select_chapter(chapter: Chapter, lender: Lender) -> Chapter | None:
    """The part of a lender's chapter a borrower gets: all of it when it belongs to a borrowed
    module (or is required), else its articles that do; None when nothing."""
    if selected(chapter.module, chapter.id, lender):
        return chapter
    if chapter.module is not None:
        return None
    articles = [a for a in chapter.articles if selected(a.module, f"{chapter.id}.{a.id}", lender)]
    return chapter.model_copy(update={"articles": articles}) if articles else None


def lender_view(profile: "Profile", lender: Lender) -> "Profile":
    """The profile as the lender's plugin sees it: its own industry with the borrowed modules."""
    return profile.model_copy(update={"industry": lender.id, "modules": sorted(lender.modules)})


def borrowed_reference_problems(reg: Regulation, lenders: dict[str, Lender]) -> list[Found]:
    """References of borrowed content (plugin → lender) into clauses of the lender's industry the
    regulation does not have: the module is not borrowable as it stands."""
    found: list[Found] = []
    known = {**reg.index.clauses, **reg.index.forms, **reg.index.checklists}
    for plugin, where, value in _borrowed_texts(reg, set(lenders)):
        lender = lenders[plugin]
        targets = [t for s in strings_of(value) for _k, t in references(s)] + _clauses_named(value)
        for target in targets:
            if target.startswith(lender.id + ".") and target not in known:
                module = next(iter(sorted(lender.modules)))
                found.append((("modules", lender.index_of(module)), _(
                    "module {industry}.{module} cannot be borrowed as it stands: {where} refers to {target}, "
                    "which belongs to industry {industry} outside the module").format(
                    industry=lender.id, module=module, where=where, target=target),
                    _("the plugin must list {target} under the module's requires").format(target=target)))
                return found
    return found


def trim_lent_forms(reg: Regulation, plugins: set[str]) -> None:
    """A lent form records only the clauses the regulation has (a form required by a borrowed
    module may also record clauses of its industry that were not lent)."""
    for form in reg.forms:
        if form.plugin in plugins:
            form.clauses = [c for c in form.clauses if c in reg.index.clauses]


def _clauses_named(value: Any) -> list[str]:
    return [c for v in (value if isinstance(value, list) else [value]) for c in getattr(v, "clauses", [])]


def _borrowed_texts(reg: Regulation, plugins: set[str]) -> Iterable[tuple[str, str, Any]]:
    for chapter in reg.chapters:
        for article in chapter.articles:
            if article.plugin in plugins:
                yield article.plugin, article.id, [article.title, article.text, article.after, article.block]
                yield from ((article.plugin, item.id, item.text) for item in walk_items(article.items))
    for form in reg.forms:
        if form.plugin in plugins:
            yield form.plugin, form.id, [form.intro, form.footer, form.sections]
    for checklist in reg.checklists:
        if checklist.plugin in plugins:
            yield checklist.plugin, checklist.id, [checklist.sections, *checklist.items()]


# ---------------------------------------------------------------------------------------------
# defaults that differ
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A key two industries define with different defaults, which the profile does not set."""

    key: str
    first: str
    first_value: str
    second: str
    second_value: str

    def message(self) -> str:
        return _("{key}: industries {first} and {second} both define it, with different defaults ({first} "
                 "{first_value}; {second} {second_value}); the profile does not set it, so {first}'s "
                 "applies").format(key=self.key, first=self.first, second=self.second,
                                   first_value=self.first_value, second_value=self.second_value)


def _show(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, dict) and "grade" in v for v in value):
        return "[" + ", ".join(f"{v['grade']} ≥ {v.get('min')}" for v in value) + "]"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _sets(data: Any, path: list[str]) -> bool:
    node = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def default_conflicts(comp: Composition, profile: "Profile") -> list[Conflict]:
    """Keys (parameters, departments, posts, terms) the main industry and a lender both define
    with different defaults, the profile leaving them unset: the main industry's default applies."""
    lang, host, out = profile.language, comp.host, []
    org = profile.organization.model_dump()
    for lender in comp.lenders:
        other = lender.industry
        theirs = {s.path: s for s in other.parameter_specs()}
        for spec in host.parameter_specs():
            mine, their = spec.default_in(lang), theirs[spec.path].default_in(lang) if spec.path in theirs else None
            if spec.path in theirs and mine != their and not _sets(profile.parameters, spec.path.split(".")):
                out.append(Conflict(f"parameters.{spec.path}", host.id, _show(mine), other.id, _show(their)))
        names, their_names = host.default_names(lang), other.default_names(lang)
        for key, name in names.items():
            section, _dot, leaf = key.partition(".")
            if key in their_names and their_names[key] != name and not _sets(org, [section, leaf]):
                out.append(Conflict(f"organization.{key}", host.id, repr(name), other.id, repr(their_names[key])))
    return out
