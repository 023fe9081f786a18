#!/usr/bin/env python3
"""Benchmark of the improvement loop: prints figures, asserts nothing.

Makes a workspace with the courier demo client, writes N results (default 1,000) built from the
real checklist payloads with valid scores (a seeded mix of passes, fails, partial scores and
vetoes, over one quarter), imports the folder (``inspections import``), then renders the
quarter's report (HTML + PDF). Prints the seconds of each step and the report's page count.

    .venv/bin/python bench/bench_loop.py [--n 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import time
import uuid
from pathlib import Path

from click.testing import CliRunner

import sqmkit_courier
from sqmkit import cli as cli_module
from sqmkit.build import load
from sqmkit.inspections import checklist_payload, score


def run(*args: object) -> str:
    cli_module.session.use()
    result = CliRunner().invoke(cli_module.cli, [str(a) for a in args], catch_exceptions=False)
    return result.output


def answer(item: dict, rng: random.Random) -> object:
    roll = rng.random()
    if item["mode"] == "score":
        return item["max"] if roll < 0.7 else rng.randint(0, item["max"])
    if roll < 0.04 or (not item["veto"] and roll < 0.12):
        return "fail"
    return "na" if roll > 0.97 else "pass"


def results(profile: Path, folder: Path, n: int) -> None:
    reg = load(profile)[3]
    payloads = [checklist_payload(reg, c) for c in reg.checklists]
    rng = random.Random(12)
    start = dt.date(2026, 1, 1)
    for i in range(n):
        p = payloads[i % len(payloads)]
        plain = {item["id"]: answer(item, rng) for item in p["items"]}
        s = score(p, plain)
        day = (start + dt.timedelta(days=rng.randrange(90))).isoformat()
        data = {
            "format": "sqmkit-inspection/2", "id": str(uuid.UUID(int=rng.getrandbits(128))), "client": reg.profile.id,
            "checklist": p["checklist"], "version": p["version"], "hash": p["hash"],
            "started_at": f"{day}T09:00:00+08:00", "finished_at": f"{day}T09:40:00+08:00",
            "fields": {"inspector": f"质检员{i % 5 + 1}", "date": day, "site": f"网点{i % 12 + 1}",
                       "inspectee": f"快递员{i % 40 + 1}"},
            "answers": {k: {"answer": v, "remark": "现场发现问题" if v == "fail" or isinstance(v, int) else ""}
                        for k, v in plain.items()},
            "photos": [], "kpis": {"on-time": round(90 + rng.random() * 10, 1)},
            "total": s.total, "grade": s.grade, "veto_failed": s.veto_failed, "answered": s.answered,
            "items": len(p["items"]),
        }
        (folder / f"r{i:05d}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sqmkit-bench-loop-")) / "ws"
    run("init", root)
    run("client", "import", sqmkit_courier.DEMO_PROFILE, "--workspace", root)
    inbox = root / "inbox"
    inbox.mkdir()
    t = time.perf_counter()
    results(root / "clients" / "demo-courier.yaml", inbox, args.n)
    made = time.perf_counter() - t
    t = time.perf_counter()
    out = run("inspections", "import", inbox, "--workspace", root)
    imported = time.perf_counter() - t
    t = time.perf_counter()
    report = run("report", "demo-courier", "--period", "2026Q1", "--today", "2026-03-31", "--workspace", root)
    rendered = time.perf_counter() - t
    from pypdf import PdfReader

    pdf = root / "out" / "demo-courier" / "reports" / "2026Q1" / "report.pdf"
    print(out.strip().splitlines()[-1])
    print(report.strip().splitlines()[-1])
    print(f"results made: {args.n} in {made:.1f} s")
    print(f"import of {args.n} results: {imported:.1f} s")
    print(f"report over them: {rendered:.1f} s, {len(PdfReader(pdf).pages)} page(s)")


if __name__ == "__main__":
    main()
