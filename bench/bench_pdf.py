#!/usr/bin/env python3
"""Benchmark of the printed outputs: prints figures, asserts nothing.

Scenarios, each run in a fresh process (``--scenario NAME`` prints one JSON line):

* ``handbook``: the handbook PDF of a profile, laid out and written (``build -f pdf``'s step);
* ``forms``: the blank forms and forms.pdf (``build -f forms``'s step), serially;
* ``raw``: bare WeasyPrint, serially, on the very HTML documents sqmkit lays out for both PDFs
  (the handbook's front matter and body, every form as finally laid out), each written with
  ``write_pdf`` — the floor the build is compared with.

Besides seconds, each prints load-independent proxies: CPU seconds, the pages WeasyPrint laid
out (``layout.page.make_page`` calls) and the documents it laid out; and the peak RSS.

    .venv/bin/python bench/bench_pdf.py [--runs 3] [--profile PATH]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent


class Counter:
    """Counts the pages WeasyPrint lays out and the HTML documents sqmkit hands it, keeping the
    last HTML of each document (a form laid out again replaces its first try)."""

    def __init__(self) -> None:
        import weasyprint.layout.page as page_module

        from sqmkit import printing
        from sqmkit.render import forms, handbook_pdf

        self.pages = self.documents = 0
        self.html: dict[str, tuple[str, Path]] = {}
        make_page, layout = page_module.make_page, printing.layout

        def counted_make_page(*args: Any, **kwargs: Any) -> Any:
            self.pages += 1
            return make_page(*args, **kwargs)

        def recorded_layout(html: str, base_dir: Path, what: str, style: str = "D", prefix: str = "") -> Any:
            self.documents += 1
            key = f"{what}:{prefix or style}:{'front' if 'part-front' in html else 'body'}"
            self.html[key] = (html, base_dir)
            return layout(html, base_dir, what, style, prefix)

        page_module.make_page = counted_make_page
        for module in (printing, forms, handbook_pdf):
            module.layout = recorded_layout  # type: ignore[attr-defined]


def peak_rss_mib() -> dict[str, float]:
    """Peak resident memory of this process and of its largest waited-for child (a worker)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mib": round(own, 1), "peak_rss_children_mib": round(children, 1)}


def serial_build(profile: str, out: Path, formats: list[str] | None, mgr: Any = None) -> Any:
    """A build with every format in this process (no worker), the cache bypassed if there is one."""
    import importlib
    import inspect

    building = importlib.import_module("sqmkit.build")
    setattr(building, "PARALLEL_FORMATS", ())  # a tree from before the worker has none: harmless
    extra = {"force": True} if "force" in inspect.signature(building.build).parameters else {}
    return building.build(profile, out, formats, mgr=mgr, store_path=None, **extra)


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def scenario(name: str, profile: str, mgr: Any = None) -> dict[str, Any]:
    """Run one scenario in this process and return its figures."""
    out = Path(tempfile.mkdtemp(prefix="sqmkit-bench-"))
    if name == "raw":
        return raw(profile, out)
    counter = Counter()
    fmt = {"handbook": "pdf", "forms": "forms"}[name]
    wall, cpu = time.perf_counter(), time.process_time()
    result = serial_build(profile, out, [fmt], mgr)
    figures: dict[str, Any] = {"seconds": result.timings[fmt], "build_seconds": time.perf_counter() - wall,
                               "cpu_seconds": time.process_time() - cpu, "laid_out_pages": counter.pages,
                               "documents": counter.documents}
    pdf = result.path("handbook.pdf" if name == "handbook" else "forms.pdf")
    figures["pages"] = _pages(pdf)
    figures["forms"] = len(result.regulation.forms)
    return {**figures, **peak_rss_mib()}


def documents(profile: str, out: Path) -> list[tuple[str, Path]]:
    """The HTML documents a build of both PDFs lays out, as finally laid out."""
    counter = Counter()
    serial_build(profile, out, ["forms", "pdf"])
    return list(counter.html.values())


def raw(profile: str, out: Path) -> dict[str, Any]:
    """Bare WeasyPrint on the build's own HTML documents, one after another, each written."""
    import weasyprint

    docs = documents(profile, out / "prepare")
    wall, cpu = time.perf_counter(), time.process_time()
    for i, (html, base) in enumerate(docs):
        weasyprint.HTML(string=html, base_url=base.resolve().as_uri() + "/").write_pdf(out / f"raw-{i}.pdf")
    return {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu,
            "documents": len(docs), **peak_rss_mib()}


def run(scenario_name: str, profile: str | None, tree: str | None = None, extra: list[str] | None = None) -> dict[str, Any]:
    """One scenario in a fresh process (with ``tree``'s sqmkit and plugins first on the path)."""
    import os

    env = dict(os.environ)
    if tree:
        root = Path(tree)
        paths = [root, *sorted((root / "plugins").glob("*"))]
        env["PYTHONPATH"] = os.pathsep.join(map(str, paths))
    script = Path(sys.argv[0]).resolve()
    chosen = ["--profile", profile] if profile else []  # by default, each tree's own demo profile
    done = subprocess.run([sys.executable, str(script), "--scenario", scenario_name, *chosen, *(extra or [])],
                          capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    if done.returncode:
        raise SystemExit(f"scenario {scenario_name} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float))]
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def default_profile() -> str:
    import sqmkit_courier

    return str(sqmkit_courier.DEMO_PROFILE)


def main(handle: Callable[[str, str], dict[str, Any]] = scenario) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", default=None)
    ap.add_argument("--scenario", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scenario:
        print(json.dumps(handle(args.scenario, args.profile or default_profile())))
        return
    profile = args.profile
    print(f"sqmkit PDF benchmark — {profile or 'the courier demo'}, {args.runs} runs each (medians), "
          "scenarios alternated")
    runs: dict[str, list[dict[str, Any]]] = {"handbook": [], "forms": [], "raw": []}
    for _ in range(args.runs):
        for name in runs:
            runs[name].append(run(name, profile))
    hb, forms, bare = (medians(runs[n]) for n in ("handbook", "forms", "raw"))
    print(f"handbook.pdf  {hb['seconds']:6.2f} s for {hb['pages']:.0f} pages = {hb['seconds'] / hb['pages']:.3f} s/page "
          f"(CPU {hb['cpu_seconds'] / hb['pages']:.3f} s/page); pages laid out {hb['laid_out_pages']:.0f} in "
          f"{hb['documents']:.0f} documents; peak RSS {hb['peak_rss_mib']:.0f} MiB")
    print(f"forms.pdf     {forms['seconds']:6.2f} s for {forms['forms']:.0f} forms, {forms['pages']:.0f} pages; "
          f"{forms['documents']:.0f} documents laid out; pages laid out {forms['laid_out_pages']:.0f}")
    print(f"raw WeasyPrint {bare['seconds']:5.2f} s on the same {bare['documents']:.0f} documents, serially")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
