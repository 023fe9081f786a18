"""Hook specifications: everything a plugin can contribute to sqmkit.

Plugins implement these with ``from sqmkit import hookimpl``. A hook implementation may accept
fewer arguments than its spec (pluggy passes only those it names), so specs can grow without
breaking plugins. Unless a docstring says otherwise, every implementation is called and the
results are combined in plugin order (sorted by plugin name, the built-in ``sqmkit.default``
plugin last); ``None`` or an empty list means "nothing to add".

Content hooks receive ``profile``, the validated :class:`sqmkit.profile.Profile` of the client
being built. A plugin that belongs to one industry returns nothing unless
``profile.industry`` is its own (:meth:`sqmkit.datapack.DataPack.chapters` does this for you).
Module filtering (``module:`` on chapters, articles, items, forms, checklists and check items) is
done by the core: return everything and the core drops what the client did not switch on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import click
    import jinja2

    from .outputs import OutputFormat
    from .profile import Profile
    from .schema import Chapter, Checklist, Form, Industry

PROJECT = "sqmkit"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------------------------------
# Industries
# ---------------------------------------------------------------------------------------------


@hookspec
def register_industries() -> "list[Industry]":
    """Declare the industries this plugin adds.

    Returns a list of :class:`sqmkit.schema.Industry`: id, names, optional modules, parameter
    defaults, default departments and roles. Results from all plugins are concatenated; two
    plugins declaring the same industry id is an error naming both.
    """


# ---------------------------------------------------------------------------------------------
# Regulation content: the three families and the frame around them
# ---------------------------------------------------------------------------------------------


@hookspec
def register_general_provisions(profile: "Profile") -> "list[Chapter]":
    """Contribute articles to the general provisions (总则).

    Returns chapters with ``family: general``. All of them, from every plugin, are merged into
    one 总则 chapter, their articles sorted by ``order`` (ties keep plugin order). The built-in
    default plugin contributes the purpose and basis articles.
    """


@hookspec
def register_service_standards(profile: "Profile") -> "list[Chapter]":
    """Contribute service standards (服务质量规范): per role, conduct, phrases, thresholds.

    Returns chapters with ``family: standards``, ordered by ``order`` then plugin order.
    """


@hookspec
def register_controls(profile: "Profile") -> "list[Chapter]":
    """Contribute service quality controls (服务质量控制): policy, organization and duties,
    inspections, grading, KPIs, complaint handling, process controls.

    Returns chapters with ``family: controls``, ordered by ``order`` then plugin order.
    """


@hookspec
def register_improvement_cycle(profile: "Profile") -> "list[Chapter]":
    """Contribute the continuous-improvement cycle (持续改进): surveys, audits, reviews,
    meetings, training, corrective actions, publicity.

    Returns chapters with ``family: improvement``, ordered by ``order`` then plugin order.
    """


@hookspec
def register_incentives(profile: "Profile") -> "list[Chapter]":
    """Contribute reward and penalty rules (奖惩), usually as ``incentives`` blocks linked to grades.

    Returns chapters with ``family: incentives``, ordered by ``order`` then plugin order.
    """


@hookspec
def register_supplementary_provisions(profile: "Profile") -> "list[Chapter]":
    """Contribute articles to the supplementary provisions (附则).

    Returns chapters with ``family: supplementary``; like the general provisions, they are merged
    into one 附则 chapter sorted by article ``order``.
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
    """Check a profile beyond the schema, e.g. that grade bands descend or targets are sane.

    Called after the core's own checks. Returns a list of ``(field_path, problem)`` pairs
    (``("parameters.grading.courier[1].min", "must be below the band above")``); the first
    problem found stops the build with an error naming the profile file and that field.
    """


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


@hookspec
def register_template_dirs() -> "list[Path]":
    """Folders of Jinja templates that override or add to the core templates.

    Search order is: the user's ``--templates`` folder (or the profile's), then plugin folders in
    plugin order, then the core. Any template can still reach the original with the ``core:``
    prefix, e.g. ``{% extends "core:handbook/cover.html" %}``.
    """


@hookspec
def prepare_jinja_env(env: "jinja2.Environment", profile: "Profile") -> None:
    """Adjust the Jinja environment used for the handbook, forms and checklists: add filters,
    globals or tests. Called for every plugin; return value ignored."""


@hookspec
def register_output_formats() -> "list[OutputFormat]":
    """Add output formats selectable with ``sqmkit build --format NAME``.

    Returns :class:`sqmkit.outputs.OutputFormat` objects (a name, a description and a
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

