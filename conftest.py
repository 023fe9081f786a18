"""Root conftest for the core's and the bundled plugins' tests.

Messages follow the profile's language (zh-CN for every demo) or the locale. The suite asserts on
the English source wording, so it asks for English explicitly, for the whole session (module- and
session-scoped fixtures included); the tests of the Chinese catalog (tests/test_messages.py) unset
it for themselves.
"""

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    os.environ["SQMKIT_LANG"] = "en"
