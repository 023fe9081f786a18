"""Tailoring clause texts: each text is a small Jinja template rendered against the client.

Cross-references are not resolved here (numbers depend on the final set of chapters and on the
output): ``ref()``, ``form()`` and ``checklist()`` leave markers ``\\x1eKIND:ID:FLAGS\\x1f`` that
:func:`references` lists for validation and each renderer replaces with a link. Profile strings
cannot contain these control characters (the profile schema refuses them), so client data can
never forge a reference.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .i18n import format_date
from .localized import Text

MARK_RE = re.compile("\x1e(ref|form|checklist):([^:\x1f]*):([^\x1f]*)\x1f")


class TextError(Exception):
    """A text template failed: ``where`` is the clause/field id, the message says why."""

    def __init__(self, where: str, problem: str):
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


def _marker(kind: str, target: str, flags: str = "") -> str:
    if not isinstance(target, str):
        raise TypeError(f"{kind}() takes an id string, not {type(target).__name__}")
    return f"\x1e{kind}:{target}:{flags}\x1f"


def references(text: str) -> list[tuple[str, str]]:
    """The ``(kind, id)`` of every reference marker in a rendered text."""
    return [(m.group(1), m.group(2)) for m in MARK_RE.finditer(text or "")]


def replace_markers(text: str, fn: Callable[[str, str, str], str]) -> str:
    """Replace each marker with ``fn(kind, id, flags)``."""
    return MARK_RE.sub(lambda m: fn(m.group(1), m.group(2), m.group(3)), text)


class TextRenderer:
    """Renders localizable texts for one client and language."""

    def __init__(self, context: dict[str, Any], language: str):
        self.language = language
        env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False,
                                   keep_trailing_newline=False)
        env.filters["zh_date"] = lambda d: format_date(d, "zh-CN")
        env.filters["date"] = lambda d: format_date(d, language)
        env.globals.update(
            ref=lambda target, see=True: _marker("ref", target, "" if see else "nosee"),
            form=lambda target: _marker("form", target),
            checklist=lambda target: _marker("checklist", target),
        )
        self.env = env
        self.context = context
        self._cache: dict[str, jinja2.Template] = {}

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
                template = self._cache[source] = self.env.from_string(source)
            return template.render(self.context).strip(" \t\r\n")
        except jinja2.UndefinedError as exc:
            raise TextError(where, f"the text uses an undefined value ({exc.message}); declare it in the "
                                   "industry's parameters, departments or roles") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TextError(where, f"template syntax error: {exc.message}") from None
        except jinja2.exceptions.SecurityError as exc:
            raise TextError(where, f"unsafe template: {exc}") from None
        except (TypeError, ValueError, AttributeError) as exc:
            raise TextError(where, f"the text could not be rendered: {exc}") from None
