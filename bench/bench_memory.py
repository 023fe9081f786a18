#!/usr/bin/env python3
"""Where the memory of a large handbook goes: prints figures, asserts nothing.

Builds the synthetic handbook of :mod:`synthetic` (``build -f pdf``, ``--copies 17`` ≈ 300
pages) in a fresh process and prints its peak RSS, the file's size and the RSS at each phase
(before layout, after each laid-out part, after the write), and with ``--trace`` the Python
memory alive (tracemalloc, after a full collection) beside the RSS at each phase, which splits
live objects from garbage and allocator overhead. ``--trace`` slows the build about twofold and its own bookkeeping adds
to the RSS: compare its RSS figures only with other ``--trace`` runs. ``--smaps`` splits the RSS
at each phase into anonymous memory and file-backed pages (mostly the CJK font files, which
WeasyPrint maps and, when it writes, reads whole).

    .venv/bin/python bench/bench_memory.py [--copies 17] [--trace] [--smaps] [--against TREE]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def smaps_mib() -> dict[str, int]:
    """Anonymous and file-backed resident memory (MiB), from /proc/self/smaps_rollup."""
    found: dict[str, float] = {}
    with open("/proc/self/smaps_rollup", encoding="ascii") as rollup:
        for line in rollup:
            key, _sep, value = line.partition(":")
            if value.strip().endswith("kB"):
                found[key] = int(value.split()[0]) / 1024
    return {"anon": round(found["Anonymous"]), "file": round(found["Rss"] - found["Anonymous"])}


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Phases:
    """RSS sampled every 20 ms in a thread; a mark records the phase, the RSS, the highest RSS
    since the previous mark and, when tracing, the live Python memory (after ``gc.collect``,
    which the untraced run does not do, so that it measures the build as it is)."""

    def __init__(self, trace: bool, smaps: bool = False) -> None:
        self.trace, self.smaps, self.high = trace, smaps, 0.0
        self.marks: list[dict[str, Any]] = []
        self.start = time.perf_counter()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.high = max(self.high, rss_mib())
            time.sleep(0.02)

    def mark(self, name: str) -> None:
        row: dict[str, Any] = {"phase": name, "s": round(time.perf_counter() - self.start, 1),
                               "rss": round(rss_mib()), "high": round(max(self.high, rss_mib()))}
        self.high = 0.0
        if self.smaps:
            row.update(smaps_mib())
        if self.trace:
            row["garbage_objects"] = gc.collect()
            row["python_live"] = round(tracemalloc.get_traced_memory()[0] / 2**20)
            row["rss_after_gc"] = round(rss_mib())
        self.marks.append(row)


def _hook(phases: Phases) -> None:
    import weasyprint

    from sqmkit import printing
    from sqmkit.render import forms, handbook_pdf

    layout, write_pdf = printing.layout, weasyprint.Document.write_pdf

    def marked_layout(*args: Any, **kwargs: Any) -> Any:
        part = layout(*args, **kwargs)
        phases.mark(f"laid out {part.pages} pages")
        return part

    def marked_write(self: Any, *args: Any, **kwargs: Any) -> Any:
        phases.mark("before write_pdf")
        data = write_pdf(self, *args, **kwargs)
        phases.mark("written")
        return data

    for module in (printing, forms, handbook_pdf):
        module.layout = marked_layout  # type: ignore[attr-defined]
    weasyprint.Document.write_pdf = marked_write


def scenario(copies: int, trace: bool, smaps: bool = False) -> dict[str, Any]:
    import bench_pdf
    import synthetic

    out = Path(tempfile.mkdtemp(prefix="sqmkit-bench-"))
    mgr, profile = synthetic.make(out / "synthetic", copies)
    if trace:
        tracemalloc.start(1)
    phases = Phases(trace, smaps)
    _hook(phases)
    phases.mark("before the build")
    cpu = time.process_time()
    result = bench_pdf.serial_build(str(profile), out / "out", ["pdf"], mgr)
    phases.mark("built")
    pdf = result.path("handbook.pdf")
    pages = bench_pdf._pages(pdf)
    return {"pages": pages, "file_mib": round(pdf.stat().st_size / 2**20, 1), "seconds": result.timings["pdf"],
            "cpu_seconds": round(time.process_time() - cpu, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "phases": phases.marks}


def run(copies: int, trace: bool, tree: str | None, smaps: bool = False) -> dict[str, Any]:
    env = dict(os.environ)
    if tree:
        root = Path(tree)
        env["PYTHONPATH"] = os.pathsep.join(map(str, [root, *sorted((root / "plugins").glob("*"))]))
    argv = [sys.executable, str(Path(__file__).resolve()), "--scenario", "--copies", str(copies)]
    argv += (["--trace"] if trace else []) + (["--smaps"] if smaps else [])
    done = subprocess.run(argv, capture_output=True, text=True, env=env,
                          cwd=tempfile.gettempdir())
    if done.returncode:
        raise SystemExit(f"the memory scenario failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def report(label: str, got: dict[str, Any]) -> None:
    print(f"{label}: {got['pages']} pages ({got['file_mib']} MiB file), peak RSS {got['peak_rss_mib']} MiB, "
          f"{got['seconds']:.0f} s ({got['seconds'] / got['pages']:.3f} s/page), CPU {got['cpu_seconds']} s")
    traced, split = "python_live" in got["phases"][0], "anon" in got["phases"][0]
    print(f"  {'phase':<26}{'at s':>8}{'RSS':>8}{'highest':>9}" + (f"{'anon':>7}{'file':>7}" if split else "")
          + (f"{'py live':>9}{'RSS gc':>8}" if traced else ""))
    for row in got["phases"]:
        extra = f"{row['anon']:>7}{row['file']:>7}" if split else ""
        extra += f"{row['python_live']:>9}{row['rss_after_gc']:>8}" if traced else ""
        print(f"  {row['phase']:<26}{row['s']:>8}{row['rss']:>8}{row['high']:>9}" + extra)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=17)
    ap.add_argument("--trace", action="store_true", help="also the live Python memory (slower)")
    ap.add_argument("--smaps", action="store_true", help="also anonymous and file-backed RSS at each phase")
    ap.add_argument("--against", default=None, help="another source tree, run first (A/B)")
    ap.add_argument("--scenario", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scenario:
        sys.path.insert(0, str(HERE))
        print(json.dumps(scenario(args.copies, args.trace, args.smaps)))
        return
    if args.against:
        report(Path(args.against).name, run(args.copies, args.trace, args.against, args.smaps))
    report("this tree", run(args.copies, args.trace, None, args.smaps))


if __name__ == "__main__":
    main()
