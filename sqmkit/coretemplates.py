"""Where the core templates are: one small module without Jinja, so that the build cache can hash
them (and a build found up to date can finish) without loading the template engine."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from .errors import BuildError


def core_template_dir() -> Path:
    """The core templates: package data ``sqmkit.templates`` when installed; ``templates/``
    beside the package when running from a source checkout whose root is on ``sys.path``."""
    try:
        return Path(str(importlib.resources.files("sqmkit.templates")))
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parents[1] / "templates"
        if checkout.is_dir():
            return checkout
        raise BuildError("the core templates are missing from this sqmkit installation; reinstall sqmkit") from None
