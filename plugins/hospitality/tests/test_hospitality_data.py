"""The hospitality plugin's data: it loads, its references resolve (with every combination of
modules), the demo profile validates and the regulation assembles."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

import sqmkit
from sqmkit import Text, load_profile, lookup

import sqmkit_hospitality

PACK = sqmkit_hospitality.plugin
ROOT = PACK.root
DEMO = sqmkit_hospitality.DEMO_PROFILE

REF_RE = re.compile(r"""\b(ref|form|checklist)\(\s*["']([^"']+)["']""")
PARAM_RE = re.compile(r"\bparams\.([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)")


# ---------------------------------------------------------------------------------------------
# helpers: walk the data the way the core filters it
# ---------------------------------------------------------------------------------------------


def texts(value):
    """Every template string inside a pydantic model / list / Text."""
    if isinstance(value, Text):
        yield from value.values()
    elif isinstance(value, str):
        return
    elif isinstance(value, list):
        for v in value:
            yield from texts(v)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from texts(getattr(value, name))


def on(module, modules):
    return module is None or module in modules


def content(modules):
    """What survives module filtering: clause ids, form ids, checklist ids, and the texts and
    clause lists that must resolve against them, each with where it came from."""
    clauses: set[str] = set()
    refs: list[tuple[str, str, str]] = []  # (where, kind, target)

    def items(prefix, its):
        for it in its:
            if not on(it.module, modules):
                continue
            ident = f"{prefix}.{it.id}"
            clauses.add(ident)
            refs.extend((ident, k, t) for s in texts(it.text) for k, t in REF_RE.findall(s))
            items(ident, it.items)

    for _, ch in PACK.chapter_files:
        if not on(ch.module, modules):
            continue
        clauses.add(ch.id)
        refs.extend((ch.id, k, t) for s in texts([ch.title, ch.intro]) for k, t in REF_RE.findall(s))
        for art in ch.articles:
            if not on(art.module, modules):
                continue
            ident = f"{ch.id}.{art.id}"
            clauses.add(ident)
            refs.extend((ident, k, t) for s in texts([art.title, art.text, art.after, art.block])
                        for k, t in REF_RE.findall(s))
            items(ident, art.items)

    forms = {f.id: f for _, f in PACK.form_files if on(f.module, modules)}
    checklists = {c.id: c for _, c in PACK.checklist_files if on(c.module, modules)}
    for f in forms.values():
        refs.extend((f.id, "ref", cid) for cid in f.clauses)
        refs.extend((f.id, k, t) for s in texts([f.title, f.intro, f.footer, f.sections]) for k, t in REF_RE.findall(s))
    for c in checklists.values():
        for sec in c.sections:
            for it in sec.items:
                if not on(it.module, modules):
                    continue
                where = f"{c.id}.{sec.id}.{it.id}"
                refs.extend((where, "ref", cid) for cid in it.clauses)
                refs.extend((where, k, t) for s in texts([it.text, it.method]) for k, t in REF_RE.findall(s))
    return clauses, set(forms), set(checklists), refs


MODULE_SETS = [list(c) for n in range(3) for c in itertools.combinations(["catering", "spa"], n)]


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


def test_data_loads():
    ind = PACK.industry_spec
    assert ind.id == "hospitality"
    assert set(ind.module_ids()) == {"catering", "spa"}
    chapters = [c for _, c in PACK.chapter_files]
    titled = [c for c in chapters if c.family not in ("general", "supplementary")]
    assert len(titled) >= 12
    assert sum(len(c.articles) for c in chapters) >= 60
    assert {c.family for c in chapters} == {"general", "standards", "controls", "improvement",
                                            "incentives", "supplementary"}
    assert len(PACK.form_files) >= 5
    assert len(PACK.checklist_files) >= 4
    for _, obj in PACK.chapter_files + PACK.form_files + PACK.checklist_files:
        assert obj.id.startswith("hospitality."), obj.id


def test_ids_unique():
    clauses, forms, checklists, _ = content(["catering", "spa"])
    all_ids = [c.id for _, c in PACK.chapter_files] + [f.id for _, f in PACK.form_files] + [c.id for _, c in PACK.checklist_files]
    assert len(all_ids) == len(set(all_ids))
    assert not (clauses & (forms | checklists))


def test_modules_declared():
    known = set(PACK.industry_spec.module_ids())
    used = set()
    for _, ch in PACK.chapter_files:
        used.add(ch.module)
        for art in ch.articles:
            used.add(art.module)
            used.update(it.module for it in art.items)
    used.update(f.module for _, f in PACK.form_files)
    for _, c in PACK.checklist_files:
        used.add(c.module)
        used.update(it.module for s in c.sections for it in s.items)
    assert used - {None} <= known


def test_core_articles_not_duplicated():
    """The core contributes purpose, basis, interpretation, precedence, revision and effect."""
    merged = [a.id for _, c in PACK.chapter_files if c.family in ("general", "supplementary") for a in c.articles]
    assert not set(merged) & {"purpose", "basis", "interpretation", "precedence", "revision", "effect"}
    for _, c in PACK.chapter_files:
        if c.family in ("general", "supplementary"):
            assert all(20 <= a.order < 80 for a in c.articles)


def test_every_parameter_used_and_declared():
    params = PACK.industry_spec.parameters
    source = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.rglob("*.yaml") if p.parent.name != "examples")
    used = set(PARAM_RE.findall(source))
    for path in used:
        lookup(params, path)  # raises if a text uses an undeclared parameter

    def leaves(node, prefix=""):
        for k, v in node.items():
            path = f"{prefix}{k}"
            if isinstance(v, dict):
                yield from leaves(v, path + ".")
            else:
                yield path

    bands = {c.bands for _, c in PACK.checklist_files if isinstance(c.bands, str)}
    grade_params = {b.param for _, ch in PACK.chapter_files for a in ch.articles
                    if a.block is not None and a.block.kind == "grades" for b in [a.block]}
    unused = [p for p in leaves(params) if p not in bands | grade_params
              and not any(u == p or u.startswith(p + ".") for u in used)]
    assert not unused, f"declared but never used: {unused}"


# ---------------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------------


def test_checklist_and_form_clauses_exist():
    clauses, _, _, _ = content(["catering", "spa"])
    for _, f in PACK.form_files:
        assert f.clauses, f"{f.id} names no clause"
        for cid in f.clauses:
            assert cid in clauses, f"form {f.id} names unknown clause {cid}"
    for _, c in PACK.checklist_files:
        for s in c.sections:
            for it in s.items:
                assert it.clauses, f"{c.id}.{s.id}.{it.id} names no clause"
                for cid in it.clauses:
                    assert cid in clauses, f"check item {c.id}.{s.id}.{it.id} names unknown clause {cid}"


def test_checklists_bands_from_parameter():
    params = PACK.industry_spec.parameters
    for _, c in PACK.checklist_files:
        assert isinstance(c.bands, str), f"{c.id}: bands should come from a parameter"
        bands = lookup(params, c.bands)
        assert bands[-1]["min"] == 0
        assert any(it.veto for s in c.sections for it in s.items), f"{c.id} has no veto item"


def test_health_certificate_is_a_veto_item():
    c = next(c for _, c in PACK.checklist_files if c.id == "hospitality.checklists.food-handler-hygiene")
    item = next(it for s in c.sections for it in s.items if it.id == "certificate")
    assert item.veto
    assert "hospitality.standards.food-hygiene.health-certificate" in item.clauses


def test_five_grade_staff_scale():
    bands = PACK.industry_spec.parameters["grading"]["staff"]
    assert [b["grade"] for b in bands] == ["优", "良", "中", "差", "很差"]
    mins = [b["min"] for b in bands]
    assert mins == sorted(mins, reverse=True) and mins[-1] == 0


@pytest.mark.parametrize("modules", MODULE_SETS, ids=lambda m: "+".join(m) or "none")
def test_no_dangling_reference_with_modules(modules):
    """With any module switched off, nothing left refers to that module's clauses, forms or
    checklists."""
    clauses, forms, checklists, refs = content(modules)
    targets = {"ref": clauses, "form": forms, "checklist": checklists}
    dangling = [(where, kind, t) for where, kind, t in refs if t not in targets[kind]]
    assert not dangling


@pytest.mark.parametrize("module", ["catering", "spa"])
def test_module_content_really_goes(module):
    """Switching a module off removes its chapters, forms and checklists."""
    with_it, f_with, c_with, _ = content([module])
    without, f_without, c_without, _ = content([])
    assert with_it - without
    gone = with_it - without
    _, _, _, refs = content([])
    assert not {t for _, _, t in refs} & gone
    assert f_without <= f_with and c_without < c_with


# ---------------------------------------------------------------------------------------------
# the demo profile and the assembled regulation
# ---------------------------------------------------------------------------------------------


def _manager() -> sqmkit.Manager:
    """Just this plugin and the core's default plugin, whatever else is installed."""
    return sqmkit.get_plugin_manager([("hospitality", PACK)], load_entry_points=False)




def test_demo_profile_validates():
    profile, doc = load_profile(DEMO)
    assert profile.id == "demo-hotel"
    assert profile.industry == "hospitality"
    assert set(profile.modules) == {"catering", "spa"}
    mgr = _manager()
    assert sqmkit.check_profile(mgr, profile, doc) == ("hospitality", PACK.industry_spec)
    assert mgr.profile_problems(profile, PACK.industry_spec) == []
    # the hospitality plugin has no profile checks of its own: grade scales are the core's job
    assert "validate_profile" not in mgr.hooks_of("hospitality")


def test_validate_profile_rejects_bad_bands(tmp_path):
    """The core rejects a staff grade scale whose minimums do not descend, pointing at the
    offending band's line in the client's file."""
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["parameters"]["grading"] = {"staff": [
        {"grade": "优", "min": 80}, {"grade": "良", "min": 85}, {"grade": "中", "min": 70},
        {"grade": "差", "min": 60}, {"grade": "很差", "min": 0}]}
    path = tmp_path / "bad-bands.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    profile, doc = load_profile(path)
    with pytest.raises(sqmkit.ProfileError) as caught:
        sqmkit.check_profile(_manager(), profile, doc)
    assert caught.value.where == "parameters.grading.staff[1].min"
    assert caught.value.line == sqmkit.yaml_line(path, ["parameters", "grading", "staff", 1, "min"])


def _assemble(modules=None, parameters=None):
    profile, doc = load_profile(DEMO)
    if modules is not None:
        profile.modules = list(modules)
    if parameters is not None:
        profile.parameters = parameters
    return sqmkit.assemble(_manager(), profile, doc)


@pytest.mark.parametrize("modules", MODULE_SETS, ids=lambda m: "+".join(m) or "none")
def test_assembles_with_modules(modules):
    reg = _assemble(modules)
    ids = set(reg.clause_ids())
    for m in {"catering", "spa"} - set(modules):
        assert not any(i.startswith(f"hospitality.standards.{m}") for i in ids)
    assert not any("\x1e" in t and t.count("\x1e") != t.count("\x1f") for t in _strings(reg.chapters))


def test_assembles_with_default_parameters():
    reg = _assemble(parameters={})
    assert sum(len(c.articles) for c in reg.chapters) >= 60


def test_demo_tailoring_shows():
    reg = _assemble()
    text = "".join(_strings(reg.chapters))
    assert "质检培训部" in text          # a department renamed by the profile
    assert "600元" in text               # an overridden parameter
    assert "{{" not in text and "}}" not in text


_strings = sqmkit.strings_of  # every string inside a node, list or dict
