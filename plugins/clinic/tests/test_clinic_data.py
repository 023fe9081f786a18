"""The clinic plugin's data: it loads, its references resolve, its demo profile validates, and
switching a module off leaves nothing pointing at the module's clauses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import sqmkit
import sqmkit_clinic
from sqmkit import DataPack, load_profile

PACKAGE = sqmkit_clinic.plugin.root
MODULES = ("inpatient", "pharmacy", "health-management", "surgery")
REF_RE = re.compile(r"""\b(ref|form|checklist)\(\s*['"]([a-z0-9.\-]+)['"]""")


@pytest.fixture(scope="module")
def pack() -> DataPack:
    return sqmkit_clinic.plugin


# -- helpers ---------------------------------------------------------------------------------


def _items(prefix, items, module):
    for item in items:
        mod = item.module or module
        cid = f"{prefix}.{item.id}"
        yield cid, mod, item
        yield from _items(cid, item.items, mod)


def clauses(pack: DataPack) -> dict[str, str | None]:
    """Every clause id (chapters, articles, items) with the module that keeps it (None: always)."""
    out: dict[str, str | None] = {}
    for _, chapter in pack.chapter_files:
        out[chapter.id] = chapter.module
        for article in chapter.articles:
            aid = f"{chapter.id}.{article.id}"
            amod = article.module or chapter.module
            out[aid] = amod
            for cid, mod, _ in _items(aid, article.items, amod):
                out[cid] = mod
    return out


_strings = sqmkit.strings_of  # every string inside a node, list or dict


def _dump(model) -> dict:
    return model.model_dump(mode="python")


def content_units(pack: DataPack, switched_on: set[str]):
    """(where, texts, clause ids) of every piece of content kept for a client with `switched_on`."""

    def kept(module):
        return module is None or module in switched_on

    for _, chapter in pack.chapter_files:
        if not kept(chapter.module):
            continue
        yield chapter.id, list(_strings(chapter.intro)) + list(_strings(chapter.title)), []
        for article in chapter.articles:
            if not kept(article.module):
                continue
            aid = f"{chapter.id}.{article.id}"
            data = _dump(article)
            data.pop("items")
            yield aid, list(_strings(data)), []

            def walk(prefix, items):
                for item in items:
                    if not kept(item.module):
                        continue
                    cid = f"{prefix}.{item.id}"
                    yield cid, list(_strings(item.text)), []
                    yield from walk(cid, item.items)

            yield from walk(aid, article.items)
    for _, form in pack.form_files:
        if kept(form.module):
            data = _dump(form)
            yield form.id, list(_strings({k: v for k, v in data.items() if k != "clauses"})), form.clauses
    for _, checklist in pack.checklist_files:
        if not kept(checklist.module):
            continue
        yield checklist.id, list(_strings(checklist.title)) + list(_strings(checklist.frequency)), []
        for section in checklist.sections:
            for item in section.items:
                if kept(item.module):
                    data = _dump(item)
                    yield f"{checklist.id}.{section.id}.{item.id}", list(_strings(data)), item.clauses


# -- tests -----------------------------------------------------------------------------------


def test_data_loads(pack):
    industry = pack.industry_spec
    assert industry.id == "clinic"
    assert set(industry.module_ids()) == set(MODULES)
    chapters = [c for _, c in pack.chapter_files]
    titled = [c for c in chapters if c.family not in ("general", "supplementary")]
    assert len(titled) >= 12
    assert sum(len(c.articles) for c in chapters) >= 60
    assert len(pack.form_files) >= 5
    assert len(pack.checklist_files) >= 4
    ids = [c.id for c in chapters] + [f.id for _, f in pack.form_files] + [c.id for _, c in pack.checklist_files]
    assert len(ids) == len(set(ids)), "duplicate chapter, form or checklist id"
    assert all(i.startswith("clinic.") for i in ids)


def test_general_articles_do_not_collide_with_core(pack):
    core = {"purpose", "basis", "interpretation", "precedence", "revision", "effect"}
    core_orders = {10, 15, 80, 85, 90, 95}
    for _, chapter in pack.chapter_files:
        if chapter.family in ("general", "supplementary"):
            for article in chapter.articles:
                assert article.id not in core, article.id
                assert article.order not in core_orders, (chapter.id, article.id, article.order)


def test_named_clauses_exist(pack):
    known = clauses(pack)
    forms = {f.id: f.module for _, f in pack.form_files}
    checklists = {c.id: c.module for _, c in pack.checklist_files}
    problems = []
    for _, form in pack.form_files:
        assert form.clauses, f"{form.id} names no clause"
        for cid in form.clauses:
            if cid not in known:
                problems.append(f"form {form.id}: {cid} does not exist")
            elif known[cid] not in (None, form.module):
                problems.append(f"form {form.id}: {cid} needs module {known[cid]}")
    for _, checklist in pack.checklist_files:
        assert isinstance(checklist.bands, str) and checklist.bands.startswith("grading.")
        for section in checklist.sections:
            for item in section.items:
                assert item.clauses, f"{checklist.id}.{section.id}.{item.id} names no clause"
                module = item.module or checklist.module
                for cid in item.clauses:
                    if cid not in known:
                        problems.append(f"checklist item {checklist.id}.{section.id}.{item.id}: {cid} does not exist")
                    elif known[cid] not in (None, module):
                        problems.append(f"checklist item {checklist.id}.{section.id}.{item.id}: {cid} needs module {known[cid]}")
    # references written in texts
    for where, texts, _ in content_units(pack, set(MODULES)):
        for text in texts:
            for kind, target in REF_RE.findall(text):
                table = {"ref": known, "form": forms, "checklist": checklists}[kind]
                if target not in table:
                    problems.append(f"{where}: {kind}({target!r}) does not exist")
    assert not problems, "\n".join(problems)


def test_parameters_used_are_declared(pack):
    from sqmkit import MissingParameter, lookup

    params = pack.industry_spec.parameters
    used = set()
    for path in sorted((PACKAGE).rglob("*.yaml")):
        if path.parent.name == "examples":
            continue
        used |= set(re.findall(r"params\.([a-z_][a-z0-9_.]*[a-z0-9_])", path.read_text(encoding="utf-8")))
    missing = []
    for dotted in sorted(used):
        try:
            lookup(params, dotted)
        except MissingParameter:
            missing.append(dotted)
    assert not missing, f"undeclared parameters: {missing}"
    for _, checklist in pack.checklist_files:
        bands = lookup(params, checklist.bands)
        assert bands[-1]["min"] == 0


def _manager() -> sqmkit.Manager:
    """Just this plugin and the core's default plugin, whatever else is installed."""
    return sqmkit.get_plugin_manager([("clinic", sqmkit_clinic.plugin)], load_entry_points=False)


def test_demo_profile_validates(pack):
    profile, doc = load_profile(sqmkit_clinic.DEMO_PROFILE)
    assert profile.id == "demo-clinic"
    assert profile.industry == "clinic"
    assert set(profile.modules) == set(MODULES)
    assert sqmkit.check_profile(_manager(), profile, doc) == ("clinic", pack.industry_spec)
    assert sqmkit_clinic.plugin.validate_profile(profile, pack.industry_spec) == []


def _demo_data() -> dict:
    return yaml.safe_load(sqmkit_clinic.DEMO_PROFILE.read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path




def _profile_error(path: Path) -> sqmkit.ProfileError:
    profile, doc = load_profile(path)
    with pytest.raises(sqmkit.ProfileError) as caught:
        sqmkit.check_profile(_manager(), profile, doc)
    return caught.value


def test_core_rejects_bands_that_do_not_descend(tmp_path):
    """The department scale must descend; the core checks every grade scale now and points at
    the offending band's line in the client's file."""
    data = _demo_data()
    data["parameters"]["grading"] = {"department": [
        {"grade": "优", "min": 90}, {"grade": "良", "min": 95}, {"grade": "中", "min": 70}, {"grade": "差", "min": 0}]}
    path = _write(tmp_path, data)
    err = _profile_error(path)
    assert err.where == "parameters.grading.department[1].min"
    assert err.line == sqmkit.yaml_line(path, ["parameters", "grading", "department", 1, "min"])
    with pytest.raises(sqmkit.ProfileError) as caught:  # the whole pipeline stops at the same place
        sqmkit.load(path, _manager())
    assert (caught.value.where, caught.value.line) == (err.where, err.line)


def test_validate_profile_rejects_bad_bands(pack, tmp_path):
    """The clinic's own checks: one department band per pay coefficient, weights adding up to 100."""
    industry = pack.industry_spec
    data = _demo_data()
    data["parameters"]["grading"] = {"department": [
        {"grade": "合格", "min": 60}, {"grade": "不合格", "min": 0}]}
    path = _write(tmp_path, data)
    profile, _ = load_profile(path)
    problems = sqmkit_clinic.plugin.validate_profile(profile, industry)
    assert any(field == "parameters.grading.department" and f"exactly {sqmkit_clinic.DEPARTMENT_BANDS}" in msg
               for field, msg in problems)
    err = _profile_error(path)  # and the core reports it, at the scale's line
    assert err.where == "parameters.grading.department"
    assert err.line == sqmkit.yaml_line(path, ["parameters", "grading", "department"])

    data = _demo_data()
    data["parameters"]["assessment"] = {"weight_records": 40}
    path = _write(tmp_path, data)
    profile, _ = load_profile(path)
    problems = sqmkit_clinic.plugin.validate_profile(profile, industry)
    assert any(field == "parameters.assessment" for field, _ in problems)
    assert _profile_error(path).where == "parameters.assessment"


def test_validate_profile_ignores_other_industries(pack, tmp_path):
    data = _demo_data()
    data["industry"] = "courier"
    profile, _ = load_profile(_write(tmp_path, data))
    assert sqmkit_clinic.plugin.validate_profile(profile, pack.industry_spec) == []


def _assembled_without(module: str, tmp_path: Path) -> sqmkit.Regulation:
    data = _demo_data()
    data["modules"] = [m for m in MODULES if m != module]
    return sqmkit.load(_write(tmp_path, data), _manager())[3]


#: a cross-reference as an assembled text carries it until a renderer resolves it
MARKER_RE = re.compile("\x1e(ref|form|checklist):([^:\x1f]*)")


@pytest.mark.parametrize("module", MODULES)
def test_module_off_leaves_no_reference(pack, module, tmp_path):
    """With one module off, the regulation assembles and no remaining text, form or check item
    points at the module's clauses, forms or checklists (texts that mention module content
    guard it with ``'module' in modules``, which only an assembly can judge)."""
    known = clauses(pack)
    removed = {cid for cid, mod in known.items() if mod == module}
    removed |= {f.id for _, f in pack.form_files if f.module == module}
    removed |= {c.id for _, c in pack.checklist_files if c.module == module}
    assert removed, f"module {module} removes nothing"
    reg = _assembled_without(module, tmp_path)
    assert not removed & set(reg.clause_ids())
    assert not removed & ({f.id for f in reg.forms} | {c.id for c in reg.checklists})
    problems = [f"text refers to {target}" for text in reg.texts() for _, target in MARKER_RE.findall(text)
                if target in removed]
    problems += [f"form {f.id} names {c}" for f in reg.forms for c in f.clauses if c in removed]
    problems += [f"check item {i.id} names {c}" for ch in reg.checklists for i in ch.items() for c in i.clauses
                 if c in removed]
    assert not problems, "\n".join(problems)


def test_inpatient_off_leaves_no_inpatient_clause(pack, tmp_path):
    """The brief's explicit case: no inpatient clause id survives anywhere once inpatient is off."""
    inpatient = {cid for cid, mod in clauses(pack).items() if mod == "inpatient"}
    assert "clinic.standards.inpatient" in inpatient
    assert "clinic.controls.inspection.inpatient-records" in inpatient
    reg = _assembled_without("inpatient", tmp_path)
    assert not inpatient & set(reg.clause_ids())
    for text in reg.texts():
        assert "clinic.standards.inpatient" not in text
        assert "clinic.inpatient-check" not in text


def test_no_personal_names_from_seed():
    """The seed's example names never appear in the plugin's data."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.yaml"))
    for name in ("王进", "刘水琴", "曾冬香"):
        assert name not in text


def _build_fixture(request):
    try:
        return request.getfixturevalue("sqmkit_build")
    except pytest.FixtureLookupError:
        pytest.skip("sqmkit's pytest fixtures are not installed")


@pytest.mark.parametrize("modules", [list(MODULES), [], ["pharmacy", "health-management"]])
def test_demo_builds(request, modules):
    """The whole regulation assembles and renders (HTML) with all, none or some modules on."""
    sqmkit_build = _build_fixture(request)
    data = _demo_data()
    data["modules"] = modules
    built = sqmkit_build(data, sqmkit_clinic)
    ids = set(built.clause_ids)
    assert "clinic.standards.physician.first-visit" in ids
    assert ("clinic.standards.inpatient" in ids) == ("inpatient" in modules)
