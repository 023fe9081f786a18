"""Checks shared by the tests of printed files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf


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
