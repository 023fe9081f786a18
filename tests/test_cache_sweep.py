"""The cache folder stays bounded without anyone clearing it: an entry read counts as used, and
the first folder a process asks for sweeps the entries not used for a while, at most once a day."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sqmkit import diskcache

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "plugins/courier/sqmkit_courier/examples/demo-courier.yaml"
DAY = 86400.0


def run(*args: str | Path, cache: Path, **env: str) -> None:
    environ = {**os.environ, "SQMKIT_CACHE_DIR": str(cache), **env}
    if "SQMKIT_CACHE_MAX_AGE_DAYS" not in env:
        environ.pop("SQMKIT_CACHE_MAX_AGE_DAYS", None)
    done = subprocess.run([sys.executable, "-m", "sqmkit.cli", *map(str, args)], capture_output=True, text=True,
                          env=environ, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def age(path: Path, days: float) -> None:
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def days_unused(path: Path) -> float:
    return (time.time() - path.stat().st_mtime) / DAY


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = tmp_path_factory.mktemp("filled") / "cache"
    run("check", DEMO, cache=cache)
    return cache


@pytest.fixture
def cache(filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the filled folder, as this process's cache folder."""
    folder = Path(shutil.copytree(filled, tmp_path / "cache"))
    monkeypatch.setenv("SQMKIT_CACHE_DIR", str(folder))
    monkeypatch.delenv("SQMKIT_CACHE_MAX_AGE_DAYS", raising=False)
    return folder


def new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process knows of its cache folders, as a new process would."""
    monkeypatch.setattr(diskcache, "_folders", {})
    monkeypatch.setattr(diskcache, "_checked", set())


def test_an_entry_read_counts_as_used(cache: Path) -> None:
    """Every entry the check reads (each parsed data file, each compiled text) is marked as used
    again; one written, never read, keeps its old mark."""
    read = sorted(cache.glob("yaml/*.yc")) + sorted(cache.glob("jinja-*/*.jinja"))
    assert len(read) > 20
    for path in read:
        age(path, 40)
    unread = cache / "yaml" / ("0" * 64 + ".yc")
    shutil.copy(read[0], unread)
    age(unread, 40)
    age(cache / diskcache.SWEEP_STAMP, 0.5)  # no sweep due: only reading changes the marks
    run("check", DEMO, cache=cache)
    assert [p.name for p in read if days_unused(p) > 1] == []
    assert days_unused(unread) > 39


def test_a_fresh_mark_is_not_written_again(cache: Path) -> None:
    """A mark less than a day old is left as it is (a read costs no write)."""
    entry = sorted(cache.glob("yaml/*.yc"))[0]
    age(entry, 0.5)
    assert diskcache.read(entry) is not None
    assert 0.49 < days_unused(entry) < 0.51
    age(entry, 1.5)
    assert diskcache.read(entry) is not None and days_unused(entry) < 0.01


def test_the_sweep_runs_at_most_once_a_day(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = cache / diskcache.SWEEP_STAMP
    entries = sorted(cache.glob("yaml/*.yc"))
    old = entries[::2]
    for path in old:
        age(path, 40)
    age(stamp, 0.9)  # swept less than a day ago: nothing
    new_process(monkeypatch)
    assert diskcache.cache_dir("yaml") == cache / "yaml"
    assert all(p.exists() for p in old) and days_unused(stamp) > 0.8
    age(stamp, 1.1)  # due: the old entries go, the others stay, the stamp is now
    new_process(monkeypatch)
    diskcache.cache_dir("jinja-anything")
    assert sorted(cache.glob("yaml/*.yc")) == sorted(set(entries) - set(old))
    assert days_unused(stamp) < 0.01
    age(entries[1], 40)  # swept today: not again, however many processes start
    for _ in range(3):
        new_process(monkeypatch)
        diskcache.cache_dir("yaml")
    assert entries[1].exists()


def test_a_missing_stamp_is_a_sweep_due(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (cache / diskcache.SWEEP_STAMP).unlink()
    entry = sorted(cache.glob("yaml/*.yc"))[0]
    age(entry, 31)
    new_process(monkeypatch)
    diskcache.cache_dir("messages")
    assert not entry.exists() and (cache / diskcache.SWEEP_STAMP).is_file()


@pytest.mark.parametrize("setting, removed", [("0", False), ("60", False), ("7", True), ("seven", True)])
def test_the_age_limit_is_set_by_the_environment(cache: Path, monkeypatch: pytest.MonkeyPatch, setting: str,
                                                 removed: bool) -> None:
    """``SQMKIT_CACHE_MAX_AGE_DAYS``: 0 never sweeps; a value that is not a number of days is the default (30)."""
    monkeypatch.setenv("SQMKIT_CACHE_MAX_AGE_DAYS", setting)
    entry = sorted(cache.glob("yaml/*.yc"))[0]
    age(entry, 45)
    age(cache / diskcache.SWEEP_STAMP, 3)
    new_process(monkeypatch)
    diskcache.cache_dir("yaml")
    assert entry.exists() is not removed
    assert (days_unused(cache / diskcache.SWEEP_STAMP) > 2) is (setting == "0")


def test_a_client_built_again_keeps_its_build_notes(tmp_path: Path) -> None:
    """The build cache's note of an output folder and ``digests.json`` count as used whenever the
    folder is built again (a no-op build included), so only notes of folders not built for the
    age limit are swept."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    run("build", DEMO, "-f", "html", "-o", out, "-q", cache=cache)
    notes = sorted((cache / "builds").iterdir())
    assert [p.name for p in notes if p.name != "digests.json"] and (cache / "builds" / "digests.json") in notes
    for path in notes:
        age(path, 40)
    age(cache / diskcache.SWEEP_STAMP, 0.5)
    run("build", DEMO, "-f", "html", "-o", out, "-q", cache=cache)  # up to date: reads the notes
    assert [p.name for p in notes if days_unused(p) > 1] == []


def test_an_entry_that_is_a_link_or_a_pipe_reads_as_missing(cache: Path, tmp_path: Path) -> None:
    """sqmkit writes entries as regular files: a symbolic link in an entry's place is not followed
    (what it points to is neither read nor marked), and a pipe is not waited on."""
    entry = sorted(cache.glob("yaml/*.yc"))[0]
    assert diskcache.read(entry) is not None
    outside = Path(shutil.copy(entry, tmp_path / "outside.yc"))
    age(outside, 40)
    entry.unlink()
    entry.symlink_to(outside)
    assert diskcache.read(entry) is None and days_unused(outside) > 39
    entry.unlink()
    os.mkfifo(entry)
    assert diskcache.read(entry) is None


def test_an_entry_larger_than_the_reader_allows_reads_as_missing(tmp_path: Path) -> None:
    entry = tmp_path / "note.json"
    diskcache.write(entry, b"x" * 100)
    assert diskcache.read(entry, 100) == b"x" * 100 and diskcache.read(entry) == b"x" * 100
    assert diskcache.read(entry, 99) is None
