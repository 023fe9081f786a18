"""Fuzzing the profile path (issue 10): whatever a profile file holds, ``sqmkit check`` ends in
success (exit 0) or one located message naming the file (exit 1) — never a traceback, never
"internal error", never a hang (the reader's limits bound the work; see sqmkit/limits.py).

Three sources of input, 300 examples in all: random YAML-ish text, the demo profile mutated as text
(cut, spliced, characters inserted), and the demo profile with random structured values mixed in
(st.recursive of mappings, lists and scalars: huge integers, NaN, dates, control characters …).
A fourth test feeds the logo reader random bytes and random hostile SVG documents (100 examples):
each is refused, or published with nothing active left in it.
The number of examples run and the time taken are printed at the end of the module.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sqmkit_courier

DEMO = Path(sqmkit_courier.DEMO_PROFILE)

FUZZ = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
_counter = itertools.count()
_figures = {"examples": 0, "seconds": 0.0, "ok": 0, "refused": 0, "logos": 0, "logos_published": 0}


@pytest.fixture(scope="module", autouse=True)
def report_figures(request):
    yield
    line = (f"fuzz_profile: {_figures['examples']} examples ({_figures['ok']} accepted, {_figures['refused']} "
            f"refused with a located message) in {_figures['seconds']:.1f}s; {_figures['logos']} logo files "
            f"({_figures['logos_published']} published sanitised, the rest refused)")
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("\n" + line)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def cli_check():
    """``sqmkit check PATH`` in-process, with one plugin manager for the module (built once, as a
    long-running process would; the plugins' own data is not what is fuzzed here)."""
    from click.testing import CliRunner

    from sqmkit import cli as cli_module
    from sqmkit.plugins import get_plugin_manager

    mgr = get_plugin_manager()

    def run(path):
        cli_module.session.use(mgr)
        try:
            return CliRunner().invoke(cli_module.cli, ["check", str(path)], catch_exceptions=True)
        finally:
            cli_module.session.use()

    return run


def check_file(run, fuzz_dir, content: bytes) -> None:
    """Write ``content`` as a profile beside the demo's logo and run ``sqmkit check`` on it."""
    folder = fuzz_dir / f"case{next(_counter)}"
    folder.mkdir()
    (folder / "logo.svg").write_bytes((DEMO.parent / "logo.svg").read_bytes())
    path = folder / "client.yaml"
    path.write_bytes(content)
    start = time.perf_counter()
    result = run(path)
    _figures["seconds"] += time.perf_counter() - start
    _figures["examples"] += 1
    out = result.output
    assert result.exit_code in (0, 1), (result.exit_code, out, result.exception)
    assert "Traceback" not in out and "internal error" not in out, out
    if result.exit_code == 1:
        assert str(path) in out, out  # located: the file is named
        _figures["refused"] += 1
    else:
        _figures["ok"] += 1


# ---------------------------------------------------------------------------------------------
# 1. random YAML-ish text
# ---------------------------------------------------------------------------------------------

YAML_CHARS = ("abcdefxyz019 \n\n  \t:-,[]{}&*!|>'\"%@`#?~.<=_/\\" "中文服务" "\x00\x07\x1b\x7f\x85\u2028\ufeff\U0001F600")
_keys = st.sampled_from(["id", "company", "industry", "modules", "document", "parameters", "branding", "logo",
                         "templates", "organization", "departments", "effective_date", "version", "<<", "? "])


@st.composite
def yamlish(draw) -> bytes:
    pieces = draw(st.lists(st.one_of(st.text(alphabet=YAML_CHARS, max_size=40), _keys,
                                     st.sampled_from(["&a ", "*a", "!!int ", "!!binary ", "!!python/object ", "---\n",
                                                      "2025-02-30", "9" * 40, "0x", ".nan", "\n  - ", ": "])),
                          max_size=25))
    text = "".join(pieces)
    if draw(st.booleans()):
        return text.encode("utf-8")
    return text.encode("utf-8", "surrogatepass") + draw(st.binary(max_size=8))


@FUZZ
@given(content=yamlish())
def test_random_yamlish_text(cli_check, fuzz_dir, content):
    check_file(cli_check, fuzz_dir, content)


# ---------------------------------------------------------------------------------------------
# 2. the demo profile mutated as text
# ---------------------------------------------------------------------------------------------

DEMO_TEXT = DEMO.read_text(encoding="utf-8")


@st.composite
def mutated_demo(draw) -> bytes:
    text = DEMO_TEXT
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "cut", "duplicate"]))
        if kind == "insert":
            text = text[:at] + draw(st.text(alphabet=YAML_CHARS, min_size=1, max_size=12)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 30)):]
        elif kind == "cut":
            text = text[:at]
        else:
            end = min(len(text), at + draw(st.integers(1, 200)))
            text = text[:end] + text[at:end] + text[end:]
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(content=mutated_demo())
def test_mutated_demo_text(cli_check, fuzz_dir, content):
    check_file(cli_check, fuzz_dir, content)


# ---------------------------------------------------------------------------------------------
# 3. random structured values mixed into the demo profile
# ---------------------------------------------------------------------------------------------

DEMO_DATA = yaml.safe_load(DEMO_TEXT)

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(-10**40, 10**40), st.integers(-300, 300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.text(alphabet="\x00\x01\x1b\u202e\ufffe中 ", max_size=5),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["", " ", "0.9", "cod", "#zzzzzz", "../../etc/passwd", "logo.svg", "/etc/passwd", "con",
                     "2025-02-30", "营运部", "A"]),
)
keys = st.one_of(st.text(max_size=12), st.sampled_from(["zh-CN", "en", "min", "grade", "label", "type"]),
                 st.integers(-5, 5), st.none(), st.booleans())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(keys, inner, max_size=4)), max_leaves=12)


def _paths(node, prefix=()):
    """Every path to a value inside the demo profile (mapping keys and list indexes)."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


DEMO_PATHS = [p for p in _paths(DEMO_DATA) if p]


@st.composite
def mixed_profile(draw) -> bytes:
    data = copy.deepcopy(DEMO_DATA)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(DEMO_PATHS))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced this branch
        if not isinstance(parent, (dict, list)):
            continue
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            parent.pop(path[-1], None)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(keys)] = draw(values)
        elif isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
            parent[path[-1]] = draw(values)
        elif isinstance(parent, dict):
            parent[path[-1]] = draw(values)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


@FUZZ
@given(content=mixed_profile())
def test_demo_profile_with_random_values_mixed_in(cli_check, fuzz_dir, content):
    check_file(cli_check, fuzz_dir, content)


def test_the_demo_itself_passes(cli_check, fuzz_dir):
    """The control: the harness accepts a good profile (so an all-refused run would be noticed)."""
    before = _figures["ok"]
    check_file(cli_check, fuzz_dir, DEMO_TEXT.encode("utf-8"))
    assert _figures["ok"] == before + 1


# ---------------------------------------------------------------------------------------------
# 4. the logo reader: any file named as a logo is refused, or published harmless
# ---------------------------------------------------------------------------------------------

_SVG_NAMES = ["svg", "g", "rect", "text", "tspan", "script", "foreignObject", "a", "use", "image", "style", "set",
              "animate", "iframe", "title", "x:evil"]
_SVG_ATTRS = ["onload", "onclick", "ONMOUSEOVER", "href", "xlink:href", "style", "fill", "x", "id", "width",
              "values", "to", "attributeName", "src"]
_SVG_VALUES = ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "#a", "data:image/png;base64,iVBORw0KGgo=",
               "data:image/svg+xml;base64,PHN2Zz4=", "url(http://example.invalid/x)", "url(#a)", "fill:red",
               "@import 'x.css'", "\\75 rl(x)", "alert(1)", "10", "&lt;script&gt;"]


@st.composite
def svg_documents(draw) -> bytes:
    def element(depth: int) -> str:
        name = draw(st.sampled_from(_SVG_NAMES))
        attrs = "".join(f' {a}="{v}"' for a, v in draw(st.dictionaries(st.sampled_from(_SVG_ATTRS),
                                                                      st.sampled_from(_SVG_VALUES), max_size=3)).items())
        inner = "".join(element(depth + 1) for _ in range(draw(st.integers(0, 2 if depth < 4 else 0))))
        text = draw(st.sampled_from(["", "alert(1)", "某某", "a<b", "]]>"])).replace("<", "&lt;").replace("]]>", "")
        return f"<{name}{attrs}>{text}{inner}</{name}>"

    body = "".join(element(1) for _ in range(draw(st.integers(0, 3))))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'xmlns:x="urn:x">{body}</svg>').encode()


@FUZZ
@given(content=st.one_of(svg_documents(), st.binary(max_size=64),
                         st.binary(max_size=64).map(lambda b: b"\x89PNG\r\n\x1a\n" + b),
                         st.binary(max_size=64).map(lambda b: b"\xff\xd8\xff" + b)),
       suffix=st.sampled_from([".svg", ".png", ".jpg"]))
def test_any_logo_is_refused_or_published_harmless(fuzz_dir, content, suffix):
    from sqmkit.assets import Refused, load_logo
    from sqmkit.svg import parse_svg, sanitize

    folder = fuzz_dir / f"logo{next(_counter)}"
    folder.mkdir()
    (folder / f"logo{suffix}").write_bytes(content)
    _figures["logos"] += 1
    try:
        logo = load_logo(folder, f"logo{suffix}")
    except Refused as r:
        assert r.problem
        return
    _figures["logos_published"] += 1
    if logo.kind == "SVG":
        low = logo.data.lower()
        for bad in (b"<script", b"javascript", b"foreignobject", b"<set", b"<animate", b"<iframe", b"@import",
                    b"example.invalid", b"svg+xml", b"\\75"):
            assert bad not in low, (bad, logo.data)
        assert not any(k.lower().startswith("on") for el in parse_svg(logo.data).iter() for k in el.attrib)
        assert sanitize(parse_svg(logo.data)).data == logo.data  # a fixed point
