"""Domain errors. The core raises these; only the CLI turns them into messages and exit codes.

Every error carries structured fields (file, line, field path, plugin, hook, ids), so code that
handles one — the plugin linter, a test, an embedding application — reads those fields and never
parses the message.
"""

from __future__ import annotations


class SqmkitError(Exception):
    """Base of every error sqmkit reports to a person. ``str(err)`` is the whole message."""


class DataError(SqmkitError):
    """A data file (profile, rules, form, checklist) is malformed or invalid.

    ``file`` is the path, ``where`` the field path inside it (``organization.departments.ops``)
    and, when known, ``line`` the line it starts on.
    """

    def __init__(self, file: str, where: str, problem: str, line: int | None = None, hint: str | None = None):
        self.file, self.where, self.problem, self.line, self.hint = str(file), where, problem, line, hint
        loc = self.file + (f":{line}" if line else "")
        field = f" at {where}" if where else ""
        msg = f"{loc}{field}: {problem}"
        if hint:
            msg += f" (hint: {hint})"
        super().__init__(msg)


class ProfileError(DataError):
    """A client profile is invalid."""


class PluginError(SqmkitError):
    """An installed plugin failed to load, raised inside a hook, or contributed something invalid.

    ``plugin`` names the plugin, ``problem`` says what is wrong; ``hook`` is the hook involved
    (when there is one) and ``ids`` the clause, form or checklist ids the problem is about, the
    first being the one that is wrong (e.g. the clause holding a dangling reference, then the
    reference's target).
    """

    def __init__(self, plugin: str, problem: str, *, hook: str | None = None, ids: tuple[str, ...] = ()):
        self.plugin, self.problem, self.hook, self.ids = plugin, problem, hook, tuple(ids)
        super().__init__(f"plugin {plugin!r}: {problem}")


class FontError(SqmkitError):
    """No usable CJK font: the PDF would show blank boxes, so the build stops."""


class BuildError(SqmkitError):
    """A build step failed for a reason a person can act on."""


class StoreError(SqmkitError):
    """The workspace store could not be read or written."""
