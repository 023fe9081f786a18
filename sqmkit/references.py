"""Cross-references of an assembled regulation: every ``ref()``, ``form()`` and ``checklist()``
in a text, every clause a form records and every clause a check item checks must be in the
regulation. The clause ↔ form ↔ checklist indexes are filled on the way."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from .errors import PluginError
from .model import Regulation, strings_of, walk_items
from .textrender import references

_NOUN = {"ref": "clause", "form": "form", "checklist": "checklist"}


def _state(target: str, owner: dict[str, str]) -> str:
    return "switched off for this client" if target in owner else "not defined"


def _texts_with_owner(reg: Regulation) -> Iterator[tuple[str, str, Any]]:
    """``(plugin, id, value)`` of every node whose texts may hold references."""
    for chapter in reg.chapters:
        for article in chapter.articles:
            yield article.plugin, article.id, [article.title, article.text, article.after, article.block]
            yield from ((article.plugin, item.id, item.text) for item in walk_items(article.items))
    for form in reg.forms:
        yield form.plugin, form.id, [form.intro, form.footer, form.sections]
    for checklist in reg.checklists:
        yield checklist.plugin, checklist.id, checklist.sections


def check_references(reg: Regulation, owner: dict[str, str]) -> None:
    """Raise a :class:`PluginError` naming the plugin and both ids for the first reference that
    does not resolve; fill ``reg.index.checked_by`` and ``reg.index.forms_for``."""
    targets: dict[str, Mapping[str, object]] = {"ref": reg.index.clauses, "form": reg.index.forms,
                                                "checklist": reg.index.checklists}
    for plugin, where, value in _texts_with_owner(reg):
        for text in strings_of(value):
            for kind, target in references(text):
                if target not in targets[kind]:
                    raise PluginError(plugin, f"{where} refers to {_NOUN[kind]} {target!r}, which is "
                                              f"{_state(target, owner)}", ids=(where, target))
    for form in reg.forms:
        for cid in form.clauses:
            if cid not in reg.index.clauses:
                raise PluginError(form.plugin, f"form {form.id!r} names clause {cid!r}, which is "
                                               f"{_state(cid, owner)}", hook="register_forms", ids=(form.id, cid))
            reg.index.forms_for.setdefault(cid, []).append(form.id)
    for checklist in reg.checklists:
        for item in checklist.items():
            for cid in item.clauses:
                if cid not in reg.index.clauses:
                    raise PluginError(checklist.plugin, f"check item {item.id!r} names clause {cid!r}, which is "
                                                        f"{_state(cid, owner)}", hook="register_checklists",
                                      ids=(item.id, cid))
                reg.index.checked_by.setdefault(cid, []).append((checklist.id, item.id))
