"""``sqmkit plugin check``: lint what a plugin contributes, before a client's build finds it.

The checker reads a plugin's data files (``industry.yaml``, ``rules/``, ``forms/``,
``checklists/``, ``examples/``, ``templates/``) and reports every problem it finds — not just
the first — as a :class:`Finding` with the file, the line, the data path, the problem and a hint.
It then imports the plugin and assembles its demo profile(s) with the core's real assembler,
with all modules on, with each module off and with none, so that what the static checks cannot
see (a hook that is not implemented, a grade scale that does not start at 0, a plugin's own
``validate_profile``) is reported too.

Errors (the plugin is broken for some client, exit status 1):

* ``schema``        a data file does not match the schema (:mod:`sqmkit.schema`), or is not YAML
* ``duplicate-id``  two chapters, clauses, forms, checklists or check items share an id, or two
                    siblings (fields of one form, KPIs of one block …) share a local id
* ``dangling-ref``  ``ref()``/``form()``/``checklist()``, a form's ``clauses`` or a check item's
                    ``clauses`` name something that does not exist — or that belongs to a module
                    the referring text does not, so it dangles when that module is off
* ``undeclared``    a text uses a parameter, department or role that ``industry.yaml`` does not
                    declare, or a name or filter texts do not have
* ``unknown-module`` a ``module:`` (or ``"x" in modules``) the industry does not declare
* ``check-nothing`` a check item that names no clause
* ``translation``   a text without a language the plugin declares (see :func:`declared_languages`)
* ``template``      a template in ``templates/`` does not parse
* ``profile``       a demo profile is invalid
* ``assemble``      the core's assembler refused the plugin for a demo profile
* ``packaging``     the distribution declares no ``sqmkit`` entry point

Warnings (worth a look, exit status 0 unless ``--strict``):

* ``unchecked``     a service-standards article that no check item checks
* ``unused-form``   a form that no text mentions with ``{{ form("…") }}``
* ``unstable-id``   an id that looks like a position (``item-1``, ``a1``, ``s2``) rather than a name
* ``packaging``     a data file that the distribution's package-data does not ship
* ``no-demo``       no demo profile in ``examples/`` (a synthetic one is assembled instead)
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import importlib.util
import re
import sys
import types
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Iterator, Union, get_args, get_origin

import jinja2
from jinja2 import nodes
from pydantic import BaseModel, ValidationError

from . import schema
from .errors import DataError, SqmkitError
from .yamlio import _UNION_TAGS, YamlDoc, format_loc, load_yaml

ERROR, WARNING = "error", "warning"

#: the data folders of a plugin package and the model of each file in them
DATA_DIRS: dict[str, type[BaseModel]] = {"rules": schema.ChapterFile, "forms": schema.Form, "checklists": schema.Checklist}
#: names every text may use (see :mod:`sqmkit.assemble`, the text context)
TEXT_NAMES = {"company", "org", "params", "doc", "modules", "industry", "ref", "form", "checklist"}
COMPANY_FIELDS = {"name", "short_name", "address"}
INDUSTRY_FIELDS = {"id", "name"}
#: families whose articles are expected to be inspectable by a checklist
CHECKED_FAMILIES = ("standards",)
#: an id segment that numbers a position instead of naming a thing
UNSTABLE_RE = re.compile(
    r"^(?:[a-z]|item|items|art|article|clause|sec|section|ch|chap|chapter|para|paragraph|part|point|rule|step|"
    r"check|field|col|column|row|q|question|no|num|number|entry|line|new|tmp|temp|todo|untitled|x)-?\d+$"
    r"|^\d|^(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)$"
)


class CheckerError(SqmkitError):
    """The checker could not find the plugin to check."""


# ---------------------------------------------------------------------------------------------
# Findings and reports
# ---------------------------------------------------------------------------------------------


@dataclass
class Finding:
    severity: str
    code: str
    problem: str
    file: Path | None = None
    line: int | None = None
    where: str = ""
    hint: str | None = None

    def format(self, base: Path | None = None) -> str:
        """``file:line: severity: where: problem (hint: …)`` — paths relative to ``base`` (cwd)."""
        loc = _display(self.file, base) if self.file else "<plugin>"
        if self.line:
            loc += f":{self.line}"
        out = f"{loc}: {self.severity}: "
        if self.where:
            out += f"{self.where}: "
        out += self.problem + f" [{self.code}]"
        if self.hint:
            out += f" (hint: {self.hint})"
        return out


def _display(path: Path, base: Path | None = None) -> str:
    base = (base or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return str(path)


@dataclass
class Report:
    """Everything the checker found in one plugin."""

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
        return bool(self.errors or (strict and self.warnings))

    def codes(self, severity: str | None = None) -> set[str]:
        return {f.code for f in self.findings if severity is None or f.severity == severity}

    def format(self, base: Path | None = None, warnings: bool = True) -> str:
        lines = [f.format(base) for f in self.findings if warnings or f.severity == ERROR]
        lines.append(self.summary(base))
        return "\n".join(lines)

    def summary(self, base: Path | None = None) -> str:
        s = self.stats
        counted = (f"{s.get('chapters', 0)} chapters, {s.get('clauses', 0)} clauses, {s.get('forms', 0)} forms, "
                   f"{s.get('checklists', 0)} checklists, {s.get('assemblies', 0)} assemblies")
        skipped = " (skipped until the errors are fixed)" if s.get("assembly_skipped") else ""
        return (f"{self.name} ({_display(self.root, base)}): {len(self.errors)} error(s), "
                f"{len(self.warnings)} warning(s) — {counted}{skipped}")

    def to_json(self, base: Path | None = None) -> dict:
        return {"plugin": self.name, "root": str(self.root), "errors": len(self.errors),
                "warnings": len(self.warnings), "stats": self.stats,
                "findings": [{**asdict(f), "file": _display(f.file, base) if f.file else None} for f in self.findings]}


# ---------------------------------------------------------------------------------------------
# Finding the plugin: an installed name, a distribution folder or a package folder
# ---------------------------------------------------------------------------------------------


@dataclass
class PluginSource:
    """Where a plugin's files are.

    ``package_dir`` is the importable package (``sqmkit_courier/``), ``root`` the folder holding
    its data files (the package folder itself; ``data/`` for the built-in default plugin),
    ``dist_dir`` the distribution folder with ``pyproject.toml`` when there is one.
    """

    name: str
    module: str
    package_dir: Path
    root: Path
    dist_dir: Path | None = None
    pyproject: dict | None = None
    builtin: bool = False


def _read_pyproject(dist: Path) -> dict | None:
    import tomllib

    path = dist / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CheckerError(f"{path}: not valid TOML: {exc}") from None


def _entry_point_of(pyproject: dict | None) -> tuple[str, str] | None:
    eps = ((pyproject or {}).get("project") or {}).get("entry-points") or {}
    group = eps.get("sqmkit") or {}
    for name, value in sorted(group.items()):
        return name, str(value).split(":")[0].strip()
    return None


def _data_root(package_dir: Path) -> Path:
    if any((package_dir / d).exists() for d in ("industry.yaml", *DATA_DIRS)):
        return package_dir
    if (package_dir / "data").is_dir():
        return package_dir / "data"
    return package_dir


def _installed() -> dict[str, importlib.metadata.EntryPoint]:
    from .plugins import _entry_points

    return {ep.name: ep for ep in _entry_points()}


def _has_data(folder: Path) -> bool:
    return any((folder / d).exists() for d in ("industry.yaml", *DATA_DIRS)) or (folder / "data").is_dir()


def locate(target: str | Path) -> PluginSource:
    """Resolve an installed plugin name, a distribution folder or a package folder."""
    path = Path(target)
    if path.is_dir():
        path = path.resolve()
        is_package = (path / "__init__.py").exists() or _has_data(path)
        if (path / "pyproject.toml").is_file() or not is_package:
            pyproject = _read_pyproject(path)
            ep = _entry_point_of(pyproject)
            candidates = []
            if ep:
                candidates += [base / ep[1].replace(".", "/") for base in (path, path / "src")]
            candidates += sorted(path.glob("sqmkit_*/")) + sorted(path.glob("src/sqmkit_*/"))
            package = next((c for c in candidates if c.is_dir()), None)
            if package is None:
                raise CheckerError(f"{path}: no plugin package found (expected a folder sqmkit_<name>/, or an "
                                   "entry point in group 'sqmkit' in pyproject.toml)")
            name = ep[0] if ep else package.name.removeprefix("sqmkit_").replace("_", "-")
            module = ep[1] if ep and package in candidates[:2] else package.name
            return PluginSource(name, module, package, _data_root(package), path, pyproject)
        dist = path.parent if (path.parent / "pyproject.toml").is_file() else None
        pyproject = _read_pyproject(dist) if dist else None
        ep = _entry_point_of(pyproject)
        name = ep[0] if ep else path.name.removeprefix("sqmkit_").replace("_", "-")
        return PluginSource(name, path.name, path, _data_root(path), dist, pyproject)
    name = str(target)
    if name in ("default", "sqmkit.default"):
        pkg = Path(__file__).resolve().parent / "builtin"
        return PluginSource("sqmkit.default", "sqmkit.builtin", pkg, pkg / "data", builtin=True)
    installed = _installed()
    if name not in installed:
        known = ", ".join(sorted(installed)) or "none"
        raise CheckerError(f"no installed plugin named {name!r} and no folder {str(target)!r} "
                           f"(installed plugins: {known}; the built-in one: default)")
    module = installed[name].value.split(":")[0].strip()
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError) as exc:
        raise CheckerError(f"plugin {name!r}: cannot find module {module!r}: {exc}") from None
    if spec is None or not spec.submodule_search_locations:
        raise CheckerError(f"plugin {name!r}: entry point {installed[name].value!r} is not a package; "
                           "give the package folder instead")
    package = Path(list(spec.submodule_search_locations)[0]).resolve()
    dist = package.parent if (package.parent / "pyproject.toml").is_file() else None
    return PluginSource(name, module, package, _data_root(package), dist, _read_pyproject(dist) if dist else None)


# ---------------------------------------------------------------------------------------------
# Walking the raw data of a file alongside its schema
# ---------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    loc: tuple
    requires: frozenset = frozenset()  # modules that must be on for this content to exist
    prefix: str = ""  # the dotted id of the nearest enclosing chapter/article/item/form/checklist…
    family: str | None = None


def _union_args(ann) -> list:
    origin = get_origin(ann)
    if origin is Union or isinstance(ann, types.UnionType):
        return [a for a in get_args(ann) if a is not type(None)]
    return [ann]


def _strip_annotated(ann):
    while get_origin(ann) is Annotated:
        ann = get_args(ann)[0]
    return ann


def _pick_model(options: list, value: Any) -> Any:
    """The member of a union that fits ``value`` (by ``kind`` for tagged blocks)."""
    flat: list = []
    for opt in options:
        opt = _strip_annotated(opt)
        flat += _union_args(opt) if (get_origin(opt) is Union or isinstance(opt, types.UnionType)) else [opt]
    if isinstance(value, dict) and "kind" in value:
        for opt in flat:
            if isinstance(opt, type) and issubclass(opt, BaseModel) and "kind" in opt.model_fields:
                if value["kind"] in get_args(opt.model_fields["kind"].annotation):
                    return opt
        return None
    for opt in flat:
        if opt is schema.Text and (isinstance(value, str) or isinstance(value, dict)):
            return opt
        if get_origin(opt) is list and isinstance(value, list):
            return opt
        if isinstance(opt, type) and issubclass(opt, BaseModel) and isinstance(value, dict):
            return opt
    return None


Visitor = Callable[[str, Any, Any, Ctx], None]


def walk(model: type[BaseModel], data: Any, ctx: Ctx, visit: Visitor) -> None:
    """Call ``visit("model", cls, data, ctx)`` for every model value and ``visit("text", None,
    value, ctx)`` for every localizable text, following the schema through the raw YAML data."""
    if not isinstance(data, dict):
        return
    ident = data.get("id") if isinstance(data.get("id"), str) else None
    if "module" in model.model_fields and isinstance(data.get("module"), str):
        ctx = Ctx(ctx.loc, ctx.requires | {data["module"]}, ctx.prefix, ctx.family)
    if model is schema.Chapter:
        ctx = Ctx(ctx.loc, ctx.requires, ident or "?", data.get("family"))
    elif model in (schema.Form, schema.Checklist):
        ctx = Ctx(ctx.loc, ctx.requires, ident or "?", ctx.family)
    elif model in (schema.Article, schema.Item, schema.CheckSection, schema.CheckItem):
        ctx = Ctx(ctx.loc, ctx.requires, f"{ctx.prefix}.{ident or '?'}", ctx.family)
    visit("model", model, data, ctx)
    for name, info in model.model_fields.items():
        if name in data:
            _walk_value(info.annotation, data[name], Ctx(ctx.loc + (name,), ctx.requires, ctx.prefix, ctx.family), visit)


def _walk_value(ann, value: Any, ctx: Ctx, visit: Visitor) -> None:
    ann = _strip_annotated(ann)
    options = _union_args(ann)
    target = options[0] if len(options) == 1 else _pick_model(options, value)
    target = _strip_annotated(target) if target is not None else None
    if target is None:
        return
    if len(_union_args(target)) > 1:
        target = _pick_model(_union_args(target), value)
        if target is None:
            return
    if target is schema.Text:
        visit("text", None, value, ctx)
    elif get_origin(target) is list and isinstance(value, list):
        (item_ann,) = get_args(target) or (Any,)
        for i, v in enumerate(value):
            _walk_value(item_ann, v, Ctx(ctx.loc + (i,), ctx.requires, ctx.prefix, ctx.family), visit)
    elif get_origin(target) is dict and isinstance(value, dict):
        _, val_ann = get_args(target)
        for k, v in value.items():
            _walk_value(val_ann, v, Ctx(ctx.loc + (k,), ctx.requires, ctx.prefix, ctx.family), visit)
    elif isinstance(target, type) and issubclass(target, BaseModel):
        walk(target, value, ctx, visit)


# ---------------------------------------------------------------------------------------------
# Reading texts: the names, parameters and references a text template uses
# ---------------------------------------------------------------------------------------------


def _text_env() -> jinja2.Environment:
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["zh_date"] = env.filters["date"] = lambda d: d
    return env


@dataclass
class TextUse:
    """What one text template uses."""

    refs: list[tuple[str, str | None, frozenset]] = field(default_factory=list)  # (kind, target|None, guard modules)
    paths: list[tuple[str, list]] = field(default_factory=list)  # (root name, [attr, …])
    module_tests: list[str] = field(default_factory=list)  # "x" in modules
    names: set[str] = field(default_factory=set)  # free variables
    filters: set[str] = field(default_factory=set)


def _chain(node: nodes.Node) -> tuple[str, list] | None:
    parts: list = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            return node.name, parts[::-1]
        else:
            return None


def _modules_in_test(test: nodes.Node) -> list[str]:
    """``"cod" in modules`` (also inside ``and``) → ["cod"]."""
    if isinstance(test, nodes.And):
        return _modules_in_test(test.left) + _modules_in_test(test.right)
    if (isinstance(test, nodes.Compare) and isinstance(test.expr, nodes.Const) and isinstance(test.expr.value, str)
            and len(test.ops) == 1 and test.ops[0].op == "in" and isinstance(test.ops[0].expr, nodes.Name)
            and test.ops[0].expr.name == "modules"):
        return [test.expr.value]
    return []


def analyse_text(source: str, env: jinja2.Environment) -> TextUse:
    """Parse one text template (raises ``jinja2.TemplateSyntaxError``)."""
    ast = env.parse(source)
    use = TextUse()
    stored = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
    if any(True for _ in ast.find_all(nodes.For)):
        stored.add("loop")
    if any(True for _ in ast.find_all((nodes.Macro, nodes.CallBlock))):
        stored |= {"varargs", "kwargs", "caller"}
    use.names = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"} - stored

    def visit(node: nodes.Node, guards: frozenset) -> None:
        if isinstance(node, nodes.If):
            mods = _modules_in_test(node.test)
            visit(node.test, guards)
            for child in node.body:
                visit(child, guards | set(mods))
            for child in node.elif_:
                visit(child, guards)
            for child in node.else_:
                visit(child, guards)
            return
        if isinstance(node, nodes.CondExpr):
            mods = _modules_in_test(node.test)
            visit(node.test, guards)
            visit(node.expr1, guards | set(mods))
            if node.expr2 is not None:
                visit(node.expr2, guards)
            return
        if isinstance(node, nodes.Compare):
            use.module_tests += _modules_in_test(node)
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name in ("ref", "form", "checklist"):
            arg = node.args[0] if node.args else None
            target = arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None
            use.refs.append((node.node.name, target, guards))
        if isinstance(node, nodes.Filter):
            use.filters.add(node.name)
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            found = _chain(node)
            if found is not None:
                use.paths.append(found)
                return
        if isinstance(node, nodes.Name) and node.ctx == "load":
            use.paths.append((node.name, []))
        for child in node.iter_child_nodes():
            visit(child, guards)

    visit(ast, frozenset())
    return use


# ---------------------------------------------------------------------------------------------
# The checker
# ---------------------------------------------------------------------------------------------


@dataclass
class Def:
    """Something with an id: a chapter, clause, form, checklist or check item."""

    kind: str
    id: str
    file: Path
    loc: tuple
    requires: frozenset
    family: str | None = None
    doc: YamlDoc | None = None
    clauses: list = field(default_factory=list)  # for forms and check items
    level: str = ""  # "article" or "item" for clauses
    data: Any = None

    def line(self) -> int | None:
        return self.doc.line_of(self.loc) if self.doc else None


@dataclass
class TextRef:
    kind: str
    target: str
    requires: frozenset
    file: Path
    loc: tuple
    doc: YamlDoc


def declared_languages(src: PluginSource, examples: list[tuple[Path, Any]]) -> tuple[list[str], str]:
    """The languages a plugin promises complete texts in, besides zh-CN, and where that is said.

    A plugin declares a language in its distribution's ``pyproject.toml``::

        [tool.sqmkit]
        languages = ["zh-CN", "en"]

    or by shipping a demo profile in ``examples/`` with ``language: en``. English names in
    ``industry.yaml`` alone do not declare English: they are used in listings.
    """
    langs: list[str] = []
    why = ""
    tool = ((src.pyproject or {}).get("tool") or {}).get("sqmkit") or {}
    for lang in tool.get("languages") or []:
        if lang != schema.DEFAULT_LANGUAGE and lang not in langs:
            langs.append(lang)
            why = "pyproject.toml [tool.sqmkit] languages"
    for path, data in examples:
        lang = data.get("language") if isinstance(data, dict) else None
        if isinstance(lang, str) and lang != schema.DEFAULT_LANGUAGE and lang not in langs:
            langs.append(lang)
            why = why or f"the demo profile {path.name} (language: {lang})"
    return langs, why


class Checker:
    def __init__(self, src: PluginSource, *, assemble: bool = True):
        self.src = src
        self.root = src.root
        self.do_assemble = assemble
        self.report = Report(src.name, src.package_dir)
        self.env = _text_env()
        self.industry: dict | None = None  # raw industry.yaml data when it parses
        self.industry_doc: YamlDoc | None = None
        self.defs: dict[str, Def] = {}
        self.external: dict[str, str] = {}  # ids claimed by the built-in default plugin
        self.text_refs: list[TextRef] = []
        self.docs: list[tuple[type[BaseModel], YamlDoc, bool]] = []  # (model, doc, schema ok)
        self.examples: list[tuple[Path, Any]] = []
        self.unreadable: list[Path] = []  # data files that are not YAML: their ids are unknown
        self.languages: list[str] = []
        self.languages_why = ""

    # -- reporting ---------------------------------------------------------------------------

    def add(self, severity: str, code: str, problem: str, file: Path | None = None, loc: tuple | list = (),
            doc: YamlDoc | None = None, hint: str | None = None, line: int | None = None) -> None:
        if line is None and doc is not None:
            line = doc.line_of(list(loc))
        self.report.findings.append(Finding(severity, code, problem, file, line, format_loc(loc), hint))

    # -- steps ---------------------------------------------------------------------------------

    def run(self) -> Report:
        self.check_packaging()
        self.load_examples()
        self.load_industry()
        self.load_data()
        self.load_external()
        self.index()
        self.check_texts()
        self.check_links()
        self.check_coverage()
        self.check_examples()
        self.check_templates()
        if self.do_assemble:
            self.assemble()
        unique: dict[tuple, Finding] = {}
        for f in self.report.findings:
            unique.setdefault((f.severity, f.code, str(f.file), f.line, f.where, f.problem), f)
        self.report.findings = list(unique.values())
        self.report.findings.sort(key=lambda f: (0 if f.severity == ERROR else 1, str(f.file or ""), f.line or 0))
        return self.report

    def check_packaging(self) -> None:
        src = self.src
        if src.builtin or src.dist_dir is None:
            return
        pyproject_path = src.dist_dir / "pyproject.toml"
        ep = _entry_point_of(src.pyproject)
        if ep is None:
            self.add(ERROR, "packaging", "the distribution declares no entry point in group 'sqmkit': "
                     "sqmkit will never load this plugin", pyproject_path,
                     hint=f'add [project.entry-points.sqmkit] {src.name} = "{src.package_dir.name}"')
        elif ep[1].split(".")[0] != src.package_dir.name:
            self.add(ERROR, "packaging", f"the entry point {ep[0]} = {ep[1]!r} does not name the package "
                     f"{src.package_dir.name!r}", pyproject_path)
        patterns = ((src.pyproject or {}).get("tool", {}).get("setuptools", {}).get("package-data", {}) or {})
        mine = list(patterns.get(src.package_dir.name, [])) + list(patterns.get("*", []))
        if not patterns:
            return
        for path in sorted(self.root.rglob("*")):
            if (not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts
                    or path.name.startswith(".")):
                continue
            rel = path.relative_to(src.package_dir).as_posix()
            if not any(_glob_match(rel, p) for p in mine):
                self.add(WARNING, "packaging", f"{rel} is not listed in [tool.setuptools.package-data]: a "
                         "non-editable install would leave it out", pyproject_path,
                         hint=f'add a pattern such as "{rel.split("/")[0]}/*" for {src.package_dir.name}')

    def _load(self, path: Path, data_file: bool = True) -> YamlDoc | None:
        try:
            return load_yaml(path)
        except DataError as exc:
            self.add(ERROR, "schema", exc.problem, path, line=exc.line, hint=exc.hint)
            if data_file:
                self.unreadable.append(path)
            return None

    def _validate(self, model: type[BaseModel], doc: YamlDoc) -> bool:
        try:
            model.model_validate(doc.data)
            return True
        except ValidationError as exc:
            for err in exc.errors():
                loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)]
                msg = err["msg"].removeprefix("Value error, ")
                hint = None
                if err["type"] == "extra_forbidden":
                    msg = "unknown field"
                    hint = f"{model.__name__} fields: " + ", ".join(_fields_at(model, loc[:-1]))
                elif err["type"] == "missing":
                    msg = "required field is missing"
                self.add(ERROR, "schema", msg, doc.path, loc, doc, hint)
            return False

    def load_examples(self) -> None:
        folder = self.root / "examples"
        if not folder.is_dir() and self.src.package_dir != self.root:
            folder = self.src.package_dir / "examples"
        for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
            doc = self._load(path, data_file=False)
            if doc is not None:
                self.examples.append((path, doc))
        self.languages, self.languages_why = declared_languages(
            self.src, [(p, d.data) for p, d in self.examples])

    def load_industry(self) -> None:
        path = self.root / "industry.yaml"
        if not path.exists():
            return
        doc = self._load(path)
        if doc is None:
            return
        ok = self._validate(schema.Industry, doc)
        self.docs.append((schema.Industry, doc, ok))
        if isinstance(doc.data, dict):
            self.industry, self.industry_doc = doc.data, doc

    def load_data(self) -> None:
        for sub, model in DATA_DIRS.items():
            folder = self.root / sub
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if path.suffix not in (".yaml", ".yml") or not path.is_file():
                    if path.is_file() and not path.name.startswith("."):
                        self.add(WARNING, "schema", f"{path.name} is not read: only *.yaml files in {sub}/ are",
                                 path)
                    continue
                doc = self._load(path)
                if doc is not None:
                    self.docs.append((model, doc, self._validate(model, doc)))

    def load_external(self) -> None:
        """Ids the built-in default plugin claims (a plugin must not reuse them)."""
        if self.src.builtin:
            return
        from .datapack import DataPack

        builtin = DataPack(Path(__file__).resolve().parent / "builtin" / "data")
        for ch in builtin._chapters:
            chapter = ch[1]
            self.external[chapter.id] = "the built-in default plugin"
            for art in chapter.articles:
                self.external[f"{chapter.id}.{art.id}"] = "the built-in default plugin"

    # -- ids ---------------------------------------------------------------------------------

    def _define(self, d: Def) -> None:
        other = self.defs.get(d.id)
        if other is not None:
            where = f"{_display(other.file)}:{other.line()}" if other.file != d.file else f"line {other.line()}"
            self.add(ERROR, "duplicate-id", f"{d.kind} id {d.id!r} is already used by a {other.kind} ({where})",
                     d.file, d.loc + ("id",), d.doc, "ids are unique across chapters, clauses, forms, checklists and "
                     "check items; rename one")
            return
        if d.id in self.external:
            self.add(ERROR, "duplicate-id", f"{d.kind} id {d.id!r} is already used by {self.external[d.id]}",
                     d.file, d.loc + ("id",), d.doc, "start your ids with your industry id")
        self.defs[d.id] = d

    def index(self) -> None:
        for model, doc, _ok in self.docs:
            if model is schema.Industry:
                self._check_ids_in(model, doc)
                continue
            if not isinstance(doc.data, dict):
                continue

            def visit(kind, cls, data, ctx, doc=doc):
                if kind != "model":
                    return
                if cls is schema.Chapter:
                    self._define(Def("chapter", ctx.prefix, doc.path, ctx.loc, ctx.requires, ctx.family, doc))
                elif cls in (schema.Article, schema.Item):
                    self._define(Def("clause", ctx.prefix, doc.path, ctx.loc, ctx.requires, ctx.family, doc,
                                     level="article" if cls is schema.Article else "item", data=data))
                elif cls is schema.Form:
                    self._define(Def("form", ctx.prefix, doc.path, ctx.loc, ctx.requires, None, doc,
                                     _str_list(data.get("clauses"))))
                elif cls is schema.Checklist:
                    self._define(Def("checklist", ctx.prefix, doc.path, ctx.loc, ctx.requires, None, doc))
                elif cls is schema.CheckItem:
                    self._define(Def("check item", ctx.prefix, doc.path, ctx.loc, ctx.requires, None, doc,
                                     _str_list(data.get("clauses"))))

            walk(model, doc.data, Ctx(()), visit)
            self._check_ids_in(model, doc)

    def _check_ids_in(self, model: type[BaseModel], doc: YamlDoc) -> None:
        """Sibling ids unique; ids that look like positions; one form's field ids unique."""

        def visit(kind, cls, data, ctx):
            if kind != "model":
                return
            ident = data.get("id")
            if isinstance(ident, str):
                for seg in ident.split("."):
                    if UNSTABLE_RE.match(seg):
                        self.add(WARNING, "unstable-id", f"id {ident!r} looks like a position, not a name",
                                 doc.path, ctx.loc + ("id",), doc,
                                 "ids are permanent names that survive reordering: say what it is "
                                 "(e.g. 'uniform', 'response-time'); numbers are computed")
                        break
            for name, value in data.items():
                if not isinstance(value, list) or cls in (schema.Chapter, schema.CheckSection) \
                        or (name == "items" and cls in (schema.Article, schema.Item)):
                    continue  # articles, items and check items are checked by their full ids
                seen: dict[str, int] = {}
                for i, v in enumerate(value):
                    if isinstance(v, dict) and isinstance(v.get("id"), str):
                        if v["id"] in seen:
                            self.add(ERROR, "duplicate-id", f"{name}[{i}] repeats the id {v['id']!r} of "
                                     f"{name}[{seen[v['id']]}]", doc.path, ctx.loc + (name, i, "id"), doc,
                                     "siblings need different ids")
                        seen.setdefault(v["id"], i)
            if cls is schema.Form:
                seen_f: dict[str, tuple] = {}
                for si, sec in enumerate(data.get("sections") or []):
                    for fi, fld in enumerate((sec or {}).get("fields") or [] if isinstance(sec, dict) else []):
                        fid = fld.get("id") if isinstance(fld, dict) else None
                        if not isinstance(fid, str):
                            continue
                        loc = ctx.loc + ("sections", si, "fields", fi, "id")
                        if fid in seen_f and seen_f[fid][0] != si:
                            self.add(ERROR, "duplicate-id", f"field id {fid!r} is used twice in this form",
                                     doc.path, loc, doc, "a form's field ids name its columns and answers; "
                                     "make them unique across sections")
                        seen_f.setdefault(fid, (si, fi))

        walk(model, doc.data, Ctx(()), visit)

    # -- texts ---------------------------------------------------------------------------------

    def _modules(self) -> set[str] | None:
        if self.industry is None:
            return None
        return {m.get("id") for m in self.industry.get("modules") or [] if isinstance(m, dict)}

    def check_texts(self) -> None:
        modules = self._modules()
        for model, doc, _ok in self.docs:
            if not isinstance(doc.data, dict):
                continue

            def visit(kind, cls, data, ctx, doc=doc):
                if kind == "model":
                    self._check_model_fields(cls, data, ctx, doc, modules)
                    return
                self._check_text(data, ctx, doc, modules)

            walk(model, doc.data, Ctx(()), visit)

    def _check_model_fields(self, cls, data: dict, ctx: Ctx, doc: YamlDoc, modules: set[str] | None) -> None:
        module = data.get("module")
        if isinstance(module, str) and modules is not None and module not in modules:
            self.add(ERROR, "unknown-module", f"module {module!r} is not declared by industry "
                     f"{self._industry_id()!r}", doc.path, ctx.loc + ("module",), doc,
                     f"declared modules: {', '.join(sorted(modules)) or 'none'} (industry.yaml modules)")
        if cls is schema.GradesBlock and isinstance(data.get("param"), str):
            self._check_param_path(data["param"].split("."), doc, ctx.loc + ("param",), "grade bands parameter")
        if cls is schema.Checklist and isinstance(data.get("bands"), str):
            self._check_param_path(data["bands"].split("."), doc, ctx.loc + ("bands",), "grade bands parameter")

    def _industry_id(self) -> str:
        return str((self.industry or {}).get("id", "?"))

    def _check_text(self, value: Any, ctx: Ctx, doc: YamlDoc, modules: set[str] | None) -> None:
        if isinstance(value, str):
            variants = {schema.DEFAULT_LANGUAGE: value}
        elif isinstance(value, dict):
            variants = {k: v for k, v in value.items() if isinstance(v, str)}
        else:
            return
        for lang in self.languages:
            if lang not in variants:
                self.add(ERROR, "translation", f"no {lang} text", doc.path, ctx.loc, doc,
                         f"{self.languages_why} declares {lang}: write this text as "
                         f"{{zh-CN: …, {lang}: …}}")
        for lang, source in variants.items():
            if not source.strip():
                self.add(ERROR, "translation", f"the {lang} text is empty", doc.path, ctx.loc, doc)
            if "{" not in source:
                continue
            loc = ctx.loc + ((lang,) if isinstance(value, dict) else ())
            try:
                use = analyse_text(source, self.env)
            except jinja2.TemplateSyntaxError as exc:
                self.add(ERROR, "schema", f"template syntax error in the text: {exc.message}", doc.path, loc, doc,
                         "texts are Jinja templates: {{ params.x }}, {{ ref('id') }}; a value starting "
                         "with {{ must be quoted in YAML")
                continue
            for name in sorted(use.names - TEXT_NAMES - set(self.env.globals)):
                self.add(ERROR, "undeclared", f"the text uses {name!r}, which texts do not have", doc.path, loc, doc,
                         "texts can use company, org, params, doc, modules, industry, ref(), form(), checklist()")
            for flt in sorted(use.filters - set(self.env.filters)):
                self.add(ERROR, "undeclared", f"unknown filter {flt!r}", doc.path, loc, doc)
            for root, parts in use.paths:
                self._check_use(root, parts, doc, loc)
            for mod in use.module_tests:
                if modules is not None and mod not in modules:
                    self.add(ERROR, "unknown-module", f"the text tests module {mod!r}, which industry "
                             f"{self._industry_id()!r} does not declare", doc.path, loc, doc,
                             f"declared modules: {', '.join(sorted(modules)) or 'none'}")
            for kind, target, guards in use.refs:
                if target is None:
                    self.add(WARNING, "dangling-ref", f"{kind}() with a computed argument cannot be checked",
                             doc.path, loc, doc, f"write the id as a string: {kind}('full.id')")
                    continue
                self.text_refs.append(TextRef(kind, target, ctx.requires | guards, doc.path, loc, doc))

    def _check_use(self, root: str, parts: list, doc: YamlDoc, loc: tuple) -> None:
        if root == "params" and parts:
            self._check_param_path(parts, doc, loc, "parameter")
        elif root == "org" and parts:
            if parts[0] not in ("departments", "roles"):
                self.add(ERROR, "undeclared", f"org.{parts[0]} does not exist", doc.path, loc, doc,
                         "use org.departments.<key> or org.roles.<key>")
            elif len(parts) > 1 and self.industry is not None:
                declared = self.industry.get(parts[0]) or {}
                if parts[1] not in declared:
                    what = "department" if parts[0] == "departments" else "role"
                    self.add(ERROR, "undeclared", f"{what} org.{parts[0]}.{parts[1]} is not declared", doc.path, loc,
                             doc, f"declare it under {parts[0]}: in industry.yaml (declared: "
                                  f"{', '.join(sorted(declared)) or 'none'})")
        elif root == "company" and parts and parts[0] not in COMPANY_FIELDS:
            self.add(ERROR, "undeclared", f"company.{parts[0]} does not exist", doc.path, loc, doc,
                     f"company has: {', '.join(sorted(COMPANY_FIELDS))}")
        elif root == "doc" and parts:
            from .profile import DocumentControl

            fields = set(DocumentControl.model_fields) - {"revisions"}
            if parts[0] not in fields:
                self.add(ERROR, "undeclared", f"doc.{parts[0]} does not exist", doc.path, loc, doc,
                         f"doc has: {', '.join(sorted(fields))}")
        elif root == "industry" and parts and parts[0] not in INDUSTRY_FIELDS:
            self.add(ERROR, "undeclared", f"industry.{parts[0]} does not exist", doc.path, loc, doc,
                     "industry has: id, name")

    def _check_param_path(self, parts: list, doc: YamlDoc, loc: tuple, what: str) -> None:
        if self.industry is None:
            return  # a content-only plugin: the parameters belong to another plugin's industry
        node: Any = self.industry.get("parameters") or {}
        done: list = []
        for part in parts:
            if isinstance(node, dict):
                if part not in node:
                    path = ".".join(str(p) for p in done)
                    known = ", ".join(sorted(str(k) for k in node)) or "none"
                    self.add(ERROR, "undeclared",
                             f"{what} params.{'.'.join(str(p) for p in parts)} is not declared", doc.path, loc, doc,
                             f"declare it with a default under parameters{('.' + path) if path else ''} in "
                             f"industry.yaml (declared there: {known})")
                    return
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int):
                if not -len(node) <= part < len(node):
                    self.add(ERROR, "undeclared", f"{what} index {part} is out of range", doc.path, loc, doc)
                    return
                node = node[part]
            else:
                return
            done.append(part)

    # -- references and checks ------------------------------------------------------------------

    def _resolve(self, kind: str, target: str, requires: frozenset, file: Path, loc: tuple, doc: YamlDoc,
                 what: str) -> Def | None:
        wanted = {"ref": ("chapter", "clause"), "form": ("form",), "checklist": ("checklist",)}[kind]
        noun = {"ref": "clause", "form": "form", "checklist": "checklist"}[kind]
        d = self.defs.get(target)
        if d is None or d.kind not in wanted:
            if target in self.external and kind == "ref":
                return None
            if self.unreadable and d is None:
                return None  # it may well be in a file that could not be read (reported already)
            close = _close_ids(target, [i for i, x in self.defs.items() if x.kind in wanted])
            hint = f"did you mean {close!r}?" if close else f"no {noun} with this id is defined in this plugin"
            if d is not None:
                hint = f"{target!r} is a {d.kind}, not a {noun}"
            self.add(ERROR, "dangling-ref", f"{what} {noun} {target!r}, which does not exist", file, loc, doc, hint)
            return None
        if d.kind == "chapter" and d.family in ("general", "supplementary"):
            self.add(ERROR, "dangling-ref", f"{what} chapter {target!r}, which is merged into the {d.family} "
                     "chapter and has no number of its own", file, loc, doc, "refer to one of its articles")
            return d
        declared = self._modules()
        missing = sorted(m for m in d.requires - requires if declared is None or m in declared)
        if missing:
            mods = ", ".join(repr(m) for m in missing)
            self.add(ERROR, "dangling-ref", f"{what} {noun} {target!r}, which belongs to module {mods}: "
                     "for a client without it the reference dangles", file, loc, doc,
                     f"give this content the same module: {missing[0]}, or wrap the reference in "
                     f"{{% if \"{missing[0]}\" in modules %}}…{{% endif %}}")
        return d

    def check_links(self) -> None:
        self.referenced_forms: set[str] = set()
        self.checked: set[str] = set()
        for r in self.text_refs:
            d = self._resolve(r.kind, r.target, r.requires, r.file, r.loc, r.doc, "the text refers to")
            if d is not None and d.kind == "form":
                self.referenced_forms.add(d.id)
        for d in list(self.defs.values()):
            if d.kind == "form":
                for i, cid in enumerate(d.clauses):
                    self._resolve("ref", cid, d.requires, d.file, d.loc + ("clauses", i), d.doc, "the form names")
            elif d.kind == "check item":
                if not d.clauses:
                    self.add(ERROR, "check-nothing", f"check item {d.id!r} checks no clause", d.file, d.loc, d.doc,
                             "list the clause ids it checks under clauses:, so the handbook can show "
                             "which item checks each clause")
                for i, cid in enumerate(d.clauses):
                    t = self._resolve("ref", cid, d.requires, d.file, d.loc + ("clauses", i), d.doc,
                                      "the check item names")
                    if t is not None:
                        self.checked.add(t.id)

    def check_coverage(self) -> None:
        checked = self.checked
        stats = self.report.stats
        stats["chapters"] = sum(1 for d in self.defs.values() if d.kind == "chapter")
        stats["clauses"] = sum(1 for d in self.defs.values() if d.kind == "clause")
        stats["forms"] = sum(1 for d in self.defs.values() if d.kind == "form")
        stats["checklists"] = sum(1 for d in self.defs.values() if d.kind == "checklist")
        stats["check_items"] = sum(1 for d in self.defs.values() if d.kind == "check item")
        stats["languages"] = [schema.DEFAULT_LANGUAGE, *self.languages]
        unchecked = 0
        for d in self.defs.values():
            if d.kind == "clause" and d.family in CHECKED_FAMILIES and d.level == "article":
                if d.id in checked or d.id.rsplit(".", 1)[0] in checked or any(c.startswith(d.id + ".") for c in checked):
                    continue
                unchecked += 1
                self.add(WARNING, "unchecked", f"no checklist item checks {d.id!r}", d.file, d.loc, d.doc,
                         "add a check item with clauses: [" + d.id + "] to a checklist, if the clause can be "
                         "inspected")
            elif d.kind == "form" and d.id not in self.referenced_forms:
                how = "the clauses it names link to it, but " if d.clauses else ""
                self.add(WARNING, "unused-form", f"{how}no text mentions form {d.id!r}", d.file, d.loc, d.doc,
                         f"mention it where the form is required: {{{{ form('{d.id}') }}}}")
        stats["unchecked_articles"] = unchecked

    def check_examples(self) -> None:
        from .profile import check_against_industry, profile_from_data

        industry = None
        if self.industry_doc is not None:
            try:
                industry = schema.Industry.model_validate(self.industry_doc.data)
            except ValidationError:
                industry = None
        for path, doc in self.examples:
            try:
                profile = profile_from_data(doc.data, doc)
            except DataError as exc:
                self.add(ERROR, "profile", exc.problem, path, line=exc.line,
                         hint=exc.hint or "the profile schema is sqmkit.profile.Profile", loc=_parse_where(exc.where))
                continue
            if industry is not None and profile.industry == industry.id:
                try:
                    check_against_industry(profile, industry, doc)
                except DataError as exc:
                    self.add(ERROR, "profile", exc.problem, path, line=exc.line, hint=exc.hint,
                             loc=_parse_where(exc.where))
            logo = profile.logo_path()
            if logo is not None and not logo.is_file():
                self.add(ERROR, "profile", f"logo file {profile.branding.logo} does not exist", path,
                         ("branding", "logo"), doc)
            if profile.templates and not (profile.template_dir() or Path()).is_dir():
                self.add(ERROR, "profile", f"template folder {profile.templates} does not exist", path,
                         ("templates",), doc)

    def check_templates(self) -> None:
        folder = self.root / "templates"
        if not folder.is_dir():
            folder = self.src.package_dir / "templates"
            if not folder.is_dir():
                return
        env = jinja2.Environment(extensions=["jinja2.ext.do"])
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or path.suffix not in (".html", ".htm", ".css", ".js", ".txt", ".xml", ".svg"):
                continue
            try:
                env.parse(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                self.add(ERROR, "template", "is not UTF-8 text", path)
            except jinja2.TemplateSyntaxError as exc:
                self.add(ERROR, "template", f"template syntax error: {exc.message}", path, line=exc.lineno)

    # -- the real assembler ----------------------------------------------------------------------

    def assemble(self) -> None:
        self.report.stats["assemblies"] = 0
        if self.report.errors:
            # the assembler stops at the first problem, which would repeat one already reported
            self.report.stats["assembly_skipped"] = True
            return
        with contextlib.ExitStack() as stack:
            try:
                module = None if self.src.builtin else stack.enter_context(fresh_import(self.src))
                if module is not None:
                    self._prime(module)
                mgr = self._manager(module)
            except Exception as exc:
                problem = str(exc) if isinstance(exc, SqmkitError) else f"{type(exc).__name__}: {exc}"
                self.add(ERROR, "assemble", f"the plugin cannot be loaded: {problem}",
                         self.src.package_dir / "__init__.py")
                return
            self._assemble_all(mgr)

    def _assemble_all(self, mgr) -> None:
        from .assemble import assemble as core_assemble
        from .profile import profile_from_data

        profiles: list[tuple[Path | None, Any, YamlDoc | None]] = []
        for path, doc in self.examples:
            try:
                profiles.append((path, profile_from_data(doc.data, doc), doc))
            except DataError:
                continue  # reported by check_examples
        if self.industry is not None and not self.examples:
            self.add(WARNING, "no-demo", "no demo profile in examples/: assembled a synthetic profile instead",
                     self.root / "examples", hint="add examples/demo-<name>.yaml, a client profile for your industry")
            profiles.append((None, _synthetic_profile(self._industry_id()), None))
        modules_all = sorted(self._modules() or [])
        seen: dict[str, str] = {}
        count = 0
        for path, profile, doc in profiles:
            own = profile.industry == self._industry_id()
            mods = modules_all if own else list(profile.modules)
            variants = [("as written", list(profile.modules))]
            if own and mods:
                variants.append(("all modules on", mods))
                variants += [(f"module {m!r} off", [x for x in mods if x != m]) for m in mods]
                variants.append(("all modules off", []))
            done: set[tuple] = set()
            for label, chosen in variants:
                if tuple(sorted(chosen)) in done:
                    continue
                done.add(tuple(sorted(chosen)))
                variant = profile.model_copy(update={"modules": chosen})
                count += 1
                try:
                    reg = core_assemble(mgr, variant, doc)
                except Exception as exc:  # noqa: BLE001 — whatever the plugin does wrong is a finding
                    msg = str(exc) if isinstance(exc, SqmkitError) else f"{type(exc).__name__}: {exc}"
                    if msg in seen:
                        continue
                    seen[msg] = label
                    self._report_assembly(exc, path, label)
                    continue
                if label in ("as written", "all modules on") and own:
                    self._check_assembled(reg, chosen, path, label)
        self.report.stats["assemblies"] = count

    def _prime(self, module: types.ModuleType) -> None:
        """Hand the files already parsed here to the plugin's DataPack, so they are not read twice
        (the DataPack reads the same files, in the same order, into the same models)."""
        from .datapack import DataPack

        by_dir: dict[str, list] = {sub: [] for sub in DATA_DIRS}
        industry = None
        for model, doc, ok in self.docs:
            if not ok:
                return
            if model is schema.Industry:
                industry = model.model_validate(doc.data)
            else:
                by_dir[doc.path.parent.name].append((doc.path, model.model_validate(doc.data)))
        for obj in vars(module).values():
            if isinstance(obj, DataPack) and obj.root.resolve() == self.root.resolve():
                obj.__dict__.update(_industry=industry, _chapters=by_dir["rules"], _forms=by_dir["forms"],
                                    _checklists=by_dir["checklists"])

    def _manager(self, module: types.ModuleType | None):
        from .plugins import get_plugin_manager

        if module is None:
            return get_plugin_manager(load_entry_points=False)
        extra = [(self.src.name, module)]
        if self.industry is None:  # content for another plugin's industry: load the installed ones too
            for name, ep in _installed().items():
                if name != self.src.name:
                    extra.append((name, ep.load()))
        return get_plugin_manager(extra, load_entry_points=False)

    def _report_assembly(self, exc: Exception, path: Path | None, label: str) -> None:
        from .errors import ProfileError

        where = f"assembling {path.name if path else 'a synthetic profile'} ({label})"
        if isinstance(exc, ProfileError):
            self.add(ERROR, "assemble", f"{where}: {exc.problem}", Path(exc.file), line=exc.line,
                     loc=_parse_where(exc.where), hint=exc.hint)
            return
        problem = getattr(exc, "problem", str(exc))
        tokens = [t for t in re.findall(r"[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+", problem) if t in self.defs]
        hint = None
        if "not defined" in problem and len(tokens) > 1:
            missing = self.defs[tokens[-1]]
            hint = (f"{missing.id!r} is defined in {_display(missing.file)}, but the plugin did not contribute it: "
                    f"does __init__.py implement {self._hook_for(missing)} and return the pack's content?")
        if tokens:
            d = self.defs[tokens[0]]
            self.add(ERROR, "assemble", f"{where}: {problem}", d.file, d.loc, d.doc, hint)
        else:
            self.add(ERROR, "assemble", f"{where}: {problem}", path or self.src.package_dir / "__init__.py", hint=hint)

    def _hook_for(self, d: Def) -> str:
        from .assemble import FAMILY_HOOKS

        return {"form": "register_forms", "checklist": "register_checklists"}.get(d.kind) \
            or FAMILY_HOOKS.get(d.family or "", "the register_* hooks")

    def _check_assembled(self, reg, modules: list[str], path: Path | None, label: str) -> None:
        """Everything the data files define (for these modules) must reach the regulation: content
        that does not is in a family whose hook the plugin does not implement."""
        present = set(reg.clause_ids()) | {f.id for f in reg.forms} | {c.id for c in reg.checklists}
        on = set(modules)
        for d in self.defs.values():
            if d.kind not in ("clause", "form", "checklist") or not d.requires <= on:
                continue
            if d.kind == "clause" and (d.level != "article" or not _article_kept(d.data, on)):
                continue  # articles stand for their chapter and items
            if d.id in present:
                continue
            hook = self._hook_for(d)
            self.add(ERROR, "assemble", f"{d.kind} {d.id!r} is in the data files but not in the assembled "
                     f"regulation ({path.name if path else 'synthetic profile'}, {label})", d.file, d.loc, d.doc,
                     f"does __init__.py implement {hook} and return the pack's content?")


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _glob_match(rel: str, pattern: str) -> bool:
    """setuptools' package-data matching: ``*`` stays within a folder, ``**/`` spans folders."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.fullmatch(out, rel) is not None


def _article_kept(data: Any, on: set[str]) -> bool:
    """Whether the assembler keeps an article (it drops one whose every item is switched off)."""
    if not isinstance(data, dict):
        return False
    if data.get("text") is not None or data.get("block") is not None:
        return True
    return any(isinstance(it, dict) and (it.get("module") is None or it.get("module") in on)
               for it in data.get("items") or [])


def _str_list(value: Any) -> list:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _fields_at(model: type[BaseModel], loc: list) -> list[str]:
    cls: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or part not in cls.model_fields:
            return []
        ann = _strip_annotated(cls.model_fields[part].annotation)
        inner = [a for a in _union_args(ann)]
        nxt = None
        for a in inner:
            a = _strip_annotated(a)
            if get_origin(a) is list:
                a = _strip_annotated(get_args(a)[0])
            if isinstance(a, type) and issubclass(a, BaseModel):
                nxt = a
                break
        cls = nxt
    return sorted(cls.model_fields) if isinstance(cls, type) and issubclass(cls, BaseModel) else []


def _parse_where(where: str) -> tuple:
    out: list = []
    for part in (where or "").replace("]", "").split("."):
        for j, piece in enumerate(part.split("[")):
            if piece:
                out.append(int(piece) if j and piece.isdigit() else piece)
    return tuple(out)


def _close_ids(target: str, ids: list[str]) -> str | None:
    import difflib

    parent, _, leaf = target.rpartition(".")
    siblings = {i.rpartition(".")[2]: i for i in ids if i.rpartition(".")[0] == parent}
    found = difflib.get_close_matches(leaf, list(siblings), n=1, cutoff=0.6)
    if found:
        return siblings[found[0]]
    found = difflib.get_close_matches(target, ids, n=1, cutoff=0.9)
    return found[0] if found else None


def _synthetic_profile(industry: str):
    from .profile import Profile

    return Profile.model_validate({
        "id": "checker-demo", "industry": industry,
        "company": {"name": "示例公司", "short_name": "示例"},
        "document": {"number": "DEMO-001", "version": "A/0", "prepared_by": "质量部", "reviewed_by": "副总经理",
                     "approved_by": "总经理", "effective_date": "2025-01-01"},
    })


@contextlib.contextmanager
def fresh_import(src: PluginSource) -> Iterator[types.ModuleType]:
    """Import the plugin package from ``src.package_dir`` as a fresh module, for the ``with`` block.

    Whatever is already imported under the same name (an installed copy, or the same package
    before its data files were edited) is set aside and put back afterwards, so checking never
    changes what the running process sees."""
    top = src.module.split(".")[0]
    parent = src.package_dir.parent
    for _ in range(src.module.count(".")):
        parent = parent.parent

    def ours() -> list[str]:
        return [k for k in sys.modules if k == top or k.startswith(top + ".")]

    saved = {k: sys.modules.pop(k) for k in ours()}
    sys.path.insert(0, str(parent))
    importlib.invalidate_caches()
    try:
        try:
            module = importlib.import_module(src.module)
        except Exception as exc:
            raise CheckerError(f"importing {src.module!r} failed: {type(exc).__name__}: {exc}") from None
        origin = Path(getattr(module, "__file__", "") or "").resolve().parent
        if origin != src.package_dir.resolve():
            raise CheckerError(f"importing {src.module!r} found {origin}, not {src.package_dir}")
        yield module
    finally:
        with contextlib.suppress(ValueError):
            sys.path.remove(str(parent))
        for k in ours():
            del sys.modules[k]
        sys.modules.update(saved)


def check_plugin(target: str | Path, *, assemble: bool = True) -> Report:
    """Check one plugin: an installed plugin name, a distribution folder or a package folder."""
    src = locate(target)
    return Checker(src, assemble=assemble).run()

