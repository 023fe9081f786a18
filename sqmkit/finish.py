"""What the core writes and arranges once a client's chapters are made (called by the assembler).

* The organization chapter comes right after 总则: a controls chapter that holds a duties block
  (组织与职责) is moved there, as Chinese regulations print it, whatever its family order.
* The 编制依据 article of 总则 (``core.general.basis``) lists the references in force for the
  client (:mod:`sqmkit.normrefs`) as items, one per kind, each reference a numbered sub-item; a
  reference lent by the industry of a borrowed module, when the regulation's text cites it.
* 总则 ends with the self-description, written from the chapters actually printed
  (本制度共十六章，依次为“总则”“组织与职责”……“附则”), never a hand-written count.
* A post whose name carries a closing parenthetical (质控员（由医务科科长兼任）) prints it at
  its first mention only; later mentions print the name alone.
* Forms and checklists come sorted by their code (F01, F02 … F10), and the clauses a form records
  in document order, each once. Codes are unique: borrowed forms and checklists (of a module lent
  by another industry) are renumbered after the host's highest code of the same prefix.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable, Iterable

from .i18n import zh_numeral
from .industry import Industry
from .model import ArticleNode, ChapterNode, ChecklistNode, DutiesNode, FormNode, ItemNode, OrgNames
from .normrefs import KIND_NAMES, citation, grouped
from .textrender import short_name

__all__ = ["BASIS_ID", "OUTLINE_ID", "finish", "organization_first", "basis_items", "outline_article",
           "first_mentions", "printed_text", "code_key", "sort_forms", "sort_checklists", "renumber_borrowed"]

#: the 编制依据 article the core fills, and the self-description it adds
BASIS_ID, OUTLINE_ID = "core.general.basis", "core.general.outline"
CORE_PLUGIN = "sqmkit.default"


def organization_first(chapters: list[ChapterNode]) -> list[ChapterNode]:
    """The chapters with every controls chapter that holds a duties block (组织与职责) moved right
    after 总则 (at the front when there is no 总则), keeping their order among themselves."""
    def is_organization(ch: ChapterNode) -> bool:
        return ch.family == "controls" and any(isinstance(a.block, DutiesNode) for a in ch.articles)

    moved = [ch for ch in chapters if is_organization(ch)]
    rest = [ch for ch in chapters if not is_organization(ch)]
    at = 1 if rest and rest[0].family == "general" else 0
    return rest[:at] + moved + rest[at:]


def basis_items(industry: Industry, modules: Iterable[str], lang: str, printed: str | None = None) -> list[ItemNode]:
    """The 编制依据 list: one item per kind of reference, its references numbered under it; a
    reference lent by another industry only when ``printed`` (the regulation's text) cites it."""
    names = KIND_NAMES.get(lang, KIND_NAMES["zh-CN"])
    return [ItemNode(f"{BASIS_ID}.{kind}", names[kind],
                     [ItemNode(f"{BASIS_ID}.{kind}.{ref.id}", citation(ref, lang)) for ref in refs])
            for kind, refs in grouped(industry.references, modules, printed, lang)]


def printed_text(nodes: Iterable[Any]) -> str:
    """Every string of ``nodes`` (chapters, forms, checklists), one per line."""
    parts: list[str] = []

    def keep(text: str) -> str:
        parts.append(text)
        return text

    for node in nodes:
        _rewrite(node, keep)
    return "\n".join(parts)


def outline_article(chapters: list[ChapterNode], lang: str) -> ArticleNode:
    """本制度共N章，依次为“总则”“……”“附则”。 from the chapters printed."""
    if lang == "en":
        text = f"This regulation has {len(chapters)} chapters: " + "; ".join(ch.title for ch in chapters) + "."
    else:
        text = f"本制度共{zh_numeral(len(chapters))}章，依次为" + "".join(f"“{ch.title}”" for ch in chapters) + "。"
    return ArticleNode(OUTLINE_ID, None, text, [], None, None, CORE_PLUGIN)


def _rewrite_list(values: list[Any], fn: Callable[[str], str]) -> None:
    for i, entry in enumerate(values):
        if isinstance(entry, str):
            values[i] = fn(entry)
        elif isinstance(entry, list):  # a table's rows: cells in print order, row by row
            _rewrite_list(entry, fn)
        elif dataclasses.is_dataclass(entry):
            _rewrite(entry, fn)


def _rewrite(node: Any, fn: Callable[[str], str]) -> None:
    """Apply ``fn`` to every string of a node tree, in field (document) order, table cells included."""
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, str):
            setattr(node, f.name, fn(value))
        elif isinstance(value, list):
            _rewrite_list(value, fn)
        elif dataclasses.is_dataclass(value):
            _rewrite(value, fn)


def first_mentions(chapters: list[ChapterNode], org: OrgNames) -> None:
    """A post name with a closing parenthetical keeps it at its first mention only."""
    full = {name: short_name(name) for name in org.roles.values() if short_name(name) != name}
    seen: set[str] = set()

    def once(text: str) -> str:
        for name, short in full.items():
            if name not in text:
                continue
            head, sep, tail = text.partition(name) if name not in seen else ("", "", text)
            seen.add(name)
            text = head + sep + tail.replace(name, short)
        return text

    for chapter in chapters:
        _rewrite(chapter, once)


def code_key(code: str | None) -> tuple[int, tuple[tuple[int, str | int], ...]]:
    """Natural order of codes (F2 before F10); things without a code last."""
    if not code:
        return (1, ())
    parts = re.split(r"(\d+)", code)
    return (0, tuple((1, int(p)) if p.isdigit() else (0, p) for p in parts if p))


def sort_forms(forms: list[FormNode], chapters: list[ChapterNode]) -> list[FormNode]:
    """Forms by code; each form's clauses in document order, each once (unknown ids last)."""
    position: dict[str, int] = {}
    for chapter in chapters:
        for article in chapter.articles:
            position.setdefault(article.id, len(position))
            stack = list(article.items)
            while stack:
                item = stack.pop(0)
                position.setdefault(item.id, len(position))
                stack[:0] = item.items
    for form in forms:
        unique = list(dict.fromkeys(form.clauses))
        form.clauses = sorted(unique, key=lambda c: position.get(c, len(position)))
    return sorted(forms, key=lambda f: code_key(f.code))


def sort_checklists(checklists: list[ChecklistNode]) -> list[ChecklistNode]:
    return sorted(checklists, key=lambda c: code_key(c.code))


_CODE = re.compile(r"(\D*)(\d+)")


def renumber_borrowed(nodes: list[Any], borrowed: set[str]) -> None:
    """Codes unique in one regulation: the host's nodes keep theirs; each borrowed node (its
    ``plugin`` in ``borrowed``) with a code of a prefix and digits gets the next code after the
    highest of that prefix so far, in the host's width (F08 → F09, F10 …), lenders in the order
    they come and each lender's nodes in its own code order."""
    highest: dict[str, tuple[int, int]] = {}  # prefix → (number, width)
    for node in nodes:
        m = _CODE.fullmatch(node.code or "")
        if node.plugin not in borrowed and m:
            number, width = highest.get(m[1], (0, len(m[2])))
            highest[m[1]] = (max(number, int(m[2])), width)
    order = list(dict.fromkeys(n.plugin for n in nodes if n.plugin in borrowed))
    lent = sorted((n for n in nodes if n.plugin in borrowed), key=lambda n: (order.index(n.plugin), code_key(n.code)))
    for node in lent:
        m = _CODE.fullmatch(node.code or "")
        if m is None:
            continue
        number, width = highest.get(m[1], (0, len(m[2])))
        highest[m[1]] = (number + 1, width)
        node.code = f"{m[1]}{number + 1:0{width}d}"


def finish(chapters: list[ChapterNode], forms: list[FormNode], checklists: list[ChecklistNode],
           industry: Industry, modules: Iterable[str], lang: str, org: OrgNames,
           borrowed: set[str] | None = None) -> tuple[list[ChapterNode], list[FormNode], list[ChecklistNode]]:
    """Everything above, in order; returns the chapters, forms and checklists to print
    (``borrowed``: the plugins of the lenders, whose forms and checklists are renumbered)."""
    renumber_borrowed(forms, borrowed or set())
    renumber_borrowed(checklists, borrowed or set())
    chapters = organization_first(chapters)
    general = chapters[0] if chapters and chapters[0].family == "general" else None
    if general is not None:
        for article in general.articles:
            if article.id == BASIS_ID:
                article.items = basis_items(industry, modules, lang, printed_text([*chapters, *forms, *checklists]))
        general.articles.append(outline_article(chapters, lang))
    first_mentions(chapters, org)
    return chapters, sort_forms(forms, chapters), sort_checklists(checklists)
