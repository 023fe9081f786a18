"""SVG logos, sanitised before they are published.

A logo is shown on the site (the same origin as the checklists' saved work) and drawn on the PDF
cover, so an SVG is rebuilt from a whitelist before it is written: parsed with defusedxml (no entity
declarations, no external references), every element and attribute checked against the lists
below, everything else dropped — ``<script>``, ``<foreignObject>``, event handlers (``on*``), links
to anything but a local fragment (``#id``) or an embedded PNG/JPEG, styles that import or fetch.
The result is written deterministically: the same input gives the same bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from .limits import MAX_SVG_DEPTH, MAX_SVG_ELEMENTS
from .messages import _

SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"

_SHAPES = "g defs symbol use title desc path rect circle ellipse line polyline polygon image"
_TEXT = "text tspan textPath"
_PAINT = "linearGradient radialGradient stop clipPath mask pattern marker style filter"
_FILTERS = ("feBlend feColorMatrix feComponentTransfer feComposite feFlood feGaussianBlur feMerge feMergeNode "
            "feOffset feFuncR feFuncG feFuncB feFuncA feDropShadow feMorphology")
#: the elements kept (every other element is dropped with its content; ``a`` is unwrapped)
ELEMENTS = frozenset(f"svg {_SHAPES} {_TEXT} {_PAINT} {_FILTERS}".split())

_CORE_ATTRS = "id class style transform lang version baseProfile viewBox preserveAspectRatio"
_GEOMETRY = ("x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points pathLength dx dy rotate "
             "textLength lengthAdjust startOffset method spacing side")
_PRESENTATION = ("fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin "
                 "stroke-miterlimit stroke-dasharray stroke-dashoffset stroke-opacity opacity color display "
                 "visibility overflow clip-path clip-rule mask marker-start marker-mid marker-end filter "
                 "shape-rendering text-rendering image-rendering color-interpolation "
                 "color-interpolation-filters vector-effect paint-order font-family font-size font-weight "
                 "font-style font-variant font-stretch text-anchor dominant-baseline alignment-baseline "
                 "baseline-shift letter-spacing word-spacing text-decoration writing-mode direction "
                 "unicode-bidi")
_PAINT_ATTRS = ("offset stop-color stop-opacity gradientUnits gradientTransform spreadMethod clipPathUnits "
                "maskUnits maskContentUnits patternUnits patternContentUnits patternTransform markerWidth "
                "markerHeight markerUnits refX refY orient filterUnits primitiveUnits in in2 result "
                "stdDeviation mode type values operator k1 k2 k3 k4 flood-color flood-opacity "
                "lighting-color tableValues slope intercept amplitude exponent radius edgeMode media")
#: the attributes kept (besides ``href``/``xlink:href``, checked on their own, and ``xml:space``)
ATTRIBUTES = frozenset(f"{_CORE_ATTRS} {_GEOMETRY} {_PRESENTATION} {_PAINT_ATTRS}".split())

_LOCAL_HREF = re.compile(r"^#[A-Za-z_][\w.:-]*$")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]*$")
_URL = re.compile(r"url\s*\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_REFUSED = re.compile(r"@import|javascript:|data:|expression\s*\(|-moz-binding|behavior\s*:|\\", re.IGNORECASE)


class SvgError(ValueError):
    """The file is not an SVG image sqmkit can publish; the message says why."""


@dataclass(frozen=True)
class CleanSvg:
    """A sanitised SVG: the bytes to publish and the text it draws (for the font check)."""

    data: bytes
    text: str
    dropped: tuple[str, ...]  # what was removed, e.g. ("element script", "attribute onload")


def parse_svg(data: bytes) -> ET.Element | None:
    """The root element when ``data`` is well-formed XML whose root is ``svg``; None when it is
    not XML at all. Raises :class:`SvgError` for XML that is unsafe or not an SVG."""
    try:
        root: ET.Element = DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise SvgError(_("the SVG declares entities or external references, which are not allowed")) from None
    except (LookupError, ValueError) as exc:  # an encoding Python does not know
        raise SvgError(_("it declares an encoding that cannot be read ({reason})").format(reason=exc)) from None
    except ET.ParseError:
        return None
    if _local(root.tag) != "svg" or _ns(root.tag) not in ("", SVG_NS):
        raise SvgError(_("it is XML, but its root element is {tag!r} (namespace {ns!r}), not an SVG svg element").format(
            tag=_local(root.tag), ns=_ns(root.tag)))
    return root


def xml_problem(data: bytes) -> str | None:
    """Why ``data`` is not well-formed XML (the parser's words, with the line), or None."""
    try:
        DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except ET.ParseError as exc:
        return str(exc)
    except Exception:  # unsafe or unreadable: parse_svg says why
        return None
    return None


def sanitize(root: ET.Element) -> CleanSvg:
    """Rebuild ``root`` from the whitelist; raises :class:`SvgError` past the size limits."""
    count = sum(1 for _el in root.iter())
    if count > MAX_SVG_ELEMENTS:
        raise SvgError(_("the SVG has {n} elements; the limit is {limit}").format(n=count, limit=MAX_SVG_ELEMENTS))
    dropped: list[str] = []
    clean = ET.Element("svg", {"xmlns": SVG_NS})
    clean.attrib.update(_attributes(root, dropped))
    clean.text = root.text
    _copy_children(root, clean, dropped, 1)
    body = ET.tostring(clean, encoding="unicode")
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
    return CleanSvg(data, drawn_text(clean), tuple(dict.fromkeys(dropped)))


def drawn_text(root: ET.Element) -> str:
    """The characters an SVG draws: the content of its ``text`` elements (tspans included)."""
    return "".join("".join(el.itertext()) for el in root.iter() if _local(el.tag) == "text")


def _copy_children(src: ET.Element, dst: ET.Element, dropped: list[str], depth: int) -> None:
    if depth > MAX_SVG_DEPTH:
        raise SvgError(_("the SVG is nested deeper than {limit} levels (the limit)").format(limit=MAX_SVG_DEPTH))
    for child in src:
        name = _local(child.tag) if isinstance(child.tag, str) else ""
        if _ns(child.tag) in ("", SVG_NS) and name == "a":  # a link: keep what it shows, drop the link
            dropped.append("element a")
            _copy_children(child, dst, dropped, depth + 1)
            _append_tail(dst, child.tail)
            continue
        if _ns(child.tag) not in ("", SVG_NS) or name not in ELEMENTS or not _element_ok(name, child):
            dropped.append(f"element {name or child.tag}")
            _append_tail(dst, child.tail)
            continue
        copy = ET.SubElement(dst, name, _attributes(child, dropped))
        copy.text, copy.tail = child.text, child.tail
        _copy_children(child, copy, dropped, depth + 1)


def _element_ok(name: str, el: ET.Element) -> bool:
    if name == "style":
        return not list(el) and _css_ok(el.text or "")
    if name == "image":  # only an embedded PNG or JPEG
        href = el.get("href") or el.get(f"{{{_XLINK_NS}}}href") or ""
        return bool(_DATA_IMAGE.match(href))
    return True


def _attributes(el: ET.Element, dropped: list[str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for key, value in el.attrib.items():
        ns, name = _ns(key), _local(key)
        if ns == _XML_NS and name in ("space", "lang"):
            kept[key] = value
        elif name == "href" and ns in ("", _XLINK_NS):
            if _LOCAL_HREF.match(value.strip()) or _DATA_IMAGE.match(value.strip()):
                kept["href"] = value.strip()
            else:
                dropped.append("attribute href")
        elif ns == "" and name in ATTRIBUTES and _value_ok(name, value):
            kept[name] = value
        else:
            dropped.append(f"attribute {name}")
    return kept


def _value_ok(name: str, value: str) -> bool:
    """An attribute's value: presentation attributes are CSS values, so the CSS rules apply to all."""
    return _css_ok(value)


def _css_ok(css: str) -> bool:
    """No imports, no scripts, no escapes (which could spell any of these), and every ``url()``
    a local fragment."""
    if _CSS_REFUSED.search(css):
        return False
    return all(target.strip().startswith("#") for _q, target in _URL.findall(css))


def _append_tail(dst: ET.Element, tail: str | None) -> None:
    if not tail:
        return
    children = list(dst)
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    else:
        dst.text = (dst.text or "") + tail


def _ns(tag: str) -> str:
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
