"""Finding a CJK font and proving it covers every character before a PDF is written.

WeasyPrint silently draws blank boxes (tofu) for characters no installed font has. sqmkit never
ships such a PDF: it asks fontconfig for a CJK font, reads that font's character map, and stops
with a clear message when a character is covered by no installed font.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from .errors import FontError

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
        file, _, families = line.partition(":")
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


@lru_cache(maxsize=8)
def _charset(file: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont  # weasyprint's own dependency

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


def check_coverage(text: str, font: CjkFont) -> None:
    """Raise FontError naming the characters that no installed font can draw."""
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
        raise FontError(f"no installed font has glyphs for {shown}{more}; the PDF would show blank boxes. "
                        f"Remove these characters or install a font that has them")


def require_cjk_font(text: str) -> CjkFont:
    font = find_cjk_font()
    check_coverage(text, font)
    return font
