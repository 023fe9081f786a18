"""Property: whatever the client calls its units, posts and grades, the outputs say exactly that.

Hypothesis draws, for one industry, random Chinese names for every department, post and term, and
2–6 grade bands with random names for every grade-scale parameter (the clinic's department scale
keeps the 4 bands its pay coefficients need). Each example is assembled and rendered as the HTML
site and checklists (fast), forms read from the model; then no default name may appear anywhere
and the new names must. One real PDF build per industry reads the handbook back the same way.
A text printing a mapping or a list raw is refused at check time.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqmkit import Chapter, PluginError, assemble, build, get_plugin_manager, hookimpl, load_profile
from sqmkit.cli import cli
from sqmkit.textrender import zh_count
from tailoring_support import (
    FIXED_BANDS, PACKAGES, defaults, flat, industries, leaks, name_alphabet, output_text, renamed_profile, used_keys,
)

INDUSTRIES = industries()
ALPHABET = name_alphabet(INDUSTRIES.values())


def scale_paths(industry_id: str) -> list[str]:
    return [spec.path for spec in INDUSTRIES[industry_id].parameter_specs() if spec.type == "scale"]


@st.composite
def bands(draw: st.DrawFn, count: int | None = None) -> list[dict[str, Any]]:
    """A valid grade scale: 2–6 bands (or ``count``), distinct random names, minimums descending to 0."""
    n = count or draw(st.integers(min_value=2, max_value=6))
    names = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=4), min_size=n, max_size=n, unique=True))
    mins = sorted(draw(st.lists(st.integers(min_value=1, max_value=99), min_size=n - 1, max_size=n - 1, unique=True)),
                  reverse=True) + [0]
    labels = draw(st.lists(st.text(ALPHABET, min_size=2, max_size=4), min_size=n, max_size=n))
    return [{"grade": g, "min": m, "label": lab} for g, m, lab in zip(names, mins, labels)]


@st.composite
def tailoring(draw: st.DrawFn, industry_id: str | None = None) -> tuple[str, dict[str, str], dict[str, Any]]:
    """(industry, names by ``departments.x``/``roles.x``/``terms.x`` key, scales by parameter path)."""
    industry_id = industry_id or draw(st.sampled_from(sorted(PACKAGES)))
    keys = sorted(INDUSTRIES[industry_id].default_names())
    chosen = draw(st.lists(st.text(ALPHABET, min_size=2, max_size=6), min_size=len(keys), max_size=len(keys),
                           unique=True))
    scales = {path: draw(bands(FIXED_BANDS.get((industry_id, path)))) for path in scale_paths(industry_id)}
    return industry_id, dict(zip(keys, chosen)), scales


def write_profile(folder: Path, industry_id: str, names: dict[str, str], scales: dict[str, Any]) -> Path:
    path = folder / "client.yaml"
    path.write_text(yaml.safe_dump(renamed_profile(industry_id, names, scales), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


def strings(node: Any) -> list[str]:
    """Every string inside a model node (a form: title, labels, choices, hints, footer …)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for item in node for s in strings(item)]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return [s for f in dataclasses.fields(node) if f.name not in ("id", "plugin", "clauses")
                for s in strings(getattr(node, f.name))]
    return []


def check_outputs(industry_id: str, names: dict[str, str], scales: dict[str, Any], texts: dict[str, str]) -> None:
    assert leaks(texts, defaults(INDUSTRIES[industry_id])) == []
    everything = "".join(texts.values())
    assert sorted(key for key in used_keys(industry_id) if names[key] not in everything) == []
    for path, scale in scales.items():
        assert all(band["grade"] in everything for band in scale), path
    if industry_id == "hospitality":  # the count and the names of the staff grades follow the scale
        staff = scales["grading.staff"]
        said = "、".join(b["grade"] for b in staff) + zh_count(len(staff)) + "个等级"
        assert said in everything
        assert "很差" not in everything


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tailoring())
def test_random_names_and_grades_reach_every_output(drawn: tuple[str, dict[str, str], dict[str, Any]]) -> None:
    industry_id, names, scales = drawn
    with tempfile.TemporaryDirectory() as tmp:
        profile = write_profile(Path(tmp), industry_id, names, scales)
        result = build(profile, Path(tmp) / "out", ["html", "checklists"], mgr=get_plugin_manager())
        texts = output_text(result.out_dir)
        texts["forms (model)"] = flat("".join(s for form in result.regulation.forms for s in strings(form)))
        check_outputs(industry_id, names, scales, texts)


@pytest.mark.parametrize("industry_id", sorted(PACKAGES))
def test_one_real_pdf_per_industry(industry_id: str) -> None:
    @settings(max_examples=1, deadline=None, derandomize=True, database=None)
    @given(tailoring(industry_id))
    def one(drawn: tuple[str, dict[str, str], dict[str, Any]]) -> None:
        _, names, scales = drawn
        with tempfile.TemporaryDirectory() as tmp:
            profile = write_profile(Path(tmp), industry_id, names, scales)
            result = build(profile, Path(tmp) / "out", ["pdf"], mgr=get_plugin_manager())
            texts = output_text(result.out_dir)
            assert set(texts) == {"handbook.pdf"}
            assert leaks(texts, defaults(INDUSTRIES[industry_id])) == []
            handbook = texts["handbook.pdf"]
            in_rules = used_keys(industry_id, ("rules", "industry.yaml"))
            assert sorted(key for key in in_rules if flat(names[key]) not in handbook) == []

    one()


# -- printing a mapping or a list raw is an error at check time ----------------------------------


class RawText:
    """A cross-industry plugin whose one text prints a parameter group raw."""

    def __init__(self, text: str):
        self.text = text

    @hookimpl
    def register_controls(self, profile: Any) -> list[Chapter]:
        return [Chapter.model_validate({"id": "raw.controls", "title": "原样输出",
                                        "articles": [{"id": "raw", "text": self.text}]})]


@pytest.mark.parametrize("text, kind", [("目标：{{ params.kpi }}", "a mapping"),
                                        ("渠道：{{ params.service.complaint_channels }}", "a list")])
def test_a_raw_mapping_or_list_is_refused_when_assembling(text: str, kind: str) -> None:
    mgr = get_plugin_manager([("raw", RawText(text))])
    profile, doc = load_profile(PACKAGES["courier"].DEMO_PROFILE)
    with pytest.raises(PluginError) as caught:
        assemble(mgr, profile, doc)
    message = str(caught.value)
    assert "raw.controls.raw" in message and kind in message and "join_cn" in message


def test_the_same_text_with_a_filter_assembles() -> None:
    mgr = get_plugin_manager([("raw", RawText("渠道：{{ params.service.complaint_channels | join_cn }}"))])
    profile, doc = load_profile(PACKAGES["courier"].DEMO_PROFILE)
    reg = assemble(mgr, profile, doc)
    assert reg.clause("raw.controls.raw").text == "渠道：客服热线、官方网站、微信公众号和邮政管理部门转办"


def test_check_reports_a_raw_mapping_in_a_profile_text(tmp_path: Path) -> None:
    """A grade band's consequence is a text too: ``sqmkit check`` renders it and says what to do."""
    data = renamed_profile("hospitality", {}, {"grading.inspection": [
        {"grade": "合格", "min": 80, "consequence": "见{{ params.kpi }}"}, {"grade": "不合格", "min": 0}]})
    profile = tmp_path / "client.yaml"
    profile.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(profile)])
    assert result.exit_code == 1, result.output
    assert "prints a mapping" in result.output and "join_cn" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
