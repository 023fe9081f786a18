#!/usr/bin/env python3
"""Benchmark: prints figures, asserts nothing.

Each scenario runs in a fresh subprocess (so its peak memory is its own), several times; the
median wall time is reported with the peak resident memory of the slowest run.

    .venv/bin/python bench/bench_build.py [--runs 3] [--profile PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def scenario(name: str, profile: str) -> dict:
    """Run one scenario in this process and return its figures."""
    from sqmkit.build import build, load
    from sqmkit.formats import RenderContext
    from sqmkit.numbering import Numbering
    from sqmkit.render.environment import make_environment

    out = Path(tempfile.mkdtemp(prefix="sqmkit-bench-"))
    figures: dict = {}
    t = time.perf_counter()
    if name == "html":
        build(profile, out, ["html"])
    elif name == "full":
        result = build(profile, out, None)
        pdf = result.path("handbook.pdf")
        from pypdf import PdfReader

        figures["pages"] = len(PdfReader(str(pdf)).pages)
        figures["pdf_bytes"] = pdf.stat().st_size
        figures["forms_pdf_bytes"] = result.path("forms.pdf").stat().st_size
        figures["files"] = len(result.files)
        figures["steps"] = {k: round(v, 2) for k, v in result.timings.items()}
    elif name == "bare-weasyprint":
        # the very HTML sqmkit lays out (front matter and body), handed straight to WeasyPrint
        # serially: the floor for the handbook PDF step
        mgr, profile_obj, _doc, reg = load(profile)
        num = Numbering.of(reg)
        env = make_environment(reg, num, mgr.template_dirs(profile_obj),
                               lambda e: mgr.prepare_jinja_env(e, profile_obj))
        from sqmkit.render.handbook_pdf import handbook_html

        ctx = RenderContext(reg, out, env, num)
        pages = [handbook_html(ctx, part) for part in ("front", "body")]
        import weasyprint

        t = time.perf_counter()
        for i, html in enumerate(pages):
            weasyprint.HTML(string=html, base_url=out.as_uri() + "/").write_pdf(out / f"bare-{i}.pdf")
    else:
        raise SystemExit(f"unknown scenario {name}")
    figures["seconds"] = time.perf_counter() - t
    figures["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", default=None)
    ap.add_argument("--scenario", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.profile is None:
        import sqmkit_courier

        args.profile = str(sqmkit_courier.DEMO_PROFILE)
    if args.scenario:
        print(json.dumps(scenario(args.scenario, args.profile)))
        return
    print(f"sqmkit benchmark — profile {args.profile}, {args.runs} runs each, {os.cpu_count()} CPUs")
    rows = []
    for name, what in (("html", "build, HTML site only"), ("full", "build, every format (HTML, checklists, forms + forms.pdf, handbook.pdf)"),
                       ("bare-weasyprint", "bare WeasyPrint on the same handbook HTML")):
        runs = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, __file__, "--scenario", name, "--profile", args.profile],
                                 capture_output=True, text=True, check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        secs = [r["seconds"] for r in runs]
        rows.append((name, what, statistics.median(secs), min(secs), max(secs), max(r["peak_rss_mib"] for r in runs), runs[-1]))
    print(f"{'scenario':<16} {'median s':>9} {'min s':>7} {'max s':>7} {'peak RSS MiB':>13}  what")
    for name, what, med, lo, hi, rss, _ in rows:
        print(f"{name:<16} {med:9.2f} {lo:7.2f} {hi:7.2f} {rss:13.0f}  {what}")
    full = next(r for r in rows if r[0] == "full")[6]
    print(f"handbook.pdf: {full['pages']} pages, {full['pdf_bytes'] / 1024:.0f} KiB; forms.pdf {full['forms_pdf_bytes'] / 1024:.0f} KiB; "
          f"{full['files']} files; step seconds {full['steps']}")


if __name__ == "__main__":
    main()
