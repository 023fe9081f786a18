"""Texts that only print values are rendered without compiling them: the same text, or the same
error, as the template Jinja compiles from them."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqmkit.textrender import TextError, TextRenderer, substitutions

CONTEXT: dict[str, Any] = {
    "org": {"roles": {"qa": "质控员（兼任）", "items": "条目"}, "name": None, "count": 3, "list": [1, 2]},
    "params": {"count": [1, 2], "name": {"a": 1}, "upper": True, "rate": 0.5},
    "company": {"name": "某某快递", "short_name": "某某"},
    "items": "top",
}
NAMES = ["org", "params", "company", "nowhere", "_private", "ref", "cite", "range", "items", "none", "self", "true",
         "if", "lipsum"]
ATTRIBUTES = ["roles", "qa", "items", "keys", "__class__", "_x", "name", "count", "nowhere", "upper", "short_name",
              "list", "rate", "a", "mro"]
LITERALS = ["由", "负责", " ", "\n", "，", "a", "  \n", "}", "{", "\r", "%", "#"]


def _outcome(run: Callable[[], str]) -> tuple[str, str]:
    try:
        return "text", run()
    except Exception as exc:  # the same kind of error, with the same words
        return type(exc).__name__, str(exc)


def _substitution(draw: Any) -> str:
    path = [draw(st.sampled_from(NAMES))] + draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3))
    space = draw(st.sampled_from(["", " ", "  ", "\n"]))
    return "{{" + space + ".".join(path) + draw(st.sampled_from(["", " ", "\t"])) + "}}"


@st.composite
def texts(draw: Any) -> str:
    pieces = draw(st.lists(st.one_of(st.sampled_from(LITERALS), st.builds(lambda: None)), min_size=1, max_size=8))
    return "".join(p if p is not None else _substitution(draw) for p in pieces)


@settings(max_examples=500, deadline=None)
@given(texts())
def test_a_text_of_substitutions_renders_as_its_compiled_template(source: str) -> None:
    render = TextRenderer(CONTEXT, "zh-CN")
    parts = substitutions(source)
    compiled = _outcome(lambda: render.env.from_string(source).render(render.context))
    if parts is not None:  # any other text goes to Jinja
        assert _outcome(lambda: render._substitute(parts)) == compiled


@pytest.mark.parametrize("source", ["{{ x | upper }}", "{{ ref('a') }}", "{% if x %}a{% endif %}", "{# c #}{{ x }}",
                                    "{{- x }}", "{{ x.0 }}", "{{ none }}", "{{ self }}", "a\r\n{{ x }}", "{{ x[1] }}",
                                    "{ {{ x }}", "{{ x . y }}"])
def test_anything_but_plain_substitutions_is_left_to_jinja(source: str) -> None:
    assert substitutions(source) is None


def test_the_renderer_prints_values_and_reports_errors_as_before() -> None:
    render = TextRenderer(CONTEXT, "zh-CN")
    assert render.text("由{{ org.roles.qa }}负责，{{ company.short_name }}。\n", "a") == "由质控员（兼任）负责，某某。"
    assert substitutions("由{{ org.roles.qa }}负责\n") == ("由", ("org", "roles", "qa"), "负责")
    for source, words in [("{{ org.nowhere }}", "undefined value"), ("{{ org.roles }}", "a mapping"),
                          ("{{ org.name }}", "nothing (None)"), ("{{ company.__class__ }}", "unsafe")]:
        with pytest.raises(TextError) as found:
            render.text(source, "x.y")
        assert words in found.value.problem or words in str(found.value), (source, found.value.problem)
