"""Checks shared by the tests of printed files."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from typing import Any

import pikepdf

ROOT = Path(__file__).resolve().parents[1]


def synthetic_context(root: Path, copies: int) -> Any:
    """A render context of bench/'s synthetic handbook (the courier pack's chapters ``copies``
    times), its blank forms bound in as 附件, built below ``root``."""
    import sqmkit
    from sqmkit.formats import RenderContext
    from sqmkit.numbering import Numbering
    from sqmkit.render.environment import make_environment

    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    assert spec is not None and spec.loader is not None
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    mgr, profile = synthetic.make(root, copies=copies)
    text = profile.read_text(encoding="utf-8")
    assert "\nbranding:\n" in text
    profile.write_text(text.replace("\nbranding:\n", "\nbranding:\n  print:\n    bind_forms: true\n"), encoding="utf-8")
    result = sqmkit.build(profile, root / "out", ["html"], mgr=mgr)
    reg = result.regulation
    numbering = Numbering.of(reg)
    return RenderContext(reg, result.out_dir, make_environment(reg, numbering, []), numbering)


def assert_archival(pdf: Path) -> None:
    """``pdf`` claims PDF/A-2b in its XMP, has the sRGB output intent, tags and a file identifier,
    and qpdf finds nothing wrong with it."""
    with pikepdf.open(pdf) as doc:
        xmp = doc.Root.Metadata.read_bytes()
        assert b'pdfaid:part="2"' in xmp and b'pdfaid:conformance="B"' in xmp
        assert str(doc.Root.OutputIntents[0].S) == "/GTS_PDFA1"
        assert "/StructTreeRoot" in doc.Root and len(doc.trailer.ID) == 2
    checked = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def pages_text(pdf: Path) -> list[str]:
    """pdftotext's text of each page of ``pdf``, laid out."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def face_programs(pdf: Path) -> dict[str, set[tuple[int, int]]]:
    """Each face's embedded font programs (their objects) in ``pdf``'s pages, by the face's name
    without its subset tag."""
    found: dict[str, set[tuple[int, int]]] = {}
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            for font in page.obj.Resources.get("/Font", {}).values():
                for descendant in font.get("/DescendantFonts", []):
                    descriptor = descendant.FontDescriptor
                    program = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
                    found.setdefault(str(descriptor.FontName).partition("+")[2], set()).add(program.objgen)
    return found
