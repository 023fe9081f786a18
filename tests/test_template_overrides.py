"""Template overrides, level by level: 1. the user's folder (``--templates`` or the profile's
``templates:``), 2. plugin template folders in plugin-name order, 3. the core. ``core:NAME`` always
reaches the core's own template, so an override can extend the original and change one block.

A consultant brands a client's handbook (logo, colour, cover) with a folder of two small files;
nothing is forked. The builds use a freshly scaffolded industry: a short handbook builds fast."""

from __future__ import annotations

import importlib
import struct
import sys
import zlib
from pathlib import Path

import pytest

from sqmkit import hookimpl

INDUSTRY = "brand-demo"
PACKAGE = "sqmkit_brand_demo"


@pytest.fixture(scope="module")
def industry(tmp_path_factory):
    """``(demo profile path, plugin module)`` of a scaffolded industry, importable while the
    module's tests run."""
    from sqmkit.scaffold import new_plugin

    sc = new_plugin(INDUSTRY, tmp_path_factory.mktemp("industry") / "plugin", zh_name="保洁服务",
                    check_installed=False)
    sys.path.insert(0, str(sc.target))
    importlib.invalidate_caches()
    try:
        yield sc.demo_profile, importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(sc.target))
        sys.modules.pop(PACKAGE, None)

SITE_BRAND = """{% extends "core:site/base.html" %}
{% block head %}<link rel="stylesheet" href="{{ base }}assets/brand.css">{% endblock %}
{% block footer %}<footer class="brand">{{ reg.company.short_name }} · 由{{ consultant|default("某某咨询") }}编制</footer>{% endblock %}
"""
COVER_BRAND = """{% extends "core:handbook/cover.html" %}
{% block company %}<p class="company branded">{{ reg.company.name }}（品牌版）</p>
{% endblock %}
{% block extra %}<p class="tagline">用心服务 每一件</p>{% endblock %}
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


class ThemePlugin:
    """A throwaway plugin whose only contribution is a template folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    @hookimpl
    def register_template_dirs(self):
        return [self.folder]


def theme(tmp_path: Path, name: str, files: dict[str, str]) -> tuple[str, ThemePlugin]:
    return name, ThemePlugin(write(tmp_path / name, files))


def footer(text: str) -> str:
    return '{% extends "core:site/base.html" %}{% block footer %}<footer>' + text + "</footer>{% endblock %}\n"


def cover_env(industry, sqmkit_manager, *plugins, user_dir: Path | None = None):
    """The Jinja environment of a demo build (no output written): render templates directly."""
    from sqmkit.build import load
    from sqmkit.numbering import Numbering
    from sqmkit.render.environment import Links, make_environment

    demo, plugin = industry
    mgr = sqmkit_manager(plugin, *plugins)
    _, _, _, reg = load(demo, mgr)
    numbering = Numbering.of(reg)
    env = make_environment(reg, numbering, ([user_dir] if user_dir else []) + mgr.template_dirs(reg.profile),
                           lambda e: mgr.prepare_jinja_env(e, reg.profile))
    links = Links(reg, numbering, "print")
    return env, lambda name: env.get_template(name).render(links=links, logo=None)


def png(width: int = 8, height: int = 8) -> bytes:
    """A small solid-colour PNG (no image library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xc0\x39\x2b" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------------------------
# 3. the core
# ---------------------------------------------------------------------------------------------


def test_without_overrides_the_core_templates_are_used(industry, sqmkit_build, sqmkit_manager):
    from sqmkit.coretemplates import core_template_dir

    built = sqmkit_build(*industry)
    index = built.read("index.html")
    assert '<header class="top">' in index and '<nav class="toc"' in index
    assert "<footer" not in index
    env, render = cover_env(industry, sqmkit_manager)
    assert Path(env.get_template("handbook/cover.html").filename).parent.parent == core_template_dir()
    assert '<p class="company">某某保洁服务有限公司</p>' in render("handbook/cover.html")


def test_the_block_points_do_not_change_the_core_output(industry, sqmkit_manager, tmp_path):
    """Overriding nothing through ``core:`` renders exactly what the core renders."""
    user = write(tmp_path / "user", {"handbook/cover.html": '{% extends "core:handbook/cover.html" %}\n'})
    _, core_render = cover_env(industry, sqmkit_manager)
    _, user_render = cover_env(industry, sqmkit_manager, user_dir=user)
    assert user_render("handbook/cover.html") == core_render("handbook/cover.html")


# ---------------------------------------------------------------------------------------------
# 1. the user's folder
# ---------------------------------------------------------------------------------------------


def test_a_user_folder_extends_the_core_site_layout(industry, sqmkit_build, tmp_path):
    user = write(tmp_path / "brand", {"site/base.html": SITE_BRAND})
    built = sqmkit_build(*industry, templates=user)
    for page in ("index.html", "chapter-01.html"):
        html = built.read(page)
        assert '<link rel="stylesheet" href="assets/brand.css">' in html, page
        assert '<footer class="brand">某某公司 · 由某某咨询编制</footer>' in html, page
        assert '<nav class="toc"' in html and '<header class="top">' in html  # the rest is the original
    assert built.read("index.html").index("assets/site.css") < built.read("index.html").index("assets/brand.css")


def test_the_profiles_templates_folder_is_the_user_folder(industry, sqmkit_build, sqmkit_workspace):
    write(sqmkit_workspace.root / "client-templates", {"site/base.html": footer("profile footer")})
    profile = sqmkit_workspace.profile(industry[0], templates="client-templates")
    built = sqmkit_build(profile, industry[1])
    assert "<footer>profile footer</footer>" in built.read("index.html")


def test_the_templates_option_of_sqmkit_build(tmp_path, monkeypatch):
    """The command line, with the installed plugins: the courier demo."""
    from click.testing import CliRunner

    import sqmkit_courier
    from sqmkit import cli as cli_module

    DEMO = Path(sqmkit_courier.DEMO_PROFILE)

    cli_module.session.use()
    user = write(tmp_path / "brand", {"site/base.html": footer("cli footer")})
    result = CliRunner().invoke(cli_module.cli, ["build", str(DEMO), "-o", str(tmp_path / "out"), "-f", "html",
                                                 "--templates", str(user), "--no-store", "-q"])
    assert result.exit_code == 0, result.output
    assert "<footer>cli footer</footer>" in (tmp_path / "out/demo-courier/index.html").read_text(encoding="utf-8")
    missing = CliRunner().invoke(cli_module.cli, ["build", str(DEMO), "-o", str(tmp_path / "out"),
                                                  "--templates", str(tmp_path / "nope"), "--no-store", "-q"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


# ---------------------------------------------------------------------------------------------
# 2. plugin folders, and the order of all three levels
# ---------------------------------------------------------------------------------------------


def test_a_plugin_template_folder_overrides_the_core(industry, sqmkit_build, tmp_path):
    built = sqmkit_build(*industry, theme(tmp_path, "theme", {"site/base.html": footer("plugin footer")}))
    assert "<footer>plugin footer</footer>" in built.read("index.html")


def test_the_user_folder_wins_over_plugin_folders(industry, sqmkit_build, tmp_path):
    user = write(tmp_path / "user", {"site/base.html": footer("user footer")})
    plugin = theme(tmp_path, "theme", {"site/base.html": footer("plugin footer"),
                                       "site/index.html": '{% extends "site/base.html" %}{% block main %}'
                                                          "<p>plugin index</p>{% endblock %}"})
    built = sqmkit_build(*industry, plugin, templates=user)
    index = built.read("index.html")
    # the plugin's index.html (no user version) extends the user's base.html (which wins over the plugin's)
    assert "<p>plugin index</p>" in index
    assert "<footer>user footer</footer>" in index and "plugin footer" not in index


@pytest.mark.parametrize("order", [("theme-a", "theme-b"), ("theme-b", "theme-a")])
def test_plugin_folders_are_searched_in_plugin_name_order(industry, sqmkit_build, tmp_path, order):
    plugins = {name: theme(tmp_path, name, {"site/base.html": footer(name)}) for name in ("theme-a", "theme-b")}
    built = sqmkit_build(*industry, *(plugins[n] for n in order))
    index = built.read("index.html")
    assert "<footer>theme-a</footer>" in index and "theme-b" not in index


def test_core_prefix_skips_plugin_overrides(industry, sqmkit_manager, tmp_path):
    """A plugin replaced the cover; the user's cover extends ``core:`` and so gets the original."""
    plugin = theme(tmp_path, "theme", {"handbook/cover.html": "<section>plugin cover</section>\n"})
    _, render = cover_env(industry, sqmkit_manager, plugin)
    assert render("handbook/cover.html") == "<section>plugin cover</section>\n"
    user = write(tmp_path / "user", {"handbook/cover.html": COVER_BRAND})
    _, render = cover_env(industry, sqmkit_manager, plugin, user_dir=user)
    cover = render("handbook/cover.html")
    assert "plugin cover" not in cover
    assert '<p class="company branded">某某保洁服务有限公司（品牌版）</p>' in cover
    assert '<p class="title">保洁服务质量管理制度</p>' in cover  # untouched blocks keep the original
    assert cover.index("branded") < cover.index('class="title"') < cover.index("tagline")


# ---------------------------------------------------------------------------------------------
# Branding a client's printed handbook: logo, colour, cover
# ---------------------------------------------------------------------------------------------


def test_a_consultant_brands_the_printed_handbook_without_forking(industry, sqmkit_build, sqmkit_workspace):
    from pypdf import PdfReader

    demo, plugin = industry
    root = sqmkit_workspace.root
    (root / "logo.png").write_bytes(png())
    write(root / "brand", {"handbook/cover.html": COVER_BRAND, "site/base.html": SITE_BRAND})
    profile = sqmkit_workspace.profile(demo, templates="brand",
                                       branding={"logo": "logo.png", "color": "#123abc"})
    built = sqmkit_build(profile, plugin, formats=["html", "pdf"])
    page1 = PdfReader(built.path("handbook.pdf")).pages[0]
    text = page1.extract_text()
    assert "某某保洁服务有限公司（品牌版）" in text and "用心服务 每一件" in text
    assert "保洁服务质量管理制度" in text  # the original title block is still there
    assert len(page1.images) == 1  # the logo
    assert built.path("assets/logo.png").read_bytes() == png()
    index = built.read("index.html")
    assert "--brand: #123abc" in index and '<img class="logo" src="assets/logo.png"' in index
