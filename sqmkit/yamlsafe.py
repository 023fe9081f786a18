"""A YAML loader for files from someone else's hands: safe, bounded, and never surprised.

On top of PyYAML's safe loader it

- refuses duplicate keys and unhashable keys (``{[1]: x}``) at their line;
- bounds what is read (:mod:`sqmkit.limits`): nesting depth while composing (so a deeply nested
  file never reaches Python's recursion limit), the number of values once aliases are expanded
  (so a 1 KB "alias bomb" is refused before anything walks it), recursive aliases, string length,
  digits in a number and keys in a mapping;
- loads a calendar-invalid date (``2026-13-01``, ``2025-02-30``) as the plain string it is written
  as, so the schema reports it at its field like any other wrong value;
- refuses the tags a sqmkit file never needs (``!!binary``, ``!!set``, ``!!omap``, ``!!pairs``);
- turns any value a constructor cannot convert (``!!int abc``) into a located error.

Every refusal is a :class:`yaml.MarkedYAMLError` carrying the position; :class:`LimitExceeded`
tells a limit apart from malformed YAML.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .limits import (
    MAX_YAML_DEPTH, MAX_YAML_MAPPING_KEYS, MAX_YAML_NODES, MAX_YAML_NUMBER_DIGITS, MAX_YAML_SCALAR_CHARS,
)
from .messages import _


class LimitExceeded(yaml.MarkedYAMLError):
    """A limit of :mod:`sqmkit.limits` was passed; ``problem`` says which, ``problem_mark`` where."""

    def __init__(self, problem: str, mark: Mark | None):
        super().__init__(problem=problem, problem_mark=mark)


class _Bounded:
    """The checks and limits described in the module docstring, over a composer and a safe
    constructor (mixed into :class:`BoundedLoader` and :class:`FastBoundedLoader`)."""

    _depth = 0
    _composed = 0  # nodes composed so far, aliases included

    # -- composing: depth, number of values, string length, keys per mapping ----------------------

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        parser: Any = self  # a composer over a parser (Python's or libyaml's)
        self._depth += 1
        self._composed += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise LimitExceeded(_("nested deeper than {limit} levels (the limit)").format(limit=MAX_YAML_DEPTH),
                                    parser.peek_event().start_mark)
            if self._composed > MAX_YAML_NODES:
                raise LimitExceeded(_("more than {limit} values (the limit)").format(limit=MAX_YAML_NODES),
                                    parser.peek_event().start_mark)
            node: Node | None = super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1
        if isinstance(node, ScalarNode) and len(node.value) > MAX_YAML_SCALAR_CHARS:
            raise LimitExceeded(_("a text of {n} characters; the limit is {limit}").format(
                n=len(node.value), limit=MAX_YAML_SCALAR_CHARS), node.start_mark)
        if isinstance(node, MappingNode) and len(node.value) > MAX_YAML_MAPPING_KEYS:
            raise LimitExceeded(_("a mapping of {n} keys; the limit is {limit}").format(
                n=len(node.value), limit=MAX_YAML_MAPPING_KEYS), node.start_mark)
        return node

    # -- constructing: any conversion failure is located -----------------------------------------

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, ArithmeticError, AttributeError, LookupError):
            kind = str(node.tag).rpartition(":")[2] or str(node.tag)
            text = node.value if isinstance(node, ScalarNode) else ""
            raise ConstructorError(None, None, _("cannot read {value!r} as a value of type {kind}").format(
                value=text[:40], kind=kind), node.start_mark) from None


class BoundedLoader(_Bounded, yaml.SafeLoader):
    """PyYAML's safe loader (pure Python) with the checks and limits of the module docstring:
    the reference, and the reader of a file the fast loader refuses (so every message about a
    malformed file is PyYAML's own)."""


try:
    from yaml._yaml import CParser as _CParser
    _WITH_LIBYAML = True
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _WITH_LIBYAML = False


if _WITH_LIBYAML:
    class FastBoundedLoader(_Bounded, yaml.composer.Composer, _CParser, yaml.constructor.SafeConstructor,
                            yaml.resolver.Resolver):
        """The same checks, composed in Python (so the depth and size limits hold while
        composing) from the events of libyaml's C parser: several times faster than PyYAML's
        Python scanner, with the same nodes, values and lines."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    LOADERS: tuple[type, ...] = (BoundedLoader, FastBoundedLoader)
else:  # pragma: no cover - PyYAML built without libyaml
    LOADERS = (BoundedLoader,)


def measure(root: Node) -> None:
    """Refuse a document whose expansion (aliases followed) is too deep, too large or recursive.

    Each node is measured once (memoised by identity), so the work is linear in the size of the
    file even when its expansion is astronomically large.
    """
    memo: dict[int, tuple[int, int]] = {}  # id(node) → (values in its expansion, its depth)
    active: set[int] = set()

    def visit(node: Node) -> tuple[int, int]:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in active:
            raise ConstructorError(None, None, _("an alias refers to a value that contains it (a recursive alias)"),
                                   node.start_mark)
        active.add(key)
        count, depth = 1, 0
        for child in _children(node):
            n, d = visit(child)
            count, depth = count + n, max(depth, d)
            if count > MAX_YAML_NODES:
                raise LimitExceeded(_("more than {limit} values once aliases are expanded (the limit)").format(
                    limit=MAX_YAML_NODES), child.start_mark)
        if depth + 1 > MAX_YAML_DEPTH:
            raise LimitExceeded(_("nested deeper than {limit} levels once aliases are expanded (the limit)").format(
                limit=MAX_YAML_DEPTH), node.start_mark)
        active.discard(key)
        memo[key] = (count, depth + 1)
        return memo[key]

    visit(root)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _construct_mapping(loader: BoundedLoader, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
    """Mappings without duplicate or unhashable keys (merge keys ``<<`` are not supported)."""
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(None, None, _("a key must be a plain value, not a list or a mapping"),
                                   key_node.start_mark) from None
        if key in mapping:
            raise ConstructorError(None, None, _("duplicate key {key!r}").format(key=key), key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _construct_int(loader: BoundedLoader, node: ScalarNode) -> int:
    if _digits(node.value) > MAX_YAML_NUMBER_DIGITS:
        raise LimitExceeded(_("a number of {n} digits; the limit is {limit}").format(
            n=_digits(node.value), limit=MAX_YAML_NUMBER_DIGITS), node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _construct_float(loader: BoundedLoader, node: ScalarNode) -> float:
    if _digits(node.value) > MAX_YAML_NUMBER_DIGITS:
        raise LimitExceeded(_("a number of {n} digits; the limit is {limit}").format(
            n=_digits(node.value), limit=MAX_YAML_NUMBER_DIGITS), node.start_mark)
    return yaml.SafeLoader.construct_yaml_float(loader, node)


def _construct_timestamp(loader: BoundedLoader, node: ScalarNode) -> dt.date | str:
    """A date or time; one the calendar does not have (2025-02-30) stays the string written."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, TypeError, AttributeError):
        return str(node.value)


def _refuse_tag(loader: BoundedLoader, node: Node) -> Any:
    raise ConstructorError(None, None, _("the tag {tag} is not allowed in sqmkit files").format(tag=node.tag),
                           node.start_mark)


def _refuse_merge(loader: BoundedLoader, node: Node) -> Any:
    raise ConstructorError(None, None, _("merge keys (<<) are not supported; write the keys out"), node.start_mark)


for _loader in LOADERS:
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)  # type: ignore[attr-defined]
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)  # type: ignore[attr-defined]
    _loader.add_constructor("tag:yaml.org,2002:float", _construct_float)  # type: ignore[attr-defined]
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)  # type: ignore[attr-defined]
    for _tag in ("binary", "set", "omap", "pairs"):
        _loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)  # type: ignore[attr-defined]
    _loader.add_constructor("tag:yaml.org,2002:merge", _refuse_merge)  # type: ignore[attr-defined]

#: what the fast loader leaves to the reference, where libyaml and PyYAML differ: characters
#: PyYAML's reader refuses, byte order marks, tabs (libyaml accepts them in places PyYAML does not), what may be a
#: tag (a ``!`` starting a token), a directive (``%`` starting a line) or a block scalar header with
#: more after it than PyYAML allows
_TO_REFERENCE = re.compile("[^\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]"
                           "|\ufeff|(?:^|[\\s\\[{,])!|^%|[|>][-+0-9]*[^-+0-9\\s]", re.MULTILINE)


def compose_and_construct(text: str, fast: bool = True) -> tuple[Any, Node | None]:
    """Parse one YAML document from ``text``: (data, root node), both None for an empty document.
    Raises :class:`yaml.YAMLError` (:class:`LimitExceeded` for a limit). The fast loader reads it
    when it can; whatever it refuses is read again by :class:`BoundedLoader`, whose error is raised,
    so a malformed file gets PyYAML's own message and line."""
    if fast and len(LOADERS) > 1 and not _TO_REFERENCE.search(text):
        try:
            return _compose(LOADERS[1], text)
        except (yaml.YAMLError, RecursionError):
            pass
    return _compose(BoundedLoader, text)


def _compose(cls: type, text: str) -> tuple[Any, Node | None]:
    loader = cls(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        measure(root)
        return loader.construct_document(root), root
    finally:
        loader.dispose()
