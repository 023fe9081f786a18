"""Hostile inspection results: ``results import`` checks a strict schema with limits, strips
control characters and terminal escapes, refuses out-of-range scores naming the item, skips a
result already stored; ``results list`` survives a hand-edited store; ``issue -m`` refuses a bad
message. Real result files, a real TinyDB store, the real courier demo regulation."""

from __future__ import annotations

import copy
import json
import os

import pytest

from sqmkit.inspections import MAX_ANSWERS, MAX_FIELDS, MAX_RESULT_BYTES, MAX_TEXT, checklist_payload
from sqmkit.store import open_store
from sqmkit.storefile import MARKER_TABLE, STORE_FORMAT


@pytest.fixture(scope="module")
def demo(demo_profile_path):
    """``(regulation, a valid exported result)`` of the courier demo's first checklist."""
    from sqmkit.build import load

    reg = load(demo_profile_path)[3]
    checklist = reg.checklists[0]
    spec = checklist_payload(reg, checklist)
    answers = {i["id"]: "pass" for i in spec["items"]}
    result = {"format": "sqmkit-inspection/1", "client": reg.profile.id, "checklist": checklist.id,
              "build": spec["build"], "fields": {"inspectee": "网点甲", "inspector": "质检员", "date": "2024-05-06"},
              "answers": answers, "total": 100, "grade": checklist.bands[0].grade, "veto_failed": []}
    return reg, result, spec


@pytest.fixture
def importer(cli_run, demo_profile_path, tmp_path):
    """``run(result) -> (click result, store path)``: write the result (a dict, str or bytes),
    import it into one store per test."""
    store = tmp_path / "store.json"

    def run(result, name="result.json"):
        path = tmp_path / name
        if isinstance(result, bytes):
            path.write_bytes(result)
        else:
            path.write_text(result if isinstance(result, str) else json.dumps(result, ensure_ascii=False),
                            encoding="utf-8")
        return cli_run("results", "import", path, "--profile", demo_profile_path, "--store", store), store

    return run


def _clean_refusal(out, store, *needles):
    assert out.exit_code == 1, out.output
    assert "Traceback" not in out.output and "internal error" not in out.output
    for needle in needles:
        assert needle in out.output, (needle, out.output)
    assert not store.exists()  # nothing was written


def _edit(result, **changes):
    data = copy.deepcopy(result)
    for key, value in changes.items():
        if value is _DROP:
            data.pop(key)
        else:
            data[key] = value
    return data


_DROP = object()


# -- the schema and its limits --------------------------------------------------------------------


@pytest.mark.parametrize("change, where, needle", [
    ({"fields": ["inspectee", "网点甲"]}, "fields", "expected an object"),
    ({"fields": {"inspectee": ["a", "b"]}}, "fields.inspectee", "expected text"),
    ({"fields": {"inspectee": 5}}, "fields.inspectee", "expected text"),
    ({"fields": {"\x1b[2J": "x"}}, "fields", "a field name must be a letter followed by at most 63 letters, "
                                             "digits, '-' or '_' (found '\\x1b[2J')"),
    ({"fields": {"inspectee": "长" * (MAX_TEXT + 1)}}, "fields.inspectee", f"limit of {MAX_TEXT} characters"),
    ({"fields": {f"f{i}": "x" for i in range(MAX_FIELDS + 1)}}, "fields", f"limit of {MAX_FIELDS} entries"),
    ({"answers": [0] * 1_000_000}, "answers", "expected an object"),
    ({"veto_failed": ["x"] * 1_000_000}, "veto_failed", f"limit of {MAX_ANSWERS} entries"),
    ({"answers": {f"i{n}": "pass" for n in range(MAX_ANSWERS + 1)}}, "answers", f"limit of {MAX_ANSWERS} entries"),
    ({"client": "c" * 300}, "client", "limit of 200 characters"),
    ({"photos": []}, "photos", "unknown field"),
    ({"answers": _DROP}, "answers", "required field is missing"),
    ({"format": "sqmkit-inspection/3"}, "format", "expected 'sqmkit-inspection/2' (or 'sqmkit-inspection/1')"),
    ({"total": "100"}, "total", "a number"),
])
def test_a_result_of_the_wrong_shape_is_refused_at_its_field(demo, importer, change, where, needle):
    out, store = importer(_edit(demo[1], **change))
    _clean_refusal(out, store, f"at {where}: ", needle)


@pytest.mark.parametrize("answer, needle", [
    (11, "score 11 for {item!r} is outside 0–10; scores are refused, not clamped"),
    (-1, "score -1 for {item!r} is outside 0–10"),
    (True, 'an answer must be "pass", "fail", "na", a score'),
    ("PASS", 'an answer must be "pass", "fail", "na", a score'),
    ({"score": 5}, 'an answer must be "pass", "fail", "na", a score'),
    (10 ** 50, 'an answer must be "pass", "fail", "na", a score between 0 and the item\'s maximum, or null'),
    (2_000_000, 'an answer must be "pass"'),
])
def test_a_bad_answer_is_refused_naming_the_item(demo, importer, answer, needle):
    reg, result, spec = demo
    item = next(i["id"] for i in spec["items"] if i["mode"] == "score" and i["max"] == 10)
    data = copy.deepcopy(result)
    data["answers"][item] = answer
    out, store = importer(data)
    _clean_refusal(out, store, f"at answers.{item}", needle.format(item=item))


@pytest.mark.parametrize("text, needle", [
    ('{"format": "sqmkit-inspection/1", "total": NaN}', "NaN is not a JSON value"),
    ('{"format": "sqmkit-inspection/1", "total": Infinity}', "Infinity is not a JSON value"),
    ('{"format": "sqmkit-inspection/1", "client": "c", "checklist": "k", "answers": {}, "total": 1e999}',
     "at total: the number must be finite and within ±1000000"),
    ("[" * 200_000 + "]" * 200_000, "not a JSON result file"),
    ('{"format": "sqmkit-inspection/1", "n": ' + "7" * 5000 + "}", "a number of 5000 digits is longer than the limit "
                                                               "of 100 digits"),
    ('{"format": "sqmkit-inspection/1", "client": "a', "not a JSON result file"),
    ("[]", "expected 'sqmkit-inspection/2'"),
])
def test_a_result_that_is_not_json_or_not_an_object(importer, text, needle):
    out, store = importer(text)
    _clean_refusal(out, store, needle)


def test_limits_on_the_file_itself(demo, importer, tmp_path, cli_run, demo_profile_path):
    big = json.dumps(_edit(demo[1], grade=" " * 10)).replace('"grade"', " " * MAX_RESULT_BYTES + '"grade"')
    out, store = importer(big)
    _clean_refusal(out, store, f"larger than the limit of {MAX_RESULT_BYTES // (1024 * 1024)} MB")
    out, store = importer(b'{"format": "sqmkit-inspection/1", "client": "\xff\xfe"}')
    _clean_refusal(out, store, "not UTF-8 text")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    out = cli_run("results", "import", fifo, "--profile", demo_profile_path, "--store", store)
    _clean_refusal(out, store, "not a regular file")


def test_a_byte_order_mark_is_accepted(demo, importer):
    out, store = importer(b"\xef\xbb\xbf" + json.dumps(demo[1]).encode())
    assert out.exit_code == 0, out.output


# -- what is stored, and printed ----------------------------------------------------------------


HOSTILE = "\x1b[2J\x1b[1;1H\x1b]0;pwned\x07网点\x9b31m甲\r\x00\u202e乙\ud800\n第二行\t尾"


def test_control_characters_and_escapes_are_stripped_and_never_printed(demo, importer, cli_run):
    reg, result, _spec = demo
    out, store = importer(json.dumps(_edit(result, fields={"inspectee": HOSTILE, "date": "2024-05-06"})))
    assert out.exit_code == 0, out.output
    with open_store(store) as st:
        [row] = st.inspections(reg.profile.id)
    assert row["fields"]["inspectee"] == "网点31m甲乙\n第二行\t尾"
    listed = cli_run("results", "list", reg.profile.id, "--store", store)
    assert listed.exit_code == 0 and "网点31m甲乙 第二行 尾" in listed.output
    assert not any(ch in listed.output for ch in "\x1b\x9b\r\x00\u202e\x07")


def test_the_page_claims_are_not_trusted_and_the_result_is_rescored(demo, importer, cli_run, demo_profile_path,
                                                                   tmp_path):
    reg, result, spec = demo
    failed = [i["id"] for i in spec["items"] if i["veto"]][:1]
    data = _edit(result, total=100, grade="优", veto_failed=[])
    data["answers"][failed[0]] = "fail"
    out, store = importer(data)
    assert out.exit_code == 1 and "the file says total 100 grade 优, but its answers score" in out.output
    out = cli_run("results", "import", tmp_path / "result.json", "--profile", demo_profile_path, "--store", store,
                  "--accept-rescore")
    assert out.exit_code == 0, out.output
    with open_store(store) as st:
        [row] = st.inspections(reg.profile.id)
    checklist = reg.checklist(result["checklist"])
    assert row["grade"] == checklist.fail_grade and row["veto_failed"] == failed and row["total"] < 100


def test_the_same_result_twice_is_skipped_saying_so(demo, importer):
    reg, result, _spec = demo
    first, store = importer(result)
    assert first.exit_code == 0 and "stored:" in first.output
    # the same content, written differently (key order, 10 as 10.0, another page total): same result
    spaced = json.dumps(dict(reversed(list(result.items()))) | {"total": 100.0}, indent=4, ensure_ascii=True)
    again, _ = importer(spaced, name="again.json")
    assert again.exit_code == 0, again.output
    assert "already stored" in again.output and "nothing was added" in again.output
    other = copy.deepcopy(result)
    other["fields"]["inspectee"] = "网点乙"
    third, _ = importer(other, name="other.json")
    assert third.exit_code == 0 and "stored:" in third.output
    with open_store(store) as st:
        assert len(st.inspections(reg.profile.id)) == 2


def test_a_result_stored_by_0_1_without_a_digest_is_recognised(demo, importer, tmp_path):
    reg, result, spec = demo
    store = tmp_path / "store.json"
    old = {"client": reg.profile.id, "checklist": result["checklist"], "imported_at": "2024-05-06T10:00:00+00:00",
           "build": result["build"], "current_build": spec["build"], "fields": result["fields"],
           "answers": result["answers"], "total": 100.0, "grade": "优", "veto_failed": []}
    store.write_text(json.dumps({"inspections": {"1": old}}, ensure_ascii=False), encoding="utf-8")
    out, _ = importer(result)
    assert "already stored (imported 2024-05-06T10:00:00+00:00)" in out.output


def test_results_list_reports_and_skips_hand_edited_records(demo, cli_run, tmp_path):
    reg, result, _spec = demo
    client = reg.profile.id
    good = {"client": client, "checklist": "c.one", "imported_at": "2024-05-06T10:00:00+00:00", "total": 90.5,
            "grade": "良", "fields": {"inspectee": "\x1b[31m网点丙"}, "answers": {}}
    store = tmp_path / "store.json"
    store.write_text(json.dumps({MARKER_TABLE: {"1": {"format": STORE_FORMAT, "version": 1}}, "inspections": {
        "1": good,
        "2": good | {"fields": ["inspectee", "网点甲"]},
        "3": good | {"total": "ninety"},
        "4": good | {"imported_at": "2024-13-45T99:00:00"},
        "5": {k: v for k, v in good.items() if k != "grade"},
        "6": good | {"fields": {"inspectee\x1b]0;x\x07": 5}},
    }}, ensure_ascii=False), encoding="utf-8")
    before = store.read_bytes()
    out = cli_run("results", "list", client, "--store", store)
    assert out.exit_code == 0, out.output
    assert "Traceback" not in out.output and "internal error" not in out.output
    lines = out.output.splitlines()
    [line] = [ln for ln in lines if "网点丙" in ln]
    assert line.split() == ["2024-05-06", client, "c.one", "网点丙", "90.5", "良", "0"]
    for record, where in (("2", "fields"), ("3", "total"), ("4", "imported_at"), ("5", "grade"),
                          ("6", "fields.inspectee")):
        assert any(f"table 'inspections', record {record}, field {where}" in ln for ln in lines), (record, lines)
    assert "1 result(s)" in out.output
    assert "\x1b" not in out.output
    assert store.read_bytes() == before


# -- issue -m --------------------------------------------------------------------------------------


@pytest.mark.parametrize("message, needle", [
    ("", "the message is empty"),
    ("   \n\t ", "the message is empty"),
    ("长" * 2001, "the message has 2001 characters; the limit is 2000"),
    ("first\x1b[2Jsecond", "control character U+001B"),
    ("bell\x07", "control character U+0007"),
    ("right\u202eleft", "control character U+202E"),
])
def test_issue_refuses_a_bad_message(cli_run, demo_profile_path, tmp_path, message, needle):
    store = tmp_path / "store.json"
    out = cli_run("issue", demo_profile_path, "-m", message, "--store", store)
    assert out.exit_code == 2, out.output
    assert needle in out.output and "Traceback" not in out.output
    assert not store.exists()


def test_issue_accepts_a_message_of_two_lines(cli_run, make_profile, tmp_path):
    store = tmp_path / "store.json"
    profile = make_profile(lambda d: d["document"].update(version="Z/9", revisions=[]))
    out = cli_run("issue", profile, "-m", "修订投诉时限\n增加回访条款", "--store", store)
    assert out.exit_code == 0, out.output
    with open_store(store) as st:
        [version] = st.versions("demo-courier")
    assert version["description"] == "修订投诉时限\n增加回访条款"
