"""Fuzzing the store reader and the results importer with hypothesis: any bytes, any JSON shape
as a store file or a result file ends in success or a located error (never another exception, so
never "internal error"); a store that refuses a write is byte-identical afterwards; whatever was
stored reads back. Bounded: about 300 examples in all, no deadline. Run with ``-s`` to see the
number of examples and the time each test took."""

from __future__ import annotations

import copy
import json
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqmkit.errors import DataError, StoreError
from sqmkit.inspections import checklist_payload, find_duplicate, parse_result, score_result
from sqmkit.store import open_store
from sqmkit.storefile import MARKER_TABLE, STORE_FORMAT, TABLES, clean_text

FUZZ = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: test → [examples, seconds, how many ended in each outcome]
FIGURES: dict[str, list] = {}


@pytest.fixture(scope="module", autouse=True)
def report_figures():
    yield
    for name, (count, seconds, outcomes) in sorted(FIGURES.items()):
        ends = ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))
        print(f"\n[fuzz] {name}: {count} examples in {seconds:.1f} s ({ends})")


def _count(name: str, started: float, outcome: str) -> None:
    count, seconds, outcomes = FIGURES.setdefault(name, [0, 0.0, {}])
    outcomes[outcome] = outcomes.get(outcome, 0) + 1
    FIGURES[name][:2] = [count + 1, seconds + time.perf_counter() - started]


# -- strategies -----------------------------------------------------------------------------------

SCALARS = (st.none() | st.booleans() | st.integers(min_value=-10 ** 30, max_value=10 ** 30)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
FIELD = st.sampled_from(["client", "checklist", "id", "profile", "version", "date", "description", "snapshot",
                         "imported_at", "total", "grade", "fields", "answers", "build", "digest", "source"])
RECORD = st.dictionaries(FIELD | st.text(max_size=6), JSON | st.just("acme") | st.just("2024-02-30"), max_size=6)
RECORD_ID = st.sampled_from(["1", "2", "17", "0", "01", "x", "", "99999999999999999999"]) | st.text(max_size=4)
TABLE = st.dictionaries(RECORD_ID, RECORD | JSON, max_size=4) | JSON
MARKER = st.sampled_from([{"1": {"format": STORE_FORMAT, "version": 1}}, {"1": {"format": STORE_FORMAT, "version": 2}},
                          {"1": {"format": "x"}}, {}, []])
STORE = st.one_of(
    st.dictionaries(st.sampled_from(TABLES), TABLE, max_size=5),
    st.dictionaries(st.sampled_from((*TABLES, MARKER_TABLE, "_default", "theme")) | st.text(max_size=5),
                    TABLE, max_size=5),
    st.builds(lambda tables, marker: {**tables, MARKER_TABLE: marker},
              st.dictionaries(st.sampled_from(TABLES), TABLE, max_size=5), MARKER),
    JSON,
)


# -- the store ------------------------------------------------------------------------------------


def _valid_store_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.json"
        with open_store(path) as s:
            s.add_version("acme", "A/0", "2024-03-01", "首次发布", {"c.a": "第一条"})
            s.add_build({"client": "acme", "version": "A/0"})
        return path.read_bytes()


VALID_STORE = _valid_store_bytes()


def _exercise_store(raw: bytes) -> str:
    """Read everything and write once: success, or a located StoreError leaving the file as it was."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.json"
        path.write_bytes(raw)
        try:
            with open_store(path) as s:
                problems: list[StoreError] = []
                s.inspections("acme", problems)
                assert all(p.file and p.table == "inspections" and p.record for p in problems)
                for read in (s.clients, lambda: s.versions("acme"), lambda: s.builds("acme"),
                             lambda: s.actions("acme")):
                    try:
                        read()
                    except StoreError as exc:
                        assert exc.file and exc.table and exc.record and exc.where, str(exc)
                s.add_build({"client": "acme", "fuzz": True})
        except StoreError as exc:
            assert exc.file == str(path), str(exc)
            assert path.read_bytes() == raw
            return "refused"
        with open_store(path) as s:  # what was written reads back, with its marker
            assert any(b.get("fuzz") for b in s.builds("acme"))
        assert json.loads(path.read_text(encoding="utf-8"))[MARKER_TABLE]["1"]["format"] == STORE_FORMAT
    return "written"


@FUZZ
@given(st.binary(max_size=300) | st.builds(lambda cut, flip: _damaged(VALID_STORE, cut, flip),
                                           st.integers(0, len(VALID_STORE)), st.integers(0, 255)))
def test_any_bytes_as_a_store(raw):
    started = time.perf_counter()
    _count("store file, any bytes", started, _exercise_store(raw))


def _damaged(raw: bytes, cut: int, flip: int) -> bytes:
    """``raw`` cut at ``cut``, or with the byte there changed to ``flip``."""
    if flip % 2:
        return raw[:cut]
    return raw[:cut] + bytes([flip]) + raw[cut + 1:]


@FUZZ
@given(STORE)
def test_any_json_shape_as_a_store(data):
    started = time.perf_counter()
    _count("store file, JSON shapes", started, _exercise_store(json.dumps(data, ensure_ascii=False).encode()))


# -- results ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_profile_path):
    from sqmkit.build import load

    reg = load(demo_profile_path)[3]
    checklist = reg.checklists[0]
    spec = checklist_payload(reg, checklist)
    result = {"format": "sqmkit-inspection/1", "client": reg.profile.id, "checklist": checklist.id,
              "build": spec["build"], "fields": {"inspectee": "网点甲", "date": "2024-05-06"},
              "answers": {i["id"]: "pass" for i in spec["items"]}, "total": 100, "grade": "优", "veto_failed": []}
    return reg, result, spec["items"]


KEYS = st.sampled_from(["format", "client", "checklist", "build", "fields", "answers", "total", "grade",
                        "veto_failed", "photos"])
ODD_ANSWER = st.sampled_from([10.5, -1, 11, True, "PASS", 1e300, [], {}]) | JSON
TEXT = st.text(max_size=30) | st.sampled_from(["\x1b[2J网点", "a\u202eb", "\x00\x9b31m", "行一\n行二\t"])


def _fair_answer(item: dict) -> st.SearchStrategy:
    """An answer the item accepts."""
    if item["mode"] == "score":
        return st.sampled_from(["na", None]) | st.integers(0, int(item["max"])) | st.floats(0, float(item["max"]))
    return st.sampled_from(["pass", "fail", "na", None])


@FUZZ
@given(data=st.data())
def test_any_result_file(demo, data):
    """Most examples are results a page could export (any fair answers, any texts), the rest break
    one thing: a field, an answer, the JSON itself."""
    started = time.perf_counter()
    reg, valid, items = demo
    result = copy.deepcopy(valid)
    for item in data.draw(st.lists(st.sampled_from(items), max_size=6), label="answered"):
        result["answers"][item["id"]] = data.draw(_fair_answer(item), label=item["id"])
    result["fields"] = data.draw(st.dictionaries(st.sampled_from(["inspectee", "inspector", "date"]), TEXT),
                                 label="texts")
    how = data.draw(st.sampled_from(["fair", "fair", "field", "answer", "cut"]), label="how")
    if how == "field":
        key, value = data.draw(st.tuples(KEYS | st.text(max_size=5), JSON), label="field")
        result[key] = value
    elif how == "answer":
        item_id = data.draw(st.sampled_from([i["id"] for i in items]) | st.text(max_size=5), label="item")
        result["answers"][item_id] = data.draw(ODD_ANSWER, label="odd answer")
    raw = json.dumps(result, ensure_ascii=data.draw(st.booleans(), label="ascii"))
    if how == "cut":
        raw = raw[:data.draw(st.integers(0, len(raw) - 1), label="cut at")]
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store.json"
        try:
            imported = score_result("r.json", parse_result("r.json", raw), reg, "2024-05-06T10:00:00+00:00")
        except DataError as exc:
            assert exc.file == "r.json"
            outcome = "refused"
        else:
            outcome = "stored"
            with open_store(store) as s:
                s.add_inspection(imported.record)
            with open_store(store) as s:  # what was stored reads back, and is known as stored
                rows = s.inspections(reg.profile.id)
                assert [r["digest"] for r in rows] == [imported.digest]
                assert find_duplicate(rows, imported.digest) is not None
                assert all(clean_text(v) == v for v in rows[0]["fields"].values())
    _count("result file", started, outcome)
