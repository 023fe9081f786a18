"""Messages in the user's language, and documents in one language only.

- Every message the source wraps in ``_()`` has a Chinese translation in the gettext catalog, with
  the same placeholders (so a translation cannot break ``.format``).
- A profile in zh-CN gets Chinese messages whatever the locale; a Chinese locale gets Chinese
  messages before any profile is read; otherwise English.
- ``language: en`` is all or nothing: refused, naming the plugin, when the industry is not complete
  in English; and when an industry declares English, every text missing it is listed.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

import sqmkit
from sqmkit import messages
from sqmkit.cli import cli

SOURCE = Path(sqmkit.__file__).parent
PLACEHOLDER = re.compile(r"\{[a-z_]*(![rs])?\}")


def source_messages() -> set[str]:
    found: set[str] = set()
    for _file, _line, msg, _comments, _ctx in extract_from_dir(
            str(SOURCE), keywords={"_": None, "ngettext": (1, 2)}, comment_tags=()):
        found.update([msg] if isinstance(msg, str) else [m for m in msg if m])
    return found


def catalog() -> dict[str, str]:
    with messages.catalog_path("zh-CN").open("rb") as f:
        cat = read_po(f)
    out: dict[str, str] = {}
    for m in cat:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for msgid in ids if ids[0] else ():  # a plural's forms share its one Chinese form
            out[msgid] = strings[0] if not m.fuzzy else ""
    return out


def test_every_message_has_a_chinese_translation_with_the_same_placeholders():
    cat = catalog()
    wanted = source_messages()
    assert len(wanted) > 5
    missing = sorted(m for m in wanted if not cat.get(m))
    assert not missing, f"{len(missing)} messages have no zh_CN translation (run `make messages`): {missing[:10]}"
    for msgid in wanted:
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(cat[msgid])), msgid
        assert sorted(re.findall(r"\{[^}]*\}", msgid)) == sorted(re.findall(r"\{[^}]*\}", cat[msgid])), msgid


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh-CN"), ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US"}, "zh-CN"),
    ({"LANG": "en_GB.UTF-8"}, "en"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"), ({"LANG": "de_DE"}, "en"),
    ({"LANGUAGE": "zh_CN:en"}, "zh-CN"),
])
def test_the_locale_chooses_chinese_or_english(environ, expected):
    assert messages.locale_language(environ) == expected


def run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, env=env)
    return result.exit_code, result.output


@pytest.fixture
def no_forced_language(monkeypatch):
    monkeypatch.delenv("SQMKIT_LANG", raising=False)
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    yield
    messages.set_language(None)


def test_a_chinese_profile_gets_chinese_messages_under_an_english_locale(make_profile, no_forced_language):
    path = make_profile(lambda d: d["company"].update(bogus=1))
    code, out = run(["check", str(path)], {"LANG": "en_US.UTF-8"})
    assert code == 1 and out.startswith("错误：") and str(path) in out and "company.bogus" in out, out
    assert "Error" not in out and "Traceback" not in out


def test_a_chinese_locale_gets_chinese_messages_before_any_profile_is_read(tmp_path, no_forced_language):
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    code, out = run(["check", str(path)], {"LANG": "zh_CN.UTF-8"})
    assert code == 1 and out.startswith("错误：") and f"{path}:" in out, out
    code, out = run(["check", str(path)], {"LANG": "en_US.UTF-8"})
    assert code == 1 and out.startswith("Error: ") and f"{path}:" in out, out


def test_an_english_profile_for_a_chinese_only_industry_is_refused_naming_the_plugin(make_profile):
    path = make_profile(lambda d: d.update(language="en"))
    code, out = run(["check", str(path)], {})
    assert code == 1, out
    assert f"{path}:" in out and "at language" in out and "'courier'" in out and "no en content" in out, out


# -- an industry that declares English must be complete in it -----------------------------------

PACK_FILES = {
    "industry.yaml": """\
        id: bilingual
        name: {zh-CN: 双语行业, en: Bilingual trade}
        languages: [zh-CN, en]
        parameters: {}
        """,
    "rules/10-standards.yaml": """\
        id: bilingual.standards.service
        family: standards
        title: {zh-CN: 服务标准, en: Service standards}
        order: 10
        articles:
          - id: greeting
            title: {zh-CN: 问候, en: Greeting}
            text: {zh-CN: 员工应当主动问候客户。, en: Staff greet every customer first.}
          - id: uniform
            title: {zh-CN: 着装, en: Dress}
            text: 员工上岗应当穿着统一工装。
        """,
}


def test_a_text_without_the_documents_language_is_listed_with_plugin_file_and_field(tmp_path, sqmkit_manager):
    root = tmp_path / "pack"
    for rel, text in PACK_FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    profile = {"id": "bi", "company": {"name": "Bilingual Ltd", "short_name": "Bilingual"}, "industry": "bilingual",
               "language": "en", "document": {"number": "B-1", "version": "A/0", "prepared_by": "Quality",
                                               "reviewed_by": "Deputy", "approved_by": "CEO", "owner": "Quality",
                                               "effective_date": "2026-01-01"}}
    path = tmp_path / "bi.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    mgr = sqmkit_manager(("bilingual", sqmkit.DataPack(root)))
    prof, doc = sqmkit.load_profile(path)
    with pytest.raises(sqmkit.errors.BuildError) as info:
        sqmkit.assemble(mgr, prof, doc)
    text = str(info.value)
    assert "language en" in text and "'bilingual', 10-standards.yaml: bilingual.standards.service.uniform" in text
    assert "greeting" not in text  # complete texts are not listed


def test_no_module_that_translates_rebinds_the_translation_function():
    """``_`` is the translation function wherever it is imported: a throw-away ``_`` variable in
    the same module would shadow it and crash the next message (as ``_, prof, _, reg = …`` did)."""
    import ast

    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_it = any(isinstance(n, ast.ImportFrom) and (n.module or "").endswith("messages")
                         and any(a.name == "_" and a.asname is None for a in n.names) for n in ast.walk(tree))
        if imports_it:
            offenders += [f"{path.relative_to(SOURCE)}:{n.lineno}" for n in ast.walk(tree)
                          if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)]
    assert not offenders, offenders


def test_messages_inside_f_strings_are_in_the_catalog_too():
    """Babel's extractor does not look inside f-strings; the AST does, so a ``_()`` there that
    `make messages` missed is caught here."""
    import ast

    cat = catalog()
    missing = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                    and not cat.get(node.args[0].value)):
                missing.append(f"{path.relative_to(SOURCE)}:{node.lineno}: {node.args[0].value!r}")
    assert not missing, missing
