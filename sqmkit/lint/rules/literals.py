"""Texts name the client's organization only through ``org.*`` (``org-literal``).

A profile renames departments, posts and the institution words of its industry
(``organization.departments``/``roles``/``terms``). A plugin text that writes one of those names
literally keeps the default name in every client's handbook, beside the client's own names. This
rule reports, as an error, every plugin text that contains one of the industry's **default
department names, default post names or declared terms** (:meth:`sqmkit.Industry.default_names`),
naming the file, the field path and the word, with the ``{{ org.… }}`` to write instead.

What is read: every text of ``rules/``, ``forms/`` and ``checklists/`` (titles, texts, table cells,
form labels and choices, checklist items, inline grade bands …) and, in ``industry.yaml``, the
default values of parameters of type ``text``, ``texts`` and ``scale`` (a band's label and
consequence), which are printed too. ``industry.yaml``'s own declarations (names, meanings,
descriptions) are not texts of the handbook and are not read. Only the zh-CN text is matched,
the language the default names are in.

Precision:

* Jinja is removed first (``{{ … }}``, ``{% … %}``, ``{# … #}``, each replaced by a separator), so
  ``全{{ org.terms.institution_short }}`` is clean, and a string literal inside an expression is not
  seen.
* At each place the longest name wins: ``客户服务部经理`` reports the post, not also the
  department ``客户服务部`` inside it; each word is reported once per text (``全院`` and ``院内``
  are two findings).
* A name of two or more characters matches wherever it occurs: names are compounds such as
  ``营业网点`` or ``质控员``, which ordinary words do not contain. A post name inside a longer
  post (``总经理`` in ``副总经理``) is reported too: that is still a post written literally.
* A short form the industry declares counts as the name: a word quoted in the zh-CN meaning of
  the department, post or term that the name contains (``营业网点`` with the meaning
  ``……（简称“网点”）``: ``网点`` is reported too, and the hint names ``org.departments.stations``).
* A **one-character** name (a term such as ``院``) is too generic to match alone (``住院``,
  ``出院``, ``医院感染`` are ordinary words). It matches only in its compounds: the words quoted
  in its zh-CN meaning that contain it (``用于“全院”“本院”“院内”``) and the usual ones,
  :data:`PREFIXES` + name and name + :data:`SUFFIXES` (全院, 本院, 我院, 该院, 院内, 院外,
  院领导). Any other compound is not found (``院感`` for 医院感染 is not reported, nor is
  ``院区``); a one-character *department or post* name is treated the same way.
* Words quoted in a meaning that neither contain the name nor are part of it (examples of other
  names, such as ``如“社区卫生服务中心”``) are not forms of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ... import schema
from ...messages import _
from ...yamlio import YamlDoc
from ..context import LintContext
from ..findings import Finding, Loc, error
from ..rule import Rule

CODES = ("org-literal",)

#: a one-character name matches after one of these …
PREFIXES = ("全", "本", "我", "该")
#: … or before one of these (and in the compounds its meaning quotes)
SUFFIXES = ("内", "外", "领导")
#: names this short match only in compounds
SHORT = 1
#: Jinja expressions, statements and comments
JINJA_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
#: a word quoted in a meaning: “全院”, 「本院」, "院内"
QUOTED_RE = re.compile(r"[“「\"]([^”」\"]{1,12})[”」\"]")


@dataclass(frozen=True)
class OrgName:
    """A name a profile can change: ``key`` is ``departments.office``; ``forms`` are the
    strings that count as the name written literally (the name and its declared short forms, or,
    for a one-character name, its compounds)."""

    key: str
    name: str
    forms: tuple[str, ...]

    @property
    def expression(self) -> str:
        return "{{ org.%s }}" % self.key


def literal_forms(name: str, meaning: str) -> tuple[str, ...]:
    """The strings that count as ``name`` written literally (see the module's docstring)."""
    quoted = [w.strip() for w in QUOTED_RE.findall(meaning)]
    if len(name) <= SHORT:
        usual = [p + name for p in PREFIXES] + [name + s for s in SUFFIXES]
        return tuple(dict.fromkeys([w for w in quoted if name in w and w != name] + usual))
    short = tuple(dict.fromkeys(w for w in quoted if len(w) > SHORT and w in name and w != name))
    return (name, *short)


def _meanings(industry: schema.Industry) -> dict[str, str]:
    units: dict[str, Any] = {"departments": industry.departments, "roles": industry.roles, "terms": industry.terms}
    return {f"{part}.{key}": (unit.meaning.get(schema.DEFAULT_LANGUAGE) if unit.meaning else "")
            for part, table in units.items() for key, unit in table.items()}


def org_names(industry: schema.Industry) -> list[OrgName]:
    """Every default department name, post name and term of ``industry`` with its literal forms."""
    meanings = _meanings(industry)
    out = []
    for key, name in industry.default_names().items():
        name = name.strip()
        if name:
            out.append(OrgName(key, name, literal_forms(name, meanings.get(key, ""))))
    return out


def plain(text: str) -> str:
    """The text with its Jinja removed (each piece replaced by a separator)."""
    return JINJA_RE.sub("\x00", text)


def literals_in(text: str, names: Iterable[OrgName]) -> list[tuple[OrgName, str]]:
    """The names ``text`` writes literally, each with the form written (``网点`` for 营业网点), once
    per name and form, in order of first occurrence; the longest match wins at each place."""
    source = plain(text)
    taken = [False] * len(source)
    hits: dict[tuple[str, str], tuple[int, OrgName]] = {}
    spans = sorted(((m.start(), m.end(), n) for n in names for f in n.forms for m in re.finditer(re.escape(f), source)),
                   key=lambda s: (-(s[1] - s[0]), s[0]))
    for start, end, found in spans:
        if any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        key = (found.key, source[start:end])
        if key not in hits or start < hits[key][0]:
            hits[key] = (start, found)
    return [(hit[1], form) for (key, form), hit in sorted(hits.items(), key=lambda h: h[1][0])]


def _zh(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get(schema.DEFAULT_LANGUAGE), str):
        return str(value[schema.DEFAULT_LANGUAGE])
    return None


def default_texts(parameters: Any, loc: Loc = ("parameters",)) -> Iterator[tuple[Loc, str]]:
    """The texts among the parameter defaults of ``industry.yaml``: ``text`` and ``texts`` values
    and the labels and consequences of ``scale`` bands, each with its location."""
    if not isinstance(parameters, dict):
        return
    if isinstance(parameters.get("type"), str):
        kind, default = parameters["type"], parameters.get("default")
        values = [(loc + ("default",), default)] if kind == "text" else []
        if kind in ("texts", "scale") and isinstance(default, list):
            values = [(loc + ("default", i), v) for i, v in enumerate(default)]
        for at, value in values:
            if kind == "scale" and isinstance(value, dict):
                yield from ((at + (f,), t) for f in ("label", "consequence") if (t := _zh(value.get(f))) is not None)
            elif (t := _zh(value)) is not None:
                yield at, t
        return
    for key, sub in parameters.items():
        yield from default_texts(sub, loc + (str(key),))


def _texts(ctx: LintContext) -> Iterator[tuple[YamlDoc, Loc, str, bool]]:
    """Every text to read: (file, location, zh-CN text, whether it is a template)."""
    industry_doc = ctx.industry_file.doc if ctx.industry_file else None
    for site in ctx.texts:
        if site.doc is industry_doc:
            continue
        text = site.variants().get(schema.DEFAULT_LANGUAGE)
        if text:
            yield site.doc, site.loc_of(schema.DEFAULT_LANGUAGE), text, True
    if industry_doc is not None and ctx.industry is not None:
        for loc, text in default_texts(ctx.industry.get("parameters")):
            # band texts are templates; text and texts values are printed as they are
            yield industry_doc, loc, text, loc[-1] in ("label", "consequence")


def _hint(found: OrgName, template: bool) -> str:
    if template:
        return _("write {expression} in place of {name!r}, so the client's own name is printed").format(
            expression=found.expression, name=found.name)
    return _("a default value is printed as it is: leave {name!r} out of it and let the text that prints the "
             "parameter name it with {expression}").format(expression=found.expression, name=found.name)


def check_literals(ctx: LintContext) -> Iterator[Finding]:
    """No text writes a name the profile renames."""
    if ctx.industry_spec is None:
        return  # no industry of its own (or an invalid one, reported as schema errors)
    names = org_names(ctx.industry_spec)
    for doc, loc, text, template in _texts(ctx):
        for found, written in literals_in(text, names):
            yield error("org-literal",
                        _("the text writes {word!r}, a name the client's profile can change "
                          "({key}, default {name!r})").format(word=written, key=found.key, name=found.name),
                        doc, loc, _hint(found, template))


RULES = (Rule("org-literals", check_literals, CODES),)
