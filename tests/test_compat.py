"""A plugin written for sqmkit 0.1 is refused with a message that is enough to migrate it.

``tests/fixtures/legacy_plugin_v01/`` is exactly what sqmkit 0.1's ``sqmkit plugin new laundry``
wrote: a module holding a ``DataPack`` in ``pack`` and hook functions handing its content over,
and an entry point naming the module. Registering it must fail at once (not build a handbook
with content silently missing) with a :class:`sqmkit.PluginError` that says which file to change,
what to write and the entry point line; doing exactly that, and nothing else, must give a plugin
that builds its demo.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any, Iterator

import pytest

import sqmkit

ROOT = Path(__file__).resolve().parent.parent
LEGACY = ROOT / "tests" / "fixtures" / "legacy_plugin_v01"
PACKAGE = "sqmkit_laundry"
DOC = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")

#: what the message asks for, word for word
INIT_FILE = f"{PACKAGE}/__init__.py"
ONE_LINE = "plugin = DataPack.for_package(__name__)"
IMPORT = "from sqmkit import DataPack"
ENTRY_POINT = f'laundry = "{PACKAGE}:plugin"'


@pytest.fixture
def import_from(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``import_from(folder)`` imports ``sqmkit_laundry`` from ``folder``; forgotten afterwards,
    so each test (and the docs tests' own scaffolded laundry) gets its own."""

    def load(folder: Path) -> Any:
        monkeypatch.syspath_prepend(str(folder))
        sys.modules.pop(PACKAGE, None)
        importlib.invalidate_caches()
        return importlib.import_module(PACKAGE)

    yield load
    for key in [k for k in sys.modules if k == PACKAGE or k.startswith(PACKAGE + ".")]:
        del sys.modules[key]


def legacy_error(module: Any) -> sqmkit.PluginError:
    with pytest.raises(sqmkit.PluginError) as info:
        sqmkit.get_plugin_manager([("laundry", module)], load_entry_points=False)
    return info.value


def test_a_0_1_plugin_is_refused_with_what_to_change(import_from):
    err = legacy_error(import_from(LEGACY))
    assert err.plugin == "laundry"
    assert err.hook in sqmkit.FAMILY_HOOKS.values() or err.hook in ("register_forms", "register_checklists",
                                                                    "register_industries")
    message = str(err)
    for words in (INIT_FILE, IMPORT, ONE_LINE, ENTRY_POINT, "[project.entry-points.sqmkit]", "pyproject.toml"):
        assert words in message, f"{words!r} not in: {message}"
    # the plugin author guide quotes the message as the manager gives it
    assert message in DOC, "docs/plugins.md (migrating from sqmkit 0.1) does not quote the manager's message"


def test_an_installed_0_1_plugin_is_refused_when_sqmkit_loads_the_installed_plugins(import_from, monkeypatch,
                                                                                     tmp_path):
    """The 0.1 entry point named the module: loading the installed plugins refuses it the same way."""
    pyproject = tomllib.loads((LEGACY / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points = pyproject["project"]["entry-points"]["sqmkit"]
    assert entry_points == {"laundry": PACKAGE}
    info = tmp_path / "sqmkit_laundry-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: sqmkit-laundry\nVersion: 0.1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[sqmkit]\nlaundry = {PACKAGE}\n", encoding="utf-8")
    import_from(LEGACY)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(sqmkit.PluginError) as caught:
        sqmkit.get_plugin_manager()
    assert caught.value.plugin == "laundry" and ENTRY_POINT in str(caught.value)


def migrate(dist: Path) -> None:
    """Do what the message says, and nothing else: ``__init__.py`` keeps its docstring, version and
    demo path; the hook functions (the grade-band check among them: the core checks scales now)
    give way to the one line; the entry point names the object. Data files stay as they are."""
    init = dist / INIT_FILE
    text = init.read_text(encoding="utf-8")
    head = text[: text.index("\n@hookimpl")]
    head = head.replace("from sqmkit import hookimpl\nfrom sqmkit.datapack import DataPack\n", IMPORT + "\n")
    head = head.replace("pack = DataPack.for_package(__name__)", ONE_LINE)
    init.write_text(head.rstrip() + "\n", encoding="utf-8")
    pyproject = dist / "pyproject.toml"
    old = f'laundry = "{PACKAGE}"'
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(old, ENTRY_POINT), encoding="utf-8")


def test_doing_what_the_message_says_gives_a_plugin_that_builds_its_demo(import_from, tmp_path):
    dist = tmp_path / "sqmkit-laundry"
    shutil.copytree(LEGACY, dist)
    migrate(dist)
    init = (dist / INIT_FILE).read_text(encoding="utf-8")
    assert "hookimpl" not in init and "def " not in init and IMPORT in init and ONE_LINE in init
    # the rules files already state their family: the message asks for no data change
    assert all("\nfamily: " in p.read_text(encoding="utf-8") for p in (dist / PACKAGE / "rules").glob("*.yaml"))

    module = import_from(dist)
    value = tomllib.loads((dist / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"]["sqmkit"]
    assert value == {"laundry": f"{PACKAGE}:plugin"}
    plugin = importlib.metadata.EntryPoint("laundry", value["laundry"], "sqmkit").load()  # as sqmkit loads it
    assert plugin is module.plugin and isinstance(plugin, sqmkit.DataPack)

    mgr = sqmkit.get_plugin_manager([("laundry", plugin)], load_entry_points=False)
    result = sqmkit.build(module.DEMO_PROFILE, tmp_path / "out", ["html"], mgr=mgr)
    reg = result.regulation
    assert reg.title == "洗衣服务质量管理制度"
    assert [c.family for c in reg.chapters] == ["general", "controls", "standards", "supplementary"]  # organization after 总则
    assert "5分钟内响应" in reg.clause("laundry.standards.staff.response").text  # the profile's own value
    assert [f.id for f in reg.forms] == ["laundry.complaint-register"]
    assert [c.id for c in reg.checklists] == ["laundry.service-check"]
    assert result.path("index.html").is_file() and result.path("chapter-02.html").is_file()
