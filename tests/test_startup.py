"""Start-up cost: the fast YAML loader (libyaml's parser under sqmkit's own composer) reads every
file exactly as the reference loader does — same values, same lines, same errors — and the
command line does not import the heavy libraries before a command needs them."""

from __future__ import annotations

import os
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
            "'dask', 'distributed', 'tinydb', 'pypdf', 'pikepdf', 'fontTools', 'PIL', 'watchfiles', 'numpy']; "
            "print(' '.join(m for m in heavy if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert loaded == []


DEMO = ROOT / "plugins/courier/sqmkit_courier/examples/demo-courier.yaml"
HEAVY = ["weasyprint", "matplotlib", "openpyxl", "docx", "playwright", "dask", "distributed", "tinydb", "pypdf",
         "pikepdf", "fontTools", "PIL", "watchfiles", "numpy", "sqmkit.lint", "sqmkit.render.docx_handbook", "sqmkit.cli_actions",
         "sqmkit.cli_inspections", "sqmkit.cli_group", "sqmkit.cli_serve", "sqmkit.plugin_cli"]


def test_checking_a_profile_loads_only_what_the_check_needs() -> None:
    """``sqmkit check`` runs without the heavy libraries, the plugin checker and the other
    commands' code (each command is imported when it runs)."""
    code = ("import sys\nfrom sqmkit.cli import main\ntry:\n    main(['check', sys.argv[1]])\nexcept SystemExit as e:\n"
            "    assert not e.code, e.code\nheavy = sys.argv[2].split()\n"
            "print(' '.join(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(DEMO), " ".join(HEAVY)], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1].split() == []


def test_the_command_list_reads_each_lazy_command_as_its_own_help_does() -> None:
    """``sqmkit --help`` lists a command not imported yet from the help kept in LAZY_COMMANDS:
    the same short help at every width, the same hidden flag, and the same commands."""
    import click

    from sqmkit.cli import LAZY_COMMANDS, cli

    ctx = click.Context(cli)
    for name, (_module, _attribute, hidden, text) in LAZY_COMMANDS.items():
        real = cli.get_command(ctx, name)
        assert real is not None and real.name == name
        stand_in = click.Command(name, help=text, hidden=hidden)
        assert real.hidden == hidden, name
        for limit in range(10, 200, 7):
            assert stand_in.get_short_help_str(limit) == real.get_short_help_str(limit), (name, limit)
    assert set(cli.list_commands(ctx)) >= set(LAZY_COMMANDS)


def test_the_help_lists_every_command_without_importing_them() -> None:
    code = ("import sys\nfrom sqmkit.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('LOADED', ' '.join(m for m in sys.modules\n"
            "                         if m.startswith('sqmkit.cli_') or m == 'sqmkit.plugin_cli'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    listing, loaded = out.split("LOADED")
    assert loaded.split() == ["sqmkit.cli_workspace"]  # where --workspace and find_workspace live
    for name in ("actions", "build", "check", "client", "diff", "group", "industries", "init", "inspections", "issue",
                 "plugin", "plugins", "profile", "rebuild", "report", "serve"):
        assert f"\n  {name} " in listing, name
    assert "\n  results " not in listing  # hidden


@pytest.mark.parametrize("args", [["bulid"], ["acton", "list"], ["resuls"]])
def test_a_mistyped_command_is_answered_with_the_lazy_commands_too(args: list[str]) -> None:
    from click.testing import CliRunner

    from sqmkit.cli import cli

    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "Did you mean" in result.output


def test_the_public_api_is_imported_on_first_use_and_keeps_its_names() -> None:
    """``import sqmkit`` imports no module of the pipeline; every name of ``__all__`` resolves, and
    ``sqmkit.build`` / ``sqmkit.assemble`` stay the functions once their modules are imported."""
    code = ("import sys, sqmkit\nfirst = sorted(m for m in sys.modules if m.startswith('sqmkit.'))\n"
            "import sqmkit.build, sqmkit.assemble\nfrom sqmkit import *\n"
            "assert all(getattr(sqmkit, n) is not None for n in sqmkit.__all__)\n"
            "from sqmkit.build import build as b\nfrom sqmkit.assemble import assemble as a\n"
            "assert sqmkit.build is b and sqmkit.assemble is a, (sqmkit.build, sqmkit.assemble)\n"
            "assert set(sqmkit.__all__) <= set(dir(sqmkit))\nprint(first)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    with pytest.raises(AttributeError):
        getattr(__import__("sqmkit"), "no_such_name")


def test_importing_the_schema_builds_no_validator() -> None:
    """Models are built on first use (``defer_build``): importing the schema only declares them."""
    code = ("import pydantic, sqmkit.schema, sqmkit.profile\n"
            "def subs(c):\n    for s in c.__subclasses__():\n        yield s\n        yield from subs(s)\n"
            "print(' '.join(sorted(m.__qualname__ for m in set(subs(pydantic.BaseModel)) if m.__pydantic_complete__ "
            "and m.__module__ in ('sqmkit.schema', 'sqmkit.blocks', 'sqmkit.industry', 'sqmkit.profile'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_registering_the_core_formats_loads_no_renderer_library() -> None:
    """A build registers every format; the libraries of one (python-docx for the Word editions,
    WeasyPrint for the PDFs) are imported when it renders, so an HTML-only build never loads them."""
    code = ("import sys\nfrom sqmkit.builtin import plugin\nnames = [f.name for f in plugin.register_output_formats()]\n"
            "print(' '.join(names))\nprint(' '.join(m for m in ('docx', 'lxml', 'weasyprint', 'openpyxl', 'matplotlib')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].split() == ["html", "checklists", "forms", "pdf", "docx"]
    assert out[1:] in ([], [""])


def test_a_build_the_cache_finds_up_to_date_loads_neither_pydantic_nor_jinja(tmp_path: Path) -> None:
    """A no-op build hashes files and reads a manifest: it imports no model, no validator, no
    template engine and no renderer (the plugins are imported, their data is not read)."""
    code = ("import sys\nfrom sqmkit.cli import main\ntry:\n    main(['build', sys.argv[1], '-f', 'html', '-o', sys.argv[2], "
            "'-q'])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print(' '.join(m for m in ('pydantic', 'jinja2', 'sqmkit.model', 'sqmkit.schema', 'sqmkit.profile', "
            "'sqmkit.render', 'weasyprint') if m in sys.modules))")
    env = {**os.environ, "SQMKIT_CACHE_DIR": str(tmp_path / "cache")}
    args = [sys.executable, "-c", code, str(DEMO), str(tmp_path / "out")]
    first = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
    assert "pydantic" in first.stdout.split()  # the first build validates and renders
    again = subprocess.run(args, capture_output=True, text=True, check=True, env=env)
    assert "up to date" in again.stdout
    assert again.stdout.splitlines()[-1].split() == []


def test_a_no_op_build_in_a_workspace_reads_no_record_and_loads_no_pydantic(tmp_path: Path) -> None:
    """In a workspace the no-op asks the store whether it knows the client and for its issued
    versions (none yet); no record is checked, so pydantic is not imported either."""
    env = {**os.environ, "SQMKIT_CACHE_DIR": str(tmp_path / "cache")}
    sqmkit = [sys.executable, "-m", "sqmkit.cli"]
    ws = tmp_path / "ws"
    subprocess.run([*sqmkit, "init", str(ws)], check=True, capture_output=True, env=env)
    subprocess.run([*sqmkit, "client", "import", str(DEMO)], check=True, capture_output=True, env=env, cwd=ws)
    code = ("import sys\nfrom sqmkit.cli import main\ntry:\n    main(['build', 'demo-courier', '-f', 'html', '-q'])\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "print(' '.join(m for m in ('pydantic', 'jinja2', 'sqmkit.storerows') if m in sys.modules))")
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ws)
    assert "pydantic" in first.stdout.split()
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ws)
    assert "up to date" in again.stdout
    assert again.stdout.splitlines()[-1].split() == []
