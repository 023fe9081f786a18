"""Files a profile names — its logo (``branding.logo``) and its template folder (``templates:``).

Such a file is published in the build, so it must be the client's own, not any file the person
running sqmkit can read:

- it stays inside the profile's folder: the name is relative, symlinks are resolved *before* the
  check (a link inside the folder pointing out, or a logo inside a linked folder pointing out, is
  refused), and ``..`` may not lead out;
- a logo is a regular file of at most ``MAX_LOGO_BYTES``, and its type is read from its content,
  not its name: a PNG or JPEG that decodes, or an SVG (well-formed XML whose root is ``svg``),
  which is published only after :mod:`sqmkit.svg` has sanitised it; a name that promises another
  type than the content holds is refused;
- a template folder is a folder whose entries are regular files and folders, and whose links
  stay inside it.

Every problem is a :class:`ProfileError` at the profile's line of the field, saying what to do.
``check`` runs these checks (through ``check_profile``); a build runs them again as it copies.
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ProfileError
from .limits import MAX_LOGO_BYTES, MAX_LOGO_PIXELS, MAX_TEMPLATE_FILES
from .messages import _
from .svg import SvgError, parse_svg, sanitize, xml_problem

if TYPE_CHECKING:  # pragma: no cover
    from .profile import Profile
    from .yamlio import YamlDoc

#: the logo types sqmkit publishes: name suffixes → the type the content must be
SUFFIX_TYPES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"%PDF", "PDF"),
          (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"))


class Refused(Exception):
    """A file a profile names is refused: ``problem`` and ``hint`` for the person."""

    def __init__(self, problem: str, hint: str | None = None):
        super().__init__(problem)
        self.problem, self.hint = problem, hint


@dataclass(frozen=True)
class Logo:
    """A checked logo: its type, the bytes to publish (an SVG sanitised) and the text it draws."""

    kind: str  # PNG, JPEG or SVG
    data: bytes
    suffix: str  # the published file's suffix (the name's, lower-case)
    text: str = ""


def resolve_inside(folder: Path, name: str) -> Path:
    """``folder / name`` with every symlink resolved, refused unless it stays inside ``folder``."""
    if not name.strip():
        raise Refused(_("the file name is empty"))
    if Path(name).is_absolute() or name.startswith("~"):
        raise Refused(_("an absolute path is not allowed: what a profile names must be inside the "
                        "profile's folder ({folder})").format(folder=folder),
                      _("copy it into {folder} and give its path relative to the profile").format(folder=folder))
    root = folder.resolve()
    try:
        target = (root / name).resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise Refused(_("the path cannot be resolved ({reason})").format(reason=exc)) from None
    if not target.is_relative_to(root):
        if Path(os.path.normpath(root / name)).is_relative_to(root):
            problem = _("{name!r} is a symbolic link, or lies in a linked folder, that leads outside the "
                        "profile's folder {folder}")
        else:
            problem = _("{name!r} leads outside the profile's folder {folder}")
        raise Refused(problem.format(name=name, folder=root),
                      _("a profile may only publish what is inside its own folder: copy it there"))
    return target


def read_logo(profile: "Profile", doc: "YamlDoc | None") -> Logo | None:
    """The profile's logo, checked (see the module docstring); None when it names none."""
    if not profile.branding.logo:
        return None
    try:
        return load_logo(profile.base_dir, profile.branding.logo)
    except Refused as r:
        raise _error(profile, doc, ["branding", "logo"], r) from None


def profile_file_problems(profile: "Profile", doc: "YamlDoc | None") -> list[ProfileError]:
    """Every problem with the files the profile names (the logo, the template folder)."""
    problems: list[ProfileError] = []
    try:
        read_logo(profile, doc)
    except ProfileError as e:
        problems.append(e)
    if profile.templates:
        try:
            check_template_folder(profile.base_dir, profile.templates)
        except Refused as r:
            problems.append(_error(profile, doc, ["templates"], r))
    return problems


def check_profile_files(profile: "Profile", doc: "YamlDoc | None") -> None:
    """Raise the first of :func:`profile_file_problems`."""
    for problem in profile_file_problems(profile, doc):
        raise problem


def template_folder(profile: "Profile", doc: "YamlDoc | None") -> Path | None:
    """The profile's template folder, checked and resolved (None when it names none)."""
    if not profile.templates:
        return None
    try:
        return check_template_folder(profile.base_dir, profile.templates)
    except Refused as r:
        raise _error(profile, doc, ["templates"], r) from None


def check_template_folder(base: Path, name: str) -> Path:
    folder = resolve_inside(base, name)
    if not folder.is_dir():
        raise Refused(_("the template folder {folder} does not exist").format(folder=folder) if not folder.exists()
                      else _("{folder} is not a folder").format(folder=folder))
    seen = 0
    for dirpath, dirnames, filenames in os.walk(folder):
        for entry in dirnames + filenames:
            seen += 1
            if seen > MAX_TEMPLATE_FILES:
                raise Refused(_("the template folder holds more than {limit} entries (the limit)").format(
                    limit=MAX_TEMPLATE_FILES))
            _check_template_entry(folder, Path(dirpath) / entry)
    return folder


def _check_template_entry(folder: Path, path: Path) -> None:
    rel = path.relative_to(folder)
    if path.is_symlink() and not path.resolve().is_relative_to(folder):
        raise Refused(_("{entry} in the template folder is a symbolic link leading outside it").format(entry=rel),
                      _("copy the file into the folder instead of linking to it"))
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise Refused(_("{entry} in the template folder cannot be read ({reason})").format(
            entry=rel, reason=exc.strerror)) from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise Refused(_("{entry} in the template folder is not a regular file (a device, pipe or socket)").format(
            entry=rel))


# ---------------------------------------------------------------------------------------------
# The logo
# ---------------------------------------------------------------------------------------------


def load_logo(base: Path, name: str) -> Logo:
    """The logo ``name`` (relative to ``base``), checked, an SVG sanitised; raises :class:`Refused`."""
    path = resolve_inside(base, name)
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIX_TYPES:
        raise Refused(_("the logo must be a PNG, JPEG or SVG file (.png, .jpg, .jpeg, .svg)"))
    data = _read_regular(path, name)
    kind = content_type(data)
    expected = SUFFIX_TYPES[suffix]
    if expected == "SVG" and kind == "text" and xml_problem(data):
        raise Refused(_("the SVG logo is not well-formed XML: {reason}").format(reason=xml_problem(data)),
                      _("export the logo again as a plain SVG, or use a PNG"))
    if kind != expected:
        what = _("an image of type {kind}").format(kind=kind) if kind not in ("text", "binary") else \
            _("text, not an image") if kind == "text" else _("data that is not a PNG, JPEG or SVG image")
        raise Refused(_("the logo's name ends in {suffix}, but the file holds {what}").format(suffix=suffix, what=what),
                      _("give a real PNG, JPEG or SVG image, named for its type"))
    if kind == "SVG":
        return _svg_logo(data, suffix)
    _check_raster(data, kind)
    return Logo(kind, data, suffix)


def _read_regular(path: Path, name: str) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise Refused(_("logo file {name} does not exist").format(name=name),
                      _("put the logo beside the profile, or remove branding.logo")) from None
    except OSError as exc:
        raise Refused(_("the logo cannot be read ({reason})").format(reason=exc.strerror)) from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused(_("the logo {name} is not a regular file").format(name=name))
    if info.st_size > MAX_LOGO_BYTES:
        raise Refused(_("the logo is {size} bytes; the limit is {limit} bytes (2 MiB)").format(
            size=info.st_size, limit=MAX_LOGO_BYTES), _("use a smaller image; a logo needs a few hundred kilobytes"))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise Refused(_("the logo {name} is not a regular file").format(name=name))
            data = f.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        raise Refused(_("the logo cannot be read ({reason})").format(reason=exc.strerror)) from None
    if len(data) > MAX_LOGO_BYTES:
        raise Refused(_("the logo is larger than {limit} bytes (the limit)").format(limit=MAX_LOGO_BYTES))
    return data


def content_type(data: bytes) -> str:
    """PNG, JPEG, SVG, another image type's name, ``text`` or ``binary`` — by content alone."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return "WebP"
    try:
        root = parse_svg(data)
    except SvgError:
        return "SVG"  # an SVG, but not one sqmkit can publish: the SVG check says why
    if root is not None:
        return "SVG"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "binary"
    return "text"


def _svg_logo(data: bytes, suffix: str) -> Logo:
    try:
        root = parse_svg(data)
        if root is None:
            raise SvgError(_("it is not well-formed XML"))
        clean = sanitize(root)
    except SvgError as exc:
        raise Refused(_("the SVG logo cannot be used: {reason}").format(reason=exc),
                      _("export the logo again as a plain SVG, or use a PNG")) from None
    return Logo("SVG", clean.data, suffix, clean.text)


def _check_raster(data: bytes, kind: str) -> None:
    """The image decodes completely and is not absurdly large (a decompression bomb)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=[kind]) as img:
            width, height = img.size
            if width * height > MAX_LOGO_PIXELS:
                raise Refused(_("the logo is {width} × {height} pixels; the limit is {limit} pixels").format(
                    width=width, height=height, limit=MAX_LOGO_PIXELS), _("use a smaller image"))
            img.load()
    except Refused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise Refused(_("the {kind} logo is damaged and cannot be decoded ({reason})").format(kind=kind, reason=exc),
                      _("export the image again")) from None


def _error(profile: "Profile", doc: "YamlDoc | None", loc: list[str | int], r: Refused) -> ProfileError:
    file = str(doc.path) if doc else str(profile.source or "<profile>")
    return ProfileError(file, ".".join(str(p) for p in loc), r.problem, doc.line_of(loc) if doc else None, r.hint)


def publish_logo(logo: Logo, out_dir: Path) -> str:
    """Write a checked logo into ``out_dir/assets/``; returns its path relative to ``out_dir``."""
    rel = f"assets/logo{logo.suffix}"
    (out_dir / "assets").mkdir(parents=True, exist_ok=True)
    (out_dir / rel).write_bytes(logo.data)
    return rel


def published_logo_text(out_dir: Path, rel: str | None) -> str:
    """The text a published SVG logo draws ("" for none or a raster logo), for the font check."""
    if not rel or not rel.endswith(".svg"):
        return ""
    from .svg import drawn_text

    root = parse_svg((out_dir / rel).read_bytes())
    return drawn_text(root) if root is not None else ""
