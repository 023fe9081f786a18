#!/usr/bin/env python3
"""Benchmark ``build --all`` over many clients, and the build cache: prints figures, asserts nothing.

A workspace of N clients (copies of the three demos under new ids) is made in a temporary
folder. Each run builds every client into a fresh output folder, in a fresh process:

* ``serial``: one client after another, one process (each build alone on the machine, its forms
  laid out in a worker beside it, as ``--jobs 1`` does);
* ``serial, one core`` (``--one-core``): the same without that worker (sqmkit before parallel
  builds; the same as serial for ``-f html``);
* ``--jobs J``: J clients at once, each in a process of its own (``build --all`` by default);
* ``one process per client`` (``--per-process``): ``sqmkit build cNN --workspace WS`` for each
  client, one after another (the issue's "today": each pays the start-up and the first build's
  warm-up again).

``--history N`` first gives the workspace's store N build records (copies of the warm-up's), as a
workspace in use has: the store is one JSON file written whole at every write, so the cost of
recording a build, which the ``build --all`` process does alone, grows with it.

After a warm-up run, runs alternate (serial, jobs, serial, jobs …) and medians are printed with the speed-up ratios,
which a machine shared with other work distorts far less than the seconds. CPU seconds are split
into the parent's (the ``build --all`` process: start-up, reading profiles, recording builds in the
store, the progress) and its children's (the jobs, and the forms worker beside a build), and
"allowed" is the speed-up the work itself allows on J cores: serial CPU / the larger of (CPU of
the jobs run / J) and the parent's CPU (its work is serial) — what the ratio would be if no core
ever waited, on a machine with nothing else running. (Linux shares the CPU between sessions
first when ``/proc/sys/kernel/sched_autogroup_enabled`` is 1: while other sessions keep the cores
busy, this session gets about the same share whether it runs one process or two, and the wall
ratios say little; read the CPU columns then.) Then the cache: one
client built in full, then again unchanged (a no-op) and after a one-parameter change, each in a
fresh process, in pairs.

    .venv/bin/python bench/bench_many.py [--clients 30] [--jobs 2] [--pairs 1] [-f html] [--cache-pairs 3]
                                         [--one-core] [--per-process] [--history 1500]
"""

from __future__ import annotations

import argparse
import json
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
DEMOS = sorted(ROOT.glob("plugins/*/sqmkit_*/examples/demo-*.yaml"))

RUN = """
import resource, sys, time
from pathlib import Path
from sqmkit.batch import build_all
from sqmkit.plugins import get_plugin_manager
from sqmkit.workspace import Workspace
ws, out, jobs, beside = Workspace.find(Path(sys.argv[1])), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
formats = sys.argv[5].split(",") if sys.argv[5] else None
t = time.perf_counter()
if jobs == 1 and not beside:  # one client after another, each build on one core
    from sqmkit.batch import _saved, jobs_of
    from sqmkit.executors import run_job
    work, _refused = jobs_of(ws, ws.client_ids(), out, formats, None, False)
    outcomes = [o for job in work for o in _saved(ws, [run_job(job, beside=False)])]  # recorded as build --all does
else:
    outcomes = build_all(ws, get_plugin_manager(), out, formats, None, ws.client_ids(), jobs=jobs)
assert all(o.ok for o in outcomes), [o.problem for o in outcomes if not o.ok]
wall = time.perf_counter() - t
cpu = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(wall, *(u.ru_utime + u.ru_stime for u in cpu))
"""


def make_workspace(folder: Path, clients: int) -> Path:
    """A workspace of ``clients`` clients, copies of the demos under ids c01, c02 …"""
    ws = folder / "ws"
    subprocess.run([str(Path(sys.executable).parent / "sqmkit"), "init", str(ws)], check=True,
                   stdout=subprocess.DEVNULL)
    for n in range(clients):
        demo = DEMOS[n % len(DEMOS)]
        text = demo.read_text(encoding="utf-8").replace(f"id: {demo.stem}", f"id: c{n + 1:02d}", 1)
        (ws / "clients" / f"c{n + 1:02d}.yaml").write_text(text, encoding="utf-8")
        for asset in demo.parent.glob("logo.*"):
            shutil.copy(asset, ws / "clients" / asset.name)
    return ws


#: a run's wall seconds → its CPU seconds (user + system): every process, and the parent's own
CPU: dict[float, tuple[float, float]] = {}


def _cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_all(ws: Path, jobs: int, beside: bool, formats: str) -> float:
    out = Path(tempfile.mkdtemp(prefix="bench-out-", dir=ws.parent))
    before = _cpu_seconds()
    done = subprocess.run([sys.executable, "-c", RUN, str(ws), str(out), str(jobs), "1" if beside else "0", formats],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    shutil.rmtree(out, ignore_errors=True)
    wall, parent, _children = (float(x) for x in done.stdout.split()[-3:])
    CPU[wall] = (_cpu_seconds() - before, parent)
    return wall


def run_per_process(ws: Path, formats: str) -> float:
    """Each client built by a ``sqmkit build`` process of its own, one after another."""
    out = Path(tempfile.mkdtemp(prefix="bench-out-", dir=ws.parent))
    before, t = _cpu_seconds(), time.perf_counter()
    for client in sorted(p.stem for p in (ws / "clients").glob("*.yaml")):
        args = ["build", client, "--workspace", str(ws), "-o", str(out), "-q", *(["-f", formats] if formats else [])]
        subprocess.run([str(Path(sys.executable).parent / "sqmkit"), *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    shutil.rmtree(out, ignore_errors=True)
    CPU[wall] = (_cpu_seconds() - before, 0.0)
    return wall


def cli_seconds(*args: str) -> tuple[float, str]:
    t = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "sqmkit"), *args], check=True, capture_output=True,
                          text=True, env={**os.environ, "LANG": "C.UTF-8", "SQMKIT_LANG": "en"})
    return time.perf_counter() - t, done.stdout


def cache_figures(folder: Path, pairs: int) -> None:
    """Full build, no-op rebuild and a one-parameter change of the courier demo, each a CLI run.
    A no-op that was not one (a file of sqmkit or a plugin changed meanwhile: on a machine where
    others edit the code) is tried again, up to three times."""
    src = folder / "cache-src"
    src.mkdir()
    demo = next(d for d in DEMOS if "courier" in d.name)
    profile = Path(shutil.copy(demo, src / demo.name))
    shutil.copy(demo.parent / "logo.svg", src / "logo.svg")
    full, noop, changed, misses = [], [], [], 0
    for n in range(pairs):
        for attempt in range(3):
            out = folder / f"cache-out-{n}-{attempt}"
            seconds = cli_seconds("build", str(profile), "-o", str(out), "-q")[0]
            again, said = cli_seconds("build", str(profile), "-o", str(out), "-q")
            if "up to date" in said:
                break
            misses += 1
        full.append(seconds)
        noop.append(again)
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text.replace("wait_minutes: 10", "wait_minutes: 11", 1), encoding="utf-8")
        changed.append(cli_seconds("build", str(profile), "-o", str(out), "-q")[0])
        profile.write_text(text, encoding="utf-8")
    f, z, c = (statistics.median(x) for x in (full, noop, changed))
    print(f"\n| build of {demo.stem} (CLI, wall; {pairs} run(s), {misses} no-op(s) missed) | median s "
          f"| of a full build |\n|---|---|---|")
    print(f"| full | {f:.2f} | 1.00 |\n| no-op rebuild | {z:.2f} | {z / f:.3f} (target ≤ 0.05) |")
    print(f"| one parameter no form prints | {c:.2f} | {c / f:.2f} |")


def grow_history(store: Path, builds: int) -> None:
    """The store of a workspace in use for a while: its build records repeated up to ``builds``
    (each run then records its builds after them; the store is written whole at every write)."""
    data = json.loads(store.read_text(encoding="utf-8"))
    made = list(data["builds"].values())
    data["builds"] = {str(n + 1): made[n % len(made)] for n in range(builds)}
    store.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


def many_figures(ws: Path, args: argparse.Namespace) -> None:
    """The runs of ``build --all``, alternated, and their table."""
    jobs = f"--jobs {args.jobs}"
    times: dict[str, list[float]] = {"serial": [], "serial, one core": [], jobs: []}
    if args.per_process:
        times["one process per client"] = []
    run_all(ws, 1, True, args.formats)  # warm-up: the file cache and the compiled templates
    if args.history:
        grow_history(ws / "sqmkit-store.json", args.history)
    for _pair in range(args.pairs):
        times["serial"].append(run_all(ws, 1, True, args.formats))
        times[jobs].append(run_all(ws, args.jobs, False, args.formats))
        if args.one_core:
            times["serial, one core"].append(run_all(ws, 1, False, args.formats))
        if args.per_process:
            times["one process per client"].append(run_per_process(ws, args.formats))
    if not args.one_core:
        times["serial, one core"] = times["serial"]
    base, serial = statistics.median(times["serial, one core"]), statistics.median(times["serial"])
    cpu = {name: tuple(statistics.median(CPU[v][k] for v in values) for k in (0, 1)) for name, values in times.items()}
    print(f"build --all over {args.clients} clients ({args.formats or 'all formats'}), {os.cpu_count()} "
          f"cores, {args.pairs} pair(s), {args.history} build(s) recorded before, load average "
          f"{os.getloadavg()[0]:.1f}")
    print("| run | median s | speed-up over serial, one core | over serial | CPU s (all processes) "
          "| CPU s parent | CPU s children | allowed over serial |\n|---|---|---|---|---|---|---|---|")
    for name, values in times.items():
        m, (total, parent) = statistics.median(values), cpu[name]
        allowed = f"{cpu['serial'][0] / max(total / args.jobs, parent):.2f}" if name == jobs else ""
        split = f"{parent:.1f} | {total - parent:.1f}" if parent else " | "  # one process per client: no parent
        print(f"| {name} | {m:.1f} | {base / m:.2f} | {serial / m:.2f} | {total:.1f} | {split} | {allowed} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--pairs", type=int, default=1)
    parser.add_argument("-f", "--formats", default="", help="formats to build (default: all but docx)")
    parser.add_argument("--cache-pairs", type=int, default=3)
    parser.add_argument("--skip-many", action="store_true")
    parser.add_argument("--one-core", action="store_true",
                        help="also run serially without the forms worker (as sqmkit did before parallel builds)")
    parser.add_argument("--history", type=int, default=0, metavar="BUILDS",
                        help="give the workspace's store this many build records first (a workspace in use)")
    parser.add_argument("--per-process", action="store_true",
                        help="also run one sqmkit build process per client, one after another (the issue's today)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sqmkit-bench-many-") as tmp:
        folder = Path(tmp)
        if not args.skip_many:
            ws = make_workspace(folder, args.clients)
            many_figures(ws, args)
        if args.cache_pairs:
            cache_figures(folder, args.cache_pairs)


if __name__ == "__main__":
    main()
