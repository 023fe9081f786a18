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


# -- headless Chromium (Debian's), driven by Playwright; the modules using it skip without it ----


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, with no background networking (the machine has
    none) and no sandbox (the tests run as root)."""
    import shutil

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium must be installed for the browser tests (make test installs it)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page; ``page.requests`` lists every URL it asked for."""
    ctx = browser.new_context()
    requests = []
    ctx.on("request", lambda r: requests.append(r.url))
    pg = ctx.new_page()
    pg.requests = requests
    yield pg
    ctx.close()
