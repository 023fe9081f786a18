"""Compiled templates kept between processes (sqmkit.jinjacache): the same output as compiling,
and never code compiled for another environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from sqmkit import diskcache, jinjacache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SQMKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(diskcache, "_folders", {})
    return tmp_path / "cache"


def _env(upper: Any = None) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["shout"] = upper or (lambda s: s.upper() + "!")
    return env


SOURCE = "{{ 'hello'|shout }} {{ name }} {% for i in range(3) %}{{ i }}{% endfor %}"


def test_a_cached_template_renders_as_a_compiled_one(cache: Path) -> None:
    first = jinjacache.from_string(_env(), SOURCE).render(name="<b>")
    assert list(cache.rglob("*.jinja"))  # written
    again = jinjacache.from_string(_env(), SOURCE).render(name="<b>")
    assert first == again == _env().from_string(SOURCE).render(name="<b>") == "HELLO! &lt;b&gt; 012"


def test_a_replaced_filter_runs_and_is_not_baked_in(cache: Path) -> None:
    jinjacache.from_string(_env(), SOURCE).render(name="x")
    assert jinjacache.from_string(_env(lambda s: "quiet"), SOURCE).render(name="x").startswith("quiet ")


def test_a_filter_called_with_the_context_is_another_environment(cache: Path) -> None:
    @jinja2.pass_context
    def with_context(context: jinja2.runtime.Context, s: str) -> str:
        return f"{s}/{context['name']}"

    plain, passing = _env(), _env(with_context)
    assert jinjacache.fingerprint(plain) != jinjacache.fingerprint(passing)
    jinjacache.from_string(plain, SOURCE).render(name="x")
    assert jinjacache.from_string(passing, SOURCE).render(name="x").startswith("hello/x ")


def test_an_empty_cache_setting_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMKIT_CACHE_DIR", "")
    monkeypatch.setattr(diskcache, "_folders", {})
    env = jinjacache.attach(_env())
    assert env.bytecode_cache is None and jinjacache.from_string(env, SOURCE).render(name="y").endswith("y 012")


def test_another_process_reads_what_this_one_wrote(cache: Path) -> None:
    here = jinjacache.from_string(_env(), SOURCE).render(name="z")
    entries = sorted(p.name for p in cache.rglob("*.jinja"))
    code = ("import jinja2; from sqmkit import jinjacache; env = jinja2.Environment(autoescape=True, "
            "undefined=jinja2.StrictUndefined); env.filters['shout'] = lambda s: s.upper() + '!'; "
            f"print(jinjacache.from_string(env, {SOURCE!r}).render(name='z'))")
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"SQMKIT_CACHE_DIR": str(cache), "PATH": "/usr/bin:/bin"}).stdout.strip()
    assert there == here and sorted(p.name for p in cache.rglob("*.jinja")) == entries  # read, not written again


# -- tailored texts go through the cache --------------------------------------------------------

TEXTS = ["{{ ['甲', '乙', '丙'] | join_cn }}", "{{ 2 | zh_count }}个等级", "（N−1）{{ params.m | factor }}",
         "见{{ ref('ch.a') }}，填写{{ form('f1') }}", "{{ org.roles.qa | short }}负责", "  {{ params.m }}  ",
         "{{ params }}", "{{ nothing.here }}", "{{ oops", "{{ ''.__class__ }}", "{{ params.m | zh_count(1) }}"]
CONTEXT = {"params": {"m": 2}, "org": {"roles": {"qa": "质控员（兼任）"}}}


def _rendered(text: str) -> str:
    from sqmkit.textrender import TextError, TextRenderer

    try:
        return TextRenderer(CONTEXT, "zh-CN").text(text, "x.y") or ""
    except TextError as exc:
        return f"error: {exc.problem}"


def test_a_text_renders_the_same_with_the_cache_as_without(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jinjacache, "_codes", {})
    cold = [_rendered(t) for t in TEXTS]
    assert list(cache.rglob("*.jinja"))  # the texts' code was written
    monkeypatch.setattr(jinjacache, "_codes", {})
    warm = [_rendered(t) for t in TEXTS]  # read back from the files
    monkeypatch.setenv("SQMKIT_CACHE_DIR", "")
    monkeypatch.setattr(diskcache, "_folders", {})
    plain = [_rendered(t) for t in TEXTS]
    assert cold == warm == plain
    assert plain[:3] == ["甲、乙和丙", "两个等级", "（N−1）×2"] and plain[6].startswith("error: ")


def test_a_text_is_compiled_once_in_a_process(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqmkit.textrender import TextRenderer

    monkeypatch.setattr(jinjacache, "_codes", {})
    first = TextRenderer({"params": {"m": 2}}, "zh-CN").text("{{ params.m | zh_count }}次", "a")
    second = TextRenderer({"params": {"m": 3}}, "zh-CN").text("{{ params.m | zh_count }}次", "b")  # another client
    assert (first, second) == ("两次", "三次") and len(jinjacache._codes) == 1


def test_what_the_compiler_reads_of_an_environment_is_in_its_fingerprint() -> None:
    from jinja2.sandbox import SandboxedEnvironment

    @jinja2.pass_context
    def with_context(context: Any, value: Any) -> Any:
        return value

    plain, finalizing = _env(), _env()
    plain.finalize, finalizing.finalize = (lambda value: value), with_context  # compiled into calls unlike
    assert jinjacache.fingerprint(plain) != jinjacache.fingerprint(finalizing)
    sandbox, intercepting = SandboxedEnvironment(), SandboxedEnvironment()
    intercepting.intercepted_binops = frozenset({"**"})
    assert jinjacache.fingerprint(sandbox) != jinjacache.fingerprint(intercepting)


def test_a_template_is_escaped_as_its_own_environment_decides(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.html").write_text("{{ x }}", encoding="utf-8")

    def env(escaped: list[str]) -> jinja2.Environment:
        return jinjacache.attach(jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")),
                                                    autoescape=jinja2.select_autoescape(escaped)))

    assert env(["html"]).get_template("page.html").render(x="<b>") == "&lt;b&gt;"
    assert env(["xml"]).get_template("page.html").render(x="<b>") == "<b>"
