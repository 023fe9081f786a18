"""Where ``build --all`` builds its clients: each client is one job, a function of frozen inputs.

A :class:`Job` names the profile file, the output folder, the formats and the client's issued
versions as the store holds them (read once by the parent), so a job reads nothing of the store
and writes nothing to it: it builds and returns a :class:`Done` with the build record, which the
parent saves. Store writes therefore never race, wherever the job ran.

Executors (``--executor``):

* ``local`` (the default): ``--jobs N`` processes of this machine (default: one per core); with
  one job, the clients are built in this process, one after the other;
* ``dask://HOST:PORT``: the scheduler of a Dask cluster (``pip install 'sqmkit[dask]'``); its
  workers run the very same :func:`run_job`. They need sqmkit and the same plugins installed, and
  the workspace and output folder at the same path (a shared file system): see docs/scaling.md.

Results arrive in the order the jobs finish; the caller puts them back in client order.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from .errors import BuildError, SqmkitError
from .messages import _

if TYPE_CHECKING:  # pragma: no cover
    from .plugins import Manager

#: the scheme of a Dask scheduler address in ``--executor``
DASK_SCHEME = "dask://"


@dataclass(frozen=True)
class Job:
    """One client's build, as plain data (it crosses to another process or machine)."""

    client: str
    profile: str
    out: str
    formats: list[str] | None
    templates: str | None
    versions: list[dict[str, Any]]
    force: bool = False


@dataclass
class Outcome:
    """One client's result in ``build --all``: built (how long, how many files, from the cache) or
    the problem."""

    client: str
    ok: bool
    seconds: float
    files: int = 0
    problem: str | None = None
    cached: bool = False


@dataclass
class Done(Outcome):
    """A job's outcome with what the parent saves in the store: the build record and profile data."""

    record: dict[str, Any] | None = None
    profile: tuple[dict[str, Any], str | None] | None = None


#: this process's plugin manager for jobs (a forked worker inherits the parent's)
_manager: "Manager | None" = None


def run_job(job: Job, beside: bool = False) -> Done:
    """Build one client (in whatever process runs it); a problem is the result, not an exception.
    ``beside``: the build may lay out its forms in a worker beside it (only when it runs alone)."""
    global _manager
    from .build import build, fork_formats
    from .plugins import get_plugin_manager

    start = time.perf_counter()
    before = fork_formats(beside)
    try:
        _manager = _manager or get_plugin_manager()
        result = build(job.profile, job.out, job.formats, mgr=_manager, templates=job.templates,
                       force=job.force, versions=job.versions)
    except SqmkitError as exc:
        return Done(job.client, False, time.perf_counter() - start, problem=str(exc))
    finally:
        fork_formats(before)
    return Done(job.client, True, time.perf_counter() - start, len(result.files), cached=result.cached,
                record=result.record, profile=result.client)


def run(jobs: list[Job], executor: str, workers: int | None, mgr: "Manager") -> Iterator[list[Done]]:
    """Run ``jobs`` on ``executor`` (``local`` or ``dask://HOST:PORT``), yielding the results as
    they finish: each time the caller asks, every result finished since it last asked (at least
    one; several when they finished while the caller was busy with the ones before)."""
    if executor.startswith(DASK_SCHEME):
        return _dask(jobs, executor[len(DASK_SCHEME):])
    if executor != "local":
        raise BuildError(_("unknown executor {executor!r}; use 'local' or 'dask://HOST:PORT'").format(
            executor=executor))
    return _local(jobs, workers or os.cpu_count() or 1, mgr)


def _local(jobs: list[Job], workers: int, mgr: "Manager") -> Iterator[list[Done]]:
    global _manager
    _manager = mgr  # serial jobs use it; forked workers inherit it
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:  # one build at a time: it may use the second core itself
            yield [run_job(job, beside=True)]
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers = min(workers, len(jobs))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # the last jobs (one per process) may lay out their forms in a worker beside them: the
        # cores the other processes leave idle as they finish take that work, shortening the tail
        futures = {pool.submit(run_job, job, n >= len(jobs) - workers): n for n, job in enumerate(jobs)}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield [_outcome(jobs[futures[f]], f) for f in sorted(finished, key=futures.__getitem__)]


def _outcome(job: Job, future: Any) -> Done:
    """A finished job's result; a job whose process died is that client's failure."""
    try:
        done: Done = future.result()
    except Exception as exc:  # the worker process was killed, or the result did not come back
        return Done(job.client, False, 0.0, problem=_("the build stopped in its worker: {kind}: {detail}").format(
            kind=type(exc).__name__, detail=exc))
    return done


def _dask(jobs: list[Job], address: str) -> Iterator[list[Done]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BuildError(_("the Dask executor needs Dask: pip install 'sqmkit[dask]'")) from None
    try:
        client = Client(address, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise BuildError(_("cannot reach the Dask scheduler at {address}: {reason}").format(
            address=address, reason=exc)) from None
    with client:
        run_id = uuid.uuid4().hex[:12]
        futures = client.map(run_job, jobs, pure=False, key=[f"sqmkit-build-{run_id}-{job.client}" for job in jobs])
        by_key = {future.key: job for future, job in zip(futures, jobs)}
        for finished in as_completed(futures).batches():  # type: ignore[no-untyped-call]
            yield [_outcome(by_key[future.key], future) for future in finished]
