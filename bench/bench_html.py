#!/usr/bin/env python3
"""Benchmark the HTML-only build against MkDocs on the same chapters: prints figures, asserts nothing.

The bench writes the demo's chapters as Markdown (one page a chapter: its articles, items and
tables, references written as the numbers they print) into a temporary folder with an
``mkdocs.yml`` (MkDocs 1.6, its default theme ``mkdocs`` and its default ``search`` plugin), then
times, in fresh processes and alternating, ``sqmkit build PROFILE -f html`` (into a fresh folder,
so the build cache plays no part) and ``mkdocs build``; medians and their ratio are printed
(target: sqmkit ≤ 0.5× MkDocs). MkDocs is a benchmark-only dependency: ``pip install 'sqmkit[bench]'``.

    .venv/bin/python bench/bench_html.py [--pairs 5] [--profile PATH]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "plugins/courier/sqmkit_courier/examples/demo-courier.yaml"


def markdown_site(profile: str, folder: Path) -> int:
    """Write the regulation's chapters as an MkDocs project in ``folder``; returns the pages."""
    from sqmkit.build import load
    from sqmkit.numbering import Numbering
    from sqmkit.textrender import MARK_RE

    _mgr, _profile, _doc, reg = load(profile)
    num = Numbering.of(reg)

    def plain(text: str | None) -> str:
        return MARK_RE.sub(lambda m: num.ref_text(m.group(2)) if m.group(1) == "ref" else m.group(3),
                           text or "")

    def items(nodes: list, depth: int) -> list[str]:
        out = []
        for item in nodes:
            out.append("    " * depth + f"1. {plain(item.text)}")
            out += items(item.items, depth + 1)
        return out

    docs = folder / "docs"
    docs.mkdir(parents=True)
    nav = []
    for n, chapter in enumerate(reg.chapters, 1):
        lines = [f"# {plain(chapter.title)}", "", plain(chapter.intro), ""]
        for article in chapter.articles:
            lines += [f"## {num.ref_text(article.id)} {plain(article.title)}", "", plain(article.text), ""]
            lines += items(article.items, 0) + [""]
            block = article.block
            if block is not None and getattr(block, "columns", None):
                lines += ["| " + " | ".join(block.columns) + " |", "|" + "---|" * len(block.columns)]
                lines += ["| " + " | ".join(plain(c) for c in row) + " |" for row in block.rows] + [""]
        name = f"chapter-{n:02d}.md"
        (docs / name).write_text("\n".join(lines), encoding="utf-8")
        nav.append(f"  - '{chapter.title}': {name}")
    (docs / "index.md").write_text(f"# {reg.title}\n\n{reg.company.name}\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(
        f"site_name: '{reg.title}'\ntheme:\n  name: mkdocs\n  locale: zh_CN\nnav:\n  - index.md\n"
        + "\n".join(nav) + "\n", encoding="utf-8")
    return len(reg.chapters)


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--profile", default=str(DEMO))
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "mkdocs").exists():
        raise SystemExit("MkDocs is not installed: pip install 'sqmkit[bench]'")
    with tempfile.TemporaryDirectory(prefix="sqmkit-bench-html-") as tmp:
        folder = Path(tmp)
        chapters = markdown_site(args.profile, folder / "mkdocs")
        sqmkit, mkdocs = [], []
        for n in range(args.pairs + 1):  # the first pair warms the file cache and is not counted
            out = folder / f"out-{n}"
            a = timed([str(bin_dir / "sqmkit"), "build", args.profile, "-f", "html", "-o", str(out), "-q"])
            b = timed([str(bin_dir / "mkdocs"), "build", "-q", "-d", str(folder / f"site-{n}")], cwd=folder / "mkdocs")
            if n:
                sqmkit.append(a)
                mkdocs.append(b)
            shutil.rmtree(out, ignore_errors=True)
        print(f"HTML-only build vs MkDocs 1.6 (default theme, search), {chapters} chapters, {args.pairs} pairs, "
              f"load average {os.getloadavg()[0]:.1f}")
        print("| | sqmkit -f html | mkdocs build | ratio (target ≤ 0.5) |\n|---|---|---|---|")
        for i, what in ((0, "wall s"), (1, "CPU s")):
            s, m = statistics.median(x[i] for x in sqmkit), statistics.median(x[i] for x in mkdocs)
            print(f"| {what} | {s:.2f} | {m:.2f} | {s / m:.2f} |")


if __name__ == "__main__":
    main()
