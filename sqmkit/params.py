"""Client parameters: industry defaults merged with a profile's overrides, looked up by dotted path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .profile import Profile
    from .schema import Industry


class MissingParameter(KeyError):
    """No parameter at that dotted path."""


def lookup(params: dict[str, Any], path: str) -> Any:
    """The value at a dotted path such as ``grading.courier`` or ``kpi.on_time_rate``."""
    node: Any = params
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise MissingParameter(path)
    return node


def merge_parameters(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge profile parameters over industry defaults (lists are replaced whole)."""
    out = dict(defaults)
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_parameters(out[k], v)
        else:
            out[k] = v
    return out


def effective_parameters(profile: "Profile", industry: "Industry") -> dict[str, Any]:
    """Industry defaults with the profile's overrides merged in."""
    return merge_parameters(industry.parameters, profile.parameters)
