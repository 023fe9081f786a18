"""The build of a whole group: every unit's normal build, then the group's portal.

The units are clients of the workspace the group lives in; each is built exactly as
``sqmkit build ID`` builds it (its regulation includes the group's content, see
:mod:`sqmkit.groups`), then :func:`sqmkit.render.portal.write_portal` writes ``<out>/<group-id>/``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from .errors import BuildError
from .groups import GroupProfile
from .messages import _, use_language
from .model import Regulation
from .outdir import prepare_root
from .plugins import Manager
from .render.portal import Unit, module_names, write_portal
from .schema import Industry
from .workspace import Workspace

__all__ = ["GroupBuild", "build_group", "unit_of"]


@dataclass
class GroupBuild:
    """What a group build made: the portal folder, the units, the time each step took."""

    portal: Path
    units: list[Unit]
    timings: dict[str, float] = field(default_factory=dict)


def unit_of(reg: Regulation, out_root: Path, industries: Mapping[str, Industry] | None = None,
            lang: str | None = None) -> Unit:
    """The portal's row of a unit built into ``out_root``: its industry and modules named in
    ``lang`` (the portal's; default: the unit's), borrowed modules by their ``industries``."""
    lang = lang or reg.language
    folder = out_root / reg.profile.id
    wanted = [("site", "index.html"), ("pdf", "handbook.pdf"), ("forms", "forms.pdf")]
    wanted += [("forms", "index.html#forms")] if reg.forms else []
    wanted += [("checklists", "index.html#checklists")] if reg.checklists else []
    links = tuple((kind, rel) for kind, rel in wanted if (folder / rel.partition("#")[0]).is_file())
    modules = module_names(list(reg.profile.modules), reg.industry, industries or {}, lang)
    return Unit(reg.profile.id, reg.company.name, reg.title, reg.industry.name.get(lang), tuple(modules),
                reg.document.version, reg.draft, links)


def _check_units(ws: Workspace, group: GroupProfile) -> None:
    from .validation import unknown_hint

    known = ws.client_ids()
    for unit in group.units:
        if unit not in known:
            raise BuildError(_("group {group!r} lists unit {unit!r}, which is not a client of the workspace "
                               "({hint})").format(group=group.id, unit=unit, hint=unknown_hint(unit, known)))
    if group.id in known:
        raise BuildError(_("group {group!r} has the id of a client; the portal would take its output folder: "
                           "rename the group").format(group=group.id))


def build_group(ws: Workspace, group: GroupProfile, mgr: Manager, out_root: Path | None = None,
                formats: list[str] | None = None, site_only: bool = False,
                progress: Callable[[str], None] = lambda m: None) -> GroupBuild:
    """Build every unit of ``group`` (the normal per-client build; with ``site_only``, use their
    last builds) and then the group's portal."""
    from .build import build, load

    _check_units(ws, group)
    root = prepare_root(Path(out_root) if out_root else ws.out_dir)
    timings: dict[str, float] = {}
    regs = []
    for unit in group.units:
        t = time.perf_counter()
        with use_language(group.language):  # the group's own lines in its language (units set their own)
            progress(_("unit {unit}").format(unit=unit))
        path = ws.profile_path(unit)
        if site_only:
            regs.append(load(path, mgr, ws.store_path)[3])
        else:
            regs.append(build(path, root, formats, mgr=mgr, store_path=ws.store_path, progress=progress).regulation)
        timings[unit] = time.perf_counter() - t
    t = time.perf_counter()
    industries = {ident: ind for ident, (_plugin, ind) in mgr.industries().items()}
    units = [unit_of(reg, root, industries, group.language) for reg in regs]
    portal = write_portal(group, units, root)
    timings["portal"] = time.perf_counter() - t
    return GroupBuild(portal, units, timings)
