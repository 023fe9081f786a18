"""``build --all --executor dask://HOST:PORT``: a Dask cluster runs the same per-client builds and
gives byte-identical outputs to the local run; the store is written by the command only."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqmkit.store import open_store
from sqmkit.workspace import Workspace

distributed = pytest.importorskip("distributed")

DEMOS = sorted(Path(__file__).resolve().parents[1].glob("plugins/*/sqmkit_*/examples/demo-*.yaml"))


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None,
                                  silence_logs=50) as local:
        yield local


def test_build_all_on_a_dask_cluster_gives_the_bytes_of_a_local_build(cluster, tmp_path: Path, cli_run) -> None:
    ws = Workspace.init(tmp_path / "ws")
    for demo in DEMOS:
        assert cli_run("client", "import", demo, "--workspace", ws.root).exit_code == 0
    address = "dask://" + cluster.scheduler_address.removeprefix("tcp://")
    on_dask = cli_run("build", "--all", "-f", "html", "--executor", address, "--workspace", ws.root)
    assert on_dask.exit_code == 0, on_dask.output
    local_out = tmp_path / "local"
    local = cli_run("build", "--all", "-f", "html", "--jobs", "1", "-o", local_out, "--workspace", ws.root)
    assert local.exit_code == 0, local.output
    for client in ws.client_ids():
        remote, here = _bytes(ws.out_dir / client), _bytes(local_out / client)
        assert remote and remote == here, client
        assert "index.html" in remote and "checklists" in {Path(rel).parts[0] for rel in remote}
    with open_store(ws.store_path) as store:
        assert [len(store.builds(c)) for c in ws.client_ids()] == [2] * len(ws.client_ids())


def test_an_unreachable_scheduler_is_a_clean_error(tmp_path: Path, cli_run) -> None:
    ws = Workspace.init(tmp_path / "ws")
    assert cli_run("client", "import", DEMOS[0], "--workspace", ws.root).exit_code == 0
    result = cli_run("build", "--all", "--executor", "dask://127.0.0.1:9", "--workspace", ws.root)
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at 127.0.0.1:9" in result.output
    assert "Traceback" not in result.output
