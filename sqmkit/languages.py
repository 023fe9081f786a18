"""One language per document, all or nothing.

A profile's ``language`` must be one its industry declares in ``industry.yaml`` (``languages:``,
zh-CN when absent): the industry's plugin promises that its rules, forms, checklists and names are
complete in it. Even then, any text contributed by any plugin that lacks the language is collected
while the regulation is assembled (:class:`Untranslated`) and the build is refused, naming each
plugin, file and field, rather than printing a document that mixes languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import BuildError, ProfileError
from .localized import DEFAULT_LANGUAGE, Text
from .messages import _
from .schema import Industry

#: at most this many missing texts are listed in the message
SHOWN = 12


def language_problem(language: str, industry: Industry, plugin: str, file: str, line: int | None) -> ProfileError | None:
    """The problem with a profile asking for ``language`` from ``industry``, or None."""
    if language in industry.languages:
        return None
    return ProfileError(
        file, "language",
        _("industry {industry!r} (plugin {plugin!r}) has no {language} content: its rules, forms and "
          "checklists are written in {languages} only").format(
            industry=industry.id, plugin=plugin, language=language, languages=", ".join(industry.languages)),
        line,
        _("use language: {default}").format(default=DEFAULT_LANGUAGE))


@dataclass
class Untranslated:
    """The texts, by plugin and field, that have no version in the document's language."""

    language: str
    #: ``(plugin, where)`` of every text met without the language
    missing: list[tuple[str, str]] = field(default_factory=list)

    def note(self, plugin: str, value: Text, where: str) -> None:
        if self.language != DEFAULT_LANGUAGE and self.language not in value:
            self.missing.append((plugin, where))

    def error(self, source_of: Callable[[str, str], Path | None]) -> BuildError | None:
        """The build error listing the missing texts (``source_of(plugin, id)`` finds the file)."""
        if not self.missing:
            return None
        lines = []
        for plugin, where in self.missing[:SHOWN]:
            path = _file_of(plugin, where.split(" ")[0], source_of)
            place = f"{path.name}: {where}" if path else where
            lines.append(_("plugin {plugin!r}, {place}").format(plugin=plugin, place=place))
        more = len(self.missing) - SHOWN
        if more > 0:
            lines.append(_("… and {count} more").format(count=more))
        return BuildError(_("language {language}: {count} text(s) have no translation, so the document would mix "
                            "languages:\n  {lines}").format(language=self.language, count=len(self.missing),
                                                            lines="\n  ".join(lines)))


def _file_of(plugin: str, ident: str, source_of: Callable[[str, str], Path | None]) -> Path | None:
    """The file of a clause, form or checklist id, or of the nearest enclosing id (an article's
    file is its chapter's)."""
    parts = ident.split(".")
    for n in range(len(parts), 0, -1):
        found = source_of(plugin, ".".join(parts[:n]))
        if found:
            return found
    return None
