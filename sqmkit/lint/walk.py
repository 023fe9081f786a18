"""Walking the raw YAML data of a file alongside its schema.

The linter reads raw data, not validated models, so that it still sees everything in a file
that does not validate, and knows the location of every value. :func:`walk` follows the
pydantic models of :mod:`sqmkit.schema` through the data and yields every model value
(:class:`Node`) and every localizable text (:class:`TextValue`), each with its :class:`Place`:
where it is, which modules must be on for it to exist and the dotted id of what holds it.
"""

from __future__ import annotations

import types
from dataclasses import dataclass, replace
from typing import Annotated, Any, Iterator, Union, get_args, get_origin

from pydantic import BaseModel

from .. import schema
from .findings import Loc

#: models whose id is a segment under the id of what holds them
NESTED_IDS: tuple[type[BaseModel], ...] = (schema.Article, schema.Item, schema.CheckSection, schema.CheckItem)


@dataclass(frozen=True)
class Place:
    """Where a value is: its location, the modules it needs, the dotted id of the nearest
    chapter/article/item/form/checklist/check item around it, and the chapter's family."""

    loc: Loc = ()
    requires: frozenset[str] = frozenset()
    prefix: str = ""
    family: str | None = None

    def at(self, *parts: str | int) -> "Place":
        return replace(self, loc=self.loc + parts)


@dataclass(frozen=True)
class Node:
    """A model value met on the walk (a chapter, an article, a form field …), as raw data."""

    cls: type[BaseModel]
    data: dict[str, Any]
    place: Place


@dataclass(frozen=True)
class TextValue:
    """A localizable text: a string (zh-CN) or a mapping of language to string."""

    value: Any
    place: Place


def union_args(ann: Any) -> list[Any]:
    """The members of a union (``None`` left out), or ``[ann]``."""
    if get_origin(ann) is Union or isinstance(ann, types.UnionType):
        return [a for a in get_args(ann) if a is not type(None)]
    return [ann]


def strip_annotated(ann: Any) -> Any:
    while get_origin(ann) is Annotated:
        ann = get_args(ann)[0]
    return ann


def _is_model(ann: Any) -> bool:
    return isinstance(ann, type) and issubclass(ann, BaseModel)


def _by_kind(options: list[Any], kind: Any) -> Any:
    for opt in options:
        if _is_model(opt) and "kind" in opt.model_fields and kind in get_args(opt.model_fields["kind"].annotation):
            return opt
    return None


def pick_model(options: list[Any], value: Any) -> Any:
    """The member of a union that fits ``value`` (by ``kind`` for tagged blocks)."""
    flat: list[Any] = []
    for opt in options:
        flat += union_args(strip_annotated(opt))
    if isinstance(value, dict) and "kind" in value:
        return _by_kind(flat, value["kind"])
    for opt in flat:
        if opt is schema.Text and isinstance(value, (str, dict)):
            return opt
        if get_origin(opt) is list and isinstance(value, list):
            return opt
        if _is_model(opt) and isinstance(value, dict):
            return opt
    return None


def _enter(model: type[BaseModel], data: dict[str, Any], place: Place) -> Place:
    """The place of the model value itself: its module, its full id."""
    ident = data.get("id") if isinstance(data.get("id"), str) else None
    if "module" in model.model_fields and isinstance(data.get("module"), str):
        place = replace(place, requires=place.requires | {data["module"]})
    if issubclass(model, schema.Chapter):
        family = data.get("family") if isinstance(data.get("family"), str) else None
        return replace(place, prefix=ident or "?", family=family)
    if model in (schema.Form, schema.Checklist):
        return replace(place, prefix=ident or "?")
    if model in NESTED_IDS:
        return replace(place, prefix=f"{place.prefix}.{ident or '?'}")
    return place


def walk(model: type[BaseModel], data: Any, place: Place = Place()) -> Iterator[Node | TextValue]:
    """Every model value and every text inside ``data`` read as ``model``, in document order."""
    if not isinstance(data, dict):
        return
    place = _enter(model, data, place)
    yield Node(model, data, place)
    for name, info in model.model_fields.items():
        if name in data:
            yield from _walk_value(info.annotation, data[name], place.at(name))


def _walk_value(ann: Any, value: Any, place: Place) -> Iterator[Node | TextValue]:
    options = union_args(strip_annotated(ann))
    target = options[0] if len(options) == 1 else pick_model(options, value)
    target = strip_annotated(target) if target is not None else None
    if target is not None and len(union_args(target)) > 1:
        target = pick_model(union_args(target), value)
    if target is None:
        return
    if target is schema.Text:
        yield TextValue(value, place)
    elif get_origin(target) is list and isinstance(value, list):
        (item_ann,) = get_args(target) or (Any,)
        for i, v in enumerate(value):
            yield from _walk_value(item_ann, v, place.at(i))
    elif get_origin(target) is dict and isinstance(value, dict):
        _, val_ann = get_args(target)
        for k, v in value.items():
            yield from _walk_value(val_ann, v, place.at(k))
    elif _is_model(target):
        yield from walk(target, value, place)


def fields_at(model: type[BaseModel], loc: Loc) -> tuple[str, list[str]]:
    """The name and fields of the model found at ``loc`` inside ``model`` (for hints)."""
    cls: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not _is_model(cls) or part not in cls.model_fields:
            return model.__name__, []
        nxt = None
        for a in union_args(strip_annotated(cls.model_fields[part].annotation)):
            a = strip_annotated(a)
            if get_origin(a) in (list, dict):
                a = strip_annotated(get_args(a)[-1])
            if _is_model(a):
                nxt = a
                break
        cls = nxt
    return (cls.__name__, sorted(cls.model_fields)) if _is_model(cls) else (model.__name__, [])
