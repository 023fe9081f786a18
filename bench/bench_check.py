#!/usr/bin/env python3
"""Benchmark ``sqmkit check`` on a demo profile: prints figures, asserts nothing.

The command runs in fresh processes, several times (hyperfine-like: warm-up, then runs); the
median wall time and the median CPU time (user + system, which a loaded machine inflates less)
are printed with the target (0.3 s), then the slowest imports of the command's own start-up
(``python -X importtime``), and where the time of one run goes (imports, plugins, profile, assembly;
wall and CPU seconds).

    .venv/bin/python bench/bench_check.py [--runs 9] [--profile PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "plugins/courier/sqmkit_courier/examples/demo-courier.yaml"
TARGET = 0.3


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def imports(profile: str, top: int) -> list[tuple[float, str]]:
    """The slowest modules (self time, ms) of the command's start-up."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "sqmkit.cli", "check", profile],
                          capture_output=True, text=True, check=True)
    found = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            found.append((int(m.group(1)) / 1000, m.group(4)))
    return sorted(found, reverse=True)[:top]


STEPS = """
import time, sys
marks = [(time.perf_counter(), time.process_time())]
def mark():
    marks.append((time.perf_counter(), time.process_time()))
import sqmkit.cli; mark()
from sqmkit.plugins import get_plugin_manager
from sqmkit.assemble import assemble, read_profile
import sqmkit.build; mark()
mgr = get_plugin_manager(); mark()
mgr.industries(); mark()
profile, doc = read_profile(mgr, sys.argv[1]); mark()
assemble(mgr, profile, doc, []); mark()
print(" ".join(f"{b[0] - a[0]:.3f},{b[1] - a[1]:.3f}" for a, b in zip(marks, marks[1:])))
"""
STEP_NAMES = ["import sqmkit.cli", "import the pipeline (assemble, build)", "plugin manager",
              "plugin data (industries)", "profile", "assemble"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--profile", default=str(DEMO))
    args = parser.parse_args()
    sqmkit = str(Path(sys.executable).parent / "sqmkit")
    cmd = [sqmkit, "check", args.profile]
    timed(cmd)  # warm-up: file cache, .pyc
    runs = [timed(cmd) for _ in range(args.runs)]
    walls, cpus = [w for w, _c in runs], [c for _w, c in runs]
    bare = [timed([sys.executable, "-c", "pass"]) for _ in range(3)]
    print(f"sqmkit check {Path(args.profile).name}: {args.runs} runs, load average {os.getloadavg()[0]:.1f}")
    print(f"| figure | median | min | target |\n|---|---|---|---|")
    print(f"| wall s | {statistics.median(walls):.3f} | {min(walls):.3f} | {TARGET} |")
    print(f"| CPU s (user+sys) | {statistics.median(cpus):.3f} | {min(cpus):.3f} | {TARGET} |")
    print(f"| python -c pass, CPU s | {statistics.median(c for _w, c in bare):.3f} | | |")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set: a module changed since its .pyc was written is compiled "
              "on every run (an installed sqmkit has its .pyc files)")
    steps = [[tuple(map(float, pair.split(","))) for pair in subprocess.run(
        [sys.executable, "-c", STEPS, args.profile], capture_output=True, text=True, check=True).stdout.split()]
        for _ in range(5)]
    print("\nwhere one run goes (median of 5; wall s, CPU s):")
    for n, name in enumerate(STEP_NAMES):
        wall, cpu = (statistics.median(s[n][i] for s in steps) for i in (0, 1))
        print(f"  {name:38s} {wall:.3f}  {cpu:.3f}")
    print("\nslowest imports (self ms):")
    for ms, name in imports(args.profile, 12):
        print(f"  {ms:8.1f}  {name}")


if __name__ == "__main__":
    main()
