"""Compiled Jinja templates kept between processes, so a command does not compile them again.

Compiling is most of what Jinja costs here: a build compiles the site's, the forms' and the
checklists' templates and some two hundred tailored texts, each on every run, for about as long
as the rest of the HTML build. Jinja can keep compiled templates in a bytecode cache; this module
gives it one that is safe to share:

* the key of an entry holds the environment's fingerprint (its class, escaping, undefined type,
  syntax, extensions, how its finalize is called, its code generator, the operators a sandbox
  intercepts, and the names of its filters and tests and how each is called, which the compiler
  checks and compiles in), besides
  the template's name and file (Jinja's own key), and Jinja checks the source's checksum and its
  own and Python's version before using an entry, so a changed template, setting or version is
  compiled again;
* :func:`from_string` does for a template given as a string (a tailored text) what a loader does
  for a file: the entry's name is the hash of the source; and a source is compiled (or read) once
  per process, its code shared by every environment of the same fingerprint;
* a template name's escaping, when ``autoescape`` is a function of the name, is part of the key;
* entries are written to a temporary file and renamed (Jinja's own atomic write), in a folder only
  the user may write: ``jinja-<version>`` in the cache folder (:func:`sqmkit.diskcache.cache_dir`).
  Where no such folder can be made, nothing is cached and nothing fails; an entry read is marked
  as used, so the cache's sweep (:mod:`sqmkit.cacheprune`) keeps it.

The compiled code is what Jinja compiles from the same source with its optimizer off (see
:func:`attach`), so the output is the same.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from types import CodeType
from typing import Any, Mapping
import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from .diskcache import cache_dir, mark_used, open_entry


def cache_folder() -> Path | None:
    """The folder of compiled templates (see :func:`cache_dir`)."""
    return cache_dir(f"jinja-{jinja2.__version__}")


def fingerprint(env: jinja2.Environment) -> str:
    """What the compiled code of a template depends on besides its source."""
    autoescape = env.autoescape
    parts = [
        type(env).__module__, type(env).__qualname__, getattr(autoescape, "__qualname__", repr(autoescape)),
        env.finalize is not None, env.undefined.__qualname__, env.block_start_string, env.block_end_string,
        env.variable_start_string, env.variable_end_string, env.comment_start_string, env.comment_end_string,
        str(env.line_statement_prefix), str(env.line_comment_prefix), env.trim_blocks, env.lstrip_blocks,
        env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
        sorted(env.extensions), _callables(env.filters), _callables(env.tests),
        str(getattr(env.finalize, "jinja_pass_arg", None)), _qualified(env.code_generator_class),
        sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())),
    ]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:24]


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _callables(found: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Names of filters or tests and how each is called (a ``pass_context`` filter is compiled
    into a call with the context)."""
    return sorted((name, str(getattr(func, "jinja_pass_arg", None))) for name, func in found.items())


class SharedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file system bytecode cache with the environment's fingerprint in every key."""

    def __init__(self, folder: Path, env: jinja2.Environment) -> None:
        super().__init__(str(folder), "%s.jinja")
        self.env_key = fingerprint(env)
        self.autoescape = env.autoescape

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # a callable autoescape decides per template name, and the decision is compiled in
        escape = self.autoescape(name) if callable(self.autoescape) else self.autoescape
        return hashlib.sha256(f"{self.env_key}|{bool(escape)}|{name}|{filename}".encode("utf-8")).hexdigest()

    def load_bytecode(self, bucket: Bucket) -> None:
        """As Jinja reads an entry (a regular file only, never through a symbolic link), and the
        entry is marked as used (:func:`sqmkit.diskcache.mark_used`)."""
        opened = open_entry(self._get_cache_filename(bucket))
        if opened is None:
            return
        f, mtime = opened
        with f:
            bucket.load_bytecode(f)
            if bucket.code is not None:
                mark_used(f.fileno(), mtime)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """As Jinja writes an entry; a folder removed meanwhile (``sqmkit cache clear``) keeps nothing."""
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def attach(env: jinja2.Environment) -> jinja2.Environment:
    """Give ``env`` the shared cache (call when its filters and tests are all registered).

    Jinja calls a filter or test while compiling when its arguments are constants, and writes the
    result into the code. Code compiled in one process would then carry the results of that
    process's filters, which may be another plugin's or hold another client's data. So ``env``
    compiles with stand-ins that refuse to be called (Jinja then leaves the call for rendering, as
    it does for any filter that fails while compiling), and without its optimizer: every filter
    runs when the template is rendered, in the process rendering it, with the same result."""
    folder = cache_folder()
    if folder is not None and env.bytecode_cache is None:
        env.optimized = False
        _compile_without_calls(env)
        env.bytecode_cache = SharedBytecodeCache(folder, env)
    return env


def _compile_without_calls(env: jinja2.Environment) -> None:
    compile_: Any = env.compile

    def compile(source: Any, name: str | None = None, filename: str | None = None, raw: bool = False,
                defer_init: bool = False) -> Any:
        filters, tests = env.filters, env.tests
        env.filters, env.tests = _stand_ins(filters), _stand_ins(tests)
        try:
            return compile_(source, name, filename, raw, defer_init)
        finally:
            env.filters, env.tests = filters, tests

    setattr(env, "compile", compile)  # the one call Jinja's loaders and from_string make


def _stand_ins(found: dict[str, Any]) -> dict[str, Any]:
    def stand_in_for(func: Any) -> Any:
        def stand_in(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("a filter is not called while compiling")

        if hasattr(func, "jinja_pass_arg"):
            stand_in.jinja_pass_arg = func.jinja_pass_arg  # type: ignore[attr-defined]
        return stand_in

    return {name: stand_in_for(func) for name, func in found.items()}


#: code compiled (or read from the cache) in this process: (cache folder, key, source) → code;
#: only code compiled the shared way (no filter called, no optimizer) is kept, so any environment
#: of the same fingerprint may run it (a client's renderer and a lender's, every client of a batch)
_codes: dict[tuple[str, str, str], CodeType] = {}


def from_string(env: jinja2.Environment, source: str) -> jinja2.Template:
    """``env.from_string(source)``, its compiled code kept in the shared cache (and in this
    process: a source is compiled or read once)."""
    cache = attach(env).bytecode_cache
    if not isinstance(cache, SharedBytecodeCache):
        return env.from_string(source)
    name = "string:" + hashlib.sha256(source.encode("utf-8")).hexdigest()
    key = (cache.directory, cache.get_cache_key(name), source)
    code = _codes.get(key)
    if code is None:
        code = _codes[key] = _code(env, cache, name, source)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _code(env: jinja2.Environment, cache: SharedBytecodeCache, name: str, source: str) -> CodeType:
    bucket = cache.get_bucket(env, name, None, source)
    code: CodeType | None = bucket.code
    if code is None:
        code = bucket.code = env.compile(source)
        try:
            cache.set_bucket(bucket)
        except OSError:  # a full disk or a folder gone: the template is compiled all the same
            pass
    return code
