"""Digests of files remembered by their status (sqmkit.filedigest), and the build cache's digest of
the plugins' package files: a changed file is always read again."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from sqmkit import buildcache, diskcache, filedigest


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SQMKIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(diskcache, "_folders", {})
    monkeypatch.setattr(filedigest, "_memories", {})
    return tmp_path / "cache"


def _later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock a minute ahead: every file here has settled (no test waits)."""
    ahead = time.time_ns() + 60 * 10**9
    monkeypatch.setattr(filedigest, "time", SimpleNamespace(time_ns=lambda: ahead))


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def test_a_file_just_written_is_read_every_time(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    assert filedigest.file_digest(path) == _sha(b"one")
    assert str(path) not in filedigest._memory().entries  # too recent to be trusted by its status


def test_a_settled_file_is_remembered_and_another_process_trusts_its_status(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _later(monkeypatch)
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    assert filedigest.file_digest(path) == _sha(b"one")
    filedigest.save()
    monkeypatch.setattr(filedigest, "_memories", {})  # as a new process: read back from the file
    entry = filedigest._memory().entries[str(path)]
    entry[5] = "0" * 64  # what is recorded is what is returned, unread, while the status is the same
    assert filedigest.file_digest(path) == bytes(32)


@pytest.mark.parametrize("change", ["longer", "replaced", "same size, times set back"])
def test_a_changed_file_is_read_again(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      change: str) -> None:
    _later(monkeypatch)
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    filedigest.file_digest(path)
    before = os.stat(path)
    if change == "longer":
        path.write_bytes(b"one more")
        new = b"one more"
    elif change == "replaced":
        (tmp_path / "b.txt").write_bytes(b"two")
        os.replace(tmp_path / "b.txt", path)
        new = b"two"
    else:  # the same size and modification time: only the change time can tell, so say it did
        path.write_bytes(b"two")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        filedigest._memory().entries[str(path)][4] -= 1
        new = b"two"
    assert filedigest.file_digest(path) == _sha(new)


def test_without_a_cache_folder_every_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQMKIT_CACHE_DIR", "")
    monkeypatch.setattr(diskcache, "_folders", {})
    monkeypatch.setattr(filedigest, "_memories", {})
    _later(monkeypatch)
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    assert filedigest.file_digest(path) == _sha(b"one") and filedigest._memories == {}
    filedigest.save()


def test_a_damaged_digests_file_holds_nothing(cache: Path, tmp_path: Path) -> None:
    cache.joinpath("builds").mkdir(parents=True)
    cache.joinpath("builds", "digests.json").write_text('{"version": 1, "files": {"/x": [1, 2, "a"]}}')
    path = tmp_path / "a.txt"
    path.write_bytes(b"one")
    assert filedigest.file_digest(path) == _sha(b"one") and "/x" not in filedigest._memory().entries


def test_a_pipe_is_never_opened(cache: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert filedigest.file_digest(fifo) == _sha(b"not a regular file")


def test_the_digest_of_a_plugin_named_by_its_entry_point_covers_its_package_files(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site" / "fake_plugin_pkg"
    (package / "rules").mkdir(parents=True)
    (package / "__init__.py").write_text("plugin = object()\n", encoding="utf-8")
    (package / "rules" / "a.yaml").write_text("id: a\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "fake_plugin_pkg", raising=False)
    first = buildcache._module_digest("fake_plugin_pkg:plugin")  # an entry point's value
    assert first not in ("unknown", "absent")
    (package / "rules" / "a.yaml").write_text("id: b\n", encoding="utf-8")
    assert buildcache._module_digest("fake_plugin_pkg:plugin") != first
