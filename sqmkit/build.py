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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .assemble import Issued, assemble, read_profile
from .assets import publish_logo, read_logo, template_folder
from .carryover import carry, inputs_hash, new_files, plan, previous_manifest
from .clients import plugin_versions
from .errors import BuildError, SqmkitError
from .formats import OutputFormat, RenderContext, RenderOptions, RenderState
from .model import Regulation
from .numbering import Numbering
from .outdir import check_target, make_staging, prepare_root, swap_in
from .plugins import Manager, get_plugin_manager
from .profile import Profile
from .render.environment import core_template_dir, make_environment
from .versions import draft_words
from .yamlio import YamlDoc
from .messages import _


@dataclass
class BuildResult:
    regulation: Regulation
    out_dir: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path → sha256
    timings: dict[str, float] = field(default_factory=dict)

    def path(self, rel: str) -> Path:
        return self.out_dir / rel


def load(profile_path: str | Path, mgr: Manager | None = None, store_path: str | Path | None = None,
         issued: "Frozen | None" = None) -> tuple[Manager, Profile, YamlDoc, Regulation]:
    """Read a profile and assemble its regulation (no output); the versions issued in the store
    at ``store_path`` join the revision log, and the regulation is a draft unless the store holds
    an issued version of this very profile (same version, same profile bytes). ``issued`` (an
    issue or a rebuild) gives the revision log and the draft flag instead of the store. Every
    problem of the profile is reported at once."""
    mgr = mgr or get_plugin_manager()
    profile, doc = read_profile(mgr, profile_path)
    if issued is None:
        issued = issued_state(store_path, profile, Path(profile_path))
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


def issued_state(store_path: str | Path | None, profile: Profile, path: Path) -> Frozen:
    """The versions of the client issued in the store (none without a store), and whether the
    profile at ``path`` is a draft: not issued with this version and these exact bytes."""
    if store_path is None:
        return Frozen([], True)
    from .store import open_store

    with open_store(store_path) as store:
        rows = store.versions(profile.id)
    digest = profile_sha256(path)
    issued = any(r["version"] == profile.document.version and r.get("profile_sha256") == digest for r in rows)
    return Frozen([Issued(r["version"], dt.date.fromisoformat(r["date"]), r["description"]) for r in rows],
                  not issued)


def issued_versions(store_path: str | Path | None, client_id: str) -> list[Issued]:
    """The versions of ``client_id`` issued in the store (none without a store)."""
    if store_path is None:
        return []
    from .store import open_store

    with open_store(store_path) as store:
        rows = store.versions(client_id)
    return [Issued(r["version"], dt.date.fromisoformat(r["date"]), r["description"]) for r in rows]


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
) -> BuildResult:
    """Build the outputs of one client into ``out_root/<client-id>/``, atomically; ``issued``
    as for :func:`load` (an issue or a rebuild)."""
    t0 = time.perf_counter()
    progress(_("reading the profile and assembling the regulation"))
    mgr, profile, doc, reg = load(profile_path, mgr, store_path, issued)
    timings = {"assemble": time.perf_counter() - t0}
    available = mgr.output_formats()
    chosen = _choose(available, formats)
    numbering = Numbering.of(reg)
    user_templates = Path(templates) if templates else template_folder(profile, doc)
    folders = ([user_templates] if user_templates else []) + mgr.template_dirs(profile)
    env = make_environment(reg, numbering, folders, lambda e: mgr.prepare_jinja_env(e, profile))
    env.globals.update(draft=reg.draft, draft_words=draft_words(reg.language))

    logo = read_logo(profile, doc)  # checked again as it is read: what is published is what was checked
    out_root = prepare_root(Path(out_root))
    target = out_root / profile.id
    check_target(target, profile.id)
    inputs = inputs_hash(reg, [*folders, core_template_dir()], plugin_versions(mgr))
    render, keep = plan(chosen, bool(formats), list(available), previous_manifest(target), inputs, target)
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
        swap_in(staging, target, profile.id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    timings["total"] = time.perf_counter() - t0
    result = BuildResult(reg, target, files, timings)
    if store_path is not None:
        _record(store_path, mgr, profile, reg, result, chosen)
    return result


def _render_all(mgr: Manager, formats: list[OutputFormat], ctx: RenderContext, user_templates: Path | None,
                timings: dict[str, float]) -> dict[str, list[str]]:
    """Run the formats in order; returns the files each one wrote."""
    by_format: dict[str, list[str]] = {}
    for fmt in formats:
        t, before = time.perf_counter(), set(new_files(ctx.out_dir, set()))
        _render(mgr, fmt, ctx, user_templates)
        timings[fmt.name], by_format[fmt.name] = time.perf_counter() - t, new_files(ctx.out_dir, before)
    return by_format


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


def _record(store_path: str | Path, mgr: Manager, profile: Profile, reg: Regulation, result: BuildResult,
            formats: list[str]) -> None:
    from .store import now_iso, open_store

    manifest_hash = hashlib.sha256((result.out_dir / "manifest.json").read_bytes()).hexdigest()
    digest = profile_sha256(profile.source) if profile.source else None
    with open_store(store_path) as store:
        store.save_client(profile.id, profile.model_dump(mode="json"), str(profile.source) if profile.source else None)
        issued = store.versions(profile.id)
        store.add_build({
            "client": profile.id, "at": now_iso(), "version": reg.document.version,
            "out_dir": str(result.out_dir), "formats": formats, "manifest_sha256": manifest_hash,
            "files": len(result.files), "profile_sha256": digest, "plugins": plugin_versions(mgr),
            "last_issue": issued[-1]["version"] if issued else None,
        })
