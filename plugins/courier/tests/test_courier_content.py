"""Content tests for the courier plugin: the data pack is complete, consistent and tailorable."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml

import sqmkit
import sqmkit_courier
from sqmkit import DataPack, load_profile, lookup

PACK_DIR = sqmkit_courier.plugin.root
DEMO = sqmkit_courier.DEMO_PROFILE


@pytest.fixture(scope="module")
def pack() -> DataPack:
    return sqmkit_courier.plugin


def _manager() -> sqmkit.Manager:
    """Just this plugin and the core's default plugin, whatever else is installed."""
    return sqmkit.get_plugin_manager([("courier", sqmkit_courier.plugin)], load_entry_points=False)


_strings = sqmkit.strings_of  # every string inside a node, list or dict




@pytest.fixture(scope="module")
def industry(pack):
    return pack.industry_spec


def _walk_items(prefix, items, module, out):
    for it in items:
        ident = f"{prefix}.{it.id}"
        m = it.module or module
        out[ident] = m
        _walk_items(ident, it.items, m, out)


@pytest.fixture(scope="module")
def clause_modules(pack) -> dict[str, str | None]:
    """Every clause id of the pack (chapters, articles, items) → the module it depends on."""
    out: dict[str, str | None] = {}
    for _, ch in pack.chapter_files:
        out[ch.id] = ch.module
        for art in ch.articles:
            ident = f"{ch.id}.{art.id}"
            m = art.module or ch.module
            out[ident] = m
            _walk_items(ident, art.items, m, out)
    return out


def _all_yaml_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(PACK_DIR.rglob("*.yaml"))
                     if "examples" not in p.parts)


# -- size and shape ---------------------------------------------------------------------------


def test_pack_is_substantial(pack):
    chapters = [c for _, c in pack.chapter_files]
    titled = [c for c in chapters if c.family not in ("general", "supplementary")]
    articles = sum(len(c.articles) for c in chapters)
    assert len(titled) >= 12
    assert articles >= 60
    assert {c.family for c in chapters} == {"general", "standards", "controls", "improvement",
                                            "incentives", "supplementary"}
    assert len(pack.form_files) >= 4
    assert len(pack.checklist_files) >= 2


def test_chapter_ids_are_namespaced(pack):
    for _, obj in itertools.chain(pack.chapter_files, pack.form_files, pack.checklist_files):
        assert obj.id.startswith("courier."), obj.id


def test_general_and_supplementary_do_not_clash_with_core(pack):
    """The core owns purpose (10), basis (15) and 附则 orders 80-95."""
    for _, ch in pack.chapter_files:
        if ch.family == "general":
            assert all(a.order > 15 for a in ch.articles)
            assert not {a.id for a in ch.articles} & {"purpose", "basis"}
        if ch.family == "supplementary":
            assert all(a.order < 80 for a in ch.articles)
            assert not {a.id for a in ch.articles} & {"interpretation", "precedence", "revision", "effect"}


def test_modules_declared(industry, pack, clause_modules):
    assert industry.module_ids() == ["cod", "appointment"]
    used = {m for m in clause_modules.values() if m}
    used |= {f.module for _, f in pack.form_files if f.module}
    for _, c in pack.checklist_files:
        used |= {it.module for s in c.sections for it in s.items if it.module}
    assert used == {"cod", "appointment"}


# -- references -------------------------------------------------------------------------------


def test_checklist_clauses_exist_and_respect_modules(pack, clause_modules):
    for _, c in pack.checklist_files:
        for s in c.sections:
            for it in s.items:
                assert it.clauses, f"{c.id}.{s.id}.{it.id} names no clause"
                for cid in it.clauses:
                    assert cid in clause_modules, f"{c.id}.{s.id}.{it.id}: unknown clause {cid}"
                    needed = clause_modules[cid]
                    assert needed in (None, it.module, c.module), \
                        f"{c.id}.{s.id}.{it.id} checks {cid} (module {needed}) without module: {needed}"


def test_form_clauses_exist_and_respect_modules(pack, clause_modules):
    for _, f in pack.form_files:
        assert f.clauses, f"form {f.id} names no clause"
        for cid in f.clauses:
            assert cid in clause_modules, f"form {f.id}: unknown clause {cid}"
            assert clause_modules[cid] in (None, f.module), f"form {f.id}: {cid} needs module {clause_modules[cid]}"


def test_every_form_and_checklist_is_required_by_a_clause(pack):
    rules = "\n".join(p.read_text(encoding="utf-8") for p in sorted((PACK_DIR / "rules").glob("*.yaml")))
    for _, f in pack.form_files:
        assert f"form('{f.id}')" in rules or f'form("{f.id}")' in rules, f"form {f.id} is never referenced"
    for _, c in pack.checklist_files:
        assert f"checklist('{c.id}')" in rules or f'checklist("{c.id}")' in rules, \
            f"checklist {c.id} is never referenced"


def test_ref_targets_exist(clause_modules):
    targets = re.findall(r"ref\(['\"]([a-z0-9.\-]+)['\"]", _all_yaml_text())
    assert targets
    for t in targets:
        assert t in clause_modules, f"ref to unknown clause {t}"


def test_checklists_have_veto_items(pack):
    by_id = {c.id: c for _, c in pack.checklist_files}
    conduct = {it.id for s in by_id["courier.conduct-check"].sections for it in s.items if it.veto}
    vehicle = {it.id for s in by_id["courier.vehicle-check"].sections for it in s.items if it.veto}
    assert {"private-fees", "no-opening", "gifts"} <= conduct
    assert "brakes" in vehicle


# -- parameters and organization --------------------------------------------------------------


def test_every_parameter_used_is_declared(industry):
    used = set(re.findall(r"params\.([a-z_][a-z0-9_.]*[a-z0-9_])", _all_yaml_text()))
    assert used
    for path in used:
        lookup(industry.parameters, path)  # raises MissingParameter


def test_every_department_and_role_used_is_declared(industry):
    text = _all_yaml_text()
    for key in set(re.findall(r"org\.departments\.([a-z_]+)", text)):
        assert key in industry.departments, f"department {key} not declared"
    for key in set(re.findall(r"org\.roles\.([a-z_]+)", text)):
        assert key in industry.roles, f"role {key} not declared"


def test_checklist_bands_are_parameters(pack, industry):
    for _, c in pack.checklist_files:
        assert isinstance(c.bands, str)
        bands = lookup(industry.parameters, c.bands)
        mins = [b["min"] for b in bands]
        assert mins == sorted(mins, reverse=True) and mins[-1] == 0


def test_courier_grades_default(industry):
    bands = lookup(industry.parameters, "grading.courier")
    assert [(b["grade"], b["min"]) for b in bands] == [("A", 90), ("B", 75), ("C", 0)]


def test_vehicle_paint_threshold_is_one_cm2(industry, pack):
    assert lookup(industry.parameters, "vehicle.paint_damage_max_cm2") == 1
    body = next(a for _, c in pack.chapter_files if c.id == "courier.standards.vehicles"
                for a in c.articles if a.id == "body")
    assert "params.vehicle.paint_damage_max_cm2" in body.text.get()


def test_incentive_defaults_from_seed(industry):
    p = industry.parameters
    assert lookup(p, "penalty.complaint_points") == 5
    assert lookup(p, "penalty.supervisor_points") == 3
    assert lookup(p, "reward.service_star_amount") == 500
    assert lookup(p, "penalty.worst_rated_fine") == 500


# -- the demo profile -------------------------------------------------------------------------


def test_demo_profile_validates(industry):
    profile, doc = load_profile(DEMO)
    mgr = _manager()
    assert sqmkit.check_profile(mgr, profile, doc) == ("courier", industry)
    assert profile.industry == "courier"
    assert set(profile.modules) == {"cod", "appointment"}
    assert mgr.profile_problems(profile, industry) == []
    # the courier plugin has no profile checks of its own: grade scales are the core's job
    assert "validate_profile" not in mgr.hooks_of("courier")


def test_descending_bands_are_enforced(tmp_path):
    """The core rejects a courier grade scale whose minimums do not descend, pointing at the
    offending band's line in the client's file."""
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["parameters"]["grading"] = {"courier": [
        {"grade": "A", "min": 70, "label": "优秀", "consequence": ""},
        {"grade": "B", "min": 80, "label": "合格", "consequence": ""},
        {"grade": "C", "min": 0, "label": "待改进", "consequence": ""},
    ]}
    path = tmp_path / "bad-bands.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(sqmkit.ProfileError) as caught:
        sqmkit.load(path, _manager())
    assert caught.value.where == "parameters.grading.courier[1].min"
    assert caught.value.line == sqmkit.yaml_line(path, ["parameters", "grading", "courier", 1, "min"])
    assert caught.value.file == str(path)


# -- whole assembly under every module combination -------------------------------------------


@pytest.mark.parametrize("modules", [[], ["cod"], ["appointment"], ["cod", "appointment"]])
def test_assembles_with_any_module_combination(modules):
    profile, doc = load_profile(DEMO)
    profile = profile.model_copy(update={"modules": modules})
    reg = sqmkit.assemble(_manager(), profile, doc)
    ids = set(reg.clause_ids())
    assert ("courier.standards.cod" in ids) == ("cod" in modules)
    assert ("courier.standards.appointment" in ids) == ("appointment" in modules)
    assert ({f.id for f in reg.forms} >= {"courier.complaint-register", "courier.monthly-appraisal",
                                           "courier.vehicle-self-check", "courier.satisfaction-survey"})
    text = "\n".join(reg.texts())
    assert "{{" not in text and "{%" not in text
    if "cod" not in modules:  # no cash-on-delivery wording left in the regulation's own content
        content = "\n".join(_strings([[a.text, a.after, a.block, [i.text for i in a.items]]
                                      for c in reg.chapters for a in c.articles]))
        content += "\n".join(_strings([list(c.items()) for c in reg.checklists]))
        assert "代收货款" not in content


def test_every_declared_parameter_is_used(industry, pack):
    """No dead parameters: each leaf is used by a text or names a checklist/grades band scale."""
    text = _all_yaml_text()
    band_params = {c.bands for _, c in pack.checklist_files}

    def leaves(d, pre=""):
        for k, v in d.items():
            if isinstance(v, dict):
                yield from leaves(v, pre + k + ".")
            else:
                yield pre + k

    for path in leaves(industry.parameters):
        assert f"params.{path}" in text or path in band_params or f"param: {path}" in text, \
            f"parameter {path} is declared but never used"
