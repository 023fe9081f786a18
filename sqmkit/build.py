"""A build: profile → plugins → document model → output formats → manifest → store record.

The output is written to a staging folder beside the target and swapped in only when every
format has succeeded, so a failed build never leaves a half-written ``<out>/<client-id>/`` and
never destroys the previous good one; only a folder sqmkit built is ever replaced
(:mod:`sqmkit.outdir`). The logo is checked and, for an SVG, sanitised before anything is written
(:mod:`sqmkit.assets`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from . import buildcache
from .clients import plugin_versions
from .errors import BuildError, SqmkitError
from .formats import OutputFormat, RenderContext, RenderOptions, RenderState
from .outdir import check_target, make_staging, prepare_root, swap_in
from .plugins import Manager, get_plugin_manager
from .messages import _

if TYPE_CHECKING:  # pragma: no cover  # a build the cache finds up to date imports none of these
    from . import worker
    from .assemble import Issued
    from .model import Regulation
    from .numbering import Numbering
    from .profile import Profile
    from .store import Store
    from .yamlio import YamlDoc


class BuildResult:
    """What a build made: the folder, its files (relative path → sha256) and timings. A build the
    cache found up to date (``cached``) assembled nothing; its :attr:`regulation` is assembled
    when first asked for."""

    def __init__(self, regulation: "Regulation | Callable[[], Regulation]", out_dir: Path,
                 files: dict[str, str] | None = None, timings: dict[str, float] | None = None,
                 cached: bool = False) -> None:
        self._regulation = regulation
        self.out_dir, self.files, self.timings, self.cached = out_dir, files or {}, timings or {}, cached
        #: what the store records of this build; the client's profile data and file, when read
        self.record: dict[str, Any] = {}
        self.client: tuple[dict[str, Any], str | None] | None = None

    @property
    def regulation(self) -> Regulation:
        from .model import Regulation

        if not isinstance(self._regulation, Regulation):
            self._regulation = self._regulation()
        return self._regulation

    def path(self, rel: str) -> Path:
        return self.out_dir / rel


def load(profile_path: str | Path, mgr: Manager | None = None, store_path: str | Path | None = None,
         issued: "Frozen | None" = None, versions: list[dict[str, Any]] | None = None,
         ) -> tuple[Manager, Profile, YamlDoc, Regulation]:
    """Read a profile and assemble its regulation (no output); the versions issued in the store
    at ``store_path`` join the revision log, and the regulation is a draft unless the store holds
    an issued version of this very profile (same version, same profile bytes). ``issued`` (an
    issue or a rebuild) gives the revision log and the draft flag instead of the store. Every
    problem of the profile is reported at once."""
    from .assemble import assemble, read_profile

    mgr = mgr or get_plugin_manager()
    profile, doc = read_profile(mgr, profile_path)
    if issued is None:
        issued = issued_state(store_path, profile, Path(profile_path), versions)
    reg = assemble(mgr, profile, doc, issued.versions)
    reg.draft = issued.draft
    return mgr, profile, doc, reg


@dataclass(frozen=True)
class Frozen:
    """The revision log a build prints and whether it is a draft."""

    versions: list[Issued]
    draft: bool = True


def profile_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def issued_state(store_path: str | Path | None, profile: Profile, path: Path,
                 rows: list[dict[str, Any]] | None = None) -> Frozen:
    """The versions of the client issued in the store (none without a store; ``rows``, the store's
    records of them, when given), and whether the profile at ``path`` is a draft: not issued with
    this version and these exact bytes."""
    if rows is None:
        if store_path is None:
            return Frozen([], True)
        from .store import open_store

        with open_store(store_path) as store:
            rows = store.versions(profile.id)
    from .assemble import Issued

    digest = profile_sha256(path)
    issued = any(r["version"] == profile.document.version and r.get("profile_sha256") == digest for r in rows)
    return Frozen([Issued(r["version"], dt.date.fromisoformat(r["date"]), r["description"]) for r in rows],
                  not issued)


def _hash_tree(root: Path) -> dict[str, str]:
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            files[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def _choose(available: dict[str, OutputFormat], formats: list[str] | None) -> list[str]:
    """The formats asked for (by default all but those built on request), in running order."""
    chosen = [name for name, fmt in available.items() if not fmt.on_request] if not formats else formats
    unknown = [f for f in chosen if f not in available]
    if unknown:
        raise BuildError(f"unknown output format {unknown[0]!r}; available: {', '.join(available)}")
    return [name for name in available if name in chosen]


def _write_manifest(staging: Path, reg: Regulation, chosen: list[str], inputs: str,
                    by_format: dict[str, list[str]]) -> dict[str, str]:
    files = _hash_tree(staging)
    manifest = {
        "client": reg.profile.id,
        "document": {"number": reg.document.number, "version": reg.document.version},
        "formats": chosen,
        "files": files,
        "inputs": inputs,
        "by_format": {name: by_format[name] for name in chosen},
    }
    (staging / "manifest.json").write_bytes(
        (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return files


def _companions(render: list[str], keep: dict[str, list[str]], chosen: list[str], env_globals: dict[str, Any],
                asked: bool) -> frozenset[str]:
    """The formats a partial build renders only for the pages the site links to (their PDFs are
    not made); the site links forms.pdf only when the folder will hold it."""
    companions = frozenset(n for n in render if asked and n not in chosen)
    env_globals["forms_pdf"] = "forms" not in companions and ("forms" not in keep or "forms.pdf" in keep["forms"])
    return companions


def build(
    profile_path: str | Path,
    out_root: str | Path,
    formats: list[str] | None = None,
    *,
    mgr: Manager | None = None,
    templates: str | Path | None = None,
    store_path: str | Path | None = None,
    progress: Callable[[str], None] = lambda m: None,
    issued: Frozen | None = None,
    force: bool = False,
    versions: list[dict[str, Any]] | None = None,
) -> BuildResult:
    """Build the outputs of one client into ``out_root/<client-id>/``, atomically; ``issued``
    as for :func:`load` (an issue or a rebuild); ``versions``, the store's records of the client's
    issued versions, in place of reading them from ``store_path``. A build whose inputs are those
    of the last one does nothing, and a format whose own inputs are unchanged is kept
    (:mod:`sqmkit.buildcache`); ``force`` renders everything asked for."""
    t0 = time.perf_counter()
    mgr = mgr or get_plugin_manager()
    req = _Request(Path(profile_path), prepare_root(Path(out_root)), formats, Path(templates) if templates else None,
                   Path(store_path) if store_path is not None else None, progress, issued, versions, force)
    given = versions if issued is None else [[(v.version, str(v.date), v.description) for v in issued.versions],
                                            issued.draft]
    probe = buildcache.probe(buildcache.RawInputs(req.profile, formats, req.templates, req.store, given), mgr)
    if probe is not None and probe.raw is not None and probe.known and not force:
        manifest = buildcache.up_to_date(req.out_root, probe.client, probe.raw)
        if manifest is not None:
            check_target(req.out_root / probe.client, probe.client)  # a file added since is refused, as always
            progress(_("{client} is up to date: nothing to build").format(client=probe.client))
            return _unchanged(req, mgr, manifest, t0)
    return _build(req, mgr, probe, t0)


@dataclass(frozen=True)
class _Request:
    profile: Path
    out_root: Path
    formats: list[str] | None
    templates: Path | None
    store: Path | None
    progress: Callable[[str], None]
    issued: Frozen | None
    versions: list[dict[str, Any]] | None
    force: bool


def _environment(mgr: Manager, reg: Regulation, profile: Profile, folders: list[Path]) -> tuple["Numbering", Any]:
    """The regulation's numbering and its template environment (compiled templates kept). Jinja
    and the renderers are imported here, not at the top: a build the cache finds up to date never
    needs them."""
    from . import jinjacache
    from .numbering import Numbering
    from .render.environment import make_environment
    from .versions import draft_words

    numbering = Numbering.of(reg)
    env = jinjacache.attach(make_environment(reg, numbering, folders, lambda e: mgr.prepare_jinja_env(e, profile)))
    env.globals.update(draft=reg.draft, draft_words=draft_words(reg.language))
    return numbering, env


def _build(req: _Request, mgr: Manager, probe: "buildcache.Probe | None", t0: float) -> BuildResult:
    from .assets import publish_logo, read_logo, template_folder
    from .carryover import carry, inputs_hash, plan, previous_manifest
    from .coretemplates import core_template_dir

    profile_path, out_root, formats, progress = req.profile, req.out_root, req.formats, req.progress
    progress(_("reading the profile and assembling the regulation"))
    mgr, profile, doc, reg = load(profile_path, mgr, req.store, req.issued, req.versions)
    timings = {"assemble": time.perf_counter() - t0}
    available = mgr.output_formats()
    chosen = _choose(available, formats)
    user_templates = req.templates or template_folder(profile, doc)
    folders = ([user_templates] if user_templates else []) + mgr.template_dirs(profile)
    numbering, env = _environment(mgr, reg, profile, folders)

    logo = read_logo(profile, doc)  # checked again as it is read: what is published is what was checked
    target = out_root / profile.id
    check_target(target, profile.id)
    inputs = inputs_hash(reg, [*folders, core_template_dir()], plugin_versions(mgr))
    keys = buildcache.format_keys(reg, numbering, inputs, probe.code if probe else "", folders, list(available))
    prev_keys = buildcache.previous_keys(out_root, profile.id) if probe else {}
    render, keep = plan(chosen, bool(formats), list(available), previous_manifest(target), inputs, target,
                        keys if probe else None, prev_keys, req.force)
    companions = _companions(render, keep, chosen, env.globals, bool(formats))
    staging = make_staging(out_root, profile.id)
    try:
        options = RenderOptions(logo=publish_logo(logo, staging) if logo else None)
        ctx = RenderContext(reg, staging, env, numbering, progress, options, RenderState(pages_only=companions))
        by_format = _render_all(mgr, [available[name] for name in render], ctx, user_templates, timings)
        carry(target, staging, keep)
        chosen = [name for name in available if name in by_format or name in keep]
        files = _write_manifest(staging, reg, chosen, inputs, {**by_format, **keep})
        os.chmod(staging, 0o755)
        buildcache.forget(out_root, profile.id)
        swap_in(staging, target, profile.id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if probe is not None:
        made = [n for n in by_format if n not in companions] + [n for n in keep if prev_keys.get(n) == keys[n]]
        buildcache.write_cache(out_root, profile.id, probe.raw if probe.client == profile.id else None,
                               {n: keys[n] for n in made})
    timings["total"] = time.perf_counter() - t0
    result = BuildResult(reg, target, files, timings)
    result.record = _build_record(mgr, profile, reg, result, chosen)
    result.client = (profile.model_dump(mode="json"), str(profile.source) if profile.source else None)
    if req.store is not None:
        save_record(req.store, result.record, result.client)
    return result


def _unchanged(req: _Request, mgr: Manager, manifest: dict[str, Any], t0: float) -> BuildResult:
    """The result of a build the cache found up to date; the store records it like any build."""
    profile_path, store_path, target = req.profile, req.store, req.out_root / str(manifest["client"])
    files = {str(k): str(v) for k, v in manifest["files"].items()}
    result = BuildResult(lambda: load(profile_path, mgr, store_path, req.issued, req.versions)[3], target, files,
                         {"total": time.perf_counter() - t0}, cached=True)
    document: dict[str, Any] = manifest["document"] if isinstance(manifest.get("document"), dict) else {}
    result.record = {
        "client": manifest["client"], "version": document.get("version"), "out_dir": str(target),
        "formats": manifest.get("formats"), "files": len(files), "cached": True,
        "manifest_sha256": hashlib.sha256((target / "manifest.json").read_bytes()).hexdigest(),
        "profile_sha256": profile_sha256(Path(profile_path)), "plugins": plugin_versions(mgr),
    }
    if req.store is not None:
        save_record(req.store, result.record, result.client)
    return result


#: formats a build runs, one after another, in a forked worker beside the others (with a second
#: core): beside :data:`LONGEST_FORMAT`, all of these that it renders (the blank forms and
#: forms.pdf, then the HTML site), so that both cores finish at about the same time; else the
#: first alone (the forms), when other formats are left
PARALLEL_FORMATS: tuple[str, ...] = ("forms", "html")
#: the format that takes longest (the handbook PDF), which the build keeps
LONGEST_FORMAT = "pdf"
#: whether a build may fork that worker: ``build --all`` turns it off in its jobs, which already
#: keep every core busy (and a Dask worker is a daemon, which may not have children)
FORK_FORMATS = True


def fork_formats(allowed: bool) -> bool:
    """Allow or forbid the worker of :data:`PARALLEL_FORMATS` in this process; returns the old
    setting."""
    global FORK_FORMATS
    before, FORK_FORMATS = FORK_FORMATS, allowed
    return before


def _render_all(mgr: Manager, formats: list[OutputFormat], ctx: RenderContext, user_templates: Path | None,
                timings: dict[str, float]) -> dict[str, list[str]]:
    """Run the formats in order, :func:`_aside` ones in a worker process started first; returns
    the files each one wrote (the same files, and bytes, as one after another)."""
    from . import worker
    from .carryover import new_files

    by_format: dict[str, list[str]] = {}
    aside = _aside(formats, ctx) if FORK_FORMATS and worker.can_fork() else []
    jobs: list[worker.Job] = [(f.name, partial(_render, mgr, f, user_templates=user_templates)) for f in aside]
    helper = worker.start(jobs, ctx) if aside else None
    try:
        for fmt in formats:
            if fmt in aside:
                continue
            t, before = time.perf_counter(), set(new_files(ctx.out_dir, set()))
            _render(mgr, fmt, ctx, user_templates)
            timings[fmt.name], by_format[fmt.name] = time.perf_counter() - t, new_files(ctx.out_dir, before)
        if helper is not None:
            for name, (files, seconds) in worker.finish(helper, ctx).items():
                by_format[name], timings[name] = files, seconds
    finally:
        if helper is not None:
            helper.stop()
    return by_format


def _aside(formats: list[OutputFormat], ctx: RenderContext) -> list[OutputFormat]:
    """The formats for the worker (:data:`PARALLEL_FORMATS`), in the order they are listed there."""
    rendered = {f.name: f for f in formats if f.name not in ctx.state.pages_only}
    if len(formats) < 2:
        return []
    if LONGEST_FORMAT in rendered and LONGEST_FORMAT not in PARALLEL_FORMATS:
        return [rendered[name] for name in PARALLEL_FORMATS if name in rendered]
    return [rendered[name] for name in PARALLEL_FORMATS[:1] if name in rendered]


def _render(mgr: Manager, fmt: OutputFormat, ctx: RenderContext, user_templates: Path | None) -> None:
    """Run one format; a fault names the plugin whose code or template raised it (or the user's
    template), else the plugin that registered the format. ``SystemExit`` is a fault too."""
    try:
        fmt.render(ctx)
    except SqmkitError:
        raise
    except (Exception, SystemExit) as exc:
        from .faults import render_fault

        raise render_fault(mgr, fmt.name, exc, user_templates) from exc


def _build_record(mgr: Manager, profile: Profile, reg: Regulation, result: BuildResult,
                  formats: list[str]) -> dict[str, Any]:
    """What the store records of a build (but the time and the last issue, added as it is saved)."""
    return {
        "client": profile.id, "version": reg.document.version, "out_dir": str(result.out_dir), "formats": formats,
        "manifest_sha256": hashlib.sha256((result.out_dir / "manifest.json").read_bytes()).hexdigest(),
        "files": len(result.files), "profile_sha256": profile_sha256(profile.source) if profile.source else None,
        "plugins": plugin_versions(mgr),
    }


def save_record(store_path: str | Path, record: dict[str, Any],
                client: tuple[dict[str, Any], str | None] | None) -> None:
    """Record a build in the store (and the client's profile data and file, when the build read
    them): see :attr:`BuildResult.record` and :attr:`BuildResult.client`."""
    from .store import open_store

    with open_store(store_path) as store:
        record_build(store, record, client)


def record_build(store: "Store", record: dict[str, Any], client: tuple[dict[str, Any], str | None] | None) -> None:
    """:func:`save_record` in a store already open (``build --all`` records many in one transaction)."""
    from .store import now_iso

    if client is not None:
        store.save_client(str(record["client"]), client[0], client[1])
    issued = store.versions(str(record["client"]))
    store.add_build({**record, "at": now_iso(), "last_issue": issued[-1]["version"] if issued else None})
