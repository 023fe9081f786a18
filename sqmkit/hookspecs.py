"""Hook specifications: everything a plugin can contribute to sqmkit.

Plugins implement these with ``from sqmkit import hookimpl``. A hook implementation may accept
fewer arguments than its spec (pluggy passes only those it names), so specs can grow without
breaking plugins. Unless a docstring says otherwise, every implementation is called and the
results are combined in plugin order (sorted by plugin name, the built-in ``sqmkit.default``
plugin last); ``None`` or an empty list means "nothing to add".

Content hooks receive ``profile``, the validated :class:`sqmkit.Profile` of the client being
built. A plugin that belongs to one industry returns nothing unless ``profile.industry`` is its
own (a :class:`sqmkit.DataPack` does this for you). Module filtering (``module:`` on chapters,
articles, items, forms, checklists and check items) is done by the core: return everything and
the core drops what the client did not switch on.

The hook a chapter comes back from states its family: a chapter returned by
``register_controls`` is a controls chapter. A data plugin does not write these hooks at all:
its :class:`sqmkit.DataPack` implements every content hook and hands each ``rules/*.yaml`` file to
the hook its ``family:`` names.

Ordering: implementations run in plugin order; ``@hookimpl(tryfirst=True)`` moves one to the
front and ``trylast=True`` to the back (pluggy's meaning). Wrappers (``wrapper=True``,
``hookwrapper=True``) are refused at registration: sqmkit calls every implementation on its own,
so that each contribution is attributed to its plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import click
    import jinja2

    from .formats import OutputFormat
    from .profile import Profile
    from .schema import Chapter, Checklist, Family, Form, Industry

PROJECT = "sqmkit"
#: the content hook of each family, in the order the families are printed
FAMILY_HOOKS: "dict[Family, str]" = {
    "general": "register_general_provisions",
    "standards": "register_service_standards",
    "controls": "register_controls",
    "improvement": "register_improvement_cycle",
    "incentives": "register_incentives",
    "supplementary": "register_supplementary_provisions",
}

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------------------------------
# Industries
# ---------------------------------------------------------------------------------------------


@hookspec
def register_industries() -> "list[Industry]":
    """Declare the industries this plugin adds.

    Returns a list of :class:`sqmkit.Industry`: id, names, optional modules, parameter
    defaults, default departments and roles. Results from all plugins are concatenated; two
    plugins declaring the same industry id is an error naming both.
    """


# ---------------------------------------------------------------------------------------------
# Regulation content: the three families and the frame around them
# ---------------------------------------------------------------------------------------------


@hookspec
def register_general_provisions(profile: "Profile") -> "list[Chapter]":
    """Contribute articles to the general provisions (总则).

    Returns a list of :class:`sqmkit.Chapter` (no title needed). All of them, from every plugin,
    are merged into one 总则 chapter, their articles sorted by ``order`` (ties keep plugin order).
    The built-in default plugin contributes the purpose and basis articles.
    """


@hookspec
def register_service_standards(profile: "Profile") -> "list[Chapter]":
    """Contribute service standards (服务质量规范): per role, conduct, phrases, thresholds.

    Returns a list of :class:`sqmkit.Chapter`, each with a title; all plugins' chapters are
    printed ordered by ``order``, then plugin order.
    """


@hookspec
def register_controls(profile: "Profile") -> "list[Chapter]":
    """Contribute service quality controls (服务质量控制): policy, organization and duties,
    inspections, grading, KPIs, complaint handling, process controls.

    Returns a list of :class:`sqmkit.Chapter`, each with a title, ordered like the service
    standards. A cross-industry plugin (say, personal-information protection) adds one controls
    chapter to every industry with this hook alone.
    """


@hookspec
def register_improvement_cycle(profile: "Profile") -> "list[Chapter]":
    """Contribute the continuous-improvement cycle (持续改进): surveys, audits, reviews,
    meetings, training, corrective actions, publicity.

    Returns a list of :class:`sqmkit.Chapter`, each with a title, ordered like the service
    standards.
    """


@hookspec
def register_incentives(profile: "Profile") -> "list[Chapter]":
    """Contribute reward and penalty rules (奖惩), usually as ``incentives`` blocks linked to grades.

    Returns a list of :class:`sqmkit.Chapter`, each with a title, ordered like the service
    standards.
    """


@hookspec
def register_supplementary_provisions(profile: "Profile") -> "list[Chapter]":
    """Contribute articles to the supplementary provisions (附则).

    Returns a list of :class:`sqmkit.Chapter` (no title needed); like the general provisions,
    they are merged into one 附则 chapter sorted by article ``order``.
    """


@hookspec
def register_forms(profile: "Profile") -> "list[Form]":
    """Contribute printable blank forms (表单). Results are concatenated; ids must be unique and
    every clause id a form names must exist in the assembled regulation."""


@hookspec
def register_checklists(profile: "Profile") -> "list[Checklist]":
    """Contribute self-scoring inspection checklists (检查表). Results are concatenated; every
    check item's clause ids must exist in the assembled regulation."""


# ---------------------------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------------------------


@hookspec
def validate_profile(profile: "Profile", industry: "Industry") -> "list[tuple[str, str]]":
    """Check a profile beyond the schema and the core's own checks, e.g. that weights add up.

    The core already checks modules, parameter names and types, and every grade scale (bands
    descend, unique grades, 0–100, lowest at 0): do not repeat that here. Returns a list of
    ``(field_path, problem)`` pairs (``("parameters.assessment", "weights must add up to 100")``);
    the first problem found stops the build with an error naming the profile file and that field.
    """


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


@hookspec
def register_template_dirs(profile: "Profile") -> "list[Path]":
    """Folders of Jinja templates that override or add to the core templates, for ``profile``.

    Search order is: the user's ``--templates`` folder (or the profile's), then plugin folders in
    plugin order, then the core. Any template can still reach the original with the ``core:``
    prefix, e.g. ``{% extends "core:handbook/cover.html" %}``. A :class:`sqmkit.DataPack` returns
    its package's ``templates/`` folder, when it has one, for clients of its own industry.
    """


@hookspec
def prepare_jinja_env(env: "jinja2.Environment", profile: "Profile") -> None:
    """Adjust the Jinja environment used for the handbook, forms and checklists: add filters,
    globals or tests. Called for every plugin; return value ignored."""


@hookspec
def register_output_formats() -> "list[OutputFormat]":
    """Add output formats selectable with ``sqmkit build --format NAME``.

    Returns :class:`sqmkit.OutputFormat` objects (a name, a description and a
    ``render(context)`` callable that writes files into ``context.out_dir``). The core's own
    formats (``html``, ``pdf``, ``forms``, ``checklists``) are registered the same way by the
    default plugin. Two formats with one name is an error naming both plugins.
    """


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


@hookspec
def register_commands(cli: "click.Group") -> None:
    """Add commands to the ``sqmkit`` command line: ``@cli.command()`` inside the hook.
    Called once per plugin when the CLI starts; return value ignored."""


def hook_names() -> list[str]:
    """The names of every hook, in declaration order (used by docs and tests)."""
    import inspect
    import sys

    module = sys.modules[__name__]
    return [name for name, obj in inspect.getmembers(module, inspect.isfunction)
            if hasattr(obj, PROJECT + "_spec")]

