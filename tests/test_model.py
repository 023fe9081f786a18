"""The document model: typed nodes, the walk API, indexes filled by the assembler, and issued
revisions that go into assembly."""

from __future__ import annotations

import datetime as dt

import pytest

from sqmkit import (
    ArticleNode, ChapterNode, ChecklistNode, FormNode, Issued, ItemNode, Regulation, assemble, get_plugin_manager,
    load_profile,
)
from sqmkit.model import BandNode, GradesNode, TableNode


@pytest.fixture(scope="module")
def reg(demo_profile_path) -> Regulation:
    return assemble(get_plugin_manager(), *load_profile(demo_profile_path))


def test_clauses_walk_the_tree_in_document_order(reg):
    walked = list(reg.clauses())
    expected = []
    for chapter in reg.chapters:
        expected.append(chapter.id)
        for article in chapter.articles:
            expected.append(article.id)
            stack = list(article.items)
            while stack:
                item = stack.pop(0)
                expected.append(item.id)
                stack[:0] = item.items
    assert [c.id for c in walked] == expected == reg.clause_ids()
    assert {type(c) for c in walked} == {ChapterNode, ArticleNode, ItemNode}


def test_the_index_is_complete_when_the_model_is_made(reg):
    for clause in reg.clauses():
        assert reg.clause(clause.id) is clause
    assert all(reg.form(f.id) is f for f in reg.forms) and all(isinstance(f, FormNode) for f in reg.forms)
    assert all(reg.checklist(c.id) is c for c in reg.checklists)
    assert all(isinstance(c, ChecklistNode) for c in reg.checklists)
    # every check item's clauses point back at it, every form's clauses at the form
    for checklist in reg.checklists:
        for item in checklist.items():
            for cid in item.clauses:
                assert (checklist.id, item.id) in reg.checked_by(cid)
    for form in reg.forms:
        for cid in form.clauses:
            assert form.id in reg.forms_for(cid)
    with pytest.raises(KeyError):
        reg.clause("no.such.clause")


def test_leaves_are_typed_nodes_with_the_clients_values(reg):
    blocks = [a.block for c in reg.chapters for a in c.articles if a.block is not None]
    grades = [b for b in blocks if isinstance(b, GradesNode)]
    assert grades and all(isinstance(band, BandNode) for g in grades for band in g.bands)
    assert grades[0].kind == "grades" and grades[0].bands[-1].min == 0
    assert any(isinstance(b, TableNode) for b in blocks) or blocks
    band = reg.checklists[0].bands[0]
    assert isinstance(band.grade, str) and isinstance(band.min, float)


def test_texts_cover_every_printable_string(reg):
    texts = "".join(reg.texts())
    assert reg.company.name in texts and reg.document.number in texts
    assert all(c.title in texts for c in reg.chapters)
    assert all(i.text in texts for c in reg.checklists for i in c.items())


def test_issued_versions_go_into_assembly(demo_profile_path):
    profile, doc = load_profile(demo_profile_path)
    issued = [Issued("Z/9", dt.date(2030, 1, 2), "发布第九版"), Issued(profile.document.revisions[0].version,
                                                                     dt.date(1999, 1, 1), "ignored duplicate")]
    reg = assemble(get_plugin_manager(), profile, doc, issued)
    versions = [r.version for r in reg.revisions]
    assert versions[-1] == "Z/9" and reg.revisions[-1].description == "发布第九版"
    assert versions.count(profile.document.revisions[0].version) == 1  # the profile's own entry wins
    assert [r.date for r in reg.revisions] == sorted(r.date for r in reg.revisions)
