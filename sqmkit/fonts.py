"""Finding a CJK font and proving it covers every character before a PDF is written.

WeasyPrint silently draws blank boxes (tofu) for characters no installed font has. sqmkit never
ships such a PDF: it asks fontconfig for a CJK font, reads that font's character map, and stops
with a clear message when a character is covered by no installed font. The text an SVG logo draws
is checked too, and the message then says the characters are in the logo.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

from .errors import FontError
from .messages import _

INSTALL_HINT = ("install one, e.g. on Debian/Ubuntu: apt-get install fonts-noto-cjk "
                "(then re-run the build)")


@dataclass(frozen=True)
class CjkFont:
    family: str
    file: str


def _fc(*args: str) -> str:
    exe = shutil.which(args[0])
    if exe is None:
        raise FontError(f"fontconfig ({args[0]}) is not installed, so no CJK font can be found; {INSTALL_HINT}")
    try:
        return subprocess.run([exe, *args[1:]], capture_output=True, text=True, check=True, timeout=60).stdout
    except (subprocess.SubprocessError, OSError) as exc:
        raise FontError(f"{args[0]} failed ({exc}); {INSTALL_HINT}") from None


@lru_cache(maxsize=1)
def find_cjk_font() -> CjkFont:
    """The preferred installed font for Simplified Chinese, or :class:`FontError`."""
    listing = _fc("fc-list", ":lang=zh-cn", "family", "file")
    fonts: list[tuple[str, str]] = []
    for line in listing.splitlines():
        if ":" not in line:
            continue
        file, _sep, families = line.partition(":")
        family = families.split(",")[0].strip()
        if family:
            fonts.append((family, file.strip()))
    if not fonts:
        raise FontError(f"no font with Chinese (zh-CN) glyphs is installed, so the PDF would show blank boxes; {INSTALL_HINT}")

    def rank(ff: tuple[str, str]) -> tuple[bool, bool, bool, str, str]:
        family, file = ff
        return ("Sans CJK SC" not in family, "CJK" not in family, "Bold" in file or "Black" in file, family, file)

    family, file = sorted(fonts, key=rank)[0]
    return CjkFont(family, file)


#: the Unicode subtables of a character map, best first (fontTools' getBestCmap, HarfBuzz's order)
_CMAP_PREFERENCES = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def _read(font: BinaryIO, offset: int, size: int) -> bytes:
    font.seek(offset)
    data = font.read(size)
    if len(data) != size:
        raise ValueError("truncated font file")
    return data


def _best_cmap_format_12(file: str) -> frozenset[int] | None:
    """The characters of the font's best Unicode subtable when it is of format 12 (a CJK font's
    is), read straight from the file: what fontTools' ``getBestCmap`` maps, without naming every
    glyph first (a CFF font's 65,000 names cost a third of a second, in every process that
    prints). None for any other subtable: the caller reads that one with fontTools."""
    with open(file, "rb") as font:
        start = 0
        if file.lower().endswith((".ttc", ".otc")):  # a collection: its first font, as fontTools reads it
            if _read(font, 0, 4) != b"ttcf":
                return None
            start = struct.unpack(">L", _read(font, 12, 4))[0]
        tables = struct.unpack(">H", _read(font, start + 4, 2))[0]
        directory = _read(font, start + 12, 16 * tables)
        found = [struct.unpack(">LL", directory[i + 8:i + 16]) for i in range(0, len(directory), 16)
                 if directory[i:i + 4] == b"cmap"]
        if not found:
            return None
        cmap = _read(font, *found[0])
        count = struct.unpack(">H", cmap[2:4])[0]
        entries = [struct.unpack(">HHL", cmap[4 + 8 * i:12 + 8 * i]) for i in range(count)]
        subtable = next((off for want in _CMAP_PREFERENCES for (*pair, off) in entries if tuple(pair) == want), None)
        if subtable is None:
            return None
        form, _reserved, length, _language, groups = struct.unpack(">HHLLL", cmap[subtable:subtable + 16])
        if form != 12 or length != 16 + 12 * groups or len(cmap) < subtable + length:
            return None
        codes: set[int] = set()
        last = 0
        for first, end, glyph in struct.iter_unpack(">LLL", cmap[subtable + 16:subtable + 16 + 12 * groups]):
            end = min(end, 0x10FFFF)  # fontTools clamps, and skips an inverted or overlapping group
            if first > end or first < last:
                continue
            last = end
            codes.update(range(first + (glyph == 0), end + 1))  # glyph 0 (missing) maps nothing
        return frozenset(codes)


@lru_cache(maxsize=8)
def _charset(file: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont  # weasyprint's own dependency

    try:
        fast = _best_cmap_format_12(file)
    except (OSError, ValueError, struct.error):  # fontTools reads it, or says what is wrong
        fast = None
    if fast is not None:
        return fast
    try:
        if file.lower().endswith((".ttc", ".otc")):
            fonts = TTCollection(file, lazy=True).fonts[:1]
        else:
            fonts = [TTFont(file, lazy=True)]
        cps: set[int] = set()
        for f in fonts:
            cps.update(f.getBestCmap() or {})
        return frozenset(cps)
    except Exception as exc:  # unreadable font file
        raise FontError(f"the font file {file} cannot be read ({exc}); {INSTALL_HINT}") from None


@lru_cache(maxsize=4096)
def _covered_by_any_font(cp: int) -> bool:
    return bool(_fc("fc-list", f":charset={cp:x}", "file").strip())


def check_coverage(text: str, font: CjkFont, where: str | None = None) -> None:
    """Raise FontError naming the characters that no installed font can draw; ``where`` says
    where they are when it is not the regulation's text (e.g. the logo)."""
    charset = _charset(font.file)
    missing = []
    for cp in sorted({ord(c) for c in text}):
        if cp < 0x20 or cp in charset or chr(cp).isspace():
            continue
        if not _covered_by_any_font(cp):
            missing.append(cp)
    if missing:
        shown = ", ".join(f"{chr(c)!r} (U+{c:04X})" for c in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        if where:
            raise FontError(_("no installed font has glyphs for {chars}{more} in {where}; the PDF would show blank "
                              "boxes. Remove these characters or install a font that has them").format(
                                  chars=shown, more=more, where=where))
        raise FontError(f"no installed font has glyphs for {shown}{more}; the PDF would show blank boxes. "
                        f"Remove these characters or install a font that has them")


def require_cjk_font(text: str, logo_text: str = "") -> CjkFont:
    """The CJK font, once every character of ``text`` and of the SVG logo's ``logo_text`` is
    proven drawable."""
    font = find_cjk_font()
    check_coverage(text, font)
    if logo_text:
        check_coverage(logo_text, font, _("the text of the SVG logo (branding.logo)"))
    return font


# ---------------------------------------------------------------------------------------------
# The printed faces: a serif body and a sans (黑体-like) heading face, chosen among installed fonts
# ---------------------------------------------------------------------------------------------

#: the body face when the profile names none: the first of these that is installed
SERIF_DEFAULTS = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "SimSun", "FangSong")


class UnknownFace(FontError):
    """A face named in the profile is not installed (or has no Chinese glyphs)."""

    def __init__(self, family: str, installed: list[str]):
        self.family, self.installed = family, installed
        super().__init__(_("the font {family!r} is not installed, or has no Chinese glyphs").format(family=family))


@dataclass(frozen=True)
class PrintFaces:
    """The faces a printed document is set in, each proven to cover every character."""

    body: CjkFont
    headings: CjkFont


def cjk_faces() -> dict[str, str]:
    """Every installed family with Chinese (zh-CN) glyphs → the file of its regular face, read
    from fontconfig each time (a build asks once)."""
    listing = _fc("fc-list", "--format=%{family}\t%{style}\t%{file}\n", ":lang=zh-cn")
    ranked: dict[str, tuple[bool, bool, str]] = {}
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        families = [f.strip() for f in parts[0].split(",") if f.strip()]
        style, file = parts[1].split(",")[0].strip(), parts[2].strip()
        for family in families:  # the regular face of a family lists that family alone
            rank = (style not in ("Regular", "Book", "Normal"), len(families) > 1, file)
            if family not in ranked or rank < ranked[family]:
                ranked[family] = rank
    return {family: rank[2] for family, rank in sorted(ranked.items())}


def choose_faces(body: str | None = None, headings: str | None = None) -> PrintFaces:
    """The body and heading faces: the ones named (each must be installed, or
    :class:`UnknownFace`), else an installed serif CJK face for the body and the preferred sans
    CJK face (:func:`find_cjk_font`) for the headings."""
    faces = cjk_faces()
    preferred = find_cjk_font()
    sans = CjkFont(preferred.family, faces.get(preferred.family, preferred.file))

    def named(family: str) -> CjkFont:
        if family not in faces:
            raise UnknownFace(family, [f for f in faces if "Mono" not in f])
        return CjkFont(family, faces[family])

    if body:
        body_font = named(body)
    else:
        serif = next((f for f in SERIF_DEFAULTS if f in faces), None)
        body_font = CjkFont(serif, faces[serif]) if serif else sans
    return PrintFaces(body_font, named(headings) if headings else sans)


def require_print_faces(text: str, body: str | None = None, headings: str | None = None,
                        logo_text: str = "") -> PrintFaces:
    """:func:`choose_faces`, once every character of ``text`` (and of the SVG logo's text) is
    proven drawable with each face or some installed font."""
    faces = choose_faces(body, headings)
    for font in dict.fromkeys((faces.body, faces.headings)):
        check_coverage(text, font)
        if logo_text:
            check_coverage(logo_text, font, _("the text of the SVG logo (branding.logo)"))
    return faces
