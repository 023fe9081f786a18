"""The site's full-text search index, built at build time and loaded as a script.

The site must search from ``file://`` with no server, so nothing is fetched: the index is a
script (``assets/search-index.js``) that assigns a global, read by ``assets/search.js``. Chinese
has no spaces between words, so instead of segmenting with a dictionary the index keys every
article on the overlapping pairs of characters (bigrams) of its text, plus single characters for
one-character queries. A query is cut the same way; the articles holding every one of its pairs
are candidates, and the browser keeps those whose text really contains the query (a pair index
alone would also match the pairs in another order). Texts are a few hundred characters per
article, so this answers in well under a millisecond per query on the demo handbooks.

Each entry is one article: its number (第X条), title, chapter, link and plain text (what the
page shows, less the numbering and the "checked by" notes). The bytes depend only on the
regulation: entries in document order, keys sorted, compact JSON.
"""

from __future__ import annotations

import json
import operator
import re
from collections import defaultdict
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from typing import Iterable, Iterator

#: elements whose text is not searched: numbers are shown apart; notes name other documents
_SKIP_CLASSES = frozenset({"num", "annot"})
_VOID = frozenset({"br", "img", "input", "hr", "meta", "link", "wbr", "col", "area", "source"})
_BREAKS = frozenset({"p", "li", "td", "th", "tr", "div", "section", "caption", "ol", "ul", "table", "h1", "h2", "h3"})


@dataclass(frozen=True)
class Entry:
    """One searchable article."""

    href: str
    label: str
    title: str
    chapter: str
    text: str


class _Text(HTMLParser):
    """The visible text of an HTML fragment, less the elements of :data:`_SKIP_CLASSES`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0  # depth inside a skipped element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        if self._skip:
            self._skip += 1
            return
        classes = set((dict(attrs).get("class") or "").split())
        if classes & _SKIP_CLASSES:
            self._skip = 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if self._skip:
            self._skip -= 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)



#: a tag of the plain HTML the templates write: a start tag with double-quoted attributes (or an
#: end tag); the tokeniser of :func:`_fast_parts` reads only such HTML and hands anything else to
#: :class:`_Text`, so both read every fragment alike
_TAG_RE = re.compile(r'<(?:([a-zA-Z][-.a-zA-Z0-9:_]*)((?:[ \t\n\r\f]+[a-zA-Z_:][-.a-zA-Z0-9:_]*'
                     r'(?:[ \t\n\r\f]*=[ \t\n\r\f]*"[^"<>]*")?)*)[ \t\n\r\f]*(/?)>'
                     r'|/([a-zA-Z][-.a-zA-Z0-9:_]*)[ \t\n\r\f]*>)')
_ATTR_RE = re.compile(r'([a-zA-Z_:][-.a-zA-Z0-9:_]*)(?:[ \t\n\r\f]*=[ \t\n\r\f]*"([^"]*)")?')
#: elements whose content is not read as HTML (script and style; newer parsers add the others):
#: a fragment holding one goes to the parser
_RAW_TEXT = frozenset({"script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
                       "textarea", "title"})


def _fast_parts(html: str) -> list[str] | None:
    """What :class:`_Text` collects from ``html``, read tag by tag with one regular expression
    (the same rules, inlined); None when ``html`` is not the plain HTML of :data:`_TAG_RE` (then
    the parser reads it)."""
    parts: list[str] = []
    skip, pos = 0, 0
    for m in _TAG_RE.finditer(html):
        if m.start() != pos:
            raw = html[pos:m.start()]
            if "<" in raw or ">" in raw:
                return None
            if not skip:
                parts.append(unescape(raw) if "&" in raw else raw)
        pos = m.end()
        name, attrs, closed, end = m.groups()
        tag = (end or name).lower()
        if tag in _VOID:
            continue
        if tag in _RAW_TEXT:
            return None
        if end is None:  # a start tag: as _Text.handle_starttag
            if skip:
                skip += 1
            elif _skipped(attrs):
                skip = 1
            elif tag in _BREAKS:
                parts.append(" ")
            if not closed:  # <x/>: the parser ends it at once
                continue
        if skip:  # an end tag: as _Text.handle_endtag
            skip -= 1
        elif tag in _BREAKS:
            parts.append(" ")
    raw = html[pos:]
    if "<" in raw or ">" in raw:
        return None
    if raw and not skip:
        parts.append(unescape(raw) if "&" in raw else raw)
    return parts


def _skipped(attrs: str) -> bool:
    """Whether a start tag's attributes give it a class of :data:`_SKIP_CLASSES` (the last
    ``class`` attribute counts, as in the parser's ``dict(attrs)``)."""
    if "class" not in attrs.lower():
        return False
    value = ""
    for key, found in _ATTR_RE.findall(attrs):
        if key.lower() == "class":
            value = unescape(found) if "&" in found else found
    return not _SKIP_CLASSES.isdisjoint(value.split())


def plain_text(html: str) -> str:
    """The searchable text of a rendered fragment, whitespace collapsed."""
    parts = _fast_parts(html)
    if parts is None:
        parser = _Text()
        parser.feed(html)
        parser.close()
        parts = parser.parts
    return " ".join("".join(parts).split())


def grams(text: str) -> set[str]:
    """The keys of ``text``: every character and every pair of adjacent characters, lower-cased,
    none containing whitespace."""
    out: set[str] = set()
    for run in text.lower().split():  # split() and isspace() know the same whitespace
        out.update(run)
        out.update(map(operator.add, run, run[1:]))
    return out


def build_index(entries: Iterable[Entry]) -> dict[str, object]:
    """The index: the entries as rows ``[href, label, title, chapter, text]`` and, for each key,
    the ascending row numbers holding it."""
    docs: list[list[str]] = []
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for n, e in enumerate(entries):
        docs.append([e.href, e.label, e.title, e.chapter, e.text])
        for key in grams(e.title + " " + e.text):
            postings[key].append(n)
    return {"version": 1, "docs": docs, "keys": {k: postings[k] for k in sorted(postings)}}


def index_script(index: dict[str, object], name: str = "SQMKIT_SEARCH") -> str:
    """The index as a script assigning ``window.NAME``; same index, same bytes."""
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # a text cannot end the script early or open a comment: "<" is escaped inside the JSON strings
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{name}={data};\n"


def read_index_script(text: str, name: str = "SQMKIT_SEARCH") -> dict[str, object]:
    """The index a site's ``assets/search-index.js`` holds (what :func:`index_script` wrote)."""
    head = f"window.{name}="
    body = text.strip()
    if not body.startswith(head) or not body.endswith(";"):
        raise ValueError("not a search index script")
    data = json.loads(body[len(head):-1])
    if not isinstance(data, dict) or not isinstance(data.get("docs"), list):
        raise ValueError("not a search index")
    return data


def unit_entries(index: dict[str, object], prefix: str, unit: str) -> Iterator[Entry]:
    """A unit site's entries for a group's index: links from the portal (``prefix`` + href), and
    the unit named before the chapter, so every result says which unit it is from."""
    docs = index.get("docs")
    for row in docs if isinstance(docs, list) else []:
        if isinstance(row, list) and len(row) == 5 and all(isinstance(v, str) for v in row):
            href, label, title, chapter, text = row
            yield Entry(prefix + href, label, title, f"{unit} · {chapter}", text)
