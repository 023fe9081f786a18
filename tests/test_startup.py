"""Start-up cost: the fast YAML loader (libyaml's parser under sqmkit's own composer) reads every
file exactly as the reference loader does — same values, same lines, same errors — and the
command line does not import the heavy libraries before a command needs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from sqmkit import yamlsafe
from sqmkit.yamlsafe import compose_and_construct

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(p for folder in ("plugins", "sqmkit/builtin", "examples", "tests/fixtures")
                    for p in (ROOT / folder).rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))

pytestmark = pytest.mark.skipif(len(yamlsafe.LOADERS) < 2, reason="PyYAML without libyaml")


def _lines(node: yaml.Node | None) -> list[tuple[str, int, int]]:
    """Every node's kind, line and column, in document order (an empty value has no place of its
    own: libyaml puts it after the indicator, PyYAML before the next token; sqmkit names the line
    of a mapping value by its key)."""
    if node is None:
        return []
    if isinstance(node, yaml.ScalarNode) and node.value == "" and node.style not in ("'", "\"", "|", ">"):
        return [("empty", -1, -1)]
    out = [(type(node).__name__, node.start_mark.line, node.start_mark.column)]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out += _lines(key) + _lines(value)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            out += _lines(child)
    return out


def _read(text: str, fast: bool) -> tuple[object, list[tuple[str, int, int]]] | str:
    try:
        data, root = compose_and_construct(text, fast=fast)
    except yaml.YAMLError as exc:
        return f"{type(exc).__name__}: {exc}"
    return data, _lines(root)


def test_there_are_files_to_compare() -> None:
    assert len(YAML_FILES) > 50


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_fast_loader_reads_every_shipped_file_as_the_reference_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _read(text, fast=True) == _read(text, fast=False)


MALFORMED = [
    "a: 1\na: 2\n",                       # duplicate key
    "a: [1, 2\n",                         # unclosed flow sequence
    "a:\n\t- b\n",                        # a tab as indentation
    "a: b\u0007c\n",                      # a control character
    "[" * 60 + "]" * 60,                  # nested too deep
    "a: &x [1]\nb: *y\n",                 # an unknown alias
    "a: !!binary aGVsbG8=\n",             # a refused tag
    "<<: {a: 1}\n",                       # a merge key
    "a: !!int abc\n",                     # a value its tag cannot convert
    "key: 'unterminated\n",
    "- a\nb: c\n",
    "a: 2025-02-30\n",                    # a date the calendar does not have: a string
]


@pytest.mark.parametrize("text", MALFORMED)
def test_the_fast_loader_refuses_what_the_reference_refuses_with_its_message(text: str) -> None:
    assert _read(text, fast=True) == _read(text, fast=False)


#: pieces of YAML: indicators, breaks of every kind, a byte order mark, anchors, documents
PIECES = [*"ab:- \n[]{},'\"#&*!|>?%@`\t0123456789.", "中", "\r", "\u2028", "\u0085", "\ufeff", "  ", "- ", ": ",
          "\n  ", "key: ", "&a ", "*a", "---", "...", '"\\u00e9"', "'it''s'", "\\"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_the_fast_loader_agrees_on_any_text(text: str) -> None:
    assert _read(text, fast=True) == _read(text, fast=False)


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    code = ("import sys, sqmkit.cli; heavy = ['weasyprint', 'matplotlib', 'openpyxl', 'docx', 'playwright', "
            "'dask', 'distributed', 'tinydb', 'pypdf', 'fontTools', 'PIL', 'watchfiles', 'numpy']; "
            "print(' '.join(m for m in heavy if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []
