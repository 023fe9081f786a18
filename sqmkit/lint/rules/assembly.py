"""The real assembler: every demo profile assembles, with every set of modules (``assemble``).

Each demo profile in ``examples/`` (a synthetic one, with a ``no-demo`` warning, when there is
none) is assembled by the core's :func:`sqmkit.assemble.assemble` with the plugin registered in a
fresh manager: as written, with all modules on, with each module off in turn and with none. So
what only a build would notice is reported too: a reference the static rules cannot read, the
plugin's own ``validate_profile``, a hook that raises. Errors carry structured fields, which
place the finding: a :class:`~sqmkit.ProfileError` its file, line and field path; a
:class:`~sqmkit.PluginError` the ids involved, looked up in the index of definitions.

A :class:`~sqmkit.DataPack` hands over everything in its files, so content that is in the files
but not in the regulation was dropped by the plugin object (say, a subclass overriding a family
hook): that is reported at the content, naming the object.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ...assemble import assemble
from ...datapack import DataPack
from ...errors import DataError, PluginError, ProfileError
from ...hookspecs import FAMILY_HOOKS
from ...model import Regulation
from ...plugins import Manager
from ...profile import Profile, profile_from_data
from ...yamlio import YamlDoc
from ..context import Def, LintContext
from ..findings import Finding, Loc, display, error, from_data_error, warning
from ..plugin import imported, manager_for
from ..rule import Rule
from ..source import CheckerError

CODES = ("assemble", "no-demo")

#: the hook that hands over each kind of content (families by their chapter's family)
HOOK_OF: dict[str, str] = {"form": "register_forms", "checklist": "register_checklists",
                           **{str(family): hook for family, hook in FAMILY_HOOKS.items()}}
#: the variants whose regulation must hold everything in the files that their modules allow
COMPLETE = ("as written", "all modules on")


@dataclass(frozen=True)
class Demo:
    """A profile to assemble: a demo profile from ``examples/``, or a synthetic one."""

    path: Path | None
    profile: Profile
    doc: YamlDoc | None

    @property
    def name(self) -> str:
        return self.path.name if self.path else "a synthetic profile"


@dataclass(frozen=True)
class Variant:
    """One assembly: a demo profile with a set of modules."""

    demo: Demo
    label: str
    modules: tuple[str, ...]
    own: bool  # a profile of the plugin's own industry


def synthetic_profile(industry: str) -> Profile:
    return Profile.model_validate({
        "id": "checker-demo", "industry": industry,
        "company": {"name": "示例公司", "short_name": "示例"},
        "document": {"number": "DEMO-001", "version": "A/0", "prepared_by": "质量部", "reviewed_by": "副总经理",
                     "approved_by": "总经理", "effective_date": "2025-01-01"},
    })


def demos(ctx: LintContext) -> list[Demo]:
    """The valid demo profiles (the invalid ones are reported by the demo-profiles rule)."""
    out = []
    for doc in ctx.examples:
        try:
            out.append(Demo(doc.path, profile_from_data(doc.data, doc), doc))
        except DataError:
            continue
    if ctx.industry is not None and not ctx.examples:
        out.append(Demo(None, synthetic_profile(ctx.industry_id), None))
    return out


def plan(ctx: LintContext) -> list[Variant]:
    """Every assembly to run: each demo as written, with all modules on, each off, none."""
    every = sorted(ctx.modules or [])
    out = []
    for demo in demos(ctx):
        own = demo.profile.industry == ctx.industry_id
        choices = [("as written", list(demo.profile.modules))]
        if own and every:
            choices += [("all modules on", every), *((f"module {m!r} off", [x for x in every if x != m]) for m in every),
                        ("all modules off", [])]
        done: set[tuple[str, ...]] = set()
        for label, chosen in choices:
            if tuple(sorted(chosen)) not in done:
                done.add(tuple(sorted(chosen)))
                out.append(Variant(demo, label, tuple(chosen), own))
    return out


def _kept(items: Any, on: set[str]) -> bool:
    """Whether some item of a list is on (no module, or a module that is on)."""
    return isinstance(items, list) and any(isinstance(it, dict) and it.get("module") in (None, *on) for it in items)


def expected(d: Def, on: set[str]) -> bool:
    """Whether the assembler keeps ``d`` when the modules ``on`` are on: its own modules are on,
    and an article or checklist has something left (one whose every item is off is dropped)."""
    if d.kind not in ("clause", "form", "checklist") or not d.requires <= on:
        return False
    data = d.data if isinstance(d.data, dict) else {}
    if d.kind == "clause":  # articles stand for their items
        return d.level == "article" and (data.get("text") is not None or data.get("block") is not None
                                         or _kept(data.get("items"), on))
    if d.kind == "checklist":
        return any(_kept(sec.get("items"), on) for sec in data.get("sections") or [] if isinstance(sec, dict))
    return True


def _why(plugin: Any, spec: str, hook: str) -> str:
    """What about the plugin object may have dropped content handed over by ``hook``."""
    if isinstance(plugin, types.ModuleType):
        packs = [name for name, value in vars(plugin).items() if isinstance(value, DataPack)]
        if packs:
            return (f"the entry point names the module {spec}, so sqmkit registers the module, not its DataPack: "
                    f"point it at the pack (\"{spec}:{packs[0]}\")")
        return f"{spec} is a module: does it implement {hook}?"
    if isinstance(plugin, DataPack) and getattr(type(plugin), hook, None) is not getattr(DataPack, hook, None):
        return (f"{type(plugin).__name__}.{hook} overrides the DataPack's and leaves this out: return the pack's "
                f"content too (super().{hook}(profile) + …)")
    return f"does {spec} implement {hook} and return the pack's content?"


def _missing_content(ctx: LintContext, reg: Regulation, v: Variant, plugin: Any, spec: str) -> Iterator[Finding]:
    present = set(reg.clause_ids()) | set(reg.index.forms) | set(reg.index.checklists)
    on = set(v.modules)
    for d in ctx.index.values():
        if d.id in present or not expected(d, on):
            continue
        hook = HOOK_OF.get(d.kind) or HOOK_OF.get(d.family or "", "the register_* hooks")
        yield error("assemble", f"{d.kind} {d.id!r} is in the data files but not in the assembled regulation "
                    f"({v.demo.name}, {v.label}): the plugin object {spec} did not hand it over", d.doc, d.loc,
                    _why(plugin, spec, hook))


def _not_contributed(ctx: LintContext, exc: PluginError, v: Variant, spec: str) -> str | None:
    """A hint when the target of a failed reference is in the files but was not handed over."""
    target = ctx.index.get(exc.ids[1]) if len(exc.ids) > 1 else None
    if target is None or not target.requires <= set(v.modules):
        return None
    hook = HOOK_OF.get(target.kind) or HOOK_OF.get(target.family or "", "the register_* hooks")
    return (f"{target.id!r} is defined in {display(target.file)}, but the plugin object {spec} did not hand it "
            f"over: does it override {hook}?")


def _loc_of(d: Def, exc: PluginError) -> Loc:
    """Where in ``d`` the error is: the entry of its ``clauses`` naming the target, if it is one."""
    if d.id == exc.ids[0] and len(exc.ids) > 1 and exc.ids[1] in d.clauses:
        return d.loc + ("clauses", d.clauses.index(exc.ids[1]))
    return d.loc


def _refused(ctx: LintContext, exc: Exception, v: Variant, spec: str) -> Finding:
    """The finding for an assembly the core refused, placed by the error's fields."""
    where = f"assembling {v.demo.name} ({v.label})"
    fallback = v.demo.path or ctx.source.init_file
    if isinstance(exc, ProfileError):
        found = from_data_error("assemble", exc, prefix=f"{where}: ")
        return found if found.file else error("assemble", found.problem, fallback, hint=found.hint)
    if isinstance(exc, PluginError):
        ours = exc.plugin == ctx.source.name
        problem = f"{where}: {exc.problem if ours else exc}"
        d = ctx.owner_of(exc.ids[0]) if exc.ids and ours else None
        if d is not None:
            return error("assemble", problem, d.doc, _loc_of(d, exc), _not_contributed(ctx, exc, v, spec))
        if ours and exc.hook:  # the plugin's own code: its hook raised or returned something wrong
            return error("assemble", problem, ctx.source.init_file, hint=f"see {spec}, hook {exc.hook}")
        return error("assemble", problem, fallback)
    return error("assemble", f"{where}: {type(exc).__name__}: {exc}", fallback)


def _assemble_all(ctx: LintContext, mgr: Manager, plugin: Any, spec: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for v in plan(ctx):
        profile = v.demo.profile.model_copy(update={"modules": list(v.modules)})
        try:
            reg = assemble(mgr, profile, v.demo.doc)
        except Exception as exc:  # noqa: BLE001 — whatever the plugin does wrong is a finding
            if str(exc) not in seen:  # the same problem with other modules: reported once
                seen.add(str(exc))
                yield _refused(ctx, exc, v, spec)
            continue
        if v.own and v.label in COMPLETE:
            yield from _missing_content(ctx, reg, v, plugin, spec)


def check_assembly(ctx: LintContext) -> Iterator[Finding]:
    """Every demo profile assembles with the real assembler, with every set of modules, and the
    regulation holds everything in the files."""
    if ctx.industry is not None and not ctx.examples:
        yield warning("no-demo", "no demo profile in examples/: assembled a synthetic profile instead",
                      ctx.root / "examples", hint="add examples/demo-<name>.yaml, a client profile for your industry")
    try:
        with imported(ctx.source) as (plugin, spec):
            mgr = manager_for(ctx.source, plugin, with_installed=ctx.industry is None)
            found = list(_assemble_all(ctx, mgr, plugin, spec))
    except (CheckerError, PluginError):
        return  # the plugin does not load: reported by the plugin-loads rule
    yield from found


RULES = (Rule("assembly", check_assembly, CODES, stage="assembly"),)
