"""Output formats in a forked worker process, beside the build's own.

WeasyPrint is CPU-bound Python, so threads would not lay out two PDFs at once; a forked process
does. The build hands the worker some formats (the blank forms and ``forms.pdf``, then the HTML
site, so both cores finish together) while it renders the others (the handbook PDF) itself; the
worker runs its formats one after another. It writes into a folder of its own, a hard-linked
copy of the staging folder as it was when the worker started, so the files each format writes
are exactly the new files of that folder after it; :func:`finish` moves them into the staging
folder. The bytes are those a serial build writes: the same code runs on the same inputs, only
in another process.

A failure in the worker is the build's failure: the worker turns it into the same domain error a
serial build raises (``render`` is the build's own fault-attributing call) and sends it back with
its fields, so the user reads the same clean message. A worker that dies without a word is a
:class:`~sqmkit.errors.BuildError`. The worker's progress messages are replayed when it finishes.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from .carryover import new_files
from .errors import BuildError
from .formats import RenderContext
from .messages import _


def can_fork() -> bool:
    """Whether a worker can run beside the build: a ``fork`` start method, a second core, and a
    process that may have children (a daemonic pool worker may not)."""
    return ("fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1
            and not multiprocessing.current_process().daemon)


#: one format for a worker: its name, and the call that renders it
Job = tuple[str, Callable[[RenderContext], None]]


@dataclass
class Worker:
    """Formats rendering, one after another, in a forked process into ``folder``."""

    name: str  # the formats' names, for a message
    process: Any  # multiprocessing.context.ForkProcess
    results: Connection
    folder: Path

    def stop(self) -> None:
        """End the worker (if it still runs) and remove its folder; safe to call twice."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.results.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _rebuild(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


class _ErrorPickler(pickle.Pickler):
    """Pickles an exception by its class, ``args`` and fields, so a domain error whose
    ``__init__`` takes other arguments than its ``args`` (``DataError``) crosses intact."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, BaseException):
            return _rebuild, (type(obj), obj.args, dict(obj.__dict__))
        return NotImplemented


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _ErrorPickler(buffer).dump(value)
    return buffer.getvalue()


def _child(jobs: list[Job], ctx: RenderContext, results: Connection) -> None:
    messages: list[str] = []
    done: list[tuple[str, list[str], float]] = []  # per format: the files it wrote, its seconds
    t = time.perf_counter()
    try:
        for name, run in jobs:
            before, t = set(new_files(ctx.out_dir, set())), time.perf_counter()
            run(replace(ctx, progress=messages.append))
            done.append((name, new_files(ctx.out_dir, before), time.perf_counter() - t))
        reply: tuple[Any, ...] = ("ok", messages, done, 0.0)
    except BaseException as exc:  # everything goes back to the build, which raises it
        reply = ("error", messages, exc, time.perf_counter() - t)
    try:
        data = _dumps(reply)
    except Exception:  # a field that does not pickle: the message still reaches the user
        data = _dumps(("error", messages, BuildError(str(reply[2])), reply[3]))
    results.send_bytes(data)
    results.close()


def start(jobs: list[Job], ctx: RenderContext) -> Worker:
    """Fork a worker running ``jobs`` (format name, render call), in order, into a copy of
    ``ctx.out_dir``. The folder is named like the staging folder, so a later build removes it if
    this one is killed."""
    name = ", ".join(job[0] for job in jobs)
    staging = ctx.out_dir
    folder = Path(tempfile.mkdtemp(prefix=f"{staging.name}_", dir=staging.parent))
    shutil.copytree(staging, folder, copy_function=os.link, dirs_exist_ok=True)
    forking = multiprocessing.get_context("fork")
    results, sender = forking.Pipe(duplex=False)
    process = forking.Process(target=_child, args=(jobs, replace(ctx, out_dir=folder), sender),
                              name=f"sqmkit-{name}", daemon=True)
    process.start()
    sender.close()
    return Worker(name, process, results, folder)


def finish(worker: Worker, ctx: RenderContext) -> dict[str, tuple[list[str], float]]:
    """Wait for the worker; move the files it wrote into ``ctx.out_dir`` and return, format by
    format, those files (sorted) and its seconds, or raise its error. Its progress messages are
    replayed first."""
    try:
        kind, messages, payload, _seconds = pickle.loads(worker.results.recv_bytes())
    except (EOFError, OSError):
        worker.process.join()
        raise BuildError(_("the {format} output stopped in its worker process (exit code {code})").format(
            format=worker.name, code=worker.process.exitcode)) from None
    worker.process.join()
    for message in messages:
        ctx.progress(message)
    if kind == "error":
        raise payload
    made: dict[str, tuple[list[str], float]] = {}
    for name, files, took in payload:
        for rel in files:
            target = ctx.out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(worker.folder / rel, target)
        made[name] = (list(files), float(took))
    return made
