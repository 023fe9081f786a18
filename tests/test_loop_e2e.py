"""The improvement loop end to end, as the issue tells it: in a real workspace (``sqmkit init``,
``client import`` of the courier demo, ``build``), a generated checklist page is filled in real
headless Chromium from ``file://`` (remarks, a failed item, a photo, a KPI reading), reloaded and
resumed, finished and exported (a Playwright download); ``sqmkit inspections import`` stores it,
``actions list`` shows the corrective action, ``actions verify`` closes the loop, and ``sqmkit
report`` renders the period, read back with pypdf (the checklist, its grade, the failed clause,
the KPI reading, the chart as vector paths with its Chinese label as text).

The same page's real exports, changed by hand (tampered, foreign), imported twice (duplicate) or
exported before finishing (incomplete), are refused or skipped here; the finer cases (both figures
in the message, ``--accept-rescore``, ``--accept-incomplete``, unknown versions) are in
tests/test_inspections_import.py.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from inspections_support import Results, make_workspace, run, write
from sqmkit.inspections import checklist_payload, score
from sqmkit.numbering import Numbering
from sqmkit.store import open_store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (make test installs it)")
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
REMARK = "工牌未佩戴；整改要求：当日补办并复查"
DAY = "2026-03-02"


@pytest.fixture(scope="module")
def results(demo_profile_path):
    return Results(demo_profile_path)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, demo_profile_path):
    """``sqmkit init``, ``client import`` of the courier demo, ``build`` (the site and the
    checklists: the report links into the site; the handbook PDF is not part of the loop)."""
    root = make_workspace(tmp_path_factory.mktemp("loop") / "ws", demo_profile_path)
    out = run("build", "demo-courier", "-f", "html,checklists", "-q", "--workspace", root)
    assert out.exit_code == 0, out.output
    return root


def _item(page, item_id):
    return page.locator(f'.item[data-id="{item_id}"]')


def _export(page, folder: Path, name: str) -> Path:
    with page.expect_download() as info:
        page.click("#export")
    target = folder / name
    info.value.save_as(target)
    return target


@pytest.fixture(scope="module")
def exports(browser, workspace, results, tmp_path_factory):
    """The page filled, reloaded and resumed, finished; its exports before and after finishing."""
    r, folder = results, tmp_path_factory.mktemp("exports")
    ctx = browser.new_context(accept_downloads=True)
    requests: list[str] = []
    ctx.on("request", lambda req: requests.append(req.url))
    page = ctx.new_page()
    page.goto((workspace / "out" / "demo-courier" / "checklists" / f"{r.checklist.id}.html").as_uri())
    page.wait_for_selector("html[data-ready=yes]")
    page.fill("#f-inspector", "质检员甲")
    page.fill("#f-date", DAY)
    page.fill("#f-site", "城东网点")
    page.fill("#f-inspectee", "快递员乙")
    for it in r.items:
        row = _item(page, it["id"])
        if it["mode"] == "score":
            row.locator("input[type=number]").fill(str(it["max"]))
        else:
            row.locator(f'input[value="{"fail" if it["id"] == r.check else "pass"}"]').check()
    _item(page, r.check).locator("textarea").fill(REMARK)
    _item(page, r.check).locator("input[type=file]").set_input_files(
        files=[{"name": "evidence.png", "mimeType": "image/png", "buffer": PNG}])
    _item(page, r.check).locator("img.thumb:not([hidden])").wait_for()
    page.click("#kpis summary")
    page.fill('input[data-kpi="on-time"]', "96.2")
    page.wait_for_selector("html[data-saved=yes]")
    unfinished = _export(page, folder, "unfinished.json")
    page.reload()
    page.wait_for_selector("html[data-ready=yes]")
    resumed = {
        "failed": _item(page, r.check).locator('input[value="fail"]').is_checked(),
        "remark": _item(page, r.check).locator("textarea").input_value(),
        "inspectee": page.input_value("#f-inspectee"),
        "kpi": page.input_value('input[data-kpi="on-time"]'),
        "kpis_open": page.evaluate("document.getElementById('kpis').open"),
    }
    thumb = _item(page, r.check).locator("img.thumb")
    thumb.wait_for()
    resumed["photo"] = thumb.evaluate("img => img.complete && img.naturalWidth")
    page.click("#finish")
    assert page.locator("#problems").is_hidden(), page.locator("#problems").inner_text()
    page.wait_for_selector("html[data-saved=yes]")
    finished = _export(page, folder, "finished.json")
    ctx.close()
    return {"unfinished": unfinished, "finished": finished, "resumed": resumed, "requests": requests}


def test_the_page_resumes_after_a_reload_and_exports_the_finished_inspection(exports, results):
    r = results
    assert exports["resumed"] == {"failed": True, "remark": REMARK, "inspectee": "快递员乙", "kpi": "96.2",
                                  "kpis_open": True, "photo": 1}
    assert all(u.startswith(("file://", "blob:")) for u in exports["requests"]), exports["requests"]
    data = json.loads(exports["finished"].read_text(encoding="utf-8"))
    expected = score(r.payload, {k: v["answer"] for k, v in data["answers"].items()})
    assert data["finished_at"] and (data["total"], data["grade"]) == (expected.total, expected.grade)
    assert data["answers"][r.check] == {"answer": "fail", "remark": REMARK}
    assert data["kpis"] == {"on-time": 96.2} and [p["item"] for p in data["photos"]] == [r.check]
    assert json.loads(exports["unfinished"].read_text(encoding="utf-8"))["finished_at"] is None


def test_import_actions_verify_and_the_report(workspace, exports, results):
    r = results
    inbox = workspace / "inbox"
    inbox.mkdir()
    shutil.copy(exports["finished"], inbox / "page.json")
    write(inbox, "february.json", r.make(date="2026-02-10"))  # a second inspection: the trend has two points
    out = run("inspections", "import", inbox, "--workspace", workspace)
    assert out.exit_code == 0, out.output
    assert "2 stored, 0 skipped (already stored), 0 refused; 1 corrective action(s) opened" in out.output
    page_result = json.loads(exports["finished"].read_text(encoding="utf-8"))
    with open_store(workspace / "sqmkit-store.json") as st:
        [action] = st.actions()
        stored = {row["id"]: row for row in st.all_inspections()}
    assert stored[page_result["id"]]["kpis"] == {"on-time": 96.2}
    photo = stored[page_result["id"]]["photos"][0]["file"]
    assert (workspace / photo).read_bytes()[:3] == b"\xff\xd8\xff"  # the page's JPEG, kept as a file
    assert action["item"] == r.check and action["remark"] == REMARK
    listed = run("actions", "list", "--workspace", workspace)
    assert listed.exit_code == 0 and REMARK in listed.output and "1 action(s)" in listed.output, listed.output
    labels = "、".join(action["clause_labels"])
    assert labels and labels in listed.output
    assert run("actions", "update", action["id"], "--status", "done", "--note", "已补办工牌",
               "--workspace", workspace).exit_code == 0
    verified = run("actions", "verify", action["id"], "--by", "质量管理部", "--note", "现场复查，已佩戴",
                   "--workspace", workspace)
    assert verified.exit_code == 0, verified.output
    done = run("actions", "list", "--status", "verified", "--workspace", workspace)
    assert REMARK in done.output and "1 action(s)" in done.output
    report = run("report", "demo-courier", "--period", "2026Q1", "--today", "2026-03-20", "--workspace", workspace)
    assert report.exit_code == 0, report.output
    _check_report(workspace / "out" / "demo-courier" / "reports" / "2026Q1", r, page_result)


def _check_report(folder: Path, r: Results, page_result: dict) -> None:
    from pypdf import PdfReader

    html = (folder / "report.html").read_text(encoding="utf-8")
    row = re.search(rf"<tr><td>{re.escape(r.checklist.title)}</td>(.*?)</tr>", html)
    assert row, "the checklist's row of the grade table"
    counts = dict(zip([b.grade for b in r.checklist.bands], re.findall(r'<td class="n">([\d.]+)</td>', row[1])))
    assert counts[page_result["grade"]] == ("2" if page_result["grade"] == r.checklist.bands[0].grade else "1")
    clause = r.reg.index.clauses[next(c for i in r.checklist.items() if i.id == r.check for c in i.clauses)]
    label = Numbering.of(r.reg).ref_label[clause.id]
    reader = PdfReader(folder / "report.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", "", text)
    assert r.checklist.title in flat and re.sub(r"\s+", "", label) in flat  # the checklist, the failed clause
    assert f"本期间共完成检查2次，平均得分{round((page_result['total'] + 100) / 2, 1):g}" in flat
    assert "准时投递率" in flat and "96.2" in flat  # the KPI reading from the page
    assert "平均得分" in text.split("得分趋势", 1)[1]  # the trend chart's Chinese axis label, as text
    content = b"".join(page.get_contents().get_data() for page in reader.pages)
    assert re.search(rb"[\d.]+ [\d.]+ l\b", content) and re.search(rb"[\d.]+ [\d.]+ m\b", content)  # paths, not an image
    assert b"/Subtype /Image" not in b"".join(str(p.get("/Resources")).encode() for p in reader.pages)


# -- the same page's exports, changed or repeated --------------------------------------------------


@pytest.fixture
def fresh(tmp_path, demo_profile_path):
    return make_workspace(tmp_path / "ws", demo_profile_path)


def _import(ws: Path, path: Path, *args: str):
    return run("inspections", "import", path, *args, "--workspace", ws)


def _stored(ws: Path) -> list[dict]:
    with open_store(ws / "sqmkit-store.json") as st:
        return st.all_inspections()


def test_a_tampered_a_foreign_and_an_unfinished_export_are_refused_a_repeated_one_skipped(fresh, exports, results):
    original = json.loads(exports["finished"].read_text(encoding="utf-8"))
    tampered = copy.deepcopy(original)
    tampered["answers"][results.check]["answer"] = "pass"  # the failed item flipped, the page's figures kept
    out = _import(fresh, write(fresh, "tampered.json", tampered))
    assert out.exit_code == 1 and f"the file says total {original['total']:g} grade {original['grade']}" in out.output
    foreign = write(fresh, "foreign.json", dict(original, client="another-courier"))
    out = _import(fresh, foreign)
    assert out.exit_code == 1 and "'another-courier' is not a client of this workspace" in out.output
    out = _import(fresh, exports["unfinished"])
    assert out.exit_code == 1 and "incomplete: the inspection was not finished" in out.output
    assert _stored(fresh) == []
    assert _import(fresh, exports["finished"]).exit_code == 0
    again = _import(fresh, exports["finished"])
    assert again.exit_code == 0 and "0 stored, 1 skipped (already stored)" in again.output
    assert len(_stored(fresh)) == 1


def test_a_kpi_the_regulation_does_not_define_is_refused(fresh, exports):
    data = json.loads(exports["finished"].read_text(encoding="utf-8"))
    data["kpis"]["made-up"] = 1.0
    out = _import(fresh, write(fresh, "kpi.json", data))
    assert out.exit_code == 1 and "at kpis.made-up: 'made-up' is not a KPI of this regulation" in out.output
    assert "on-time" in out.output and _stored(fresh) == []
