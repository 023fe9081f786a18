"""Shared fixtures of the core's tests. Real components throughout: real plugins via entry
points, real WeasyPrint PDFs read back with pypdf, real Chromium, real TinyDB files."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import sqmkit_courier

collect_ignore = ["fixtures"]  # plugins kept as data (the 0.1 scaffold), with tests of their own

DEMO = Path(sqmkit_courier.DEMO_PROFILE)


@pytest.fixture(scope="session")
def demo_profile_path() -> Path:
    return DEMO


@pytest.fixture(scope="session")
def demo_data() -> dict:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


@pytest.fixture
def make_profile(tmp_path, demo_data):
    """Write a variant of the demo profile: ``make_profile(lambda d: ...)`` edits a copy."""

    def make(edit=None, name="client.yaml", raw: str | None = None) -> Path:
        path = tmp_path / name
        if raw is not None:
            path.write_text(raw, encoding="utf-8")
            return path
        data = copy.deepcopy(demo_data)
        logo = data.get("branding", {}).get("logo")
        if logo:  # the copy lives elsewhere: bring the demo's logo along (a profile names files beside it)
            (tmp_path / logo).write_bytes((DEMO.parent / logo).read_bytes())
        if edit:
            edit(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return make


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The courier demo built once, every format, for the tests that only read outputs."""
    from sqmkit.build import build

    out = tmp_path_factory.mktemp("demo-out")
    return build(DEMO, out, None, store_path=None)


@pytest.fixture
def cli_run():
    """Run the sqmkit CLI in-process with a fresh plugin manager; returns the click Result."""
    from sqmkit import cli as cli_module

    def run(*args, env=None):
        cli_module.session.use()
        runner = CliRunner()
        result = runner.invoke(cli_module.cli, [str(a) for a in args], env=env, catch_exceptions=True)
        cli_module.session.use()
        return result

    return run
