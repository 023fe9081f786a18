"""``sqmkit build --all``: every client of a workspace, ``--jobs N`` at once (each in a process of
its own; default one per core) or on a Dask cluster (``--executor``, :mod:`sqmkit.executors`),
with a progress bar (plain lines when not on a terminal) that advances as clients finish, a
summary table in client order, and a failure of one client reported without stopping the others.

The store is read and written here, in the one parent process: the jobs get each client's issued
versions and hand back their build records, which are saved as they arrive.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import click

from .columns import table
from .errors import SqmkitError
from .executors import Outcome
from .messages import _

if TYPE_CHECKING:  # pragma: no cover
    from .executors import Done, Job
    from .plugins import Manager
    from .workspace import Workspace


def jobs_of(ws: "Workspace", ids: list[str], out: Path, formats: list[str] | None, templates: str | None,
            force: bool) -> tuple[list["Job"], list[Outcome]]:
    """A job per client, with its issued versions read from the store once; a client whose
    profile file cannot be built (a wrong id) is an outcome already."""
    from .clients import check_file_id
    from .executors import Job
    from .store import open_store

    jobs, refused = [], []
    with open_store(ws.store_path, batch=True) as store:  # the file read once, not once per client
        versions = {cid: store.versions(cid) for cid in ids}
    for cid in ids:
        path = ws.profile_path(cid)
        try:
            check_file_id(path)
        except SqmkitError as exc:
            refused.append(Outcome(cid, False, 0.0, problem=str(exc)))
            continue
        jobs.append(Job(cid, str(path), str(out), formats, templates, versions[cid], force))
    return jobs, refused


def build_all(ws: "Workspace", mgr: "Manager", out: Path, formats: list[str] | None, templates: str | None,
              ids: list[str], *, jobs: int | None = None, executor: str = "local", force: bool = False,
              done: Callable[[Outcome], None] = lambda o: None) -> list[Outcome]:
    """Build the clients ``ids`` and record each build in the store as it finishes (calling
    ``done`` with it); the outcomes in the order of ``ids``."""
    from .executors import run

    work, outcomes = jobs_of(ws, ids, out, formats, templates, force)
    for outcome in outcomes:
        done(outcome)
    for finished in run(work, executor, jobs, mgr):
        for outcome in _saved(ws, finished):
            outcomes.append(outcome)
            done(outcome)
    order = {cid: n for n, cid in enumerate(ids)}
    return sorted(outcomes, key=lambda o: order[o.client])


def _saved(ws: "Workspace", finished: list["Done"]) -> list[Outcome]:
    """The outcomes of finished jobs, their builds recorded in the store in one transaction: the
    file is read once and written once (atomically) for all of them, not 5 and 2 times for each. The
    results come as they finish, so this writes as soon as the last one before is written: a
    record waits no longer than one write of the store."""
    from .build import record_build
    from .store import open_store

    problems: dict[str, str] = {}
    try:
        with open_store(ws.store_path, batch=True) as store:
            for result in finished:
                if result.ok and result.record:
                    try:
                        record_build(store, result.record, result.profile)
                    except SqmkitError as exc:  # a bad record of this client in the store
                        problems[result.client] = str(exc)
    except SqmkitError as exc:  # the store cannot be opened or written: none of them is recorded
        problems = {r.client: str(exc) for r in finished if r.ok and r.record}
    return [Outcome(r.client, False, r.seconds, r.files, problems[r.client]) if r.client in problems else
            Outcome(r.client, r.ok, r.seconds, r.files, r.problem, r.cached) for r in finished]


def summary(outcomes: list[Outcome]) -> list[str]:
    """The summary table: client, result, seconds, files; a failure's reason below it."""
    rows = [[_("client"), _("result"), _("seconds"), _("files")]]
    problems: dict[int, str] = {}
    for o in outcomes:
        rows.append([o.client, _result(o), f"{o.seconds:.1f}", str(o.files)])
        if o.problem:
            problems[len(rows) - 1] = o.problem
    lines = []
    for n, line in enumerate(table(rows, indent=0)):
        lines.append(line)
        if n in problems:
            lines.append("    " + problems[n])
    return lines


def run_all_cli(ws: "Workspace", mgr: "Manager", out: str | None, formats: list[str] | None,
                templates: str | None, quiet: bool, *, force: bool = False, jobs: int | None = None,
                executor: str = "local") -> None:
    """``build --all`` for the command line: progress, summary, exit 1 when any client failed."""
    import sys

    from .clients import check_unique

    check_unique(ws)
    ids = ws.client_ids()
    if not ids:
        click.echo(_("the workspace has no clients yet (sqmkit client new / client import)"))
        return
    root = Path(out) if out else ws.out_dir
    _speak_like(ws.profile_path(ids[0]))
    start = time.perf_counter()

    def run(done: Callable[[Outcome], None]) -> list[Outcome]:
        return build_all(ws, mgr, root, formats, templates, ids, jobs=jobs, executor=executor, force=force,
                         done=done)

    if sys.stderr.isatty() and not quiet:
        with click.progressbar(length=len(ids), label=_("building"), file=sys.stderr,
                               item_show_func=lambda c: c or "") as bar:
            outcomes = run(lambda o: bar.update(1, o.client))
    else:
        finished = []

        def say(o: Outcome) -> None:
            finished.append(o)
            if not quiet:
                click.echo(_("[{n}/{total}] {id}: {result}").format(
                    n=len(finished), total=len(ids), id=o.client, result=_result(o)), err=True)

        outcomes = run(say)
    for line in summary(outcomes):
        click.echo(line)
    failed = [o.client for o in outcomes if not o.ok]
    click.echo(_("{ok} of {total} built into {out} in {seconds}s").format(
        ok=len(outcomes) - len(failed), total=len(outcomes), out=root, seconds=f"{time.perf_counter() - start:.1f}"))
    if failed:
        raise click.exceptions.Exit(1)


def _result(o: Outcome) -> str:
    return _("up to date") if o.cached else _("ok") if o.ok else _("FAILED")


def _speak_like(profile: Path) -> None:
    """Messages in the language of the workspace's first client from the first line on (each
    build then follows its own profile's), not in the locale's until a profile is read."""
    from .errors import SqmkitError
    from .messages import follow_profile
    from .yamlio import load_yaml

    try:
        follow_profile(load_yaml(profile).data)
    except SqmkitError:
        return  # the build of that client reports it
