"""``sqmkit cache info|clear`` on real cache folders filled by real commands: what it lists, what
it removes (exactly the old entries), and what it never touches (symbolic links and what they
point to, files that are not sqmkit's)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sqmkit import cacheprune

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "plugins/courier/sqmkit_courier/examples/demo-courier.yaml"
DAY = 86400.0


def sqmkit(*args: str | Path, cache: Path | str) -> subprocess.CompletedProcess[str]:
    """The real command in a process of its own, with ``SQMKIT_CACHE_DIR=cache``."""
    env = {**os.environ, "SQMKIT_CACHE_DIR": str(cache), "SQMKIT_LANG": "en"}  # the messages checked are English
    env.pop("SQMKIT_CACHE_MAX_AGE_DAYS", None)
    return subprocess.run([sys.executable, "-m", "sqmkit.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, check=False)


def age(path: Path, days: float) -> None:
    """Make ``path`` look last used ``days`` days ago (never through a symbolic link)."""
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp), follow_symlinks=False)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder as ``sqmkit check`` on the demo leaves it (kept as a pristine copy)."""
    cache = tmp_path_factory.mktemp("filled") / "cache"
    done = sqmkit("check", DEMO, cache=cache)
    assert done.returncode == 0, done.stderr
    return cache


@pytest.fixture
def cache(filled: Path, tmp_path: Path) -> Path:
    """A fresh copy of the filled cache folder (modification times kept)."""
    import shutil

    return Path(shutil.copytree(filled, tmp_path / "cache"))


def entries(cache: Path) -> set[str]:
    return {p.relative_to(cache).as_posix() for p in cache.glob("*/*") if p.is_file() and not p.is_symlink()}


def test_info_lists_each_folder_a_check_filled(cache: Path) -> None:
    done = sqmkit("cache", "info", "--json", cache=cache)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["folder"] == str(cache) and info["enabled"] is True and info["max_age_days"] == 30
    folders = {f["name"]: f for f in info["folders"]}
    assert "yaml" in folders
    yaml_files = list((cache / "yaml").glob("*.yc"))
    assert folders["yaml"]["entries"] == len(yaml_files) > 10
    assert folders["yaml"]["bytes"] == sum(p.stat().st_size for p in yaml_files)
    assert info["entries"] == len(entries(cache)) and info["last_sweep"] is not None
    text = sqmkit("cache", "info", cache=cache).stdout
    assert str(cache) in text and "yaml" in text and "30 days" in text


def test_clear_older_than_removes_exactly_the_entries_not_used_since(cache: Path) -> None:
    before = entries(cache)
    old = {name for n, name in enumerate(sorted(before)) if n % 3 == 0}
    for name in old:
        age(cache / name, 40)
    for name in before - old:
        age(cache / name, 20)
    done = sqmkit("cache", "clear", "--older-than", "30", "--json", cache=cache)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert entries(cache) == before - old
    assert report["removed"] == len(old) and report["kept"] == len(before - old)
    again = sqmkit("cache", "clear", "--older-than", "30", cache=cache).stdout
    assert again.startswith(f"entries not used for 30 days removed from {cache}: 0 (0 B)")
    done = sqmkit("cache", "clear", cache=cache)
    assert done.returncode == 0 and f"entries removed from {cache}: {len(before - old)} (" in done.stdout
    assert entries(cache) == set() and (cache / "yaml").is_dir()


def test_clear_never_follows_a_symbolic_link_and_keeps_what_is_not_sqmkits(cache: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    precious = outside / ("a" * 64 + ".yc")
    precious.write_text("not sqmkit's")
    (outside / "messages").mkdir()
    (outside / "messages" / ("b" * 64 + ".mo")).write_text("not sqmkit's either")
    link = cache / "yaml" / ("c" * 64 + ".yc")
    link.symlink_to(precious)
    (cache / "yaml" / "notes.txt").write_text("mine")
    (cache / "yaml" / ("d" * 63 + ".yc")).write_text("not an entry's name")
    (cache / "mine").mkdir()
    (cache / "mine" / ("e" * 64 + ".yc")).write_text("a folder sqmkit does not keep")
    for path in (precious, link, outside / "messages" / ("b" * 64 + ".mo")):
        age(path, 400)
    import shutil

    shutil.rmtree(cache / "messages", ignore_errors=True)  # none when the check ran in English
    (cache / "messages").symlink_to(outside / "messages", target_is_directory=True)
    done = sqmkit("cache", "clear", cache=cache)
    assert done.returncode == 0, done.stderr
    assert f"not followed): {link}" in done.stdout and f"not followed): {cache / 'messages'}" in done.stdout
    assert precious.read_text() == "not sqmkit's" and link.is_symlink()
    assert (outside / "messages" / ("b" * 64 + ".mo")).is_file() and (cache / "messages").is_symlink()
    assert sorted(p.name for p in (cache / "yaml").iterdir()) == sorted([link.name, "notes.txt", "d" * 63 + ".yc"])
    assert (cache / "mine" / ("e" * 64 + ".yc")).is_file()


def test_a_symlinked_cache_folder_is_left_alone(filled: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(filled, target_is_directory=True)
    before = entries(filled)
    done = sqmkit("cache", "clear", cache=link)
    assert done.returncode == 0 and f"removed from {link}: 0 (0 B)" in done.stdout
    assert f"not followed): {link}" in done.stdout
    assert entries(filled) == before


def test_clear_removes_old_leftover_temporary_files_and_other_jinja_versions(cache: Path) -> None:
    current = cacheprune.current_jinja()
    assert current is not None
    (cache / current).mkdir(exist_ok=True)
    older = cache / "jinja-0.0.1"
    older.mkdir()
    (older / ("f" * 64 + ".jinja")).write_bytes(b"compiled by an older Jinja")
    (older / ("f" * 64 + ".jinja" + "k2j4x9_q.tmp")).write_bytes(b"torn")
    age(older / ("f" * 64 + ".jinja" + "k2j4x9_q.tmp"), 1)
    stale, fresh = cache / "yaml" / ".tmp-ab12_x9q", cache / "yaml" / ".tmp-zz99yy00"
    stale.write_bytes(b"left by a process that died")
    fresh.write_bytes(b"being written now")
    age(stale, 2 / 24)
    done = sqmkit("cache", "clear", "--older-than", "1", cache=cache)
    assert done.returncode == 0, done.stderr
    assert not stale.exists() and fresh.exists()
    assert older.exists()  # its entry was used less than a day ago
    done = sqmkit("cache", "clear", cache=cache)
    assert not older.exists() and (cache / current).is_dir() and fresh.exists()


def test_caching_off_is_said_and_is_not_an_error() -> None:
    for args in (["info"], ["clear"], ["clear", "--older-than", "3"]):
        done = sqmkit("cache", *args, cache="")
        assert done.returncode == 0, done.stderr
        assert "caching is off" in done.stdout
    info = json.loads(sqmkit("cache", "info", "--json", cache="").stdout)
    assert info["enabled"] is False and info["folder"] is None


def test_a_cache_folder_not_made_yet_has_no_entries(tmp_path: Path, cli_run: Any) -> None:
    cache = tmp_path / "nothing-yet"
    result = cli_run("cache", "info", env={"SQMKIT_CACHE_DIR": str(cache), "SQMKIT_LANG": "en"})
    assert result.exit_code == 0 and "(no entries)" in result.output
    result = cli_run("cache", "clear", "--json", env={"SQMKIT_CACHE_DIR": str(cache), "SQMKIT_LANG": "en"})
    assert result.exit_code == 0 and json.loads(result.output)["removed"] == 0 and not cache.exists()
    result = cli_run("cache", "clear", "--older-than", "-1", env={"SQMKIT_CACHE_DIR": str(cache)})
    assert result.exit_code == 2
