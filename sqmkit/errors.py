"""Domain errors. The core raises these; only the CLI turns them into messages and exit codes.

Every error carries structured fields (file, line, field path, plugin, hook, ids), so code that
handles one — the plugin linter, a test, an embedding application — reads those fields and never
parses the message.
"""

from __future__ import annotations

from .messages import _


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
        if where:
            msg = _("{location} at {field}: {problem}").format(location=loc, field=where, problem=problem)
        else:
            msg = _("{location}: {problem}").format(location=loc, problem=problem)
        if hint:
            msg += _(" (hint: {hint})").format(hint=hint)
        super().__init__(msg)


class ProfileError(DataError):
    """A client profile is invalid."""


class ProfileProblems(ProfileError):
    """Every problem of a client profile, found in one run, sorted by line.

    ``problems`` holds one :class:`ProfileError` per problem; the message is one line per
    problem. It is a :class:`ProfileError` itself whose fields (``file``, ``where``, ``line`` …)
    are those of the first problem, so code that handles one problem keeps working.
    """

    def __init__(self, problems: "list[ProfileError]"):
        if not problems:
            raise ValueError("ProfileProblems needs at least one problem")
        self.problems = sorted(problems, key=lambda e: (e.file, e.line or 0, e.where))
        first = self.problems[0]
        super().__init__(first.file, first.where, first.problem, first.line, first.hint)
        if len(self.problems) > 1:
            lines = [_("{count} problems in {file}:").format(count=len(self.problems), file=first.file)]
            lines += ["  " + str(p) for p in self.problems]
            self.args = ("\n".join(lines),)

    @classmethod
    def of(cls, problems: "list[ProfileError]") -> "ProfileError":
        """The one problem itself, or all of them together."""
        flat: dict[str, ProfileError] = {}
        for p in problems:
            for q in p.problems if isinstance(p, ProfileProblems) else [p]:
                flat.setdefault(str(q), q)  # the same problem found twice is said once
        found = list(flat.values())
        return found[0] if len(found) == 1 else cls(found)


class PluginError(SqmkitError):
    """An installed plugin failed to load, raised inside a hook, or contributed something invalid.

    ``plugin`` names the plugin, ``problem`` says what is wrong; ``hook`` is the hook involved
    (when there is one) and ``ids`` the clause, form or checklist ids the problem is about, the
    first being the one that is wrong (e.g. the clause holding a dangling reference, then the
    reference's target).
    """

    def __init__(self, plugin: str, problem: str, *, hook: str | None = None, ids: tuple[str, ...] = ()):
        self.plugin, self.problem, self.hook, self.ids = plugin, problem, hook, tuple(ids)
        super().__init__(_("plugin {plugin!r}: {problem}").format(plugin=plugin, problem=problem))


class FontError(SqmkitError):
    """No usable CJK font: the PDF would show blank boxes, so the build stops."""


class BuildError(SqmkitError):
    """A build step failed for a reason a person can act on."""


class StoreError(SqmkitError):
    """The workspace store could not be read or written.

    ``file`` is the store, and ``table``, ``record`` (the record's id) and ``where`` (a field of
    the record) locate the problem when known; ``hint`` says what to do.
    """

    def __init__(self, problem: str, *, file: str | None = None, table: str | None = None,
                 record: str | None = None, where: str | None = None, hint: str | None = None):
        self.problem, self.file, self.table, self.record, self.where, self.hint = (
            problem, file, table, record, where, hint)
        parts = [str(file)] if file else []
        if table:
            parts.append(_("table {table!r}").format(table=table))
        if record:
            parts.append(_("record {record}").format(record=record))
        if where:
            parts.append(_("field {field}").format(field=where))
        msg = _("{location}: {problem}").format(location=", ".join(parts), problem=problem) if parts else problem
        if hint:
            msg += _(" (hint: {hint})").format(hint=hint)
        super().__init__(msg)
