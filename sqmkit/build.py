"""A build: profile → plugins → document model → output formats → manifest → store record.

The output is written to a staging folder beside the target and swapped in only when every
format has succeeded, so a failed build never leaves a half-written ``<out>/<client-id>/`` and
never destroys the previous good one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .assemble import assemble
from .errors import BuildError, ProfileError
from .model import Regulation
from .numbering import Numbering
from .outputs import OutputFormat, RenderContext
from .plugins import Manager, get_plugin_manager
from .profile import Profile, load_profile
from .render.environment import make_environment, plain_text
from .yamlio import YamlDoc


@dataclass
class BuildResult:
    regulation: Regulation
    out_dir: Path
    files: dict[str, str] = field(default_factory=dict)  # relative path → sha256
    timings: dict[str, float] = field(default_factory=dict)

    def path(self, rel: str) -> Path:
        return self.out_dir / rel


def output_formats(mgr: Manager) -> dict[str, OutputFormat]:
    found: dict[str, tuple[str, OutputFormat]] = {}
    from .errors import PluginError

    for plugin, formats in mgr.call("register_output_formats"):
        for f in formats:
            if not isinstance(f, OutputFormat):
                raise PluginError(plugin, f"register_output_formats must return OutputFormat objects, not {type(f).__name__}")
            if f.name in found:
                raise PluginError(plugin, f"output format {f.name!r} is already registered by plugin {found[f.name][0]!r}")
            found[f.name] = (plugin, f)
    return {name: f for name, (_, f) in sorted(found.items(), key=lambda kv: (kv[1][1].order, kv[0]))}


def load(profile_path: str | Path, mgr: Manager | None = None) -> tuple[Manager, Profile, YamlDoc, Regulation]:
    """Read a profile and assemble its regulation (no output)."""
    profile, doc = load_profile(profile_path)
    mgr = mgr or get_plugin_manager()
    return mgr, profile, doc, assemble(mgr, profile, doc)


def snapshot(reg: Regulation) -> dict[str, str]:
    """Clause id → plain text, the basis of version diffs."""
    num = Numbering.of(reg)
    out: dict[str, str] = {}

    def walk(items):
        for it in items:
            out[it.id] = plain_text(it.text, num, reg)
            walk(it.items)

    for ch in reg.chapters:
        out[ch.id] = ch.title
        for a in ch.articles:
            head = " ".join(x for x in [a.title or "", plain_text(a.text, num, reg)] if x)
            out[a.id] = head
            if a.block:
                out[a.id + "#block"] = json.dumps(a.block, ensure_ascii=False, sort_keys=True)
            walk(a.items)
    for f in reg.forms:
        out[f.id] = f.title + " " + json.dumps(f.sections, ensure_ascii=False, sort_keys=True)
    for c in reg.checklists:
        out[c.id] = c.title + " " + json.dumps(c.sections, ensure_ascii=False, sort_keys=True)
    return out


def _hash_tree(root: Path) -> dict[str, str]:
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            files[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def _swap_in(staging: Path, target: Path) -> None:
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, backup)
    try:
        os.replace(staging, target)
    except OSError:
        if backup is not None:
            os.replace(backup, target)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def build(
    profile_path: str | Path,
    out_root: str | Path,
    formats: list[str] | None = None,
    *,
    mgr: Manager | None = None,
    templates: str | Path | None = None,
    store_path: str | Path | None = None,
    progress: Callable[[str], None] = lambda m: None,
) -> BuildResult:
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    progress("reading the profile and assembling the regulation")
    mgr, profile, doc, reg = load(profile_path, mgr)
    if store_path is not None:
        from .store import open_store

        with open_store(store_path) as store:
            issued = store.versions(profile.id)
        _merge_revisions(reg, issued)
    timings["assemble"] = time.perf_counter() - t0

    available = output_formats(mgr)
    chosen = list(available) if not formats else formats
    unknown = [f for f in chosen if f not in available]
    if unknown:
        raise BuildError(f"unknown output format {unknown[0]!r}; available: {', '.join(available)}")
    chosen = [name for name in available if name in chosen]  # canonical order

    numbering = Numbering.of(reg)
    user_templates = Path(templates) if templates else profile.template_dir()
    env = make_environment(mgr, reg, numbering, user_templates)

    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    target = out_root / profile.id
    staging = Path(tempfile.mkdtemp(prefix=f".{profile.id}.staging-", dir=out_root))
    try:
        options = {}
        logo = profile.logo_path()
        if logo is not None:
            if not logo.is_file():
                raise ProfileError(str(doc.path), "branding.logo", f"logo file {logo} does not exist",
                                   doc.line_of(["branding", "logo"]))
            rel = f"assets/logo{logo.suffix.lower()}"
            (staging / "assets").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(logo, staging / rel)
            options["logo"] = rel
        ctx = RenderContext(reg, staging, env, numbering, progress, options)
        for name in chosen:
            t = time.perf_counter()
            available[name].render(ctx)
            timings[name] = time.perf_counter() - t
        files = _hash_tree(staging)
        manifest = {
            "client": profile.id,
            "document": {"number": reg.document["number"], "version": reg.document["version"]},
            "formats": chosen,
            "files": files,
        }
        (staging / "manifest.json").write_bytes(
            (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
        os.chmod(staging, 0o755)
        _swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    timings["total"] = time.perf_counter() - t0
    result = BuildResult(reg, target, files, timings)
    if store_path is not None:
        _record(store_path, profile, reg, result, chosen)
    return result


def _merge_revisions(reg: Regulation, issued: list[dict]) -> None:
    seen = {(r["version"]) for r in reg.revisions}
    for v in issued:
        if v["version"] not in seen:
            reg.revisions.append({"version": v["version"], "date": v["date"], "description": v["description"]})
    reg.revisions.sort(key=lambda r: (str(r["date"]), r["version"]))


def _record(store_path, profile: Profile, reg: Regulation, result: BuildResult, formats: list[str]) -> None:
    from .store import now_iso, open_store

    manifest_hash = hashlib.sha256((result.out_dir / "manifest.json").read_bytes()).hexdigest()
    with open_store(store_path) as store:
        store.save_client(profile.id, profile.model_dump(mode="json"), str(profile.source) if profile.source else None)
        store.add_build({
            "client": profile.id, "at": now_iso(), "version": reg.document["version"],
            "out_dir": str(result.out_dir), "formats": formats, "manifest_sha256": manifest_hash,
            "files": len(result.files),
        })
