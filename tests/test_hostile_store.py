"""A hostile or broken store file: sqmkit recognises its own store, never writes into anything
else, reports a damaged one located (file, table, record, field), cleans up after killed writes,
and says why it cannot lock. Real files throughout; after every refusal the file is byte-identical."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from sqmkit.errors import StoreError
from sqmkit.store import open_store
from sqmkit.storefile import MARKER_TABLE, STORE_FORMAT, STORE_VERSION

MARKER = {"1": {"format": STORE_FORMAT, "version": STORE_VERSION}}


def _write(path, data) -> bytes:
    raw = data if isinstance(data, bytes) else (data if isinstance(data, str) else json.dumps(data)).encode("utf-8")
    path.write_bytes(raw)
    return raw


def _refused(path, *needles):
    """Opening the store and writing to it fails with a StoreError naming the file; the file is
    byte-identical afterwards. Returns the error."""
    before = path.read_bytes()
    with pytest.raises(StoreError) as err:
        with open_store(path) as st:
            st.add_build({"client": "acme", "at": "now"})
    assert path.read_bytes() == before
    assert str(path.name) in str(err.value)
    for needle in needles:
        assert needle in str(err.value), (needle, str(err.value))
    return err.value


def _version(**over):
    row = {"client": "acme", "version": "A/0", "date": "2024-03-01", "description": "首版", "snapshot": {}}
    row.update(over)
    return row


# -- recognising the store ----------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    {"theme": "dark", "font_size": 12},
    {"clients": {}, "editor": {"tabs": 4}},
    {},
    [1, 2, 3],
    json.dumps("just a string"),
    {"_default": {"1": {"a": 1}}},
], ids=["settings", "one-table-and-foreign", "empty-object", "list", "string", "tinydb-default-table"])
def test_a_json_file_that_is_not_a_store_is_never_written(tmp_path, content):
    path = tmp_path / "settings.json"
    _write(path, content)
    _refused(path, "not an sqmkit store", "choose another --store")


def test_cli_refuses_foreign_json_for_every_store_command(tmp_path, cli_run, demo_profile_path):
    path = tmp_path / "settings.json"
    before = _write(path, {"theme": "dark"})
    for args in (["results", "list", "acme"], ["issue", demo_profile_path, "-m", "x"],
                 ["diff", demo_profile_path], ["build", demo_profile_path, "-o", tmp_path / "out", "-f", "checklists"]):
        result = cli_run(*args, "--store", path)
        assert result.exit_code == 1, (args, result.output)
        assert "not an sqmkit store" in result.output and "Traceback" not in result.output
        assert "internal error" not in result.output
    assert path.read_bytes() == before
    assert not (tmp_path / "out" / "demo-courier").exists()


@pytest.mark.parametrize("content", [None, "", "  \n\t"], ids=["missing", "empty", "blank"])
def test_a_missing_or_empty_file_becomes_a_new_store_with_its_marker(tmp_path, content):
    path = tmp_path / "store.json"
    if content is not None:
        path.write_text(content)
    with open_store(path) as st:
        assert st.inspections("acme") == []
        st.add_build({"client": "acme"})
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data[MARKER_TABLE] == MARKER
    assert list(data["builds"].values()) == [{"client": "acme"}]


def test_a_store_of_sqmkit_0_1_is_read_and_gets_the_marker_on_the_next_write(tmp_path):
    path = tmp_path / "sqmkit-store.json"
    old = {"clients": {"1": {"id": "acme", "profile": {"id": "acme"}, "source": None}},
           "versions": {"1": _version()}, "builds": {}}
    _write(path, old)
    with open_store(path) as st:  # a read does not rewrite it
        assert [v["version"] for v in st.versions("acme")] == ["A/0"]
    assert json.loads(path.read_text()) == old
    with open_store(path) as st:
        st.add_build({"client": "acme"})
    data = json.loads(path.read_text())
    assert data[MARKER_TABLE] == MARKER
    assert data["versions"] == old["versions"] and data["clients"] == old["clients"]


def test_a_store_from_a_newer_sqmkit_is_refused(tmp_path):
    path = tmp_path / "store.json"
    _write(path, {MARKER_TABLE: {"1": {"format": STORE_FORMAT, "version": STORE_VERSION + 1}}, "builds": {}})
    _refused(path, f"format version {STORE_VERSION + 1}", "upgrade sqmkit")


@pytest.mark.parametrize("marker", [[], {"1": {"format": "other"}}, {"1": {"format": STORE_FORMAT, "version": "1"}}])
def test_a_damaged_marker_is_refused(tmp_path, marker):
    path = tmp_path / "store.json"
    _write(path, {MARKER_TABLE: marker})
    err = _refused(path, "marker is damaged")
    assert err.table == MARKER_TABLE


# -- a damaged store ----------------------------------------------------------------------------


def test_a_store_cut_mid_character(tmp_path):
    path = tmp_path / "store.json"
    with open_store(path) as st:
        st.add_version("acme", "A/0", "2024-03-01", "首次发布（全文）", {})
    raw = path.read_bytes()
    cut = raw.index("首".encode()) + 1  # inside the three bytes of 首
    path.write_bytes(raw[:cut])
    _refused(path, "not UTF-8 text", "cut short", "restore it from a backup")


@pytest.mark.parametrize("text, needle", [
    ('{"builds": {"1": ', "not valid JSON (line 1"),
    ('{"builds": {"1": {"client": NaN}}}', "NaN is not a JSON value"),
    ('{"builds": {"1": {"n": ' + "9" * 5000 + "}}}", "a number of 5000 digits is longer than the limit of 100"),
    ('{"builds": {"1": ' + "[" * 100_000 + "]" * 100_000 + "}}", "not valid JSON"),
])
def test_a_store_that_is_not_json(tmp_path, text, needle):
    path = tmp_path / "store.json"
    _write(path, text)
    _refused(path, needle)


@pytest.mark.parametrize("data, table, record, needle", [
    ({"builds": []}, "builds", None, "a table must be an object of records, not list"),
    ({"builds": {"1": ["client", "acme"]}}, "builds", "1", "a record must be an object, not list"),
    ({"builds": {"first": {"client": "acme"}}}, "builds", None, "record id 'first' is not a number"),
    ({"builds": {"01": {"client": "acme"}}}, "builds", None, "record id '01' is not a number"),
    ({"builds": {"1": {"deep": json.loads("[" * 150 + "]" * 150)}}}, "builds", "1", "nested more than"),
])
def test_a_store_of_the_wrong_shape_is_located(tmp_path, data, table, record, needle):
    path = tmp_path / "store.json"
    _write(path, data)
    err = _refused(path, needle)
    assert (err.table, err.record) == (table, record)


@pytest.mark.parametrize("row, where, needle", [
    (_version(date="2024-02-30"), "date", "'2024-02-30' is not a valid date"),
    (_version(date="next week"), "date", "is not a valid date"),
    (_version(date=20240301), "date", "expected text, found a whole number"),
    (_version(version=["A", 0]), "version", "expected text, found a list"),
    (_version(snapshot="{}"), "snapshot", "expected an object, found text"),
    ({k: v for k, v in _version().items() if k != "description"}, "description", "a required field is missing"),
])
def test_a_record_with_a_bad_field_is_located_by_table_record_and_field(tmp_path, cli_run, make_profile, row, where,
                                                                         needle):
    path = tmp_path / "store.json"
    before = _write(path, {MARKER_TABLE: MARKER, "versions": {"7": row}})
    with pytest.raises(StoreError) as err:
        with open_store(path) as st:
            st.versions("acme")
    assert (err.value.table, err.value.record, err.value.where) == ("versions", "7", where)
    assert needle in str(err.value) and str(path) in str(err.value)
    assert "correct or remove this record" in str(err.value)
    # the same through a command that reads the revision log: a located message, nothing written
    profile = make_profile(lambda d: d.update(id="acme"))
    result = cli_run("build", profile, "-o", tmp_path / "out", "-f", "checklists", "--store", path)
    assert result.exit_code == 1 and "internal error" not in result.output and "Traceback" not in result.output
    assert "table 'versions', record 7, field " + where in result.output, result.output
    assert path.read_bytes() == before


def test_a_lone_surrogate_in_a_hand_edited_store_survives_a_write(tmp_path):
    path = tmp_path / "store.json"
    path.write_text('{"builds": {"1": {"client": "acme", "note": "\\ud800"}}}', encoding="utf-8")
    with open_store(path) as st:
        st.add_build({"client": "acme"})
    with open_store(path) as st:
        assert [b.get("note") for b in st.builds("acme")] == ["\ud800", None]


# -- the path, the lock and leftovers -----------------------------------------------------------


def test_leftover_temporary_files_of_killed_writes_are_removed_and_nothing_else(tmp_path):
    path = tmp_path / "store.json"
    with open_store(path) as st:
        st.add_build({"client": "acme"})
    ours = [tmp_path / "store.json.k3j_9x0a.tmp", tmp_path / "store.json.aaaaaaaa.tmp"]
    others = [tmp_path / "store.json.mine.tmp", tmp_path / "other.json.k3j_9x0a.tmp", tmp_path / "store.json.tmp",
              tmp_path / "store.json.k3j_9x0a.tmp.bak"]
    past = time.time() - 60
    for p in ours + others:
        p.write_text('{"half": ')
        os.utime(p, (past, past))
    with open_store(path) as st:
        assert len(st.builds("acme")) == 1
    assert [p for p in ours if p.exists()] == []
    assert all(p.exists() for p in others)


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_a_store_path_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    if kind == "folder":
        path = tmp_path / "store.json"
        path.mkdir()
    elif kind == "fifo":
        path = tmp_path / "store.json"
        os.mkfifo(path)
    else:
        path = tmp_path / "null.json"
        path.symlink_to(os.devnull)
    with pytest.raises(StoreError, match="the store path is"):
        with open_store(path) as st:
            st.add_build({"client": "acme"})
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)


def test_a_symlinked_store_is_written_where_it_points(tmp_path):
    real = tmp_path / "data" / "store.json"
    real.parent.mkdir()
    link = tmp_path / "store.json"
    link.symlink_to(real)
    with open_store(link) as st:
        st.add_build({"client": "acme"})
    assert link.is_symlink() and json.loads(real.read_text())["builds"]


def test_a_store_below_a_regular_file_says_why(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as err:
        with open_store(blocker / "store.json"):
            pass
    assert "cannot create the store's lock file" in str(err.value)
    assert "another sqmkit process" not in str(err.value)
    assert blocker.read_text() == "not a folder"


def _open_as_nobody(path, queue):
    """In a child process: drop to an unprivileged user, then try to open the store."""
    from sqmkit.messages import _  # noqa: F401  (imported while the interpreter's files are readable)

    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    try:
        with open_store(path, timeout=30):
            queue.put("opened")
    except StoreError as exc:
        queue.put(str(exc))
    except BaseException as exc:  # pragma: no cover - reported to the test
        queue.put(f"unexpected {type(exc).__name__}: {exc}")


def test_an_unwritable_folder_gets_the_real_reason_at_once():
    """The store's folder may not be written (as root, the child process drops to ``nobody``)."""
    base = Path(tempfile.mkdtemp(prefix="sqmkit-unwritable-"))  # outside pytest's private 0700 folder
    try:
        base.chmod(0o755)
        folder = base / "locked"
        folder.mkdir(mode=0o555)
        folder.chmod(0o555)
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        proc = ctx.Process(target=_open_as_nobody, args=(str(folder / "store.json"), queue))
        proc.start()
        message = queue.get(timeout=60)
        proc.join(60)
    finally:
        shutil.rmtree(base)
    assert "Permission denied" in message and str(folder / "store.json.lock") in message, message
    assert "another sqmkit process" not in message
