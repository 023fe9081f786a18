"""Parameter declarations: what each parameter of an industry is, and the one check of a value.

An industry declares its parameters in ``industry.yaml`` as a tree. Groups are plain mappings; a
leaf is a mapping with a ``type`` key::

    parameters:
      kpi:
        on_time_rate:
          type: percent            # integer | number | percent | text | texts | scale | boolean
          default: 98
          min: 0                   # optional; a percent is 0 to 100 unless it says otherwise
          max: 100
          unit: "%"                # optional text
          meaning: 在承诺时限内送达的快件所占比例

:class:`ParamSpec` is one leaf; :func:`read_tree` turns the tree into specs with every problem of
the declarations located; :func:`value_problems` checks one value against its spec. The same
check runs on the industry's defaults and on every value a client profile sets, so a default can
never be something a profile could not write.

Types: ``integer`` whole numbers; ``number`` decimals too; ``percent`` a number from 0 to 100;
``text`` one string (or ``{zh-CN: …, en: …}``); ``texts`` a list of strings (channels, places);
``scale`` a grade scale (bands of ``grade``, ``min``, ``label``, ``consequence``, checked by
:mod:`sqmkit.grades`); ``boolean`` true or false. NaN and infinity are never numbers, and neither
is true/false.

A bare value where a leaf is expected (``on_time_rate: 98``, the shape of sqmkit 0.2) still loads,
with its type inferred and no meaning (``declared`` is false), so an older plugin keeps building;
``sqmkit plugin check`` reports each one until it is declared.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterator, Literal, get_args

from pydantic import Field, ValidationError, model_validator

from .grades import LocatedValueError, Loc, is_scale, scale_problems
from .localized import DEFAULT_LANGUAGE, LANGUAGES, Strict, Text
from .messages import _, current_language
from .validation import describe, error_message, number_text

ParamType = Literal["integer", "number", "percent", "text", "texts", "scale", "boolean"]
PARAM_TYPES: tuple[str, ...] = get_args(ParamType)
NUMERIC = ("integer", "number", "percent")
LISTS = ("texts", "scale")
#: the keys a grade band may have
BAND_KEYS = ("grade", "min", "label", "consequence")
#: a parameter or group name
PARAM_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")

#: a problem: where below the value it is, and what is wrong
Problem = tuple[Loc, str]


def _finite(value: Any) -> Any:
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                              or not math.isfinite(value)):
        raise ValueError(_("expected a number, not {got}").format(got=describe(value)))
    return value


class ParamSpec(Strict):
    """One declared parameter. ``path`` is its dotted place in the tree (``kpi.on_time_rate``),
    given by where it is declared, not written in the file."""

    path: str = ""
    type: ParamType
    default: Any
    min: int | float | None = None
    max: int | float | None = None
    unit: Text | None = None
    meaning: Text
    min_items: int | None = Field(default=None, ge=0)
    max_items: int | None = Field(default=None, ge=1)
    #: False for a bare value of the older shape, whose type was inferred
    declared: bool = Field(default=True, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _numbers(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in ("min", "max"):
                try:
                    _finite(data.get(key))
                except ValueError as exc:
                    raise LocatedValueError((key,), str(exc)) from None
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "ParamSpec":
        for loc, problem in self.declaration_problems():
            raise LocatedValueError(loc, problem)
        return self

    # -- what the declaration says --------------------------------------------------------------

    def bounds(self) -> tuple[float | None, float | None]:
        """The lowest and highest value allowed (a percent is 0 to 100 unless it says otherwise)."""
        if self.type == "percent":
            return (0 if self.min is None else self.min), (100 if self.max is None else self.max)
        return self.min, self.max

    def item_bounds(self) -> tuple[int, int | None]:
        """How many items a list parameter may have (at least one unless it says otherwise)."""
        return (1 if self.min_items is None else self.min_items), self.max_items

    def unit_in(self, lang: str) -> str:
        return self.unit.get(lang) if self.unit else ""

    def default_in(self, lang: str = DEFAULT_LANGUAGE) -> Any:
        """The default value as texts read it in ``lang`` (texts chosen by language)."""
        return localize(self.default, lang)

    def declaration_problems(self) -> list[Problem]:
        """What is inconsistent in the declaration itself, its default included."""
        problems: list[Problem] = []
        if self.type not in NUMERIC and (self.min is not None or self.max is not None):
            key = "min" if self.min is not None else "max"
            problems.append(((key,), _("min and max apply to numbers (integer, number, percent), not to {type}")
                             .format(type=self.type)))
        if self.type not in LISTS and (self.min_items is not None or self.max_items is not None):
            key = "min_items" if self.min_items is not None else "max_items"
            problems.append(((key,), _("min_items and max_items apply to texts and scale, not to {type}")
                             .format(type=self.type)))
        lo, hi = self.bounds()
        if lo is not None and hi is not None and lo > hi:
            problems.append((("max",), _("max ({max}) is below min ({min})").format(
                max=number_text(hi), min=number_text(lo))))
        if self.type == "percent" and not (0 <= (lo or 0) and (hi if hi is not None else 100) <= 100):
            problems.append((("min",), _("a percent lies from 0 to 100")))
        n_lo, n_hi = self.item_bounds()
        if n_hi is not None and n_lo > n_hi:
            problems.append((("max_items",), _("max_items ({max}) is below min_items ({min})").format(
                max=n_hi, min=n_lo)))
        if not self.meaning.get(DEFAULT_LANGUAGE).strip():
            problems.append((("meaning",), _("the meaning must not be empty: say what the parameter is")))
        problems += [(("default",) + loc, p) for loc, p in value_problems(self, self.default)]
        return problems


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


def is_text(value: Any) -> bool:
    """A string, or a mapping of language to string with zh-CN."""
    if isinstance(value, str):
        return True
    return (isinstance(value, dict) and bool(value) and DEFAULT_LANGUAGE in value
            and all(k in LANGUAGES and isinstance(v, str) for k, v in value.items()))


def localize(value: Any, lang: str) -> Any:
    """``value`` with every ``{zh-CN: …, en: …}`` text replaced by its string in ``lang``."""
    if isinstance(value, dict):
        if is_text(value):
            return value.get(lang, value[DEFAULT_LANGUAGE])
        return {k: localize(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [localize(v, lang) for v in value]
    return value


def _range_problem(spec: ParamSpec, value: float) -> str | None:
    lo, hi = spec.bounds()
    if (lo is None or value >= lo) and (hi is None or value <= hi):
        return None
    unit = spec.unit_in(current_language())
    unit = f" {unit}" if unit else ""
    shown = number_text(value)
    if lo is not None and hi is not None:
        return _("{value} is out of range: use a value from {min} to {max}{unit}").format(
            value=shown, min=number_text(lo), max=number_text(hi), unit=unit)
    if lo is not None:
        return _("{value} is too small: use at least {min}{unit}").format(value=shown, min=number_text(lo), unit=unit)
    return _("{value} is too large: use at most {max}{unit}").format(value=shown, max=number_text(hi or 0), unit=unit)


def _number_problems(spec: ParamSpec, value: Any) -> list[Problem]:
    got = describe(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if spec.type == "integer":
            return [((), _("expected a whole number, not {got}").format(got=got))]
        return [((), _("expected a number, not {got}").format(got=got))]
    if not math.isfinite(value):
        return [((), _("NaN and infinity are not allowed; write a number"))]
    if spec.type == "integer" and not isinstance(value, int):
        return [((), _("expected a whole number, not {got}").format(got=got))]
    problem = _range_problem(spec, value)
    return [((), problem)] if problem else []


def _text_problems(spec: ParamSpec, value: Any) -> list[Problem]:
    if not is_text(value):
        return [((), _("expected text, not {got}").format(got=describe(value)))]
    texts = [value] if isinstance(value, str) else list(value.values())
    if any(not t.strip() for t in texts):
        return [((), _("must not be empty"))]
    return []


def _count_problems(spec: ParamSpec, value: list[Any]) -> list[Problem]:
    lo, hi = spec.item_bounds()
    if len(value) < lo:
        return [((), _("needs at least {count} item(s), not {n}").format(count=lo, n=len(value)))]
    if hi is not None and len(value) > hi:
        return [((), _("has too many items: at most {count}, not {n}").format(count=hi, n=len(value)))]
    return []


def _texts_problems(spec: ParamSpec, value: Any) -> list[Problem]:
    if not isinstance(value, list):
        return [((), _("expected a list of texts (like [a, b]), not {got}").format(got=describe(value)))]
    problems: list[Problem] = []
    for i, item in enumerate(value):
        problems += [((i,) + loc, p) for loc, p in _text_problems(spec, item)]
    return problems + _count_problems(spec, value)


def _scale_problems(spec: ParamSpec, value: Any) -> list[Problem]:
    if not isinstance(value, list):
        return [((), _("expected a grade scale (a list of bands with grade and min), not {got}").format(
            got=describe(value)))]
    problems: list[Problem] = []
    for i, band in enumerate(value):
        if not isinstance(band, dict):
            continue  # scale_problems says so
        for key, sub in band.items():
            if key not in BAND_KEYS:
                problems.append(((i, key), _("unknown key {key!r}; a band has {keys}").format(
                    key=key, keys=", ".join(BAND_KEYS))))
            elif key in ("label", "consequence") and not is_text(sub):
                problems.append(((i, key), _("expected text, not {got}").format(got=describe(sub))))
    problems += list(scale_problems(value))
    return problems + (_count_problems(spec, value) if value else [])


def _boolean_problems(spec: ParamSpec, value: Any) -> list[Problem]:
    if not isinstance(value, bool):
        return [((), _("expected true or false, not {got}").format(got=describe(value)))]
    return []


_CHECKS = {"integer": _number_problems, "number": _number_problems, "percent": _number_problems,
           "text": _text_problems, "texts": _texts_problems, "scale": _scale_problems,
           "boolean": _boolean_problems}


def value_problems(spec: ParamSpec, value: Any) -> list[Problem]:
    """Every way ``value`` does not fit ``spec``, each with its location below the value."""
    return _CHECKS[spec.type](spec, value)


# ---------------------------------------------------------------------------------------------
# The tree of declarations
# ---------------------------------------------------------------------------------------------


def infer_type(value: Any) -> ParamType | None:
    """The type of a bare default of the older shape (``None`` when it has none)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if is_text(value):
        return "text"
    if is_scale(value):
        return "scale"
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return "texts"
    return None


def _leaf(data: dict[str, Any], loc: Loc) -> tuple[ParamSpec | None, list[Problem]]:
    path = ".".join(str(p) for p in loc)
    if "path" in data or "declared" in data:
        key = "path" if "path" in data else "declared"
        return None, [(loc + (key,), _("unknown field"))]
    try:
        return ParamSpec.model_validate({**data, "path": path}), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            sub, problem, _hint = error_message(err)
            problems.append((loc + tuple(err["loc"]) + sub, problem))
        kind = data.get("type")
        if kind not in PARAM_TYPES or "default" not in data:
            return None, problems
        # still declared, with a problem: keep its place, so what uses it is not "undeclared" too
        return ParamSpec.model_construct(path=path, type=kind, default=data["default"],
                                         meaning=Text({DEFAULT_LANGUAGE: ""})), problems


def _bare(value: Any, loc: Loc) -> tuple[ParamSpec | None, list[Problem]]:
    kind = infer_type(value)
    if kind is None:
        return None, [(loc, _("declare the parameter as a mapping with type, default and meaning"))]
    spec = ParamSpec.model_construct(path=".".join(str(p) for p in loc), type=kind, default=value,
                                     meaning=Text({DEFAULT_LANGUAGE: ""}), declared=False)
    return spec, [(loc + sub, p) for sub, p in value_problems(spec, value)]


def _walk(node: dict[Any, Any], loc: Loc, specs: list[ParamSpec], problems: list[Problem]) -> None:
    for key, sub in node.items():
        here = loc + (key,)
        if not isinstance(key, str) or not PARAM_KEY_RE.match(key):
            problems.append((here, _("{key!r} is not a valid parameter name: use lower-case letters, digits and "
                                     "underscores").format(key=key)))
            continue
        if isinstance(sub, dict) and "type" in sub:
            spec, found = _leaf(sub, here)
        elif isinstance(sub, dict) and not is_text(sub):
            if not sub:
                problems.append((here, _("an empty group: declare parameters in it or remove it")))
            _walk(sub, here, specs, problems)
            continue
        else:
            spec, found = _bare(sub, here)
        problems += found
        if spec is not None:
            specs.append(spec)


def read_tree(tree: Any) -> tuple[list[ParamSpec], list[Problem]]:
    """The specs declared in a ``parameters`` tree, in file order, and every problem found (a
    declaration with a problem is still listed when its type and default can be read, so that
    only it is reported, not every use of it)."""
    if not isinstance(tree, dict):
        return [], [((), _("parameters is a mapping of groups and parameters, not {got}").format(got=describe(tree)))]
    specs: list[ParamSpec] = []
    problems: list[Problem] = []
    _walk(tree, (), specs, problems)
    return specs, problems


#: the declared tree, for walking a profile's values: group name → sub-tree or spec
SpecTree = dict[str, Any]


def spec_tree(specs: list[ParamSpec]) -> SpecTree:
    """Groups as nested mappings, leaves as their :class:`ParamSpec`."""
    root: SpecTree = {}
    for spec in specs:
        *groups, name = spec.path.split(".")
        node = root
        for g in groups:
            node = node.setdefault(g, {})
        node[name] = spec
    return root


def defaults_tree(specs: list[ParamSpec], lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Groups as nested mappings, leaves as their default in ``lang``."""
    root: dict[str, Any] = {}
    for spec in specs:
        *groups, name = spec.path.split(".")
        node = root
        for g in groups:
            node = node.setdefault(g, {})
        node[name] = spec.default_in(lang)
    return root


def walk_specs(tree: SpecTree, loc: Loc = ()) -> Iterator[tuple[Loc, ParamSpec]]:
    for key, sub in tree.items():
        if isinstance(sub, ParamSpec):
            yield loc + (key,), sub
        else:
            yield from walk_specs(sub, loc + (key,))
