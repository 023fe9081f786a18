"""Hostile and broken files (issue 10): files a profile names stay in its folder and are checked by
content, SVG logos are sanitised (and proven inert in Chromium), every YAML read is bounded, and
output folders sqmkit did not build are never replaced. Real files, real symlinks, real builds."""

from __future__ import annotations

import copy
import hashlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from sqmkit import limits
from sqmkit.yamlio import load_yaml

MARKER = "CANARY-5f0c1e9a-d1"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def png(marker: str = "", size: tuple[int, int] = (4, 4)) -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if marker:
        info.add_text("Comment", marker)
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


def write_profile(folder: Path, data: dict, name: str = "acme.yaml", **changes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = copy.deepcopy(data)
    data["id"] = "acme"
    data.pop("templates", None)
    data.setdefault("branding", {})
    data["branding"].pop("logo", None)
    for key, value in changes.items():
        if key == "logo":
            data["branding"]["logo"] = value
        else:
            data[key] = value
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (links not followed) → its sha256; links → their target."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def assert_no_marker(root: Path, marker: str = MARKER) -> None:
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert marker.encode() not in path.read_bytes(), path


def assert_located(result, path: Path, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert str(path) in result.output, result.output
    for needle in needles:
        assert needle in result.output, (needle, result.output)


@pytest.fixture
def world(tmp_path, demo_data):
    """clients/ (the profile's folder), secret/ outside it with a canary, and out/ holding a
    good earlier build of the client."""
    clients, secret = tmp_path / "clients", tmp_path / "secret"
    secret.mkdir()
    (secret / "canary.png").write_bytes(png(MARKER))
    (secret / "canary.txt").write_text(f"{MARKER} private\n", encoding="utf-8")
    (clients).mkdir()
    (clients / "good.png").write_bytes(png())
    return {"clients": clients, "secret": secret, "out": tmp_path / "out", "data": demo_data}


def good_build(cli_run, world) -> dict[str, str]:
    path = write_profile(world["clients"], world["data"], name="good.yaml", logo="good.png")
    result = cli_run("build", path, "-o", world["out"], "-f", "html", "--no-store", "-q")
    assert result.exit_code == 0, result.output
    return snapshot(world["out"])


# ---------------------------------------------------------------------------------------------
# 1. files named by a profile stay inside its folder
# ---------------------------------------------------------------------------------------------


def _absolute(w):
    return str(w["secret"] / "canary.png"), "absolute path"


def _dotdot(w):
    return "../secret/canary.png", "leads outside"


def _symlink(w):
    (w["clients"] / "brand.png").symlink_to(w["secret"] / "canary.png")
    return "brand.png", "symbolic link"


def _symlinked_folder(w):
    (w["clients"] / "brand").symlink_to(w["secret"], target_is_directory=True)
    return "brand/canary.png", "symbolic link"


def _link_chain(w):
    (w["clients"] / "b.png").symlink_to(w["secret"] / "canary.png")
    (w["clients"] / "a.png").symlink_to("b.png")
    return "a.png", "symbolic link"


def _passwd(w):
    (w["clients"] / "logo.png").symlink_to("/etc/passwd")
    return "logo.png", "symbolic link"


@pytest.mark.parametrize("escape", [_absolute, _dotdot, _symlink, _symlinked_folder, _link_chain, _passwd],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_logo_outside_the_profile_folder_is_refused_and_never_published(cli_run, world, escape):
    before = good_build(cli_run, world)
    logo, why = escape(world)
    path = write_profile(world["clients"], world["data"], logo=logo)
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("logo:")].count("\n") + 1
    assert_located(cli_run("check", path), path, f"{path}:{line}", "branding.logo", why)
    assert_located(cli_run("build", path, "-o", world["out"], "--no-store", "-q"), path, "branding.logo", why)
    assert snapshot(world["out"]) == before  # the earlier build is untouched, nothing new appeared
    assert_no_marker(world["out"])


def test_a_symlink_staying_inside_the_folder_is_fine(cli_run, world):
    (world["clients"] / "art").mkdir()
    (world["clients"] / "art" / "mark.png").write_bytes(png("inside-marker"))
    (world["clients"] / "logo.png").symlink_to("art/mark.png")
    path = write_profile(world["clients"], world["data"], logo="logo.png")
    result = cli_run("build", path, "-o", world["out"], "-f", "html", "--no-store", "-q")
    assert result.exit_code == 0, result.output
    assert (world["out"] / "acme" / "assets" / "logo.png").read_bytes() == png("inside-marker")


def _text_as_png(w):
    (w["clients"] / "logo.png").write_text("just some text\n", encoding="utf-8")
    return "logo.png", "text, not an image"


def _jpeg_as_png(w):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buf, format="JPEG")
    (w["clients"] / "logo.png").write_bytes(buf.getvalue())
    return "logo.png", "an image of type JPEG"


def _svg_as_png(w):
    (w["clients"] / "logo.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    return "logo.png", "an image of type SVG"


def _damaged_png(w):
    (w["clients"] / "logo.png").write_bytes(png()[:40])
    return "logo.png", "damaged"


def _html_as_svg(w):
    (w["clients"] / "logo.svg").write_text("<html><script>alert(1)</script></html>", encoding="utf-8")
    return "logo.svg", "root element is 'html'"


def _entity_svg(w):
    (w["clients"] / "logo.svg").write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>', encoding="utf-8")
    return "logo.svg", "entities"


def _too_big(w):
    with open(w["clients"] / "logo.png", "wb") as f:
        f.write(png())
        f.truncate(limits.MAX_LOGO_BYTES + 1)
    return "logo.png", str(limits.MAX_LOGO_BYTES)


def _pixel_bomb(w):
    (w["clients"] / "logo.png").write_bytes(png(size=(6000, 6000)))
    return "logo.png", str(limits.MAX_LOGO_PIXELS)


def _fifo(w):
    os.mkfifo(w["clients"] / "logo.png")
    return "logo.png", "not a regular file"


def _folder(w):
    (w["clients"] / "logo.png").mkdir()
    return "logo.png", "not a regular file"


def _missing(w):
    return "nope.png", "does not exist"


@pytest.mark.parametrize("bad", [_text_as_png, _jpeg_as_png, _svg_as_png, _damaged_png, _html_as_svg, _entity_svg,
                                 _too_big, _pixel_bomb, _fifo, _folder, _missing], ids=lambda f: f.__name__.strip("_"))
def test_a_logo_is_checked_by_content_at_check_time(cli_run, world, bad):
    logo, why = bad(world)
    path = write_profile(world["clients"], world["data"], logo=logo)
    assert_located(cli_run("check", path), path, "branding.logo", why, f"{path}:")
    assert_located(cli_run("build", path, "-o", world["out"], "--no-store", "-q"), path, "branding.logo")
    assert not world["out"].exists() or not any(world["out"].iterdir())


def _templates_outside(w):
    (w["secret"] / "site").mkdir()
    return "../secret", "leads outside"


def _templates_symlinked(w):
    (w["clients"] / "brand").symlink_to(w["secret"], target_is_directory=True)
    return "brand", "symbolic link"


def _template_file_links_out(w):
    (w["clients"] / "brand" / "site").mkdir(parents=True)
    (w["clients"] / "brand" / "site" / "base.html").symlink_to(w["secret"] / "canary.txt")
    return "brand", "leading outside"


def _template_fifo(w):
    (w["clients"] / "brand" / "site").mkdir(parents=True)
    os.mkfifo(w["clients"] / "brand" / "site" / "base.html")
    return "brand", "not a regular file"


@pytest.mark.parametrize("bad", [_templates_outside, _templates_symlinked, _template_file_links_out, _template_fifo],
                         ids=lambda f: f.__name__.strip("_"))
def test_the_template_folder_stays_inside_the_profile_folder(cli_run, world, bad):
    before = good_build(cli_run, world)
    folder, why = bad(world)
    path = write_profile(world["clients"], world["data"], templates=folder)
    assert_located(cli_run("check", path), path, "templates", why)
    assert_located(cli_run("build", path, "-o", world["out"], "-f", "html", "--no-store", "-q"), path, "templates")
    assert snapshot(world["out"]) == before
    assert_no_marker(world["out"])


# ---------------------------------------------------------------------------------------------
# 2. SVG logos are sanitised, and stay inert in Chromium
# ---------------------------------------------------------------------------------------------

HOSTILE_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="240" height="80"
     onload="alert('onload')">
  <script>alert('script')</script>
  <style>@import url(http://example.invalid/x.css); rect { fill: #c0392b }</style>
  <a xlink:href="javascript:alert('link')"><rect x="4" y="12" width="56" height="56" onclick="alert(3)"/></a>
  <foreignObject width="10" height="10"><img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="alert('fo')"/>
  </foreignObject>
  <image href="http://example.invalid/track.png" width="1" height="1"/>
  <set attributeName="onmouseover" to="alert('set')"/>
  <text x="72" y="52" font-size="30">某某快递</text>
</svg>
"""


@pytest.fixture(scope="module")
def svg_build(tmp_path_factory, demo_data):
    from sqmkit.build import build

    root = tmp_path_factory.mktemp("svg")
    (root / "clients").mkdir()
    (root / "clients" / "logo.svg").write_text(HOSTILE_SVG, encoding="utf-8")
    path = write_profile(root / "clients", demo_data, logo="logo.svg")
    return build(path, root / "out", ["html"], store_path=None), root / "clients" / "logo.svg"


def test_a_hostile_svg_is_published_sanitised(svg_build):
    result, _original = svg_build
    published = result.path("assets/logo.svg").read_text(encoding="utf-8")
    low = published.lower()
    for bad in ("<script", "onload", "onclick", "onerror", "javascript:", "foreignobject", "@import",
                "example.invalid", "<set", "alert"):
        assert bad not in low, (bad, published)
    assert "某某快递" in published and "<rect" in published  # what the logo shows is kept
    from sqmkit.svg import parse_svg, sanitize

    again = sanitize(parse_svg(HOSTILE_SVG.encode()))
    assert again.data == result.path("assets/logo.svg").read_bytes()  # deterministic
    assert sanitize(parse_svg(again.data)).data == again.data  # and stable


needs_chromium = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                    reason="Debian's chromium is not installed (make test installs it)")


def _dialogs(browser, url: str) -> list[str]:
    ctx = browser.new_context()
    page = ctx.new_page()
    seen: list[str] = []

    def on_dialog(dialog):
        seen.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url, wait_until="load")
    page.mouse.move(20, 40)  # over the rectangle: an onmouseover/onclick would fire now
    page.mouse.click(20, 40)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    ctx.close()
    return seen


@needs_chromium
def test_the_unsanitised_svg_does_alert_in_chromium(browser, svg_build):
    """The control: the detector sees a dialog when there is one."""
    _result, original = svg_build
    assert _dialogs(browser, original.as_uri())


@needs_chromium
def test_no_dialog_from_the_built_site_or_its_logo(browser, svg_build):
    result, _original = svg_build
    assert _dialogs(browser, result.path("assets/logo.svg").as_uri()) == []
    assert _dialogs(browser, result.path("index.html").as_uri()) == []


def _uncovered_character() -> str | None:
    """A character no installed font draws (fontconfig says so), or None."""
    fc = shutil.which("fc-list")
    if fc is None:
        return None
    for cp in (0x0378, 0xF8FF, 0x10FFFD, 0x2FFFD):
        out = subprocess.run([fc, f":charset={cp:x}", "file"], capture_output=True, text=True, check=False).stdout
        if not out.strip():
            return chr(cp)
    return None


def test_text_in_an_svg_logo_joins_the_font_check(cli_run, world):
    char = _uncovered_character()
    if char is None:
        pytest.skip("every candidate character has a font here")
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="90" height="30"><text y="20">某某{char}</text></svg>'
    (world["clients"] / "logo.svg").write_text(svg, encoding="utf-8")
    path = write_profile(world["clients"], world["data"], logo="logo.svg")
    result = cli_run("build", path, "-o", world["out"], "-f", "pdf", "--no-store", "-q")
    assert result.exit_code == 1, result.output
    assert f"U+{ord(char):04X}" in result.output and "logo" in result.output, result.output
    assert not (world["out"] / "acme").exists()


# ---------------------------------------------------------------------------------------------
# 3. limits on every YAML read
# ---------------------------------------------------------------------------------------------

BOMB = "\n".join(["parameters:", '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'] + [
    f"  {chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]) + "\n"


def _limit_cases():
    return [
        ("alias-bomb", BOMB, str(limits.MAX_YAML_NODES)),
        ("deep", "parameters: " + "[" * 100_000 + "]" * 100_000 + "\n", f"{limits.MAX_YAML_DEPTH} levels"),
        ("deep-by-alias", "a: &a " + "[" * 40 + "1" + "]" * 40 + "\nb: " + "[" * 20 + "*a" + "]" * 20 + "\n",
         f"{limits.MAX_YAML_DEPTH} levels"),
        ("long-int", "parameters: {x: " + "9" * 5000 + "}\n", f"limit is {limits.MAX_YAML_NUMBER_DIGITS}"),
        ("long-float", "parameters: {x: 1." + "5" * 400 + "}\n", f"limit is {limits.MAX_YAML_NUMBER_DIGITS}"),
        ("long-string", "company: {name: " + "字" * 30_000 + "}\n", f"limit is {limits.MAX_YAML_SCALAR_CHARS}"),
        ("size", "# comment\n" * (limits.MAX_YAML_BYTES // 10 + 1), str(limits.MAX_YAML_BYTES)),
        ("keys", "parameters:\n" + "".join(f"  k{i}: {i}\n" for i in range(limits.MAX_YAML_MAPPING_KEYS + 1)),
         f"limit is {limits.MAX_YAML_MAPPING_KEYS}"),
    ]


@pytest.mark.parametrize("name,text,limit", _limit_cases(), ids=[c[0] for c in _limit_cases()])
def test_every_limit_is_refused_with_the_limit_named(cli_run, tmp_path, name, text, limit):
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli_run("check", path)
    assert_located(result, path, limit)
    if name != "size":
        assert f"{path}:" in result.output  # with the line


@pytest.mark.parametrize("text,where", [
    ("document: {effective_date: 2026-13-01}\n", "2026-13-01"),
    ("document: {effective_date: 2025-02-30}\n", "2025-02-30"),
    ("created: 2025-02-28 25:61:00\n", "2025-02-28 25:61:00"),
])
def test_calendar_invalid_dates_load_as_plain_strings(tmp_path, text, where):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    data = load_yaml(path).data
    value = next(iter(data.values()))
    assert (value if isinstance(value, str) else next(iter(value.values()))) == where


@pytest.mark.parametrize("bad_date", ["2026-13-01", "2025-02-30"])
def test_a_calendar_invalid_date_is_a_located_profile_error(cli_run, world, bad_date):
    data = copy.deepcopy(world["data"])
    data["document"]["effective_date"] = "PLACEHOLDER"
    path = write_profile(world["clients"], data)
    text = path.read_text(encoding="utf-8").replace("PLACEHOLDER", bad_date)  # unquoted: YAML sees a date
    path.write_text(text, encoding="utf-8")
    line = text[: text.index(bad_date)].count("\n") + 1
    assert_located(cli_run("check", path), path, f"{path}:{line}", "effective_date")


@pytest.mark.parametrize("text,line,needle", [
    ("id: acme\norganization:\n  departments: {[1]: x}\n", 3, "plain value"),
    ("id: acme\norganization:\n  departments:\n    {a: 1}: x\n", 4, "plain value"),
    ("id: acme\nparameters: &p {a: *p}\n", 2, "recursive alias"),
    ("id: acme\nparameters:\n  x: !!int abc\n", 3, "'abc'"),
    ("id: acme\nparameters:\n  x: !!binary aGVsbG8=\n", 3, "not allowed"),
    ("id: acme\nparameters:\n  x: !!python/object:os.system {}\n", 3, "constructor"),
    ("id: acme\nbase: &b {a: 1}\nparameters: {<<: *b}\n", 3, "merge keys"),
    ("id: acme\nid: other\n", 2, "duplicate key"),
    ("id: acme\ncompany: a\x00b\n", 2, "U+0000"),
    ("id: acme\n---\nid: other\n", 2, "single document"),
])
def test_structural_yaml_problems_are_located(cli_run, tmp_path, text, line, needle):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert_located(cli_run("check", path), path, f"{path}:{line}", needle)


def test_a_profile_that_is_not_a_regular_file_is_refused_without_reading_it(cli_run, tmp_path):
    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)  # opening it for reading would block forever
    assert_located(cli_run("check", fifo), fifo, "not a regular file")
    assert_located(cli_run("check", "/dev/zero"), Path("/dev/zero"), "not a regular file")


def test_plugin_data_is_read_within_the_same_limits(tmp_path):
    from sqmkit.errors import DataError

    path = tmp_path / "rules.yaml"
    path.write_text(BOMB, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_yaml(path)
    assert err.value.file == str(path) and err.value.line and str(limits.MAX_YAML_NODES) in err.value.problem


# ---------------------------------------------------------------------------------------------
# 4. output folders: only sqmkit's own builds are replaced
# ---------------------------------------------------------------------------------------------


def _regular_file(target: Path):
    target.write_text("my notes\n", encoding="utf-8")
    return "is a file that sqmkit did not create"


def _foreign_folder(target: Path):
    (target / "docs").mkdir(parents=True)
    (target / "docs" / "thesis.txt").write_text("years of work\n", encoding="utf-8")
    return "did not build"


def _foreign_manifest(target: Path):
    target.mkdir()
    (target / "manifest.json").write_text('{"name": "some other tool"}', encoding="utf-8")
    (target / "index.html").write_text("<p>mine</p>", encoding="utf-8")
    return "did not build"


def _symlink_target(target: Path):
    elsewhere = target.parent.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep\n", encoding="utf-8")
    target.symlink_to(elsewhere, target_is_directory=True)
    return "symbolic link"


@pytest.mark.parametrize("occupy", [_regular_file, _foreign_folder, _foreign_manifest, _symlink_target],
                         ids=lambda f: f.__name__.strip("_"))
def test_what_sqmkit_did_not_build_is_never_replaced(cli_run, world, occupy):
    path = write_profile(world["clients"], world["data"], logo="good.png")
    world["out"].mkdir()
    why = occupy(world["out"] / "acme")
    before = snapshot(world["out"].parent)
    result = cli_run("build", path, "-o", world["out"], "-f", "html", "--no-store", "-q")
    assert result.exit_code == 1 and why in result.output and "-o" in result.output, result.output
    assert str(world["out"] / "acme") in result.output
    assert snapshot(world["out"].parent) == before


def test_a_file_added_to_a_build_folder_stops_the_next_build(cli_run, world):
    path = write_profile(world["clients"], world["data"], logo="good.png")
    assert cli_run("build", path, "-o", world["out"], "-f", "html", "--no-store", "-q").exit_code == 0
    (world["out"] / "acme" / "assets" / "notes.txt").write_text("added by hand\n", encoding="utf-8")
    before = snapshot(world["out"])
    result = cli_run("build", path, "-o", world["out"], "-f", "html", "--no-store", "-q")
    assert result.exit_code == 1 and "assets/notes.txt" in result.output, result.output
    assert snapshot(world["out"]) == before


def test_sqmkit_replaces_its_own_build_and_an_empty_folder(cli_run, world):
    path = write_profile(world["clients"], world["data"], logo="good.png")
    (world["out"] / "acme").mkdir(parents=True)
    assert cli_run("build", path, "-o", world["out"], "-f", "html", "--no-store", "-q").exit_code == 0
    first = snapshot(world["out"])
    result = cli_run("build", path, "-o", world["out"], "-f", "html", "--no-store", "-q")
    assert result.exit_code == 0, result.output
    assert snapshot(world["out"]) == first and "acme/manifest.json" in first
    assert sorted(p.name for p in world["out"].iterdir()) == ["acme"]  # no staging or backup left


def test_leftovers_of_killed_builds_are_cleaned_up(cli_run, world):
    path = write_profile(world["clients"], world["data"], logo="good.png")
    pid_max = Path("/proc/sys/kernel/pid_max")
    dead_pid = (int(pid_max.read_text()) if pid_max.exists() else 4_194_304) + 1  # no process can have it
    leftovers = [world["out"] / f".acme.staging-{dead_pid}-abc123", world["out"] / f".acme.old-{dead_pid}"]
    live = world["out"] / f".acme.staging-{os.getpid()}-live00"  # this process: alive
    other_client = world["out"] / f".other.staging-{dead_pid}-abc123"
    for folder in (*leftovers, live, other_client):
        folder.mkdir(parents=True)
        (folder / "index.html").write_text("half", encoding="utf-8")
    assert cli_run("build", path, "-o", world["out"], "-f", "html", "--no-store", "-q").exit_code == 0
    assert not any(p.exists() for p in leftovers)
    assert live.exists() and other_client.exists()  # a running build's, another client's: untouched


@pytest.mark.parametrize("out", ["/", "/etc", "/usr", "/var", "/proc/self", "~"])
def test_dangerous_output_roots_are_refused(cli_run, world, tmp_path, out):
    path = write_profile(world["clients"], world["data"], logo="good.png")
    home = tmp_path / "home"
    home.mkdir()
    target = str(home) if out == "~" else out
    result = cli_run("build", path, "-o", target, "-f", "html", "--no-store", "-q", env={"HOME": str(home)})
    assert result.exit_code == 1 and "refusing to build into" in result.output, result.output
    assert not os.path.lexists(Path(target) / "acme")
    assert list(home.iterdir()) == []


def test_output_below_a_regular_file_is_a_clear_error(cli_run, world, tmp_path):
    path = write_profile(world["clients"], world["data"], logo="good.png")
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7 mine")
    result = cli_run("build", path, "-o", tmp_path / "report.pdf" / "sub", "-f", "html", "--no-store", "-q")
    assert result.exit_code == 1 and "is a file, not a folder" in result.output, result.output
    assert "internal error" not in result.output
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF-1.7 mine"


def test_an_output_folder_that_cannot_be_made_says_why(cli_run, world, tmp_path):
    path = write_profile(world["clients"], world["data"], logo="good.png")
    result = cli_run("build", path, "-o", tmp_path / ("x" * 300), "-f", "html", "--no-store", "-q")
    assert result.exit_code == 1 and "cannot create the output folder" in result.output, result.output
    assert "name too long" in result.output.lower() and "internal error" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere; the permission check needs a plain user")
def test_an_unwritable_output_folder_says_permission_denied(cli_run, world, tmp_path):
    path = write_profile(world["clients"], world["data"], logo="good.png")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = cli_run("build", path, "-o", locked / "out", "-f", "html", "--no-store", "-q")
    assert result.exit_code == 1 and "ermission denied" in result.output, result.output


@pytest.mark.parametrize("client_id", ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"])
def test_reserved_device_names_are_refused_as_client_ids(cli_run, world, client_id):
    path = write_profile(world["clients"], world["data"])
    path.write_text(path.read_text(encoding="utf-8").replace("id: acme", f"id: {client_id}", 1), encoding="utf-8")
    assert_located(cli_run("check", path), path, "at id", "reserved", f"{path}:1")


@pytest.mark.parametrize("client_id", ["con-1", "console", "com10", "nul0"])
def test_names_that_only_look_reserved_are_fine(cli_run, world, client_id):
    path = write_profile(world["clients"], world["data"])
    path.write_text(path.read_text(encoding="utf-8").replace("id: acme", f"id: {client_id}", 1), encoding="utf-8")
    result = cli_run("check", path)
    assert result.exit_code == 0, result.output
