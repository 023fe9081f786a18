"""``sqmkit serve`` in a subprocess: it builds, serves on 127.0.0.1, rebuilds when the profile
changes and the open page reloads itself; a broken profile is shown in the page, not fatal."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request

import pytest
import yaml

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture
def server(make_profile):
    profile = make_profile()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "sqmkit.cli", "serve", str(profile), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()  # printed once the first build is served
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
    yield proc, match.group(0), profile
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_page_follows_the_profile_and_shows_a_broken_one(server):
    from playwright.sync_api import sync_playwright

    proc, url, profile = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(url + "index.html")
        assert "预览测试快运" not in page.content()
        _edit(profile, lambda d: d["company"].update(name="预览测试快运有限公司"))
        page.wait_for_function("document.body.innerText.includes('预览测试快运有限公司')", timeout=60_000)
        good = profile.read_text(encoding="utf-8")
        profile.write_text(good + "\nbroken: [\n", encoding="utf-8")
        page.wait_for_selector("#sqmkit-build-error", timeout=60_000)
        assert profile.name in page.locator("#sqmkit-build-error").inner_text()
        assert "预览测试快运有限公司" in page.locator("main").inner_text()  # the last good build is still shown
        profile.write_text(good.replace("预览测试快运有限公司", "预览修复快运有限公司"), encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('预览修复快运有限公司')", timeout=60_000)
        assert page.locator("#sqmkit-build-error").count() == 0
        browser.close()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    assert "stopped" in proc.stderr.read()


def test_serving_pages_with_the_reload_script_and_nothing_outside(server):
    _proc, url, _profile = server
    page = urllib.request.urlopen(url + "chapter-01.html").read().decode("utf-8")
    assert page.rstrip().endswith("</html>") and '<script src="/__reload.js"></script></body>' in page
    assert b'"error": null' in urllib.request.urlopen(url + "__version").read()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url + "..%2f..%2fetc/passwd")
    assert err.value.code == 404


def test_a_missing_profile_is_an_error(cli_run, tmp_path):
    result = cli_run("serve", tmp_path / "nope.yaml", "--port", "0")
    assert result.exit_code == 1 and "does not exist" in result.output
