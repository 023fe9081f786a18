"""Tailoring clause texts: each text is a small Jinja template rendered against the client.

Cross-references are not resolved here (numbers depend on the final set of chapters and on the
output): ``ref()``, ``form()`` and ``checklist()`` leave markers ``\\x1eKIND:ID:FLAGS\\x1f`` that
:func:`references` lists for validation and each renderer replaces with a link. Profile strings
cannot contain these control characters (the profile schema refuses them), so client data can
never forge a reference.

Texts follow the client's lists and counts through the filters of :data:`TEXT_FILTERS`
(``{{ params.service.complaint_channels | join_cn }}``, ``{{ params.grading.staff | grades | join_cn }}``,
``{{ params.grading.staff | zh_count }}个等级``; ``{{ params.x.multiplier | factor }}`` prints ``×2``,
and nothing for 1; ``{{ org.roles.x | short }}`` a name without its closing parenthetical).
``cite('id')`` prints a normative reference the industry declares (:mod:`sqmkit.normrefs`) as
plain text, 《…》. An expression whose value is a mapping, a list, a boolean or ``None`` is refused (:class:`TextError`): printed raw it would put Python text such as
``{'a': 1}`` into the handbook. Every text is rendered when a regulation is assembled, so
``sqmkit check`` and ``sqmkit plugin check`` report such a text.

Most texts only print values (``由{{ org.roles.qa }}负责``): :func:`substitutions` reads those and
they are rendered without compiling, by the same lookups, sandbox, finalize and ``str`` as the code
Jinja compiles from them, so with the same text or the same error. Every other text is compiled
once per process, its code kept between processes (:func:`sqmkit.jinjacache.from_string`).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from . import jinjacache
from .i18n import format_date, zh_numeral
from .localized import Text
from .messages import _
from .normrefs import Citer, CiteError

MARK_RE = re.compile("\x1e(ref|form|checklist):([^:\x1f]*):([^\x1f]*)\x1f")


class TextError(Exception):
    """A text template failed: ``where`` is the clause/field id, the message says why."""

    def __init__(self, where: str, problem: str):
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


class RawValueError(Exception):
    """An expression of a text gives a value that cannot be printed as it is (a mapping, a list …)."""

    def __init__(self, value: Any):
        self.value = value
        super().__init__(type(value).__name__)


def _finalize(value: Any) -> Any:
    """What an expression prints: strings and numbers as they are; anything else is refused."""
    if isinstance(value, (dict, list, tuple, set, frozenset, bool)) or value is None:
        raise RawValueError(value)
    return value


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, (list, tuple, set, frozenset)):
        return _("a list")
    if isinstance(value, bool):
        return _("a yes/no value")
    return _("nothing (None)")


def _items(value: Any, what: str) -> list[Any]:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise TypeError(_("{what} needs a list, not {kind}").format(what=what, kind=type(value).__name__))


def join_cn(value: Any, last: str = "和", sep: str = "、") -> str:
    """A list joined the Chinese way: ``[甲, 乙, 丙]`` → ``甲、乙和丙`` (``last="或"`` → ``甲、乙或丙``);
    a single string is itself."""
    parts = [str(v) for v in _items(value, "join_cn")]
    if len(parts) <= 1:
        return "".join(parts)
    return sep.join(parts[:-1]) + last + parts[-1]


def grades(value: Any) -> list[str]:
    """The grade names of a scale (a list of bands, highest first): ``[优, 良, 中]``."""
    out = []
    for band in _items(value, "grades"):
        if not isinstance(band, dict) or "grade" not in band:
            raise TypeError(_("grades needs a grade scale (a list of bands with grade and min)"))
        out.append(str(band["grade"]))
    return out


def zh_count(value: Any) -> str:
    """A count in Chinese numerals, as it is said before a measure word: 2 → 两 (两个等级),
    5 → 五, 12 → 十二; a list gives its length."""
    n = len(value) if isinstance(value, (list, tuple, dict)) else value
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(_("zh_count needs a whole number or a list, not {kind}").format(kind=type(n).__name__))
    return "两" if n == 2 else zh_numeral(n)


def factor(value: Any, sign: str = "×") -> str:
    """A multiplier as a formula prints it: ``1`` → nothing (the factor is dropped), ``2`` → ``×2``,
    ``1.5`` → ``×1.5`` (``（N−1）{{ params.m | factor }}``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(_("factor needs a number, not {kind}").format(kind=type(value).__name__))
    if value == 1:
        return ""
    return sign + (str(int(value)) if float(value).is_integer() else f"{value:g}")


#: a parenthetical at the end of a name: 质控员（由医务科科长兼任）, Quality officer (the head of …)
PARENTHETICAL_RE = re.compile(r"^(?P<name>.*?\S)\s*(?:（[^（）]*）|\([^()]*\))$")


def short_name(value: Any) -> str:
    """A name without its closing parenthetical: 质控员（由医务科科长兼任） → 质控员."""
    text = str(value)
    found = PARENTHETICAL_RE.match(text)
    return found.group("name") if found else text


def text_filters(language: str) -> dict[str, Callable[..., Any]]:
    """The filters texts have besides Jinja's own (the plugin linter knows the same names)."""
    return {
        "zh_date": lambda d: format_date(d, "zh-CN"),
        "date": lambda d: format_date(d, language),
        "join_cn": join_cn,
        "grades": grades,
        "zh_count": zh_count,
        "zh_numeral": lambda n: zh_numeral(int(n)),
        "factor": factor,
        "short": short_name,
    }


#: the names of :func:`text_filters`
TEXT_FILTERS = frozenset(text_filters("zh-CN"))


def _marker(kind: str, target: str, flags: str = "") -> str:
    if not isinstance(target, str):
        raise TypeError(_("{function}() takes an id string, not {kind}").format(function=kind,
                                                                             kind=type(target).__name__))
    return f"\x1e{kind}:{target}:{flags}\x1f"


def references(text: str) -> list[tuple[str, str]]:
    """The ``(kind, id)`` of every reference marker in a rendered text."""
    return [(m.group(1), m.group(2)) for m in MARK_RE.finditer(text or "")]


def replace_markers(text: str, fn: Callable[[str, str, str], str]) -> str:
    """Replace each marker with ``fn(kind, id, flags)``."""
    return MARK_RE.sub(lambda m: fn(m.group(1), m.group(2), m.group(3)), text)


class TextRenderer:
    """Renders localizable texts for one client and language."""

    def __init__(self, context: dict[str, Any], language: str, cite: Callable[[Any], str] | None = None):
        self.language = language
        env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                   keep_trailing_newline=False, finalize=_finalize)
        env.filters.update(text_filters(language))
        env.globals.update(
            ref=lambda target, see=True: _marker("ref", target, "" if see else "nosee"),
            form=lambda target: _marker("form", target),
            checklist=lambda target: _marker("checklist", target),
            cite=cite or Citer((), (), language),
        )
        self.env = jinjacache.attach(env)  # texts compiled once, their code kept between processes
        self.context = context
        self._cache: dict[str, jinja2.Template | tuple[str | tuple[str, ...], ...]] = {}

    def text(self, value: Text | None, where: str) -> str | None:
        """Render a :class:`~sqmkit.schema.Text` (or ``None``) in the client's language."""
        if value is None:
            return None
        source = value.get(self.language) if hasattr(value, "get") else str(value)
        if "{" not in source:
            return source.strip()
        template = self._cache.get(source)
        try:
            if template is None:
                template = self._cache[source] = substitutions(source) or jinjacache.from_string(self.env, source)
            text = self._substitute(template) if isinstance(template, tuple) else template.render(self.context)
            return text.strip(" \t\r\n")
        except RawValueError as exc:
            raise TextError(where, _("the text prints {kind} as it is ({value}); use a filter such as "
                                     "join_cn, grades or zh_count, or name one of its entries").format(
                kind=_kind(exc.value), value=_short(exc.value))) from None
        except jinja2.UndefinedError as exc:
            raise TextError(where, _("the text uses an undefined value ({detail}); declare it in the "
                                     "industry's parameters, departments, roles or terms").format(
                detail=exc.message)) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TextError(where, _("template syntax error: {detail}").format(detail=exc.message)) from None
        except CiteError as exc:
            raise TextError(where, str(exc)) from None
        except jinja2.exceptions.SecurityError as exc:
            raise TextError(where, _("unsafe template: {detail}").format(detail=exc)) from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise TextError(where, _("the text could not be rendered: {detail}").format(detail=exc)) from None

    def _substitute(self, parts: tuple[str | tuple[str, ...], ...]) -> str:
        """A text of :func:`substitutions` rendered as the code Jinja compiles from it renders it:
        each name looked up in the context, then the globals (else undefined), each attribute
        read by the sandbox's ``getattr``, each value finalized and printed with ``str``."""
        env, context, globals_ = self.env, self.context, self.env.globals
        out = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            name = part[0]
            value = context[name] if name in context else globals_[name] if name in globals_ else \
                env.undefined(name=name)
            for attribute in part[1:]:
                value = env.getattr(value, attribute)
            out.append(str(env.finalize(value)))  # type: ignore[misc]  # set in __init__
        return "".join(out)


#: ``{{ name.attribute… }}`` with nothing else inside, in a text with no other brace
_SUBSTITUTION_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}")
_ONLY_SUBSTITUTIONS_RE = re.compile(r"(?:[^{}\r]|" + _SUBSTITUTION_RE.pattern + r")*")
#: names Jinja reads as constants or operators, or gives a meaning of its own
_NOT_NAMES = frozenset({"true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if",
                        "else", "self"})


@functools.lru_cache(maxsize=8192)
def substitutions(source: str) -> tuple[str | tuple[str, ...], ...] | None:
    """A text that only prints values (``由{{ org.roles.qa }}负责``, most texts) as its literal parts
    and the paths of its values, which :meth:`TextRenderer._substitute` renders as Jinja would,
    without compiling; None for any other text (a filter, a call, a tag, a comment, ``\\r``…)."""
    if _ONLY_SUBSTITUTIONS_RE.fullmatch(source) is None:
        return None
    if source.endswith("\n"):  # as Jinja's lexer does without keep_trailing_newline
        source = source[:-1]
    parts: list[str | tuple[str, ...]] = []
    pos = 0
    for found in _SUBSTITUTION_RE.finditer(source):
        path = tuple(found.group(1).split("."))
        if path[0] in _NOT_NAMES:
            return None
        parts += [source[pos:found.start()], path] if found.start() > pos else [path]
        pos = found.end()
    return tuple(parts + [source[pos:]] if pos < len(source) else parts)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
