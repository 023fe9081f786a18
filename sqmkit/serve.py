"""``sqmkit serve``: a live preview of one client's handbook site on 127.0.0.1.

The site (HTML pages and checklists) is built into a temporary folder and served from there. A
watcher (watchfiles) follows the profile's folder, the installed plugins' packages (their rules,
forms, checklists and templates) and the core templates; on a change the site is built again
and every open page reloads itself: the server adds a small script to each HTML page that polls
``/__version``. A build that fails leaves the last good site in place, and the pages show the
error over it until the next good build. The PDF, the forms and their PDF are built on demand,
when ``/handbook.pdf``, ``/forms.pdf`` or a page under ``/forms/`` is first asked for.

Every build runs in a child process (``python -m sqmkit.serve --build …``): plugin packs cache
their data files once loaded, and a fresh process reads the edited ones; a crash in a plugin
cannot take the server down either.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterable

from .messages import _

#: formats rebuilt on every change, and those built when first asked for (URL prefix → format)
SITE_FORMATS = ("html", "checklists")
ON_DEMAND = {"handbook.pdf": "pdf", "forms.pdf": "forms", "forms/": "forms"}
#: the files whose change triggers a rebuild
WATCHED_SUFFIXES = frozenset({".yaml", ".yml", ".html", ".css", ".js", ".py", ".svg", ".png", ".jpg", ".jpeg", ".toml"})

RELOAD_JS = """(function () {
  var seen = null, box = null;
  function overlay(text) {
    if (!box) { box = document.createElement("div"); box.id = "sqmkit-build-error"; box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:99;margin:0;"
        + "background:#7a1010;color:#fff;font:14px/1.5 monospace;padding:1em 1.2em;white-space:pre-wrap";
      document.body.appendChild(box); }
    box.textContent = text;
  }
  function poll() {
    fetch("/__version", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen && !s.error) { location.reload(); return; }
      seen = s.version;
      if (s.error) { overlay(s.error); } else if (box) { box.remove(); box = null; }
    }).catch(function () {}).then(function () { setTimeout(poll, 400); });
  }
  poll();
  var pdf = document.createElement("a");
  pdf.href = "/handbook.pdf"; pdf.textContent = "PDF"; pdf.id = "sqmkit-preview-pdf";
  pdf.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:98;background:#1d2733;color:#fff;"
    + "padding:.3em .8em;border-radius:4px;font:13px sans-serif;text-decoration:none";
  document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(pdf); });
})();
"""


@dataclass
class State:
    """What the server shows: the last good site, the error of the last build, a version."""

    version: int = 0
    site: Path | None = None
    error: str | None = None
    #: on-demand format → the folder it was built into for the current version
    extra: dict[str, Path] = field(default_factory=dict)


def run_build(profile: Path, out_root: Path, formats: Iterable[str]) -> tuple[Path | None, str | None]:
    """Build ``formats`` of ``profile`` in a child process into ``out_root``: the client's
    folder, or the error the build reported."""
    cmd = [sys.executable, "-m", "sqmkit.serve", "--build", str(profile), str(out_root), ",".join(formats)]
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        return None, (proc.stderr.strip() or proc.stdout.strip() or _("the build failed"))
    folders = [p for p in out_root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    if len(folders) != 1:
        return None, _("the build wrote no output folder")
    return folders[0], None


def watched_paths(profile: Path) -> list[Path]:
    """The profile's folder, the packages of the installed plugins and the core templates."""
    from .plugins import get_plugin_manager
    from .coretemplates import core_template_dir

    paths = {profile.resolve().parent, core_template_dir().resolve()}
    for info in get_plugin_manager().infos.values():
        paths.update(_package_folders(info.module.split(":")[0]))
    return [p for p in sorted(paths) if not any(p.is_relative_to(q) and p != q for q in paths)]


def _package_folders(module: str) -> list[Path]:
    """The folder of ``module``'s package (its data files live there)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return [Path(p).resolve() for p in spec.submodule_search_locations]
    return [Path(spec.origin).resolve().parent] if spec.origin else []


def relevant(path: str) -> bool:
    p = Path(path)
    return p.suffix.lower() in WATCHED_SUFFIXES and "__pycache__" not in p.parts and not p.name.startswith(".")


class Preview:
    """The preview of one profile: builds, a watcher thread and the HTTP server."""

    def __init__(self, profile: Path, port: int = 8000, say: Callable[[str], None] = print):
        self.profile, self.say = profile.resolve(), say
        self.tmp = Path(tempfile.mkdtemp(prefix="sqmkit-serve-"))
        self.state = State()
        self.lock = threading.Lock()  # guards state; builds of the site run one at a time
        self.build_lock = threading.Lock()
        self.demand_lock = threading.Lock()
        self.stop = threading.Event()
        handler = partial(Handler, preview=self)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.watcher = threading.Thread(target=self._watch, name="sqmkit-watch", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def rebuild(self) -> None:
        with self.build_lock:
            with self.lock:
                number = self.state.version + 1
            site, error = run_build(self.profile, self.tmp / f"site-{number}", SITE_FORMATS)
            with self.lock:
                old = self.state.site if site else None
                self.state.version = number
                self.state.error = error
                if site:
                    self.state.site, self.state.extra = site, {}
        if error:
            self.say(_("build failed; still serving the last good build:\n{error}").format(error=error))
        else:
            self.say(_("rebuilt ({number})").format(number=number))
        if old is not None:
            shutil.rmtree(old.parent, ignore_errors=True)

    def on_demand(self, fmt: str) -> Path | None:
        """The folder holding format ``fmt`` for the current version, built if need be."""
        with self.demand_lock:
            with self.lock:
                version, built = self.state.version, self.state.extra.get(fmt)
            if built is not None:
                return built
            self.say(_("building {format} on demand").format(format=fmt))
            folder, error = run_build(self.profile, self.tmp / f"{fmt}-{version}", [fmt])
            with self.lock:
                if error:
                    self.state.error = error
                elif self.state.version == version:
                    self.state.extra[fmt] = folder  # type: ignore[assignment]
            return folder

    def _watch(self) -> None:
        from watchfiles import watch

        paths = watched_paths(self.profile)
        for changes in watch(*paths, stop_event=self.stop, watch_filter=lambda _c, p: relevant(p),
                             debounce=300, step=50, raise_interrupt=False):
            if self.stop.is_set():
                break
            names = sorted({Path(p).name for _c, p in changes})
            self.say(_("changed: {files}").format(files=", ".join(names[:5])))
            self.rebuild()

    def start(self) -> None:
        """The first build, then the watcher (serve with :meth:`serve_forever`)."""
        self.rebuild()
        self.watcher.start()

    def serve_forever(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def close(self) -> None:
        self.stop.set()
        self.server.server_close()
        self.watcher.join(timeout=5)
        shutil.rmtree(self.tmp, ignore_errors=True)


class Handler(SimpleHTTPRequestHandler):
    """Files of the current build, with the reload script added to every HTML page."""

    def __init__(self, *args: Any, preview: Preview, **kwargs: Any):
        self.preview = preview
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/__version":
            with self.preview.lock:
                state = {"version": self.preview.state.version, "error": self.preview.state.error}
            return self._send(json.dumps(state).encode(), "application/json")
        if path == "/__reload.js":
            return self._send(RELOAD_JS.encode(), "text/javascript; charset=utf-8")
        root = self._root(path.lstrip("/"))
        if root is None:
            return self._no_site()
        file = self._file(root, path)
        if file is None:
            return self.send_error(HTTPStatus.NOT_FOUND)
        if file.suffix == ".html":
            return self._send(inject(file.read_bytes()), "text/html; charset=utf-8")
        ctype = self.guess_type(str(file))
        return self._send(file.read_bytes(), ctype)

    def do_HEAD(self) -> None:
        self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

    def _root(self, rel: str) -> Path | None:
        for prefix, fmt in ON_DEMAND.items():
            if rel == prefix or (prefix.endswith("/") and rel.startswith(prefix)):
                return self.preview.on_demand(fmt)
        with self.preview.lock:
            return self.preview.state.site

    def _file(self, root: Path, path: str) -> Path | None:
        from urllib.parse import unquote

        rel = unquote(path).lstrip("/") or "index.html"
        file = (root / rel).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(root.resolve()) or not file.is_file():
            return None
        return file

    def _no_site(self) -> None:
        with self.preview.lock:
            error = self.preview.state.error or _("building…")
        from html import escape

        page = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>sqmkit serve</title></head>'
                f'<body><main><h1>sqmkit serve</h1><pre>{escape(error)}</pre></main></body></html>')
        self._send(inject(page.encode()), "text/html; charset=utf-8", HTTPStatus.SERVICE_UNAVAILABLE)

    def _send(self, body: bytes, ctype: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def inject(html: bytes) -> bytes:
    """The page with the reload script added before ``</body>``."""
    tag = b'<script src="/__reload.js"></script>'
    at = html.rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


def _child(argv: list[str]) -> int:
    """``python -m sqmkit.serve --build PROFILE OUT FORMATS``: one build, its error on stderr."""
    from .build import build
    from .errors import SqmkitError

    profile, out, formats = argv[1], argv[2], argv[3].split(",")
    try:
        build(profile, out, formats, store_path=None)
    except SqmkitError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # a plugin's or a template's bug: shown in the page, the server goes on
        print(_("{kind}: {detail}").format(kind=type(exc).__name__, detail=exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover - the child process of a preview build
    if len(sys.argv) == 5 and sys.argv[1] == "--build":
        sys.exit(_child(sys.argv[1:]))
    sys.exit(2)
