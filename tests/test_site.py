"""The static HTML site and the manifest."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.srcs = set(), [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        for k in ("src",):
            if k in a:
                self.srcs.append(a[k])
        if tag == "link" and "href" in a:
            self.srcs.append(a["href"])


def _parse(path):
    p = _Collect()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_link_resolves_and_nothing_is_fetched(demo_build):
    root = demo_build.out_dir
    pages = {p.relative_to(root).as_posix(): _parse(p) for p in root.rglob("*.html")}
    assert "index.html" in pages and "chapter-01.html" in pages
    for name, page in pages.items():
        for ref in page.srcs + page.hrefs:
            assert not re.match(r"^(https?:)?//", ref), f"{name} fetches {ref}"
        for href in page.hrefs:
            if href.startswith(("javascript:", "mailto:")):
                continue
            file, _, anchor = href.partition("#")
            target = (root / name).parent / file if file else root / name
            target_rel = target.resolve().relative_to(root.resolve()).as_posix()
            assert target.exists(), f"{name}: broken link {href}"
            if anchor and target.suffix == ".html":
                assert anchor in pages[target_rel].ids, f"{name}: missing anchor {href}"


def test_every_clause_has_an_anchor(demo_build):
    reg = demo_build.regulation
    ids = set()
    for page in demo_build.out_dir.glob("chapter-*.html"):
        ids |= _parse(page).ids
    missing = [c for c in reg.clause_ids() if c not in ids and c not in ("general", "supplementary")]
    assert not missing, missing[:5]


def test_cross_references_read_as_article_numbers(demo_build):
    html = "".join(p.read_text(encoding="utf-8") for p in demo_build.out_dir.glob("chapter-*.html"))
    xrefs = re.findall(r'<a class="xref" href="([^"]+)">([^<]+)</a>', html)
    assert xrefs, "the courier handbook has no cross-references"
    for href, text in xrefs:
        assert re.match(r"^(见)?第[一二三四五六七八九十百零]+[章条]", text), text


def test_clauses_show_the_checklist_items_that_check_them(demo_build):
    reg = demo_build.regulation
    assert reg.index.checked_by
    clause_id, checks = next(iter(reg.index.checked_by.items()))
    html = "".join(p.read_text(encoding="utf-8") for p in demo_build.out_dir.glob("chapter-*.html"))
    assert f'checklists/{checks[0][0]}.html#{checks[0][1]}' in html


def test_manifest_hashes_every_file(demo_build):
    root = demo_build.out_dir
    manifest = json.loads((root / "manifest.json").read_text())
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == files
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((root / rel).read_bytes()).hexdigest() == digest


def test_tailoring_reaches_the_text(demo_build, demo_data):
    html = "".join(p.read_text(encoding="utf-8") for p in demo_build.out_dir.glob("chapter-*.html"))
    assert demo_data["company"]["short_name"] in html
    for name in demo_data["organization"]["departments"].values():
        assert name in html, name
    assert "{{" not in html and "\x1e" not in html


def test_logo_is_copied_and_shown(demo_build, demo_data):
    logo = demo_data["branding"]["logo"]
    copied = demo_build.out_dir / "assets" / ("logo" + logo[logo.rfind("."):])
    assert copied.exists()
    assert 'src="assets/logo.svg"' in (demo_build.out_dir / "index.html").read_text(encoding="utf-8")


def test_missing_logo_is_a_profile_error(cli_run, make_profile, tmp_path):
    path = make_profile(lambda d: d["branding"].update(logo="nope.png"))
    result = cli_run("build", path, "-o", tmp_path / "out", "-f", "html", "--no-store")
    assert result.exit_code == 1 and "branding.logo" in result.output and "does not exist" in result.output
