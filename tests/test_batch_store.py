"""``build --all`` records its builds in batches: one store transaction (one read, one atomic
write) for the results that finished together, with the same records as one write per result;
nothing recorded is lost when the batch ends by an exception, and a store that cannot be written
is every result's failure."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sqmkit.batch import _saved
from sqmkit.build import save_record
from sqmkit.executors import Done, Job, run
from sqmkit.plugins import get_plugin_manager
from sqmkit.store import open_store
from sqmkit.storefile import read_store_file
from sqmkit.workspace import Workspace


def _record(client: str, n: int) -> dict[str, Any]:
    return {"client": client, "version": "A/0", "out_dir": f"/out/{client}", "formats": ["html"],
            "manifest_sha256": f"{n:064x}", "files": n, "profile_sha256": None, "plugins": {"courier": "0.2.0"}}


def _done(client: str, n: int) -> Done:
    return Done(client, True, 1.0, n, record=_record(client, n), profile=({"id": client, "n": n}, f"{client}.yaml"))


def _without_time(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "at"} for row in rows]


def _issue(store_path: Path, client: str, version: str) -> None:
    with open_store(store_path) as store:
        store.add_version(client, version, "2026-01-02", "issued", {"id": client})


def test_a_batch_writes_the_store_once_when_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    with open_store(path, batch=True) as store:
        for n in range(3):
            store.add_build({**_record(f"c{n}", n), "at": "2026-01-01T00:00:00+00:00", "last_issue": None})
        assert not path.exists()  # nothing written yet: the three go in one write
    data = read_store_file(path)
    assert data is not None and [row["client"] for row in data["builds"].values()] == ["c0", "c1", "c2"]
    assert list(data["builds"]) == ["1", "2", "3"]


def test_a_batch_ended_by_an_exception_keeps_what_was_recorded_before_it(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    with pytest.raises(KeyboardInterrupt):
        with open_store(path, batch=True) as store:
            store.add_build({**_record("c0", 0), "at": "2026-01-01T00:00:00+00:00", "last_issue": None})
            store.add_build({**_record("c1", 1), "at": "2026-01-01T00:00:00+00:00", "last_issue": None})
            raise KeyboardInterrupt
    with open_store(path) as store:
        assert [len(store.builds(c)) for c in ("c0", "c1")] == [1, 1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.json", "store.json.lock"]


def test_a_batch_that_only_reads_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    save_record(path, _record("c0", 0), None)
    before = os.stat(path)
    with open_store(path, batch=True) as store:
        assert len(store.builds("c0")) == 1
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_results_recorded_together_are_the_records_of_one_write_each(tmp_path: Path) -> None:
    one_by_one, together = Workspace.init(tmp_path / "a"), Workspace.init(tmp_path / "b")
    for ws in (one_by_one, together):
        _issue(ws.store_path, "c1", "A/0")
    finished = [_done("c0", 3), _done("c1", 4), Done("c2", False, 0.5, problem="the profile is wrong")]
    for result in finished[:2]:
        save_record(one_by_one.store_path, result.record or {}, result.profile)
    outcomes = _saved(together, finished)
    assert [(o.client, o.ok, o.files, o.problem) for o in outcomes] == [
        ("c0", True, 3, None), ("c1", True, 4, None), ("c2", False, 0, "the profile is wrong")]
    with open_store(one_by_one.store_path) as a, open_store(together.store_path) as b:
        assert a.clients() == b.clients() and len(b.clients()) == 2
        for client in ("c0", "c1", "c2"):
            assert _without_time(a.builds(client)) == _without_time(b.builds(client))
        assert b.builds("c1")[0]["last_issue"] == "A/0" and b.builds("c0")[0]["last_issue"] is None


def test_a_store_that_cannot_be_opened_is_the_failure_of_every_result_it_would_record(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws")
    ws.store_path.write_text('{"not": "a store"}', encoding="utf-8")
    outcomes = _saved(ws, [_done("c0", 1), _done("c1", 2), Done("c2", False, 0.5, problem="own problem")])
    assert [o.ok for o in outcomes] == [False, False, False]
    assert all("not an sqmkit store" in (o.problem or "") for o in outcomes[:2])
    assert outcomes[2].problem == "own problem"
    assert ws.store_path.read_text(encoding="utf-8") == '{"not": "a store"}'


def test_local_jobs_come_back_in_batches_each_job_once(tmp_path: Path) -> None:
    jobs = [Job(f"c{n}", str(tmp_path / f"missing-{n}.yaml"), str(tmp_path / "out"), ["html"], None, [])
            for n in range(5)]
    batches = list(run(jobs, "local", 2, get_plugin_manager()))
    assert all(batches)
    assert sorted(d.client for batch in batches for d in batch) == [f"c{n}" for n in range(5)]
    assert all(not d.ok and d.problem for batch in batches for d in batch)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def test_the_last_jobs_lay_out_their_forms_beside_them_with_the_bytes_of_a_serial_build(tmp_path: Path) -> None:
    from sqmkit.executors import run_job

    demo = next(Path(__file__).resolve().parents[1].glob("plugins/*/sqmkit_courier/examples/demo-*.yaml"))
    formats = ["forms", "checklists"]  # the forms go to a worker beside the build when it may fork
    jobs = [Job(name, str(demo), str(tmp_path / name), formats, None, []) for name in ("a", "b")]
    done = [d for batch in run(jobs, "local", 2, get_plugin_manager()) for d in batch]
    assert all(d.ok for d in done), [d.problem for d in done]
    serial = run_job(Job("c", str(demo), str(tmp_path / "c"), formats, None, []), beside=False)
    assert serial.ok, serial.problem
    built = [_files(tmp_path / name / demo.stem) for name in ("a", "b", "c")]
    assert built[0] and any(rel.endswith(".pdf") for rel in built[0])
    assert built[0] == built[1] == built[2]
