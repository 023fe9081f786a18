"""Messages to people, in their language: gettext catalogs managed with Babel.

Every message sqmkit shows a person (errors, hints, command output) is written in English in the
source and wrapped in :func:`_`, which looks it up in the catalog of the current language at call
time::

    raise ProfileError(file, where, _("unknown department {key!r}").format(key=key), line)

Format *after* translating, with named placeholders, so a translation can reorder them.

The catalogs are ``sqmkit/locale/<lang>/LC_MESSAGES/sqmkit.po``, kept in step with the source by
``make messages`` (``pybabel extract`` + ``pybabel update``); a test checks that every message has a
translation. They are compiled on first use, so no binary file is committed; the compiled form is
kept in the user's cache folder for the next process (:mod:`sqmkit.diskcache`).

The language is, in order: the ``SQMKIT_LANG`` environment variable (an explicit choice), the one set
with :func:`use_language` / :func:`set_language` (the CLI sets the profile's ``language`` as soon as
it has read it), then the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, ``LANGUAGE``): Chinese when
it starts with ``zh``, English otherwise.
"""

from __future__ import annotations

import gettext
import io
import os
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Iterator, Mapping

#: the languages messages exist in; ``en`` is the source language and needs no catalog
MESSAGE_LANGUAGES = ("zh-CN", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "sqmkit"

_chosen: ContextVar[str | None] = ContextVar("sqmkit_message_language", default=None)


def normalize(lang: str | None) -> str | None:
    """``zh``, ``zh_CN.UTF-8``, ``zh-Hans`` → ``zh-CN``; ``en_US`` → ``en``; anything else → None."""
    if not lang:
        return None
    low = lang.strip().lower().replace("_", "-")
    if low.startswith("zh"):
        return "zh-CN"
    if low.startswith("en") or low in ("c", "posix") or low.startswith("c."):
        return "en"
    return None


def locale_language(environ: Mapping[str, str] | None = None) -> str:
    """The message language the process locale asks for (Chinese when it is Chinese, else English)."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var)
        if value:
            return normalize(value.split(":")[0]) or "en"
    return "en"


def current_language() -> str:
    """The language :func:`_` translates into now."""
    forced = normalize(os.environ.get("SQMKIT_LANG"))
    if forced:
        return forced
    return _chosen.get() or locale_language()


def set_language(lang: str | None) -> None:
    """Choose the message language for this context (``None`` goes back to the locale)."""
    _chosen.set(normalize(lang) if lang else None)


def follow_profile(data: object) -> None:
    """Messages follow a profile's ``language`` from here on (``data``: the profile as read, not
    yet checked; anything without a language leaves the choice as it is)."""
    language = data.get("language") if isinstance(data, dict) else None
    if isinstance(language, str):
        set_language(language)


@contextmanager
def use_language(lang: str | None) -> Iterator[None]:
    """Translate into ``lang`` inside the block."""
    token = _chosen.set(normalize(lang) if lang else None)
    try:
        yield
    finally:
        _chosen.reset(token)


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (a null catalog for English or a missing file)."""
    path = catalog_path(lang)
    if lang == "en" or not path.is_file():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(_compiled(path.read_bytes(), lang)))


def _compiled(po: bytes, lang: str) -> bytes:
    """The ``.mo`` form of a catalog, compiled once and kept in the cache folder (like a ``.pyc``:
    keyed by the catalog's bytes and Babel's version; see :mod:`sqmkit.diskcache`)."""
    import babel

    from . import diskcache

    entry = diskcache.entry("messages", b"\0".join([babel.__version__.encode(), lang.encode(), po]), ".mo")
    kept = diskcache.read(entry)
    if kept is not None:
        return kept
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po), locale=lang.replace("-", "_"), domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    diskcache.write(entry, buf.getvalue())
    return buf.getvalue()


def _(message: str) -> str:
    """``message`` in the current language (itself when there is no translation)."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the current language."""
    return translations(current_language()).ngettext(singular, plural, n)
