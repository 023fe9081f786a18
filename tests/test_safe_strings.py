"""Every string of a profile goes through the one safe-string type: a test walks the profile
schema so a new field cannot skip the check, and control characters (which could forge a
cross-reference marker) are refused wherever they are written."""

from __future__ import annotations

import typing

import pytest
from pydantic import BaseModel

from sqmkit import Profile, ProfileError, load
from sqmkit.strings import SafeStr, SafeText, check_safe, check_safe_text, check_safe_tree

CHECKS = (check_safe, check_safe_tree, check_safe_text)


def _checked(metadata) -> bool:
    return any(getattr(m, "func", None) in CHECKS for m in metadata)


def unsafe_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The paths of fields holding strings that no safe-string validator checks. pydantic moves a
    top-level field's ``Annotated`` metadata into ``FieldInfo.metadata``; nested ones stay."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        out += _unsafe(info.annotation, f"{prefix}{name}", _checked(info.metadata))
    return out


def _unsafe(ann, path: str, checked: bool) -> list[str]:
    if typing.get_origin(ann) is typing.Annotated:
        base, *meta = typing.get_args(ann)
        return _unsafe(base, path, checked or _checked(meta))
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return unsafe_fields(ann, path + ".")
    if ann is str or (isinstance(ann, type) and issubclass(ann, dict) and not typing.get_args(ann)):
        return [] if checked else [path]
    if typing.get_origin(ann) is dict and checked and typing.get_args(ann)[1] is typing.Any:
        return []  # a whole tree checked at once (SafeTree)
    out: list[str] = []
    for i, arg in enumerate(typing.get_args(ann)):
        if arg is not type(None):
            out += _unsafe(arg, f"{path}<{i}>", checked and typing.get_origin(ann) is not dict)
    return out


def test_every_profile_string_field_is_a_safe_string():
    unsafe = unsafe_fields(Profile)
    assert not unsafe, f"profile fields that skip the safe-string check: {unsafe}"


def test_the_walk_would_see_an_unchecked_field():
    class Sneaky(BaseModel):
        fine: SafeStr
        nested: list[SafeStr]
        plain: str
        maybe: str | None = None
        texts: dict[str, SafeText] = {}

    assert unsafe_fields(Sneaky) == ["plain", "maybe<0>", "texts<0>"]  # a dict key is a string too


@pytest.mark.parametrize("edit, where", [
    (lambda d: d["company"].update(name="某某\x1eref:x:\x1f快递"), "company.name"),
    (lambda d: d["document"].update(holder="质量部\x07"), "document.holder"),
    (lambda d: d["organization"]["departments"].update(operations="营运\u202e部"), "organization.departments"),
    (lambda d: d.setdefault("parameters", {}).setdefault("complaint", {}).update({"note\x1f": 1}), "parameters"),
    (lambda d: d.update(modules=["cod\x00"]), "modules"),
])
def test_control_characters_are_refused_everywhere(make_profile, edit, where):
    with pytest.raises(ProfileError) as err:
        load(make_profile(edit))
    assert err.value.where.startswith(where) and "control character" in err.value.problem
