"""The checklist page as a field tool, driven in real headless Chromium from ``file://`` pages of
a real build: header, answers, remarks and photos kept in IndexedDB across a reload; finishing;
several inspections; export (JSON format 2, CSV); the printed record; access and tablet layout."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
import struct
import unicodedata
import zlib
from pathlib import Path

import pytest

from sqmkit.inspections import checklist_payload, score

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).resolve().parents[1] / ".node" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (make test installs it)")
TABLET = {"width": 768, "height": 1024}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture(scope="module")
def checklist_build(tmp_path_factory, demo_profile_path):
    """The courier demo's checklist pages, built once for this module (a real build, checklists only)."""
    from sqmkit.build import build

    return build(demo_profile_path, tmp_path_factory.mktemp("checklists"), ["checklists"], store_path=None)


@pytest.fixture(scope="module")
def conduct(checklist_build):
    """The demo's checklist with veto items, check items and score items."""
    reg = checklist_build.regulation
    cl = next(c for c in reg.checklists if any(i.veto for i in c.items()) and any(i.mode == "score" for i in c.items()))
    return reg, cl


def png(width: int = 40, height: int = 30) -> bytes:
    """A small red PNG, made here (no file in the repository)."""
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def open_page(page, build, cl):
    page.goto((build.out_dir / "checklists" / f"{cl.id}.html").as_uri())
    page.wait_for_selector("html[data-ready=yes]")


def item(page, item_id):
    return page.locator(f'.item[data-id="{item_id}"]')


def answer(page, it, value):
    """Answer a check item ("pass", "fail", "na") or a score item (a number or "na")."""
    row = item(page, it.id)
    if value == "na" or it.mode == "check":
        row.locator(f'input[value="{value}"]').check()
    else:
        row.locator("input[type=number]").fill(str(value))


def saved(page):
    page.wait_for_selector("html[data-saved=yes]")


def fill_header(page, inspectee="王某某"):
    page.fill("#f-inspector", "质检员甲")
    page.fill("#f-site", "营运部")
    page.fill("#f-inspectee", inspectee)


def state(page):
    return page.inner_text("#score"), page.inner_text("#grade"), page.locator("#veto-msg").is_visible()


def all_pass(cl):
    return {i.id: ("pass" if i.mode == "check" else i.max) for i in cl.items()}


def fill_answers(page, cl, answers):
    for it in cl.items():
        answer(page, it, answers[it.id])


def download(page, button):
    with page.expect_download() as info:
        page.click(button)
    return info.value


# -- 1. remarks and a photo survive a reload ---------------------------------------------------


def test_answers_remarks_and_a_photo_are_resumed_after_a_reload(page, checklist_build, conduct):
    _, cl = conduct
    open_page(page, checklist_build, cl)
    check = next(i for i in cl.items() if i.mode == "check")
    scored = next(i for i in cl.items() if i.mode == "score")
    fill_header(page)
    answer(page, check, "fail")
    item(page, check.id).locator("textarea").fill("工牌未佩戴，已当场提醒")
    answer(page, scored, scored.max - 1)
    item(page, check.id).locator("input[type=file]").set_input_files(
        files=[{"name": "evidence.png", "mimeType": "image/png", "buffer": png()}])
    item(page, check.id).locator("img.thumb:not([hidden])").wait_for()
    saved(page)
    page.reload()
    page.wait_for_selector("html[data-ready=yes]")
    assert item(page, check.id).locator('input[value="fail"]').is_checked()
    assert item(page, check.id).locator("textarea").input_value() == "工牌未佩戴，已当场提醒"
    assert item(page, scored.id).locator("input[type=number]").input_value() == str(scored.max - 1)
    assert page.input_value("#f-inspectee") == "王某某" and page.input_value("#f-site") == "营运部"
    thumb = item(page, check.id).locator("img.thumb")
    thumb.wait_for()
    assert thumb.evaluate("img => img.complete && img.naturalWidth") == 40  # the photo, back from IndexedDB
    assert "工牌未佩戴" not in page.evaluate("JSON.stringify(localStorage)")  # the work is in IndexedDB
    assert all(u.startswith("file://") or u.startswith("blob:") for u in page.requests), page.requests


# -- 2. finish, then export per the contract ---------------------------------------------------


def test_finish_lists_a_fail_without_remark_then_the_export_follows_the_contract(page, checklist_build, conduct):
    reg, cl = conduct
    open_page(page, checklist_build, cl)
    items = list(cl.items())
    answers = all_pass(cl)
    failed = next(i for i in items if i.mode == "check" and not i.veto)
    partial = next(i for i in items if i.mode == "score")
    veto = next(i for i in items if i.veto)
    answers.update({failed.id: "fail", partial.id: partial.max - 2, items[-1].id: "na"})
    fill_header(page)
    fill_answers(page, cl, answers)
    item(page, partial.id).locator("textarea").fill("规范用语缺一句")
    item(page, veto.id).locator("input[type=file]").set_input_files(
        files=[{"name": "evidence.png", "mimeType": "image/png", "buffer": png()}])
    item(page, veto.id).locator("img.thumb:not([hidden])").wait_for()
    page.click("#finish")
    problems = page.locator("#problems")
    assert problems.is_visible() and page.evaluate("document.activeElement.id") == "problems"
    listed = problems.locator("li").all_inner_texts()
    label = item(page, failed.id).get_attribute("data-label")
    assert len(listed) == 1 and listed[0].startswith(f"缺少备注：{label} "), listed
    problems.locator("button").first.click()  # the list leads to the field to fill
    assert page.evaluate("document.activeElement.id") == f"r-{failed.id}"
    page.keyboard.type("未按规定佩戴工牌；整改要求：当日补办")
    page.click("#finish")
    assert not problems.is_visible()
    assert "检查已完成" in page.inner_text("#record-line")
    saved(page)
    exported = Path(download(page, "#export").path())
    if os.environ.get("SQMKIT_WRITE_FIXTURES"):  # how tests/data/result-v2-courier.json was made (once)
        shutil.copyfile(exported, Path(__file__).parent / "data" / "result-v2-courier.json")
    result = json.loads(exported.read_text(encoding="utf-8"))
    payload = checklist_payload(reg, cl)
    expected = score(payload, {k: v["answer"] for k, v in result["answers"].items()})
    assert result["format"] == "sqmkit-inspection/2" and UUID.match(result["id"])
    assert (result["client"], result["checklist"]) == (reg.profile.id, cl.id)
    assert result["version"] == f"{reg.document.number}@{reg.document.version}"
    assert result["hash"] == payload.get("hash", payload["build"].rsplit("#", 1)[1]) and len(result["hash"]) == 12
    assert result["started_at"] and result["finished_at"] and result["finished_at"] >= result["started_at"]
    assert result["fields"] == {"inspector": "质检员甲", "date": result["fields"]["date"], "site": "营运部",
                                "inspectee": "王某某"}
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", result["fields"]["date"])  # today, by default
    assert set(result["answers"]) == {i.id for i in items}
    assert result["answers"][failed.id] == {"answer": "fail", "remark": "未按规定佩戴工牌；整改要求：当日补办"}
    assert result["answers"][partial.id] == {"answer": partial.max - 2, "remark": "规范用语缺一句"}
    assert result["answers"][items[-1].id]["answer"] == "na"
    assert (result["total"], result["grade"]) == (expected.total, expected.grade)  # the page scores as Python does
    assert result["veto_failed"] == expected.veto_failed == []
    assert (result["answered"], result["items"]) == (expected.answered, len(items))
    [photo] = result["photos"]
    raw = base64.b64decode(photo["data"], validate=True)
    assert (photo["item"], photo["name"], photo["type"]) == (veto.id, "photo-1.jpg", "image/jpeg")
    assert raw[:3] == b"\xff\xd8\xff" and len(raw) < 2 * 1024 * 1024  # a JPEG, made by the page's canvas
    assert result["kpis"] == {}


def test_an_unfinished_export_says_so_and_carries_no_finish_time(page, checklist_build, conduct):
    _, cl = conduct
    open_page(page, checklist_build, cl)
    first = next(iter(cl.items()))
    answer(page, first, "pass" if first.mode == "check" else first.max)
    saved(page)
    dl = download(page, "#export")
    result = json.loads(Path(dl.path()).read_text(encoding="utf-8"))
    assert result["finished_at"] is None and result["answered"] == 1
    page.wait_for_function("document.getElementById('status').textContent.includes('尚未完成')")
    assert re.match(rf"^{re.escape(cl.id)}-\d{{4}}-\d{{2}}-\d{{2}}-{result['id'][:8]}\.json$", dl.suggested_filename)


def jpeg_size(raw: bytes) -> tuple[int, int]:
    """Width and height from a JPEG's frame header."""
    i = 2
    while i < len(raw):
        marker, length = raw[i + 1], struct.unpack(">H", raw[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", raw[i + 5:i + 9])
            return width, height
        i += 2 + length
    raise AssertionError("no frame header")


def test_a_large_photo_is_downscaled_to_1600_px_and_can_be_removed(page, checklist_build, conduct):
    _, cl = conduct
    open_page(page, checklist_build, cl)
    first, second = list(cl.items())[:2]
    for it in (first, second):
        item(page, it.id).locator("input[type=file]").set_input_files(
            files=[{"name": "big.png", "mimeType": "image/png", "buffer": png(2400, 1200)}])
        item(page, it.id).locator("img.thumb:not([hidden])").wait_for()
    saved(page)
    photos = json.loads(Path(download(page, "#export").path()).read_text(encoding="utf-8"))["photos"]
    assert [p["item"] for p in photos] == [first.id, second.id] and [p["name"] for p in photos] == ["photo-1.jpg", "photo-2.jpg"]
    assert jpeg_size(base64.b64decode(photos[0]["data"])) == (1600, 800)
    item(page, first.id).locator(".remove-photo").click()
    item(page, first.id).locator("img.thumb").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == f"p-{first.id}"  # focus stays in the item
    saved(page)
    photos = json.loads(Path(download(page, "#export").path()).read_text(encoding="utf-8"))["photos"]
    assert [(p["item"], p["name"]) for p in photos] == [(second.id, "photo-1.jpg")]


def test_a_21st_photo_is_refused_with_a_message(page, checklist_build, conduct):
    _, cl = conduct
    open_page(page, checklist_build, cl)
    items = list(cl.items())[:21]
    for it in items:
        item(page, it.id).locator("input[type=file]").set_input_files(
            files=[{"name": "p.png", "mimeType": "image/png", "buffer": png(8, 6)}])
    last = item(page, items[-1].id)
    page.wait_for_function("document.querySelectorAll('img.thumb:not([hidden])').length === 20")
    assert "最多保存20张照片" in last.locator(".photo-msg").inner_text() and last.locator("img.thumb").is_hidden()
    # another row's photo finishing later (here: the first one replaced) leaves the refusal shown
    first = item(page, items[0].id).locator("img.thumb")
    before = first.get_attribute("src")
    item(page, items[0].id).locator("input[type=file]").set_input_files(
        files=[{"name": "q.png", "mimeType": "image/png", "buffer": png(6, 8)}])
    page.wait_for_function("([el, old]) => el.getAttribute('src') !== old", arg=[first.element_handle(), before])
    assert "最多保存20张照片" in last.locator(".photo-msg").inner_text()
    assert page.evaluate("document.querySelectorAll('img.thumb:not([hidden])').length") == 20


def test_work_left_by_the_previous_page_in_local_storage_becomes_an_inspection(page, checklist_build, conduct):
    reg, cl = conduct
    open_page(page, checklist_build, cl)
    first = next(i for i in cl.items() if i.mode == "check")
    build = checklist_payload(reg, cl)["build"]
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [f"sqmkit:{build}:{cl.id}", json.dumps(
        {"answers": {first.id: "fail", "no-such-item": "pass"}, "fields": {"inspectee": "网点乙", "date": "2026-03-02"}})])
    page.reload()
    page.wait_for_selector("html[data-ready=yes]")
    assert item(page, first.id).locator("input[value=fail]").is_checked()
    assert page.input_value("#f-inspectee") == "网点乙" and page.input_value("#f-date") == "2026-03-02"
    assert len(_listed(page)) == 1
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sqmkit:') && !k.startsWith('sqmkit:current'))") == []


# -- 3. CSV for Excel ----------------------------------------------------------------------------


def test_csv_export_is_utf8_with_a_bom_and_holds_the_chinese_texts(page, checklist_build, conduct):
    _, cl = conduct
    open_page(page, checklist_build, cl)
    items = list(cl.items())
    fill_header(page)
    answer(page, items[0], "fail" if items[0].mode == "check" else 0)
    item(page, items[0].id).locator("textarea").fill("=HYPERLINK(\"x\")，工装破损")
    saved(page)
    dl = download(page, "#export-csv")
    raw = Path(dl.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and dl.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    head = {r[0]: r[1] for r in rows if len(r) == 2}
    assert head["检查人"] == "质检员甲" and head["被检查人"] == "王某某" and head["检查地点或部门"] == "营运部"
    assert head["总分"] == "0.0" and head["等级"] == cl.bands[-1].grade and head["状态"] == "进行中"
    table = rows[rows.index(["检查项目", "序号", "检查内容", "评定", "得分", "满分", "备注"]) + 1:]
    assert len(table) == len(items)
    texts = [r[2] for r in table]
    assert all(i.text[:8] in t for i, t in zip(items, texts)), texts  # Chinese intact
    assert {s.title for s in cl.sections} == {r[0] for r in table}
    first = table[0]
    assert first[4] == "0" and first[6] == "'=HYPERLINK(\"x\")，工装破损"  # a remark never runs as a formula
    assert first[3] == ("不符合" if items[0].mode == "check" else "0")
    assert all(r[3] == "" for r in table[1:])


# -- 4. several inspections ------------------------------------------------------------------------


def _listed(page):
    return page.locator("#inspection-list li").all_inner_texts()


def test_two_inspections_are_listed_resumed_and_deleted_only_when_confirmed(page, checklist_build, conduct):
    _, cl = conduct
    open_page(page, checklist_build, cl)
    first = next(i for i in cl.items() if i.mode == "check")
    fill_header(page, "张三")
    answer(page, first, "fail")
    saved(page)
    page.click("#new-inspection")
    assert page.input_value("#f-inspectee") == "" and not item(page, first.id).locator("input[value=fail]").is_checked()
    fill_header(page, "李四")
    answer(page, first, "pass")
    saved(page)
    listed = _listed(page)
    assert len(listed) == 2 and "李四" in listed[0] and "张三" in listed[1], listed  # the latest first
    assert "1 / " in listed[1] and "进行中" in listed[1]
    page.get_by_role("button", name=re.compile("^继续：张三")).click()
    page.wait_for_function("document.getElementById('f-inspectee').value === '张三'")
    assert item(page, first.id).locator("input[value=fail]").is_checked()
    # delete asks; dismissing keeps the inspection
    page.get_by_role("button", name=re.compile("^删除：李四")).click()
    dialog = page.locator("dialog#confirm")
    assert dialog.is_visible() and "李四" in dialog.inner_text()
    page.click("#confirm-cancel")
    assert not dialog.is_visible() and len(_listed(page)) == 2
    page.get_by_role("button", name=re.compile("^删除：李四")).click()
    page.click("#confirm-ok")
    page.wait_for_function("document.querySelectorAll('#inspection-list li').length === 1")
    assert "张三" in _listed(page)[0]
    # clearing asks too; Escape keeps everything
    page.click("#reset")
    assert dialog.is_visible()
    page.keyboard.press("Escape")
    assert not dialog.is_visible() and page.input_value("#f-inspectee") == "张三"
    page.click("#reset")
    page.click("#confirm-ok")
    page.wait_for_function("document.querySelectorAll('#inspection-list li').length === 0")
    assert page.input_value("#f-inspectee") == "" and page.inner_text("#grade") == "—"


# -- 5. out of range -------------------------------------------------------------------------------


def test_an_out_of_range_score_is_refused_visibly_and_not_counted(page, checklist_build, conduct):
    reg, cl = conduct
    open_page(page, checklist_build, cl)
    scored = [i for i in cl.items() if i.mode == "score"]
    check = next(i for i in cl.items() if i.mode == "check")
    answer(page, check, "pass")
    for bad in (scored[0].max + 1, -1):
        answer(page, scored[0], bad)
        field = item(page, scored[0].id).locator("input[type=number]")
        err = item(page, scored[0].id).locator(".err")
        assert field.get_attribute("aria-invalid") == "true" and err.is_visible()
        assert f"0到{scored[0].max}之间" in err.inner_text()
        assert field.input_value() == str(bad)  # kept as typed: refused, not clamped
        expected = score(checklist_payload(reg, cl), {check.id: "pass"})
        assert page.inner_text("#answered") == "1" and page.inner_text("#score") == f"{expected.total:.1f}"
    answer(page, scored[0], scored[0].max)
    assert item(page, scored[0].id).locator("input[type=number]").get_attribute("aria-invalid") is None
    assert not item(page, scored[0].id).locator(".err").is_visible() and page.inner_text("#answered") == "2"


# -- 6. no grade before an answer; a failed veto ---------------------------------------------------


def test_an_empty_page_shows_no_grade_and_a_failed_veto_forces_the_failing_grade(page, checklist_build, conduct):
    reg, cl = conduct
    open_page(page, checklist_build, cl)
    assert state(page) == ("—", "—", False)
    assert page.evaluate("document.body.hasAttribute('data-grade')") is False
    answers = all_pass(cl)
    fill_answers(page, cl, answers)
    assert state(page) == ("100.0", cl.bands[0].grade, False)
    veto = next(i for i in cl.items() if i.veto)
    answers[veto.id] = "fail" if veto.mode == "check" else 0
    answer(page, veto, answers[veto.id])
    total, grade, shown = state(page)
    expected = score(checklist_payload(reg, cl), answers)
    assert float(total) == expected.total and float(total) >= cl.bands[1].min  # the total alone earns a good grade …
    assert grade == cl.fail_grade == expected.grade and shown  # … the veto forces the failing one


def test_every_answer_na_shows_no_grade_as_python_scores_none(page, checklist_build, conduct):
    """Nothing scorable is not the lowest grade: all N/A shows no total and no grade, like nothing answered."""
    reg, cl = conduct
    open_page(page, checklist_build, cl)
    answers = {i.id: "na" for i in cl.items()}
    fill_answers(page, cl, answers)
    assert state(page) == ("—", "—", False) and page.inner_text("#answered") == str(len(answers))
    assert page.evaluate("document.body.hasAttribute('data-grade')") is False
    expected = score(checklist_payload(reg, cl), answers)
    assert (expected.total, expected.grade) == (None, None)


def test_the_page_scores_every_answer_as_python_does(page, checklist_build, conduct):
    reg, cl = conduct
    open_page(page, checklist_build, cl)
    spec = checklist_payload(reg, cl)
    answers = all_pass(cl)
    fill_answers(page, cl, answers)
    for n, it in enumerate(sorted((i for i in cl.items() if not i.veto), key=lambda i: -i.weight * i.max)):
        answers[it.id] = ("fail", "na")[n % 2] if it.mode == "check" else (0, it.max / 2, "na")[n % 3]
        answer(page, it, answers[it.id])
        expected = score(spec, answers)
        assert (float(page.inner_text("#score")), page.inner_text("#grade")) == (expected.total, expected.grade)


# -- 7. access and the tablet -----------------------------------------------------------------------


def test_axe_finds_nothing_serious_and_a_tablet_needs_no_horizontal_scroll(browser, checklist_build, conduct):
    assert AXE.is_file(), "axe-core is missing: make test installs it (npm ci --prefix .node)"
    _, cl = conduct
    ctx = browser.new_context(viewport=TABLET, has_touch=True)
    page = ctx.new_page()
    open_page(page, checklist_build, cl)
    first = next(i for i in cl.items() if i.mode == "check")
    page.focus(f'[id="{first.id}"] input[value=fail]')
    page.keyboard.press("Space")  # keyboard-operable
    assert item(page, first.id).locator("input[value=fail]").is_checked() and page.inner_text("#answered") == "1"
    saved(page)
    page.click("#finish")  # the problem list and the inspection list are on the page too
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document)).violations.map(
        v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))""")
    assert not [v for v in violations if v["impact"] in ("serious", "critical")], violations
    assert not [v for v in violations if v["id"] in ("label", "button-name", "region", "landmark-one-main")], violations
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    ctx.close()


# -- 8. print -----------------------------------------------------------------------------------------


def test_the_printed_record_has_no_buttons_and_carries_answers_remarks_and_signature_lines(browser, checklist_build, conduct):
    from pypdf import PdfReader

    _, cl = conduct
    page = browser.new_page()
    open_page(page, checklist_build, cl)
    fill_header(page)
    first = next(i for i in cl.items() if i.mode == "check")
    answer(page, first, "fail")
    item(page, first.id).locator("textarea").fill("车辆停放占用消防通道")
    page.emulate_media(media="print")
    visible = page.evaluate("""() => [...document.querySelectorAll('button, input[type=file], .button, dialog')]
        .filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 80))""")
    assert visible == []
    sign = page.locator(".sign")
    assert sign.is_visible() and [t.strip() for t in sign.locator("p").all_inner_texts()] == ["检查人签字：", "被检查人签字：", "日期："]
    rec = item(page, first.id).locator(".rec")
    assert rec.is_visible() and "不符合" in rec.inner_text() and "车辆停放占用消防通道" in rec.inner_text()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    page.close()
    flat = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))  # pypdf gives 人 as the radical ⼈
    for part in ("检查人签字", "被检查人签字", "评定:不符合", "质检员甲", "营运部"):  # (the remark: checked above)
        assert part in flat, part
    for part in ("完成检查", "导出JSON", "新建检查", "拍照或选择照片"):
        assert part not in flat, part


# -- language: the page speaks its regulation's language ---------------------------------------------

EN_PACK = {
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
        """,
    "checklists/desk.yaml": """\
        id: bilingual.desk-check
        title: {zh-CN: 前台检查表, en: Front desk check}
        bands:
          - {grade: A, min: 90}
          - {grade: B, min: 60}
          - {grade: C, min: 0}
        sections:
          - id: service
            title: {zh-CN: 服务, en: Service}
            items:
              - id: greeting
                text: {zh-CN: 主动问候客户, en: Greets every customer first}
                clauses: [bilingual.standards.service.greeting]
                max: 10
                mode: score
        """,
}


def test_an_english_regulation_gets_an_english_page(tmp_path, page, sqmkit_manager):
    import textwrap

    import yaml

    import sqmkit
    from sqmkit.build import build

    root = tmp_path / "pack"
    for rel, text in EN_PACK.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text), encoding="utf-8")
    profile = {"id": "bi", "company": {"name": "Bilingual Ltd", "short_name": "Bilingual"}, "industry": "bilingual",
               "language": "en", "document": {"number": "B-1", "version": "A/0", "prepared_by": "Quality",
                                               "reviewed_by": "Deputy", "approved_by": "CEO", "owner": "Quality",
                                               "effective_date": "2026-01-01"}}
    path = tmp_path / "bi.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    result = build(path, tmp_path / "out", ["checklists"], mgr=sqmkit_manager(("bilingual", sqmkit.DataPack(root))),
                   store_path=None)
    page.goto((result.out_dir / "checklists" / "bilingual.desk-check.html").as_uri())
    page.wait_for_selector("html[data-ready=yes]")
    assert page.evaluate("document.documentElement.lang") == "en"
    row = page.locator('.item[data-id="bilingual.desk-check.service.greeting"]')
    row.locator("input[type=number]").fill("11")
    assert row.locator(".err").inner_text() == "The score must be between 0 and 10: it is not counted."
    page.click("#finish")
    listed = page.locator("#problems li").all_inner_texts()
    assert "Missing: Inspector" in listed and any(t.startswith("Invalid score: 1.1") for t in listed), listed
    ui = page.locator("header, aside, .summary, fieldset.fields, .item").all_inner_texts()
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(ui)), ui  # no Chinese wording on an English page


# -- KPI readings; nothing answered ---------------------------------------------------------------


def test_kpi_readings_are_optional_kept_and_exported_and_an_empty_export_has_no_grade(page, checklist_build, conduct):
    from sqmkit.inspections import regulation_kpis

    reg, cl = conduct
    open_page(page, checklist_build, cl)
    section = page.locator("details#kpis")
    assert section.get_attribute("open") is None  # collapsed: optional
    kpis = regulation_kpis(reg)
    shown = section.locator(".kpi").all_text_contents()  # (collapsed: not rendered yet)
    assert len(shown) == len(kpis) and all(k["name"] in t and k["target"] in t for k, t in zip(kpis, shown))
    assert f"{kpis[0]['name']}（{kpis[0]['unit']}）" in shown[0]
    page.click("#kpis summary")
    first, second = (page.locator(f'input[data-kpi="{k["id"]}"]') for k in kpis[:2])
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"  # keyboard-reachable
    first.fill("96.5")
    second.fill("1e999")  # not a finite number: flagged, not exported
    assert second.get_attribute("aria-invalid") == "true" and section.locator(f'[data-kpi-row="{kpis[1]["id"]}"] .err').is_visible()
    saved(page)
    page.reload()
    page.wait_for_selector("html[data-ready=yes]")
    assert section.get_attribute("open") is not None and first.input_value() == "96.5"
    result = json.loads(Path(download(page, "#export").path()).read_text(encoding="utf-8"))
    assert result["kpis"] == {kpis[0]["id"]: 96.5}
    assert (result["total"], result["grade"], result["answered"]) == (None, None, 0)  # nothing answered …
    expected = score(checklist_payload(reg, cl), {k: v["answer"] for k, v in result["answers"].items()})
    assert (expected.total, expected.grade, expected.answered) == (None, None, 0)  # … and Python agrees
    rows = list(csv.reader(io.StringIO(Path(download(page, "#export-csv").path()).read_text(encoding="utf-8-sig"))))
    assert [f"指标读数：{kpis[0]['name']}（{kpis[0]['unit']}）", "96.5"] in rows
