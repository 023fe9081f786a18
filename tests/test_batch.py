"""``build --all --jobs N``: clients built in processes at once give the same bytes as one after
another, the summary is in client order, every build is recorded once, and a second run finds
every client up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqmkit.store import open_store
from sqmkit.workspace import Workspace

DEMOS = sorted(Path(__file__).resolve().parents[1].glob("plugins/*/sqmkit_*/examples/demo-*.yaml"))


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    from click.testing import CliRunner

    from sqmkit import cli as cli_module

    ws = Workspace.init(tmp_path_factory.mktemp("batch") / "ws")
    for demo in DEMOS:
        cli_module.session.use()
        result = CliRunner().invoke(cli_module.cli, ["client", "import", str(demo), "--workspace", str(ws.root)])
        assert result.exit_code == 0, result.output
    return ws


@pytest.fixture(scope="module")
def runs(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> dict:
    from click.testing import CliRunner

    from sqmkit import cli as cli_module

    serial_out = tmp_path_factory.mktemp("serial")

    def run(*args: str):
        cli_module.session.use()
        result = CliRunner().invoke(cli_module.cli, ["build", "--all", "-f", "checklists", "--workspace",
                                                     str(workspace.root), *args])
        cli_module.session.use()
        return result

    return {"parallel": run("--jobs", "2"), "serial": run("--jobs", "1", "-o", str(serial_out)),
            "again": run("--jobs", "2"), "serial_out": serial_out}


def test_parallel_jobs_give_the_same_bytes_as_serial(workspace: Workspace, runs: dict) -> None:
    assert runs["parallel"].exit_code == 0, runs["parallel"].output
    assert runs["serial"].exit_code == 0, runs["serial"].output
    for client in workspace.client_ids():
        parallel, serial = _bytes(workspace.out_dir / client), _bytes(runs["serial_out"] / client)
        assert parallel and parallel == serial, client


def test_the_summary_is_in_client_order_and_progress_counts_every_client(workspace: Workspace, runs: dict) -> None:
    ids = workspace.client_ids()
    rows = [line.split()[0] for line in runs["parallel"].stdout.splitlines() if line.split()[:1] and
            line.split()[0] in ids]
    assert rows == ids
    progress = [line for line in runs["parallel"].stderr.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] for line in progress] == [f"[{n}/{len(ids)}" for n in range(1, len(ids) + 1)]
    assert sorted(line.split()[1].rstrip(":") for line in progress) == ids


def test_every_build_is_recorded_by_the_parent(workspace: Workspace, runs: dict) -> None:
    with open_store(workspace.store_path) as store:
        for client in workspace.client_ids():
            builds = store.builds(client)
            assert len(builds) == 3  # parallel, serial (another folder), again (up to date)
            assert store.client(client) is not None
            assert builds[-1].get("cached") is True
            assert builds[0]["manifest_sha256"] == builds[-1]["manifest_sha256"]


def test_a_second_run_finds_every_client_up_to_date(workspace: Workspace, runs: dict) -> None:
    again = runs["again"]
    assert again.exit_code == 0, again.output
    lines = [line for line in again.stdout.splitlines() if line.split()[:1] and line.split()[0] in
             workspace.client_ids()]
    assert len(lines) == len(workspace.client_ids())
    assert all("up to date" in line for line in lines), again.stdout


def test_an_unknown_executor_is_a_clean_error(workspace: Workspace, cli_run) -> None:
    result = cli_run("build", "--all", "--executor", "ssh://x", "--workspace", workspace.root)
    assert result.exit_code == 1
    assert "unknown executor 'ssh://x'" in result.output and "Traceback" not in result.output
