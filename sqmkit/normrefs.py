"""Normative references (编制依据): the laws, regulations and standards a regulation rests on.

An industry declares them in ``industry.yaml`` under ``references:`` (:class:`NormRef`), each with
its kind, exact official title (without 《》), its number when it is a standard, and the module it
belongs to when only clients with that module need it (the canteen brings the food-safety law).
Texts cite one with ``{{ cite('postal-law') }}`` → 《中华人民共和国邮政法》; a standard prints its
number too: 《快递服务 第1部分：基本术语》（GB/T 27917.1-2011）. The core writes the 总则's 编制依据
article from the same data (:mod:`sqmkit.finish`): the references in force for the client, grouped
by kind in the order of :data:`KINDS`, numbered, the core's own (GB/T 19001) among the standards.

A profile that borrows a module of another industry (:mod:`sqmkit.composition`) rests on some of
that industry's references too; :func:`merge_references` adds them to the host's list:

* a lender's reference tied to a borrowed module is in force (the canteen brings the food-safety law);
* a lender's reference of no module is *lent*: it joins the 编制依据 only when the regulation
  prints its citation, which in practice means the borrowed content cites it (a clinic borrowing
  the canteen does not rest on the hotel-security measures the hotel industry declares);
* a lender's reference of another module stays out (the borrowed texts cannot cite it either);
* a reference two industries declare with the same title is one entry (the host's); the same id
  with different titles is a :class:`~sqmkit.errors.PluginError` naming both industries' plugins.
"""

from __future__ import annotations

from typing import Iterable, Literal, Sequence

from pydantic import PrivateAttr, field_validator

from .localized import DEFAULT_LANGUAGE, SegmentId, Strict, Text
from .errors import PluginError
from .messages import _

__all__ = ["RefKind", "KINDS", "KIND_NAMES", "NormRef", "CORE_REFERENCES", "citation", "in_force", "grouped",
           "Citer", "CiteError", "merge_references"]

RefKind = Literal["law", "regulation", "rule", "standard", "local", "normative"]
#: the kinds in the order the 编制依据 article lists them
KINDS: tuple[RefKind, ...] = ("law", "regulation", "rule", "standard", "local", "normative")
#: what each kind is called in the 编制依据 article
KIND_NAMES: dict[str, dict[str, str]] = {
    "zh-CN": {"law": "法律", "regulation": "行政法规", "rule": "部门规章", "standard": "国家标准和行业标准",
              "local": "地方性法规和规章", "normative": "规范性文件"},
    "en": {"law": "Laws", "regulation": "Administrative regulations", "rule": "Departmental rules",
           "standard": "National and industry standards", "local": "Local regulations and rules",
           "normative": "Normative documents"},
}


class NormRef(Strict):
    """One law, regulation, rule, standard or normative document, as ``references:`` declares it."""

    id: SegmentId
    kind: RefKind
    title: Text  # the exact official title, without 《》
    number: str | None = None  # a standard's code, e.g. GB/T 27917.1-2011
    issuer: Text | None = None
    module: str | None = None  # only for clients with this module on
    note: Text | None = None

    #: the industry that lent this reference of no module to a borrower (see :func:`merge_references`)
    _lent_by: str | None = PrivateAttr(default=None)

    @property
    def lent_by(self) -> str | None:
        return self._lent_by

    @field_validator("title")
    @classmethod
    def _bare_title(cls, value: Text) -> Text:
        for lang, text in value.items():
            if not text.strip():
                raise ValueError(_("the title is empty"))
            if any(c in text for c in "《》"):
                raise ValueError(_("write the title without 《》 ({lang}: {title!r}); cite() adds them").format(
                    lang=lang, title=text))
        return value


#: the core's own reference: the regulation follows the quality management system standard
CORE_REFERENCES: tuple[NormRef, ...] = (
    NormRef(id="gb-t-19001", kind="standard", title=Text({"zh-CN": "质量管理体系 要求",
                                                          "en": "Quality management systems — Requirements"}),
            number="GB/T 19001-2016"),
)


def citation(ref: NormRef, lang: str = DEFAULT_LANGUAGE) -> str:
    """How a text cites ``ref``: 《title》, a standard followed by （number）."""
    title = ref.title.get(lang)
    if lang == "en":
        return f"{title} ({ref.number})" if ref.number else title
    return f"《{title}》（{ref.number}）" if ref.number else f"《{title}》"


def in_force(refs: Iterable[NormRef], modules: Iterable[str], printed: str | None = None,
             lang: str = DEFAULT_LANGUAGE) -> list[NormRef]:
    """The references of a client: those of no module and those of a module it switched on; a
    lent reference only when ``printed`` (the regulation's text) holds its citation in ``lang``."""
    on = set(modules)
    return [r for r in refs if (r.module is None or r.module in on)
            and (r.lent_by is None or printed is None or citation(r, lang) in printed)]


def grouped(refs: Iterable[NormRef], modules: Iterable[str],
            printed: str | None = None, lang: str = DEFAULT_LANGUAGE) -> list[tuple[RefKind, list[NormRef]]]:
    """The client's references (the core's joined, a title declared twice kept once) by kind, in the
    order of :data:`KINDS`; within a kind in declared order. A lent reference is kept only when
    ``printed`` holds its citation in ``lang``."""
    seen: set[str] = set()
    kept: list[NormRef] = []
    for r in [*in_force(refs, modules, printed, lang), *CORE_REFERENCES]:
        if r.title.get(DEFAULT_LANGUAGE) not in seen:
            seen.add(r.title.get(DEFAULT_LANGUAGE))
            kept.append(r)
    return [(kind, found) for kind in KINDS if (found := [r for r in kept if r.kind == kind])]


class CiteError(ValueError):
    """``cite()`` named a reference the industry does not declare, or one of a module that is off."""


class Citer:
    """``cite(id)`` for one client: the citation of a declared reference in force."""

    def __init__(self, refs: Iterable[NormRef], modules: Iterable[str], lang: str):
        self.refs = {r.id: r for r in [*CORE_REFERENCES, *refs]}
        self.on, self.lang = set(modules), lang

    def __call__(self, ident: object) -> str:
        if not isinstance(ident, str):
            raise CiteError(_("cite() takes a reference id string, not {kind}").format(kind=type(ident).__name__))
        ref = self.refs.get(ident)
        if ref is None:
            raise CiteError(_("cite() names reference {id!r}, which the industry does not declare under "
                              "references:").format(id=ident))
        if ref.module is not None and ref.module not in self.on:
            raise CiteError(_("cite() names reference {id!r} of module {module!r}, which this client has not "
                              "switched on").format(id=ident, module=ref.module))
        return citation(ref, self.lang)


# ---------------------------------------------------------------------------------------------
# the references of several industries
# ---------------------------------------------------------------------------------------------


def _lent(ref: NormRef, industry: str, general: bool) -> NormRef:
    """A lender's reference as the borrower holds it: no module (the borrowed one is on); a
    reference general to the lender marked lent."""
    copy = ref.model_copy(update={"module": None})
    copy._lent_by = industry if general else None
    return copy


def merge_references(host: str, refs: Sequence[NormRef],
                     lenders: Sequence[tuple[str, Sequence[NormRef], frozenset[str]]]) -> list[NormRef]:
    """``refs`` (the host industry's) with those of each lender (industry id, its references, the
    modules borrowed) a borrower rests on, as the module docstring says; ``PluginError`` for one id
    declared with two titles."""
    out = list(refs)
    owner = {r.id: host for r in refs}
    for industry, theirs, modules in lenders:
        for ref in theirs:
            if ref.module is not None and ref.module not in modules:
                continue
            title = ref.title.get(DEFAULT_LANGUAGE)
            same = next((r for r in out if r.id == ref.id), None)
            if same is not None and same.title.get(DEFAULT_LANGUAGE) != title:
                raise PluginError(industry, _(
                    "reference {id!r} is declared by the plugins of industries {first!r} and {second!r} with "
                    "different titles ({first}: {first_title!r}; {second}: {second_title!r}); one id must name "
                    "one document").format(id=ref.id, first=owner[ref.id], second=industry,
                                           first_title=same.title.get(DEFAULT_LANGUAGE), second_title=title),
                    ids=(ref.id,))
            if same is None and all(r.title.get(DEFAULT_LANGUAGE) != title for r in out):
                out.append(_lent(ref, industry, ref.module is None))
                owner[ref.id] = industry
    return out
