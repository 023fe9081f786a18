"""Writing a Word document reproducibly: same input, same bytes.

python-docx writes what it is given, but a .docx is a zip whose entries carry the time they were
written, and its core properties carry creation and modification times. Here the times are the
document's effective date, the zip entries are written in a fixed order with fixed dates and
attributes, and the template's thumbnail (a picture of an empty page) is left out.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from ..model import Regulation
from . import ooxml

#: entries a reader expects first; the rest follow in name order
_FIRST = ("[Content_Types].xml", "_rels/.rels")


@dataclass(frozen=True)
class PackageInfo:
    """What the package's properties say about the document."""

    title: str
    author: str  # the company
    subject: str
    identifier: str  # the document number
    version: str
    status: str  # 受控 / 非受控
    language: str
    date: dt.date  # the effective date: every timestamp in the package


def save(document: Document, target: Path, info: PackageInfo) -> None:
    """Write ``document`` to ``target``; two calls with equal input write equal bytes."""
    when = dt.datetime.combine(info.date, dt.time(0, 0))
    props = document.core_properties
    props.title, props.author, props.subject = info.title, info.author, info.subject
    props.identifier, props.version, props.content_status = info.identifier, info.version, info.status
    props.language, props.last_modified_by, props.comments = info.language, info.author, ""
    props.keywords, props.category = info.identifier, ""
    props.created = props.modified = when
    props.revision = 1
    package = document.part.package
    for rid in [rid for rid, rel in package.rels.items() if rel.reltype == RT.THUMBNAIL]:
        package.rels.pop(rid)
    raw = io.BytesIO()
    document.save(raw)
    target.write_bytes(repack(raw.getvalue(), when, ooxml.app_properties(info.author)))


def repack(data: bytes, when: dt.datetime, app_xml: bytes) -> bytes:
    """The zip ``data`` rewritten with fixed entry order, times and attributes, and the
    application properties replaced by ``app_xml``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    order = [n for n in _FIRST if n in names] + sorted(n for n in names if n not in _FIRST)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in order:
            entry = zipfile.ZipInfo(name, date_time=(when.year, when.month, when.day, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            content = app_xml if name == "docProps/app.xml" else source.read(name)
            target.writestr(entry, content)
    return out.getvalue()


def info(reg: Regulation, title: str, status: str) -> PackageInfo:
    """The package properties of a Word edition of ``reg``."""
    doc = reg.document
    return PackageInfo(title=title, author=reg.company.name, subject=reg.title, identifier=doc.number,
                       version=doc.version, status=status, language=reg.language, date=doc.effective_date)
