"""What the linter reports: one :class:`Finding` per problem, gathered in a :class:`Report`.

A finding says where (file, line and the data path inside the file), what (the problem and a
code such as ``dangling-ref``), how bad (``error`` breaks the plugin for some client, ``warning``
is worth a look) and, when the linter knows, what to do about it (the hint).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..yamlio import YamlDoc, format_loc

ERROR, WARNING = "error", "warning"

#: a location inside a data file: keys and list indexes
Loc = tuple[str | int, ...]


def display(path: Path, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (the working folder) when it is inside it."""
    base = (base or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return str(path)


@dataclass
class Finding:
    """One problem: ``file:line: severity: where: problem [code] (hint: …)``."""

    severity: str
    code: str
    problem: str
    file: Path | None = None
    line: int | None = None
    where: str = ""
    hint: str | None = None

    def format(self, base: Path | None = None) -> str:
        """The finding as one line; paths relative to ``base`` (the working folder)."""
        loc = display(self.file, base) if self.file else "<plugin>"
        if self.line:
            loc += f":{self.line}"
        out = f"{loc}: {self.severity}: "
        if self.where:
            out += f"{self.where}: "
        out += self.problem + f" [{self.code}]"
        if self.hint:
            out += f" (hint: {self.hint})"
        return out

    def key(self) -> tuple[str, str, str, int | None, str, str]:
        """What makes two findings the same (the runner keeps one of each)."""
        return (self.severity, self.code, str(self.file), self.line, self.where, self.problem)


def found(severity: str, code: str, problem: str, at: YamlDoc | Path | None = None, loc: Loc = (),
          hint: str | None = None, line: int | None = None) -> Finding:
    """A finding at ``loc`` inside a parsed file (its line looked up) or at a plain path."""
    if isinstance(at, YamlDoc):
        return Finding(severity, code, problem, at.path, line if line is not None else at.line_of(loc),
                       format_loc(loc), hint)
    return Finding(severity, code, problem, at, line, format_loc(loc), hint)


def error(code: str, problem: str, at: YamlDoc | Path | None = None, loc: Loc = (), hint: str | None = None,
          line: int | None = None) -> Finding:
    return found(ERROR, code, problem, at, loc, hint, line)


def warning(code: str, problem: str, at: YamlDoc | Path | None = None, loc: Loc = (), hint: str | None = None,
            line: int | None = None) -> Finding:
    return found(WARNING, code, problem, at, loc, hint, line)


def from_data_error(code: str, exc: DataError, prefix: str = "", hint: str | None = None) -> Finding:
    """An error at the file, line and field path a :class:`DataError` carries."""
    file = Path(exc.file) if exc.file and not exc.file.startswith("<") else None
    return Finding(ERROR, code, prefix + exc.problem, file, exc.line, exc.where, exc.hint or hint)


@dataclass
class Report:
    """Everything the linter found in one plugin, and what it counted on the way."""

    name: str
    root: Path
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def failed(self, strict: bool = False) -> bool:
        """True when there is an error (or, with ``strict``, a warning)."""
        return bool(self.errors or (strict and self.warnings))

    def codes(self, severity: str | None = None) -> set[str]:
        return {f.code for f in self.findings if severity is None or f.severity == severity}

    def format(self, base: Path | None = None, warnings: bool = True) -> str:
        """One line per finding (errors only unless ``warnings``), then the summary."""
        lines = [f.format(base) for f in self.findings if warnings or f.severity == ERROR]
        lines.append(self.summary(base))
        return "\n".join(lines)

    def summary(self, base: Path | None = None) -> str:
        s = self.stats
        counted = (f"{s.get('chapters', 0)} chapters, {s.get('clauses', 0)} clauses, {s.get('forms', 0)} forms, "
                   f"{s.get('checklists', 0)} checklists, {s.get('assemblies', 0)} assemblies")
        skipped = " (skipped until the errors are fixed)" if s.get("assembly_skipped") else ""
        return (f"{self.name} ({display(self.root, base)}): {len(self.errors)} error(s), "
                f"{len(self.warnings)} warning(s) — {counted}{skipped}")

    def to_json(self, base: Path | None = None) -> dict[str, Any]:
        return {"plugin": self.name, "root": str(self.root), "errors": len(self.errors),
                "warnings": len(self.warnings), "stats": self.stats,
                "findings": [{**asdict(f), "file": display(f.file, base) if f.file else None}
                             for f in self.findings]}
