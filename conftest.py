"""Root conftest for the core's and the bundled plugins' tests.

Messages follow the profile's language (zh-CN for every demo) or the locale. The suite asserts on
the English source wording, so it asks for English explicitly, for the whole session (module- and
session-scoped fixtures included); the tests of the Chinese catalog (tests/test_messages.py) unset
it for themselves.

Derived data (parsed plugin files, compiled templates, build notes) goes to a cache folder of the
suite's own, never the user's: the suite builds into hundreds of temporary folders, and a user's
cache must not decide a test. The folder is shared by the workers and kept between runs (warm).
"""

import os
import stat
import tempfile
from pathlib import Path

import pytest


def _suite_cache() -> str:
    """``$TMPDIR/sqmkit-test-cache-UID``, when it is this user's own folder (made 0700); else a
    fresh one (a folder another user made, or a symbolic link, is never used)."""
    folder = Path(tempfile.gettempdir()) / f"sqmkit-test-cache-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(folder)
        if stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077:
            return str(folder)
    except OSError:
        pass
    return tempfile.mkdtemp(prefix="sqmkit-test-cache-")


def pytest_configure(config: pytest.Config) -> None:
    os.environ["SQMKIT_LANG"] = "en"
    os.environ.setdefault("SQMKIT_CACHE_DIR", _suite_cache())
