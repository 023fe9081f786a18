"""The three industries' demo handbooks, read for the defects issue 17 found (the core's side):
references declared and cited consistently, a real unit interprets the regulation, the
organization chapter right after 总则, a self-description that matches the chapters, no 100 %
attainment target, appendices by code, a post's parenthetical printed once, and the plugins clean
of the content linter's errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sqmkit
from sqmkit.model import DutiesNode, KpisNode
from sqmkit.normrefs import CORE_REFERENCES, citation
from sqmkit.finish import code_key

ROOT = Path(__file__).resolve().parents[1]
DEMOS = {name: next((ROOT / "plugins" / name).glob("sqmkit_*/examples/demo-*.yaml"))
         for name in ("courier", "clinic", "hospitality")}
CONTENT_CODES = {"citation", "authority", "kpi-target", "article-style", "record-names", "self-description"}


@pytest.fixture(scope="module", params=sorted(DEMOS))
def reg(request):
    return sqmkit.load(DEMOS[request.param])[3]


def all_texts(reg):
    for node in reg.clauses():
        for text in (getattr(node, "title", None), getattr(node, "text", None), getattr(node, "after", None)):
            if text:
                yield text


def test_every_book_title_is_a_declared_reference_or_a_record_of_the_plugin(reg):
    refs = [*reg.industry.references, *CORE_REFERENCES]
    declared = {f"《{r.title.get(reg.language)}》": citation(r, reg.language) for r in refs}
    records = {f"《{f.title}》" for f in reg.forms} | {f"《{c.title}》" for c in reg.checklists}
    for text in all_texts(reg):
        text = re.sub("\x1e[^\x1f]*\x1f", "", text)  # form() and checklist() links
        for found in re.finditer(r"《[^《》]+》", text):
            title = found.group(0)
            assert title in declared or title in records, title
            if title in declared:  # as cite() prints it: a standard with its number
                assert text[found.start():].startswith(declared[title]), title


def test_no_two_references_share_a_title_and_the_basis_lists_them(reg):
    titles = [r.title.get("zh-CN") for r in reg.industry.references]
    assert len(titles) == len(set(titles)) and titles, "the industry declares references"
    (basis,) = [a for a in reg.chapters[0].articles if a.id == "core.general.basis"]
    listed = [r.text for kind in basis.items for r in kind.items]
    assert len(listed) == len(set(listed)) >= 2


def test_a_real_unit_interprets_the_regulation(reg):
    (clause,) = [a for a in reg.chapters[-1].articles if a.id == "core.supplementary.interpretation"]
    owner = reg.document.owner or reg.org.departments[reg.industry.quality_department]
    assert clause.text == f"本制度由{owner}负责解释。"
    assert not any("某某" in t and "质量管理部门" in t for t in all_texts(reg))


def test_the_organization_chapter_follows_the_general_provisions_and_the_outline_is_true(reg):
    assert reg.chapters[0].family == "general"
    assert any(isinstance(a.block, DutiesNode) for a in reg.chapters[1].articles), reg.chapters[1].title
    outline = reg.chapters[0].articles[-1]
    assert outline.text.count("“") == len(reg.chapters) and all(f"“{c.title}”" in outline.text for c in reg.chapters)
    assert not any(re.search(r"本制度由[^。]*部分组成", t) for t in all_texts(reg))


def test_no_attainment_rate_targets_100_percent(reg):
    for node in reg.clauses():
        block = getattr(node, "block", None)
        if isinstance(block, KpisNode):
            assert not any(re.search(r"(?<![\d.])100(\.0+)?\s*%", k.target or "") for k in block.kpis), node.id
    assert not any(re.search(r"率[^，。；]{0,10}(≥|不低于|达到)\s*100\s*%", t) for t in all_texts(reg))


def test_appendix_lists_come_by_code(reg):
    assert [f.code for f in reg.forms] == sorted((f.code for f in reg.forms), key=code_key)
    assert [c.code for c in reg.checklists] == sorted((c.code for c in reg.checklists), key=code_key)


def test_a_posts_parenthetical_is_printed_once(reg):
    text = "".join(all_texts(reg))
    for name in reg.org.roles.values():
        if re.search(r"（[^）]*）$", name):
            assert text.count(name) <= 1, name


@pytest.mark.parametrize("plugin", sorted(DEMOS))
def test_the_plugins_have_no_content_linter_errors(plugin):
    report = sqmkit.check_plugin(ROOT / "plugins" / plugin, assemble=False)
    assert not [f.format() for f in report.errors if f.code in CONTENT_CODES]
