"""The corrective-action register: statuses open → in_progress → done → verified (by, at,
evidence) or closed (reason); illegal moves refused with a message; overdue and owner filters;
XLSX export. A real workspace and store, actions made by a real import."""

from __future__ import annotations

import pytest

from inspections_support import Results, make_workspace, run, write
from sqmkit.actions import TRANSITIONS, transition
from sqmkit.errors import StoreError
from sqmkit.store import open_store


@pytest.fixture(scope="module")
def ws(tmp_path_factory, demo_profile_path):
    root = make_workspace(tmp_path_factory.mktemp("actions") / "ws", demo_profile_path)
    r = Results(demo_profile_path)
    data = r.make({r.check: "fail", r.veto: "fail"}, {r.check: "工牌未佩戴", r.veto: "私收费用"}, date="2026-03-02")
    out = run("inspections", "import", write(root, "r.json", data), "--workspace", root)
    assert out.exit_code == 0, out.output
    return root


def _actions(ws):
    with open_store(ws / "sqmkit-store.json") as st:
        return {a["severity"]: a for a in st.actions()}


def test_an_action_runs_to_verified_and_says_by_whom(ws):
    a = _actions(ws)["normal"]
    assert run("actions", "update", a["id"], "--status", "in_progress", "--note", "已通知网点", "--workspace", ws
               ).exit_code == 0
    early = run("actions", "verify", a["id"], "--by", "质量主管", "--workspace", ws)
    assert early.exit_code == 1 and "cannot become verified" in early.output and "Traceback" not in early.output
    assert run("actions", "update", a["id"], "--status", "done", "--workspace", ws).exit_code == 0
    out = run("actions", "verify", a["id"], "--by", "质量主管", "--note", "复查工牌已佩戴", "--workspace", ws)
    assert out.exit_code == 0, out.output
    done = _actions(ws)["normal"]
    assert done["status"] == "verified" and done["verified_by"] == "质量主管" and done["evidence"] == "复查工牌已佩戴"
    assert done["verified_at"] and [h["status"] for h in done["history"]] == ["open", "in_progress", "done", "verified"]
    again = run("actions", "close", a["id"], "--reason", "x", "--workspace", ws)
    assert again.exit_code == 1 and "none: the action is finished" in again.output


def test_overdue_owner_and_status_filters_and_the_xlsx_export(ws):
    from openpyxl import load_workbook

    high = _actions(ws)["high"]
    assert high["due"] == "2026-03-05"
    before = run("actions", "list", "--overdue", "--today", "2026-03-05", "--workspace", ws)
    assert "0 action(s)" in before.output
    late = run("actions", "list", "--overdue", "--today", "2026-03-06", "--xlsx", ws / "late.xlsx", "--workspace", ws)
    assert late.exit_code == 0 and "私收费用" in late.output and "overdue" in late.output
    sheet = load_workbook(ws / "late.xlsx").active
    assert [c.value for c in sheet[2]][0] == high["id"] and "私收费用" in [c.value for c in sheet[2]]
    mine = run("actions", "list", "--owner", high["owner_name"], "--status", "open", "--workspace", ws)
    assert mine.exit_code == 0 and str(high["id"]) in mine.output
    nobody = run("actions", "list", "--owner", "无此部门", "--workspace", ws)
    assert "0 action(s)" in nobody.output


def test_closing_needs_a_reason_and_an_unknown_action_is_named(ws):
    high = _actions(ws)["high"]
    assert run("actions", "close", high["id"], "--workspace", ws).exit_code == 2  # --reason is required
    out = run("actions", "close", high["id"], "--reason", "网点已撤销", "--workspace", ws)
    assert out.exit_code == 0 and _actions(ws)["high"]["closed_reason"] == "网点已撤销"
    missing = run("actions", "update", 999, "--status", "done", "--workspace", ws)
    assert missing.exit_code == 1 and "no corrective action 999" in missing.output


def test_every_illegal_transition_is_refused():
    for current, allowed in TRANSITIONS.items():
        for target in TRANSITIONS:
            action = {"status": current, "history": []}
            if target in allowed:
                changes = transition(action, target, "2026-03-02T10:00:00+00:00", by="甲", reason="乙")
                assert changes["status"] == target
            else:
                with pytest.raises(StoreError, match=f"cannot become {target}"):
                    transition(action, target, "2026-03-02T10:00:00+00:00", by="甲", reason="乙")
