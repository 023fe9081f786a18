"""kill -9 during ``issue`` leaves the old state or the new one, never half an archive; a version
that reached the archive but not the store is rolled forward from its manifest."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys

from sqmkit.archive import verify
from sqmkit.issuing import recover
from sqmkit.store import open_store

from test_issue import new_workspace


def _state(ws) -> str:
    """"old" (nothing issued, no archive) or "new" (recorded and complete); anything else fails."""
    with open_store(ws.store_path) as store:
        recover(store, ws.archive_dir)
        rows = store.versions("demo-courier")
    client_dir = ws.archive_dir / "demo-courier"
    folders = sorted(p.name for p in client_dir.iterdir()) if client_dir.exists() else []
    if not rows:
        assert folders == [], folders
        return "old"
    assert [r["version"] for r in rows] == ["B/1"] and folders == ["B-1"], (rows, folders)
    assert all(c.status == "match" for c in verify(client_dir / "B-1"))
    return "new"


def test_kill_9_during_issue_leaves_old_or_new(tmp_path):
    rng = random.Random(11)
    outcomes = []
    for trial in range(3):
        ws = new_workspace(tmp_path / f"ws{trial}")
        cmd = [sys.executable, "-m", "sqmkit.cli", "issue", "demo-courier", "-m", "首次发布", "--by", "甲",
               "--workspace", str(ws.root), "-q"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        delay = rng.uniform(0.5, 9.0)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        outcomes.append(_state(ws))
    assert set(outcomes) <= {"old", "new"}


def test_an_archived_version_missing_from_the_store_is_rolled_forward(tmp_path):
    from test_issue import run

    ws = new_workspace(tmp_path / "a")
    assert run("issue", "demo-courier", "-m", "首次发布", "--by", "甲", "--workspace", ws.root, "-q").exit_code == 0
    other = new_workspace(tmp_path / "b")
    shutil.copytree(ws.archive_dir, other.archive_dir)  # as if killed after the rename, before the store write
    (other.archive_dir / "demo-courier" / ".issuing-B-1-999999999").mkdir()  # a dead issue's leftovers
    assert _state(other) == "new"
    assert not list((other.archive_dir / "demo-courier").glob(".issuing-*"))
    with open_store(other.store_path) as store:
        [row] = store.versions("demo-courier")
    assert row["by"] == "甲" and row["description"] == "首次发布"
