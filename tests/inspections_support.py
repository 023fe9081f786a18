"""Shared by the improvement-loop tests: a workspace holding the courier demo client, results
made from the real checklist payload (scored by sqmkit's own rule), the CLI run in-process."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from sqmkit.build import load
from sqmkit.inspections import checklist_payload, score


def run(*args: Any) -> Any:
    """The sqmkit CLI in-process (a fresh plugin session)."""
    from sqmkit import cli as cli_module

    cli_module.session.use()
    result = CliRunner().invoke(cli_module.cli, [str(a) for a in args], catch_exceptions=True)
    cli_module.session.use()
    return result


def make_workspace(root: Path, profile: Path) -> Path:
    assert run("init", root).exit_code == 0
    out = run("client", "import", profile, "--workspace", root)
    assert out.exit_code == 0, out.output
    return root


class Results:
    """Format 2 results of one client's checklist, valid unless changed."""

    def __init__(self, profile: Path, checklist: int = 0):
        self.reg = load(profile)[3]
        self.checklist = self.reg.checklists[checklist]
        self.payload = checklist_payload(self.reg, self.checklist)
        self.items = self.payload["items"]
        self.veto = next(i["id"] for i in self.items if i["veto"])
        self.check = next(i["id"] for i in self.items if not i["veto"] and i["mode"] == "check")
        self.scored = next(i for i in self.items if i["mode"] == "score")

    def make(self, answers: dict[str, Any] | None = None, remarks: dict[str, str] | None = None,
             date: str = "2026-03-02", **changes: Any) -> dict[str, Any]:
        plain = {i["id"]: "pass" for i in self.items} | (answers or {})
        s = score(self.payload, plain)
        result = {
            "format": "sqmkit-inspection/2", "id": str(uuid.uuid4()), "client": self.reg.profile.id,
            "checklist": self.checklist.id, "version": self.payload["version"], "hash": self.payload["hash"],
            "started_at": f"{date}T09:15:00+08:00", "finished_at": f"{date}T09:50:00+08:00",
            "fields": {"inspector": "质检员甲", "date": date, "site": "城东网点", "inspectee": "快递员乙"},
            "answers": {k: {"answer": v, "remark": (remarks or {}).get(k, "")} for k, v in plain.items()},
            "photos": [], "kpis": {}, "total": s.total if s.answered else None,
            "grade": s.grade if s.answered else None, "veto_failed": s.veto_failed, "answered": s.answered,
            "items": len(self.items),
        }
        result.update(changes)
        return result


def write(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
