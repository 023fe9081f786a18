"""Text in terminal columns: the width of CJK text, wrapping it, aligned tables.

A wide or full-width character takes two columns. Lines are broken between Latin words and
anywhere in CJK text, except before closing punctuation (，。、）” …) and after opening
punctuation (（“ …), which keep to the character next to them.
"""

from __future__ import annotations

import re
import unicodedata

#: the width ``sqmkit industries show`` lays its text out for
WIDTH = 100
#: the narrowest last column of a table beside the others (narrower: it goes below them)
NARROWEST = 24


def display_width(text: str) -> int:
    """Terminal columns of ``text`` (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


#: punctuation that never starts a line (the character before moves down with it)
_NO_LINE_START = "，。、；：！？）》」』”’"
#: punctuation that never ends a line
_NO_LINE_END = "（《「『“‘"
_TOKEN = re.compile(r"[A-Za-z0-9_.,;:!?()'\"%/+\-–—≥≤·{}\[\]]+\s*|\s+|.")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns: Latin words kept whole (unless longer than
    a line), CJK broken anywhere but before closing punctuation and after opening punctuation."""
    lines: list[str] = []
    current: list[str] = []  # the tokens of the line being filled
    for token in _TOKEN.findall(" ".join(str(text).split())):
        now = "".join(current)
        if not current or display_width(now + token.rstrip()) <= width:
            current.append(token)
        elif (token[0] in _NO_LINE_START or now.rstrip()[-1] in _NO_LINE_END) and len(current) > 1:
            carried = current.pop()  # the word or character before goes down along with it
            lines.append("".join(current).rstrip())
            current = [carried, token]
        else:
            lines.append(now.rstrip())
            current = [token.lstrip()] if token.strip() else []
    if "".join(current).strip():
        lines.append("".join(current).rstrip())
    return lines or [""]


def table(rows: list[list[str]], indent: int = 2, width: int = WIDTH) -> list[str]:
    """Rows of cells in aligned columns (the first row is the header); the last column is wrapped
    to the remaining width."""
    if len(rows) < 2:
        return [" " * indent + "—"]
    cols = len(rows[0])
    widths = [max(display_width(r[i]) for r in rows) for i in range(cols - 1)]
    lead = indent + sum(w + 2 for w in widths)
    if width - lead < NARROWEST:  # no room beside the other columns: the last one goes below them
        lead = indent + 4
    out = []
    for row in rows:
        head = (" " * indent + "".join(pad(cell, w + 2) for cell, w in zip(row, widths))).rstrip()
        body = wrap(row[-1], width - lead)
        if lead == indent + 4:
            out.append(head)
            out += [(" " * lead + line).rstrip() for line in body if line]
            continue
        out.append(pad(head, lead) + body[0] if body[0] else head)
        out += [(" " * lead + more).rstrip() for more in body[1:]]
    return out
