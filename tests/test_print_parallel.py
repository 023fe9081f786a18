"""The blank forms and forms.pdf render in a forked worker beside the handbook PDF (issue 14):
the same files and bytes as one format after another, and a failure in the worker reaches the
user as the very error a serial build raises, fields and all, with nothing left behind.

Real builds of the courier demo; serial builds set ``build.PARALLEL_FORMATS`` to nothing.
"""

from __future__ import annotations

import importlib
import json
import os
import types
from pathlib import Path

import pytest

from sqmkit import BuildError, OutputFormat, ProfileError, SqmkitError, build, get_plugin_manager, hookimpl
from sqmkit.worker import can_fork

building = importlib.import_module("sqmkit.build")

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork start method or a single core")


def _serial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(building, "PARALLEL_FORMATS", ())


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".")) if out.exists() else []


def test_a_parallel_build_writes_the_bytes_of_a_serial_one(demo_build, demo_profile_path, tmp_path, monkeypatch):
    said: list[str] = []
    parallel = build(demo_profile_path, tmp_path / "parallel", ["forms", "pdf"], store_path=None, progress=said.append)
    # the forms ran aside: their message is replayed when the worker is done, after the handbook's
    assert [m for m in said if "forms.pdf" in m or "WeasyPrint" in m][-1].startswith(("forms", "表单"))
    _serial(monkeypatch)
    serial = build(demo_profile_path, tmp_path / "serial", None, store_path=None)
    # every file of every format, and which format wrote it, as in the session's parallel build
    assert serial.path("manifest.json").read_bytes() == demo_build.path("manifest.json").read_bytes()
    for name in ("forms.pdf", "handbook.pdf"):
        assert parallel.path(name).read_bytes() == serial.path(name).read_bytes()
    by_format = [json.loads(r.path("manifest.json").read_text())["by_format"] for r in (parallel, serial)]
    assert by_format[0]["forms"] == by_format[1]["forms"] and by_format[0]["pdf"] == by_format[1]["pdf"]
    assert _leftovers(tmp_path / "parallel") == []


def _broken_forms_template(folder: Path) -> Path:
    """A user templates folder whose forms/print.html fails as it renders (an undefined name)."""
    (folder / "forms").mkdir(parents=True)
    (folder / "forms" / "print.html").write_text("<html>{{ form.no_such_thing.boom }}</html>", encoding="utf-8")
    return folder


def _failure(profile: Path, out: Path, formats: list[str], **kwargs: object) -> SqmkitError:
    with pytest.raises(SqmkitError) as err:
        build(profile, out, formats, store_path=None, **kwargs)
    return err.value


def test_a_template_error_in_the_worker_is_the_serial_error(demo_profile_path, tmp_path, monkeypatch):
    templates = _broken_forms_template(tmp_path / "templates")
    aside = _failure(demo_profile_path, tmp_path / "a", ["forms", "pdf"], templates=templates)
    _serial(monkeypatch)
    serial = _failure(demo_profile_path, tmp_path / "b", ["forms", "pdf"], templates=templates)
    assert type(aside) is type(serial) and str(aside) == str(serial) and vars(aside) == vars(serial)
    assert "no_such_thing" in str(aside) and str(templates / "forms" / "print.html") in str(aside)
    assert _leftovers(tmp_path / "a") == [] and not (tmp_path / "a" / "demo-courier").exists()


def test_a_profile_error_from_the_worker_keeps_its_fields(make_profile, tmp_path, monkeypatch):
    profile = make_profile(lambda d: d["branding"].update(fonts={"body": "No Such Serif SC"}))
    aside = _failure(profile, tmp_path / "a", ["html", "forms"])
    assert isinstance(aside, ProfileError)
    assert aside.where == "branding.fonts.body" and aside.line and "No Such Serif SC" in aside.problem
    _serial(monkeypatch)
    serial = _failure(profile, tmp_path / "b", ["html", "forms"])
    assert type(aside) is type(serial) and str(aside) == str(serial) and vars(aside) == vars(serial)
    assert _leftovers(tmp_path / "a") == []


def test_a_worker_that_dies_is_a_build_error_naming_the_format(demo_profile_path, tmp_path, monkeypatch):
    def vanish(ctx):
        ctx.write_text("half.txt", "written before the process died")
        os._exit(3)

    plugin = types.ModuleType("vanishing")
    plugin.register_output_formats = hookimpl(lambda: [OutputFormat("vanish", "dies", vanish)])  # type: ignore[attr-defined]
    monkeypatch.setattr(building, "PARALLEL_FORMATS", ("vanish",))
    out = tmp_path / "out"
    err = _failure(demo_profile_path, out, ["checklists", "vanish"], mgr=get_plugin_manager([("vanishing", plugin)]))
    assert isinstance(err, BuildError)
    assert "vanish" in str(err) and "3" in str(err)
    assert _leftovers(out) == [] and not (out / "demo-courier").exists()


def _names(chosen: list[str], pages_only: frozenset[str] = frozenset()) -> list[str]:
    from sqmkit.formats import RenderContext, RenderState

    formats = [OutputFormat(name, name, lambda ctx: None) for name in chosen]
    ctx = RenderContext(None, Path("."), None, None, state=RenderState(pages_only=pages_only))  # type: ignore[arg-type]
    return [f.name for f in building._aside(formats, ctx)]


def test_the_html_site_goes_to_the_worker_only_beside_the_handbook_pdf():
    # a full build: the forms, then the site, in the worker; the handbook PDF and checklists here
    assert _names(["html", "checklists", "forms", "pdf"]) == ["forms", "html"]
    assert _names(["html", "forms"]) == ["forms"]  # no PDF: the site stays beside the forms
    assert _names(["forms", "pdf"]) == ["forms"]
    # `-f html`: the forms render only their pages, so no worker at all; nor for one format
    assert _names(["html", "forms"], frozenset({"forms"})) == []
    assert _names(["forms"]) == []
    assert _names(["html", "pdf"]) == ["html"]  # no forms: the site alone beside the handbook
    assert _names(["checklists", "html"]) == []
