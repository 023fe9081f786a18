#!/usr/bin/env python3
"""Benchmark of a build: prints figures, asserts nothing.

Every figure comes from a fresh process; the scenarios alternate within each round (paired
runs), and each figure is the median over the rounds. The machine may be shared, so compare
ratios measured in the same run rather than seconds across runs.

* full: ``build`` of every format (the forms PDF in its worker beside the handbook PDF);
* raw: bare WeasyPrint on the same HTML documents, serially (:mod:`bench_pdf`);
* handbook: the handbook PDF step alone, per page; forms: the forms step alone;
* synthetic: ``build -f pdf`` of a ~300-page handbook made by :mod:`synthetic`, with its peak RSS.

``--against TREE`` runs each scenario also with another source tree (say, a checkout of the
previous commit) first on the path, alternating A and B, and prints both columns.

    .venv/bin/python bench/bench_build.py [--runs 5] [--copies 17] [--no-synthetic] [--against TREE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_pdf  # noqa: E402  (the benchmark folder is not a package)


def scenario(name: str, profile: str, copies: int) -> dict[str, Any]:
    """Run one scenario in this process and return its figures."""
    if name in ("handbook", "forms", "raw"):
        return bench_pdf.scenario(name, profile)
    out = Path(tempfile.mkdtemp(prefix="sqmkit-bench-"))
    if name == "synthetic":
        import synthetic

        mgr, path = synthetic.make(out / "synthetic", copies)
        figures = bench_pdf.scenario("handbook", str(path), mgr)
        return {**figures, "s_per_page": figures["seconds"] / figures["pages"]}
    if name != "full":
        raise SystemExit(f"unknown scenario {name}")
    import inspect

    from sqmkit.build import build

    extra: dict[str, Any] = {"force": True} if "force" in inspect.signature(build).parameters else {}
    counter = bench_pdf.Counter()
    wall, cpu = time.perf_counter(), time.process_time()
    result = build(profile, out, None, store_path=None, **extra)
    worker = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu,
            "worker_cpu_seconds": worker.ru_utime + worker.ru_stime,
            "laid_out_pages_main": counter.pages, **{f"step_{k}": v for k, v in result.timings.items()},
            **bench_pdf.peak_rss_mib()}


def _column(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return bench_pdf.medians(runs)


def _rounds(names: list[str], trees: list[str | None], rounds: int, profile: str | None, copies: int,
            ) -> dict[tuple[str, str | None], list[dict[str, Any]]]:
    got: dict[tuple[str, str | None], list[dict[str, Any]]] = {(n, t): [] for n in names for t in trees}
    for i in range(rounds):
        order = trees if i % 2 == 0 else list(reversed(trees))  # A B, then B A
        for name in names:
            for tree in order:
                got[name, tree].append(bench_pdf.run(name, profile, tree, ["--copies", str(copies)]))
        print(f"  round {i + 1}/{rounds} done", file=sys.stderr)
    return got


def _table(got: dict[tuple[str, str | None], list[dict[str, Any]]], trees: list[str | None]) -> None:
    heads = ["this tree" if t is None else Path(t).name for t in trees]
    print(f"{'figure':<44}" + "".join(f"{h:>16}" for h in heads))

    def row(label: str, fn: Any) -> None:
        cells = []
        for tree in trees:
            try:
                cells.append(fn(tree))
            except KeyError:
                cells.append("—")
        print(f"{label:<44}" + "".join(f"{c:>16}" for c in cells))

    med = {key: _column(runs) for key, runs in got.items() if runs}
    ratio = {t: statistics.median(f["seconds"] / r["seconds"] for f, r in zip(got["full", t], got["raw", t]))
             for t in trees}
    row("full build, s (median)", lambda t: f"{med['full', t]['seconds']:.2f}")
    row("  its steps: forms / pdf, s", lambda t: f"{med['full', t]['step_forms']:.1f} / {med['full', t]['step_pdf']:.1f}")
    row("raw WeasyPrint, same HTML, serial, s", lambda t: f"{med['raw', t]['seconds']:.2f}")
    row("full / raw (median of paired ratios)", lambda t: f"{ratio[t]:.2f}")
    cpu = {t: statistics.median(max(f["cpu_seconds"], f["worker_cpu_seconds"]) / r["cpu_seconds"]
                                for f, r in zip(got["full", t], got["raw", t])) for t in trees}
    row("  CPU: build, main / worker, s", lambda t: f"{med['full', t]['cpu_seconds']:.1f} / "
                                                   f"{med['full', t]['worker_cpu_seconds']:.1f}")
    row("  CPU: raw, s", lambda t: f"{med['raw', t]['cpu_seconds']:.1f}")
    row("  CPU proxy: max(main, worker) / raw", lambda t: f"{cpu[t]:.2f}")
    row("handbook.pdf, s/page (render + write)",
        lambda t: f"{med['handbook', t]['seconds'] / med['handbook', t]['pages']:.3f}")
    row("  CPU s/page", lambda t: f"{med['handbook', t]['cpu_seconds'] / med['handbook', t]['pages']:.3f}")
    row("  pages laid out / pages",
        lambda t: f"{med['handbook', t]['laid_out_pages']:.0f} / {med['handbook', t]['pages']:.0f}")
    row("forms step, s", lambda t: f"{med['forms', t]['seconds']:.2f}")
    row("  documents laid out / forms", lambda t: f"{med['forms', t]['documents']:.0f} / {med['forms', t]['forms']:.0f}")
    row("full build peak RSS, MiB (main / worker)",
        lambda t: f"{med['full', t]['peak_rss_mib']:.0f} / {med['full', t]['peak_rss_children_mib']:.0f}")
    if any(n == "synthetic" for n, _ in got):
        row("synthetic handbook: pages", lambda t: f"{med['synthetic', t]['pages']:.0f}")
        row("synthetic handbook: s (s/page)", lambda t: f"{med['synthetic', t]['seconds']:.0f} "
                                                       f"({med['synthetic', t]['s_per_page']:.3f})")
        row("synthetic handbook: peak RSS, MiB", lambda t: f"{med['synthetic', t]['peak_rss_mib']:.0f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", default=None)
    ap.add_argument("--copies", type=int, default=17, help="chapter copies of the synthetic handbook (~300 pages)")
    ap.add_argument("--no-synthetic", action="store_true")
    ap.add_argument("--synthetic-runs", type=int, default=1)
    ap.add_argument("--against", default=None, help="another source tree to alternate with (A/B)")
    ap.add_argument("--scenario", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scenario:
        print(json.dumps(scenario(args.scenario, args.profile or bench_pdf.default_profile(), args.copies)))
        return
    profile = args.profile  # by default each tree's own courier demo
    trees: list[str | None] = [None] if not args.against else [args.against, None]
    print(f"sqmkit build benchmark — {profile or 'the courier demo'}; {args.runs} paired rounds; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    got = _rounds(["full", "raw", "handbook", "forms"], trees, args.runs, profile, args.copies)
    if not args.no_synthetic:
        got.update(_rounds(["synthetic"], trees, args.synthetic_runs, profile, args.copies))
    _table(got, trees)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
