"""Reading real outputs back: a PDF's text through poppler, the facts a printed controlled
document must carry, and that a switched-off module left no trace. For plugin test suites (the
functions are exported by :mod:`sqmkit`); they need the ``testing`` extra (pypdf) and poppler's
``pdftotext``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from pypdf.generic import DictionaryObject

    from .model import Regulation


class BuiltOutput(Protocol):
    """A built regulation and where its files are (what the ``sqmkit_build`` fixture returns)."""

    @property
    def regulation(self) -> "Regulation": ...

    @property
    def out_dir(self) -> Path: ...




def pdf_text(path: "str | Path", first: int | None = None, last: int | None = None) -> str:
    """A PDF's text as poppler's ``pdftotext -layout`` reads it (pages are 1-based)."""
    import subprocess

    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def assert_handbook_pdf(out_dir: "str | Path", regulation: "Regulation") -> None:
    """Read ``handbook.pdf`` back and check what a printed controlled document needs: company
    and document number on the cover, one top-level bookmark per chapter (among those of the
    front matter and appendices), a page x / y footer counting the body, embedded subset
    fonts, ``/Lang`` of the client's language, tags."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject

    pdf = Path(out_dir) / "handbook.pdf"
    reader = PdfReader(str(pdf))
    cover = pdf_text(pdf, 1).replace(" ", "")
    assert regulation.company.name in cover, "company name missing from the cover"
    assert regulation.document.number in cover, "document number missing from the cover"
    outline = [str(o.title) for o in reader.outline if not isinstance(o, list)]
    it = iter(outline)  # the chapters, in order, among the top-level bookmarks
    assert all(any(ch.title in t for t in it) for ch in regulation.chapters), (
        outline, [c.title for c in regulation.chapters])
    if regulation.language == "zh-CN":
        body_pages = sum(1 for label in reader.page_labels if label.isdigit())
        assert f"共 {body_pages} 页" in pdf_text(pdf, reader.page_labels.index(str(body_pages)) + 1)
    assert "/StructTreeRoot" in _pdf_dict(reader.trailer["/Root"]), "the PDF is not tagged"
    for page in reader.pages:
        fonts = _pdf_dict(page["/Resources"]).get("/Font")
        for ref in (_pdf_dict(fonts).values() if fonts else ()):
            font = glyphs = _pdf_dict(ref)
            if "/DescendantFonts" in font:  # a composite (CID) font: the glyphs are in its descendant
                descendants = font["/DescendantFonts"]
                assert isinstance(descendants, ArrayObject), "/DescendantFonts is not an array"
                glyphs = _pdf_dict(descendants[0])
            desc = _pdf_dict(glyphs["/FontDescriptor"])
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    lang = _pdf_dict(reader.trailer["/Root"])["/Lang"]
    assert isinstance(lang, str) and lang == regulation.language, lang


def _pdf_dict(obj: object) -> "DictionaryObject":
    """``obj`` as a PDF dictionary, an indirect reference followed. pypdf types what a dictionary
    holds as any PDF object, so the shape is checked here rather than assumed."""
    from pypdf.generic import DictionaryObject, PdfObject

    if isinstance(obj, PdfObject):
        obj = obj.get_object()
    assert isinstance(obj, DictionaryObject), f"expected a PDF dictionary, not {type(obj).__name__}"
    return obj


def assert_module_removed(on: BuiltOutput, off: BuiltOutput) -> None:
    """``off`` was built with a module switched off that ``on`` had on: its chapters, forms and
    checklists are gone from the model and from every output file, and nothing refers to them."""
    on_reg, off_reg = on.regulation, off.regulation
    gone_chapters = {c.id for c in on_reg.chapters} - {c.id for c in off_reg.chapters}
    gone_clauses = set(on_reg.clause_ids()) - set(off_reg.clause_ids())
    assert gone_clauses, "switching the module off removed nothing"
    gone_forms = {f.id for f in on_reg.forms} - {f.id for f in off_reg.forms}
    gone_checklists = {c.id for c in on_reg.checklists} - {c.id for c in off_reg.checklists}
    site = "".join(p.read_text(encoding="utf-8") for p in off.out_dir.rglob("*.html"))
    for cid in gone_checklists:
        assert not (off.out_dir / "checklists" / f"{cid}.html").exists()
        assert cid not in site, f"{cid} still mentioned"
    for fid in gone_forms:
        assert not (off.out_dir / "forms" / f"{fid}.html").exists()
        assert fid not in site, f"{fid} still mentioned"
    for clause in gone_clauses | gone_chapters:
        assert f'id="{clause}"' not in site and f"#{clause}\"" not in site, f"{clause} still in the site"
    ids = set(off_reg.clause_ids())
    assert set(off_reg.index.checked_by) <= ids and set(off_reg.index.forms_for) <= ids


def yaml_line(path: "str | Path", loc: "list[str | int]") -> int:
    """The 1-based line where the field at ``loc`` (keys and list indexes) is written in a YAML
    file — its key's line, or the list entry's — read with PyYAML's own node marks, independently
    of sqmkit's reader, so a test can check the line an error names."""
    import yaml

    node: Any = yaml.compose(Path(path).read_text(encoding="utf-8"))
    if node is None:
        raise ValueError(f"{path} holds no YAML document")
    mark = node.start_mark
    for part in loc:
        if isinstance(part, int):
            node = node.value[part]
            mark = node.start_mark
        else:
            key, node = next((k, v) for k, v in node.value if k.value == part)
            mark = key.start_mark
    return int(mark.line) + 1
