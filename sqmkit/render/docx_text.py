"""Tailored texts into Word runs: plain text as runs, reference markers as internal hyperlinks.

The markers ``ref()``, ``form()`` and ``checklist()`` leave in a text (see
:func:`sqmkit.textrender.replace_markers`) become the same words the PDF prints (见第五条,
《投诉登记表》), linked to the bookmark of their target when the document holds one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from docx.text.paragraph import Paragraph

from ..model import Regulation
from ..numbering import Numbering
from ..textrender import replace_markers
from . import ooxml

#: a character no tailored text contains (profile strings and markers refuse control characters)
_SLOT = "\x00"


@dataclass(frozen=True)
class Piece:
    """A stretch of a text: ``target`` is the id it refers to, or None for plain text."""

    text: str
    target: str | None = None


def pieces(text: str, reg: Regulation, numbering: Numbering) -> list[Piece]:
    """A text split into plain stretches and references, in order."""
    found: list[Piece] = []

    def slot(kind: str, target: str, flags: str) -> str:
        if kind == "ref":
            found.append(Piece(numbering.ref_text(target, see="nosee" not in flags), target))
        elif kind == "form":
            found.append(Piece(f"《{reg.form(target).title}》", target))
        else:
            found.append(Piece(f"《{reg.checklist(target).title}》", target))
        return _SLOT

    plain = replace_markers(text, slot).split(_SLOT)
    out: list[Piece] = []
    for i, stretch in enumerate(plain):
        if stretch:
            out.append(Piece(stretch))
        if i < len(found):
            out.append(found[i])
    return out


def plain(text: str | None, reg: Regulation, numbering: Numbering) -> str:
    """A text with its references as words and no links."""
    return "".join(p.text for p in pieces(text or "", reg, numbering))


def write(paragraph: Paragraph, text: str | None, reg: Regulation, numbering: Numbering,
          anchor: Callable[[str], str | None], link_style: str | None) -> None:
    """Append ``text`` to ``paragraph``; a reference whose target ``anchor`` names a bookmark for
    becomes a hyperlink to it, styled ``link_style``."""
    for piece in pieces(text or "", reg, numbering):
        name = anchor(piece.target) if piece.target else None
        if name:
            ooxml.add_internal_link(paragraph, name, piece.text, link_style)
        else:
            paragraph.add_run(piece.text)
