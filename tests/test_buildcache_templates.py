"""Compiled templates kept between processes (sqmkit.jinjacache): the same output as compiling,
and never code compiled for another environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from sqmkit import jinjacache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SQMKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(jinjacache, "_folders", {})
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
    monkeypatch.setattr(jinjacache, "_folders", {})
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
