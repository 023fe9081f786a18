"""Bad input: one clear message naming file, field and problem; exit 1; no traceback; nothing lost."""

from __future__ import annotations

import pytest


def _assert_clean_error(result, *needles):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, (needle, result.output)


def test_malformed_yaml(cli_run, make_profile, tmp_path):
    path = make_profile(raw="id: x\ncompany: [unclosed\n")
    result = cli_run("build", path, "-o", tmp_path / "out", "--no-store")
    _assert_clean_error(result, str(path), "malformed YAML")


def test_wrong_type(cli_run, make_profile, tmp_path):
    path = make_profile(lambda d: d.update(modules="cod"))
    result = cli_run("build", path, "-o", tmp_path / "out", "--no-store")
    _assert_clean_error(result, str(path), "modules", "list")


def test_wrong_type_in_document_control_has_line(cli_run, make_profile, tmp_path):
    path = make_profile(lambda d: d["document"].update(effective_date="next week"))
    result = cli_run("check", path)
    _assert_clean_error(result, "document.effective_date", f"{path}:")


def test_unknown_industry(cli_run, make_profile, tmp_path):
    path = make_profile(lambda d: d.update(industry="bakery"))
    _assert_clean_error(cli_run("check", path), "industry", "unknown industry 'bakery'", "courier")


def test_unknown_module(cli_run, make_profile):
    path = make_profile(lambda d: d.update(modules=["cod", "cold-chain"]))
    _assert_clean_error(cli_run("check", path), "modules[1]", "unknown module 'cold-chain'")


def test_unknown_parameter_and_wrong_parameter_type(cli_run, make_profile):
    path = make_profile(lambda d: d["parameters"].setdefault("kpi", {}).update(on_time_rat=90))
    _assert_clean_error(cli_run("check", path), "parameters.kpi.on_time_rat", "unknown parameter")
    path = make_profile(lambda d: d["parameters"].setdefault("kpi", {}).update(on_time_rate="high"), name="b.yaml")
    _assert_clean_error(cli_run("check", path), "parameters.kpi.on_time_rate", "expected a number")


def test_grade_bands_must_descend(cli_run, make_profile):
    bands = [{"grade": "A", "min": 80, "label": "优"}, {"grade": "B", "min": 85, "label": "良"}, {"grade": "C", "min": 0, "label": "差"}]
    path = make_profile(lambda d: d["parameters"].setdefault("grading", {}).update(courier=bands))
    _assert_clean_error(cli_run("check", path), "parameters.grading.courier[1].min", "below the band above")


@pytest.mark.parametrize("bad_id", ["../../etc", "a/b", "UPPER", "dot.ted", "", "x" * 70])
def test_path_tricks_in_client_id(cli_run, make_profile, tmp_path, bad_id):
    path = make_profile(lambda d: d.update(id=bad_id))
    result = cli_run("build", path, "-o", tmp_path / "out", "--no-store")
    _assert_clean_error(result, "at id", "not a valid client id")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_control_characters_are_refused(cli_run, make_profile):
    path = make_profile(lambda d: d["company"].update(short_name="某某\x1eref:x:\x1f"))
    _assert_clean_error(cli_run("check", path), "company.short_name", "control character")


def test_missing_profile_file(cli_run, tmp_path):
    _assert_clean_error(cli_run("check", tmp_path / "nope.yaml"), "nope.yaml", "file not found")


def test_usage_error_exits_2(cli_run):
    result = cli_run("build")
    assert result.exit_code == 2


def test_unknown_format(cli_run, demo_profile_path, tmp_path):
    _assert_clean_error(cli_run("build", demo_profile_path, "-o", tmp_path, "-f", "epub", "--no-store"),
                        "unknown output format 'epub'")


def test_script_in_company_name_is_text(make_profile, tmp_path):
    from sqmkit.build import build

    hostile = '<script>alert("x")</script>快递'
    path = make_profile(lambda d: d["company"].update(name=hostile, short_name=hostile))
    result = build(path, tmp_path / "out", ["html", "checklists"])
    for page in result.out_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
    index = (result.out_dir / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;快递" in index


def test_failed_build_keeps_previous_output(make_profile, tmp_path, demo_profile_path):
    from sqmkit.build import build
    from sqmkit.errors import SqmkitError

    out = tmp_path / "out"
    good = build(demo_profile_path, out, ["html"])
    before = (good.out_dir / "manifest.json").read_bytes()
    bad = make_profile(lambda d: d.update(modules=["nope"]))
    with pytest.raises(SqmkitError):
        build(bad, out, ["html"])
    assert (good.out_dir / "manifest.json").read_bytes() == before
    assert [p.name for p in out.iterdir()] == [good.out_dir.name]  # no staging folder left behind
