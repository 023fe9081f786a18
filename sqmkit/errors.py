"""Domain errors. The core raises these; only the CLI turns them into messages and exit codes."""

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
    """An installed plugin failed to load, raised inside a hook, or contributed something invalid."""

    def __init__(self, plugin: str, problem: str):
        self.plugin, self.problem = plugin, problem
        super().__init__(f"plugin {plugin!r}: {problem}")


class FontError(SqmkitError):
    """No usable CJK font: the PDF would show blank boxes, so the build stops."""


class BuildError(SqmkitError):
    """A build step failed for a reason a person can act on."""


class StoreError(SqmkitError):
    """The workspace store could not be read or written."""
