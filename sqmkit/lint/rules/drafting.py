"""Drafting: what a reader of a Chinese regulation would mark in the margin.

* ``authority`` — a clause that assigns authority (负责解释, 归口管理, 负责组织, 牵头负责) names its
  unit through ``{{ org.… }}`` or ``{{ doc.owner }}``: a unit written literally is the default's name
  in every client's handbook, and a fallback (``{{ doc.owner or '质量管理部门' }}``) invents one.
  A clause whose subject is implied (a duty listed under its unit) or generic (各部门) is not read.
* ``kpi-target`` — an attainment rate with a target of 100 % (parameters replaced by their
  defaults): a target that cannot be beaten and is never met in practice.
* ``article-style`` — within one chapter all articles are titled or none is (总则 and 附则: none,
  as the core's); a titled article with items or a block has a lead sentence.
* ``record-names`` — two forms or checklists whose titles differ only by 记录/登记/表/单/清单.
* ``self-description`` — a hand-written 本制度由……部分组成 / 本制度共N章: the core writes it.
* ``and-chain`` (warning) — 甲和乙和丙: join a list with 、 or ``join_cn``.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ... import schema
from ...messages import _
from ...params import MissingParameter, lookup
from ...schema import MERGED_FAMILIES
from ..context import LintContext, TextSite
from ..findings import Finding, error, warning
from ..rule import Rule
from .literals import JINJA_RE, plain

CODES = ("authority", "kpi-target", "article-style", "record-names", "self-description", "and-chain")

AUTHORITY_RE = re.compile(r"负责解释|归口管理|负责组织|牵头负责")
#: where the subject of a clause starts
CLAUSE_START = "。；;：:，,\n"
#: a unit or post word in a subject written literally
UNIT_RE = re.compile(r"部门|部|科|室|处|中心|委员会|小组|办公室|网点|经理|主任|院长|站长|主管|负责人|专员")
#: an expression naming a real unit of the profile
NAMED_RE = re.compile(r"\{\{\s*(org\.|doc\.owner)")
#: a unit with a fallback: {{ doc.owner or '…' }}, {{ org.x | default('…') }}
FALLBACK_RE = re.compile(r"\{\{[^}]*(doc\.owner|org\.[\w.]+)\s*(\bor\b|\|\s*default)")
PARAM_RE = re.compile(r"\{\{\s*params\.([\w.]+)\s*\}\}")
FULL_TARGET_RE = re.compile(r"(?<![\d.])100(\.0+)?\s*[%％]")
RATE_100_RE = re.compile(r"率[^，。；、\n]{0,10}?(≥|>=|＞＝|不低于|不少于|达到|应为|为)\s*100(\.0+)?\s*[%％]")
SELF_RE = re.compile(r"本制度(由|分为|包括)[^。]{0,80}?(部分|章)(组成|构成)?|本制度共[^。]{0,6}章")
AND_CHAIN_RE = re.compile(r"和各[^，。；：、和\n]{1,10}和")
RECORD_WORDS = ("记录", "登记", "清单", "台账", "表", "单", "册", "簿")


def _zh_texts(ctx: LintContext) -> Iterator[tuple[TextSite, str]]:
    industry_doc = ctx.industry_file.doc if ctx.industry_file else None
    for site in ctx.texts:
        text = site.variants().get(schema.DEFAULT_LANGUAGE)
        if text and site.doc is not industry_doc:
            yield site, text


def _subject(text: str, at: int) -> str:
    start = max(text.rfind(c, 0, at) for c in CLAUSE_START) + 1
    return text[start:at].strip()


def check_authority(ctx: LintContext) -> Iterator[Finding]:
    """Authority clauses name a unit of the profile, never a literal or a fallback."""
    for site, text in _zh_texts(ctx):
        loc = site.loc_of(schema.DEFAULT_LANGUAGE)
        if FALLBACK_RE.search(text):
            yield error("authority", _("the text names a unit with a fallback, which prints a unit the client "
                                       "may not have"), site.doc, loc,
                        _("write {{ doc.owner }} or {{ org.departments.KEY }} alone: the core makes sure it names "
                          "a real unit"))
            continue
        masked = JINJA_RE.sub(lambda j: "\x01" if NAMED_RE.match(j.group(0)) else "\x00", text)
        for m in AUTHORITY_RE.finditer(masked):
            subject = _subject(masked, m.start())
            if "\x01" in subject or subject.startswith(("各", "本部门", "本科室")) or not UNIT_RE.search(subject):
                continue
            yield error("authority", _("{what}: the unit is written literally ({subject!r})").format(
                what=m.group(0), subject=subject.strip("\x00")), site.doc, loc,
                _("name the unit with {{ org.departments.KEY }} or {{ org.roles.KEY }}, so the client's own unit "
                  "is printed"))


def with_defaults(text: str, params: dict[str, Any]) -> str:
    """The text with each plain ``{{ params.x }}`` replaced by its default."""
    def value(m: re.Match[str]) -> str:
        try:
            return str(lookup(params, m.group(1)))
        except MissingParameter:
            return m.group(0)
    return PARAM_RE.sub(value, text)


def check_kpi_targets(ctx: LintContext) -> Iterator[Finding]:
    """No attainment rate targets 100 %."""
    params = ctx.industry_spec.parameters if ctx.industry_spec else {}
    targets = {(s.doc.path, s.place.loc + ("target",)) for s in ctx.sites if s.cls is schema.Kpi}
    for site, text in _zh_texts(ctx):
        filled = with_defaults(text, params)
        kpi = (site.doc.path, site.place.loc) in targets and FULL_TARGET_RE.search(filled)
        if kpi or RATE_100_RE.search(filled):
            yield error("kpi-target", _("a rate with a target of 100% ({text!r})").format(text=filled[:60]),
                        site.doc, site.loc_of(schema.DEFAULT_LANGUAGE),
                        _("no rate is met every time: set a realistic target such as ≥ 95% (a parameter, its "
                          "meaning saying why)"))


def check_article_style(ctx: LintContext) -> Iterator[Finding]:
    """Within a chapter all articles titled or none; a titled list or block has a lead sentence."""
    invalid = {f.doc.path for f in ctx.files if f.problems}  # a misspelt title: reported as a schema error
    for s in ctx.sites:
        if s.cls is not schema.ChapterFile or s.doc.path in invalid:
            continue
        articles = [a for a in s.data.get("articles") or [] if isinstance(a, dict)]
        titled = [i for i, a in enumerate(articles) if a.get("title") is not None]
        merged = s.data.get("family") in MERGED_FAMILIES
        odd = titled if merged or len(titled) * 2 < len(articles) else \
            [i for i in range(len(articles)) if i not in titled]
        for i in odd:
            yield error("article-style", _("article {id!r} is {how}, unlike the other articles of the "
                                           "chapter").format(id=articles[i].get("id"),
                                                             how=_("titled") if i in titled else _("untitled")),
                        s.doc, s.place.loc + ("articles", i),
                        _("the 总则 and 附则 articles have no title (as the core's)") if merged else
                        _("give every article of a chapter a title, or none"))
        for i in titled:
            a = articles[i]
            if a.get("text") is None and (a.get("items") or a.get("block")):
                yield error("article-style", _("article {id!r} has a title and a list or table but no lead "
                                               "sentence").format(id=a.get("id")), s.doc,
                            s.place.loc + ("articles", i), _("write text: a sentence that introduces the list"))


def record_key(title: str) -> str:
    """A record's title without the words that only say it is a record: 快递车辆检查记录表 → 快递车辆检查."""
    key = plain(title)
    for word in RECORD_WORDS:
        key = key.replace(word, "")
    return key.strip()


def check_record_names(ctx: LintContext) -> Iterator[Finding]:
    """No two forms or checklists with near-identical titles."""
    seen: dict[str, str] = {}
    for d in ctx.index.values():
        if d.kind not in ("form", "checklist") or not isinstance(d.data, dict):
            continue
        title = d.data.get("title")
        title = title.get(schema.DEFAULT_LANGUAGE) if isinstance(title, dict) else title
        if not isinstance(title, str):
            continue
        key = record_key(title)
        if key in seen:
            yield error("record-names", _("《{title}》 and 《{other}》 differ only by words such as 记录/表: a reader "
                                          "cannot tell which record to use").format(title=title, other=seen[key]),
                        d.doc, d.loc + ("title",), _("name each record for what it records, or merge them"))
        else:
            seen[key] = title


def check_prose(ctx: LintContext) -> Iterator[Finding]:
    """No hand-written self-description; no 甲和乙和丙."""
    for site, text in _zh_texts(ctx):
        loc = site.loc_of(schema.DEFAULT_LANGUAGE)
        found = SELF_RE.search(plain(text))
        if found:
            yield error("self-description", _("the text describes the regulation's parts by hand ({text!r})").format(
                text=found.group(0)), site.doc, loc,
                _("leave it out: the core ends 总则 with 本制度共N章…, written from the chapters printed"))
        chain = AND_CHAIN_RE.search(plain(text).replace("\x00", "甲"))
        if chain:
            yield warning("and-chain", _("three or more things joined by 和 ({text!r})").format(text=chain.group(0)),
                          site.doc, loc, _("write 甲、乙和丙, or join a list with join_cn"))


RULES = (Rule("authority", check_authority, ("authority",)),
         Rule("kpi-targets", check_kpi_targets, ("kpi-target",)),
         Rule("article-style", check_article_style, ("article-style",)),
         Rule("record-names", check_record_names, ("record-names",)),
         Rule("prose", check_prose, ("self-description", "and-chain")))
