"""sqmkit: tailored service-quality management regulations (服务质量管理制度) for companies.

This module is the public API: everything a plugin, its tests and an embedding application need,
and nothing else. A data plugin is one line::

    from sqmkit import DataPack

    plugin = DataPack.for_package(__name__)

and a hook of its own is a ``@hookimpl`` method on a :class:`DataPack` subclass, or a function in
any module registered as a plugin (see docs/plugins.md).
"""

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
    ArticleNode, BandNode, ChapterNode, Clause, CheckItemNode, ChecklistNode, CheckSectionNode, FieldNode, FormNode,
    FormSectionNode, ItemNode, Regulation, RevisionEntry, strings_of,
)
from .numbering import Numbering
from .params import MissingParameter, effective_organization, effective_parameters, lookup
from .plugins import Manager, get_plugin_manager, installed_plugin_names
from .profile import Profile, load_profile
from .readback import assert_handbook_pdf, assert_module_removed, pdf_text, yaml_line
from .schema import (
    Article, Band, Chapter, ChapterFile, CheckItem, Checklist, CheckSection, Family, Form, FormField, FormSection,
    Industry, Item, Module, OrgUnit, ParamSpec, Post, Text,
)

__version__ = "0.2.0"

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
