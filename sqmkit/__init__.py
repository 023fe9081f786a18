"""sqmkit: tailored service-quality management regulations (服务质量管理制度) for companies.

This module is the public API: everything a plugin, its tests and an embedding application need,
and nothing else. A data plugin is one line::

    from sqmkit import DataPack

    plugin = DataPack.for_package(__name__)

and a hook of its own is a ``@hookimpl`` method on a :class:`DataPack` subclass, or a function in
any module registered as a plugin (see docs/plugins.md).

Each name is imported on first use (PEP 562), so ``import sqmkit`` and a command that needs a
part of the kit load only that part.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

#: the module each public name comes from (a name is imported from it on first use)
_SOURCES: dict[str, tuple[str, ...]] = {
    ".assemble": ("Issued", "assemble", "check_profile"),
    ".build": ("BuildResult", "build", "load"),
    ".datapack": ("DataPack",),
    ".errors": ("BuildError", "DataError", "FontError", "PluginError", "ProfileError", "ProfileProblems",
                "SqmkitError", "StoreError"),
    ".formats": ("OutputFormat", "RenderContext", "RenderOptions", "RenderState"),
    ".grades": ("scale_problems",),
    ".hookspecs": ("FAMILY_HOOKS", "hookimpl", "hookspec"),
    ".lint": ("Finding", "Report", "check_plugin"),
    ".model": ("ArticleNode", "BandNode", "ChapterNode", "Clause", "CheckItemNode", "ChecklistNode",
               "CheckSectionNode", "FieldNode", "FormNode", "FormSectionNode", "ItemNode", "Regulation",
               "RevisionEntry", "strings_of"),
    ".numbering": ("Numbering",),
    ".params": ("MissingParameter", "effective_organization", "effective_parameters", "lookup"),
    ".plugins": ("Manager", "get_plugin_manager", "installed_plugin_names"),
    ".profile": ("Profile", "load_profile"),
    ".readback": ("assert_handbook_pdf", "assert_module_removed", "pdf_text", "yaml_line"),
    ".schema": ("Article", "Band", "Chapter", "ChapterFile", "CheckItem", "Checklist", "CheckSection", "Family",
                "Form", "FormField", "FormSection", "Industry", "Item", "Module", "OrgUnit", "ParamSpec", "Post",
                "Text"),
}
_MODULE_OF = {name: module for module, names in _SOURCES.items() for name in names}

if TYPE_CHECKING:  # pragma: no cover - what the names are, for type checkers
    from .assemble import Issued, assemble, check_profile
    from .build import BuildResult, build, load
    from .datapack import DataPack
    from .errors import (
        BuildError, DataError, FontError, PluginError, ProfileError, ProfileProblems, SqmkitError, StoreError,
    )
    from .formats import OutputFormat, RenderContext, RenderOptions, RenderState
    from .grades import scale_problems
    from .hookspecs import FAMILY_HOOKS, hookimpl, hookspec
    from .lint import Finding, Report, check_plugin
    from .model import (
        ArticleNode, BandNode, ChapterNode, Clause, CheckItemNode, ChecklistNode, CheckSectionNode, FieldNode,
        FormNode, FormSectionNode, ItemNode, Regulation, RevisionEntry, strings_of,
    )
    from .numbering import Numbering
    from .params import MissingParameter, effective_organization, effective_parameters, lookup
    from .plugins import Manager, get_plugin_manager, installed_plugin_names
    from .profile import Profile, load_profile
    from .readback import assert_handbook_pdf, assert_module_removed, pdf_text, yaml_line
    from .schema import (
        Article, Band, Chapter, ChapterFile, CheckItem, Checklist, CheckSection, Family, Form, FormField,
        FormSection, Industry, Item, Module, OrgUnit, ParamSpec, Post, Text,
    )
else:
    def __getattr__(name: str) -> Any:
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(module, __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_MODULE_OF})

    class _Api(types.ModuleType):
        """``sqmkit.build`` and ``sqmkit.assemble`` are the functions, as they were when every
        name was imported eagerly: importing the submodules of the same names (which binds a
        submodule on its package) leaves them so."""

        @property
        def build(self) -> Any:
            return __getattr__("build")

        @build.setter
        def build(self, value: Any) -> None:
            pass  # the submodule sqmkit.build, bound by the import system: sys.modules has it

        @property
        def assemble(self) -> Any:
            return __getattr__("assemble")

        @assemble.setter
        def assemble(self, value: Any) -> None:
            pass  # the submodule sqmkit.assemble

    sys.modules[__name__].__class__ = _Api

__all__ = [
    "__version__",
    # writing a plugin
    "hookimpl", "hookspec", "DataPack", "FAMILY_HOOKS", "Family",
    # what plugins contribute (specs)
    "Industry", "Module", "Chapter", "ChapterFile", "Article", "Item", "Form", "FormSection", "FormField",
    "Checklist", "CheckSection", "CheckItem", "Band", "Text",
    # client profiles and parameters
    "Profile", "load_profile", "effective_parameters", "effective_organization", "lookup", "MissingParameter",
    "scale_problems", "ParamSpec", "OrgUnit", "Post",
    # the assembled regulation (nodes)
    "Regulation", "Clause", "ChapterNode", "ArticleNode", "ItemNode", "FormNode", "FormSectionNode", "FieldNode",
    "ChecklistNode", "CheckSectionNode", "CheckItemNode", "BandNode", "RevisionEntry", "Numbering", "strings_of",
    # output formats
    "OutputFormat", "RenderContext", "RenderOptions", "RenderState",
    # running the pipeline
    "Manager", "get_plugin_manager", "installed_plugin_names", "assemble", "check_profile", "Issued", "load", "build", "BuildResult",
    # checking plugins and outputs
    "check_plugin", "Report", "Finding", "pdf_text", "assert_handbook_pdf", "assert_module_removed", "yaml_line",
    # errors
    "SqmkitError", "DataError", "ProfileError", "ProfileProblems", "PluginError", "BuildError", "FontError", "StoreError",
]
